"""Endpoint benchmark: our production server vs ``oxigraph serve-read-only`` on the same store.

One run of this script:

1. finds the current build of the store home (``--store``, default the project's ``var/graph``; it
   runs ``culturegraph build --if-needed`` first when there is none);
2. derives the workloads from the store itself:
   * ``lookup`` (the issue's workload: "cheap lookups over >= 1,000 different resources"):
     ``SELECT ?p ?o WHERE { <IRI> ?p ?o }`` over ``--lookups`` (default 1,000) resources spread over
     museums, Patrimostat sites and observations, cycled: a resource comes back every 1,000 requests,
     as popular resources do, so our result cache (keyed on the build) answers the repeats;
   * ``lookup-cold``: the same query over every museum, site and observation (~118,000 distinct IRIs),
     shuffled with a fixed seed and cut in disjoint slices per run, so that no request repeats within a
     server process and no cache can help either server: the evaluation path (a run that outgrows its
     slice is flagged ``repeats``);
   * ``aggregate``: attendance totals per région for one year and public category (``GROUP BY`` over
     ~1,200 sites), varied by year, category and a threshold so that every request is distinct too;
3. checks that the servers give oxigraph's answers to a few queries (JSON, XML, CSV, TSV): the same
   solutions, and whether in the same bytes (a query without ORDER BY may list its solutions in
   another order on in-memory storage);
4. for ``--rounds`` rounds, starts each server in turn (the order alternates per round) on 127.0.0.1
   (ours: exactly ``culturegraph serve --production --workers 2``, measured once each of its executors
   has loaded its in-memory replica of the build, as its log says; oxigraph: ``oxigraph serve-read-only
   --union-default-graph``, since our endpoint's default graph is the union of the named graphs;
   ``--servers`` adds ``ours-disk`` and ``oxigraph-memory``, the two on the other storage),
   warms it up, runs ``wrk -t1 -c{1,8} -d{duration}s`` per workload with a Lua script that cycles
   through the file of request paths from a start drawn from the round's seed — the same sequence for
   every server in a round —, and stops it (SIGTERM to its process group, bounded waits);
5. prints medians over rounds and the ratio ours/oxigraph (of the medians, and the median of the
   per-round ratios), and writes ``bench/results/endpoint-<UTC timestamp>.json``; ``--readme``
   also rewrites the results block of bench/README.md ("Endpoint").

wrk (Debian package ``wrk``) runs on the same 2 cores as the servers, so it takes a share of the CPU
from both; the ratio measured side by side is the figure to rely on.

    .venv/bin/python bench/endpoint_bench.py [--store HOME] [--duration 10] [--rounds 3] [--readme]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
README_BEGIN, README_END = "<!-- endpoint-results:begin -->", "<!-- endpoint-results:end -->"
GOALS = {"lookup": 0.5, "aggregate": 0.95}  # lookup-cold: reported, no goal
WORKLOADS = ("lookup", "lookup-cold", "aggregate")
COLD = ("lookup-cold", "aggregate")  # no request may repeat within one server process
# Share of a cold workload's queries for the warm-up and for each measured run: disjoint slices, so
# that one server process never sees a query twice (a repeat would be a result-cache hit for ours).
COLD_SLICES = {"warmup": 0.05, 1: 0.30, 8: 0.65}
JSON_RESULTS = "application/sparql-results+json"
BIN = Path(sys.executable).parent

LUA = r"""
-- Cycles through the request paths of the file given after `--`, from a start drawn from the seed
-- given after it: the same seed gives every server the same sequence of requests.
local paths, n = {}, 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]) or os.time())
  n = math.random(#paths)
end
function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "errors_status": %d, ' ..
    '"errors_socket": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""

PREFIXES = """PREFIX kgo: <https://culturegraph.example/def/culture/>
PREFIX sdmx: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX schema: <http://schema.org/>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
"""

AGGREGATE = PREFIXES + """SELECT ?region ?nom (SUM(?n) AS ?entrees) (COUNT(?obs) AS ?sites) WHERE {{
  ?obs sdmx:refPeriod <http://reference.data.gov.uk/id/year/{year}> ;
       kgo:categoriePublic <{base}def/categorie-public/{categorie}> ;
       kgo:site ?site ; kgo:nombreEntrees ?n .
  FILTER(?n >= {minimum})
  ?site schema:containedInPlace/igeo:subdivisionDirecteDe/igeo:subdivisionDirecteDe ?region .
  ?region igeo:nom ?nom .
}} GROUP BY ?region ?nom ORDER BY DESC(?entrees)"""

LOOKUP = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


# workloads ------------------------------------------------------------------------------------------

def lookup_queries(store: Any, base: str, count: int, spread: bool = False) -> list[str]:
    """Every museum and site, then observations spread evenly over the whole dataset (``count`` IRIs);
    ``spread``: ``count`` IRIs taken evenly from that list of 20,000 (museums, sites and observations)."""
    if spread:
        pool = lookup_queries(store, base, max(count, 20_000))
        return pool[::max(1, len(pool) // count)][:count]
    def subjects(cls: str) -> list[str]:
        rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }}", use_default_graph_as_union=True)
        return sorted(row["s"].value for row in rows)

    things = subjects("http://schema.org/Museum") + subjects(f"{base}def/culture/SitePatrimostat")
    observations = subjects("http://purl.org/linked-data/cube#Observation")
    wanted = max(0, count - len(things))
    step = max(1, len(observations) // max(1, wanted))
    iris = (things + observations[::step][:wanted])[:count]
    return [LOOKUP.format(iri=iri) for iri in iris]


def aggregate_queries(store: Any, base: str, count: int) -> list[str]:
    """Totals per région for one year; (year, category, threshold) make each query text distinct."""
    rows = store.query(PREFIXES + "SELECT DISTINCT ?y ?c WHERE { ?o sdmx:refPeriod ?y ; "
                       "kgo:categoriePublic ?c }", use_default_graph_as_union=True)
    pairs = sorted((row["y"].value.rsplit("/", 1)[-1], row["c"].value.rsplit("/", 1)[-1]) for row in rows)
    queries = []
    minimum = 0
    while len(queries) < count:
        for year, categorie in pairs:
            queries.append(AGGREGATE.format(year=year, categorie=categorie, minimum=minimum, base=base))
        minimum += 1
    return queries[:count]


# servers --------------------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    argv: list[str]
    path: str  # the SPARQL endpoint's path
    env: dict[str, str]
    # Ours in "memory" mode: measure once this many zygotes say their replica is loaded (their log).
    replicas: int = 0
    # oxigraph's in-memory server: this N-Quads dump of the build is POSTed to /store after the start.
    dump: Path | None = None

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}{self.path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def servers(home: Path, build: Path, port: int, workers: int, names: list[str], executors: int,
            dump: Path) -> list[Server]:
    env = {**os.environ, "CULTUREGRAPH_STORE": str(home)}
    env.pop("CULTUREGRAPH_QUERY_STORE", None)
    ours = [sys.executable, "-m", "culturegraph.cli", "--store", str(home), "serve", "--production",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    serve_gunicorn = ("from culturegraph.config import load_settings\n"
                      "from culturegraph.web.serve import serve\n"
                      f"serve(load_settings(), '127.0.0.1', {port}, production=True, workers={workers}, "
                      "server='gunicorn')")
    known = {
        # The production default: executors evaluate on in-memory replicas of the build.
        # One zygote per worker holds the replica its executors are forked from (store/oxigraph/zygote.py).
        "ours": Server("ours", ours, "/sparql", env, replicas=workers),
        # The same server evaluating on the store on disk, as oxigraph serve-read-only does.
        "ours-disk": Server("ours-disk", [*ours, "--query-store", "disk"], "/sparql", env),
        # The same app under gunicorn (gthread): the baseline our server choice is measured against.
        "gunicorn": Server("gunicorn", [sys.executable, "-c", serve_gunicorn], "/sparql", env,
                           replicas=workers),
        # The floor of any pyoxigraph server in Python (bench/minimal_wsgi.py): no app, no time limit.
        "minimal": Server("minimal", [str(BIN / "granian"), "--interface", "wsgi", "--workers", str(workers),
                                      "--blocking-threads", "4", "--host", "127.0.0.1", "--port", str(port),
                                      "--no-ws", "minimal_wsgi:app"],
                          "/sparql", {**env, "PYTHONPATH": str(HERE)}),
        "oxigraph": Server("oxigraph", [str(oxigraph_cli()), "serve-read-only", "--location",
                                        str(build / "store"), "--bind", f"127.0.0.1:{port}",
                                        "--union-default-graph"], "/query", env),
        # oxigraph's own server on its in-memory storage (no --location), loaded with the build's dump:
        # what the in-memory engine gives without Python in front of it.
        "oxigraph-memory": Server("oxigraph-memory", [str(oxigraph_cli()), "serve", "--bind",
                                                      f"127.0.0.1:{port}", "--union-default-graph"],
                                  "/query", env, dump=dump),
    }
    return [known[name] for name in names]


def oxigraph_cli() -> Path:
    found = BIN / "oxigraph"
    if found.exists():
        return found
    which = shutil.which("oxigraph")
    if not which:
        sys.exit("the `oxigraph` CLI is missing: pip install -e '.[dev]' (it ships in the dev extra)")
    return Path(which)


class Running:
    """A server process in its own process group, stopped with SIGTERM then SIGKILL (bounded)."""

    def __init__(self, server: Server, port: int, log: Path, probe: str) -> None:
        self.server, self.port = server, port
        self.log_path = log
        self.log = log.open("ab")
        self.log_start = self.log.tell()
        self.proc = subprocess.Popen(server.argv, env=server.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        started = time.monotonic()
        self.wait_ready(probe)
        if server.dump is not None:
            self.load(server.dump)
        if server.replicas:
            self.wait_replicas(server.replicas)
        self.ready_s = time.monotonic() - started  # start, load (oxigraph-memory) or replicas (ours)

    def load(self, dump: Path) -> None:
        """POST an N-Quads dump to oxigraph's graph store endpoint (the whole dataset)."""
        with dump.open("rb") as body:
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/store", data=body, method="POST",
                headers={"Content-Type": "application/n-quads", "Content-Length": str(dump.stat().st_size)})
            with urllib.request.urlopen(request, timeout=900) as response:
                assert response.status in (200, 201, 204), response.status

    def wait_replicas(self, count: int, timeout: float = 300.0) -> None:
        """Wait until ``count`` executors have loaded their replica (the lines they log). An executor
        starts at its worker's first query: new queries are sent 8 at a time until they all have."""
        import concurrent.futures

        from culturegraph.store.oxigraph.replica import IN_MEMORY

        deadline = time.monotonic() + timeout
        sent = 0
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            while time.monotonic() < deadline:
                text = self.log_path.read_bytes()[self.log_start:].decode("utf-8", "replace")
                if text.count(IN_MEMORY) >= count:
                    return
                probes = [f"ASK {{ ?s ?p ?o }} # replica probe {sent + i}" for i in range(8)]
                sent += len(probes)
                list(pool.map(lambda q: fetch(self.server.url(self.port), q, JSON_RESULTS), probes))
                time.sleep(1.0)
        raise RuntimeError(f"{self.server.name}: fewer than {count} replicas loaded after {timeout:.0f} s "
                           f"(log: {self.log_path})")

    def wait_ready(self, probe: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.server.url(self.port)}?query={urllib.parse.quote(probe)}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.server.name} exited with {self.proc.returncode} "
                                   f"(log: {self.log.name})")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.server.name} not ready after {timeout:.0f} s (log: {self.log.name})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fetch(url: str, query: str, accept: str) -> bytes:
    request = urllib.request.Request(f"{url}?query={urllib.parse.quote(query)}", headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}".encode()


