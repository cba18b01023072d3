"""The catalogue stage in real builds (tests/conftest.py ``toy_builds``: two builds of the toy dataset,
the second of changed data; and the session's build of the shipped datasets): each dump holds exactly
the quads of its graph and has the size and SHA-256 the catalogue publishes, the VoID counts are the
graphs' own, the change report counts what changed, the catalogue lists every dataset of the registry
and has no Violation."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter

import pytest
from pyoxigraph import BlankNode, NamedNode, Quad, RdfFormat, Store, parse

from culturegraph.catalogue import changes
from culturegraph.catalogue.dumps import FORMATS, WHOLE, dumps_dir, read_manifest
from culturegraph.catalogue.stage import read_catalogue
from culturegraph.datasets import load_registry
from culturegraph.store.oxigraph.home import StoreHome

BASE = "https://culturegraph.example/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
EU_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
CATALOGUE_GRAPH = NamedNode(BASE + "graph/catalogue")
RDF_FORMATS = {"nquads": RdfFormat.N_QUADS, "turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG}


def served(settings) -> Store:
    return StoreHome(settings.store_home).open_current()


def masked(quads) -> Counter:
    """Quads with blank nodes blanked out (their labels differ from one parse to the next), as a
    multiset: equal for two graphs that are the same but for the labels."""
    def term(t):
        return "_:" if isinstance(t, BlankNode) else str(t)
    return Counter((term(q.subject), str(q.predicate), term(q.object), str(q.graph_name)) for q in quads)


def dump_quads(path, fmt, graph: NamedNode | None) -> list[Quad]:
    with gzip.open(path, "rb") as f:
        data = f.read()
    parsed = list(parse(data, format=RDF_FORMATS[fmt]))
    if fmt == "turtle" and graph is not None:  # triples: in the graph the dump is of
        parsed = [Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
    return parsed


def catalogue_values(build, subject: str, predicate: str) -> list[str]:
    return [t.object.value for t in read_catalogue(build) or []
            if t.subject.value == subject and t.predicate.value == predicate]


# dumps -------------------------------------------------------------------------------------------------

def test_each_dump_loads_into_a_fresh_store_as_exactly_the_quads_of_its_graph(toy_builds):
    settings, _, _, second = toy_builds
    store = served(settings)
    dumps = read_manifest(second.directory)
    names = {d.name for d in dumps} - {WHOLE}
    assert names == {"toy", "vocabulaires", "provenance", "liens"}  # every graph but the catalogue
    for dump in dumps:
        graph = NamedNode(dump.graph) if dump.graph else None
        fresh = Store()
        fresh.extend(dump_quads(dumps_dir(second.directory) / dump.file, dump.format, graph))
        if graph is not None:
            expected = list(store.quads_for_pattern(None, None, None, graph))
        else:
            expected = [q for q in store if q.graph_name != CATALOGUE_GRAPH]
        assert dump.statements == len(expected)
        if dump.format == "turtle" and graph is None:
            # The whole graph's Turtle: the triples of every graph, in the default graph (a triple in
            # two graphs is one triple there).
            triples = {Quad(q.subject, q.predicate, q.object) for q in expected}
            assert masked(fresh) == masked(triples)
            continue
        assert masked(fresh) == masked(expected), dump.file
        assert len(fresh) == len(expected)


def test_size_and_sha256_of_each_dump_are_those_the_catalogue_publishes(toy_builds):
    _, _, _, second = toy_builds
    for dump in read_manifest(second.directory):
        content = (dumps_dir(second.directory) / dump.file).read_bytes()
        distribution = f"{BASE}data/{dump.name}/distribution/{dump.format}"
        assert catalogue_values(second.directory, distribution, DCAT + "downloadURL") == [
            f"{BASE}dumps/{dump.file}"]
        assert catalogue_values(second.directory, distribution, DCAT + "byteSize") == [str(len(content))]
        (checksum,) = catalogue_values(second.directory, distribution, SPDX + "checksum")
        assert catalogue_values(second.directory, checksum, SPDX + "checksumValue") == [
            hashlib.sha256(content).hexdigest()]


def test_the_same_data_gives_the_same_dump_bytes(toy_builds):
    """The gzip headers hold no time: an unchanged graph keeps its checksum (and ETag) across builds."""
    _, _, first, second = toy_builds
    before = {d.file: d.sha256 for d in read_manifest(first.directory)}
    after = {d.file: d.sha256 for d in read_manifest(second.directory)}
    for fmt in FORMATS:
        assert before[f"vocabulaires.{fmt.suffix}"] == after[f"vocabulaires.{fmt.suffix}"]
        assert before[f"toy.{fmt.suffix}"] != after[f"toy.{fmt.suffix}"]


def test_a_failed_build_leaves_the_served_dumps_and_catalogue_alone(toy_builds):
    from culturegraph.pipeline.build import BuildError, build

    settings, registry, _, second = toy_builds
    before = {p.name: p.read_bytes() for p in dumps_dir(second.directory).iterdir()}
    catalogue = (second.directory / "catalogue.nt").read_bytes()
    with pytest.raises(BuildError):
        build(settings, progress=False, registry=registry, fail_after="validate")
    assert StoreHome(settings.store_home).current_build() == second.directory
    assert {p.name: p.read_bytes() for p in dumps_dir(second.directory).iterdir()} == before
    assert (second.directory / "catalogue.nt").read_bytes() == catalogue


# VoID ------------------------------------------------------------------------------------------------

COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s a ?c }} }}",
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} FILTER isIRI(?s) }}",
}


def check_void(directory, store: Store, names) -> None:
    for name in names:
        dataset = f"{BASE}data/{name}"
        for figure, query in COUNTS.items():
            (row,) = store.query(query.format(g=f"{BASE}graph/{name}"))
            assert catalogue_values(directory, dataset, VOID + figure) == [row["n"].value], (name, figure)


def test_void_counts_are_select_count_on_each_graph(toy_builds):
    settings, _, _, second = toy_builds
    check_void(second.directory, served(settings), ["toy", "vocabulaires", "provenance"])


# the change report -------------------------------------------------------------------------------------

def test_two_builds_of_different_data_give_the_right_change_report(toy_builds):
    settings, _, first, second = toy_builds
    report = json.loads((second.directory / changes.REPORT).read_text(encoding="utf-8"))
    assert report["build"] == second.build_id and report["previous"] == first.build_id
    toy = next(g for g in report["graphs"] if g["name"] == "toy")
    # 5 triples per toy with a title (type, identifier, label, name, date), 4 without (T3).
    # T1 vanished (−5), T2 retitled (label and name: −2 +2), T4 and T5 appeared (+10).
    assert (toy["triples_before"], toy["triples_after"]) == (14, 19)
    assert (toy["added"], toy["removed"]) == (12, 7)
    assert toy["appeared_examples"] == [f"{BASE}id/jouet/T4", f"{BASE}id/jouet/T5"]
    assert toy["vanished_examples"] == [f"{BASE}id/jouet/T1"]
    vocabularies = next(g for g in report["graphs"] if g["name"] == "vocabulaires")
    assert (vocabularies["added"], vocabularies["removed"]) == (0, 0)
    figures = {f["figure"]: (f["before"], f["after"]) for f in report["figures"] if f["graph"] == "toy"}
    assert figures["triples"] == (14, 19) and figures["entities"] == (3, 4)
    # The first build's report joined the history when the second one was made (it was served); the
    # second's joins it when a later build starts (the failed build's test may have run first).
    assert [r["build"] for r in changes.history(settings.store_home)][-1] == first.build_id
    first_report = json.loads((first.directory / changes.REPORT).read_text(encoding="utf-8"))
    assert first_report["previous"] is None
    assert next(g for g in first_report["graphs"] if g["name"] == "toy")["added"] == 14


# the shipped datasets ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_catalogue_of_the_shipped_build_lists_every_dataset_and_has_no_violation(settings, built):
    directory = built.directory
    datasets = set(catalogue_values(directory, BASE + "catalogue", DCAT + "dataset"))
    registry = load_registry(settings.datasets)
    assert {f"{BASE}data/{spec.name}" for spec in registry} <= datasets
    assert {f"{BASE}data/{n}" for n in ("vocabulaires", "provenance", WHOLE)} <= datasets
    for spec in registry:
        dataset = f"{BASE}data/{spec.name}"
        assert catalogue_values(directory, dataset, "http://purl.org/dc/terms/identifier") == [dataset]
        titles = {t.object.language: t.object.value for t in read_catalogue(directory) or []
                  if t.subject.value == dataset and t.predicate.value == "http://purl.org/dc/terms/title"}
        assert titles == dict(spec.title)
        formats = {d.rsplit("/", 1)[1] for d in catalogue_values(directory, dataset, DCAT + "distribution")}
        assert formats == {"nquads", "turtle", "trig", "sparql"}
        themes = catalogue_values(directory, dataset, DCAT + "theme")  # EU data themes, for every dataset
        assert themes and all(t.startswith(EU_THEMES) for t in themes), (spec.name, themes)
    summary = json.loads((directory / "validation.json").read_text(encoding="utf-8"))["summary"]
    assert summary["per_dataset"]["catalogue"]["Violation"] == 0
    assert built.switched


@pytest.mark.slow
def test_void_counts_of_the_shipped_build(settings, built, graph):
    check_void(built.directory, graph, [spec.name for spec in load_registry(settings.datasets)])


@pytest.mark.slow
def test_external_linksets_of_the_shipped_build_are_the_links_its_graphs_hold(built, graph):
    """A void:Linkset for each (graph, predicate, external dataset) that has links, and none for those
    without: its void:triples is the SPARQL count of that graph's triples with that predicate whose object
    is an IRI of that dataset (the build counts them on the dump, with a regular expression). Each target
    is described, with its uriSpaces."""
    from culturegraph.catalogue.void import TARGETS

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    values: dict[tuple[str, str], list[str]] = {}
    for t in read_catalogue(built.directory) or []:
        values.setdefault((t.subject.value, t.predicate.value), []).append(t.object.value)
    external = BASE + "data/externe/"
    published = {}
    for (subject, predicate), objects in values.items():
        if predicate != rdf_type or VOID + "Linkset" not in objects:
            continue
        (target,) = values[(subject, VOID + "objectsTarget")]
        if target.startswith(external):
            (dataset,) = values[(subject, VOID + "subjectsTarget")]
            (link,) = values[(subject, VOID + "linkPredicate")]
            (triples,) = values[(subject, VOID + "triples")]
            key = (dataset.removeprefix(BASE + "data/"), link, target.removeprefix(external))
            published[key] = int(triples)

    owner = {ns: t.key for t in TARGETS for ns in t.namespaces}
    counted: Counter = Counter()
    query = f"""SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(isIRI(?o) && ?p != <{rdf_type}> && !STRSTARTS(STR(?o), "{BASE}")) }}"""
    for row in graph.query(query):
        name = row["g"].value.removeprefix(BASE + "graph/")
        key = next((k for ns, k in owner.items() if row["o"].value.startswith(ns)), None)
        if key is not None and name != "catalogue":  # the catalogue describes links, it is not a source
            counted[(name, row["p"].value, key)] += 1
    assert published == dict(counted)
    # The communes, départements and régions link to Wikidata through the shipped crosswalk.
    assert published[("geographie", "http://schema.org/sameAs", "wikidata")] > 30_000
    for key in {k for _, _, k in published}:
        target = next(t for t in TARGETS if t.key == key)
        assert VOID + "Dataset" in values[(external + key, rdf_type)]
        assert sorted(values[(external + key, VOID + "uriSpace")]) == sorted(target.namespaces)
