"""Executors forked from a zygote (store/oxigraph/zygote.py): what a replacement costs, and the memory
the executors share with the zygote.

On the current build of a store home, one pool of ``--executors`` executors (one web worker's):

1. waits until the zygote holds its replica and every executor is a fork of it (``ready_s``);
2. reads RSS, PSS and private memory (``/proc/<pid>/smaps_rollup``) of the zygote and the executors;
3. runs ``--lookups`` distinct point lookups, then one whole-graph scan, reading the memory after each;
4. stops ``--kills`` runaway queries at a 1 s limit and times how long until the pool has its executors
   again (kill → replacement forked and ready), and, for comparison, how long a fresh interpreter takes
   to start and answer on disk (the replacement before forks, without its 15–21 s copy of the build).

    .venv/bin/python bench/zygote_bench.py [--store HOME] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNAWAY = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = CONCAT(STR(?f), "x")) }'


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and private (clean + dirty) memory of ``pid``, MB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"rss": round(fields["Rss"], 1), "pss": round(fields["Pss"], 1),
            "private": round(fields["Private_Clean"] + fields["Private_Dirty"], 1)}


def snapshot(pool) -> dict[str, object]:
    zygote = pool._zygote
    return {"zygote": memory(zygote.process.pid),
            "executors": [memory(child.pid) for child in list(pool._idle.queue)]}


def main() -> None:
    from pyoxigraph import Store

    from culturegraph.config import load_settings
    from culturegraph.store.oxigraph.executor import Env, Job, ProcessPoolExecutor
    from culturegraph.store.oxigraph.home import StoreHome

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--executors", type=int, default=2)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    settings = load_settings(store_home=args.store)
    home = StoreHome(settings.store_home)
    build = home.current_build()
    if build is None:
        sys.exit(f"no build in {home.path}: culturegraph build")
    disk = Store.read_only(str(build / "store"))
    subjects = [row["s"].value for row in disk.query(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o }} LIMIT {args.lookups}", use_default_graph_as_union=True)]
    del disk
    report: dict[str, object] = {"date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"), "build": build.name,
                                 "store_mb": round(sum(f.stat().st_size for f in (build / "store").rglob("*")
                                                       if f.is_file()) / 1e6, 1),
                                 "loadavg_before": os.getloadavg()}
    pool = ProcessPoolExecutor(home.path, Env({}, {}, memory_bytes=2048 << 20), size=args.executors)
    started = time.monotonic()
    assert pool.wait_forked(600), "the zygote did not get ready"
    report["ready_s"] = round(time.monotonic() - started, 1)
    report["memory_ready"] = snapshot(pool)
    times = []
    for iri in subjects:
        t = time.perf_counter()
        assert pool.run(Job(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"), 30).status == 200
        times.append(time.perf_counter() - t)
    report["lookup_ms_median"] = round(statistics.median(times) * 1000, 3)
    report["memory_after_lookups"] = snapshot(pool)
    t = time.perf_counter()
    assert pool.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 120).status == 200
    report["scan_s"] = round(time.perf_counter() - t, 2)
    report["memory_after_scan"] = snapshot(pool)
    replacements = []
    for i in range(args.kills):
        assert pool.run(Job(f"{RUNAWAY} # {i}"), 1.0).status == 503
        killed = time.perf_counter()
        while pool._idle.qsize() < args.executors:
            time.sleep(0.001)
        replacements.append(time.perf_counter() - killed)
    report["replacement_ms"] = [round(r * 1000, 1) for r in replacements]
    report["replacement_ms_median"] = round(statistics.median(replacements) * 1000, 1)
    t = time.perf_counter()
    fresh = pool._spawn()
    assert fresh is not None
    fresh.channel.send(Job("ASK { ?s ?p ?o }"))
    fresh.channel.recv()
    report["fresh_interpreter_on_disk_ms"] = round((time.perf_counter() - t) * 1000, 1)
    fresh.handle.kill()
    pool.close()
    report["loadavg_after"] = os.getloadavg()
    out = args.out or HERE / "results" / f"zygote-{report['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