def solutions(body: bytes, fmt: str) -> object:
    """The answer of a SELECT without its order: a query without ORDER BY may list its solutions in
    another order on another storage (in memory or on disk), and still give the same answer."""
    if fmt == JSON_RESULTS:
        doc = json.loads(body)
        rows = doc.get("results", {}).get("bindings", [])
        return doc.get("head"), sorted(json.dumps(row, sort_keys=True) for row in rows)
    if fmt.endswith("+xml"):
        text = body.decode("utf-8")
        results = re.findall(r"<result>.*?</result>", text, re.DOTALL)
        return re.sub(r"<result>.*?</result>", "", text, flags=re.DOTALL), sorted(results)
    lines = body.decode("utf-8").splitlines()
    return lines[:1], sorted(lines[1:])


# load generation ------------------------------------------------------------------------------------

def slices(workload: str, queries: list[str], connections: list[int]) -> dict[object, list[str]]:
    """The queries of each run of ``workload`` in one server process ("warmup", then one per
    connection count). Cold workloads get disjoint slices (:data:`COLD_SLICES`); ``lookup`` cycles
    through all its resources in every run — repeats are its point."""
    runs: list[object] = ["warmup", *connections]
    if workload not in COLD:
        return {run: queries for run in runs}
    # Shuffled (fixed seed) before slicing: each slice gets museums, sites and observations alike.
    queries = queries[:]
    random.Random(0).shuffle(queries)
    shares = [COLD_SLICES.get(run, COLD_SLICES[8]) for run in runs]
    total, out, start = sum(shares), {}, 0
    for run, share in zip(runs, shares, strict=True):
        end = start + max(1, int(len(queries) * share / total))
        out[run] = queries[start:end]
        start = end
    return out


