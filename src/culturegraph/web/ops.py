"""Operating the server: ``/healthz``, ``/readyz``, ``/metrics`` (Prometheus) and the access log.

* ``GET /healthz`` — liveness: 200 ``ok`` as long as the worker answers at all (nothing is opened).
* ``GET /readyz`` — readiness: 200 when a build is loaded (the store opens, its version is known) and
  the worker's query executors are up; 503 with the reason otherwise (a load balancer sends no traffic
  to a worker that is not ready). The executors are started by the check itself if they were not.
* ``GET /metrics`` — the Prometheus text format, written by the ``prometheus_client`` library.

**Metrics across worker processes.** The production server runs several workers (web/serve.py); it sets
``PROMETHEUS_MULTIPROC_DIR`` to a fresh directory *before* starting them, so that ``prometheus_client``
(which reads the variable when it is first imported) keeps each process's values in a memory-mapped file
there, and ``/metrics`` — answered by whichever worker gets the request — sums the files of all of them
(``MultiProcessCollector``). Any module may define its metrics with the library's normal API at import
time (``Counter``, ``Histogram``; a ``Gauge`` needs a ``multiprocess_mode``, e.g. ``"livesum"``), in the
default registry: they appear in ``/metrics`` from every worker, with no registration here. Without the
variable (the development server, the Flask test client) the default registry is served as is.

**The access log** (``Settings.access_log``): one line per request on stderr, written after the response
with one ``write(2)`` (no logging lock: measured with py-spy, the ``logging`` handler's lock and stream
cost 6-13 % of a worker's time on documents, its threads queueing on the lock)::

    127.0.0.1 GET /doc/musee/M0963 route=doc status=200 ms=3.1 bytes=10412
    127.0.0.1 GET /sparql route=sparql status=200 ms=14.2 bytes=389 query_ms=11.8 query=3f0c9a1e2b7d4c55

The path is logged without its query string (a SPARQL query can be long and personal): a query is
identified by :func:`query_hash`. Code that evaluates a query records its time and hash for that line
with :func:`note_query` (``environ["culturegraph.query"]``), and may add ``key=value`` fields with
:func:`note`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

ACCESS_FD = 2  # stderr
QUERY_KEY = "culturegraph.query"  # environ key: {"hash": str, "ms": float, …} for the access log
PLAIN = "text/plain; charset=utf-8"

# Routes are a few names, never paths: a label per path would let any client grow the metrics forever.
ROUTES = {"sparql": "sparql", "id": "id", "doc": "doc", "def": "def", "data": "data", "graph": "graph",
          "static": "static", "healthz": "healthz", "readyz": "readyz", "metrics": "metrics", "": "home"}

REQUESTS = Counter("culturegraph_http_requests_total", "HTTP requests answered, by route, method and status.",
                   ["route", "method", "status"])
DURATION = Histogram("culturegraph_http_request_duration_seconds",
                     "Time from the request reaching the application to its response being handed over.",
                     ["route"],
                     buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
METHODS = {"GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"}


def route_of(path: str) -> str:
    """The route label of a request path: its first segment when it is one of ours, else ``other``."""
    first = path[1:].split("/", 1)[0]
    return ROUTES.get(first, "page" if first in ("catalogue", "remarques") else "other")


def query_hash(query: str) -> str:
    """The short, stable identifier of a query text in the logs (16 hex digits of BLAKE2b)."""
    return hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def note_query(environ: dict[str, Any], query: str | None = None, seconds: float | None = None,
               **fields: object) -> None:
    """Record, for the access log line of this request, the query's hash and evaluation time."""
    noted = environ.setdefault(QUERY_KEY, {})
    if query is not None:
        noted["hash"] = query_hash(query)
    if seconds is not None:
        noted["ms"] = seconds * 1000
    noted.update(fields)


def note(environ: dict[str, Any], **fields: object) -> None:
    """Add ``key=value`` fields to this request's access log line."""
    environ.setdefault(QUERY_KEY, {}).update(fields)


