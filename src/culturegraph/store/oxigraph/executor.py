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
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Store, serialize

from culturegraph.rdf import formats
from culturegraph.rdf.formats import Format
from culturegraph.rdf.jsonld_compactor import Context, compact_bytes
from culturegraph.store.oxigraph.home import BuildWatch, StoreHome
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
    evaluated_in: str = ""  # "memory" or "disk" (graph/replica.py); "" in process
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
    # Where the children evaluate: an in-memory replica of the build, or its store on disk (graph/replica.py).
    query_store: QueryStore = "memory"

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

class Spool(io.RawIOBase):
    """A write-only buffer that moves to an anonymous temporary file past ``limit`` bytes."""

    def __init__(self, limit: int, directory: str | None = None) -> None:
        super().__init__()
        self.limit, self.directory = limit, directory
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        n = len(data)
        self.size += n
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
        result = store.query(job.query, base_iri=job.base_iri, **dataset_options(job))
    except SyntaxError as err:
        return plain(400, f"SPARQL syntax error: {err}")
    except ValueError as err:  # e.g. an invalid IRI in the dataset
        return plain(400, f"Bad request: {err}")
    except Exception as err:  # noqa: BLE001 (store errors: report, never kill the child)
        return plain(500, f"Query failed: {err}")
    form = result_form(result)
    name = dict(job.choices).get(form)
    fmt = formats.by_name(name, offered_formats(form)[0]) if name else None
    if fmt is None:
        out = plain(406, not_acceptable(form, job.asked))
        out.form = form
        return out
    spool = Spool(env.spool_bytes, env.spool_dir)
    try:
        write(result, fmt, spool, env)
    except Exception as err:  # noqa: BLE001 (evaluation is lazy: its errors surface while writing)
        return plain(500, f"Query evaluation failed: {err}")
    body, file = spool.result()
    return Outcome(200, body, fmt.content_type, file=file, size=spool.size, form=form, format_name=fmt.name,
                   version=version, elapsed=time.perf_counter() - started)


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

def timed_out(limit: float) -> Outcome:
    return plain(503, f"Query stopped: it ran longer than the time limit of {limit:g} s.\n"
                      "Narrow it down (a more selective pattern, LIMIT, fewer OPTIONALs), or use the dumps "
                      "for whole-graph work. The limit can only be lowered (timeout=).",
                 **{"Retry-After": str(max(1, round(limit)))})


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

    def version(self) -> str | None:
        return self.source.get()[1]

    def run(self, job: Job, timeout: float) -> Outcome:
        store, version = self.source.get()
        return evaluate(store, version, job, self.env)

    def start(self) -> None:
        pass

    def prewarm(self) -> None:
        pass

    def close(self) -> None:
        pass


CHILD_CODE = "from culturegraph.store.oxigraph.executor import child_entry; child_entry()"
WATCHDOG_HORIZON = 1.0  # seconds
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


@dataclass(eq=False)
class _Child:
    process: subprocess.Popen[bytes]
    channel: Channel
    killed: bool = False  # by the watchdog, past a deadline


