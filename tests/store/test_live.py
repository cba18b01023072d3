"""Live graphs (store/oxigraph/live.py): a named graph replaced from its file when the file changes, in an
in-memory store in this process and in the executor children of a real pool; a read-only store and a
damaged file leave the store's graph as it was."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyoxigraph as ox

from culturegraph.store.oxigraph.executor import Env, Job, ProcessPoolExecutor
from culturegraph.store.oxigraph.live import LiveGraph, LiveGraphs

GRAPH = "http://example.org/cg-test/graph/live"
P = "http://example.org/cg-test/def/p"


def triples(n: int, tag: str) -> bytes:
    return "".join(f"<http://example.org/cg-test/{tag}/{i}> <{P}> \"{tag}\" .\n" for i in range(n)).encode()


def write(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def quad(subject: str, value: str, graph: ox.NamedNode) -> ox.Quad:
    node = ox.NamedNode(f"http://example.org/cg-test/{subject}")
    return ox.Quad(node, ox.NamedNode(P), ox.Literal(value), graph)


def in_graph(store: ox.Store) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))}


def test_the_graph_follows_its_file(tmp_path: Path) -> None:
    store = ox.Store()
    node, other = ox.NamedNode(GRAPH), ox.NamedNode("http://example.org/cg-test/graph/build")
    store.add(quad("s", "build", node))
    store.add(quad("s", "kept", other))
    path = tmp_path / "live.nt"
    live = LiveGraphs((LiveGraph(GRAPH, str(path)),))
    assert live.apply(store, "b1") == 0 and in_graph(store) == {"build"}  # no file yet: the build's snapshot
    write(path, triples(3, "one"))
    assert live.apply(store, "b1") == 1
    assert in_graph(store) == {"one"} and len(list(store.quads_for_pattern(None, None, None, node))) == 3
    # Unchanged file: nothing is reloaded (a triple added by hand stays).
    store.add(quad("x", "hand", node))
    assert live.apply(store, "b1") == 0 and in_graph(store) == {"one", "hand"}
    write(path, triples(2, "two"))
    assert live.apply(store, "b1") == 1 and in_graph(store) == {"two"}
    # Another store (a new build's replica) gets the file applied although the file did not change.
    fresh = ox.Store()
    assert live.apply(fresh, "b2") == 1 and in_graph(fresh) == {"two"}
    # The other graphs are never touched.
    assert [q.object.value for q in store.quads_for_pattern(None, None, None, other)] == ["kept"]


def test_a_damaged_file_keeps_the_graph(tmp_path: Path, capfd) -> None:  # type: ignore[no-untyped-def]
    store, path = ox.Store(), tmp_path / "live.nt"
    live = LiveGraphs((LiveGraph(GRAPH, str(path)),))
    write(path, triples(2, "good"))
    live.apply(store, "b")
    write(path, b"<http://example.org/cg-test/s> <" + P.encode() + b"> oops .\n")
    assert live.apply(store, "b") == 0 and in_graph(store) == {"good"}
    assert "is not valid N-Triples" in capfd.readouterr().err


def test_a_read_only_store_is_left_alone(tmp_path: Path, capfd) -> None:  # type: ignore[no-untyped-def]
    disk = ox.Store(str(tmp_path / "store"))
    disk.add(ox.Quad(ox.NamedNode("http://example.org/cg-test/s"), ox.NamedNode(P), ox.Literal("build"),
                     ox.NamedNode(GRAPH)))
    disk.flush()
    del disk
    store = ox.Store.read_only(str(tmp_path / "store"))
    path = tmp_path / "live.nt"
    write(path, triples(2, "new"))
    live = LiveGraphs((LiveGraph(GRAPH, str(path)),))
    assert live.apply(store, "b") == 0 and in_graph(store) == {"build"}
    assert "cannot be written" in capfd.readouterr().err
    assert live.apply(store, "b") == 0  # said once


def test_executor_children_answer_from_the_file(tmp_path: Path, make_home, generated_quads) -> None:
    """Real children of a pool on a build on disk: once a child evaluates on its in-memory replica, a
    query sees the live file's triples, and a new file at the next query."""
    home = make_home(tmp_path / "home", generated_quads(200))
    path = tmp_path / "live.nt"
    write(path, triples(3, "one"))
    env = Env({}, {}, query_store="memory", live_graphs=(LiveGraph(GRAPH, str(path)),))
    pool = ProcessPoolExecutor(home.path, env, size=1)
    count = Job(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}",
                choices=(("solutions", "csv"),))
    try:
        deadline = time.monotonic() + 60
        outcome = pool.run(count, 30)
        while outcome.evaluated_in != "memory" and time.monotonic() < deadline:
            time.sleep(0.05)
            outcome = pool.run(count, 30)
        assert outcome.status == 200 and outcome.evaluated_in == "memory"
        assert outcome.body.split() == [b"n", b"3"]
        write(path, triples(5, "two"))
        outcome = pool.run(count, 30)
        assert outcome.body.split() == [b"n", b"5"]
    finally:
        pool.close()
