"""A published remark's RDF (/graph/remarques) uses only declared, labelled terms."""

from __future__ import annotations

import rdflib
from pyoxigraph import NamedNode
from rdflib.namespace import OWL, RDF, RDFS

from culturegraph.config import DEFAULT_BASE_IRI, PROJECT_ROOT
from culturegraph.remarks.annotation import remark_quads
from culturegraph.remarks.model import Remark

ONTOLOGY = PROJECT_ROOT / "ontology"
GRAPH = NamedNode(DEFAULT_BASE_IRI + "graph/remarques")


def remark() -> Remark:
    # Every optional part present: a value selector, a proposed value and a curator's reply.
    return Remark(id="r1", target=DEFAULT_BASE_IRI + "id/musee/M0963", kind="error", text="Mauvaise commune",
                  created="2026-12-01T10:00:00Z", modified="2026-12-02T10:00:00Z", status="accepted",
                  predicate="http://schema.org/containedInPlace",
                  value=f"<{DEFAULT_BASE_IRI}id/commune/01053>", value_label="Bourg-en-Bresse",
                  proposed="Brou", reply="Merci, corrigé dans la prochaine version.")


def vocabularies() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in [ONTOLOGY / "culturegraph.ttl", *sorted((ONTOLOGY / "vocabularies").glob("*.ttl")),
                 *sorted((ONTOLOGY / "labels").glob("*.ttl"))]:
        g.parse(path, format="turtle")
    return g


def test_every_class_and_property_of_a_published_remark_is_labelled_in_french_and_english():
    quads = remark_quads(remark(), DEFAULT_BASE_IRI, GRAPH)
    classes = {q.object.value for q in quads if q.predicate.value == str(RDF.type)}
    terms = {q.predicate.value for q in quads} | classes
    vocab = vocabularies()
    labels = {t: {label.language for label in vocab.objects(rdflib.URIRef(t), RDFS.label)} for t in terms}
    assert {t: langs for t, langs in labels.items() if langs != {"fr", "en"}} == {}


def test_our_own_remark_terms_are_declared_in_the_ontology():
    quads = remark_quads(remark(), DEFAULT_BASE_IRI, GRAPH)
    ours = {q.predicate.value for q in quads} | {q.object.value for q in quads}
    ours = {t for t in ours if t.startswith(DEFAULT_BASE_IRI + "def/culture/")}
    assert ours == {DEFAULT_BASE_IRI + "def/culture/ValueSelector", DEFAULT_BASE_IRI + "def/culture/status"}
    vocab = vocabularies()
    declared = {str(s) for kind in (OWL.Class, OWL.DatatypeProperty, OWL.ObjectProperty)
                for s in vocab.subjects(RDF.type, kind)}
    assert ours <= declared
    ontology = rdflib.URIRef(DEFAULT_BASE_IRI + "def/culture")
    for term in ours:
        assert (rdflib.URIRef(term), RDFS.isDefinedBy, ontology) in vocab
