"""The press-aid vocabulary (mappings/aides_presse/vocabulary.ttl): the Data Cube structures the issue asks
for (title × year × aid type, one amount measure in euros as xsd:decimal; circulation and aid per copy with
their own units), the Ministry as funder, and the link property."""

from __future__ import annotations

import pytest
from culturegraph.mappings.aides_presse import DATASET, HOME
from pyoxigraph import RdfFormat, Store

BASE = "https://culturegraph.example/"
PREFIXES = f"""PREFIX qb: <http://purl.org/linked-data/cube#> PREFIX kgo: <{BASE}def/culture/>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
EUR = "http://publications.europa.eu/resource/authority/currency/EUR"


@pytest.fixture(scope="module")
def vocabulary() -> Store:
    store = Store()
    for name in DATASET.vocabulary:
        store.load(path=str(HOME / name), format=RdfFormat.TURTLE)
    return store


def values(store: Store, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(t.value for t in row) for row in store.query(PREFIXES + query))


def components(store: Store, dsd: str, kind: str) -> list[tuple[str, ...]]:
    return values(store, f"SELECT ?p WHERE {{ <{BASE}def/dsd/{dsd}> qb:component/qb:{kind} ?p }}")


def test_the_money_cube_is_title_by_year_by_aid_type_with_one_amount_in_euros(vocabulary: Store) -> None:
    dims = values(vocabulary, f"""SELECT ?order ?p WHERE {{
        <{BASE}def/dsd/aides-presse> qb:component [ qb:dimension ?p ; qb:order ?order ] }}""")
    assert dims == [("1", BASE + "def/culture/titrePresse"),
                    ("2", "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"),
                    ("3", BASE + "def/culture/typeAide")]
    assert components(vocabulary, "aides-presse", "measure") == [(BASE + "def/culture/montant",)]
    assert values(vocabulary, "SELECT ?r WHERE { kgo:montant rdfs:range ?r }") == [
        ("http://www.w3.org/2001/XMLSchema#decimal",)]
    # /data/aides-presse itself is described by the catalogue entry (DatasetSpec.catalogue): structure, unit.
    assert DATASET.catalogue is not None
    assert dict(DATASET.catalogue.extra) == {"qb:structure": "def/dsd/aides-presse",
                                             "sdmx-attribute:unitMeasure": EUR}
    unit = values(vocabulary, f"""SELECT ?required ?at WHERE {{ <{BASE}def/dsd/aides-presse> qb:component [
        qb:attribute sdmx-attribute:unitMeasure ; qb:componentRequired ?required ;
        qb:componentAttachment ?at ] }}""")
    assert unit == [("true", "http://purl.org/linked-data/cube#DataSet")]


def test_circulation_and_aid_per_copy_have_their_own_cubes_and_units(vocabulary: Store) -> None:
    assert components(vocabulary, "aides-presse-diffusion", "measure") == [
        (BASE + "def/culture/exemplairesDiffuses",)]
    assert components(vocabulary, "aides-presse-par-exemplaire", "measure") == [
        (BASE + "def/culture/aideParExemplaire",)]
    units = values(vocabulary, f"""SELECT ?cube ?unit WHERE {{
        VALUES ?cube {{ <{BASE}data/aides-presse/diffusion> <{BASE}data/aides-presse/aide-par-exemplaire> }}
        ?cube sdmx-attribute:unitMeasure ?unit }}""")
    assert units == [
        (f"{BASE}data/aides-presse/aide-par-exemplaire", f"{BASE}def/unite-mesure/euro-par-exemplaire"),
        (f"{BASE}data/aides-presse/diffusion", f"{BASE}def/unite-mesure/exemplaire")]


def test_the_ministry_is_a_public_organisation(vocabulary: Store) -> None:
    types = values(vocabulary, f"SELECT ?t WHERE {{ <{BASE}id/organisation/ministere-culture> a ?t }}")
    assert {"http://www.w3.org/ns/org#Organization", "http://data.europa.eu/m8g/PublicOrganisation"} <= {
        t for (t,) in types}


def test_the_link_property_is_labelled_in_both_languages(vocabulary: Store) -> None:
    labels = values(vocabulary, "SELECT (LANG(?l) AS ?lang) WHERE { kgo:departementDiffusion rdfs:label ?l }")
    assert labels == [("en",), ("fr",)]
    assert values(vocabulary, "SELECT ?p WHERE { kgo:departementDiffusion rdfs:subPropertyOf ?p }") == [
        ("http://schema.org/spatialCoverage",)]
