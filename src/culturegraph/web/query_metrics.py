"""The SPARQL endpoint's metrics (issue 9), with prometheus_client's ordinary API: they join whatever
registry and mode the application's ``/metrics`` exposes (web/ops.py: multiprocess across Granian's
workers). The access log's query time and hash are recorded by web/sparql.py with ``ops.note_query``."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

QUERY_SECONDS = Histogram(
    "culturegraph_query_seconds", "Time to answer a SPARQL query that was evaluated (not cached), seconds.",
    ["status"], buckets=(.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
EXECUTOR_RESTARTS = Counter(
    "culturegraph_executor_restarts_total",
    "Query executors replaced: time (time limit), memory (memory limit), crash, retired (a newer build, "
    "or memory left after a big query).", ["reason"])
QUERY_CACHE = Counter("culturegraph_query_cache_total", "SPARQL result cache lookups.", ["result"])
QUERIES_REFUSED = Counter(
    "culturegraph_queries_refused_total",
    "Queries refused before evaluation: budget (429: concurrency, seconds) or guard (400: service, "
    "query_max_depth, query_max_nodes).", ["reason"])

_HIT, _MISS = QUERY_CACHE.labels("hit"), QUERY_CACHE.labels("miss")


def cache(hit: bool) -> None:
    (_HIT if hit else _MISS).inc()


def evaluated(status: int, seconds: float) -> None:
    QUERY_SECONDS.labels(str(status)).observe(seconds)


def restarted(reason: str) -> None:
    EXECUTOR_RESTARTS.labels(reason).inc()


def refused(reason: str) -> None:
    QUERIES_REFUSED.labels(reason).inc()

