"""Build benchmark across commits: the map + load of several worktrees interleaved in one window.

``build_bench.py`` compares map + load with pyoxigraph's bulk loader for one checkout. Comparing two
commits by running it twice, minutes apart, measures the machine's load as much as the code (on a shared
2-core machine the phase times move by 2–3×). This driver runs each commit's own
``bench/build_bench.py --worker`` (with that worktree's venv, so its own code) in rounds, A of every
worktree then B (the bulk load) of each distinct set of quads, so that every round sees one load:

    .venv/bin/python bench/build_compare.py before=/path/to/old-worktree after=. [--rounds 4]

Each worktree needs ``.venv`` with the project installed (``pip install -e .``). A worktree's quads are
dumped once (``--worker prepare``); worktrees whose mapped quads have the same count share one B. Prints
per round and the medians of the paired ratios; ``--out`` writes the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path
from statistics import median
from typing import Any

from build_bench import run_worker  # this folder's: the workers, run from each worktree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("worktrees", nargs="+", help="NAME=PATH of each checkout to compare")
    parser.add_argument("--rounds", type=int, default=4, help="measured rounds (default 4)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded rounds first (default 1)")
    parser.add_argument("--tmpdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in (w.split("=", 1) for w in args.worktrees)}

    scratch = Path(tempfile.mkdtemp(prefix="cg-build-compare-", dir=args.tmpdir))
    try:
        dumps: dict[int, Path] = {}  # quad count → N-Quads file: one B per distinct set of quads
        quads_of: dict[str, int] = {}
        for name, tree in trees.items():
            nquads = scratch / f"{name}.nq"
            prepared = run_worker(["prepare", str(scratch / "prepare"), str(nquads)], tree)
            shutil.rmtree(scratch / "prepare", ignore_errors=True)
            quads_of[name] = prepared["triples"]
            dumps.setdefault(prepared["triples"], nquads)
            print(f"{name}: {prepared['triples']:,} quads", flush=True)

        rounds: list[dict[str, Any]] = []
        for i in range(args.warmup + args.rounds):
            row: dict[str, Any] = {"load_average": os.getloadavg()[0], "A": {}, "B": {}}
            for name, tree in trees.items():
                store = scratch / f"A-{name}-{i}"
                a = run_worker(["map-load", str(store)], tree)
                shutil.rmtree(store, ignore_errors=True)
                row["A"][name] = {"s": a["seconds"]["map_load"], "cpu_s": a["cpu_seconds"]["map_load"],
                                  "quads": a["triples_mapped"], "process": a["process"]}
            for count, nquads in dumps.items():
                store = scratch / f"B-{count}-{i}"
                b = run_worker(["bulk-load", str(store), str(nquads)],
                               next(trees[n] for n, c in quads_of.items() if c == count))
                shutil.rmtree(store, ignore_errors=True)
                row["B"][str(count)] = {"s": b["seconds"]["bulk_load"],
                                        "cpu_s": b["cpu_seconds"]["bulk_load"], "process": b["process"]}
            label = "warm-up" if i < args.warmup else "round"
            print(label, i, json.dumps({n: round(v["cpu_s"], 2) for n, v in row["A"].items()}),
                  f"load {row['load_average']:.2f}", flush=True)
            if i >= args.warmup:
                rounds.append(row)

        summary: dict[str, Any] = {}
        for name in trees:
            b_key = str(quads_of[name])
            cpu = [r["A"][name]["cpu_s"] / r["B"][b_key]["cpu_s"] for r in rounds]
            wall = [r["A"][name]["s"] / r["B"][b_key]["s"] for r in rounds]
            summary[name] = {"quads": quads_of[name],
                             "A_cpu_s": median(r["A"][name]["cpu_s"] for r in rounds),
                             "A_over_B_cpu": median(cpu), "A_over_B_cpu_rounds": cpu,
                             "A_over_B_wall": median(wall)}
            print(f"{name}: A/B CPU {median(cpu):.2f} (rounds {', '.join(f'{x:.2f}' for x in cpu)}), "
                  f"wall {median(wall):.2f}, A CPU {summary[name]['A_cpu_s']:.2f} s", flush=True)
        if args.out:
            args.out.write_text(json.dumps({"worktrees": {n: str(t) for n, t in trees.items()},
                                            "summary": summary, "rounds": rounds}, indent=2))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
