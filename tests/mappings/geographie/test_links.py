"""The crosswalk's Wikidata links go through the links stage (WIKIDATA_LINKS, a declared rule): each one
declared has its SSSOM record in /graph/liens, with the method and the score, on the shipped build."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

BASE = "https://culturegraph.example/"
QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sssom: <https://w3id.org/sssom/>
PREFIX kgo: <https://culturegraph.example/def/culture/>
SELECT ?source ?target ?method ?score ?justification WHERE {
  GRAPH <https://culturegraph.example/graph/liens> {
    ?axiom owl:annotatedSource ?source ; owl:annotatedTarget ?target ;
           kgo:typeLien <https://culturegraph.example/def/type-lien/territoire-wikidata> ;
           kgo:methodeLien ?method ; sssom:similarity_score ?score ;
           sssom:mapping_justification ?justification .
  }
}"""


@pytest.mark.slow
def test_the_wikidata_links_have_their_method_and_score(graph: Store) -> None:
    rows = {r["source"].value.removeprefix(BASE): r for r in graph.query(QUERY)}  # type: ignore[union-attr]
    assert rows["id/commune/69123"]["target"].value == "http://www.wikidata.org/entity/Q456"  # Lyon
    assert rows["id/commune/01053"]["target"].value == "http://www.wikidata.org/entity/Q133069"
    lyon = rows["id/commune/69123"]
    assert lyon["method"].value == BASE + "def/methode-lien/declared"
    assert float(lyon["score"].value) == 1.0
    assert lyon["justification"].value == "https://w3id.org/semapv/vocab/UnspecifiedMatching"
    kinds = {key.split("/")[1] for key in rows}
    assert {"commune", "departement", "region"} <= kinds
    assert sum(1 for key in rows if key.startswith("id/departement/")) >= 96
    # Every link recorded is one the geography states (schema:sameAs in its own graph).
    stated = {(r["s"].value, r["o"].value) for r in graph.query(  # type: ignore[union-attr]
        "SELECT ?s ?o WHERE { GRAPH <https://culturegraph.example/graph/geographie> "
        "{ ?s <http://schema.org/sameAs> ?o } }")}
    assert {(BASE + k, r["target"].value) for k, r in rows.items()} <= stated
    # A commune with neither museum nor site is not recorded (the rule's scope: mappings/geographie).
    assert "id/commune/01001" not in rows
