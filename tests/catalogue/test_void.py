"""VoID figures equal the plain SPARQL counts on each graph; linksets count the links to each target."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from culturegraph.catalogue.dumps import write_dumps
from culturegraph.catalogue.void import Target, external_links, graph_statistics, internal_links

EX = "http://example.org/cg-test/"
SAME_AS = NamedNode("http://schema.org/sameAs")
RELATION = NamedNode("http://purl.org/dc/terms/relation")
A = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TARGETS = (Target("wikidata", "Wikidata", "https://www.wikidata.org/", ("http://www.wikidata.org/entity/",)),
           Target("pop", "POP", "https://pop.culture.gouv.fr/", ("https://pop.culture.gouv.fr/notice/",)))


@pytest.fixture(scope="module")
def store(generated_quads) -> Store:
    store = Store()
    store.bulk_extend(generated_quads(200))
    things, links = NamedNode(f"{EX}graph/things"), NamedNode(f"{EX}graph/liens")
    places = NamedNode(f"{EX}graph/places")
    quads = []
    for i in range(30):
        thing = NamedNode(f"{EX}id/thing/{i}")
        quads.append(Quad(thing, SAME_AS, NamedNode(f"http://www.wikidata.org/entity/Q{i}"), things))
        if i % 3 == 0:
            quads.append(Quad(thing, RELATION, NamedNode(f"https://pop.culture.gouv.fr/notice/merimee/PA{i}"),
                              things))
            quads.append(Quad(thing, SAME_AS, NamedNode(f"https://pop.culture.gouv.fr/notice/museo/M{i}"),
                              things))
        place = NamedNode(f"{EX}id/place/{i}")
        quads.append(Quad(place, A, NamedNode(f"{EX}def/Place"), places))
        if i % 2 == 0:
            quads.append(Quad(thing, NamedNode(f"{EX}def/at"), place, links))
    # Not links: a literal that looks like an IRI, a blank-node subject, an IRI in the subject position.
    quads.append(Quad(NamedNode(f"{EX}id/thing/1"), NamedNode(f"{EX}def/note"),
                      Literal("http://www.wikidata.org/entity/Q1"), things))
    quads.append(Quad(BlankNode("b"), SAME_AS, NamedNode("http://www.wikidata.org/entity/Q99"), things))
    quads.append(Quad(NamedNode("http://www.wikidata.org/entity/Q5"), SAME_AS, NamedNode(f"{EX}id/x"),
                      things))
    store.extend(quads)
    return store


def count(store: Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


@pytest.mark.parametrize("name", ["things", "labels", "links", "places", "liens"])
def test_figures_equal_sparql_counts(store, name):
    g = f"<{EX}graph/{name}>"
    stats = graph_statistics(store, name, f"{EX}graph/{name}")
    assert stats.triples == count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
    assert stats.distinct_subjects == count(
        store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
    assert stats.distinct_objects == count(
        store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
    assert stats.properties == count(
        store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
    assert stats.classes == count(
        store, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH {g} {{ ?s a ?c }} }}")
    assert stats.entities == count(
        store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o FILTER isIRI(?s) }} }}")
    assert sum(stats.property_partition.values()) == stats.triples
    for cls, n in stats.class_partition.items():
        assert n == count(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s a <{cls}> }} }}")
    for example in stats.examples:
        assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ <{example}> ?p ?o }} }}") > 0


def test_things_figures_by_hand(store):
    stats = graph_statistics(store, "things", f"{EX}graph/things")
    # generated_quads: 4 triples per subject in "things"; + 30 + 10 + 10 links, 1 note, 2 odd ones.
    assert stats.triples == 200 * 4 + 30 + 10 + 10 + 1 + 2
    assert stats.entities == 201  # the 200 things and the Wikidata subject; not the blank node
    assert stats.distinct_subjects == 202


def test_external_links_counted_on_the_dump(store, tmp_path):
    graphs = [(n, NamedNode(f"{EX}graph/{n}")) for n in ("things", "labels", "liens")]
    write_dumps(store, graphs, tmp_path, {})
    links = external_links(tmp_path / "dumps" / "things.nq.gz", TARGETS)
    assert links == {("http://schema.org/sameAs", "wikidata"): 31, ("http://schema.org/sameAs", "pop"): 10,
                     ("http://purl.org/dc/terms/relation", "pop"): 10}
    for (predicate, key), n in links.items():
        ns = next(t for t in TARGETS if t.key == key).namespaces[0]
        assert n == count(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}graph/things> {{
            ?s <{predicate}> ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{ns}")) }} }}""")
    assert external_links(tmp_path / "dumps" / "labels.nq.gz", TARGETS) == {}


def test_internal_links_by_graph_of_each_end(store):
    names = {f"{EX}graph/{n}": n for n in ("things", "places", "liens", "labels")}
    assert internal_links(store, f"{EX}graph/liens", names) == {(f"{EX}def/at", "things", "places"): 15}
