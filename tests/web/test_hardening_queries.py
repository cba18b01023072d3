"""Issue 9, the query side, against the REAL server (``culturegraph serve --production``, 127.0.0.1).

Each finding of the issue that concerns queries is reproduced and must hold:

* 2, 3 — SERVICE: refused (400) before evaluation in every shape, a loopback listener never gets a
  connection, our own endpoint included; with an allow-list, a listed endpoint's failure is a 502 that
  does not echo its reply, its silence a 504, and an unlisted one is never called;
* 4 — a cartesian ``ORDER BY`` stops at the executor's memory limit (503, "more memory than the limit
  allows"), results past the size cap are refused (422, never truncated; the cap is in a header);
* 5 — the queries that crashed pyoxigraph (nesting, size) are refused (400 naming the limit), the
  mixed-type ``ORDER BY`` that aborts it is answered 422 and logged with the query's hash;
* 6 — after each of these, and after four ``timeout=0.01`` queries (raised to the floor), the server
  answers ``ASK {}`` and fresh lookups within 1 s (replacing an executor is a fork);
* fairness — 429 with ``Retry-After`` past a client's budget of queries at once and of query-seconds;
* 9 — JSON-LD of triple terms is a 406, not a 500.

Clients are told apart by ``X-Forwarded-For`` (127.0.0.1 is a trusted proxy here): each request gets an
address of its own unless a test means to spend one client's budget.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.message import Message

import pytest

LIMIT = 5.0
BASE = "https://culturegraph.example/"
RUNAWAY = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = CONCAT(STR(?f), "x")) }'
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
MIXED_ORDER_BY = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?x WHERE { VALUES ?x { "2011"^^xsd:gYear "2016-01-01T00:00:00"^^xsd:dateTime "2027-01-01"^^xsd:date
  "2011"^^xsd:gYear "2016-01-01T00:00:00"^^xsd:dateTime "2027-01-01"^^xsd:date 1 "a" 2 19 "2012"^^xsd:gYear
  "2012-05-01"^^xsd:date "2012-05-01T00:00:00Z"^^xsd:dateTime 3 "b" 7 "1999"^^xsd:gYear
  "2000-01-01T00:00:00"^^xsd:dateTime "2000-01-01"^^xsd:date 11 13 } } ORDER BY ?x"""
ENV = {
    "CULTUREGRAPH_QUERY_MEMORY_MB": "160",
    "CULTUREGRAPH_MAX_RESULT_BYTES": "200000",
    "CULTUREGRAPH_TRUSTED_PROXIES": "127.0.0.1",
    "CULTUREGRAPH_CLIENT_MAX_QUERIES": "2",
    "CULTUREGRAPH_CLIENT_QUERY_SECONDS": "4",
}
_clients = itertools.count(1)


def fresh_client() -> str:
    n = next(_clients)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def fetch(url: str, query: str, accept: str = "application/sparql-results+json", client: str | None = None,
          post: bool = False, **params: str) -> tuple[int, Message, str, float]:
    """(status, headers, body, seconds); POST sends the query as the body (application/sparql-query)."""
    headers = {"Accept": accept, "X-Forwarded-For": client or fresh_client()}
    if post:
        target = url + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(target, data=query.encode(), method="POST",
                                         headers={**headers, "Content-Type": "application/sparql-query"})
    else:
        request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query, **params}),
                                         headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode(), time.monotonic() - started


_asks = itertools.count()