class ProcessPoolExecutor:
    """``size`` executor children per web worker process, started lazily (after the server forked).

    Deadlines are kept by one watchdog thread, which SIGKILLs a child past its deadline: the request
    thread, blocked reading the child's answer, then reads EOF. (No ``poll`` per query, and usually no
    wake-up of the watchdog: it sleeps until the earliest deadline or for WATCHDOG_HORIZON.)"""

    enforces_timeout = True

    def __init__(self, store_home: Path, env: Env, size: int = 2) -> None:
        self.home = StoreHome(Path(store_home))
        self.env = env
        self.size = max(1, size)
        self._pid: int | None = None
        self._lock = threading.Lock()
        # Last in, first out: at low concurrency the same (hot) child takes every query — its CPU caches
        # and its store's block cache stay warm; the others only take over under concurrent load.
        self._idle: queue.LifoQueue[_Child] = queue.LifoQueue()
        self._watch = BuildWatch(self.home)
        self._deadlines: dict[_Child, float] = {}
        self._wake = threading.Condition()
        self._sleep_until = math.inf
        self.replaced = 0  # children killed (time limit) or lost (crash) and replaced

    def version(self) -> str | None:
        """The build being served (no store is opened in this process)."""
        return self._watch.version()

    def prewarm(self) -> None:
        """Start the children in the background if this process has none yet (cheap when it has):
        called at every request, so that the first query of a worker finds them ready."""
        if self._pid != os.getpid() and not self._lock.locked():
            threading.Thread(target=self.start, name="executor-start", daemon=True).start()

    def start(self) -> None:
        """Start the children now; otherwise the first query (or :meth:`prewarm`) does."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # A new process (first use, or a fork of a process that had children): a fresh pool.
            self._idle = queue.LifoQueue()
            self._deadlines = {}
            self._wake = threading.Condition()
            for child in [self._spawn() for _ in range(self.size)]:  # they start in parallel
                self._idle.put(child)
            self._pid = os.getpid()
            threading.Thread(target=self._watchdog, args=(self._pid,), name="executor-watchdog",
                             daemon=True).start()

    def _spawn(self) -> _Child:
        parent_end, child_end = socket.socketpair()  # a Unix socket: file descriptors can pass
        with child_end:
            process = subprocess.Popen(
                [sys.executable, "-c", CHILD_CODE, str(child_end.fileno()), str(self.home.path)],
                pass_fds=(child_end.fileno(),), stdin=subprocess.DEVNULL)
        channel = Channel(parent_end)
        channel.send(self.env)
        return _Child(process, channel)

    def run(self, job: Job, timeout: float) -> Outcome:
        self.start()
        for _attempt in range(2):  # a child that died while idle is replaced, and the job retried once
            try:
                child = self._idle.get(timeout=timeout)
            except queue.Empty:
                return busy(timeout)
            try:
                child.channel.send(job)
            except OSError:
                self._replace(child)
                continue
            self._arm(child, time.monotonic() + timeout)
            try:
                header, fd = child.channel.recv()
            except (EOFError, OSError) as err:
                self._disarm(child)
                self._replace(child)
                if child.killed:
                    return timed_out(timeout)
                return plain(500, f"The query executor died while evaluating this query ({err}); "
                                  "it may have run out of memory.")
            self._disarm(child)
            if child.killed:  # the answer and the deadline crossed: the child is gone anyway
                self._replace(child)
            else:
                self._idle.put(child)
            return _outcome(header, fd)
        return plain(500, "No query executor could be started.")

    # deadlines --------------------------------------------------------------------------------------

    def _arm(self, child: _Child, deadline: float) -> None:
        with self._wake:
            self._deadlines[child] = deadline
            if deadline < self._sleep_until:
                self._wake.notify()

    def _disarm(self, child: _Child) -> None:
        with self._wake:
            self._deadlines.pop(child, None)

    def _watchdog(self, pid: int) -> None:
        wake = self._wake
        with wake:
            while self._pid == pid:
                now = time.monotonic()
                for child, deadline in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[child]
                        child.killed = True
                        child.process.kill()  # SIGKILL: Oxigraph cannot be interrupted
                # Wake up at the earliest deadline, and at least every WATCHDOG_HORIZON seconds: then a
                # query armed with a deadline past that (the usual case) needs no notify(), which would
                # cost a thread switch per query.
                self._sleep_until = min(self._deadlines.values(), default=now + WATCHDOG_HORIZON)
                self._sleep_until = min(self._sleep_until, now + WATCHDOG_HORIZON)
                wake.wait(self._sleep_until - now)

    def _replace(self, child: _Child) -> None:
        """Kill ``child`` and start another in the background."""
        self.replaced += 1
        child.process.kill()
        child.channel.close()
        pid = self._pid

        def reap_and_refill() -> None:
            child.process.wait()
            if self._pid == pid == os.getpid():
                self._put_last(self._spawn())

        threading.Thread(target=reap_and_refill, name="executor-replace", daemon=True).start()

    def _put_last(self, child: _Child) -> None:
        """Make ``child`` the last idle child to be taken (the bottom of the LIFO): a replacement starts
        on disk and copies its replica; the others, warm and in memory, keep taking the queries."""
        idle = self._idle
        with idle.not_empty:  # LifoQueue's own lock and condition (its ``queue`` is a list)
            idle.queue.insert(0, child)
            idle.unfinished_tasks += 1
            idle.not_empty.notify()

    def close(self) -> None:
        """Stop the idle children (every child also exits by itself when this process goes away)."""
        if self._pid != os.getpid():
            return
        self._pid = None
        with self._wake:
            self._wake.notify()  # the watchdog sees the pool closed and ends
        while True:
            try:
                child = self._idle.get_nowait()
            except queue.Empty:
                break
            child.channel.close()  # the child sees EOF and exits
            try:
                child.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()


def _outcome(header: dict[str, Any], fd: int | None) -> Outcome:
    body = header.pop("body")
    if fd is not None:
        file = os.fdopen(fd, "rb")
        file.seek(0)  # the child wrote through the same open file: its offset is at the end
        return Outcome(file=file, **header)
    return Outcome(body=body, **header)


def _send(channel: Channel, outcome: Outcome) -> None:
    header = {"status": outcome.status, "content_type": outcome.content_type, "size": outcome.size,
              "form": outcome.form, "format_name": outcome.format_name, "version": outcome.version,
              "elapsed": outcome.elapsed, "evaluated_in": outcome.evaluated_in, "headers": outcome.headers}
    if outcome.file is not None:
        channel.send({**header, "body": b""}, fd=outcome.file.fileno())
        outcome.file.close()
    else:
        channel.send({**header, "body": outcome.body})


def child_entry() -> None:
    """``python -c CHILD_CODE FD STORE_HOME``: the executor child process."""
    fd, store_home = int(sys.argv[1]), sys.argv[2]
    channel = Channel(socket.socket(fileno=fd))
    try:
        env, _ = channel.recv()
    except (EOFError, OSError):
        return
    _child_main(channel, store_home, env)


def _child_main(channel: Channel, store_home: str, env: Env) -> None:
    """Open the current build (and replicate it, :mod:`culturegraph.store.oxigraph.replica`), then
    evaluate jobs until the parent goes away (EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the parent decides
    home = StoreHome(Path(store_home))
    current = ReplicatedCurrent(home, env.query_store)
    with contextlib.suppress(Exception):  # open (and start replicating) early; errors come at the first job
        current.get()
    while True:
        try:
            job, _ = channel.recv()
        except (EOFError, OSError):
            return
        try:
            found = current.get()
            if found is None:
                outcome = plain(503, f"No graph is built yet in {home.path}: run `culturegraph build`.",
                                **{"Retry-After": "60"})
            else:
                store, version, where = found
                outcome = evaluate(store, version, job, env)
                outcome.evaluated_in = where
        except Exception as err:  # noqa: BLE001
            outcome = plain(500, f"Query failed: {err}")
        try:
            _send(channel, outcome)
        except (OSError, EOFError):
            return


Executor = InProcessExecutor | ProcessPoolExecutor