def write_paths(path: Path, endpoint_path: str, queries: list[str]) -> None:
    path.write_text("".join(f"{endpoint_path}?query={urllib.parse.quote(q, safe='')}\n" for q in queries))


def wrk(url: str, paths: Path, lua: Path, connections: int, seconds: float, seed: int = 1) -> dict[str, Any]:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s",
            "-H", f"Accept: {JSON_RESULTS}", "-s", str(lua), url, "--", str(paths), str(seed)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["req_s"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# report ---------------------------------------------------------------------------------------------

def versions() -> dict[str, str]:
    def dist(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" [")[0].strip()
    ox = subprocess.run([str(oxigraph_cli()), "--version"], capture_output=True, text=True).stdout.strip()
    return {"python": platform.python_version(), "pyoxigraph": dist("pyoxigraph"), "oxigraph CLI": ox,
            "granian": dist("granian"), "gunicorn": dist("gunicorn"), "flask": dist("flask"),
            "werkzeug": dist("werkzeug"), "wrk": wrk_version}


def machine() -> dict[str, Any]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((int(ln.split()[1]) // 1024 for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mib": mem, "os": platform.platform()}


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def summarize(runs: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    rows = []
    order = {name: i for i, name in enumerate(WORKLOADS)}
    keys = sorted({(r["workload"], r["connections"]) for r in runs}, key=lambda k: (order.get(k[0], 9), k[1]))
    for workload, conns in keys:
        per_round: dict[str, dict[int, float]] = {}
        for name in names:
            mine = [r for r in runs
                    if (r["workload"], r["connections"], r["server"]) == (workload, conns, name)]
            per_round[name] = {r["round"]: r["req_s"] for r in mine}
            row = {"workload": workload, "connections": conns, "server": name, "rounds": len(mine),
                   "req_s": statistics.median(r["req_s"] for r in mine),
                   "p50_ms": statistics.median(r["p50_us"] for r in mine) / 1e3,
                   "p99_ms": statistics.median(r["p99_us"] for r in mine) / 1e3,
                   "errors": sum(r["errors_status"] + r["errors_socket"] for r in mine),
                   "repeats": any(r.get("repeats") for r in mine)}
            rows.append(row)
        oxi = next((r for r in rows if (r["workload"], r["connections"], r["server"]) ==
                    (workload, conns, "oxigraph")), None)
        for row in rows:
            if oxi and (row["workload"], row["connections"]) == (workload, conns):
                row["ratio"] = row["req_s"] / oxi["req_s"]
                paired = [v / per_round["oxigraph"][rnd] for rnd, v in per_round[row["server"]].items()
                          if rnd in per_round["oxigraph"]]
                row["ratio_paired_median"] = statistics.median(paired) if paired else None
    return rows


def markdown(rows: list[dict[str, Any]], report: dict[str, Any]) -> str:
    lines = ["| workload | conc | server | req/s | p50 ms | p99 ms | ours/oxigraph (paired) | goal |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        ratio = ""
        if "ratio" in row and row["server"] != "oxigraph":
            ratio = f"**{row['ratio']:.2f}** ({row['ratio_paired_median']:.2f})"
        goal = ""
        if row["server"] == "ours":
            goal = f"≥ {GOALS[row['workload']]}" if row["workload"] in GOALS else "—"
        rate = f"{row['req_s']:,.0f}" if row["req_s"] >= 100 else f"{row['req_s']:.2f}"
        if row.get("repeats"):
            rate += " †"
        lines.append(f"| {row['workload']} | {row['connections']} | {row['server']} | {rate} | "
                     f"{row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {ratio} | {goal} |")
    same = report["identical_bytes"]
    if any(row.get("repeats") for row in rows):
        lines += ["", "† a cold run sent more requests than its slice of distinct queries: some repeated."]
    # Older result files have no "same_solutions": their bytes were compared only.
    answered = sum(c.get("same_solutions", c["identical"]) for c in same)
    lines += ["", f"Same answers as oxigraph: {answered}/{len(same)} (query × format × server) checked, "
              f"{sum(c['identical'] for c in same)} byte for byte (the others list the solutions of a "
              "query without ORDER BY in another order: in-memory storage). Load average before/after: "
              f"{report['loadavg_before']} / {report['loadavg_after']}. Raw figures: `{report['json']}`."]
    return "\n".join(lines)


def update_readme(block: str) -> None:
    # Re-read just before writing: another benchmark owns the rest of the file.
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    if README_BEGIN not in text or README_END not in text:
        sys.exit(f"{README} has no {README_BEGIN} … {README_END} block: add it to the Endpoint section")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(f"{head}{README_BEGIN}\n{block}\n{README_END}{tail}", encoding="utf-8")


# main -----------------------------------------------------------------------------------------------

def ensure_build(home: Path) -> Path:
    from culturegraph.store.oxigraph.home import StoreHome

    store_home = StoreHome(home)
    if store_home.current_build() is None:
        subprocess.run([sys.executable, "-m", "culturegraph.cli", "--store", str(home), "build",
                        "--if-needed", "--no-progress"], check=True, timeout=1800)
    build = store_home.current_build()
    assert build is not None
    return build


def main() -> None:
    from pyoxigraph import RdfFormat, Store

    from culturegraph.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None, help="store home (default: settings)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run (lookups)")
    parser.add_argument("--aggregate-duration", type=float, default=20.0,
                        help="seconds per wrk run for the aggregate (a few requests per second)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lookups", type=int, default=1_000, help="resources of the lookup workload")
    parser.add_argument("--cold-lookups", type=int, default=200_000,
                        help="distinct queries of lookup-cold (at most every museum, site and observation)")
    parser.add_argument("--aggregates", type=int, default=4_000, help="distinct aggregate queries")
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--servers", nargs="+", default=["ours", "oxigraph"],
                        help="ours, oxigraph, ours-disk (evaluating on the store on disk), "
                             "oxigraph-memory (oxigraph serve on its in-memory storage, loaded with the "
                             "build), gunicorn (our app under gunicorn gthread), minimal "
                             "(bench/minimal_wsgi.py: pyoxigraph in a bare WSGI function)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--readme", action="store_true", help="rewrite the results block of bench/README.md")
    parser.add_argument("--render", type=Path, default=None,
                        help="only print (and with --readme write) the table of a saved result JSON")
    args = parser.parse_args()
    if args.render:
        report = json.loads(args.render.read_text(encoding="utf-8"))
        table = markdown(report["summary"], report)
        print(table)
        if args.readme:
            update_readme(table)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    if "oxigraph" not in args.servers:
        args.servers.append("oxigraph")

    settings = load_settings(store_home=args.store)
    build = ensure_build(settings.store_home)
    store = Store.read_only(str(build / "store"))
    base = settings.base_iri
    queries = {}
    if "lookup" in args.workloads:
        queries["lookup"] = lookup_queries(store, base, args.lookups, spread=True)
    if "lookup-cold" in args.workloads:
        queries["lookup-cold"] = lookup_queries(store, base, args.cold_lookups)
    if "aggregate" in args.workloads:
        queries["aggregate"] = aggregate_queries(store, base, args.aggregates)
    del store
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or RESULTS / f"endpoint-{stamp}.json"
    report: dict[str, Any] = {
        "date": stamp, "machine": machine(), "versions": versions(), "build": build.name,
        "store_home": str(settings.store_home), "loadavg_before": loadavg(),
        "method": (f"wrk -t1 -c{{{','.join(map(str, args.connections))}}} -d{args.duration:g}s (aggregate "
                   f"{args.aggregate_duration:g}s), Lua script "
                   "cycling through a file of distinct request paths (GET ?query=…, "
                   f"Accept: {JSON_RESULTS}); "
                   f"servers on 127.0.0.1, one after another, {args.rounds} rounds, medians over rounds; "
                   f"ours = culturegraph serve --production --workers {args.workers} (executors on "
                   "in-memory replicas of the build, measured once every replica is loaded; ours-disk: "
                   "--query-store disk); oxigraph = oxigraph serve-read-only --union-default-graph on the "
                   "same build (oxigraph-memory: oxigraph serve in memory, loaded with the build's "
                   "N-Quads); wrk shares the 2 cores"),
        "workloads": {name: {"distinct_queries": len(qs), "example": qs[0]} for name, qs in queries.items()},
        "json": str(out.relative_to(HERE.parent)) if out.is_relative_to(HERE.parent) else str(out),
    }
    port = free_port()
    probe = "ASK { ?s ?p ?o }"
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="endpoint-bench-") as scratch:
        tmp = Path(scratch)
        dump = tmp / "build.nq"
        if "oxigraph-memory" in args.servers:
            Store.read_only(str(build / "store")).dump(output=str(dump), format=RdfFormat.N_QUADS)
        all_servers = servers(settings.store_home, build, port, args.workers, args.servers,
                              settings.query_executors, dump)
        lua = tmp / "paths.lua"
        lua.write_text(LUA)
        paths: dict[tuple[str, str, object], tuple[Path, int]] = {}  # (server, workload, run) -> file, size
        for server in all_servers:
            for name, qs in queries.items():
                for run, part in slices(name, qs, args.connections).items():
                    file = tmp / f"{server.name}-{name}-{run}.txt"
                    write_paths(file, server.path, part)
                    paths[server.name, name, run] = file, len(part)

        # Same bytes for the same query (a few queries × every SELECT format both servers offer).
        answers: dict[str, dict[tuple[int, str], bytes]] = {}
        checks = [qs[i] for qs in queries.values() for i in (0, len(qs) // 2, len(qs) - 1)]
        formats = [JSON_RESULTS, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
        for server in all_servers:
            with Running(server, port, tmp / f"{server.name}.log", probe):
                answers[server.name] = {(i, fmt): fetch(server.url(port), q, fmt)
                                        for i, q in enumerate(checks) for fmt in formats}
        report["identical_bytes"] = [
            {"query": checks[i][:120], "format": fmt, "server": name,
             "identical": body == answers["oxigraph"][i, fmt],
             "same_solutions": solutions(body, fmt) == solutions(answers["oxigraph"][i, fmt], fmt),
             "bytes": len(body)}
            for name in answers if name != "oxigraph" for (i, fmt), body in answers[name].items()]

        for rnd in range(args.rounds):
            # Alternate the order: the server that runs second finds the page cache warmed by the first.
            for server in all_servers[::(-1) ** rnd]:
                with Running(server, port, tmp / f"{server.name}.log", probe) as running:
                    report.setdefault("ready_s", []).append(
                        {"server": server.name, "round": rnd, "seconds": round(running.ready_s, 1)})
                    print(f"round {rnd + 1} {server.name:9} ready after {running.ready_s:.1f} s",
                          flush=True)
                    url = f"http://127.0.0.1:{port}"
                    for workload in queries:
                        # Warm-up (discarded): opens the store in every worker, fills the page cache.
                        file, _ = paths[server.name, workload, "warmup"]
                        wrk(url, file, lua, max(args.connections), 2, seed=rnd + 1000)
                        for conns in args.connections:
                            seconds = args.aggregate_duration if workload == "aggregate" else args.duration
                            file, size = paths[server.name, workload, conns]
                            result = wrk(url, file, lua, conns, seconds, seed=rnd * 100 + conns)
                            # A cold run that sent more requests than its slice holds repeated queries.
                            result["repeats"] = workload in COLD and result["requests"] > size
                            result.update(server=server.name, workload=workload, connections=conns, round=rnd)
                            runs.append(result)
                            print(f"round {rnd + 1} {server.name:9} {workload:9} c={conns}: "
                                  f"{result['req_s']:8,.0f} req/s  p50 {result['p50_us'] / 1e3:6.2f} ms  "
                                  f"p99 {result['p99_us'] / 1e3:7.2f} ms  errors "
                                  f"{result['errors_status'] + result['errors_socket']}"
                                  f"{'  (repeats)' if result['repeats'] else ''}", flush=True)
        logs = {p.name: p.read_text(errors="replace")[-4000:] for p in tmp.glob("*.log")}

    report["loadavg_after"] = loadavg()
    report["runs"] = runs
    report["summary"] = summarize(runs, [s.name for s in all_servers])
    report["server_log_tails"] = logs
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    table = markdown(report["summary"], report)
    print()
    print(table)
    if args.readme:
        update_readme(table)
        print(f"updated {README}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