def assert_responsive(server, within: float = 1.0) -> None:
    """The server answers a query it has never seen (no cache) within ``within`` seconds."""
    status, _, body, elapsed = fetch(server.sparql, f"ASK {{}} # responsive {next(_asks)}")
    assert status == 200, body
    assert elapsed < within, f"ASK {{}} took {elapsed:.2f} s"


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and answers each with ``reply`` after
    ``delay`` seconds (``None``: never answers)."""

    def __init__(self, reply: bytes | None = b"", delay: float = 0.0) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.reply, self.delay = reply, delay
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            try:
                conn.recv(65536)
                time.sleep(self.delay)
                if self.reply is None:
                    time.sleep(30)
                else:
                    conn.sendall(self.reply)
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


SECRET = b"UPSTREAM-SECRET-BODY " * 50
FAILING = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: "
           + str(len(SECRET)).encode() + b"\r\nConnection: close\r\n\r\n" + SECRET)


def service_shapes(target: str, own: str) -> dict[str, str]:
    """Every way of writing SERVICE toward ``target`` (and our own endpoint ``own``) we know of."""
    host, path = target.rsplit("/", 1)
    escaped = target.replace("127.0.0.1", "127.0.0.\\u0031")
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        "lower case, no spaces": f"select*{{service<{target}>{{?s ?p ?o}}}}",
        "comment between": f"SELECT * WHERE {{ SERVICE # x\n <{target}> {{ ?s ?p ?o }} }}",
        "escaped IRI": f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX e: <{host}/> SELECT * WHERE {{ SERVICE e:{path} {{ ?s ?p ?o }} }}",
        "empty prefix glued": f"PREFIX : <{host}/> SELECT * WHERE {{ SERVICE:{path} {{ ?s ?p ?o }} }}",
        "BASE relative": f"BASE <{host}/> SELECT * WHERE {{ SERVICE <{path}> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "OPTIONAL": f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "UNION": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "MINUS": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "EXISTS": f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "sub-query": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        "nested": f"SELECT * WHERE {{ SERVICE <{target}> {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "own endpoint": f"SELECT * WHERE {{ SERVICE <{own}> {{ ?s ?p ?o }} }}",
        "own endpoint, relative": "SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
        "own endpoint, 5 levels": "SELECT * WHERE " + f"{{ SERVICE <{own}> " * 5 + "{ ?s ?p ?o }" + " }" * 5,
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory, make_home, generated_quads):
    return make_home(tmp_path_factory.mktemp("hardening") / "home", generated_quads(1000))


@pytest.fixture(scope="module")
def server(live_server, home):
    server = live_server(home, timeout=LIMIT, extra_env=ENV)
    for _ in range(6):
        assert_responsive(server, within=30)
    return server


# SERVICE ------------------------------------------------------------------------------------------

def test_service_never_connects(server) -> None:
    listener = Listener(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    try:
        for name, query in service_shapes(listener.url, server.sparql).items():
            status, _, body, _ = fetch(server.sparql, query, post=True)
            assert status == 400, (name, status, body)
            assert "SERVICE" in body, (name, body)
        time.sleep(0.5)
        assert listener.accepted == 0
    finally:
        listener.close()
    assert_responsive(server)


def test_no_other_request_makes_the_server_connect(server) -> None:
    """Beyond SERVICE: a dataset named by the query (FROM, FROM NAMED) or by the protocol's parameters,
    an update that would LOAD, a remark or annotation naming the listener, the Host and Referer
    headers: the loopback listener gets no connection (a dataset IRI names a graph of ours, never a
    document to fetch)."""
    listener = Listener(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    url, host = listener.url, f"127.0.0.1:{listener.port}"
    try:
        for query, params in ((f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", {}),
                              (f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
                              (f"ASK FROM <{url}> {{ ?s ?p ?o }}", {}),
                              ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"default-graph-uri": url}),
                              ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", {"named-graph-uri": url}),
                              (f"SELECT * WHERE {{ BIND(IRI(\"{url}\") AS ?x) }}", {})):
            status, _, body, _ = fetch(server.sparql, query, **params)
            assert status in (200, 400), (query, params, status, body)
        for update in (f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <{url}>"):
            form = urllib.parse.urlencode({"update": update}).encode()
            request = urllib.request.Request(server.sparql, data=form,
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            try:
                urllib.request.urlopen(request, timeout=30).close()
                raise AssertionError(f"{update} was accepted")
            except urllib.error.HTTPError as err:
                assert 400 <= err.code < 500, (update, err.code)
        base = server.sparql.rsplit("/", 1)[0]
        annotation = ('{"@context": "' + url + '", "type": "Annotation", "target": "' + url + '",'
                      ' "body": {"type": "TextualBody", "value": "x"}}').encode()
        for path, data, kind in (("/annotations/", annotation, 'application/ld+json; profile="' + url + '"'),
                                 (f"/remarques/signaler?cible={urllib.parse.quote(url)}", None, None)):
            headers = {"Host": host, "Referer": url, "X-Forwarded-For": fresh_client()}
            if kind:
                headers["Content-Type"] = kind
            request = urllib.request.Request(base + path, data=data, headers=headers)
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=30).close()
        time.sleep(0.5)
        assert listener.accepted == 0
    finally:
        listener.close()
    assert_responsive(server)


def test_service_description_announces_the_limits(server) -> None:
    request = urllib.request.Request(server.sparql, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        description = response.read().decode()
    assert "BasicFederatedQuery" not in description
    assert "SERVICE (federated query) is refused" in description
    kgo = BASE + "def/culture/"
    assert f'<{kgo}maxResultSize> "200000"' in description
    assert f"<{kgo}queryMemoryLimit>" in description and f"<{kgo}clientQueryConcurrency>" in description


@pytest.fixture(scope="module")
def upstreams():
    failing, silent, unlisted = Listener(FAILING), Listener(None), Listener(FAILING)
    yield failing, silent, unlisted
    for listener in (failing, silent, unlisted):
        listener.close()


@pytest.fixture(scope="module")
def federated(live_server, home, upstreams):
    failing, silent, _ = upstreams
    env = {"CULTUREGRAPH_SERVICE_ALLOWLIST": f"{failing.url} {silent.url}"}
    server = live_server(home, timeout=LIMIT, extra_env=env)
    assert_responsive(server, within=30)
    return server


def test_an_allow_listed_endpoint_fails_with_a_502_that_echoes_nothing(federated, upstreams) -> None:
    failing, silent, unlisted = upstreams
    call = "SELECT * WHERE {{ SERVICE <{}> {{ ?s ?p ?o }} }}"
    status, _, body, _ = fetch(federated.sparql, call.format(failing.url))
    assert status == 502, body
    assert "UPSTREAM-SECRET" not in body and failing.url in body
    assert failing.accepted >= 1
    # a listed endpoint that never answers: 504 at the time limit (timeout= 1 s here)
    status, _, body, elapsed = fetch(federated.sparql, call.format(silent.url), timeout="1")
    assert status == 504, body
    assert elapsed < LIMIT
    # anything else is still refused, and never called
    for name, query in service_shapes(unlisted.url, federated.sparql).items():
        status, _, body, _ = fetch(federated.sparql, query, post=True)
        assert status == 400, (name, body)
    time.sleep(0.5)
    assert unlisted.accepted == 0
    assert_responsive(federated)
    request = urllib.request.Request(federated.sparql, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        description = response.read().decode()
    assert "BasicFederatedQuery" in description and f"<{failing.url}>" in description


# crashes, memory, size ------------------------------------------------------------------------------

CRASHERS = {
    "5,000 nested groups": ("SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000, "query_max_depth"),
    "10,000 parentheses in a FILTER": (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }", "query_max_depth"),
    "5,000 nested sub-SELECTs": (
        "SELECT * WHERE " + "{ SELECT * WHERE " * 5000 + "{ ?s ?p ?o }" + "}" * 5000, "query_max_depth"),
    "1+1+… of 100k terms": ("SELECT * WHERE { BIND(" + "+".join(["1"] * 100_000) + " AS ?x) }",
                            "query_max_nodes"),
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_queries_that_would_crash_the_engine_never_reach_it(server, name) -> None:
    query, limit = CRASHERS[name]
    status, _, body, _ = fetch(server.sparql, query, post=True)
    assert status == 400, body
    assert limit in body
    assert_responsive(server)


def test_a_mixed_type_order_by_is_answered_422_and_logged(server) -> None:
    status, _, body, _ = fetch(server.sparql, MIXED_ORDER_BY)
    assert status == 422, body
    assert "ORDER BY" in body and "may have run out of memory" not in body
    assert_responsive(server)
    digest = hashlib.blake2b(MIXED_ORDER_BY.encode(), digest_size=8).hexdigest()
    deadline = time.monotonic() + 5
    while digest not in server.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    crashed = [line for line in server.log().splitlines() if digest in line]
    assert crashed and "crashed" in crashed[0] and "total order" in crashed[0], server.log()[-2000:]


def test_a_cartesian_order_by_stops_at_the_memory_limit(server) -> None:
    status, headers, body, elapsed = fetch(server.sparql, CARTESIAN)
    assert status == 503, body
    assert "the query used more memory than the limit allows" in body
    assert elapsed < LIMIT, "stopped by the time limit, not the memory limit"
    assert "Retry-After" not in headers
    assert_responsive(server)


def test_a_result_past_the_size_cap_is_refused_never_truncated(server) -> None:
    status, headers, body, _ = fetch(server.sparql, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 422, body[:200]
    assert "200,000 bytes" in body
    assert headers["X-Result-Size-Limit"] == "200000"
    status, headers, body, _ = fetch(server.sparql, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert status == 200 and headers["X-Result-Size-Limit"] == "200000"
    assert_responsive(server)


def test_jsonld_of_triple_terms_is_not_acceptable(server) -> None:
    query = "CONSTRUCT { ?s ?p <<( ?s ?p ?o )>> } WHERE { ?s ?p ?o } LIMIT 3"
    status, _, body, _ = fetch(server.sparql, query, accept="application/ld+json")
    assert status == 406, body
    assert "text/turtle" in body
    assert fetch(server.sparql, query, accept="text/turtle")[0] == 200


# recovery and fairness ------------------------------------------------------------------------------

def test_four_tiny_timeouts_leave_lookups_answering(server) -> None:
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: fetch(server.sparql, f"{RUNAWAY} # tiny {i}", timeout="0.01"),
                                range(4)))
    # 2 executors per worker, 2 workers: when Granian hands 3 of the 4 to one worker, the third waits for an
    # executor for its 1 s and is refused as busy (503 with Retry-After); the others hit the time limit.
    limited = 0
    for status, headers, body, _ in answers:
        assert status == 503, body
        if "time limit of 1 s" in body:  # timeout=0.01 raised to the floor
            assert "Retry-After" not in headers
            limited += 1
        else:
            assert "executors stayed busy for 1 s" in body and "Retry-After" in headers, body
    assert limited >= 2
    for i in range(12):
        status, _, body, elapsed = fetch(server.sparql, f"SELECT ?p ?o WHERE {{ <http://example.org/cg-test/"
                                                        f"id/thing/{i}> ?p ?o }}")
        assert status == 200, body
        assert elapsed < 1.0, f"lookup {i} took {elapsed:.2f} s"


def test_a_client_past_its_budget_gets_429(server) -> None:
    greedy = fresh_client()
    # queries at once: 2 per worker process (2 workers): of 8 at once, some are refused
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: fetch(server.sparql, f"{RUNAWAY} # at once {i}", client=greedy,
                                                timeout="1.5"), range(8)))
    refused = [headers for status, headers, _, _ in answers if status == 429]
    assert refused, [a[0] for a in answers]
    assert all(int(headers["Retry-After"]) >= 1 for headers in refused)
    # query-seconds: 4 s per minute and per worker; 1 s queries run out of it within 10 queries
    spender = fresh_client()
    for i in range(12):
        status, headers, body, _ = fetch(server.sparql, f"{RUNAWAY} # spend {i}", client=spender, timeout="1")
        if status == 429:
            assert "per minute" in body and int(headers["Retry-After"]) >= 1
            break
        assert status == 503, body
    else:
        pytest.fail("no 429 after 12 s of queries with a budget of 4 s per minute")
    # another client is not affected
    assert_responsive(server)
