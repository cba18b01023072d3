"""The venue ↔ museum and located resource ↔ commune rules (mappings/journees_patrimoine/links.py) on the
shipped build (the session's shared build): precision and recall of the matcher against the hand-labelled
pairs of ``tables/lieux-musees-etiquetes.csv``, real links with their method and score in /graph/liens, and
the curators' table changing /graph/liens."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

from culturegraph.mappings.journees_patrimoine import DATASET, HOME
from pyoxigraph import Store

from culturegraph.datasets import load_registry
from culturegraph.pipeline import links
from culturegraph.pipeline.matching import evaluate
from culturegraph.rdf.terms import Minter
from culturegraph.store.oxigraph.reader import OxigraphReader

BASE = "https://culturegraph.example/"
VENUE_MUSEUM = f"{BASE}def/culture/lieuMusee"
CONTAINED = "http://schema.org/containedInPlace"


def labelled() -> list[tuple[str, str, bool, str]]:
    with (HOME / "tables" / "lieux-musees-etiquetes.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter=";"))
    return [(BASE + r["sujet"], BASE + r["objet"], r["meme"] == "oui", r["raisonnement"]) for r in rows]


def run_rule(graph: Store, kind: str, decisions: Path | None) -> links.RuleResult:
    registry = load_registry()
    (rule,) = [r for spec, r in registry.link_rules() if r.kind == kind]
    prefixes = links.link_prefixes(registry, Minter(BASE))
    (result,) = links.compute(OxigraphReader(graph), [(DATASET, replace(rule, decisions=decisions))],
                              prefixes, BASE)
    return result


def linked(graph: Store, predicate: str) -> set[tuple[str, str]]:
    rows = graph.query(f"SELECT ?s ?o WHERE {{ GRAPH <{BASE}graph/liens> {{ ?s <{predicate}> ?o }} }}")
    return {(r["s"].value, r["o"].value) for r in rows}


def test_the_labelled_pairs_are_reasoned_and_name_real_resources(graph: Store) -> None:
    pairs = labelled()
    assert len(pairs) >= 30 and all(reason for *_, reason in pairs)
    assert sum(same for _, _, same, _ in pairs) == 5
    iris = {iri for s, o, *_ in pairs for iri in (s, o)}
    values = " ".join(f"<{iri}>" for iri in sorted(iris))
    found = {r["x"].value for r in graph.query(
        f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a ?type }} VALUES ?x {{ {values} }} }}")}
    assert found == iris


def test_matcher_precision_and_recall_on_the_hand_labelled_pairs(graph: Store) -> None:
    result = run_rule(graph, "lieu-musee", None)
    ev = evaluate(result.scored, [(s, o, same) for s, o, same, _ in labelled()])
    # Measured on the shipped build: the five true pairs found (the museums of Zadkine, Bourdelle — its
    # garden —, La Poste and the Air et de l'Espace), no false one; the near misses (Institut du Monde
    # Arabe, « La poste », Frac Bretagne, Grand Palais) ambiguous, left to curators.
    assert (ev.true_positive, ev.false_positive, ev.false_negative, ev.true_negative) == (5, 0, 0, 31), \
        ev.errors
    assert ev.precision == 1.0 and ev.recall == 1.0
    ambiguous = {(s.subject, s.object) for s in result.scored if s.verdict == "ambiguous"}
    assert (f"{BASE}id/lieu/50733419", f"{BASE}id/musee/M0365") in ambiguous
    assert result.subjects == 100  # every venue of the shipped rows


def test_the_shipped_build_links_venues_to_museums_with_method_and_score(graph: Store, built: Any) -> None:
    made = linked(graph, VENUE_MUSEUM)
    for subject, obj, same, reason in labelled():
        assert ((subject, obj) in made) == same, f"{subject} ↔ {obj}: {reason}"
    rows = list(graph.query(f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX sssom: <https://w3id.org/sssom/>
        SELECT ?score ?method ?justification WHERE {{ GRAPH <{BASE}graph/liens> {{
          ?cell owl:annotatedSource <{BASE}id/lieu/44609940> ; owl:annotatedTarget <{BASE}id/musee/M1115> ;
                owl:annotatedProperty <{VENUE_MUSEUM}> ; sssom:similarity_score ?score ;
                sssom:mapping_justification ?justification ; <{BASE}def/culture/methodeLien> ?method ;
                <{BASE}def/culture/statutLien> <{BASE}def/statut-lien/accepte> }} }}"""))
    assert len(rows) == 1 and float(rows[0]["score"].value) > 0.9
    assert rows[0]["method"].value == f"{BASE}def/methode-lien/name-place"
    assert rows[0]["justification"].value == "https://w3id.org/semapv/vocab/CompositeMatching"
    report = built.report["datasets"]["liens"]["kinds"]["lieu-musee"]
    assert report["links"] == len(made) == 5 and report["methods"] == {"name-place": 5}
    assert {(r["sujet"], r["objet"]) for r in report["refused"]} == {
        (f"{BASE}id/lieu/39135037", f"{BASE}id/musee/M1116"),
        (f"{BASE}id/lieu/43325173", f"{BASE}id/musee/M1111")}


