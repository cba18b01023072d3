"""The fast mode's pre-filter on small hand-written shapes: what it refuses falls back to plain pySHACL,
so the fast mode never finds less (the shipped shapes are covered by test_fixtures and test_shapes)."""

from __future__ import annotations

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.rdf.terms import Minter
from culturegraph.validation.prefilter import Unsupported, check_supported
from culturegraph.validation.shacl import validate_dataset

EX = "http://example.org/"
PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <{EX}> .
"""
NEGATIVE = """
        sh:sparql [
            sh:message "ex:p ne doit pas être négatif"@fr , "ex:p must not be negative"@en ;
            sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (?value < 0) }"
        ]"""
# A SPARQL constraint on a property shape nested in a node shape (the property shape has no targets).
NESTED = PREFIXES + f"""
ex:Thing a sh:NodeShape ;
    sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:maxCount 1 ; {NEGATIVE} ] .
"""
# A SPARQL constraint on a property shape with its own targets ($PATH is its path).
PROPERTY = PREFIXES + f"""
ex:P a sh:PropertyShape ;
    sh:targetClass ex:C ;
    sh:path ex:p ;
    sh:maxCount 1 ; {NEGATIVE} .
"""


def shapes(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize("text", [NESTED, PROPERTY], ids=["nested", "property-shape"])
def test_sparql_constraints_outside_targeted_node_shapes_are_refused(text):
    with pytest.raises(Unsupported):
        check_supported(shapes(text))
    # The same shapes without the SPARQL constraint are compiled.
    check_supported(shapes(text.replace(NEGATIVE, "")))


@pytest.mark.parametrize("text", [NESTED, PROPERTY], ids=["nested", "property-shape"])
@pytest.mark.parametrize("mode", ["fast", "pyshacl"])
def test_such_sparql_constraints_still_run_right(text, mode):
    """ex:a has ex:p -1 (fails) and ex:q -5 (another path: not this constraint's), ex:b has ex:p 3."""
    iris = Minter()
    graph = iris.graph("exemple")
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store = Store()
    for node, predicate, value in (("a", "p", -1), ("a", "q", -5), ("b", "p", 3)):
        store.add(Quad(NamedNode(f"{EX}{node}"), rdf_type, NamedNode(f"{EX}C"), graph))
        store.add(Quad(NamedNode(f"{EX}{node}"), NamedNode(f"{EX}{predicate}"), Literal(value), graph))
    conforms, findings = validate_dataset(store, iris, shapes(text), "exemple", mode)
    assert not conforms
    assert [(f.focus, f.value, f.message_en) for f in findings] == [
        (f"{EX}a", "-1", "ex:p must not be negative")]
