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
    node = next(n for n in doc["@graph"] if n["@id"] == "https://culturegraph.example/id/musee/M0001")
    assert set(node["@type"]) == {"Museum", "https://culturegraph.example/def/culture/Lieu"}
    # the term coerces to xsd:gYear: that value is a bare string, the xsd:date one stays an object
    assert sorted(map(json.dumps, node["founded"])) == sorted(
        map(json.dumps, ["1795", {"@value": "1795-08-01", "@type": "xsd:date"}]))
    assert "https://augustins.example/" in node["url"]  # @type: @id term: the IRI as a string
    assert {"@value": "pas une IRI"} in node["url"]  # ...but a literal stays a value object
    assert "Musée « des Augustins »" in node["name"]  # the term's @language: fr
    assert node["label"] == {"fr": "Augustins"}  # a @language container: all its values are tagged
    other = next(n for n in doc["@graph"] if n["@id"] == "https://culturegraph.example/id/musee/M0002")
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
    node = next(n for n in doc["@graph"] if n["@id"] == "https://culturegraph.example/id/musee/M0001")
    assert "schema:name" in node and "schema:Museum" in node["@type"]
    assert isomorphic(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"),
                      rdflib.Graph().parse(data=TURTLE, format="turtle"))


# issue 13: JSON that applications can use -------------------------------------------------------------

NUMBERS = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:a ex:count 6382 ; ex:padded "007"^^xsd:integer ; ex:huge 9007199254740993 ; ex:ratio 0.5 ;
  ex:open true ; ex:small "12"^^xsd:nonNegativeInteger ; ex:typed "12"^^xsd:nonNegativeInteger ;
  ex:link ex:b .
ex:b ex:count -4 .
"""
NUMBER_CONTEXT = {"ex": "http://example.org/", "xsd": "http://www.w3.org/2001/XMLSchema#",
                  "typed": {"@id": "ex:typed", "@type": "xsd:nonNegativeInteger"}}


def test_integers_and_booleans_are_json_numbers_when_they_read_back_the_same() -> None:
    doc = compact(json.loads(expanded(NUMBERS)), Context.from_document(NUMBER_CONTEXT))
    node = next(n for n in doc["@graph"] if n["@id"] == "http://example.org/a")
    assert node["ex:count"] == 6382 and node["ex:open"] is True
    assert node["typed"] == 12  # the term's coercion is the datatype
    # no coercion: kept typed
    assert node["ex:small"] == {"@value": "12", "@type": "xsd:nonNegativeInteger"}
    assert node["ex:padded"] == {"@value": "007", "@type": "xsd:integer"}  # not canonical
    assert node["ex:huge"] == {"@value": "9007199254740993", "@type": "xsd:integer"}  # beyond 2^53
    assert node["ex:ratio"] == {"@value": "0.5", "@type": "xsd:decimal"}  # a JSON 0.5 would be a double
    assert isomorphic(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"),
                      rdflib.Graph().parse(data=NUMBERS, format="turtle"))


FRAMED = """
@prefix ex: <http://example.org/> .
ex:museum ex:name "M" ; ex:address <http://example.org/museum#address> ; ex:type ex:Museum ;
  ex:seeAlso ex:elsewhere ;
  ex:period [ ex:start 2001 ; ex:end 2023 ] .
<http://example.org/museum#address> ex:city ex:lyon .
ex:lyon ex:name "Lyon" .
ex:site ex:partOf ex:museum ; ex:code "0105301" .
ex:obs1 ex:site ex:site ; ex:count 5 .
ex:obs2 ex:site ex:site ; ex:count 6 .
ex:doc ex:topic ex:museum .
ex:name ex:label "name" .
"""


def test_a_document_is_framed_around_its_resource() -> None:
    from pyld import jsonld as pyld

    doc = compact(json.loads(expanded(FRAMED)), Context.from_prefixes({"ex": "http://example.org/"}),
                  focus="http://example.org/museum")
    assert doc["@id"] == "http://example.org/museum"  # at the top, not in a @graph
    address = doc["ex:address"]
    assert address["@id"] == "http://example.org/museum#address"
    assert address["ex:city"] == {"@id": "http://example.org/lyon", "ex:name": "Lyon"}  # embedded once
    assert set(doc["ex:period"]) == {"ex:start", "ex:end"}  # the blank node, nested, with no _: label
    site = doc["@reverse"]["ex:partOf"]
    assert site["@id"] == "http://example.org/site" and "ex:partOf" not in site
    assert sorted(o["ex:count"] for o in site["@reverse"]["ex:site"]) == [5, 6]
    assert doc["@reverse"]["ex:topic"] == {"@id": "http://example.org/doc"}
    assert doc["ex:seeAlso"] == {"@id": "http://example.org/elsewhere"}  # nothing to embed: a reference
    assert doc["@included"] == [{"@id": "http://example.org/name", "ex:label": "name"}]  # unreachable
    reference = rdflib.Graph().parse(data=FRAMED, format="turtle")
    assert isomorphic(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"), reference)
    nquads = pyld.to_rdf(doc, {"format": "application/n-quads"})  # a second, independent processor
    assert isomorphic(rdflib.Graph().parse(data=nquads, format="nt"), reference)


def test_a_shared_blank_node_keeps_its_label() -> None:
    """Two references to one blank node: it is nested once and the other reference needs its label."""
    shared = """@prefix ex: <http://example.org/> .
    ex:museum ex:period _:p ; ex:other _:p ; ex:amount [ ex:value 5 ] .
    _:p ex:start 2001 ."""
    doc = compact(json.loads(expanded(shared)), Context.from_prefixes({"ex": "http://example.org/"}),
                  focus="http://example.org/museum")
    nested = next(v for v in (doc["ex:period"], doc["ex:other"]) if "ex:start" in v)
    reference = next(v for v in (doc["ex:period"], doc["ex:other"]) if "ex:start" not in v)
    assert nested["@id"].startswith("_:") and reference == {"@id": nested["@id"]}
    assert doc["ex:amount"] == {"ex:value": 5}
    assert isomorphic(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"),
                      rdflib.Graph().parse(data=shared, format="turtle"))


def test_the_context_can_be_a_url() -> None:
    doc = compact(json.loads(expanded(FRAMED)), Context.from_prefixes({"ex": "http://example.org/"}),
                  focus="http://example.org/museum", context_url="http://example.org/context.jsonld")
    assert doc["@context"] == "http://example.org/context.jsonld"