def record(environ: dict[str, Any], status: int, seconds: float, size: int | None, log: bool) -> None:
    """Count a finished request in the metrics and write its access log line."""
    path = environ.get("PATH_INFO", "")
    route = route_of(path)
    method = environ.get("REQUEST_METHOD", "")
    REQUESTS.labels(route, method if method in METHODS else "other", str(status)).inc()
    DURATION.labels(route).observe(seconds)
    if log:
        parts = [environ.get("REMOTE_ADDR", "-"), _printable(method), _printable(path), f"route={route}",
                 f"status={status}", f"ms={seconds * 1000:.1f}", f"bytes={'-' if size is None else size}"]
        noted = environ.get(QUERY_KEY)
        if noted:
            if "ms" in noted:
                parts.append(f"query_ms={noted['ms']:.1f}")
            if "hash" in noted:
                parts.append(f"query={noted['hash']}")
            parts += [f"{k}={_printable(str(v))}" for k, v in noted.items() if k not in ("ms", "hash")]
        line = " ".join(parts) + "\n"
        os.write(ACCESS_FD, line.encode("utf-8", "backslashreplace"))


def _printable(text: str) -> str:
    """A client-chosen string made safe for one log line (no control characters, no spaces, bounded)."""
    text = text.encode("latin-1", "backslashreplace").decode("latin-1") if not text.isascii() else text
    if not text.isprintable() or " " in text:
        text = "".join(c if c.isprintable() and c != " " else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= 300 else text[:300] + "…"


# the operational routes ------------------------------------------------------------------------------

Answer = tuple[int, list[tuple[str, str]], bytes]


def metrics_text() -> tuple[bytes, str]:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def _text(status: int, text: str, content_type: str = PLAIN) -> Answer:
    body = text.encode("utf-8")
    return status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                    ("Cache-Control", "no-store")], body


class Operations:
    """Answers ``/healthz``, ``/readyz`` and ``/metrics``; ``readiness()`` says what is missing."""

    PATHS = ("/healthz", "/readyz", "/metrics")

    def __init__(self, readiness: Callable[[], str | None]) -> None:
        self.readiness = readiness

    def answer(self, path: str, method: str) -> Answer | None:
        if path not in self.PATHS:
            return None
        if method not in ("GET", "HEAD"):
            status, headers, body = _text(405, f"Method {method} is not allowed on {path}. "
                                               "Allowed: GET, HEAD.\n")
            headers.append(("Allow", "GET, HEAD"))
            return status, headers, body
        if path == "/healthz":
            return _text(200, "ok\n")
        if path == "/readyz":
            missing = self.readiness()
            return _text(200, "ready\n") if missing is None else _text(503, f"not ready: {missing}\n")
        body, content_type = metrics_text()
        return 200, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                     ("Cache-Control", "no-store")], body


class Observe:
    """WSGI middleware: the operational routes, and metrics + access log of every other request."""

    def __init__(self, app: Callable[..., Iterable[bytes]], operations: Operations, access_log: bool) -> None:
        self.app = app
        self.operations = operations
        self.access_log = access_log

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        own = self.operations.answer(environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", ""))
        if own is not None:
            status, headers, body = own
            start_response(f"{status} {'OK' if status == 200 else 'Error'}", headers)
            record(environ, status, time.perf_counter() - started, len(body), self.access_log)
            return [body] if environ.get("REQUEST_METHOD") != "HEAD" else []
        seen: list[Any] = [500, None]

        def observed_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[0] = int(status[:3])
            for name, value in headers:
                if len(name) == 14 and name.lower() == "content-length":
                    seen[1] = int(value) if value.isdigit() else None
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, observed_start)
        except BaseException:
            record(environ, 500, time.perf_counter() - started, None, self.access_log)
            raise
        if isinstance(result, list):  # finished (the SPARQL fast path, errors): recorded now
            record(environ, seen[0], time.perf_counter() - started, seen[1], self.access_log)
            return result
        return _Recorded(result, lambda: record(environ, seen[0], time.perf_counter() - started, seen[1],
                                                self.access_log))


class _Recorded:
    """A response body that records its request when the server closes it (after the last byte)."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body, self.done = body, done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done()
