"""``/sparql``: the SPARQL 1.1 Protocol endpoint (queries only) and its Service Description.

Requests (SPARQL 1.1 Protocol §2.1): ``GET ?query=``, ``POST`` form (``application/x-www-form-urlencoded``,
``query=``) or ``POST`` direct (``application/sparql-query``, UTF-8 only). ``default-graph-uri`` and
``named-graph-uri`` (repeatable) set the dataset and override ``FROM``/``FROM NAMED``; a graph we do
not hold is empty. **Without them the default graph is the union of all named graphs** (every triple
lives in a named graph /graph/{name}); the Service Description says so (``sd:UnionDefaultGraph``).
Relative IRIs in queries resolve against the site's base IRI (``<id/musee/M0963>`` works).

Answers: SELECT/ASK in SPARQL JSON (default), XML, CSV, TSV; CONSTRUCT/DESCRIBE in Turtle (default),
JSON-LD (compacted with our context), N-Triples, RDF/XML, N-Quads, TriG — by ``Accept`` (q-values,
wildcards) or ``format=``/``output=`` (short name or media type, wins over ``Accept``). Always written
by pyoxigraph's writers, in an executor process that enforces the time limit
(:mod:`culturegraph.store.oxigraph.executor`); results are never truncated (there is no row limit).

Errors: 400 (syntax — the parser's message —, two queries, bad parameter), 403 (SPARQL Update: the
endpoint is read-only), 405 + ``Allow`` (other methods), 406 (lists what is offered), 413 (query longer
than ``max_query_bytes``), 415 (other body types or charsets), 503 + ``Retry-After`` (time limit).

``GET /sparql`` without a query: the query page for a browser (``Accept`` preferring HTML), else the
Service Description (Turtle by default).

The hot path: ``GET``/``HEAD /sparql?query=`` is answered by a WSGI middleware (:class:`FastPath`)
without Flask, with the view's own parser and :func:`answer`; negotiation is memoised per ``Accept``
value; finished results (up to 1 MiB) are cached per web worker by (build, query, dataset, format),
so a repeated query costs a dictionary lookup, and a build switch changes the key
(:mod:`culturegraph.web.cache`). Responses carry a weak ``ETag`` (``If-None-Match`` → 304),
``Server-Timing`` (evaluation time, and ``desc="memory"`` or ``"disk"``: where it ran) and
``X-Query-Cache: hit|miss``.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Request, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple
from werkzeug.http import HTTP_STATUS_CODES, is_resource_modified
from werkzeug.wsgi import FileWrapper

from culturegraph.config import Settings
from culturegraph.rdf import conneg, formats, jsonld
from culturegraph.rdf.formats import Format
from culturegraph.rdf.guard import Limits, QueryRefused, normalize_endpoint
from culturegraph.rdf.guard import check as guard_check
from culturegraph.rdf.sparql_syntax import declarations
from culturegraph.rdf.terms import DCTERMS, RDF, RDFS, SD, VOID, XSD, Minter
from culturegraph.rdf.write import write, writer_prefixes
from culturegraph.store.oxigraph.executor import (
    PLAIN,
    Env,
    Executor,
    Job,
    ProcessPoolExecutor,
    choose_format,
    negotiate,
    not_acceptable,
)
from culturegraph.web import context, federation, ops, query_metrics
from culturegraph.web.budget import ClientBudget
from culturegraph.web.cache import ByteLRU
from culturegraph.web.context import QUERY_UI
from culturegraph.web.http import (
    CORS_HEADERS,
    MIN_GZIP_BYTES,
    NEGOTIATED_VARY,
    gzip_accepted,
    gzip_bytes,
    gzip_stream,
    plain_body,
    plain_text,
)
from culturegraph.web.security import normalise_negotiation

bp = Blueprint("sparql", __name__)
FAST_PATH = "culturegraph.sparql.fast_path"  # app.extensions: the FastPath, which web/front.py asks
FOUND = "culturegraph.sparql.found"  # environ: (request, Lookup) of a cache hit found by would_hit

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = ("This endpoint is read-only: SPARQL Update is not accepted here. The graph is rebuilt from "
             "its sources (`culturegraph build`); to change the data, change the sources or the mappings.")
CACHE_BYTES = 64 << 20  # per web worker process
STREAM_CHUNK = 64 << 10
CACHE_ENTRY_BYTES = 1 << 20  # = Env.spool_bytes: bigger results are streamed from a file, not cached
COUNTS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# Prefixes for the Turtle/TriG/RDF-XML writers: not `cg:` (the bare base), whose local names would be
# paths that Turtle must escape (cg:graph\/museofile).


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] | None  # None: the protocol dataset is not given
    named_graphs: tuple[str, ...] | None
    formats: tuple[str, ...]  # format= / output= values
    timeout: float

    @property
    def key(self) -> tuple[object, ...]:
        return self.query, self.default_graphs, self.named_graphs


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


@dataclass
class Service:
    """The endpoint's state in one web worker process."""

    settings: Settings
    executor: Executor
    env: Env
    cache: ByteLRU = field(default_factory=lambda: ByteLRU(CACHE_BYTES, CACHE_ENTRY_BYTES))
    counts: dict[str, dict[str, int] | None] = field(default_factory=dict)  # version -> graph -> triples
    # Issue 9: what a query may ask (rdf/guard.py), the federated endpoints it may call, per-client budget.
    limits: Limits = field(default_factory=Limits)
    allowed_services: frozenset[str] = frozenset()
    budget: ClientBudget | None = None
    # The live graphs' refresh callables (web/context.py LIVE_GRAPHS): their versions key the cache too.
    live: tuple[context.LiveRefresh, ...] = ()

    @property
    def limit_headers(self) -> list[tuple[str, str]]:
        size = self.settings.max_result_bytes
        return [("X-Result-Size-Limit", str(size))] if size else []


