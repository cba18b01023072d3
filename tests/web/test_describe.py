"""web/describe.py: the inverse links read by pattern (issue 9's speed work) and the per-build labels."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.store.oxigraph.reader import OxigraphReader
from culturegraph.web import describe
from culturegraph.web.describe import PAGE_SIZE, Describer

EX = "http://example.org/t/"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def store_with_inverse_links(n: int) -> Store:
    store = Store()
    target = NamedNode(EX + "id/target")
    store.extend(Quad(NamedNode(f"{EX}id/s{i}"), NamedNode(f"{EX}def/p{i % 3}"), target,
                      NamedNode(f"{EX}graph/g{i % 2}")) for i in range(n))
    store.add(Quad(target, LABEL, Literal("cible", language="fr"), NamedNode(EX + "graph/g0")))
    return store


def test_inverse_pages_are_the_distinct_subject_predicate_graph_of_sparql():
    store = store_with_inverse_links(2 * PAGE_SIZE + 7)
    target = NamedNode(EX + "id/target")
    describer = Describer(OxigraphReader(store, "20990101T000000Z-a"), EX)
    seen = []
    for page in (1, 2, 3):
        quads, total = describer.inverse_page(target, page)
        assert total == 2 * PAGE_SIZE + 7
        seen += [(q.subject, q.predicate, q.graph_name) for q in quads]
    expected = {(r["s"], r["p"], r["g"]) for r in store.query(
        f"SELECT DISTINCT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p <{target.value}> }} }}")}
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == expected
    assert describer.inverse_page(target, 4)[0] == []


def test_labels_are_memoised_per_build_and_dropped_with_it():
    store = store_with_inverse_links(3)
    target = NamedNode(EX + "id/target")
    first = Describer(OxigraphReader(store, "20990101T000000Z-a"), EX)
    assert first.label(target) == "cible"
    store.remove(next(store.quads_for_pattern(target, LABEL, None, None)))
    assert first.label(target) == "cible"  # the same build: memoised
    assert Describer(OxigraphReader(store, "20990101T000001Z-b"), EX).label(target) is None  # a new build
    fixed = Describer(OxigraphReader(store, "fixed"), EX)  # stores handed in by tests: never memoised
    store.add(Quad(target, LABEL, Literal("autre"), NamedNode(EX + "graph/g0")))
    assert fixed.label(target) == "autre"
    assert describe.LABELS.max_entries >= 100_000
