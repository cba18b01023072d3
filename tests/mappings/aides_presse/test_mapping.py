"""The press-aid mapping on the whole shipped table, on a synthetic annual table of the portal's documented
shape, and on edge cases (facts recomputed from the source files with the csv module, not the reader)."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from culturegraph.mappings.aides_presse.tables import Status, parse_montant

from .conftest import FIXTURES, TSV, Mapped, map_files, read

BASE = "https://culturegraph.example/"
KGO = BASE + "def/culture/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def source_rows() -> list[dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def grants(mapped: Mapped) -> dict[str, str]:
    return {s.value: "" for s, p, o in mapped.triples
            if p.value == RDF_TYPE and o.value == KGO + "ObservationAidePresse"}


@pytest.mark.parametrize(("raw", "value"), [
    ("18685441", Decimal("18685441")), ("1 234 567,89", Decimal("1234567.89")),
    ("250000,50", Decimal("250000.50")),
    ("12 345 €", Decimal("12345")), ("N.c.", Status("nc")), ("n.c", Status("nc")), ("NC", Status("nc")),
])
def test_parse_montant(raw: str, value: object) -> None:
    parsed = parse_montant(raw)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize("raw", ["-5", "abc", "1.2.3"])
def test_parse_montant_refuses(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_montant(raw)


def test_every_row_is_mapped_or_quarantined_with_a_reason(real: Mapped) -> None:
    (result,) = real.read
    read = (result.vintage, result.rows, len(result.records), result.problems)
    assert read == ("top200-2012", 200, 200, [])
    quarantined = [p for p in real.problems if p.action == "row quarantined"]
    assert quarantined == []
    # Each of the 200 rows has its total: one total observation per row, under 200 different titles.
    totals = [s for s in grants(real) if s.endswith("/annee/2012/type-aide/total")]
    assert len(totals) == 200
    assert all(p.reason for p in real.problems)


def test_amounts_are_the_source_figures(real: Mapped) -> None:
    rows = source_rows()
    expected = Counter()
    for column in ("Total des aides en €", "Dont postale", "Dont aides aux tiers", "Dont aides directes"):
        expected[column] = sum(int(r[column]) for r in rows if r[column].strip())
    amounts: Counter[str] = Counter()
    names = {"total": "Total des aides en €", "postale": "Dont postale", "tiers": "Dont aides aux tiers",
             "directes": "Dont aides directes"}
    for s, p, o in real.triples:
        if p.value == KGO + "montant":
            amounts[names[s.value.rsplit("/", 1)[-1]]] += int(Decimal(o.value))
    assert amounts == expected
    assert expected["Total des aides en €"] == 306_089_978
    empty = sum(1 for r in rows for c in names.values() if not r[c].strip())
    assert len(grants(real)) == 4 * 200 - empty  # an empty amount is no observation, never 0


def test_empty_amounts_and_zero_circulation_are_reported(real: Mapped) -> None:
    rows = source_rows()
    by_reason = Counter(p.reason.split(":")[0] for p in real.problems if p.action == "value dropped")
    zero_circulation = [r for r in rows if r["Diffusion / an 2012"].strip() == "0"]
    assert by_reason["circulation 0 and no aid per copy"] == len(zero_circulation) == 28
    pairs = [("Total des aides en €", "Aides totales par exemplaire en €"),
             ("Dont postale", "Aides postales par exemplaire en €"),
             ("Dont aides aux tiers", "Aides aux tiers par exemplaire en €"),
             ("Dont aides directes", "Aides directes par exemplaire en €")]
    ratio_of_unknown = sum(1 for r in rows for amount, ratio in pairs
                           if not r[amount].strip() and r[ratio].strip())
    assert ratio_of_unknown == 109
    assert sum(n for reason, n in by_reason.items() if "whose amount is empty" in reason) == ratio_of_unknown
    dropped = {(p.line, p.header) for p in real.problems if p.action == "value dropped"}
    assert (25, "Diffusion / an 2012") in dropped  # PETIT QUOTIDIEN: 0 copies, ratios empty


def test_families_glued_to_titles_are_reported(real: Mapped) -> None:
    normalised = {(p.line, p.value): p.reason for p in real.problems if p.action == "value normalised"}
    assert set(normalised) == {(19, "SUD OUEST - SUD OUEST DIMANCHE PQR"),
                               (35, "NICE MATIN - NICE MATIN DIMANCHE PQR"),
                               (138, "MEDECINS SANS FRONTIERES INFO GROUPEMENTS")}
    assert "read from the title" in normalised[(138, "MEDECINS SANS FRONTIERES INFO GROUPEMENTS")]
    msf = BASE + "id/titre-presse/medecins-sans-frontieres-info"
    assert real.objects(msf, "http://purl.org/dc/terms/type") == [BASE + "def/famille-presse/groupements"]


def test_online_titles_have_no_family(real: Mapped) -> None:
    for slug in ("epresse-fr", "20minutes-fr", "slate-fr"):
        assert real.objects(BASE + f"id/titre-presse/{slug}", "http://purl.org/dc/terms/type") == []


def test_only_used_concepts_with_their_ancestors(real: Mapped) -> None:
    concepts = {s.value for s, p, o in real.triples
                if p.value == RDF_TYPE and o.value == "http://www.w3.org/2004/02/skos/core#Concept"}
    assert {c for c in concepts if "/def/type-aide/" in c} == {
        BASE + f"def/type-aide/{c}" for c in ("total", "postale", "tiers", "directes")}
    assert len([c for c in concepts if "/def/famille-presse/" in c]) == 12
    assert not any("/def/statut-montant/" in c for c in concepts)  # no « N.c. » in 2012


# --- the portal's annual tables (synthetic, in the documented shape) -------------------------------------

@pytest.fixture(scope="module")
def portal() -> Mapped:
    return map_files(FIXTURES / "portail-synthetique.csv")


def test_portal_table_is_one_alias_entry(portal: Mapped) -> None:
    (result,) = portal.read
    read = (result.vintage, len(result.records), result.problems, result.warnings)
    assert read == ("portail-libelles", 4, [], [])


def test_portal_table_in_field_ids_reads_the_same(tmp_path: Path, portal: Mapped) -> None:
    ids = ["annee", "titre", "societe_editrice", "aide_au_pluralisme",
           "aide_au_pluralisme_des_hebdomadaires_regionaux_et_locaux", "aide_aux_services_de_presse_en_ligne",
           "aide_au_portage", "aides_a_l_investissement_fsdp", "aide_a_la_distribution_de_la_pqn",
           "aide_a_la_modernisation_sociale", "aides_exceptionnelles", "total_des_aides"]
    text = (FIXTURES / "portail-synthetique.csv").read_text(encoding="utf-8-sig").splitlines()
    copy = tmp_path / "portail-identifiants.csv"
    copy.write_text("\n".join([";".join(ids), *text[1:]]) + "\n", encoding="utf-8")
    mapped = map_files(copy)
    assert mapped.read[0].vintage == "portail-identifiants"
    assert sorted(map(str, mapped.triples)) == sorted(map(str, portal.triples))


def test_portal_years_and_types_come_from_the_data(portal: Mapped) -> None:
    observed = sorted(s.removeprefix(BASE + "data/aides-presse/titre/") for s in grants(portal))
    assert "le-monde/annee/2020/type-aide/exceptionnelle" in observed
    assert "le-monde/annee/2019/type-aide/exceptionnelle" not in observed  # empty: unknown, no observation
    assert not any("postale" in o for o in observed)  # an aid type the vintage does not have
    assert len(observed) == 6 + 5 + 5 + 2
    monde_2019 = BASE + "data/aides-presse/titre/le-monde/annee/2019/type-aide/investissement"
    assert portal.objects(monde_2019, KGO + "montant") == ["250000.5"]


def test_non_communicable_is_a_status_not_an_amount(portal: Mapped) -> None:
    obs = BASE + "data/aides-presse/titre/l-humanite/annee/2019/type-aide/portage"
    assert portal.objects(obs, KGO + "montant") == []
    assert portal.objects(obs, "http://schema.org/amount") == []
    assert portal.objects(obs, "http://purl.org/linked-data/sdmx/2009/attribute#obsStatus") == [
        BASE + "def/statut-montant/nc"]
    notation = "http://www.w3.org/2004/02/skos/core#notation"
    assert portal.objects(BASE + "def/statut-montant/nc", notation) == ["N.c."]


def test_portal_titles_and_publishers(portal: Mapped) -> None:
    monde = BASE + "id/titre-presse/le-monde"
    publisher = BASE + "id/organisation/societe-editrice-du-monde"
    assert portal.objects(monde, "http://schema.org/publisher") == [publisher]
    assert portal.objects(monde, KGO + "libelleSource") == ["Le Monde"]
    gazette = BASE + "id/titre-presse/gazette-du-val-d-argent"
    assert portal.objects(gazette, KGO + "titreNonCure") == ["true"]
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert portal.objects(gazette, label) == ["GAZETTE DU VAL D'ARGENT"]
    minted = [p for p in portal.problems if "not in tables/titres.csv" in p.reason]
    assert [(p.line, p.header) for p in minted] == [(5, "Titre")]
    # The ancestors of the types used are emitted (the sum rule walks skos:broader in this graph).
    assert portal.objects(BASE + "def/type-aide/portage", "http://www.w3.org/2004/02/skos/core#broader") == [
        BASE + "def/type-aide/directes"]


def test_a_row_without_year_is_quarantined(tmp_path: Path) -> None:
    copy = tmp_path / "sans-annee.csv"
    copy.write_text("Titre;Total des aides;Année\nLe Monde;12;\n", encoding="utf-8")
    with pytest.raises(Exception, match="header matches no known vintage"):
        read(copy)  # "Année" is required by the portal vintages' columns, not its value
    lines = (FIXTURES / "portail-synthetique.csv").read_text(encoding="utf-8-sig").splitlines()
    copy.write_text("\n".join([lines[0], ";" + lines[1].split(";", 1)[1]]) + "\n", encoding="utf-8")
    mapped = map_files(copy)
    assert [(p.line, p.action) for p in mapped.problems] == [(2, "row quarantined")]
    assert mapped.triples == []


def test_a_second_row_for_a_title_and_year_is_quarantined(tmp_path: Path) -> None:
    lines = (FIXTURES / "portail-synthetique.csv").read_text(encoding="utf-8-sig").splitlines()
    copy = tmp_path / "doublon.csv"
    twice = [lines[0], lines[1], lines[1].replace("Le Monde", "MONDE")]
    copy.write_text("\n".join(twice) + "\n", encoding="utf-8")
    mapped = map_files(copy)
    assert [(p.line, p.action) for p in mapped.problems] == [(3, "row quarantined")]
    assert "second row for title 'le-monde' in 2019 (first at line 2)" in mapped.problems[0].reason


# --- the portal's groups table (synthetic, in the documented shape) ---------------------------------------

def test_groups_table() -> None:
    mapped = map_files(groups=(FIXTURES / "groupes-synthetique.csv",))
    assert mapped.inputs.files["aides-presse-groupes"][0].vintage == "portail-groupes-libelles"
    monde = BASE + "id/organisation/groupe-le-monde"
    obs = BASE + "data/aides-presse/groupe/groupe-le-monde/annee/2020/type-aide/total"
    assert mapped.objects(obs, KGO + "groupePresse") == [monde]
    assert mapped.objects(obs, "http://schema.org/fundedItem") == [monde]
    assert mapped.objects(obs, KGO + "montant") == ["10100000.5"]
    cube = BASE + "data/aides-presse/groupes"
    assert mapped.objects(obs, "http://purl.org/linked-data/cube#dataSet") == [cube]
    assert "http://www.w3.org/ns/org#Organization" in mapped.objects(monde, RDF_TYPE)
    unknown = BASE + "data/aides-presse/groupe/groupe-val-d-argent/annee/2020/type-aide/total"
    assert mapped.objects(unknown, KGO + "montant") == []
    assert mapped.objects(unknown, "http://purl.org/linked-data/sdmx/2009/attribute#obsStatus") == [
        BASE + "def/statut-montant/nc"]
