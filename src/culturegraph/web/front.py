"""The production server's front: an ASGI application that keeps slow clients away from the threads.

Granian (web/serve.py) runs it with its ASGI interface; the Flask app behind it stays a WSGI app. Why
not Granian's WSGI interface: there, a request body is read by the request's Python thread, with no
time limit, so a handful of clients sending a ``Content-Length`` larger than their body hold every
thread (measured: 8 such POSTs hung the server for more than 65 s, issue 9), and a response is pushed
by the thread too. Here, everything that waits on a client happens in the worker's event loop, which
waits on thousands of connections at no cost:

* **request bodies** are read in the loop, whole, before a thread is involved: past
  ``body_timeout_s`` the answer is 408 and the connection is closed; past ``max_body_bytes``, 413;
* **the thread pools are apart**: SPARQL requests (``/sparql``, which wait for the query executors) run
  on ``query_threads`` threads, everything else (pages, documents, files) on ``page_threads``, so pages
  are never queued behind query evaluation; at most ``max_pending_queries`` SPARQL requests are held
  per worker (running or waiting for a thread), past which the answer is 503 "busy" at once;
* **static files** (``/static/…``) and ``/healthz`` are answered in the loop itself, from memory
  (each file read and gzip-compressed once), without a thread;
* **responses** in one piece (all but big SPARQL results) are handed to Granian at once, so a client
  that does not read holds no thread; a streamed body is pushed chunk by chunk, and a chunk that the
  client does not take within ``send_timeout_s`` ends the response (the connection is cut).

Idle keep-alive connections and half-sent headers are Granian's: its HTTP/1 header read timeout
(``header_timeout_s``) closes both (measured: the timer runs while a kept-alive connection waits for
its next request), and its per-worker connection limit (``max_connections``) is high, as an idle
connection costs a few kilobytes in Rust and no thread.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import mimetypes
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from culturegraph.config import Settings
from culturegraph.web import ops
from culturegraph.web.security import add_security_headers

LOG = logging.getLogger("culturegraph.front")
PLAIN = b"text/plain; charset=utf-8"
STATIC_PREFIX = "/static/"
STATIC_CACHE = "public, max-age=3600"
TEXTUAL = ("text/", "application/javascript", "application/json", "image/svg+xml")
Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class BodyTooLarge(Exception):
    pass


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


class StaticFiles:
    """The files under ``root``, read once and kept in memory with their gzip form and ``ETag``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: dict[str, StaticFile | None] = {}
        self.lock = threading.Lock()

    def get(self, relative: str) -> StaticFile | None:
        if relative in self.files:
            return self.files[relative]
        found = self._load(relative)
        with self.lock:
            if len(self.files) < 4096:  # a missing name is remembered too, within bounds
                self.files[relative] = found
        return found

    def _load(self, relative: str) -> StaticFile | None:
        parts = relative.split("/")
        if any(not p or p.startswith(".") or "\\" in p for p in parts):
            return None
        path = self.root.joinpath(*parts)
        try:
            if not path.resolve().is_relative_to(self.root) or not path.is_file():
                return None
            body = path.read_bytes()
        except (OSError, ValueError):
            return None
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        textual = content_type.startswith(TEXTUAL)
        if textual and content_type.startswith(("text/", "application/javascript")):
            content_type += "; charset=utf-8"
        gzipped = gzip.compress(body, 9, mtime=0) if textual and len(body) >= 1024 else None
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        return StaticFile(body, gzipped, content_type, etag)


