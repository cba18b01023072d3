"""The links stage (pipeline/links.py) on a small graph: rules from a dataset, the curators' table applied
before the matcher, the links and their SSSOM mappings written to /graph/liens, the report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from culturegraph.datasets import DatasetSpec, LinkRule
from culturegraph.pipeline import links
from culturegraph.rdf.terms import Minter

BASE = "https://culturegraph.example/"
IRIS = Minter(BASE)
DATA = """
@prefix schema: <http://schema.org/> .
@prefix igeo: <http://rdf.insee.fr/def/geo#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix c: <https://culturegraph.example/id/commune/> .
@prefix l: <https://culturegraph.example/id/lieu/> .
@prefix m: <https://culturegraph.example/id/musee/> .

c:75056 a igeo:Commune ; rdfs:label "Paris"@fr .
c:75115 a igeo:ArrondissementMunicipal ; igeo:subdivisionDirecteDe c:75056 ; schema:postalCode "75015" .
m:M1115 a schema:Museum ; schema:name "musée Zadkine"@fr ; schema:containedInPlace c:75056 ;
    wgs84:lat 48.842793 ; wgs84:long 2.333457 .
m:M1116 a schema:Museum ; schema:name "musée de La Poste"@fr ; schema:containedInPlace c:75115 ;
    wgs84:lat 48.84156 ; wgs84:long 2.3177 .
m:M1107 a schema:Museum ; schema:name "musée Cognacq-Jay"@fr ; schema:containedInPlace c:75056 ;
    wgs84:lat 48.857785 ; wgs84:long 2.361996 .
l:44609940 a schema:Place ; schema:name "Musée Zadkine"@fr ; schema:containedInPlace c:75056 ;
    wgs84:lat 48.843 ; wgs84:long 2.333 .
l:82785002 a schema:Place ; schema:name "Musée postal"@fr ; schema:alternateName "Musée de la poste"@fr ;
    schema:containedInPlace c:75056 ; wgs84:lat 48.8418 ; wgs84:long 2.3177 .
l:39135037 a schema:Place ; schema:name "La poste"@fr ; schema:containedInPlace c:75056 ;
    wgs84:lat 48.8667 ; wgs84:long 2.3333 .
l:59799605 a schema:Place ; schema:name "Institut suédois"@fr ; schema:containedInPlace c:75056 ;
    wgs84:lat 48.8583 ; wgs84:long 2.3625 .
l:2499554 a schema:Place ; schema:name "Paris"@fr ; schema:address [ schema:addressLocality "Paris" ;
    schema:postalCode "75015" ] .
