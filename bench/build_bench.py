"""Build benchmark: map + load (``build_into``) vs pyoxigraph ``bulk_load`` of the same N-Quads.

One run of this script:

1. prepares once: a full ``build_into`` into a scratch on-disk store, whose mapping graphs (everything
   but the vocabularies) are dumped to an N-Quads file — the very quads that map + load produces;
2. alternates, ``--runs`` times (after ``--warmup`` discarded pairs), two fresh subprocesses:
   **A** ``build_into(Store(fresh dir), settings)`` on the shipped data, and
   **B** ``Store(fresh dir).bulk_load(path=<the N-Quads>)``;
3. prints medians, the paired ratio A/B (goal ≤ 1.5) and the peak RSS of each process, and writes
   ``bench/results/build-<UTC timestamp>.json``.

Rates use each worker's in-process timer around the phase itself: for A the ``map_load`` phase that
``build_into`` reports (reading the source files is timed separately and excluded), for B the
``bulk_load`` call. Both rates divide the same triple count (the lines of the N-Quads file). Peak RSS
and CPU time come from ``os.wait4`` on each worker, i.e. the whole process. Method: see
``bench/README.md`` ("Build").

    .venv/bin/python bench/build_bench.py [--runs N] [--warmup N] [--tmpdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GOAL_RATIO = 1.5


# workers (each run in its own subprocess) ---------------------------------------------------------

class CpuMarks:
    """Passes ``build_into``'s calls through to the store, noting the process CPU time (all threads,
    so the loader's too) when the first ``bulk_extend`` starts and each one ends: the first
    ``len(mapping modules)`` calls are the map_load phase."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.start: float | None = None
        self.ends: list[float] = []

    def bulk_extend(self, quads: Any) -> None:
        if self.start is None:
            self.start = time.process_time()
        self.store.bulk_extend(quads)
        self.ends.append(time.process_time())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def worker_map_load(store_dir: Path) -> dict[str, Any]:
    """A: read → map → load into a fresh on-disk store, exactly what ``culturegraph build`` does first."""
    from pyoxigraph import Store

    from culturegraph.config import load_settings
    from culturegraph.pipeline.build import VOCABULARY_GRAPH, build_into, mapping_modules

    settings = load_settings()
    store = CpuMarks(Store(str(store_dir)))
    started = time.perf_counter()
    loaded = build_into(store, settings)  # type: ignore[arg-type]
    total = time.perf_counter() - started
    mapped = {k: v for k, v in loaded.triples_per_graph.items() if k != VOCABULARY_GRAPH}
    assert store.start is not None
    return {
        "seconds": {**loaded.seconds, "build_into": total},
        "cpu_seconds": {"map_load": store.ends[len(mapping_modules()) - 1] - store.start},
        "triples_mapped": sum(mapped.values()),
        "triples_per_graph": loaded.triples_per_graph,
    }


def worker_bulk_load(store_dir: Path, nquads: Path) -> dict[str, Any]:
    """B: pyoxigraph's own bulk loader on the N-Quads of the same quads, into a fresh on-disk store."""
    from pyoxigraph import RdfFormat, Store

    store = Store(str(store_dir))
    cpu, started = time.process_time(), time.perf_counter()
    store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": {"bulk_load": seconds}, "cpu_seconds": {"bulk_load": cpu},
            "triples_loaded": len(store)}


def worker_prepare(store_dir: Path, nquads: Path) -> dict[str, Any]:
    """Build once and dump the mapping graphs (not the vocabularies) to N-Quads for B."""
    from pyoxigraph import RdfFormat, Store, serialize

    from culturegraph.config import load_settings
    from culturegraph.pipeline.build import VOCABULARY_GRAPH, build_into
    from culturegraph.rdf.terms import Minter

    settings = load_settings()
    store = Store(str(store_dir))
    loaded = build_into(store, settings)
    iris = Minter(settings.base_iri)
    graphs = [iris.graph(name) for name in loaded.triples_per_graph if name != VOCABULARY_GRAPH]
    quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    serialize(quads, output=str(nquads), format=RdfFormat.N_QUADS)
    with nquads.open("rb") as f:
        lines = sum(1 for _ in f)
    return {"triples": lines, "bytes": nquads.stat().st_size, "seconds": loaded.seconds}