class Front:
    """The ASGI application: ``Front(wsgi_app, settings, static_root)``."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], settings: Settings,
                 static_root: Path | None = None, operations: ops.Operations | None = None,
                 in_loop: Callable[[dict[str, Any]], bool] | None = None) -> None:
        self.app = wsgi_app
        # Which SPARQL requests the loop answers itself: result-cache hits (web/sparql.FastPath.would_hit),
        # which wait on nothing; handing them to a thread and back halved the cached lookups' rate
        # (bench/README.md, "After issue 9, cached lookups are slower").
        self.in_loop = in_loop
        self.settings = settings
        self.static = StaticFiles(static_root) if static_root is not None else None
        self.operations = operations
        self.pages = ThreadPoolExecutor(settings.page_threads, thread_name_prefix="pages")
        self.queries = ThreadPoolExecutor(settings.query_threads, thread_name_prefix="queries")
        self.pending_queries = 0
        self.log_access = settings.access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.pages.shutdown(wait=False, cancel_futures=True)
                self.queries.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        environ = wsgi_environ(scope)
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        quick = self.quick(path, method, environ)
        if quick is not None:
            status, headers, body = quick
            await respond(send, status, headers, body if method != "HEAD" else b"")
            ops.record(environ, status, time.perf_counter() - started, len(body), self.log_access)
            return
        length = environ.get("CONTENT_LENGTH", "")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (length and length != "0") or chunked:
            limit = self.settings.max_body_bytes
            if length.isdigit() and int(length) > limit:
                return await self.refuse(send, environ, started, 413,
                                         f"The request body is longer than {limit:,} bytes.")
            try:
                async with asyncio.timeout(self.settings.body_timeout_s):
                    body = await read_body(receive, limit)
            except TimeoutError:
                return await self.refuse(send, environ, started, 408,
                                         f"The request body did not arrive within "
                                         f"{self.settings.body_timeout_s:g} s.")
            except BodyTooLarge:
                return await self.refuse(send, environ, started, 413,
                                         f"The request body is longer than {limit:,} bytes.")
            environ["wsgi.input"] = BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        is_query = path == "/sparql" and is_sparql_operation(method, environ.get("QUERY_STRING", ""))
        here = is_query and self._in_loop(environ)
        counted = is_query and not here
        if counted:
            if self.pending_queries >= self.settings.max_pending_queries:
                return await self.refuse(send, environ, started, 503,
                                         "The endpoint is busy: too many queries are waiting in this "
                                         "server process. Retry in a few seconds.",
                                         close=False, retry_after="5")
            self.pending_queries += 1
        loop = asyncio.get_running_loop()
        call = Call(self.app, environ, loop, send, self.settings.send_timeout_s)
        outcome: tuple[int, list[tuple[bytes, bytes]], bytes] | None
        try:
            if here:
                outcome = call.run_whole()
            else:
                outcome = await loop.run_in_executor(self.queries if is_query else self.pages, call.run)
            if outcome is not None:  # in one piece: sent from here, the thread is free already
                status, headers, body = outcome
                await respond(send, status, headers, body)
        except ClientGone as gone:  # the response is cut: the connection closes with it
            LOG.warning("response to %s %s cut: %s", method, ops._printable(path), gone)
        except Exception:  # a bug of ours: the WSGI app answers its own errors
            LOG.exception("request %s %s failed in the front", method, ops._printable(path))
            if not call.started:
                await respond(send, 500, [(b"content-type", PLAIN)], b"Internal server error.\n")
        finally:
            if counted:
                self.pending_queries -= 1

    def _in_loop(self, environ: dict[str, Any]) -> bool:
        if self.in_loop is None:
            return False
        try:
            return self.in_loop(environ)
        except Exception:  # a bug of ours: the thread path answers as before
            LOG.exception("in-loop check of %s failed", ops._printable(environ.get("PATH_INFO", "")))
            return False

    def quick(self, path: str, method: str, environ: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]],
                                                                              bytes] | None:
        """Answers given in the loop: static files, ``/healthz``."""
        if method not in ("GET", "HEAD"):
            return None
        if path == "/healthz" and self.operations is not None:
            answer = self.operations.answer(path, method)
            assert answer is not None
            status, plain_headers, body = answer
            add_security_headers(plain_headers)
            return status, encode_headers(plain_headers), body
        if self.static is None or not path.startswith(STATIC_PREFIX):
            return None
        try:
            relative = path[len(STATIC_PREFIX):].encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        found = self.static.get(relative)
        if found is None:
            return None  # Flask answers the 404
        headers = [(b"content-type", found.content_type.encode()), (b"etag", found.etag.encode()),
                   (b"cache-control", STATIC_CACHE.encode()), (b"access-control-allow-origin", b"*"),
                   (b"x-content-type-options", b"nosniff")]
        if found.gzipped is not None:
            headers.append((b"vary", b"Accept-Encoding"))
        match = environ.get("HTTP_IF_NONE_MATCH", "")
        if match and (match.strip() == "*" or found.etag in match):
            return 304, headers, b""
        body = found.body
        if found.gzipped is not None and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            body = found.gzipped
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        return 200, headers, body

    async def refuse(self, send: Send, environ: dict[str, Any], started: float, status: int, message: str,
                     close: bool = True, retry_after: str | None = None) -> None:
        body = (message + "\n").encode("utf-8")
        headers = [("Content-Type", PLAIN.decode()), ("Content-Length", str(len(body))),
                   ("Access-Control-Allow-Origin", "*"), ("Cache-Control", "no-store")]
        if close:  # the rest of the request is not read: the connection cannot carry another
            headers.append(("Connection", "close"))
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        add_security_headers(headers)
        await respond(send, status, encode_headers(headers), body)
        ops.record(environ, status, time.perf_counter() - started, len(body), self.log_access)


def is_sparql_operation(method: str, query_string: str) -> bool:
    """Whether a request to ``/sparql`` may wait for a query executor: a POST (a query or an update in
    its body), or a GET with a ``query=`` (or ``update=``) parameter. The query page and the service
    description (a GET without one) are pages: they run on the page threads and never queue behind
    evaluations nor count towards ``max_pending_queries``."""
    if method != "GET" and method != "HEAD":
        return True
    for part in query_string.split("&"):
        key = part.partition("=")[0]
        if "%" in key or "+" in key:  # decoded as werkzeug decodes it: quer%79= is a query too
            key = unquote_plus(key, errors="replace")
        if key in ("query", "update"):
            return True
    return False


class Call:
    """One WSGI call, run on a pool thread. ``run`` returns the response when it is in one piece (the
    loop sends it); a longer body is streamed from the thread, each chunk within ``send_timeout``."""

    def __init__(self, app: Callable[..., Iterable[bytes]], environ: dict[str, Any],
                 loop: asyncio.AbstractEventLoop, send: Send, send_timeout: float) -> None:
        self.app, self.environ, self.loop = app, environ, loop
        self.send, self.send_timeout = send, send_timeout
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.started = False

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = int(status[:3])
        self.headers = encode_headers(headers)
        return self._write

    def _write(self, data: bytes) -> None:  # the legacy write() callable: not used by Flask
        raise NotImplementedError("write() is not supported: return the body")

    def run(self) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        result = self.app(self.environ, self.start_response)
        try:
            if isinstance(result, list | tuple):
                return self.status, self.headers, b"".join(result)
            chunks = iter(result)
            first = next(chunks, None)
            if first is None:
                return self.status, self.headers, b""
            second = next(chunks, None)
            if second is None:
                return self.status, self.headers, first
            self.started = True
            self._push({"type": "http.response.start", "status": self.status, "headers": self.headers})
            self._push({"type": "http.response.body", "body": first, "more_body": True})
            self._push({"type": "http.response.body", "body": second, "more_body": True})
            for chunk in chunks:
                if chunk:
                    self._push({"type": "http.response.body", "body": chunk, "more_body": True})
            self._push({"type": "http.response.body", "body": b"", "more_body": False})
            return None
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def run_whole(self) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The call in the event loop's own thread: the body joined, never streamed (a push from the
        loop's thread would wait on the loop)."""
        result = self.app(self.environ, self.start_response)
        try:
            return self.status, self.headers, b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    async def _send(self, message: dict[str, Any]) -> None:
        # Granian's send() returns an awaitable that is not a coroutine: run_coroutine_threadsafe needs one.
        await self.send(message)

    def _push(self, message: dict[str, Any]) -> None:
        future = asyncio.run_coroutine_threadsafe(self._send(message), self.loop)
        try:
            future.result(self.send_timeout)
        except TimeoutError:
            future.cancel()
            raise ClientGone(f"the client read nothing for {self.send_timeout:g} s") from None
        except Exception as err:
            raise ClientGone(f"the client went away ({type(err).__name__})") from None


class ClientGone(Exception):
    """A streamed response could not be sent: the client stopped reading, or closed the connection."""


async def read_body(receive: Receive, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        parts.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(parts)


async def respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def encode_headers(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def wsgi_environ(scope: Scope) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP scope (PEP 3333: paths and headers as latin-1 strings).

    ``PATH_INFO`` is decoded from ``raw_path`` byte for byte, so a path that is not UTF-8 stays what it
    was (web/security.py answers it 400) instead of being mended with U+FFFD."""
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw).decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": _EMPTY,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
    }
    for name, value in scope.get("headers", ()):
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        text = value.decode("latin-1")
        if key in environ:  # a repeated header: one value (cookies have their own separator)
            text = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + text
        environ[key] = text
    return environ


class _Empty(BytesIO):
    """The body of a request without one (shared: nothing can be read from it)."""

    def read(self, size: int | None = -1) -> bytes:
        return b""

    def readline(self, size: int | None = -1) -> bytes:
        return b""


_EMPTY = _Empty()
