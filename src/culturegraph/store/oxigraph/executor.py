"""Evaluating SPARQL queries with an *enforced* time limit, in executor child processes.

pyoxigraph has no query timeout, and it releases the GIL while it evaluates: a runaway query cannot be
interrupted from inside the web process. So each web worker process keeps a small pool of executor
children (:class:`ProcessPoolExecutor`):

* children are fresh interpreters (``subprocess``, ``python -c``: never a ``fork`` of the threaded web
  worker, and independent of the server's ``__main__``, which ``multiprocessing``'s spawn/forkserver
  would re-import); each opens the *current* build read-only itself and reopens it when the
  ``current`` link changes (checked at each query), then evaluates on an in-memory replica of it once
  that is loaded (:mod:`culturegraph.store.oxigraph.replica`; ``query_store``: several times faster);
* a request sends a :class:`Job` (query, protocol dataset, the format chosen for each query form,
  base IRI) over a socket pair and waits with a deadline. The child evaluates **and serialises
  completely** (into memory, or a temporary file past ``spool_bytes``, handed over as a file
  descriptor, so a big result is never held twice) and only then answers: the HTTP status is known
  before the first byte is sent, and a timeout is never a truncated 200;
* past the deadline the parent SIGKILLs the child, starts a replacement in the background and answers
  503 with ``Retry-After``. Other requests keep being served by the other children meanwhile; a request
  that finds every child busy for the whole time limit gets 503 too.

A fixed in-memory store (tests) cannot be shared with another process: :class:`InProcessExecutor`
evaluates in the calling thread with the same :func:`evaluate`, and does not enforce the time limit.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import pickle
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Store, serialize

from culturegraph.rdf import formats
from culturegraph.rdf.formats import Format
from culturegraph.rdf.jsonld_compactor import Context, compact_bytes
from culturegraph.rdf.sparql_syntax import explain
from culturegraph.store.oxigraph.home import BuildWatch, StoreHome
from culturegraph.store.oxigraph.live import LiveGraph, LiveGraphs
from culturegraph.store.oxigraph.replica import QueryStore, ReplicatedCurrent

SOLUTIONS, BOOLEAN, GRAPH = "solutions", "boolean", "graph"
FORM_NAMES = {SOLUTIONS: "SELECT", BOOLEAN: "ASK", GRAPH: "CONSTRUCT/DESCRIBE"}
PLAIN = "text/plain; charset=utf-8"

# `format=` values clients send that are not our short names (SPARQLWrapper sends format=xml for
# RDF/XML, json-ld, rdf+xml, n3…). N3 clients read Turtle (Turtle is a subset of N3).
GRAPH_ALIASES = {"xml": "rdfxml", "rdf+xml": "rdfxml", "json": "jsonld", "json-ld": "jsonld", "n3": "turtle",
                 "text/n3": "turtle", "n-triples": "ntriples", "n-quads": "nquads"}
RESULTS_ALIASES = {"sparql-results+json": "json", "sparql-results+xml": "xml", "srj": "json", "srx": "xml"}
# Formats written with prefixes (readable, smaller); the others are prefix-free by definition.
PREFIXED = (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML)


@dataclass(frozen=True)
class Job:
    """One query to evaluate. ``default_graphs``/``named_graphs`` are the protocol's
    ``default-graph-uri``/``named-graph-uri`` (``None``: not given)."""

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    # The format name for each query form, decided by the web process (``negotiate``; ``None``: 406).
    # The child does not know Accept: the form is only known once the query is parsed, there.
    choices: tuple[tuple[str, str | None], ...] = ((SOLUTIONS, "json"), (BOOLEAN, "json"), (GRAPH, "turtle"))
    asked: str = ""  # what the client asked for (406 message)
    base_iri: str | None = None
    # The allow-listed endpoints the query's SERVICE calls (rdf/guard.py): their failures answer 502/504.
    services: tuple[str, ...] = ()


@dataclass
class Outcome:
    """A finished answer: the status is known, the body complete (``body`` or ``file``)."""

    status: int
    body: bytes = b""
    content_type: str = PLAIN
    file: BinaryIO | None = None  # a spooled (big) result, positioned at its start
    size: int = 0
    form: str | None = None  # SOLUTIONS, BOOLEAN or GRAPH when the query was parsed
    format_name: str | None = None
    version: str | None = None
    elapsed: float = 0.0  # seconds spent evaluating + serialising
    evaluated_in: str = ""  # "memory" or "disk" (store/oxigraph/replica.py); "" in process
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.size and self.file is None:
            self.size = len(self.body)


def plain(status: int, text: str, **headers: str) -> Outcome:
    return Outcome(status, (text.rstrip("\n") + "\n").encode("utf-8"), headers=dict(headers))


@dataclass
class Env:
    """What evaluation needs besides the store (picklable: it is sent to the children once)."""

    prefixes: dict[str, str]
    jsonld_context: dict[str, Any]
    # Results up to this size come back in memory (and may be cached); bigger ones are written to an
    # anonymous temporary file whose descriptor is passed to the web process, which streams it.
    spool_bytes: int = 1 << 20
    spool_dir: str | None = None
    # Where the children evaluate: an in-memory replica of the build, or its store on disk
    # (store/oxigraph/replica.py).
    query_store: QueryStore = "memory"
    # Issue 9: the largest result written (0: no cap), and the memory an executor may take for a query on
    # top of what it holds when it starts (0: no cap; enforced by the parent and RLIMIT_AS).
    max_result_bytes: int = 0
    memory_bytes: int = 0
    # Graphs that change between builds (store/oxigraph/live.py): replaced from their files before a
    # query in an in-memory store.
    live_graphs: tuple[LiveGraph, ...] = ()

    @cached_property
    def compaction(self) -> Context:
        return Context.from_document({"@context": self.jsonld_context})


# dataset and negotiation ----------------------------------------------------------------------------

_SKIPPED = re.compile(r"""
    '''(?:[^'\\]|\\.|'(?!''))*'''      # long strings
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n]|\\.)*'                # short strings
  | "(?:[^"\\\n]|\\.)*"
  | <[^<>"{}|^`\\\x00-\x20]*>          # IRIs
  | \#[^\n]*                           # comments
""", re.VERBOSE)
# The keyword FROM [NAMED], then an IRI or a prefixed name (`fromage:x` is a prefixed name, not FROM).
_FROM = re.compile(r"(?<![\w?$:@.\-])FROM(?:\s+NAMED)?(?:\s+|(?=<))(?:<|[A-Za-z_][\w.\-]*:|:)",
                   re.IGNORECASE)


def declares_dataset(query: str) -> bool:
    """Whether the query has ``FROM``/``FROM NAMED`` (strings, IRIs and comments skipped).

    Needed because pyoxigraph's ``use_default_graph_as_union`` replaces the query's own dataset."""
    if "from" not in query.lower():
        return False
    return _FROM.search(_SKIPPED.sub(_placeholder, query)) is not None


def _placeholder(match: re.Match[str]) -> str:
    """An IRI stays an (empty) IRI, so that ``FROM <…>`` is still seen; strings and comments go."""
    return "<>" if match.group(0).startswith("<") else " "


def dataset_options(job: Job) -> dict[str, Any]:
    """The RDF dataset of a query.

    * Protocol ``default-graph-uri``/``named-graph-uri`` given: exactly those graphs (either list may be
      empty; an unknown graph is an empty graph); they override ``FROM``/``FROM NAMED`` in the query.
    * Else ``FROM``/``FROM NAMED`` in the query: the query's dataset.
    * Else: **the default graph is the union of all named graphs** (every triple of ours lives in a
      named graph /graph/{name}), and every named graph is available to ``GRAPH``.
    """
    if job.default_graphs is None and job.named_graphs is None:
        return {} if declares_dataset(job.query) else {"use_default_graph_as_union": True}
    return {"default_graph": [NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [NamedNode(g) for g in job.named_graphs or ()]}


def offered_formats(form: str) -> tuple[tuple[Format, ...], Format]:
    if form == GRAPH:
        return formats.GRAPH_FORMATS, formats.TURTLE
    return formats.RESULTS_FORMATS, formats.RESULTS_JSON


def choose_format(form: str, accept: str, explicit: tuple[str, ...] = ()) -> Format | None:
    """The format for a result of ``form``: the first usable ``format=`` value, else ``Accept``
    (q-values, wildcards), else the default (SPARQL JSON, Turtle). ``None`` means 406. Memoised per
    (form, Accept value, format= values): clients send the same few Accept strings over and over, and
    werkzeug's ``best_match`` over all our media types is a sizeable part of a cheap query's cost."""
    return _choose_format(form, accept, tuple(explicit))


@lru_cache(maxsize=1024)
def _choose_format(form: str, accept: str, explicit: tuple[str, ...]) -> Format | None:
    offered, default = offered_formats(form)
    if explicit:
        aliases = GRAPH_ALIASES if form == GRAPH else RESULTS_ALIASES
        for value in explicit:
            key = value.split(";", 1)[0].strip().lower()
            chosen = formats.by_name(aliases.get(key, key), offered)
            if chosen is not None:
                return chosen
        return None
    from werkzeug.datastructures import MIMEAccept  # the executor children never need werkzeug
    from werkzeug.http import parse_accept_header

    from culturegraph.rdf import conneg

    return conneg.negotiate(parse_accept_header(accept, MIMEAccept), offered, default)


def negotiate(accept: str, explicit: tuple[str, ...] = ()) -> tuple[tuple[str, str | None], ...]:
    """:attr:`Job.choices`: the chosen format name per query form (SELECT and ASK share one)."""
    results = choose_format(SOLUTIONS, accept, explicit)
    graph = choose_format(GRAPH, accept, explicit)
    name = results.name if results else None
    return (SOLUTIONS, name), (BOOLEAN, name), (GRAPH, graph.name if graph else None)


def not_acceptable(form: str, asked: str) -> str:
    offered, default = offered_formats(form)
    lines = [f"No acceptable format for a {FORM_NAMES[form]} result (asked: {asked or 'nothing'}).",
             "Offered (Accept header, or format= with the short name):"]
    lines += [f"  {f.media_type}  (format={f.name}){'  default' if f is default else ''}" for f in offered]
    return "\n".join(lines)


# evaluation -----------------------------------------------------------------------------------------

class ResultTooLarge(Exception):
    pass


class Spool(io.RawIOBase):
    """A write-only buffer that moves to an anonymous temporary file past ``limit`` bytes, and stops the
    writer (:class:`ResultTooLarge`) past ``cap`` bytes (0: never)."""

    def __init__(self, limit: int, directory: str | None = None, cap: int = 0) -> None:
        super().__init__()
        self.limit, self.directory, self.cap = limit, directory, cap
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None
        self.size = 0
        self.over = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        n = len(data)
        self.size += n
        if self.cap and self.size > self.cap:
            self.over = True
            raise ResultTooLarge(self.cap)
        if self.buffer is not None:
            if self.size <= self.limit:
                return self.buffer.write(data)
            self.file = tempfile.TemporaryFile(dir=self.directory)  # noqa: SIM115 (handed to the caller)
            self.file.write(self.buffer.getvalue())
            self.buffer = None
        assert self.file is not None
        self.file.write(data)
        return n

    def result(self) -> tuple[bytes, BinaryIO | None]:
        if self.file is not None:
            self.file.flush()
            self.file.seek(0)
            return b"", self.file
        assert self.buffer is not None
        return self.buffer.getvalue(), None


def evaluate(store: Store, version: str, job: Job, env: Env) -> Outcome:
    """Parse, evaluate and serialise ``job`` completely; never raises."""
    started = time.perf_counter()
    try:
        result = store.query(job.query, base_iri=job.base_iri, prefixes=env.prefixes, **dataset_options(job))
    except SyntaxError as err:
        return plain(400, explain(job.query, err, env.prefixes))
    except ValueError as err:  # e.g. an invalid IRI in the dataset
        return plain(400, f"Bad request: {err}")
    except Exception as err:  # noqa: BLE001 (store errors: report, never kill the child)
        return failed(job, err)
    form = result_form(result)
    name = dict(job.choices).get(form)
    fmt = formats.by_name(name, offered_formats(form)[0]) if name else None
    if fmt is None:
        out = plain(406, not_acceptable(form, job.asked))
        out.form = form
        return out
    spool = Spool(env.spool_bytes, env.spool_dir, env.max_result_bytes)
    try:
        write(result, fmt, spool, env)
    except Exception as err:  # noqa: BLE001 (evaluation is lazy: its errors surface while writing)
        if spool.over:
            return too_large(env.max_result_bytes)
        if isinstance(err, OSError) and "does not support" in str(err):  # a writer's limit (JSON-LD)
            out = plain(406, f"The result cannot be written in {fmt.media_type}: {str(err)[:200]}.\n"
                             + not_acceptable(form, job.asked).split("\n", 1)[1])
            out.form = form
            return out
        return failed(job, err)
    body, file = spool.result()
    return Outcome(200, body, fmt.content_type, file=file, size=spool.size, form=form, format_name=fmt.name,
                   version=version, elapsed=time.perf_counter() - started)


def failed(job: Job, err: Exception) -> Outcome:
    """An evaluation error. With an allow-listed SERVICE in the query, an I/O error is the remote
    endpoint's: 502 with a message of ours (its reply is never echoed: it may be anything)."""
    if job.services and isinstance(err, OSError | RuntimeError):
        return plain(502, f"A federated endpoint of this query ({', '.join(job.services)}) failed or gave "
                          f"an answer that could not be read ({type(err).__name__}).")
    message = str(err)
    if CUSTOM_FUNCTION.fullmatch(message):  # the query's fault (hostile finding F9), not the server's
        return plain(400, f"Bad request: {message[:500]}. This endpoint has the SPARQL 1.1 functions and "
                          "the XSD casts only.")
    return plain(500, f"Query evaluation failed: {message[:500]}")


# Oxigraph's error for a function IRI it does not implement (pyoxigraph 0.5: a RuntimeError).
CUSTOM_FUNCTION = re.compile(r"The custom function <[^>]*> is not supported")


def too_large(cap: int) -> Outcome:
    return plain(422, f"The result is larger than this endpoint's result-size limit of {cap:,} bytes "
                      "(max_result_bytes; X-Result-Size-Limit): nothing of it is sent. Narrow the query "
                      "(LIMIT, fewer variables), page it (ORDER BY + LIMIT/OFFSET), or use the dumps.")


def result_form(result: QuerySolutions | QueryBoolean | QueryTriples) -> str:
    if isinstance(result, QueryTriples):
        return GRAPH
    return BOOLEAN if isinstance(result, QueryBoolean) else SOLUTIONS


def write(result: QuerySolutions | QueryBoolean | QueryTriples, fmt: Format, out: Any, env: Env) -> None:
    """Always pyoxigraph's writers; JSON-LD is then compacted (:mod:`culturegraph.rdf.jsonld_compactor`)."""
    if fmt.results is not None:
        result.serialize(out, format=fmt.results)
    elif fmt.rdf == RdfFormat.JSON_LD:
        assert isinstance(result, QueryTriples)
        out.write(compact_bytes(result.serialize(format=RdfFormat.JSON_LD) or b"", env.compaction))
    elif fmt.rdf in PREFIXED:
        serialize(result, out, format=fmt.rdf, prefixes=env.prefixes)
    else:
        assert isinstance(result, QueryTriples)
        result.serialize(out, format=fmt.rdf)


# executors ------------------------------------------------------------------------------------------

def timed_out(limit: float, job: Job | None = None) -> Outcome:
    # No Retry-After (issue 9): the same query would only time out again; retrying is not the cure.
    if job is not None and job.services:
        return plain(504, f"Query stopped after {limit:g} s: a federated endpoint of this query "
                          f"({', '.join(job.services)}) did not answer in time.")
    return plain(503, f"Query stopped: it ran longer than the time limit of {limit:g} s.\n"
                      "Narrow it down (a more selective pattern, LIMIT, fewer OPTIONALs), or use the dumps "
                      "for whole-graph work. The limit can only be lowered (timeout=).")


def out_of_memory(limit: int) -> Outcome:
    return plain(503, f"Query stopped: the query used more memory than the limit allows "
                      f"({limit / (1 << 20):,.0f} MiB per query executor). Narrow it down: ORDER BY, "
                      "GROUP BY or DISTINCT over a large (often a cartesian) product hold it all in memory.")


def busy(limit: float) -> Outcome:
    return plain(503, f"All query executors stayed busy for {limit:g} s; try again shortly.",
                 **{"Retry-After": "5"})


class InProcessExecutor:
    """Evaluate in the calling thread (a fixed in-memory store: tests). The time limit is NOT enforced:
    a thread running inside Oxigraph cannot be stopped."""

    enforces_timeout = False

    def __init__(self, source: Any, env: Env) -> None:
        self.source = source  # FixedStore / CurrentStore: get() -> (store, version)
        self.env = env
        self.live = LiveGraphs(env.live_graphs)
        self._live_lock = threading.Lock()

    def version(self) -> str | None:
        return self.source.get()[1]

    def run(self, job: Job, timeout: float) -> Outcome:
        store, version = self.source.get()
        if self.env.live_graphs:
            with self._live_lock:
                self.live.apply(store, (id(store), version))
        return evaluate(store, version, job, self.env)

    def start(self) -> None:
        pass

    def prewarm(self) -> None:
        pass

    def close(self) -> None:
        pass


CHILD_CODE = "from culturegraph.store.oxigraph.executor import child_entry; child_entry()"
WATCHDOG_HORIZON = 0.25  # seconds
FRAME = struct.Struct("!I")  # message length prefix
FIRST_READ = 64 << 10  # one recvmsg() takes a whole small message (and any file descriptor sent with it)


class Channel:
    """Pickled messages over a Unix socket — one system call per small message each way — and file
    descriptors passed alongside (SCM_RIGHTS). ``multiprocessing.Connection`` reads the length and the
    body separately and needs a ``poll`` for a deadline: each system call costs 10-30 µs here."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = bytearray()  # bytes read past the end of the previous message
        self._fds: list[int] = []  # descriptors received, not yet handed out

    def send(self, obj: object, fd: int | None = None) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        head = FRAME.pack(len(data))
        if fd is not None:
            socket.send_fds(self.sock, [head], [fd])
            self.sock.sendall(data)
        elif len(data) <= FIRST_READ:
            self.sock.sendall(head + data)
        else:  # no concatenated copy of a big body
            self.sock.sendall(head)
            self.sock.sendall(data)

    def recv(self) -> tuple[Any, int | None]:
        """``(message, a file descriptor sent with it or None)``; ``EOFError`` when the peer is gone."""
        while len(self._buffer) < FRAME.size:
            self._read()
        (length,) = FRAME.unpack_from(self._buffer)
        end = FRAME.size + length
        while len(self._buffer) < end:
            self._read(end - len(self._buffer))
        with memoryview(self._buffer) as view:  # released before the buffer is resized
            message = pickle.loads(view[FRAME.size:end])
        del self._buffer[:end]
        return message, (self._fds.pop(0) if self._fds else None)

    def _read(self, wanted: int = 0) -> None:
        size = max(FIRST_READ, min(wanted, 1 << 24))
        data, ancillary, _flags, _addr = self.sock.recvmsg(size, socket.CMSG_SPACE(4))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                self._fds.append(int.from_bytes(payload[:4], sys.byteorder))
        if not data:
            raise EOFError("the peer closed the channel")
        self._buffer += data

    def close(self) -> None:
        self.sock.close()


# executor processes -----------------------------------------------------------------------------------
#
# Issue 9, finding 6: replacing an executor must cost well under a second and no fresh copy of the build.
# Each pool has one *zygote* (store/oxigraph/zygote.py): a process that holds the in-memory replica of
# the current build and does nothing else; an executor is a fork of it (the replica's pages are shared
# copy-on-write until the executor writes them). While the zygote loads (at start, after a rebuild),
# executors are fresh interpreters evaluating on disk, replaced by forks once it is ready.

ZYGOTE_CODE = "from culturegraph.store.oxigraph.zygote import zygote_entry; zygote_entry()"
MEMORY_POLL = 0.1  # seconds between two looks at a busy executor's memory
EXIT_WAIT = 0.5  # seconds to wait for a dead executor's exit status (for the message and the log)
# The executor evaluates on a thread with this stack: Oxigraph recurses (parser, optimiser, evaluator);
# 8 MB overflow at ~3,000 nested groups, 256 MB did not at 50,000 (measured; rdf/guard.py refuses 100).
STACK_BYTES = 256 << 20
# Messages the engine prints before it aborts (Rust panics and allocation failures), and what they mean.
ENGINE_ABORTS = (
    ("does not correctly implement a total order", "sort"),
    ("memory allocation of", "memory"),
    ("has overflowed its stack", "stack"),
)


def query_hash(query: str) -> str:
    """The short identifier of a query text in the logs (16 hex digits of BLAKE2b)."""
    import hashlib

    return hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def log(message: str) -> None:
    print(f"culturegraph query executors {os.getpid()}: {message}", file=sys.stderr, flush=True)


class _Spawned:
    """An executor started as a fresh interpreter (our child: ``wait`` gives its status)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process, self.pid = process, process.pid

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()

    def status(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None


class _Forked:
    """An executor forked by the zygote (its child, not ours): killed through a pidfd, so that a pid the
    system has reused is never signalled; its status comes from the zygote."""

    def __init__(self, pid: int, zygote: _Zygote) -> None:
        self.pid, self.zygote = pid, zygote
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except OSError:  # already gone (and reaped)
            self.pidfd = None

    def kill(self) -> None:
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    def status(self, timeout: float) -> int | None:
        status = self.zygote.exit_status(self.pid, timeout)
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        return status


@dataclass(eq=False)
class _Child:
    handle: _Spawned | _Forked
    channel: Channel
    stderr: int | None  # a memfd the executor's fd 2 writes to: what the engine says before it dies
    origin: _Zygote | None  # the zygote it was forked from (None: a fresh interpreter on disk)
    baseline: int = 0  # its resident memory when it was ready, bytes
    killed: str | None = None  # "time" or "memory": killed by the watchdog
    armed: float = 0.0  # when its current job started

    @property
    def pid(self) -> int:
        return self.handle.pid


class _Zygote:
    """The parent's side of a zygote process: fork requests, and the exit statuses it reports."""

    def __init__(self, home: Path, env: Env) -> None:
        parent_end, child_end = socket.socketpair()
        with child_end:
            self.process = subprocess.Popen(
                [sys.executable, "-c", ZYGOTE_CODE, str(child_end.fileno()), str(home)],
                pass_fds=(child_end.fileno(),), stdin=subprocess.DEVNULL)
        self.channel = Channel(parent_end)
        self.channel.send(env)
        self.ready = threading.Event()
        self.version: str | None = None
        self.where = ""
        self.failed = False
        self._forked: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self._fork_lock = threading.Lock()
        self._exits: dict[int, int] = {}
        self._exited = threading.Condition()
        threading.Thread(target=self._read, name="zygote-reader", daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                message, fd = self.channel.recv()
            except (EOFError, OSError):
                break
            if "ready" in message:
                self.version, self.where = message["ready"], message["where"]
                self.ready.set()
            elif "forked" in message:
                self._forked.put((message["forked"], fd) if fd is not None else None)
            elif "exit" in message:
                with self._exited:
                    self._exits[message["exit"]] = message["status"]
                    if len(self._exits) > 1000:  # statuses nobody asked for
                        self._exits.pop(next(iter(self._exits)))
                    self._exited.notify_all()
        self.failed = True
        self.ready.set()  # nobody waits for a zygote that is gone
        self._forked.put(None)

    def fork(self, timeout: float = 10.0) -> tuple[int, socket.socket] | None:
        """A new executor: (pid, the parent's end of its channel); ``None`` if the zygote is gone."""
        if self.failed:
            return None
        with self._fork_lock:
            try:
                self.channel.send({"fork": True})
                got = self._forked.get(timeout=timeout)
            except (OSError, queue.Empty):
                return None
        if got is None:
            return None
        return got[0], socket.socket(fileno=got[1])

    def exit_status(self, pid: int, timeout: float) -> int | None:
        with self._exited:
            self._exited.wait_for(lambda: pid in self._exits, timeout)
            return self._exits.pop(pid, None)

    def close(self) -> None:
        """The zygote exits when its channel closes (its executors live on until they are retired)."""
        self.failed = True
        self.channel.close()
        threading.Thread(target=self.process.wait, name="zygote-reap", daemon=True).start()


class ProcessPoolExecutor:
    """``size`` executor children per web worker process, started lazily (after the server forked).

    Deadlines and memory are kept by one watchdog thread, which SIGKILLs a child past its deadline or
    over its memory limit: the request thread, blocked reading the child's answer, then reads EOF. (No
    ``poll`` per query; the watchdog sleeps until the earliest deadline, or MEMORY_POLL while a child is
    busy.) A child that dies otherwise (an engine crash) is reported with what is known — the engine's
    last words, its exit status — logged with the query's hash, and replaced."""

    enforces_timeout = True

    def __init__(self, store_home: Path, env: Env, size: int = 2) -> None:
        self.home = StoreHome(Path(store_home))
        self.env = env
        self.size = max(1, size)
        self._pid: int | None = None
        self._lock = threading.Lock()
        # Last in, first out: at low concurrency the same (hot) child takes every query — its CPU caches
        # stay warm; the others only take over under concurrent load.
        self._idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        self._watch = BuildWatch(self.home)
        self._deadlines: dict[_Child, float] = {}
        self._busy: dict[_Child, float] = {}
        self._wake = threading.Condition()
        self._sleep_until = math.inf
        self._zygote: _Zygote | None = None
        self._next_zygote: _Zygote | None = None
        self.replaced = 0  # children killed (time or memory limit), lost (crash) or retired, and replaced
        self.on_restart: Any = None  # callable(reason): metrics (web/query_metrics.py)

    def version(self) -> str | None:
        """The build being served (no store is opened in this process)."""
        return self._watch.version()

    def prewarm(self) -> None:
        """Start the children in the background if this process has none yet (cheap when it has):
        called at every request, so that the first query of a worker finds them ready."""
        if self._pid != os.getpid() and not self._lock.locked():
            threading.Thread(target=self.start, name="executor-start", daemon=True).start()

    def start(self) -> None:
        """Start the zygote and the children now; otherwise the first query (or :meth:`prewarm`) does."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # A new process (first use, or a fork of a process that had children): a fresh pool.
            self._idle = queue.LifoQueue()
            self._deadlines, self._busy = {}, {}
            self._wake = threading.Condition()
            self._zygote = self._start_zygote()
            if self._zygote.ready.wait(0 if self.env.query_store == "memory" else 10):
                children = [self._new_child() for _ in range(self.size)]
            else:  # the zygote is loading the replica: fresh interpreters on disk meanwhile
                children = [self._spawn() for _ in range(self.size)]
            for child in children:
                if child is not None:
                    self._idle.put(child)
            self._pid = os.getpid()
            threading.Thread(target=self._watchdog, args=(self._pid,), name="executor-watchdog",
                             daemon=True).start()
        if self._zygote.ready.is_set():  # it got ready while the fresh interpreters started
            self._retire_idle()

    def wait_forked(self, timeout: float = 60.0) -> bool:
        """Wait until every idle child is a fork of the ready zygote (tests, benchmarks)."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            zygote = self._zygote
            if zygote is not None and zygote.ready.is_set() and self._zygote is zygote:
                children = list(self._idle.queue)
                if len(children) >= self.size and all(c.origin is zygote for c in children):
                    return True
            time.sleep(0.02)
        return False

    def _start_zygote(self) -> _Zygote:
        zygote = _Zygote(self.home.path, self.env)

        def when_ready() -> None:
            zygote.ready.wait()
            if not zygote.failed:
                self._adopt(zygote)

        threading.Thread(target=when_ready, name="zygote-ready", daemon=True).start()
        return zygote

    def _adopt(self, zygote: _Zygote) -> None:
        """A zygote is ready: it is the one executors are forked from; those of another origin retire."""
        old = self._zygote if self._zygote is not zygote else None
        self._zygote = zygote
        if self._next_zygote is zygote:
            self._next_zygote = None
        if old is not None:
            old.close()
        self._retire_idle()

    def _retire_idle(self) -> None:
        if self._pid != os.getpid():  # the pool is still starting: start() retires them
            return
        idle = self._idle
        with idle.mutex:
            stale = [c for c in idle.queue if c.origin is not self._zygote]
            idle.queue[:] = [c for c in idle.queue if c.origin is self._zygote]
            idle.unfinished_tasks -= len(stale)
        for child in stale:
            self._replace(child, "retired")

    def _follow_build(self, version: str | None) -> None:
        """A new build is current: a new zygote loads it (the old one keeps forking until it is ready)."""
        zygote = self._zygote
        if version is None or zygote is None or not zygote.ready.is_set() or zygote.version == version:
            return
        if self._next_zygote is None:  # (also when the zygote started before any build existed)
            with self._lock:
                if self._next_zygote is None:
                    self._next_zygote = self._start_zygote()

    def _new_child(self) -> _Child | None:
        """A fork of the ready zygote, or else a fresh interpreter."""
        zygote = self._zygote
        if zygote is not None and zygote.ready.is_set() and not zygote.failed:
            forked = zygote.fork()
            if forked is not None:
                pid, sock = forked
                child = self._hello(_Forked(pid, zygote), Channel(sock), zygote)
                if child is not None:
                    return child
        return self._spawn()

    def _spawn(self) -> _Child | None:
        parent_end, child_end = socket.socketpair()  # a Unix socket: file descriptors can pass
        with child_end:
            process = subprocess.Popen(
                [sys.executable, "-c", CHILD_CODE, str(child_end.fileno()), str(self.home.path)],
                pass_fds=(child_end.fileno(),), stdin=subprocess.DEVNULL)
        channel = Channel(parent_end)
        try:
            channel.send(replace(self.env, query_store="disk"))  # the zygote holds the replica
        except OSError:
            return None
        return self._hello(_Spawned(process), channel, None)

    def _hello(self, handle: _Spawned | _Forked, channel: Channel, origin: _Zygote | None) -> _Child | None:
        try:
            hello, fd = channel.recv()
        except (EOFError, OSError):
            handle.kill()
            channel.close()
            return None
        return _Child(handle, channel, fd, origin, baseline=hello.get("rss", 0))

    def run(self, job: Job, timeout: float) -> Outcome:
        self.start()
        if self._zygote is not None and self._zygote.ready.is_set():
            self._follow_build(self._watch.version())
        for _attempt in range(2):  # a child that died while idle is replaced, and the job retried once
            try:
                child = self._idle.get(timeout=timeout)
            except queue.Empty:
                return busy(timeout)
            try:
                child.channel.send(job)
            except OSError:
                self._replace(child, "crash")
                continue
            self._arm(child, time.monotonic() + timeout)
            try:
                header, fd = child.channel.recv()
            except (EOFError, OSError):
                self._disarm(child)
                return self._died(child, job, timeout)
            self._disarm(child)
            if child.killed:  # the answer and the deadline crossed: the child is gone anyway
                self._replace(child, child.killed)
            elif header.pop("retire", False) or child.origin is not self._zygote:
                self._replace(child, "retired")  # its memory grew (below), or a newer zygote is ready
            else:
                self._idle.put(child)
            return _outcome(header, fd)
        return plain(500, "No query executor could be started.")

    def _died(self, child: _Child, job: Job, timeout: float) -> Outcome:
        """The child's channel closed during a job: killed by the watchdog, or a crash."""
        reason = child.killed
        self._replace(child, reason or "crash", reap=False)
        status = child.handle.status(EXIT_WAIT)
        said = _read_tail(child.stderr)
        if child.stderr is not None:
            os.close(child.stderr)
        if reason == "time":
            return timed_out(timeout, job)
        if reason == "memory":
            log(f"executor {child.pid} stopped over the memory limit (query {query_hash(job.query)})")
            return out_of_memory(self.env.memory_bytes)
        kind = next((k for text, k in ENGINE_ABORTS if text in said), None)
        how = _describe_status(status)
        last = _last_words(said)
        log(f"executor {child.pid} crashed ({how}) evaluating query {query_hash(job.query)}; "
            f"the engine said: {last}")
        if kind == "memory":
            return out_of_memory(self.env.memory_bytes)
        if kind == "sort":
            return plain(422, "This query stops the query engine: its ORDER BY compares values that the "
                              "engine cannot put in one order (pyoxigraph aborts when a sort is not a "
                              "total order, e.g. xsd:gYear, xsd:date and xsd:dateTime values together; "
                              "docs/upstream/pyoxigraph-order-by-abort.md). Sort on STR(?x) or on one "
                              "datatype (FILTER(DATATYPE(?x) = …)), or drop the ORDER BY. "
                              f"Logged as query {query_hash(job.query)}.")
        known = {"stack": "it ran out of stack (too deeply nested)"}.get(kind or "", "")
        return plain(500, "The query engine crashed while evaluating this query"
                          f"{': ' + known if known else ''} ({how}). The executor was replaced; the query is "
                          f"logged as {query_hash(job.query)}.")

    # deadlines and memory ---------------------------------------------------------------------------

    def _arm(self, child: _Child, deadline: float) -> None:
        with self._wake:
            self._deadlines[child] = deadline
            self._busy[child] = time.monotonic()
            if deadline < self._sleep_until:
                self._wake.notify()

    def _disarm(self, child: _Child) -> None:
        with self._wake:
            self._deadlines.pop(child, None)
            self._busy.pop(child, None)

    def _watchdog(self, pid: int) -> None:
        wake = self._wake
        limit = self.env.memory_bytes
        with wake:
            while self._pid == pid:
                now = time.monotonic()
                for child, deadline in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[child]
                        child.killed = "time"
                        child.handle.kill()  # SIGKILL: Oxigraph cannot be interrupted
                    elif limit and now - self._busy.get(child, now) >= MEMORY_POLL \
                            and _rss(child.pid) - child.baseline > limit:
                        del self._deadlines[child]
                        child.killed = "memory"
                        child.handle.kill()
                # Wake up at the earliest deadline, every MEMORY_POLL while a child is busy (memory),
                # and at least every WATCHDOG_HORIZON seconds: then a query armed with a deadline past
                # that (the usual case) needs no notify(), which would cost a thread switch per query.
                horizon = MEMORY_POLL if (limit and self._deadlines) else WATCHDOG_HORIZON
                self._sleep_until = min(min(self._deadlines.values(), default=math.inf), now + horizon)
                wake.wait(self._sleep_until - now)

    def _replace(self, child: _Child, reason: str, reap: bool = True) -> None:
        """Kill ``child`` and start another in the background."""
        self.replaced += 1
        if self.on_restart is not None:
            self.on_restart(reason)
        child.handle.kill()
        child.channel.close()
        pid = self._pid

        def reap_and_refill() -> None:
            if reap:
                child.handle.status(EXIT_WAIT)
                if child.stderr is not None:
                    os.close(child.stderr)
            if self._pid == pid == os.getpid():
                new = self._new_child()
                if new is not None:
                    self._put_last(new)

        threading.Thread(target=reap_and_refill, name="executor-replace", daemon=True).start()

    def _put_last(self, child: _Child) -> None:
        """Make ``child`` the last idle child to be taken (the bottom of the LIFO): the others, warm,
        keep taking the queries."""
        idle = self._idle
        with idle.not_empty:  # LifoQueue's own lock and condition (its ``queue`` is a list)
            idle.queue.insert(0, child)
            idle.unfinished_tasks += 1
            idle.not_empty.notify()

    def close(self) -> None:
        """Stop the idle children and the zygotes (every child also exits by itself when this process
        goes away: it reads EOF)."""
        if self._pid != os.getpid():
            return
        self._pid = None
        with self._wake:
            self._wake.notify()  # the watchdog sees the pool closed and ends
        for zygote in (self._zygote, self._next_zygote):
            if zygote is not None:
                zygote.close()
        while True:
            try:
                child = self._idle.get_nowait()
            except queue.Empty:
                break
            child.channel.close()  # the child sees EOF and exits
            if child.handle.status(5) is None:
                child.handle.kill()
                child.handle.status(5)
            if child.stderr is not None:
                os.close(child.stderr)


def _rss(pid: int) -> int:
    """Resident memory of ``pid`` in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


PAGE = os.sysconf("SC_PAGE_SIZE")


def _last_words(said: str) -> str:
    """The informative line of what the engine printed: a known abort's, or the last that is not a
    backtrace or a note."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    for line in lines:
        if any(text in line for text, _ in ENGINE_ABORTS):
            return line[:300]
    useful = [line for line in lines if not line.startswith(("note:", "stack backtrace", "at "))
              and not line.split(":", 1)[0].isdigit()]
    return useful[-1][:300] if useful else "nothing"


def _read_tail(fd: int | None, size: int = 64 << 10) -> str:
    if fd is None:
        return ""
    try:
        end = os.fstat(fd).st_size
        return os.pread(fd, size, max(0, end - size)).decode("utf-8", "replace")
    except OSError:
        return ""


def _describe_status(status: int | None) -> str:
    if status is None:
        return "exit status unknown"
    if status < 0:
        try:
            return f"signal {signal.Signals(-status).name}"
        except ValueError:
            return f"signal {-status}"
    return f"exit code {status}"


def _outcome(header: dict[str, Any], fd: int | None) -> Outcome:
    body = header.pop("body")
    if fd is not None:
        file = os.fdopen(fd, "rb")
        file.seek(0)  # the child wrote through the same open file: its offset is at the end
        return Outcome(file=file, **header)
    return Outcome(body=body, **header)


def _send(channel: Channel, outcome: Outcome, retire: bool = False) -> None:
    header = {"status": outcome.status, "content_type": outcome.content_type, "size": outcome.size,
              "form": outcome.form, "format_name": outcome.format_name, "version": outcome.version,
              "elapsed": outcome.elapsed, "evaluated_in": outcome.evaluated_in, "headers": outcome.headers}
    if retire:
        header["retire"] = True
    if outcome.file is not None:
        channel.send({**header, "body": b""}, fd=outcome.file.fileno())
        outcome.file.close()
    else:
        channel.send({**header, "body": outcome.body})


def child_entry() -> None:
    """``python -c CHILD_CODE FD STORE_HOME``: an executor started as a fresh interpreter (on disk)."""
    fd, store_home = int(sys.argv[1]), sys.argv[2]
    channel = Channel(socket.socket(fileno=fd))
    try:
        env, _ = channel.recv()
    except (EOFError, OSError):
        return
    home = StoreHome(Path(store_home))
    executor_main(channel, env, ReplicatedCurrent(home, env.query_store))


class Preloaded:
    """The current build for an executor forked from a zygote: the zygote's store of build ``version``
    (its replica), or — once another build is current — that build on disk, until the pool retires
    this executor for a fork of the new build's zygote."""

    def __init__(self, home: StoreHome, version: str | None, store: Store | None, where: QueryStore) -> None:
        self.watch = BuildWatch(home)
        self.version, self.store, self.where = version, store, where
        self._other: tuple[str, Store] | None = None

    def get(self) -> tuple[Store, str, QueryStore] | None:
        build = self.watch.current()
        if build is None:
            return None
        if build[0] == self.version and self.store is not None:
            return self.store, build[0], self.where
        if self._other is None or self._other[0] != build[0]:
            self._other = (build[0], Store.read_only(str(build[1] / "store")))
        return self._other[1], build[0], "disk"


def executor_main(channel: Channel, env: Env, current: ReplicatedCurrent | Preloaded) -> None:
    """The executor: say hello (with its memory and the memfd its fd 2 now writes to), then evaluate jobs
    on a thread with a big stack until the parent goes away (EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the parent decides
    os.environ["RUST_BACKTRACE"] = "0"  # a panic's message, not pages of frames
    # Python's own messages keep going to the server's log; what the engine writes to fd 2 before it
    # aborts (a Rust panic, an allocation failure) goes to a memfd that the parent reads after a crash.
    sys.stderr = os.fdopen(os.dup(2), "w", buffering=1)
    last_words = os.memfd_create("culturegraph-executor-stderr")
    os.dup2(last_words, 2)
    baseline = _rss(os.getpid())
    if env.memory_bytes:
        _limit_address_space(env.memory_bytes)
    with contextlib.suppress(Exception):  # open (and start replicating) early; errors come at the first job
        current.get()
    try:
        channel.send({"hello": os.getpid(), "rss": baseline}, fd=last_words)
    except OSError:
        return
    threading.stack_size(STACK_BYTES)
    worker = threading.Thread(target=_serve_jobs, args=(channel, env, current, baseline), name="evaluate")
    worker.start()
    worker.join()


def _serve_jobs(channel: Channel, env: Env, current: ReplicatedCurrent | Preloaded, baseline: int) -> None:
    home = getattr(current, "home", None) or current.watch.home
    live = LiveGraphs(env.live_graphs)
    while True:
        try:
            job, _ = channel.recv()
        except (EOFError, OSError):
            return
        if os.lseek(2, 0, os.SEEK_END):  # forget what the engine said during earlier jobs
            os.ftruncate(2, 0)
            os.lseek(2, 0, os.SEEK_SET)
        try:
            found = current.get()
            if found is None:
                outcome = plain(503, f"No graph is built yet in {home.path}: run `culturegraph build`.",
                                **{"Retry-After": "60"})
            else:
                store, version, where = found
                if where == "memory" and env.live_graphs:
                    live.apply(store, (id(store), version))
                outcome = evaluate(store, version, job, env)
                outcome.evaluated_in = where
        except Exception as err:  # noqa: BLE001
            outcome = plain(500, f"Query failed: {str(err)[:500]}")
        retire = False
        if env.memory_bytes and outcome.elapsed > 0.05:
            # A big query leaves memory in the allocator: give it back, and be retired (a fresh fork is
            # cheap) when much stays, so that the next query starts with its whole allowance.
            _trim()
            retire = _rss(os.getpid()) - baseline > env.memory_bytes // 4
        try:
            _send(channel, outcome, retire)
        except (OSError, EOFError):
            return


def _limit_address_space(memory_bytes: int) -> None:
    """RLIMIT_AS a little above what this process maps now plus its allowance: the backstop of the
    parent's memory watch (an allocation past it fails, and Oxigraph aborts with a message we read)."""
    import resource

    try:
        with open("/proc/self/statm", "rb") as statm:
            mapped = int(statm.read().split()[0]) * PAGE
        soft = mapped + memory_bytes + STACK_BYTES + (1 << 30)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (OSError, ValueError):
        pass


def _trim() -> None:
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


Executor = InProcessExecutor | ProcessPoolExecutor