def test_a_curators_decision_changes_the_links_graph(graph: Store, tmp_path: Path) -> None:
    """The stage as the next build runs it (compute, then the quads of /graph/liens), with a table that
    confirms an ambiguous pair and refuses an accepted one."""
    institute = (f"{BASE}id/lieu/50733419", f"{BASE}id/musee/M0365")
    garden = (f"{BASE}id/lieu/48560518", f"{BASE}id/musee/M1115")

    def graph_of(decisions: Path | None) -> set[tuple[str, str, str]]:
        result = run_rule(graph, "lieu-musee", decisions)
        quads = links.quads([result], Minter(BASE))
        return {(q.subject.value, q.predicate.value, q.object.value) for q in quads}

    before = graph_of(None)
    assert (institute[0], VENUE_MUSEUM, institute[1]) not in before
    assert (garden[0], VENUE_MUSEUM, garden[1]) in before
    table = tmp_path / "liens-decisions.csv"
    table.write_text("type;sujet;objet;decision;date;raison\n"
                     "lieu-musee;id/lieu/50733419;id/musee/M0365;confirmé;2026-12-04;essai\n"
                     "lieu-musee;id/lieu/48560518;id/musee/M1115;refusé;2026-12-04;essai\n",
                     encoding="utf-8")
    after = graph_of(table)
    assert (institute[0], VENUE_MUSEUM, institute[1]) in after
    assert (garden[0], VENUE_MUSEUM, garden[1]) not in after
    refusals = {s for s, p, o in after if p == "https://w3id.org/sssom/predicate_modifier"}
    assert any((s, "http://www.w3.org/2002/07/owl#annotatedSource", garden[0]) in after for s in refusals)
    # The museum venue itself is still linked by the matcher.
    assert (f"{BASE}id/lieu/44609940", VENUE_MUSEUM, f"{BASE}id/musee/M1115") in after


def test_located_resources_get_the_commune_of_their_address_where_none_is_stated(graph: Store) -> None:
    made = linked(graph, CONTAINED)
    venues = {s for s, o in made if "/id/lieu/" in s}
    # The 9 venues of the shipped rows without location_insee that have a postcode (of 10; 4606362 has
    # none: not linked).
    assert len(venues) == 9 and {o for s, o in made if s in venues} == {f"{BASE}id/commune/75056"}
    # Never restated where a commune is stated (the graph of the dataset, the museums').
    for subject, _ in made:
        stated = graph.query(f"ASK {{ GRAPH ?g {{ <{subject}> <{CONTAINED}> ?c }} "
                             f"FILTER (?g != <{BASE}graph/liens>) }}")
        assert not bool(stated), subject
