"""The Wikidata client (sources/fetchers/wikidata.py) against a tiny HTTP server on 127.0.0.1 that answers
what each test scripts: 429 with Retry-After (seconds, HTTP date), 5xx, a slow answer, then a SPARQL
JSON result. The server records every request (its time, User-Agent, body); the waits go through an
injected ``sleep`` that records them (and really sleeps when a test measures time)."""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.parse
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from culturegraph.sources.fetchers.client import FetchError, HttpPolicy
from culturegraph.sources.fetchers.wikidata import (
    WikidataClient,
    batch_query,
    query_digest,
    query_template,
    user_agent,
)

WD = "http://www.wikidata.org/entity/"


class Script:
    """What the server answers, in order (the last answer repeats), and what it was asked."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], float]] = []  # (status, headers, delay before)
        self.requests: list[dict[str, object]] = []
        self.lock = threading.Lock()

    def next(self) -> tuple[int, dict[str, str], float]:
        with self.lock:
            index = min(len(self.requests) - 1, len(self.answers) - 1)
            return self.answers[index] if self.answers else (200, {}, 0.0)


def _result(query: str) -> bytes:
    """A SPARQL JSON result: every id of the VALUES block held by the item Q<n> (n: the id's digits)."""
    values = query.split("VALUES ?id {", 1)[1].split("}", 1)[0]
    ids = [v.strip('"') for v in values.split()]
    rows = [{"id": {"type": "literal", "value": i},
             "item": {"type": "uri", "value": f"{WD}Q{int(''.join(c for c in i if c.isdigit()) or 1)}"}}
            for i in ids if not i.startswith("X")]  # ids starting with X: held by no item
    return json.dumps({"head": {"vars": ["id", "item", "label"]}, "results": {"bindings": rows}}).encode()


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            query = urllib.parse.parse_qs(body).get("query", [""])[0]
            with script.lock:
                script.requests.append({"at": time.monotonic(), "agent": self.headers.get("User-Agent", ""),
                                        "query": query, "type": self.headers.get("Content-Type", "")})
            status, headers, delay = script.next()
            if delay:
                time.sleep(delay)
            payload = _result(query) if status == 200 else b"busy"
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/sparql-results+json" if status == 200
                                 else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", script
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class Waits:
    """An injected sleep: records every wait; really sleeps only when ``real``."""

    def __init__(self, real: bool = False) -> None:
        self.real = real
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.real:
            time.sleep(seconds)


def client(url: str, waits: Waits, **kwargs: object) -> WikidataClient:
    policy = HttpPolicy(timeout_s=kwargs.pop("timeout_s", 5.0), attempts=kwargs.pop("attempts", 4),  # type: ignore[arg-type]
                        backoff_s=kwargs.pop("backoff_s", 0.5), sleep=waits)  # type: ignore[arg-type]
    return WikidataClient(endpoint=url, contact="mailto:curators@example.org", policy=policy,
                          min_interval_s=kwargs.pop("min_interval_s", 0.0), **kwargs)  # type: ignore[arg-type]


def test_answers_are_parsed_with_their_query_digest(server) -> None:
    url, script = server
    batches = list(client(url, Waits()).lookup("P539", ["M0003", "X0001", "M0021"]))
    assert len(batches) == 1
    batch = batches[0]
    assert batch.ids == ("M0003", "M0021", "X0001")  # sorted, deduplicated
    assert [(a.id, a.item) for a in batch.answers] == [("M0003", "Q3"), ("M0021", "Q21")]
    assert batch.query == batch_query("P539", batch.ids) == script.requests[0]["query"]
    assert batch.digest == query_digest(batch.query) and all(a.query == batch.digest for a in batch.answers)
    assert query_template("P539").replace("{values}", '"M0003" "M0021" "X0001"') == batch.query
    assert "wdt:P539 ?id" in batch.query
    assert script.requests[0]["type"].startswith("application/x-www-form-urlencoded")  # POST, a form


def test_user_agent_names_the_project_and_a_contact(server) -> None:
    url, script = server
    list(client(url, Waits()).lookup("P236", ["0395-2037"]))
    agent = script.requests[0]["agent"]
    assert agent == user_agent("mailto:curators@example.org")
    assert agent.startswith("culturegraph/") and "mailto:curators@example.org" in agent
    assert "SPARQLWrapper/" in agent


@pytest.mark.parametrize(("n", "size"), [(7, 3), (6, 3), (1, 200), (450, 200)])
def test_n_ids_make_ceil_n_over_batch_requests(server, n, size) -> None:
    url, script = server
    ids = [f"M{i:04d}" for i in range(1, n + 1)]
    batches = list(client(url, Waits(), batch_size=size).lookup("P539", ids + ids[:2]))  # duplicates
    assert len(script.requests) == len(batches) == math.ceil(n / size)
    asked = [i for r in script.requests for i in r["query"].split("VALUES ?id {")[1].split("}")[0].split()]
    assert sorted(a.strip('"') for a in asked) == ids  # each id once, in one batch
    assert max(len(b.ids) for b in batches) <= size
    assert sum(len(b.answers) for b in batches) == n


def test_retry_after_in_seconds_is_waited_for(server) -> None:
    url, script = server
    script.answers = [(429, {"Retry-After": "1"}, 0.0), (200, {}, 0.0)]
    waits = Waits(real=True)
    started = time.monotonic()
    batches = list(client(url, waits).lookup("P539", ["M0003"]))
    elapsed = time.monotonic() - started
    assert [a.item for a in batches[0].answers] == ["Q3"]
    assert len(script.requests) == 2
    assert waits.calls == [1.0]  # the server's wish, not the back-off's 0.5 s
    gap = float(script.requests[1]["at"]) - float(script.requests[0]["at"])  # type: ignore[arg-type]
    assert gap >= 0.95 and elapsed >= 0.95  # measured on both sides


def test_retry_after_as_an_http_date_is_waited_for(server) -> None:
    url, script = server
    script.answers = [(503, {"Retry-After": formatdate(time.time() + 30, usegmt=True)}, 0.0), (200, {}, 0.0)]
    waits = Waits()
    list(client(url, waits).lookup("P539", ["M0003"]))
    assert len(script.requests) == 2 and len(waits.calls) == 1
    assert 27 <= waits.calls[0] <= 31  # 30 s from the date (HTTP dates have whole seconds)


def test_backoff_is_exponential_without_retry_after(server) -> None:
    url, script = server
    script.answers = [(500, {}, 0.0), (502, {}, 0.0), (504, {}, 0.0), (200, {}, 0.0)]
    waits = Waits()
    list(client(url, waits, backoff_s=0.5).lookup("P539", ["M0003"]))
    assert waits.calls == [0.5, 1.0, 2.0] and len(script.requests) == 4


def test_gives_up_after_the_attempts_and_says_so(server) -> None:
    url, script = server
    script.answers = [(429, {}, 0.0)]
    with pytest.raises(FetchError, match=r"HTTP 429 \(gave up after 3 attempts\)"):
        list(client(url, Waits(), attempts=3).lookup("P539", ["M0003"]))
    assert len(script.requests) == 3


def test_a_retry_after_too_long_is_not_waited_for(server) -> None:
    url, script = server
    script.answers = [(429, {"Retry-After": "3600"}, 0.0)]
    waits = Waits()
    with pytest.raises(FetchError, match="retry after 3600 s"):
        list(client(url, waits).lookup("P539", ["M0003"]))
    assert waits.calls == [] and len(script.requests) == 1


def test_a_client_error_is_not_retried(server) -> None:
    url, script = server
    script.answers = [(403, {}, 0.0)]
    with pytest.raises(FetchError, match="HTTP 403"):
        list(client(url, Waits()).lookup("P539", ["M0003"]))
    assert len(script.requests) == 1


def test_a_timeout_is_retried(server) -> None:
    url, script = server
    script.answers = [(200, {}, 1.0), (200, {}, 0.0)]  # the first answer comes after the client's timeout
    waits = Waits()
    batches = list(client(url, waits, timeout_s=0.3, backoff_s=0.25).lookup("P539", ["M0003"]))
    assert [a.item for a in batches[0].answers] == ["Q3"]
    assert len(script.requests) == 2 and waits.calls == [0.25]


def test_the_rate_limit_spaces_the_requests(server) -> None:
    url, script = server
    waits = Waits(real=True)
    list(client(url, waits, batch_size=1, min_interval_s=0.3).lookup("P539", ["M0001", "M0002", "M0003"]))
    starts = [float(r["at"]) for r in script.requests]  # type: ignore[arg-type]
    assert len(starts) == 3
    assert all(b - a >= 0.28 for a, b in zip(starts, starts[1:], strict=False)), starts
    assert len(waits.calls) == 2 and all(0 < w <= 0.3 for w in waits.calls)


def test_a_quote_in_an_id_does_not_break_the_query() -> None:
    assert 'VALUES ?id { "a\\"b" "c\\\\d" }' in batch_query("P236", ['a"b', "c\\d"])
    with pytest.raises(ValueError, match="not a Wikidata property"):
        batch_query("wdt:P236", ["x"])


def test_an_item_with_two_labels_is_one_answer(server, monkeypatch) -> None:
    url, _ = server
    wd = client(url, Waits())
    rows = [{"id": "M0003", "item": WD + "Q3", "label": "un"},
            {"id": "M0003", "item": WD + "Q3", "label": "deux"},
            {"id": "M0009", "item": WD + "Q9", "label": ""}, {"id": "M0003", "item": "not-an-item"}]
    monkeypatch.setattr(wd, "select", lambda text: rows)
    batch = next(wd.lookup("P539", ["M0003"]))
    assert [(a.id, a.item, a.label) for a in batch.answers] == [("M0003", "Q3", "un")]  # M0009 not asked