@dataclass
class Cached:
    body: bytes
    content_type: str
    version: str
    elapsed: float
    evaluated_in: str = ""
    gzipped: bytes | None = None


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    app = state.app
    settings: Settings = app.config["CULTUREGRAPH"]
    source = app.extensions["culturegraph.store"]
    live = app.extensions.get(context.LIVE_GRAPHS, ())
    env = Env(writer_prefixes(settings.base_iri), jsonld.context(settings),
              query_store=settings.query_store,  # type: ignore[arg-type]
              max_result_bytes=settings.max_result_bytes, memory_bytes=settings.query_memory_mb << 20,
              live_graphs=tuple(graph for graph, _ in live))
    # The source decides how it evaluates (store/oxigraph/sources.py): the process pool for the current
    # build, in this process for a store given by the caller (tests).
    executor: Executor = source.evaluator(env, settings.query_executors)
    if isinstance(executor, ProcessPoolExecutor):
        executor.on_restart = query_metrics.restarted
    app.extensions["culturegraph.sparql"] = Service(
        settings, executor, env, limits=Limits(settings.query_max_depth, settings.query_max_nodes),
        allowed_services=frozenset(normalize_endpoint(iri) for iri in settings.service_allowlist),
        budget=ClientBudget(settings.client_max_queries, settings.client_query_seconds,
                            settings.trusted_proxies),
        live=tuple(refresh for _, refresh in live))
    # Executor children start in the background at a worker's first request (any route), so that its
    # first query does not wait ~0.5 s for them; never at app creation (a server may fork after it).
    app.before_request(executor.prewarm)


def service(app: Flask | None = None) -> Service:
    return (app or current_app).extensions["culturegraph.sparql"]


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """POST queries, GET without a query (query page, service description), and the GET requests the
    fast path hands over (protocol errors). Answers are built by :func:`answer`, as on the fast path."""
    svc = service()
    try:
        parsed = parse(request, svc.settings)
    except ProtocolError as err:
        return text_response(err.status, err.message, err.headers)
    if parsed is None:
        return describe_service(svc)
    raw = answer(svc, parsed, request.environ)
    return Response(raw.body, status=raw.status, headers=raw.headers, direct_passthrough=raw.streamed)


