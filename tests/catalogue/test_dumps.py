"""Dumps: every file parses back to exactly the quads of its graph (or of all graphs), its manifest
entry tells its true size and SHA-256, and the same graph gives the same bytes twice."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, parse

from culturegraph.catalogue.dumps import FORMATS, WHOLE, read_manifest, write_dumps

EX = "http://example.org/cg-test/"
PREFIXES = {"ex": EX, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
RDF_FORMATS = {"nquads": RdfFormat.N_QUADS, "turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG}


@pytest.fixture(scope="module")
def store(generated_quads) -> Store:
    store = Store()
    store.bulk_extend(generated_quads(300))
    odd = NamedNode(f"{EX}graph/odd")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    # What a writer can get wrong: blank nodes, long and multi-line literals, a line that looks like a
    # directive inside a literal, quotes, non-ASCII, datatypes.
    store.extend([
        Quad(NamedNode(f"{EX}id/a"), NamedNode(f"{EX}def/part"), BlankNode("part1"), odd),
        Quad(BlankNode("part1"), label, Literal("ligne 1\n@prefix x: <y> .\n}", language="fr"), odd),
        Quad(NamedNode(f"{EX}id/a"), label, Literal('« guillemets » "doubles" \\ ' + "é" * 500), odd),
        Quad(NamedNode(f"{EX}id/a"), NamedNode(f"{EX}def/n"),
             Literal("12", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")), odd),
    ])
    return store


def graphs_of(store: Store) -> list[tuple[str, NamedNode]]:
    return sorted((g.value.rsplit("/", 1)[1], g) for g in store.named_graphs())


@pytest.fixture(scope="module")
def dumps(store, tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    return build, write_dumps(store, graphs_of(store), build, PREFIXES)


def read_back(path, fmt: str) -> set:
    with gzip.open(path, "rb") as f:
        return set(parse(f, format=RDF_FORMATS[fmt]))


def test_every_graph_and_format_is_written(store, dumps):
    build, written = dumps
    names = [n for n, _ in graphs_of(store)]
    assert {(d.name, d.format) for d in written} == {(n, f.name) for n in [*names, WHOLE] for f in FORMATS}
    assert read_manifest(build) == written


def test_each_dump_holds_exactly_its_graph(store, dumps):
    build, written = dumps
    for dump in written:
        got = read_back(build / "dumps" / dump.file, dump.format)
        if dump.graph is None:
            expected = set(store.quads_for_pattern(None, None, None, None))
        else:
            expected = set(store.quads_for_pattern(None, None, None, NamedNode(dump.graph)))
        if dump.format == "turtle":  # triples only
            expected = {q.triple for q in expected}
            got = {q.triple for q in got}
        assert got == expected, dump.file
        assert dump.statements == len(set(store.quads_for_pattern(
            None, None, None, NamedNode(dump.graph) if dump.graph else None)))


def test_manifest_tells_size_and_sha256(dumps):
    build, written = dumps
    for dump in written:
        data = (build / "dumps" / dump.file).read_bytes()
        assert dump.bytes == len(data)
        assert dump.sha256 == hashlib.sha256(data).hexdigest()


def test_same_graph_same_bytes(store, dumps, tmp_path):
    _, first = dumps
    again = write_dumps(store, graphs_of(store), tmp_path, PREFIXES)
    assert [d.sha256 for d in again] == [d.sha256 for d in first]


def test_no_temporary_file_is_left(dumps):
    build, _ = dumps
    assert sorted(p.name for p in (build / "dumps").iterdir() if p.name.startswith(".")) == []


def test_observer_sees_every_line(store, tmp_path):
    seen: dict[str, int] = {}

    def observer(name: str):
        def observe(lines: list[bytes]) -> None:
            seen[name] = seen.get(name, 0) + len(lines)
        return observe

    written = write_dumps(store, graphs_of(store), tmp_path, PREFIXES, observer=observer)
    assert seen == {d.name: d.statements for d in written if d.name != WHOLE and d.format == "nquads"}
