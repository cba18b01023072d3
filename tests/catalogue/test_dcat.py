"""The DCAT-AP catalogue: every dataset it is given is a dcat:Dataset with its distributions, the
figures it publishes are the dumps' and the statistics', and it has no Violation against our shapes nor
against SEMIC's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.catalogue.dcat import Entry, catalogue_triples
from culturegraph.catalogue.dumps import write_dumps
from culturegraph.catalogue.void import graph_statistics
from culturegraph.config import Settings
from culturegraph.datasets import Catalogue
from culturegraph.validation.catalogue import data_graph, is_semic, shapes_graph
from culturegraph.validation.shacl import validate_graph

BASE = "https://culturegraph.example/"
DCAT = "http://www.w3.org/ns/dcat#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPDX = "http://spdx.org/rdf/terms#"
NAMES = ("things", "labels", "links")


@pytest.fixture(scope="module")
def catalogue(generated_quads, tmp_path_factory):
    store = Store()
    # the generated graphs, renamed under our base
    store.bulk_extend(Quad(q.subject, q.predicate, q.object,
                           NamedNode(BASE + "graph/" + q.graph_name.value.rsplit("/", 1)[1]))
                      for q in generated_quads(100))
    build = tmp_path_factory.mktemp("build")
    dumps = write_dumps(store, [(n, NamedNode(BASE + "graph/" + n)) for n in NAMES], build, {})
    stats = {n: graph_statistics(store, n, BASE + "graph/" + n) for n in NAMES}
    entries = [
        Entry("things", {"fr": "Choses", "en": "Things"}, {"fr": "Des choses.", "en": "Things."},
              Catalogue(publisher="id/organisation/ministere-culture", themes=("EDUC",),
                        temporal=("2001", "2023"), keywords={"fr": ("chose",), "en": ("thing",)},
                        sources=("https://data.culture.gouv.fr/explore/dataset/choses/",))),
        Entry("labels", {"fr": "Libellés", "en": "Labels"}, {"fr": "Des libellés.", "en": "Labels."}),
        Entry("links", {"fr": "Liens", "en": "Links"}, {"fr": "Des liens.", "en": "Links."},
              Catalogue(rights={"fr": "Licence non indiquée.", "en": "Licence not stated."})),
    ]
    triples = catalogue_triples(entries, dumps, stats, base=BASE, prefixes={"ex": "http://example.org/"},
                                build_id="20261203T000000Z-abcdef",
                                modified=datetime(2026, 12, 3, tzinfo=UTC))
    out = Store()
    out.extend(Quad(s, p, o) for s, p, o in triples)
    return out, triples, dumps, stats


def values(store: Store, query: str) -> list:
    return [s[0] for s in store.query(query)]


def test_every_entry_and_the_whole_graph_are_datasets_of_the_catalogue(catalogue):
    store, *_ = catalogue
    datasets = {t.value for t in values(store, f"SELECT ?d WHERE {{ <{BASE}catalogue> <{DCAT}dataset> ?d }}")}
    assert datasets == {BASE + "data/" + n for n in (*NAMES, "culturegraph")}
    for d in datasets:
        identifiers = values(store, f"SELECT ?i WHERE {{ <{d}> <http://purl.org/dc/terms/identifier> ?i }}")
        assert identifiers == [Literal(d)]


def test_a_dataset_whose_licence_is_not_stated_claims_none(catalogue):
    """A rights statement instead of a licence: none on the dataset nor on its distributions; the
    others get the Licence Ouverte."""
    store, *_ = catalogue
    dct = "http://purl.org/dc/terms/"

    def licences(dataset: str) -> set[str]:
        query = f"""SELECT ?l WHERE {{ {{ <{dataset}> <{dct}license> ?l }}
                     UNION {{ <{dataset}> <{DCAT}distribution>/<{dct}license> ?l }} }}"""
        return {t.value for t in values(store, query)}

    assert licences(BASE + "data/links") == set()
    assert licences(BASE + "data/things") == {"https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
    labels = values(store, f"""SELECT ?label WHERE {{ <{BASE}data/links> <{dct}rights> ?r .
        ?r a <{dct}RightsStatement> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}""")
    assert {(t.value, t.language) for t in labels} == {
        ("Licence non indiquée.", "fr"), ("Licence not stated.", "en")}


def test_the_whole_graph_claims_a_licence_only_when_every_part_has_it(catalogue):
    """Its dumps hold every part: with one part under unstated terms, the whole graph and its
    distributions claim no licence, and its rights statement names each part's terms."""
    store, *_ = catalogue
    dct = "http://purl.org/dc/terms/"
    whole = BASE + "data/culturegraph"
    query = f"""SELECT ?l WHERE {{ {{ <{whole}> <{dct}license> ?l }}
                 UNION {{ <{whole}> <{DCAT}distribution>/<{dct}license> ?l }} }}"""
    assert values(store, query) == []
    labels = {t.language: t.value for t in values(store, f"""SELECT ?label WHERE {{
        <{whole}> <{dct}rights> ?r . ?r a <{dct}RightsStatement> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?label }}""")}
    assert "Liens — Licence non indiquée." in labels["fr"]
    assert "Things — Open Licence version 2.0 (Etalab)" in labels["en"]
    # a part's statement that ends with a stop is not followed by "; " (it read "indiquée.; Choses")
    rights_first = [Entry("links", {"fr": "Liens", "en": "Links"}, {"fr": ".", "en": "."},
                          Catalogue(rights={"fr": "Licence non indiquée.", "en": "Licence not stated."})),
                    Entry("things", {"fr": "Choses", "en": "Things"}, {"fr": ".", "en": "."})]
    statement = {o.value for s, p, o in catalogue_triples(
        rights_first, [], {}, base=BASE, prefixes={}, build_id="20261203T000000Z-abcdef",
        modified=datetime(2026, 12, 3, tzinfo=UTC)) if s == NamedNode(whole + "#droits")
        and p.value.endswith("#label") and getattr(o, "language", None) == "en"}
    assert len(statement) == 1
    text = statement.pop()
    assert "Links — Licence not stated; Things — Open Licence" in text and ".;" not in text

    same = [Entry("things", {"fr": "Choses", "en": "Things"}, {"fr": ".", "en": "."}),
            Entry("labels", {"fr": "Libellés", "en": "Labels"}, {"fr": ".", "en": "."})]
    triples = catalogue_triples(same, [], {}, base=BASE, prefixes={}, build_id="20261203T000000Z-abcdef",
                                modified=datetime(2026, 12, 3, tzinfo=UTC))
    assert {o.value for s, p, o in triples if s == NamedNode(whole) and p.value == dct + "license"} == {
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
    assert not [t for t in triples if t[0] == NamedNode(whole) and t[1].value == dct + "rights"]


def test_a_distribution_without_a_licence_carries_its_datasets_rights_statement(catalogue):
    """A client reads the terms on the distribution it downloads (DCAT-AP puts them there): a dump or
    the endpoint of a dataset that has no licence points to the dataset's rights statement, the whole
    graph's included; a distribution with a licence has no rights statement besides."""
    store, *_ = catalogue
    dct = "http://purl.org/dc/terms/"
    for name in ("links", "culturegraph"):
        dataset = f"{BASE}data/{name}"
        rows = store.query(f"""SELECT ?d ?r WHERE {{ <{dataset}> <{DCAT}distribution> ?d .
            OPTIONAL {{ ?d <{dct}rights> ?r }} }}""")
        found = {(row["d"].value, row["r"].value if row["r"] is not None else None) for row in rows}
        assert len(found) >= 2, name  # the dumps and the endpoint
        assert {r for _, r in found} == {dataset + "#droits"}, name
    licensed = values(store, f"""SELECT ?r WHERE {{ <{BASE}data/things> <{DCAT}distribution> ?d .
        ?d <{dct}rights> ?r }}""")
    assert licensed == []


def test_distributions_publish_each_dump_size_and_checksum(catalogue):
    store, _, dumps, _ = catalogue
    for dump in dumps:
        url = f"{BASE}dumps/{dump.file}"
        rows = list(store.query(f"""SELECT ?size ?sum ?media WHERE {{
            ?d <{DCAT}downloadURL> <{url}> ; <{DCAT}byteSize> ?size ; <{DCAT}mediaType> ?media ;
               <{SPDX}checksum> [ <{SPDX}checksumValue> ?sum ;
                                  <{SPDX}algorithm> <{SPDX}checksumAlgorithm_sha256> ] }}"""))
        assert len(rows) == 1, url
        size, checksum, media = rows[0]
        assert int(size.value) == dump.bytes
        assert checksum.value == dump.sha256
        assert media.value.endswith("/" + dump.dump_format.media_type)


def test_byte_sizes_are_non_negative_integers(catalogue):
    # (Oxigraph stores every integer type as xsd:integer: this is checked on the triples generated,
    # which are what /catalogue serves; docs/catalogue.md)
    _, triples, dumps, _ = catalogue
    sizes = [o for _, p, o in triples if p == NamedNode(DCAT + "byteSize")]
    assert len(sizes) == len(dumps)
    assert {o.datatype.value for o in sizes} == {XSD + "nonNegativeInteger"}


def test_void_figures_are_the_statistics(catalogue):
    store, _, _, stats = catalogue
    for name, s in stats.items():
        row = next(iter(store.query(f"""PREFIX void: <http://rdfs.org/ns/void#> SELECT * WHERE {{
            <{BASE}data/{name}> void:triples ?t ; void:entities ?e ; void:classes ?c ;
               void:properties ?p ; void:distinctSubjects ?s ; void:distinctObjects ?o ;
               void:sparqlEndpoint <{BASE}sparql> }}""")))
        assert [int(row[v].value) for v in ("t", "e", "c", "p", "s", "o")] == [
            s.triples, s.entities, s.classes, s.properties, s.distinct_subjects, s.distinct_objects]


def validate_catalogue(triples):
    _, findings = validate_graph(data_graph(triples), shapes_graph(Settings()), "catalogue", advanced=True)
    return findings


def test_no_violation_against_our_shapes_nor_semic(catalogue):
    _, triples, _, _ = catalogue
    results = validate_catalogue(triples)
    assert [r for r in results if r.severity == "Violation"] == []
    # what is missing is only what the fixture does not say (recommended: Warnings)
    assert {r.severity for r in results} <= {"Warning"}


def test_a_missing_mandatory_property_is_a_violation(catalogue):
    _, triples, _, _ = catalogue
    title = NamedNode("http://purl.org/dc/terms/title")
    broken = [t for t in triples if not (t[0] == NamedNode(BASE + "data/labels") and t[1] == title)]
    results = validate_catalogue(broken)
    violations = {(r.focus, is_semic(r.shape)) for r in results if r.severity == "Violation"}
    assert (BASE + "data/labels", False) in violations  # ours
    assert (BASE + "data/labels", True) in violations  # SEMIC's


def test_every_dataset_of_the_registry_has_an_eu_theme():
    # issue 14: aides-presse, then the fonds and Heritage Days, had none (validate warned "Dataset without a
    # theme"); the codes are those dcat.THEME_LABELS labels
    from culturegraph.catalogue.dcat import THEME_LABELS
    from culturegraph.datasets import load_registry

    for spec in load_registry():
        assert spec.catalogue is not None and spec.catalogue.themes, spec.name
        assert set(spec.catalogue.themes) <= set(THEME_LABELS), spec.name