class FastPath:
    """WSGI middleware answering ``GET``/``HEAD /sparql?query=…`` without Flask.

    Measured by the endpoint benchmark (bench/README.md, "Where the time goes"), Flask's request
    context, ``after_request`` hooks and werkzeug's header objects cost more than evaluating a point
    lookup. Here the query string is parsed with :func:`validate` (the Flask view's parser) and the
    answer built by :func:`answer` (the same function the view uses), with the same CORS, ``Vary`` and
    gzip policy as :mod:`culturegraph.web.http` (its header constants). Anything else — other paths and
    methods, a GET without a query, a protocol error — goes to Flask."""

    def __init__(self, wsgi_app: Any, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        query_string = environ.get("QUERY_STRING", "")
        if (environ.get("PATH_INFO") != "/sparql" or method not in ("GET", "HEAD")
                or "query=" not in query_string):
            return self.wsgi_app(environ, start_response)
        svc: Service = self.app.extensions["culturegraph.sparql"]
        stashed = environ.get(FOUND)
        try:
            parsed = stashed[0] if stashed is not None else validate(
                parse_qsl(query_string, keep_blank_values=True), None, False, svc.settings)
        except ProtocolError:
            parsed = None
        if parsed is None:
            return self.wsgi_app(environ, start_response)  # Flask answers (and parses again)
        raw = answer(svc, parsed, environ)
        start_response(f"{raw.status} {HTTP_STATUS_CODES.get(raw.status, '')}", raw.headers)
        if method == "HEAD":
            close = getattr(raw.body, "close", None)
            if close is not None:
                close()
            return []
        return [raw.body] if isinstance(raw.body, bytes) else raw.body

    def would_hit(self, environ: dict[str, Any]) -> bool:
        """Whether this request is answered from the result cache without waiting on anything: the front
        (web/front.py) then answers it in its event loop, not on a query thread. What it found is kept in
        the environ (:data:`FOUND`) for the answer, which looks nothing up again (another thread could
        evict the entry meanwhile, and the loop must never evaluate). A due check of the live graphs, a
        missing gzip form or a 406 go to the thread."""
        if (environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
                or "query=" not in environ.get("QUERY_STRING", "")):
            return False
        svc: Service = self.app.extensions["culturegraph.sparql"]
        if not all(refresh.fresh() for refresh in svc.live):
            return False
        normalise_negotiation(environ)  # the headers as the Guard leaves them for the answer
        try:
            req = validate(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True), None, False,
                           svc.settings)
        except ProtocolError:
            return False
        if req is None:
            return False
        found = lookup(svc, req, environ.get("HTTP_ACCEPT", ""))
        gzip_ok = gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if found.hit is None or (_gzips(found.hit, gzip_ok) and found.hit.gzipped is None):
            return False
        environ[FOUND] = (req, found)
        return True


# request parsing ------------------------------------------------------------------------------------

def parse(req: Request, settings: Settings) -> QueryRequest | None:
    """The query request in ``req`` (``None``: a GET without ``query``), or :class:`ProtocolError`."""
    params: list[tuple[str, str]] = list(req.args.items(multi=True))
    direct: str | None = None
    if req.method == "POST":
        if any(name == "update" for name, _ in params):
            raise ProtocolError(403, READ_ONLY)
        mimetype = req.mimetype
        if mimetype == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if mimetype == FORM:
            _check_charset(req)
            body = _read_body(req, 3 * settings.max_query_bytes + 4096)  # percent-encoding triples it
            try:
                form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise ProtocolError(400, "The form body is not valid UTF-8.") from None
            params += form
        elif mimetype == DIRECT:
            _check_charset(req)
            body = _read_body(req, settings.max_query_bytes)
            try:
                direct = body.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError:
                raise ProtocolError(400, "The query is not valid UTF-8.") from None
        else:
            got = f"Content-Type {req.content_type}" if mimetype else "no Content-Type"
            raise ProtocolError(415, f"A query sent with POST needs Content-Type {FORM} (query=…) or "
                                     f"{DIRECT} (the query as the body); got {got}.")
    return validate(params, direct, req.method == "POST", settings)