def run_worker(args: list[str], worktree: Path | None = None) -> dict[str, Any]:
    """Start this script as a worker — or, with ``worktree``, that checkout's own copy of it with its
    ``.venv`` (bench/build_compare.py) — and return its JSON plus whole-process wall, CPU and peak RSS."""
    if worktree is None:
        command, cwd = [sys.executable, str(Path(__file__).resolve())], None
    else:
        command, cwd = [str(worktree / ".venv/bin/python"), str(worktree / "bench/build_bench.py")], worktree
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([*command, "--worker", *args], stdout=out, cwd=cwd)
        # wait4 gives the rusage of this child alone (RUSAGE_CHILDREN would be a max over all children).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            where = f"{worktree}: " if worktree is not None else ""
            raise SystemExit(f"{where}worker {args[0]} failed with exit code {proc.returncode}")
        out.seek(0)
        result = json.loads(out.read())
    result["process"] = {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux: KiB
    }
    return result


# the comparison ---------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    import pyoxigraph

    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        mem_kib = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kib / 2**20, 1),
        "os": platform.platform(), "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True, text=True,
                             check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() + ("+dirty" if dirty else "")


def summarize(pairs: list[dict[str, Any]], triples: int) -> dict[str, Any]:
    med = statistics.median
    a_phase = [p["A"]["seconds"]["map_load"] for p in pairs]
    b_phase = [p["B"]["seconds"]["bulk_load"] for p in pairs]
    a_cpu = [p["A"]["cpu_seconds"]["map_load"] for p in pairs]
    b_cpu = [p["B"]["cpu_seconds"]["bulk_load"] for p in pairs]
    return {
        "triples": triples,
        "A_map_load_s": med(a_phase),
        "A_map_load_cpu_s": med(a_cpu),
        "A_read_s": med(p["A"]["seconds"]["read"] for p in pairs),
        "A_triples_per_s": triples / med(a_phase),
        "A_wall_s": med(p["A"]["process"]["wall_s"] for p in pairs),
        "A_cpu_s": med(p["A"]["process"]["cpu_s"] for p in pairs),
        "A_peak_rss_mib": max(p["A"]["process"]["peak_rss_mib"] for p in pairs),
        "B_bulk_load_s": med(b_phase),
        "B_bulk_load_cpu_s": med(b_cpu),
        "B_triples_per_s": triples / med(b_phase),
        "B_wall_s": med(p["B"]["process"]["wall_s"] for p in pairs),
        "B_cpu_s": med(p["B"]["process"]["cpu_s"] for p in pairs),
        "B_peak_rss_mib": max(p["B"]["process"]["peak_rss_mib"] for p in pairs),
        # Paired: each A is compared with the B that ran right after it, then the median is taken.
        "ratio_phase": med(a / b for a, b in zip(a_phase, b_phase, strict=True)),
        "ratio_phase_min": min(a / b for a, b in zip(a_phase, b_phase, strict=True)),
        "ratio_phase_max": max(a / b for a, b in zip(a_phase, b_phase, strict=True)),
        "ratio_phase_cpu": med(a / b for a, b in zip(a_cpu, b_cpu, strict=True)),
        "ratio_wall": med(p["A"]["process"]["wall_s"] / p["B"]["process"]["wall_s"] for p in pairs),
        "ratio_cpu": med(p["A"]["process"]["cpu_s"] / p["B"]["process"]["cpu_s"] for p in pairs),
        "goal_ratio": GOAL_RATIO,
    }


