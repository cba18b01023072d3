"""The 14-18 fonds mapping on the shipped extracts: every record published or quarantined with its reason;
dates at their precision; operators parsed; communes repaired or refused, never guessed."""

from __future__ import annotations

from datetime import date

import pytest
from culturegraph.mappings.fonds_1418.agents import parse_agents
from culturegraph.mappings.fonds_1418.dates import PartialDate, parse_date_memoire
from culturegraph.mappings.fonds_1418.mapping import EDM
from pyoxigraph import Literal, NamedNode

from culturegraph.rdf.terms import RDF, XSD

from .conftest import Mapped

BASE = "https://culturegraph.example/"


def test_every_record_is_published_or_quarantined_with_a_reason(mapped: Mapped) -> None:
    assert [(r.vintage, r.rows) for r in mapped.read] == [("geojson-2018", 100), ("geojson-2016", 48)]
    chos = {str(s.value) for s, p, o in mapped.triples if p == RDF.type and o == EDM.ProvidedCHO}
    quarantined = {p.feature for p in mapped.problems if p.action == "row quarantined"}
    refused = [p for p in mapped.problems if p.action == "row quarantined"]
    assert all(p.reason for p in refused)
    assert len(chos) + len(refused) == 148
    assert len(chos) == len(mapped.records) == 136
    # The 12 refused are the 2016 records without a caption, named by their JSON pointer.
    assert {p.pointer for p in refused} == {f"/features/{i}/properties/text" for i in quarantined}
    assert all("no caption" in p.reason and p.file.endswith("2016.geojson") for p in refused)


@pytest.mark.parametrize(("raw", "literal", "begin", "end"), [
    ("1917.06.16", Literal("1917-06-16", datatype=XSD.date), date(1917, 6, 16), date(1917, 6, 16)),
    ("1916.02", Literal("1916-02", datatype=XSD.gYearMonth), date(1916, 2, 1), date(1916, 2, 29)),
    ("1918", Literal("1918", datatype=XSD.gYear), date(1918, 1, 1), date(1918, 12, 31)),
])
def test_dates_keep_their_precision(raw: str, literal: Literal, begin: date, end: date) -> None:
    parsed = parse_date_memoire(raw)
    assert (parsed.literal(), parsed.begin, parsed.end) == (literal, begin, end)


@pytest.mark.parametrize("raw", ["1917.13", "1917.02.30", "vers 1917", "17.06.1917"])
def test_impossible_dates_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match=raw.replace(".", r"\.")):
        parse_date_memoire(raw)


def test_operators_are_parsed_into_code_and_person() -> None:
    code, person = parse_agents("Opérateur D ; Brissy, Edouard")
    assert (code.slug, code.kind, code.label) == ("operateur-d", "code", "Opérateur D")
    assert (person.slug, person.kind, person.name) == ("brissy-edouard", "personne", "Edouard Brissy")
    (theta,) = parse_agents("Opérateur Théta (code armée, photographe)")
    assert (theta.slug, theta.note) == ("operateur-theta", "code armée, photographe")
    (corps,) = parse_agents("Corpo expedicionario português, RI, secçao fotografica")
    assert corps.kind == "organisation"


def test_shipped_dates_are_typed_at_the_source_precision(mapped: Mapped) -> None:
    created = [o for s, p, o in mapped.triples if p.value == "http://purl.org/dc/terms/created"]
    kinds = {o.datatype.value.rsplit("#")[1] for o in created}
    assert kinds == {"date", "gYearMonth", "gYear"}
    assert len(created) == 136  # every published record has a date (the one without is refused: no caption)
    assert PartialDate(1917).precision == "annee"


def test_communes_repaired_reported_or_left_out(mapped: Mapped) -> None:
    spatial = {(str(s.value).rsplit("/", 1)[1], str(o.value).rsplit("/", 1)[1]) for s, p, o in mapped.triples
               if p.value == "http://purl.org/dc/terms/spatial" and "/id/commune/" in str(o.value)}
    # 2639 (lost zero) → 02639; Suippes given 55559 (Villeroy-sur-Méholle) → 51559 by name in dép. 51;
    # Paris 08 → the 8th arrondissement; Mortefontaine (two in Picardie) → no commune.
    assert ("APD0004328", "02639") in spatial and ("APTH002310", "51559") in spatial
    assert ("APZ0008497", "75108") in spatial
    assert not [s for s, o in spatial if s == "APZ0000282"]
    reasons = [p.reason for p in mapped.problems]
    assert sum("without its leading zero" in r for r in reasons) == 8
    assert any("contradicts the INSEE code 60172" in r for r in reasons)
    assert any("2 communes named 'Mortefontaine'" in r for r in reasons)


def test_merimee_references_link_to_pop(mapped: Mapped) -> None:
    soissons = NamedNode(BASE + "id/photographie/APTH002060")
    relations = {o for s, p, o in mapped.triples if s == soissons and p.value.endswith("/terms/relation")}
    assert relations == {NamedNode("https://pop.culture.gouv.fr/notice/merimee/PA00115941")}
    refs = {o.value for s, p, o in mapped.triples if p.value.endswith("/referenceMerimee")}
    assert len(refs) == 13