def validate(params: list[tuple[str, str]], direct: str | None, post: bool,
             settings: Settings) -> QueryRequest | None:
    """Protocol parameters (URL and form) and a direct query body → the query request; ``None`` for a
    GET without ``query``; :class:`ProtocolError` otherwise."""
    if any(name == "update" for name, _ in params):
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if direct is not None:
        if queries:
            raise ProtocolError(400, "The query is given twice: in the body and as a query parameter.")
        queries = [direct]
    if len(queries) > 1:
        raise ProtocolError(400, f"One query per request: got {len(queries)} `query` parameters.")
    if not queries:
        if post:
            raise ProtocolError(400, f"No query: send query=… ({FORM}) or the query itself ({DIRECT}).")
        return None
    query = queries[0]
    if len(query) > settings.max_query_bytes // 4 and len(query.encode("utf-8")) > settings.max_query_bytes:
        raise ProtocolError(413, f"The query is longer than {settings.max_query_bytes:,} bytes.")
    if not query.strip():
        raise ProtocolError(400, "The query is empty.")
    default_graphs = tuple(value for name, value in params if name == "default-graph-uri")
    named_graphs = tuple(value for name, value in params if name == "named-graph-uri")
    for iri in (*default_graphs, *named_graphs):
        try:
            NamedNode(iri)
        except ValueError as err:
            raise ProtocolError(400, f"default-graph-uri/named-graph-uri: not an absolute IRI: "
                                     f"{conneg.shown(iri)!r} "
                                     f"({conneg.shown(str(err))})") from None
    given = bool(default_graphs or named_graphs)
    return QueryRequest(
        query,
        default_graphs=default_graphs if given else None,
        named_graphs=named_graphs if given else None,
        formats=tuple(value for name, value in params if name in ("format", "output") and value),
        timeout=_timeout([value for name, value in params if name == "timeout"], settings.query_timeout_s,
                         settings.query_timeout_floor_s))


def _check_charset(req: Request) -> None:
    charset = req.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"Only UTF-8 is accepted (got charset={charset}).")


def _read_body(req: Request, limit: int) -> bytes:
    if req.content_length is not None and req.content_length > limit:
        raise ProtocolError(413, f"The request body is longer than {limit:,} bytes.")
    body = req.stream.read(limit + 1)
    if len(body) > limit:
        raise ProtocolError(413, f"The request body is longer than {limit:,} bytes.")
    return body


def _timeout(values: list[str], limit: float, floor: float = 0.0) -> float:
    """``timeout=`` (seconds) can only lower the server's limit, and not below ``floor`` (issue 9: a
    query stopped at its time limit costs an executor; ``timeout=0.01`` must not make that cheap)."""
    if not values or not values[-1].strip():
        return limit
    try:
        asked = float(values[-1])
    except ValueError:
        raise ProtocolError(400, f"timeout= takes a number of seconds, not {conneg.shown(values[-1])!r}.") \
            from None
    if not math.isfinite(asked) or asked <= 0:
        raise ProtocolError(400, "timeout= must be a positive number of seconds.")
    return max(min(asked, limit), min(floor, limit))


