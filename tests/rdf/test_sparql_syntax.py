"""rdf/sparql_syntax: undeclared prefixes found where the parser only reports an expectation, the
messages with line, column and fix, the pre-declared prefixes as SHACL declarations."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from culturegraph.rdf.sparql_syntax import declarations, explain, undeclared

DECLARED = {"schema": "http://schema.org/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def message(query: str) -> str:
    with pytest.raises(SyntaxError) as err:
        ox.Store().query(query, prefixes=DECLARED)
    return explain(query, err.value, DECLARED)


@pytest.mark.parametrize(("query", "found"), [
    ("SELECT * { ?s schema:name ?o }", []),
    ("SELECT * { ?s x:p ?o }", [("x", 1, 15)]),
    ("PREFIX ex: <http://e/>\nSELECT * {\n ?s ex:p ?o ; foo:bar 'a:b' . # c:d\n}", [("foo", 3, 15)]),
    ("SELECT * { ?s <http://a/b:c> ?o . BIND(:x AS ?y) }", [("", 1, 40)]),
    ("prefix : <http://e/> SELECT * { ?s :p \"x:y\" }", []),
])
def test_undeclared(query: str, found: list) -> None:
    assert undeclared(query, DECLARED) == found


def test_undeclared_prefix_message() -> None:
    assert message("SELECT * WHERE {\n  ?s wdt:P539 ?id\n}") == (
        "SPARQL syntax error at line 2, column 6: PREFIX wdt: <…> is not declared (declare it, or use one "
        "of the pre-declared prefixes: see the service description).")


def test_other_errors_keep_the_parser_position() -> None:
    text = message("SELECT * WHERE { ?s ?p }")
    assert text.startswith("SPARQL syntax error at line 1, column 25: expected")


def test_a_query_that_ends_early_says_so() -> None:
    assert message("SELECT * WHERE { ?s schema:name ?o ").endswith("a `}` or `)` is missing?)")


def test_predeclared_prefixes_parse() -> None:
    assert bool(ox.Store().query("ASK { FILTER(schema:name != rdfs:label) }", prefixes=DECLARED))


def test_declarations_are_shacl() -> None:
    g = ox.Store()
    s = ox.BlankNode("service")
    for t in declarations(s, DECLARED):
        g.add(ox.Quad(t.subject, t.predicate, t.object))
    rows = g.query("PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?p ?n "
                   "{ ?s sh:declare [ sh:prefix ?p ; sh:namespace ?n ] } ORDER BY ?p")
    assert [(r["p"].value, r["n"].value, r["n"].datatype.value) for r in rows] == [
        ("rdfs", DECLARED["rdfs"], "http://www.w3.org/2001/XMLSchema#anyURI"),
        ("schema", DECLARED["schema"], "http://www.w3.org/2001/XMLSchema#anyURI")]