def print_table(s: dict[str, Any], runs: int) -> None:
    rows = [
        ("A  map + load (build_into, map_load phase)", s["A_map_load_s"], s["A_map_load_cpu_s"],
         s["A_triples_per_s"], s["A_wall_s"], s["A_peak_rss_mib"]),
        ("B  pyoxigraph bulk_load N-Quads", s["B_bulk_load_s"], s["B_bulk_load_cpu_s"],
         s["B_triples_per_s"], s["B_wall_s"], s["B_peak_rss_mib"]),
    ]
    print(f"\n{s['triples']:,} triples, {runs} alternated runs, medians (on-disk stores)\n")
    print(f"{'':44} {'phase s':>8} {'cpu s':>6} {'triples/s':>10} {'process s':>10} {'peak RSS':>9}")
    for name, phase, cpu, rate, wall, rss in rows:
        print(f"{name:44} {phase:8.2f} {cpu:6.2f} {rate / 1000:9.0f}k {wall:10.2f} {rss:5.0f} MiB")
    print(f"\nread phase of A (excluded from its rate): {s['A_read_s']:.2f} s")
    verdict = "meets" if s["ratio_phase"] <= GOAL_RATIO else "MISSES"
    print(f"paired ratio A/B, phase: {s['ratio_phase']:.2f} (min {s['ratio_phase_min']:.2f}, "
          f"max {s['ratio_phase_max']:.2f}) — {verdict} the goal ≤ {GOAL_RATIO}")
    print(f"paired ratio A/B, phase cpu: {s['ratio_phase_cpu']:.2f}; whole-process wall: "
          f"{s['ratio_wall']:.2f}; whole-process cpu: {s['ratio_cpu']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3, help="measured A B pairs (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded A B pairs first (default 1)")
    parser.add_argument("--tmpdir", type=Path, default=None, help="where the scratch stores go")
    parser.add_argument("--out", type=Path, default=None, help="JSON result (default bench/results/…)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, *paths = args.worker
        work = {"map-load": worker_map_load, "bulk-load": worker_bulk_load, "prepare": worker_prepare}[kind]
        json.dump(work(*map(Path, paths)), sys.stdout)
        return

    scratch = Path(tempfile.mkdtemp(prefix="cg-build-bench-", dir=args.tmpdir))
    try:
        info = machine()
        nquads = scratch / "mapped.nq"
        print(f"preparing {nquads} (one full build_into, then dump) …", flush=True)
        prepared = run_worker(["prepare", str(scratch / "prepare-store"), str(nquads)])
        shutil.rmtree(scratch / "prepare-store")
        triples = prepared["triples"]
        print(f"{triples:,} quads, {prepared['bytes'] / 2**20:.0f} MiB of N-Quads", flush=True)

        pairs: list[dict[str, Any]] = []
        for i in range(args.warmup + args.runs):
            label = f"warm-up {i + 1}" if i < args.warmup else f"run {i - args.warmup + 1}"
            pair = {}
            for side, worker in (("A", ["map-load"]), ("B", ["bulk-load"])):
                store = scratch / f"store-{side}-{i}"
                extra = [str(nquads)] if side == "B" else []
                pair[side] = run_worker([*worker, str(store), *extra])
                shutil.rmtree(store, ignore_errors=True)
            a, b = pair["A"], pair["B"]
            if a["triples_mapped"] != triples or b["triples_loaded"] != triples:
                raise SystemExit(f"triple counts differ: A {a['triples_mapped']}, B {b['triples_loaded']}, "
                                 f"file {triples}")
            print(f"{label}: A map_load {a['seconds']['map_load']:.2f} s "
                  f"(read {a['seconds']['read']:.2f} s), "
                  f"B bulk_load {b['seconds']['bulk_load']:.2f} s, "
                  f"ratio {a['seconds']['map_load'] / b['seconds']['bulk_load']:.2f}", flush=True)
            if i >= args.warmup:
                pairs.append(pair)

        summary = summarize(pairs, triples)
        print_table(summary, args.runs)
        info["load_average_at_end"] = os.getloadavg()
        now = datetime.now(UTC)
        out = args.out or RESULTS / f"build-{now.strftime('%Y%m%dT%H%M%SZ')}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "benchmark": "build", "date": now.isoformat(), "commit": git_commit(), "machine": info,
            "runs": args.runs, "warmup": args.warmup, "nquads_bytes": prepared["bytes"],
            "summary": summary, "pairs": pairs,
        }, indent=2))
        print(f"\nwritten: {out}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
