"""Dereferencing benchmark: ``/doc/…`` in Turtle and HTML, against the same CONSTRUCT on oxigraph.

One run of this script (issue 9's goal: p50 ≤ 5 ms and p99 ≤ 50 ms at 16 clients, no repeats):

1. finds the current build of the store home (``--store``, default ``var/graph``; built if missing);
2. lists the documents of the store's own resources — every subject under ``/id/`` and ``/data/``
   (museums, Patrimostat sites, attendance observations, communes, départements, régions…), at least
   ``--resources`` (default 20,000) —, shuffles them with a fixed seed and cuts them into disjoint
   slices, one per (server, workload), so that **no document is requested twice by one server**;
3. starts each server in turn on 127.0.0.1 and runs ``wrk -t2 -c{--connections} -d{--duration}s``
   with a Lua script that walks its slice once (a run that outgrows its slice is flagged ``repeats``):
   * ``ours`` — ``culturegraph serve --production --workers 2`` (Granian, the ASGI front), with
     ``/doc/{path}`` and ``Accept: text/turtle`` (workload ``turtle``) or ``Accept: text/html``
     (``html``); the access log on, as in production;
   * ``oxigraph`` — ``oxigraph serve-read-only --union-default-graph`` on the same store, sent the
     CONSTRUCT at the core of a document (the resource's triples and the triples pointing at it),
     ``Accept: text/turtle`` (workload ``construct``): what the store answers over HTTP with no Python;
4. prints req/s, p50 and p99, and writes ``bench/results/deref-<UTC timestamp>.json``.

    .venv/bin/python bench/deref_bench.py [--store HOME] [--duration 12] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from endpoint_bench import (
    RESULTS,
    Running,
    Server,
    ensure_build,
    free_port,
    loadavg,
    machine,
    oxigraph_cli,
    versions,
)

LUA = r"""
-- Walks the request paths of the file given after `--` once each (then again: flagged as repeats),
-- with the Accept header given after it. Each wrk thread takes every other line.
local paths, n, step = {}, 0, 1
local accept = "text/turtle"
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  accept = args[2]
  step = tonumber(args[3]) or 1
  n = (id or 0)
end
function request()
  local path = paths[n % #paths + 1]
  n = n + step
  return wrk.format("GET", path, { ["Accept"] = accept })
end
function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "errors_status": %d, ' ..
    '"errors_socket": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""

CONSTRUCT = ("CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} "
             "WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}")
# (server, workload, Accept, share of the resources): oxigraph answers ~8x more requests in the same time,
# so it gets the biggest slice (a run that outgrows its slice is flagged "repeats").
WORKLOADS = (("ours", "turtle", "text/turtle", 0.16), ("ours", "html", "text/html", 0.10),
             ("oxigraph", "construct", "text/turtle", 0.74))


def resources(build: Path, base: str) -> list[str]:
    """Every distinct subject IRI of ours under /id/ and /data/ (no hash parts: they share a document)."""
    from pyoxigraph import NamedNode, Store

    store = Store.read_only(str(build / "store"))
    found: set[str] = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        s = quad.subject
        ours = s.value.startswith((base + "id/", base + "data/")) if isinstance(s, NamedNode) else False
        if ours and "#" not in s.value:
            found.add(s.value)
    return sorted(found)


def doc_path(iri: str, base: str) -> str:
    path = iri[len(base):]
    path = path[3:] if path.startswith("id/") else path  # /id/x → /doc/x, /data/x → /doc/data/x
    return "/doc/" + urllib.parse.quote(path, safe="/-._~")


def wrk(url: str, paths: Path, lua: Path, accept: str, connections: int, seconds: float) -> dict[str, Any]:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(lua), url,
            "--", str(paths), accept, "2"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["req_s"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> None:
    from culturegraph.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--duration", type=float, default=12.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--resources", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=300, help="documents requested before each run")
    args = parser.parse_args()

    settings = load_settings(**({"store_home": args.store} if args.store else {}))
    home = settings.store_home
    build = ensure_build(home)
    base = settings.base_iri
    iris = resources(build, base)
    if len(iris) < args.resources:
        sys.exit(f"only {len(iris)} resources in {build}, fewer than --resources {args.resources}")
    random.Random(9).shuffle(iris)
    work = Path(tempfile.mkdtemp(prefix="deref-bench-"))
    lua = work / "walk.lua"
    lua.write_text(LUA)
    # Disjoint slices: the warm-up and each workload of each server get their own documents.
    bounds, start = [], 0
    for *_, share in WORKLOADS:
        bounds.append((start, start + int(share * len(iris))))
        start = bounds[-1][1]
    report: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "build": build.name,
                              "resources": len(iris), "slices": bounds, "duration_s": args.duration,
                              "connections": args.connections, "workers": args.workers,
                              "machine": machine(), "versions": versions(), "loadavg_before": loadavg(),
                              "runs": []}
    env = {**os.environ, "CULTUREGRAPH_STORE": str(home), "CULTUREGRAPH_ACCESS_LOG": "on"}
    env.pop("CULTUREGRAPH_QUERY_STORE", None)
    logs = work / "logs"
    logs.mkdir()
    for (server_name, workload, accept, _share), (low, high) in zip(WORKLOADS, bounds, strict=True):
        mine = iris[low:high]
        warm, measured = mine[:args.warmup], mine[args.warmup:]
        port = free_port()
        if server_name == "ours":
            argv = [sys.executable, "-m", "culturegraph.cli", "--store", str(home), "serve", "--production",
                    "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                    "--query-store", "disk"]
            server = Server("ours", argv, "/sparql", env)
            paths = [doc_path(iri, base) for iri in measured]
            warm_paths = [doc_path(iri, base) for iri in warm]
        else:
            argv = [str(oxigraph_cli()), "serve-read-only", "--location", str(build / "store"), "--bind",
                    f"127.0.0.1:{port}", "--union-default-graph"]
            server = Server("oxigraph", argv, "/query", env)
            paths = ["/query?query=" + urllib.parse.quote(CONSTRUCT.format(iri=iri), safe="")
                     for iri in measured]
            warm_paths = ["/query?query=" + urllib.parse.quote(CONSTRUCT.format(iri=iri), safe="")
                          for iri in warm]
        file = work / f"{workload}.paths"
        file.write_text("\n".join(paths) + "\n")
        warm_file = work / f"{workload}-warm.paths"
        warm_file.write_text("\n".join(warm_paths) + "\n")
        with Running(server, port, logs / f"{server_name}-{workload}.log", "ASK {}"):
            url = f"http://127.0.0.1:{port}"
            wrk(url, warm_file, lua, accept, args.connections, 2.0)
            time.sleep(1.0)
            result = wrk(url, file, lua, accept, args.connections, args.duration)
        result.update(server=server_name, workload=workload, accept=accept, distinct=len(paths),
                      repeats=result["requests"] > len(paths), loadavg=loadavg())
        report["runs"].append(result)
        errors = result["errors_status"] + result["errors_socket"]
        print(f"{server_name:9} {workload:10} {result['req_s']:8,.0f} req/s"
              f"  p50 {result['p50_us'] / 1e3:6.2f} ms  p99 {result['p99_us'] / 1e3:6.2f} ms  errors {errors}"
              f"{'  REPEATS' if result['repeats'] else ''}  (load {result['loadavg']})", flush=True)
    report["loadavg_after"] = loadavg()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"deref-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results: {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
