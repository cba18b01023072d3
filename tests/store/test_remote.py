"""A remote store behind the seam (store/remote/, store/backends.py), against a real ``oxigraph serve`` on
loopback: a build is pushed to it on switch, pages and /sparql read it, its time limit and its failures are
answered as the embedded store's are, and a failed push leaves what is served unchanged."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, QuerySolutions

from culturegraph.config import PROJECT_ROOT, SettingsError, load_settings
from culturegraph.datasets import load_registry
from culturegraph.pipeline.build import build
from culturegraph.store import backends
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.store.remote.client import RemoteStoreError, RemoteSyntaxError, SparqlStoreClient
from culturegraph.store.remote.publish import RemotePublisher
from culturegraph.store.remote.reader import RemoteReader
from culturegraph.store.remote.sources import RemoteSource
from culturegraph.web.app import create_app

TOY = PROJECT_ROOT / "tests" / "fixtures" / "toy_dataset"
BASE = "https://culturegraph.example/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def remote(oxigraph_serve) -> Iterator[str]:
    """A real ``oxigraph serve`` on its in-memory storage (tests/conftest.py)."""
    with oxigraph_serve() as url:
        yield url


@pytest.fixture(scope="module")
def built(remote: str, tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("remote") / "store"
    settings = load_settings(store_home=home, store_url=remote).with_(datasets=(str(TOY),))
    registry = load_registry(settings.datasets).only(["toy"])
    result = build(settings, progress=False, registry=registry)
    return settings, registry, result


def test_the_setting_chooses_the_backend(tmp_path: Path) -> None:
    embedded = load_settings(store_home=tmp_path)
    assert type(backends.publisher(embedded)).__name__ == "OxigraphPublisher"
    remote = embedded.with_(store_url="http://127.0.0.1:7878")
    assert isinstance(backends.publisher(remote), RemotePublisher)
    assert isinstance(backends.source(remote), RemoteSource)
    with pytest.raises(SettingsError, match="store_url"):
        embedded.with_(store_url="ftp://example.org/")


def test_a_switched_build_is_what_the_remote_store_holds(built, remote: str) -> None:
    settings, _, result = built
    assert result.switched
    reader = RemoteReader(SparqlStoreClient(remote), settings.base_iri)
    assert reader.version == result.build_id
    toy = NamedNode(f"{BASE}graph/toy")
    assert reader.count(toy) == result.report["triples_per_graph"]["toy"]
    t1 = NamedNode(f"{BASE}id/jouet/T1")
    quads = list(reader.quads(t1, None, None, None))
    assert quads and all(isinstance(q, Quad) and q.subject == t1 and q.graph_name == toy for q in quads)
    assert reader.exists(t1, None, None, toy) and not reader.exists(NamedNode(f"{BASE}id/jouet/T9"))
    assert reader.dump(toy).count(b"\n") == reader.count(toy)
    # Same quads remote and local (the local build is kept for reports and the provenance index).
    local = StoreHome(settings.store_home).open_current()
    assert len(list(local.quads_for_pattern(t1, None, None, None))) == len(quads)


def test_pages_and_sparql_read_the_remote_store(built) -> None:
    settings, registry, _ = built
    client = create_app(settings, registry=registry).test_client()
    page = client.get("/doc/jouet/T1", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Le jouet" in page.get_data(as_text=True)
    count = "SELECT (COUNT(*) AS ?n) { ?s a <http://schema.org/CreativeWork> }"
    reply = client.get("/sparql", query_string={"query": count},
                       headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 200, reply.data
    assert json.loads(reply.data)["results"]["bindings"][0]["n"]["value"] == "3"
    bad = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"})
    assert bad.status_code == 400 and b"syntax" in bad.data.lower()
    graph = client.get("/sparql", query_string={"query": f"CONSTRUCT WHERE {{ <{BASE}id/jouet/T1> ?p ?o }}"},
                       headers={"Accept": "text/turtle"})
    assert graph.status_code == 200 and b"jouet:T1" in graph.data


def test_a_remote_store_that_does_not_answer_is_a_time_limit(built) -> None:
    """A listener that accepts and never replies: the endpoint answers the time limit's 503, not a hang."""
    settings, registry, _ = built
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: [held.append(silent.accept()[0]) for _ in range(16)], daemon=True).start()
    port = silent.getsockname()[1]
    reader = RemoteReader(SparqlStoreClient(f"http://127.0.0.1:{port}", timeout_s=0.5), settings.base_iri)
    reader._version, reader._checked = "fixed", float("inf")  # the version is known: only the query hangs
    from culturegraph.store.oxigraph.executor import Env, Job
    from culturegraph.store.remote.evaluator import RemoteEvaluator

    evaluator = RemoteEvaluator(reader, Env(prefixes={}, jsonld_context={}))
    started = time.monotonic()
    outcome = evaluator.run(Job("ASK {}"), 0.5)
    assert outcome.status == 503 and time.monotonic() - started < 5
    silent.close()


def test_remote_errors_name_the_request(remote: str) -> None:
    client = SparqlStoreClient(remote)
    with pytest.raises(RemoteSyntaxError):
        client.query("SELECT ?x WHERE {")
    closed = SparqlStoreClient(f"http://127.0.0.1:{_free_port()}", connect_timeout_s=1)
    with pytest.raises(RemoteStoreError, match=r"POST http://127\.0\.0\.1:\d+/query"):
        closed.query("ASK {}")


def test_a_failed_push_leaves_what_is_served_unchanged(built, tmp_path: Path) -> None:
    settings, registry, result = built
    down = settings.with_(store_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(RemoteStoreError, match="PUT"):
        build(down, progress=False, registry=registry)
    assert StoreHome(settings.store_home).version() == result.build_id
    rows = RemoteReader(SparqlStoreClient(settings.store_url), settings.base_iri).query(
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(rows, QuerySolutions) and int(next(iter(rows))["n"].value) > 0


def test_syntax_errors_get_the_short_messages_of_a_local_store(built) -> None:
    """Issue 13: the remote store's parser errors are answered as the embedded store's — an undeclared
    prefix named, and positions in the query as sent (not in the PREFIX/BASE lines put before it)."""
    settings, registry, _ = built
    client = create_app(settings, registry=registry).test_client()
    undeclared = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s nope:p ?o }"})
    assert undeclared.status_code == 400
    assert undeclared.get_data(as_text=True).startswith(
        "SPARQL syntax error at line 2, column 6: PREFIX nope: <…> is not declared"), undeclared.data
    broken = client.get("/sparql", query_string={"query": "SELECT *\nWHERE {\n  ?s ?p ?o .\n  FILTER( }"})
    text = broken.get_data(as_text=True)
    assert broken.status_code == 400 and text.startswith("SPARQL syntax error at line 4, column "), text
    assert len(text) < 400  # no grammar dump