# answering ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Raw:
    """A finished answer as WSGI needs it (the fast path sends it as is; the view wraps it)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes | Iterable[bytes]
    streamed: bool = False


def answer(svc: Service, req: QueryRequest, environ: dict[str, Any]) -> Raw:
    """Answer a query request: from the result cache, or evaluated by the executor."""
    raw = _answer(svc, req, environ)
    raw.headers.extend(svc.limit_headers)
    return raw


def _answer(svc: Service, req: QueryRequest, environ: dict[str, Any]) -> Raw:
    accept = environ.get("HTTP_ACCEPT", "")
    gzip_ok = gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", ""))
    ops.note_query(environ, req.query)  # issue 9: the access log line names the query by its hash
    key = req.key
    stashed = environ.pop(FOUND, None)  # would_hit's (the event loop's answer): not looked up again
    found = stashed[1] if stashed is not None and stashed[0] is req else lookup(svc, req, accept)
    live = found.live
    if found.form is not None and found.fmt is None:
        return _text(406, not_acceptable(found.form, _asked(req, accept)), vary=NEGOTIATED_VARY)
    if found.hit is not None and found.fmt is not None and found.version is not None:
        hit = found.hit
        query_metrics.cache(True)
        tag = _etag(found.version, key, found.fmt.name)
        if _not_modified(environ, tag):
            return Raw(304, _negotiated(tag, "hit", hit.elapsed, hit.evaluated_in), b"")
        return _from_cache(svc, hit, tag, ("result", found.version, key, found.fmt.name), gzip_ok, "hit")
    query_metrics.cache(False)
    # Issue 9: what the engine would crash on, or a SERVICE not allowed, never reaches it.
    try:
        inspection = guard_check(req.query, svc.settings.base_iri, svc.limits, svc.allowed_services)
        services = tuple(dict.fromkeys(c.endpoint for c in inspection.services if c.endpoint))
        if services:
            federation.check_endpoints(services, environ)
    except QueryRefused as refused:
        query_metrics.refused(refused.limit)
        return _text(refused.status, refused.message)
    client = ""
    if svc.budget is not None:
        client = svc.budget.client(environ)
        refusal = svc.budget.admit(client)
        if refusal is not None:
            query_metrics.refused(refusal.reason)
            return _text(429, refusal.message, {"Retry-After": str(refusal.retry_after)})
    job = Job(req.query, req.default_graphs, req.named_graphs, choices=negotiate(accept, req.formats),
              asked=_asked(req, accept), base_iri=svc.settings.base_iri, services=services)
    started = time.perf_counter()
    outcome = None
    try:
        outcome = svc.executor.run(job, req.timeout)
    finally:
        seconds = time.perf_counter() - started
        if svc.budget is not None:
            # The evaluation's own time (not the wait for an executor); a query stopped or lost has none:
            # its wall time, the limit it reached.
            svc.budget.done(client, outcome.elapsed if outcome is not None and outcome.elapsed else seconds)
    query_metrics.evaluated(outcome.status, seconds)
    ops.note_query(environ, seconds=seconds)
    if outcome.version is not None and live:
        outcome.version = f"{outcome.version}+{live}"
    if outcome.form is not None and outcome.version is not None:
        svc.cache.put(("form", outcome.version, key), outcome.form, len(req.query) + 200)
    if outcome.status != 200:
        vary = NEGOTIATED_VARY if outcome.status == 406 else "Accept-Encoding"
        return _text(outcome.status, outcome.body, outcome.headers, vary)
    assert outcome.version is not None and outcome.format_name is not None
    tag = _etag(outcome.version, key, outcome.format_name)
    cache_key = ("result", outcome.version, key, outcome.format_name)
    if outcome.file is None:
        entry = Cached(outcome.body, outcome.content_type, outcome.version, outcome.elapsed,
                       outcome.evaluated_in)
        # A store read-only on disk (an executor before its replica) cannot apply the live graphs: its
        # answer is not kept under their version.
        if not (live and outcome.evaluated_in == "disk"):
            svc.cache.put(cache_key, entry, len(outcome.body) + 200)
        return _from_cache(svc, entry, tag, cache_key, gzip_ok, "miss")
    # A big result, spooled to a file by the executor: streamed from it, not cached.
    headers = [("Content-Type", outcome.content_type),
               *_negotiated(tag, "miss", outcome.elapsed, outcome.evaluated_in)]
    if gzip_ok:
        headers.append(("Content-Encoding", "gzip"))
        return Raw(200, headers, gzip_stream(FileWrapper(outcome.file, STREAM_CHUNK)), streamed=True)
    headers.append(("Content-Length", str(outcome.size)))
    file_wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
    return Raw(200, headers, file_wrapper(outcome.file, STREAM_CHUNK), streamed=True)


@dataclass
class Lookup:
    """What the result cache holds for a request in the version being served: the query's form (when
    it was seen in this version), the format negotiated for it, the result in that format."""

    version: str | None  # the build's, with the live graphs' versions ("+…")
    live: str  # the live graphs' versions alone
    form: Any = None
    fmt: Format | None = None
    hit: Cached | None = None


def lookup(svc: Service, req: QueryRequest, accept: str) -> Lookup:
    """The live graphs' files are brought up to date first (the executor applies them), and their
    versions are part of the build version the cache and the ETag are keyed on. A query seen before in
    this version has a known form (SELECT…), so negotiation happens here and the finished bytes can
    come from the cache."""
    live = "+".join(v for v in (refresh() for refresh in svc.live) if v)
    build = svc.executor.version()
    found = Lookup(f"{build}+{live}" if build is not None and live else build, live)
    if found.version is not None:
        found.form = svc.cache.get(("form", found.version, req.key))
        if found.form is not None:
            found.fmt = choose_format(found.form, accept, req.formats)
            if found.fmt is not None:
                found.hit = svc.cache.get(("result", found.version, req.key, found.fmt.name))
    return found


def _gzips(entry: Cached, gzip_ok: bool) -> bool:
    """Whether the answer is the entry's gzip form (made once, on the first answer that wants it)."""
    return gzip_ok and len(entry.body) >= MIN_GZIP_BYTES