"""


@dataclass
class Context:
    """What the pipeline gives a stage (datasets/spec.StageContext), over an in-memory store."""

    registry: Any
    store: Store = field(default_factory=Store)
    iris: Minter = IRIS
    settings: Any = None
    build_id: str = "test"
    loaded: Any = None

    def reader(self) -> Any:
        return StoreReader(self.store)

    def load(self, quads: Any) -> None:
        self.store.bulk_extend(quads)


class StoreReader:
    def __init__(self, store: Store) -> None:
        self.store = store

    def query(self, query: str, *, union_default_graph: bool = False, **_: Any) -> Any:
        return self.store.query(query, use_default_graph_as_union=union_default_graph)


@dataclass
class Registry:
    specs: list[DatasetSpec]

    def link_rules(self) -> list[tuple[DatasetSpec, LinkRule]]:
        return [(s, r) for s in self.specs for r in s.links]

    def external_identifiers(self) -> list[tuple[DatasetSpec, Any]]:
        return [(s, i) for s in self.specs for i in s.identifiers]  # none here (test_enrichment.py)

    def prefixes(self, base_iri: str) -> dict[str, str]:
        return {**Minter(base_iri).prefixes(), "lieu": base_iri + "id/lieu/"}


# Rules as a dataset of venues would declare them (a copy: the generic stage is tested on its own).
# A commune, or the commune a municipal arrondissement belongs to (Paris, Lyon, Marseille): museums are
# sometimes placed in the arrondissement, venues in the commune.
_COMMUNE_KEY = """
    OPTIONAL { ?item schema:containedInPlace ?c .
               OPTIONAL { ?c a igeo:ArrondissementMunicipal ; igeo:subdivisionDirecteDe ?parent }
               BIND(STR(COALESCE(?parent, ?c)) AS ?key) }"""

VENUES = """
SELECT ?item ?name ?key ?lat ?lon WHERE {
  ?item a schema:Place .
  FILTER(STRSTARTS(STR(?item), STR(lieu:)))
  { ?item schema:name ?name } UNION { ?item schema:alternateName ?name }
  COMMUNE_KEY
  OPTIONAL { ?item wgs84:lat ?lat ; wgs84:long ?lon }
}""".replace("COMMUNE_KEY", _COMMUNE_KEY)

MUSEUMS = """
SELECT ?item ?name ?key ?lat ?lon WHERE {
  ?item a schema:Museum .
  { ?item schema:name ?name } UNION { ?item schema:alternateName ?name }
  COMMUNE_KEY
  OPTIONAL { ?item wgs84:lat ?lat ; wgs84:long ?lon }
}""".replace("COMMUNE_KEY", _COMMUNE_KEY)

VENUES_WITH_COMMUNE = """
SELECT ?item ?target WHERE {
  ?item a schema:Place ; schema:containedInPlace ?target .
  FILTER(STRSTARTS(STR(?item), STR(lieu:)))
}"""

VENUES_WITHOUT_COMMUNE = """
SELECT ?item ?name ?key WHERE {
  ?item a schema:Place ; schema:address ?address .
  FILTER(STRSTARTS(STR(?item), STR(lieu:)))
  FILTER NOT EXISTS { ?item schema:containedInPlace ?any }
  ?address schema:addressLocality ?name ; schema:postalCode ?key .
}"""

# A commune's postcodes are its own or, for Paris, Lyon and Marseille, those of its arrondissements.
COMMUNES_BY_POSTCODE = """
SELECT ?item ?name ?key WHERE {
  ?item a igeo:Commune ; rdfs:label ?name .
  { ?item schema:postalCode ?key }
  UNION
  { ?arrondissement a igeo:ArrondissementMunicipal ; igeo:subdivisionDirecteDe ?item ;
                    schema:postalCode ?key }
}"""

RULES = (
    LinkRule(
        kind="lieu-musee",
        label={"fr": "Lieu d'événement ↔ Musée de France", "en": "Event venue ↔ Musée de France"},
        subjects=VENUES, objects=MUSEUMS, predicate="kgo:museeDeFrance", matcher="name-place",
        accept=0.75, review=0.5, distance_m=1000.0, decisions="tables/liens-decisions.csv",
        subjects_dataset="lieux", objects_dataset="museofile",
    ),
    LinkRule(
        kind="lieu-commune",
        label={"fr": "Lieu d'événement ↔ commune", "en": "Event venue ↔ commune"},
        subjects=VENUES_WITH_COMMUNE, objects="", predicate="schema:containedInPlace", matcher="declared",
        subjects_dataset="lieux", objects_dataset="geographie",
    ),
    LinkRule(
        kind="lieu-commune",
        label={"fr": "Lieu d'événement ↔ commune", "en": "Event venue ↔ commune"},
        subjects=VENUES_WITHOUT_COMMUNE, objects=COMMUNES_BY_POSTCODE, predicate="schema:containedInPlace",
        matcher="name", accept=0.75, review=0.4, decisions="tables/liens-decisions.csv",
        subjects_dataset="lieux", objects_dataset="geographie",
    ),
)


def spec(tmp_path: Path, decisions: str = "") -> DatasetSpec:
    (tmp_path / "tables").mkdir(parents=True, exist_ok=True)
    (tmp_path / "tables" / "liens-decisions.csv").write_text(
        "# curators\ntype;sujet;objet;decision;date;raison\n" + decisions, encoding="utf-8")
    return DatasetSpec(name="lieux", title={"fr": "t"}, description={"fr": "d"}, home=tmp_path, links=RULES)


def run(tmp_path: Path, decisions: str = "") -> tuple[Store, Context]:
    ctx = Context(Registry([spec(tmp_path, decisions)]), loaded=type("L", (), {"reports": {}})())
    graph = NamedNode(BASE + "graph/lieux")
    ctx.store.bulk_extend(Quad(t.subject, t.predicate, t.object, graph)
                          for t in parse(DATA, format=RdfFormat.TURTLE))
    links.STAGE.run(ctx)
    return ctx.store, ctx


def linked(store: Store, predicate: str = BASE + "def/culture/museeDeFrance") -> set[tuple[str, str]]:
    rows = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{BASE}graph/liens> {{ ?s <{predicate}> ?o }} }}")
    return {(r["s"].value.rsplit("/", 1)[1], r["o"].value.rsplit("/", 1)[1]) for r in rows}


def test_links_with_their_method_and_score(tmp_path):
    store, ctx = run(tmp_path)
    assert linked(store) == {("44609940", "M1115"), ("82785002", "M1116")}
    [row] = store.query(f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX sssom: <https://w3id.org/sssom/>
        PREFIX kgo: <{BASE}def/culture/>
        SELECT ?score ?justification ?method ?status ?distance WHERE {{ GRAPH <{BASE}graph/liens> {{
            ?cell owl:annotatedSource <{BASE}id/lieu/44609940> ; owl:annotatedTarget <{BASE}id/musee/M1115> ;
                  owl:annotatedProperty kgo:museeDeFrance ; sssom:similarity_score ?score ;
                  sssom:mapping_justification ?justification ; kgo:methodeLien ?method ;
                  kgo:statutLien ?status ;
                  kgo:distanceMetres ?distance }} }}""")
    assert float(row["score"].value) > 0.9
    assert row["justification"].value == "https://w3id.org/semapv/vocab/CompositeMatching"
    assert row["method"].value == BASE + "def/methode-lien/name-place"
    assert row["status"].value == BASE + "def/statut-lien/accepte"
    assert float(row["distance"].value) < 100
    report = ctx.loaded.reports["liens"]["kinds"]["lieu-musee"]
    assert report["counts"]["accepted"] == 2
    assert [(a["sujet"].rsplit("/", 1)[1], a["objet"].rsplit("/", 1)[1]) for a in report["ambiguous"]] == \
        [("39135037", "M1116")]
    assert any(r["sujet"].endswith("59799605") and "m" in r["detail"] for r in report["rejected"])


