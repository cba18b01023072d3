"""web/front.py driven directly (ASGI messages, no server): environ, bodies, pools, static files, streams.

Over a real Granian server: test_hardening_http.py."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from culturegraph.web.front import Front, StaticFiles, wsgi_environ


def scope(path: bytes = b"/x", method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None,
          query: bytes = b"") -> dict:
    return {"type": "http", "method": method, "path": path.decode("utf-8", "replace"), "raw_path": path,
            "query_string": query, "headers": headers or [], "http_version": "1.1", "scheme": "http",
            "server": ("127.0.0.1", 8000), "client": ("10.0.0.1", 5555)}


def run(front: Front, sc: dict, messages: list[dict] | None = None, receive_delay: float | None = None,
        send_delay: float = 0.0) -> list[dict]:
    sent: list[dict] = []
    pending = list(messages or [{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> dict:
        if receive_delay is not None:
            await asyncio.sleep(receive_delay)
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body" and send_delay:
            await asyncio.sleep(send_delay)
        sent.append(message)

    asyncio.run(front(sc, receive, send))
    return sent


def status_and_body(sent: list[dict]) -> tuple[int, bytes]:
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def while_held(front: Front, held: dict, others: list[dict], release: threading.Event
               ) -> tuple[list[dict], list[list[dict]], list[float]]:
    """Start ``held`` (a request the app holds until ``release``), then send each of ``others`` in turn
    while it waits; release it. Returns the messages sent for ``held``, for each of ``others``, and how
    long each of ``others`` took."""
    async def go() -> tuple[list[dict], list[list[dict]], list[float]]:
        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def collect(box: list[dict], message: dict) -> None:
            box.append(message)

        first: list[dict] = []
        task = asyncio.create_task(front(held, receive, lambda m: collect(first, m)))
        await asyncio.sleep(0.1)
        boxes: list[list[dict]] = []
        waited: list[float] = []
        for sc in others:
            box: list[dict] = []
            started = time.monotonic()
            await front(sc, receive, lambda m, box=box: collect(box, m))
            waited.append(time.monotonic() - started)
            boxes.append(box)
        release.set()
        await task
        return first, boxes, waited

    return asyncio.run(go())


def echo_app(environ, start_response):
    body = repr((environ["PATH_INFO"], environ["QUERY_STRING"], environ.get("HTTP_X_A"),
                 environ["wsgi.input"].read(), threading.current_thread().name)).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def settings(web_settings):
    return web_settings(body_timeout_s=0.3, send_timeout_s=0.3, max_body_bytes=2048, max_pending_queries=1)


def test_environ_keeps_the_raw_path_bytes_and_joins_repeated_headers():
    environ = wsgi_environ(scope(b"/id/caf%C3%A9%FF", headers=[(b"x-a", b"1"), (b"x-a", b"2"),
                                                               (b"content-type", b"text/plain")]))
    assert environ["PATH_INFO"] == "/id/caf\xc3\xa9\xff"  # latin-1 of the bytes, as PEP 3333 says
    assert environ["HTTP_X_A"] == "1,2" and environ["CONTENT_TYPE"] == "text/plain"
    assert environ["REMOTE_ADDR"] == "10.0.0.1"


def test_bodies_are_read_before_the_app_and_pools_are_apart(settings):
    front = Front(echo_app, settings)
    sent = run(front, scope(b"/sparql", "POST", [(b"content-length", b"3")]),
               [{"type": "http.request", "body": b"abc", "more_body": False}])
    status, body = status_and_body(sent)
    assert status == 200 and b"b'abc'" in body and b"queries" in body
    status, body = status_and_body(run(front, scope(b"/doc/x", "GET")))
    assert b"pages" in body


def test_a_slow_body_is_408_and_closes_the_connection(settings):
    front = Front(echo_app, settings)
    sent = run(front, scope(b"/sparql", "POST", [(b"content-length", b"10")]), receive_delay=1.0)
    status, body = status_and_body(sent)
    assert status == 408 and b"within 0.3 s" in body
    assert (b"connection", b"close") in sent[0]["headers"]


def test_bodies_over_the_limit_are_413(settings):
    front = Front(echo_app, settings)
    assert status_and_body(run(front, scope(b"/sparql", "POST", [(b"content-length", b"99999")])))[0] == 413
    chunked = [{"type": "http.request", "body": b"x" * 1500, "more_body": True}] * 2
    sent = run(front, scope(b"/sparql", "POST", [(b"transfer-encoding", b"chunked")]), chunked)
    assert status_and_body(sent)[0] == 413


def test_a_client_that_does_not_read_a_stream_is_cut_at_the_send_timeout(settings):
    closed = threading.Event()

    class Stream:
        def __iter__(self):
            for _ in range(100):
                yield b"x" * 1000

        def close(self):
            closed.set()

    def streaming_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Stream()

    sent = run(Front(streaming_app, settings), scope(b"/sparql"), send_delay=5.0)
    assert closed.wait(2)
    assert sent[0]["status"] == 200 and len(sent) < 100  # cut: the rest is never sent


def test_static_files_are_served_from_memory_and_cannot_escape(tmp_path: Path, settings):
    root = tmp_path / "static"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.css").write_text("body { color: red }\n" * 100)
    (tmp_path / "secret.txt").write_text("no")
    files = StaticFiles(root)
    found = files.get("sub/a.css")
    assert found is not None and found.content_type == "text/css; charset=utf-8" and found.gzipped
    for bad in ("../secret.txt", "sub/../../secret.txt", ".hidden", "sub//a.css", "", "sub"):
        assert files.get(bad) is None, bad

    def never(environ, start_response):
        raise AssertionError("a static file reached the app")

    front = Front(never, settings, root)
    sent = run(front, scope(b"/static/sub/a.css", headers=[(b"accept-encoding", b"gzip")]))
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 200 and headers[b"content-encoding"] == b"gzip"
    assert headers[b"x-content-type-options"] == b"nosniff"
    again = run(front, scope(b"/static/sub/a.css", headers=[(b"if-none-match", headers[b"etag"])]))
    assert again[0]["status"] == 304


def test_queries_past_the_pending_limit_are_503_busy_at_once(settings):
    release = threading.Event()

    def slow_app(environ, start_response):
        release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    ask = b"query=ASK%7B%7D"
    first, (second,), _ = while_held(Front(slow_app, settings), scope(b"/sparql", query=ask),
                                     [scope(b"/sparql", query=ask)], release)
    assert first[0]["status"] == 200
    assert second[0]["status"] == 503 and (b"retry-after", b"5") in second[0]["headers"]


@pytest.mark.parametrize(("method", "query", "pool"), [
    ("GET", b"", "pages"), ("HEAD", b"", "pages"), ("GET", b"format=json", "pages"),
    ("GET", b"query=ASK%7B%7D", "queries"), ("GET", b"a=1&query=ASK%7B%7D", "queries"),
    ("GET", b"quer%79=ASK%7B%7D", "queries"), ("GET", b"update=x", "queries"), ("POST", b"", "queries"),
])
def test_only_sparql_operations_take_the_query_threads(settings, method, query, pool):
    """The query page and the service description (GET /sparql without a query) are pages."""
    sent = run(Front(echo_app, settings), scope(b"/sparql", method, query=query))
    assert sent[0]["status"] == 200
    if method != "HEAD":
        assert f"'{pool}_".encode() in b"".join(m.get("body", b"") for m in sent[1:])


def test_the_query_page_is_answered_while_the_query_queue_is_full(settings):
    release = threading.Event()

    def app(environ, start_response):
        if environ["QUERY_STRING"]:
            release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"page" if not environ["QUERY_STRING"] else b"result"]

    front = Front(app, settings)  # max_pending_queries=1
    first, (page,), (waited,) = while_held(front, scope(b"/sparql", query=b"query=ASK%7B%7D"),
                                           [scope(b"/sparql")], release)
    assert status_and_body(page) == (200, b"page") and waited < 1.0
    assert status_and_body(first) == (200, b"result")


def test_cache_hits_are_answered_in_the_loop_even_with_the_query_queue_full(settings):
    """A request the in_loop predicate accepts (web/sparql.FastPath.would_hit: a result-cache hit) is
    answered by the loop's own thread and never waits for, nor counts towards, the query threads."""
    release = threading.Event()

    def app(environ, start_response):
        if "slow" in environ["QUERY_STRING"]:
            release.wait(5)
        body = threading.current_thread().name.encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    front = Front(app, settings, in_loop=lambda environ: "hit" in environ["QUERY_STRING"])  # max_pending 1
    slow, (hit, miss), _ = while_held(front, scope(b"/sparql", query=b"query=slow"),
                                      [scope(b"/sparql", query=b"query=hit"),
                                       scope(b"/sparql", query=b"query=other")], release)
    assert status_and_body(hit) == (200, b"MainThread")  # asyncio.run's loop runs in this thread
    assert miss[0]["status"] == 503  # the one pending slot is the slow query's
    assert slow[0]["status"] == 200 and status_and_body(slow)[1].startswith(b"queries_")


def test_a_failing_in_loop_check_falls_back_to_the_threads(settings):
    def broken(environ):
        raise RuntimeError("bug")

    sent = run(Front(echo_app, settings, in_loop=broken), scope(b"/sparql", query=b"query=ASK%7B%7D"))
    assert sent[0]["status"] == 200 and b"'queries_" in b"".join(m.get("body", b"") for m in sent[1:])