def _from_cache(svc: Service, entry: Cached, tag: str, cache_key: tuple[object, ...], gzip_ok: bool,
                cache: str) -> Raw:
    body = entry.body
    headers = [("Content-Type", entry.content_type),
               *_negotiated(tag, cache, entry.elapsed, entry.evaluated_in)]
    if _gzips(entry, gzip_ok):
        if entry.gzipped is None:
            entry.gzipped = gzip_bytes(body)  # once per entry; a race only computes it twice
            svc.cache.grow(cache_key, len(entry.gzipped))
        body = entry.gzipped
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    return Raw(200, headers, body)


def _negotiated(tag: str, cache: str, elapsed: float, evaluated_in: str) -> list[tuple[str, str]]:
    # Server-Timing: the evaluation's time and where it ran (an in-memory replica or the store on disk).
    where = f';desc="{evaluated_in}"' if evaluated_in else ""
    return [("Vary", NEGOTIATED_VARY), ("ETag", f'W/"{tag}"'), ("X-Query-Cache", cache),
            ("Server-Timing", f'query;dur={elapsed * 1000:.1f}{where}, cache;desc="{cache}"'), *CORS_HEADERS]


def _text(status: int, message: str | bytes, extra: dict[str, str] | None = None,
          vary: str = "Accept-Encoding") -> Raw:
    body = plain_body(message)
    headers = [("Content-Type", PLAIN), ("Content-Length", str(len(body))), ("Vary", vary), *CORS_HEADERS]
    headers += list((extra or {}).items())
    return Raw(status, headers, body)


def _not_modified(environ: dict[str, Any], tag: str) -> bool:
    """RFC 9110 conditional GET, as werkzeug evaluates it (weak comparison of If-None-Match)."""
    return bool(environ.get("HTTP_IF_NONE_MATCH")) and not is_resource_modified(environ, etag=tag)


def _asked(req: QueryRequest, accept: str) -> str:
    """What the client asked for, as a 406 quotes it (never raw: ``conneg.shown``)."""
    return conneg.shown("format=" + ", ".join(req.formats) if req.formats else accept, 300)


