"""The one writer (rdf/write.py): one prefix policy, compacted JSON-LD, datasets in their default graph."""

from __future__ import annotations

import json

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse

from culturegraph.config import Settings
from culturegraph.datasets import load_registry
from culturegraph.rdf import formats
from culturegraph.rdf.write import used_prefixes, write, writer_prefixes

BASE = "https://culturegraph.example/"
MUSEUM = NamedNode(f"{BASE}id/musee/M0963")
TRIPLES = [Triple(MUSEUM, NamedNode("http://schema.org/name"), Literal("musée de Brou", language="fr")),
           Triple(MUSEUM, NamedNode("http://schema.org/foundingDate"),
                  Literal("1922", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#gYear")))]


def test_a_graph_declares_the_prefixes_it_uses_datatypes_included() -> None:
    load_registry()  # the datasets' prefixes (musee:) are in the one table
    assert writer_prefixes(BASE)["musee"] == f"{BASE}id/musee/" and "cg" not in writer_prefixes(BASE)
    # rdf: for the language-tagged literal (its datatype is rdf:langString)
    assert set(used_prefixes(TRIPLES, writer_prefixes(BASE))) == {"musee", "schema", "xsd", "rdf"}
    turtle = write(TRIPLES, formats.TURTLE, Settings()).decode("utf-8")
    assert "@prefix musee: <https://culturegraph.example/id/musee/> ." in turtle
    assert "@prefix skos:" not in turtle
    assert {q.triple for q in parse(turtle.encode(), format=RdfFormat.TURTLE)} == set(TRIPLES)


def test_json_ld_is_compacted_with_our_context() -> None:
    document = json.loads(write(TRIPLES, formats.JSON_LD, Settings()))
    assert "@context" in document and not any(k.startswith("http://schema.org/") for k in document)


def test_triples_go_into_the_default_graph_of_a_dataset_format() -> None:
    nquads = write(TRIPLES, formats.by_name("nquads", formats.GRAPH_FORMATS), Settings())
    quads = list(parse(nquads, format=RdfFormat.N_QUADS))
    assert len(quads) == 2 and all(isinstance(q, Quad) and q.graph_name.__class__.__name__ == "DefaultGraph"
                                   for q in quads)
