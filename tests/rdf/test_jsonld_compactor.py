"""The flat-document JSON-LD compactor (:mod:`culturegraph.rdf.jsonld_compactor`): the endpoint's
CONSTRUCT/DESCRIBE results and the linked-data documents are compacted with it."""

from __future__ import annotations

import json

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from culturegraph.rdf.jsonld_compactor import Context, compact, compact_bytes

CONTEXT = {
    "@version": 1.1,
    "schema": "http://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "musee": "https://culturegraph.example/id/musee/",
    "Museum": "schema:Museum",
    "name": {"@id": "schema:name", "@language": "fr"},
    "url": {"@id": "schema:url", "@type": "@id"},
    "founded": {"@id": "schema:foundingDate", "@type": "xsd:gYear"},
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "address": "schema:address",
    "city": "schema:addressLocality",
    "telephone": "schema:telephone",
}
TURTLE = """
@prefix schema: <http://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kgo: <https://culturegraph.example/def/culture/> .
<https://culturegraph.example/id/musee/M0001> a schema:Museum, kgo:Lieu ;
  schema:name "Musée « des Augustins »"@fr, "Augustins Museum"@en, "sans langue" ;
  schema:url <https://augustins.example/>, "pas une IRI" ;
  schema:foundingDate "1795"^^xsd:gYear, "1795-08-01"^^xsd:date ;
  rdfs:label "Augustins"@fr ;
  schema:address [ schema:addressLocality "Toulouse" ; schema:postalCode "31000" ] ;
  <https://culturegraph.example/def/culture/nombre> 42 ;
  <https://culturegraph.example/def/culture/voisin> <https://culturegraph.example/id/musee/M0002> .
<https://culturegraph.example/id/musee/M0002> schema:name "Deux"@fr ; rdfs:label "sans langue", "Two"@en .
"""


def expanded(turtle: str) -> bytes:
    return ox.serialize(ox.parse(turtle, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.JSON_LD) or b""


def test_compaction_round_trips_and_uses_the_context() -> None:
    ctx = Context.from_document({"@context": CONTEXT})
    out = compact_bytes(expanded(TURTLE), ctx)
    doc = json.loads(out)
    reference = rdflib.Graph().parse(data=TURTLE, format="turtle")
    assert isomorphic(rdflib.Graph().parse(data=out.decode(), format="json-ld"), reference)
    node = next(n for n in doc["@graph"] if n["@id"] == "musee:M0001")
    assert set(node["@type"]) == {"Museum", "https://culturegraph.example/def/culture/Lieu"}
    # the term coerces to xsd:gYear: that value is a bare string, the xsd:date one stays an object
    assert sorted(map(json.dumps, node["founded"])) == sorted(
        map(json.dumps, ["1795", {"@value": "1795-08-01", "@type": "xsd:date"}]))
    assert "https://augustins.example/" in node["url"]  # @type: @id term: the IRI as a string
    assert {"@value": "pas une IRI"} in node["url"]  # ...but a literal stays a value object
    assert "Musée « des Augustins »" in node["name"]  # the term's @language: fr
    assert node["label"] == {"fr": "Augustins"}  # a @language container: all its values are tagged
    other = next(n for n in doc["@graph"] if n["@id"] == "musee:M0002")
    assert "label" not in other and len(other["rdfs:label"]) == 2  # a plain string: no language map
    assert doc["@context"]["name"] == {"@id": "http://schema.org/name", "@language": "fr"}
    assert doc["@context"]["label"] == {"@id": "http://www.w3.org/2000/01/rdf-schema#label",
                                        "@container": "@language"}
    assert doc["@context"]["city"] == "http://schema.org/addressLocality"
    assert "telephone" not in doc["@context"]  # only what the document uses
    assert "é" in out.decode() and "\\u" not in out.decode()


def test_compaction_without_terms_uses_prefixes() -> None:
    ctx = Context.from_prefixes({"schema": "http://schema.org/", "musee": "https://culturegraph.example/id/musee/"})
    doc = compact(json.loads(expanded(TURTLE)), ctx)
    node = next(n for n in doc["@graph"] if n["@id"] == "musee:M0001")
    assert "schema:name" in node and "schema:Museum" in node["@type"]
    assert isomorphic(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"),
                      rdflib.Graph().parse(data=TURTLE, format="turtle"))
