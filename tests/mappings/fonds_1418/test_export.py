"""``culturegraph export edm``: the fonds as EDM RDF/XML, read back with rdflib (an RDF/XML parser other
than the writer) and checked class by class; one file, or one per record."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from culturegraph.mappings.fonds_1418.export import edm_triples, per_record, write_edm
from pyoxigraph import Quad, Store

from culturegraph.cli import main
from culturegraph.config import Settings
from culturegraph.pipeline.stages import load_vocabularies
from culturegraph.rdf.terms import DEFAULT_MINTER

from .conftest import fonds, map_dataset

EDM = rdflib.Namespace("http://www.europeana.eu/schemas/edm/")
ORE = rdflib.Namespace("http://www.openarchives.org/ore/terms/")
DC = rdflib.Namespace("http://purl.org/dc/elements/1.1/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
PHOTO = "https://culturegraph.example/id/photographie/"


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    store.bulk_extend(fonds().quads())
    graph = DEFAULT_MINTER.graph("geographie")
    store.bulk_extend([Quad(s, p, o, graph) for s, p, o in map_dataset("geographie").triples])
    load_vocabularies(store, Settings(), DEFAULT_MINTER)
    return store


@pytest.fixture(scope="module")
def exported(store: Store) -> rdflib.Graph:
    body = write_edm(edm_triples(store, DEFAULT_MINTER))
    assert body.startswith(b"<?xml") and b"<edm:ProvidedCHO rdf:about=" in body  # typed nodes, as EDM's XSD
    return rdflib.Graph().parse(data=body, format="xml")


def test_every_published_photo_is_a_provided_object_with_its_aggregation(exported: rdflib.Graph) -> None:
    chos = set(exported.subjects(rdflib.RDF.type, EDM.ProvidedCHO))
    assert len(chos) == 136
    aggregations = set(exported.subjects(rdflib.RDF.type, ORE.Aggregation))
    assert {exported.value(a, EDM.aggregatedCHO) for a in aggregations} == chos
    for a in aggregations:
        assert exported.value(a, EDM.isShownAt) is not None
        assert exported.value(a, EDM.dataProvider) is not None
        assert exported.value(a, EDM.provider) is not None
        assert exported.value(a, EDM.rights) is None  # the source states none: none is invented
    for cho in chos:
        assert exported.value(cho, DC.title) is not None and str(exported.value(cho, EDM.type)) == "IMAGE"
    # the 2018 extract's thumbnail and larger image (100 × 2), the 2016 extract's thumbnail (36 captioned)
    assert len(set(exported.subjects(rdflib.RDF.type, EDM.WebResource))) == 236


def test_contextual_entities_and_the_precision_of_dates(exported: rdflib.Graph) -> None:
    dizy = rdflib.URIRef(PHOTO + "APZ0007782")  # 1919.02
    assert str(exported.value(dizy, DCTERMS.created)) == "1919-02"
    span = rdflib.URIRef(PHOTO + "APZ0007782#date")
    assert (str(exported.value(span, EDM.begin)), str(exported.value(span, EDM.end))) == ("1919-02-01",
                                                                                          "1919-02-28")
    brissy = rdflib.URIRef("https://culturegraph.example/id/agent/brissy-edouard")
    assert (brissy, rdflib.RDF.type, EDM.Agent) in exported
    soissons = rdflib.URIRef("https://culturegraph.example/id/commune/02722")
    assert (soissons, rdflib.RDF.type, EDM.Place) in exported
    assert str(exported.value(soissons, SKOS.prefLabel)) == "Soissons"
    provider = rdflib.URIRef("https://culturegraph.example/id/organisation/mediatheque-patrimoine-photographie")
    assert (provider, rdflib.RDF.type, FOAF.Organization) in exported
    # Only the EDM profile's vocabularies: no schema.org, RiC-O or house terms.
    assert not [p for p in set(exported.predicates()) if "schema.org" in p or "ica.org" in p or "/def/" in p]


def test_one_file_per_record_holds_its_record_and_what_it_refers_to(store: Store, tmp_path: Path) -> None:
    records = per_record(edm_triples(store, DEFAULT_MINTER))
    assert len(records) == 136
    graph = rdflib.Graph().parse(data=write_edm(records["APTH002060"]), format="xml")
    assert set(graph.subjects(rdflib.RDF.type, EDM.ProvidedCHO)) == {rdflib.URIRef(PHOTO + "APTH002060")}
    assert len(set(graph.subjects(rdflib.RDF.type, ORE.Aggregation))) == 1
    theta = rdflib.URIRef("https://culturegraph.example/id/agent/operateur-theta")
    assert str(graph.value(theta, SKOS.prefLabel)) == "Opérateur Théta"


def test_the_command_is_registered_under_export(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["export", "--help"])
    assert listed.exit_code == 0 and "edm" in listed.output
    empty = runner.invoke(main, ["--store", str(tmp_path / "none"), "export", "edm"])
    assert empty.exit_code == 1 and "no graph built yet" in empty.output
