"""In-memory replica benchmark (graph/replica.py): what a query executor gains by evaluating in memory.

In one process, on the current build of the store home (``--store``, default the project's var/graph):

1. **load**: :func:`load_replica` of the build — wall and CPU seconds, quads, the store's size on disk
   and the resident memory the replica adds;
2. **evaluation**: the endpoint benchmark's aggregate (``--aggregates`` distinct ``GROUP BY`` queries)
   and lookup (``--lookups`` resources) queries, evaluated and serialised to SPARQL JSON on the store
   on disk and on the replica, interleaved per round (``--rounds``); mean ms per query and the ratio
   disk/memory (the baseline is the store on disk, in the same run);
3. **queries during a load**: how many lookups another thread answers on the disk store while a copy is
   made, with :func:`load_replica` and with the obvious alternative, ``bulk_extend`` of
   ``quads_for_pattern`` (one Python object per quad);
4. **fork sharing**: a child forked after the load scans every quad; how much of the replica it had to
   copy (``Private_Dirty``): whether executors could share one replica through ``fork``.

    .venv/bin/python bench/replica_bench.py [--store HOME] [--rounds 3]

Writes ``bench/results/replica-<UTC timestamp>.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyoxigraph import QueryResultsFormat, Store

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from endpoint_bench import aggregate_queries, ensure_build, lookup_queries, machine  # noqa: E402

from culturegraph.config import load_settings  # noqa: E402
from culturegraph.store.oxigraph.replica import directory_size, load_replica  # noqa: E402


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status: ``VmRSS`` (resident now) or ``VmHWM``
    (the peak so far), in MB."""
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def mean_ms(store: Store, queries: list[str]) -> float:
    started = time.perf_counter()
    for query in queries:
        store.query(query, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
    return (time.perf_counter() - started) / len(queries) * 1000


def queries_during(copy: Any, disk: Store, probe: str) -> dict[str, float]:
    """Run ``copy()`` in a thread; meanwhile this thread answers ``probe`` on ``disk``, pausing 2 ms."""
    thread = threading.Thread(target=copy)
    started = time.perf_counter()
    thread.start()
    latencies = []
    while thread.is_alive():
        t0 = time.perf_counter()
        disk.query(probe, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.002)
    thread.join()
    latencies.sort()
    return {"copy_s": time.perf_counter() - started, "queries_answered": len(latencies),
            "p50_ms": latencies[len(latencies) // 2] * 1000, "max_ms": latencies[-1] * 1000}


def fork_scan(replica: Store) -> dict[str, float]:
    """Fork, scan every quad in the child, report its private (copied) and resident memory in MB."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: count, then report smaps_rollup
        os.close(read)
        list(replica.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        fields = {}
        for line in Path(f"/proc/{os.getpid()}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Private_Dirty", "Shared_Dirty"):
                fields[name] = int(rest.split()[0]) / 1024
        os.write(write, json.dumps(fields).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        data = json.loads(answer.read())
    os.waitpid(pid, 0)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--aggregates", type=int, default=100)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    settings = load_settings(store_home=args.store)
    build = ensure_build(settings.store_home)
    disk = Store.read_only(str(build / "store"))
    report: dict[str, Any] = {"date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"), "machine": machine(),
                              "build": build.name, "store_mb": directory_size(build / "store") / 1e6}

    before, peak_before = status_mb("VmRSS"), status_mb("VmHWM")
    cpu, wall = time.process_time(), time.perf_counter()
    copied = load_replica(disk)
    assert copied is not None
    replica, quads = copied
    load = report["load"] = {"quads": quads, "wall_s": time.perf_counter() - wall,
                             "cpu_s": time.process_time() - cpu,
                             "resident_added_mb": status_mb("VmRSS") - before,
                             "peak_added_mb": status_mb("VmHWM") - peak_before}
    print(f"load: {quads:,} quads in {load['wall_s']:.1f} s, +{load['resident_added_mb']:,.0f} MB resident, "
          f"+{load['peak_added_mb']:,.0f} MB at the peak (store {report['store_mb']:,.0f} MB on disk)",
          flush=True)

    workloads = {"aggregate": aggregate_queries(disk, settings.base_iri, args.aggregates),
                 "lookup": lookup_queries(disk, settings.base_iri, args.lookups)}
    rounds: list[dict[str, Any]] = []
    for rnd in range(args.rounds):
        for name, queries in workloads.items():
            for where, store in (("disk", disk), ("memory", replica))[:: (-1) ** rnd]:
                rounds.append({"round": rnd, "workload": name, "store": where,
                               "mean_ms": mean_ms(store, queries)})
                print(f"round {rnd + 1} {name:9} {where:6} {rounds[-1]['mean_ms']:8.3f} ms", flush=True)
    report["evaluation"] = rounds
    summary = {}
    for name in workloads:
        disk_ms, memory_ms = (statistics.median(r["mean_ms"] for r in rounds
                                                if (r["workload"], r["store"]) == (name, where))
                              for where in ("disk", "memory"))
        summary[name] = {"disk_ms": disk_ms, "memory_ms": memory_ms, "disk_over_memory": disk_ms / memory_ms}
    report["summary"] = summary

    probe = workloads["lookup"][0]

    def by_quads() -> None:
        Store().bulk_extend(disk.quads_for_pattern(None, None, None, None))

    report["during_load"] = {"load_replica": queries_during(lambda: load_replica(disk), disk, probe),
                             "bulk_extend(quads_for_pattern)": queries_during(by_quads, disk, probe)}
    report["fork_scan_mb"] = fork_scan(replica)

    out = HERE / "results" / f"replica-{report['date']}.json"
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print()
    print("| workload | disk ms | memory ms | disk/memory |")
    print("|---|---|---|---|")
    for name, row in summary.items():
        print(f"| {name} | {row['disk_ms']:.3f} | {row['memory_ms']:.3f} | "
              f"**{row['disk_over_memory']:.1f}×** |")
    print()
    for how, row in report["during_load"].items():
        print(f"- copy with {how}: {row['copy_s']:.1f} s; meanwhile {row['queries_answered']:,} lookups "
              f"answered on disk (p50 {row['p50_ms']:.2f} ms, max {row['max_ms']:,.0f} ms)")
    fork = report["fork_scan_mb"]
    print(f"- a forked child scanning every quad: {fork['Private_Dirty']:,.0f} MB copied of "
          f"{fork['Rss']:,.0f} MB resident")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