def test_commune_links_declared_and_by_postcode(tmp_path):
    store, ctx = run(tmp_path)
    communes = linked(store, "http://schema.org/containedInPlace")
    assert ("44609940", "75056") in communes  # declared by the dataset (location_insee)
    assert ("2499554", "75056") in communes  # postcode 75015 is one of Paris's (arrondissement 75115)
    methods = ctx.loaded.reports["liens"]["kinds"]["lieu-commune"]["methods"]
    assert methods == {"declared": 4, "name": 1}


def test_a_curators_decision_changes_the_links_graph_on_the_next_run(tmp_path):
    store, _ = run(tmp_path)
    assert ("44609940", "M1115") in linked(store)
    refused = "lieu-musee;id/lieu/44609940;id/musee/M1115;refusé;2026-12-03;pas le musée (test)\n"
    confirmed = "lieu-musee;id/lieu/39135037;id/musee/M1107;confirmé;2026-12-03;vérifié sur place (test)\n"
    store, ctx = run(tmp_path / "again", refused + confirmed)
    assert ("44609940", "M1115") not in linked(store)
    assert ("39135037", "M1107") in linked(store)
    ambiguous = ctx.loaded.reports["liens"]["kinds"]["lieu-musee"]["ambiguous"]
    assert ("39135037", "M1116") not in {(a["sujet"].rsplit("/", 1)[1], a["objet"].rsplit("/", 1)[1])
                                          for a in ambiguous}
    [row] = store.query(f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX sssom: <https://w3id.org/sssom/>
        SELECT ?modifier ?justification ?comment WHERE {{ GRAPH <{BASE}graph/liens> {{
            ?cell owl:annotatedSource <{BASE}id/lieu/44609940> ; owl:annotatedTarget <{BASE}id/musee/M1115> ;
                  sssom:predicate_modifier ?modifier ; sssom:mapping_justification ?justification ;
                  <http://www.w3.org/2000/01/rdf-schema#comment> ?comment }} }}""")
    assert row["modifier"].value == "Not"
    assert row["justification"].value == "https://w3id.org/semapv/vocab/ManualMappingCuration"
    assert "pas le musée (test)" in row["comment"].value


def test_bad_curators_table_is_named_with_its_line(tmp_path):
    with pytest.raises(links.LinkError, match=r"liens-decisions.csv:3: decision 'peut-être'"):
        run(tmp_path, "lieu-musee;id/lieu/1;id/musee/M1115;peut-être;;\n")


def test_unknown_predicate_prefix_is_an_error(tmp_path):
    bad = replace(RULES[0], predicate="nope:link", decisions=None)
    ctx = Context(Registry([DatasetSpec(name="x", title={}, description={}, home=tmp_path, links=(bad,))]))
    with pytest.raises(links.LinkError, match="unknown prefix 'nope'"):
        links.STAGE.run(ctx)


def test_the_stage_runs_between_the_vocabularies_and_the_provenance():
    from culturegraph.datasets import load_registry
    from culturegraph.pipeline.stages import stages_of

    order = [s.name for s in stages_of(load_registry(()))]
    assert order.index("vocabularies") < order.index(links.GRAPH) < order.index("provenance")


def test_the_links_graph_is_validated_with_its_shapes(tmp_path):
    from culturegraph.config import Settings
    from culturegraph.datasets import load_registry
    from culturegraph.pipeline.stages import stage_shapes
    from culturegraph.validation.shacl import validate_store

    store, _ = run(tmp_path)
    settings = Settings(base_iri=BASE)
    graphs = stage_shapes(settings, load_registry(()))
    assert [p.name for p in graphs[links.GRAPH]] == ["liens.ttl"]
    report = validate_store(store, settings, [], tmp_path, graphs=graphs)
    assert report.conforms[links.GRAPH], [f.message_en for f in report.findings]
    assert report.triples[links.GRAPH] > 0
    # An accepted candidate whose link is gone is a Violation.
    graph = NamedNode(BASE + "graph/liens")
    store.remove(Quad(NamedNode(BASE + "id/lieu/44609940"), NamedNode(BASE + "def/culture/museeDeFrance"),
                      NamedNode(BASE + "id/musee/M1115"), graph))
    report = validate_store(store, settings, [], tmp_path, graphs=graphs)
    shapes = {f.shape.rsplit("#", 1)[1] for f in report.findings if f.severity == "Violation"}
    assert shapes == {"AcceptedIsWritten"}


def test_the_build_summary_and_the_curators_csv(tmp_path):
    _, ctx = run(tmp_path)
    report = ctx.loaded.reports[links.GRAPH]
    lines = links.summary_lines(report)
    assert lines[0].startswith(f"links: {report['links']} written")
    assert any("lieu-musee" in line and "1 ambiguous" in line for line in lines)
    rows = links.candidate_rows(report)
    assert {r["statut"] for r in rows} <= {"ambiguous", "rejected", "refused", "confirmed"}
    assert [(r["type"], r["sujet"].rsplit("/", 1)[1], r["objet"].rsplit("/", 1)[1]) for r in rows
            if r["statut"] == "ambiguous"] == [("lieu-musee", "39135037", "M1116")]
    assert list(rows[0]) == ["type", "statut", "sujet", "objet", "score", "methode", "detail"]