def _etag(version: str, key: tuple[object, ...], fmt: str) -> str:
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=12).hexdigest()
    return f"{version}-{digest}-{fmt}"


text_response = plain_text  # the one plain-text reply (web/http.py)


# service description --------------------------------------------------------------------------------

def describe_service(svc: Service) -> Response:
    """GET /sparql without a query: the query page (browsers) or the Service Description."""
    query_ui = _query_ui()
    offered = ((formats.HTML,) if query_ui else ()) + formats.GRAPH_FORMATS
    explicit = request.args.get("format") or None
    try:
        fmt = conneg.negotiate(request.accept_mimetypes, offered, formats.TURTLE, explicit)
    except conneg.UnknownFormat:
        fmt = None
    if fmt is None:
        lines = ["No acceptable format for the service description. Offered:"]
        lines += [f"  {f.media_type}  (format={f.name})" for f in offered]
        response = text_response(406, "\n".join(lines))
        response.vary.add("Accept")
        return response
    if fmt is formats.HTML and query_ui is not None:
        response = current_app.make_response(query_ui())
        response.vary.add("Accept")
        return response
    version = svc.executor.version()
    counts = graph_counts(svc, version)
    triples = service_description(request.base_url, svc.settings, counts)
    response = Response(write_graph(triples, fmt, svc.settings), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _query_ui() -> object | None:
    """The query UI the app factory registered (web/pages.py), if any."""
    return current_app.extensions.get(QUERY_UI)


def graph_counts(svc: Service, version: str | None) -> dict[str, int] | None:
    """Triples per named graph of the build ``version``, counted once per version and worker."""
    if version is None:
        return None
    if version in svc.counts:
        return svc.counts[version]
    job = Job(COUNTS_QUERY)  # the default choices: SPARQL JSON
    outcome = svc.executor.run(job, max(svc.settings.query_timeout_s, 10.0))
    counts: dict[str, int] | None = None
    if outcome.status == 200:
        data = json.loads(outcome.file.read() if outcome.file else outcome.body)
        counts = {row["g"]["value"]: int(row["n"]["value"]) for row in data["results"]["bindings"]}
        svc.counts[outcome.version or version] = counts
    return counts


SD_EXTENSION_DOC = (
    "Service limits are described with terms of the culturegraph ontology: kgo:queryTimeLimit (seconds "
    "of evaluation after which a query is stopped and answered with 503; timeout= can lower it, down to "
    "kgo:queryTimeFloor), kgo:maxQueryLength (bytes), kgo:maxQueryDepth and kgo:maxQueryNodes (nesting and "
    "operators, checked before evaluation: 400), kgo:maxResultSize (bytes of a result; a bigger one is "
    "answered 422, never truncated; also in the X-Result-Size-Limit header), kgo:queryMemoryLimit (MiB per "
    "query: 503), kgo:clientQueryConcurrency and kgo:clientQuerySecondsPerMinute (per client: 429 with "
    "Retry-After).")
FEDERATION_OFF = ("SERVICE (federated query) is refused (400): this endpoint never calls another server.")
FEDERATION_ON = ("SERVICE may call only the endpoints listed with kgo:federatedEndpoint (an allow-list); "
                 "any other SERVICE, and SERVICE with a variable, is refused (400).")


def service_description(endpoint_url: str, settings: Settings, counts: dict[str, int] | None) -> list[Triple]:
    """The SPARQL 1.1 Service Description of this endpoint, as triples (grouped by subject)."""
    kgo = Minter(settings.base_iri).kgo
    service, dataset, default_graph = BlankNode("service"), BlankNode("dataset"), BlankNode("defaultGraph")
    triples = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, SD.endpoint, NamedNode(endpoint_url)),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(service, SD.defaultEntailmentRegime, NamedNode("http://www.w3.org/ns/entailment/Simple")),
        *(Triple(service, SD.resultFormat, NamedNode(format_iri(f)))
          for f in (*formats.RESULTS_FORMATS, *formats.GRAPH_FORMATS)),
        Triple(service, DCTERMS.title, Literal("culturegraph SPARQL endpoint", language="en")),
        Triple(service, RDFS.comment, Literal(
            "Read-only SPARQL 1.1 query endpoint. Without default-graph-uri/named-graph-uri (or FROM), the "
            "default graph is the union of all named graphs. Relative IRIs resolve against "
            f"{settings.base_iri}. " + SD_EXTENSION_DOC + " "
            + (FEDERATION_ON if settings.service_allowlist else FEDERATION_OFF), language="en")),
        Triple(service, kgo.queryTimeLimit, _decimal(settings.query_timeout_s)),
        Triple(service, kgo.queryTimeFloor, _decimal(min(settings.query_timeout_floor_s,
                                                         settings.query_timeout_s))),
        Triple(service, kgo.maxQueryLength, _integer(settings.max_query_bytes)),
        Triple(service, kgo.maxQueryDepth, _integer(settings.query_max_depth)),
        Triple(service, kgo.maxQueryNodes, _integer(settings.query_max_nodes)),
        Triple(service, kgo.maxResultSize, _integer(settings.max_result_bytes)),
        Triple(service, kgo.queryMemoryLimit, _integer(settings.query_memory_mb)),
        Triple(service, kgo.clientQueryConcurrency, _integer(settings.client_max_queries)),
        Triple(service, kgo.clientQuerySecondsPerMinute, _decimal(settings.client_query_seconds)),
        *([Triple(service, SD.feature, SD.BasicFederatedQuery)] if settings.service_allowlist else []),
        *(Triple(service, kgo.federatedEndpoint, NamedNode(iri)) for iri in settings.service_allowlist),
        Triple(service, SD.defaultDataset, dataset),
        *declarations(service, writer_prefixes(settings.base_iri)),  # the prefixes queries need not declare
        # The VoID description of the graph (the DCAT-AP catalogue: web/catalogue.py, issue 14).
        Triple(service, RDFS.seeAlso, NamedNode(settings.base_iri + ".well-known/void")),
        Triple(dataset, RDFS.seeAlso, NamedNode(settings.base_iri + "data/culturegraph")),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default_graph),
    ]
    graphs = sorted((counts or {}).items())
    named = [(BlankNode(f"namedGraph{i}"), BlankNode(f"graph{i}"), NamedNode(g), n)
             for i, (g, n) in enumerate(graphs)]
    triples += [Triple(dataset, SD.namedGraph, node) for node, _, _, _ in named]
    triples.append(Triple(default_graph, RDF.type, SD.Graph))
    if counts is not None:
        # The union default graph counts a triple once per named graph holding it.
        triples.append(Triple(default_graph, VOID.triples, _integer(sum(counts.values()))))
    for node, description, graph, n in named:
        triples += [
            Triple(node, RDF.type, SD.NamedGraph),
            Triple(node, SD.name, graph),
            Triple(node, SD.graph, description),
            Triple(description, RDF.type, SD.Graph),
            Triple(description, VOID.triples, _integer(n)),
        ]
    return triples


def format_iri(fmt: Format) -> str:
    """The W3C "Unique URIs for File Formats" IRI (pyoxigraph names JSON-LD differently)."""
    if fmt.rdf == RdfFormat.JSON_LD:
        return "http://www.w3.org/ns/formats/JSON-LD"
    kind = fmt.results or fmt.rdf
    assert kind is not None
    return kind.iri


def _decimal(x: float) -> Literal:
    return Literal(str(float(x)), datatype=XSD.decimal)


def _integer(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def write_graph(triples: Iterable[Triple], fmt: Format, settings: Settings) -> bytes:
    """A small graph in ``fmt`` with the one writer (rdf/write.py), the service description's own
    vocabularies offered as prefixes too."""
    return write(triples, fmt, settings, extra_prefixes={
        "sd": str(SD), "void": str(VOID), "formats": "http://www.w3.org/ns/formats/"})
