"""Title keys and their resolution through the curated table (mappings/aides_presse/titles.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from culturegraph.mappings.aides_presse import HOME
from culturegraph.mappings.aides_presse.tables import load_families, load_titles
from culturegraph.mappings.aides_presse.titles import (
    TitleTable,
    glued_family,
    issn_ok,
    looks_truncated,
    title_key,
)

from .conftest import TSV


@pytest.fixture(scope="module")
def table() -> TitleTable:
    return load_titles(HOME / "tables/titres.csv")


@pytest.fixture(scope="module")
def families() -> list[str]:
    return list(load_families(HOME / "tables/familles.csv"))


@pytest.mark.parametrize(("raw", "key"), [
    ("MONDE", "MONDE"),
    ("Le Monde", "MONDE"),
    ("OUEST FRANCE -  DIMANCHE OUEST FRANCE", "OUEST FRANCE - DIMANCHE OUEST FRANCE"),
    ("Ouest-France – Dimanche Ouest-France", "OUEST FRANCE - DIMANCHE OUEST FRANCE"),
    ("DAUPHINE LIBERE - LE DAUPHINE LIBERE DIMANCHE", "DAUPHINE LIBERE - DAUPHINE LIBERE DIMANCHE"),
    ("L'Équipe", "EQUIPE"),
    ("VIE - Hebdomadaire chrétien D'actualité", "VIE - HEBDOMADAIRE CHRETIEN D'ACTUALITE"),
    ("METRONEWS -Toutes editions", "METRONEWS - TOUTES EDITIONS"),
    ("JOURNAL DE LA HAUTE ", "JOURNAL DE LA HAUTE"),
    ("  LES   ÉCHOS ", "ECHOS"),
])
def test_title_key(raw: str, key: str) -> None:
    assert title_key(raw) == key


def test_glued_family(families: list[str]) -> None:
    assert glued_family("SUD OUEST - SUD OUEST DIMANCHE PQR", families) == (
        "SUD OUEST - SUD OUEST DIMANCHE", "PQR")
    assert glued_family("MEDECINS SANS FRONTIERES INFO GROUPEMENTS", families) == (
        "MEDECINS SANS FRONTIERES INFO", "GROUPEMENTS")
    assert glued_family("ANNUAIRE TECH/PRO", families) == ("ANNUAIRE", "TECH/PRO")
    assert glued_family("MONDE", families) == ("MONDE", None)
    assert glued_family("PQR", families) == ("PQR", None)  # a title that is only a code stays itself


def test_time_international_keeps_its_name(table: TitleTable, families: list[str]) -> None:
    """'INTERNATIONAL' ends this title and is a family code: the table's key wins over the glue rule."""
    resolution = table.resolve("TIME INTERNATIONAL", families)
    assert (resolution.title.slug, resolution.glued_family) == ("time-international", None)


def test_every_row_of_2012_resolves_through_the_table(table: TitleTable, families: list[str]) -> None:
    with TSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == 200
    resolutions = [table.resolve(r["Titre"], families) for r in rows]
    assert {r.how for r in resolutions} == {"table"}
    assert len({r.title.slug for r in resolutions}) == 200  # one title per row: no two rows merged
    glued = {r.title.slug: r.glued_family for r in resolutions if r.glued_family}
    assert glued == {"sud-ouest": "PQR", "nice-matin": "PQR", "medecins-sans-frontieres-info": "GROUPEMENTS"}


@pytest.mark.parametrize(("raw", "slug", "label", "editions"), [
    ("OUEST FRANCE -  DIMANCHE OUEST FRANCE", "ouest-france", "Ouest-France", ("Dimanche Ouest-France",)),
    ("PARISIEN LE PARISIEN DIMANCHE", "le-parisien", "Le Parisien", ("Le Parisien Dimanche",)),
    ("Le Parisien", "le-parisien", "Le Parisien", ("Le Parisien Dimanche",)),
    ("MONDE", "le-monde", "Le Monde", ()),
])
def test_bundled_editions_resolve_to_their_title(table: TitleTable, raw: str, slug: str, label: str,
                                                 editions: tuple[str, ...]) -> None:
    title = table.resolve(raw).title
    assert (title.slug, title.label, title.editions) == (slug, label, editions)


def test_a_new_bundle_resolves_by_its_first_edition(table: TitleTable) -> None:
    resolution = table.resolve("OUEST FRANCE - OUEST FRANCE SUPPLEMENT TELE")
    assert (resolution.how, resolution.title.slug) == ("first edition", "ouest-france")


def test_unknown_title_gets_a_deterministic_slug(table: TitleTable) -> None:
    first = table.resolve("LA GAZETTE DU VAL D'ARGENT")
    again = table.resolve("Gazette du Val d'Argent")
    assert first.how == "minted" and not first.title.curated
    assert first.title.slug == again.title.slug == "gazette-du-val-d-argent"
    assert first.title.label == "GAZETTE DU VAL D'ARGENT"


def test_a_minted_slug_never_takes_a_curated_one(table: TitleTable) -> None:
    # "LE-MONDE" is not a key of the table but its slug would be le-monde (Le Monde's).
    minted = table.mint("LE MONDE HEBDO").slug
    assert minted == "le-monde-hebdo"
    clash = table.mint("MONDE!")  # slug("MONDE!") == "monde": free
    assert clash.slug == "monde"
    taken = table.mint("LE-MONDE")
    assert taken.slug.startswith("le-monde-") and taken.slug != "le-monde"
    assert taken.slug == table.mint("LE-MONDE").slug


def test_truncated_titles(table: TitleTable) -> None:
    assert looks_truncated("JOURNAL DE LA HAUTE") and looks_truncated("DES COMMUNES DES")
    assert not looks_truncated("MONDE") and not looks_truncated("REPUBLIQUE DU CENTRE")
    cut = table.resolve("JOURNAL DE LA HAUTE ").title
    assert cut.truncated and cut.label == "Le Journal de la Haute-Marne" and "tronqué" in cut.note
    assert table.resolve("Des Communes des ").title.truncated
    assert table.mint("ECHO DE LA").truncated


def test_issn_check_digit() -> None:
    assert issn_ok("0395-2037") and issn_ok("0182-5852")
    assert not issn_ok("0395-2038") and not issn_ok("03952037") and not issn_ok("0395-203")


def test_only_verified_identifiers_in_the_table(table: TitleTable) -> None:
    with_issn = {t.slug: t.issn for t in table.slugs.values() if t.issn}
    assert with_issn == {"le-monde": "0395-2037", "le-figaro": "0182-5852", "ouest-france": "0999-2138",
                         "la-croix": "0242-6056", "liberation": "0335-1793", "l-humanite": "0242-6870",
                         "les-echos": "0153-4831"}
    assert {t.slug: t.wikidata for t in table.slugs.values() if t.wikidata} == {"le-monde": "Q12461"}
    header = (HOME / "tables/titres.csv").read_text(encoding="utf-8")
    for title in table.slugs.values():  # each identifier is accounted for in the header comment
        for identifier in (title.issn, title.wikidata):
            assert identifier is None or identifier in header


@pytest.mark.parametrize(("row", "message"), [
    ({"issn": "0395-2038"}, "not a valid ISSN"),
    ({"wikidata": "12461"}, "not a Wikidata item id"),
    ({"slug": "Le Monde"}, "is not a slug"),
    ({"cle": "Le Monde"}, "not normalised"),
])
def test_table_errors_name_the_entry(row: dict[str, str], message: str, tmp_path: Path) -> None:
    base = {"cle": "MONDE", "autres_cles": "", "slug": "le-monde", "libelle": "Le Monde", "famille": "PQN",
            "editions": "", "issn": "", "wikidata": "", "tronque": "", "note": ""}
    with pytest.raises(ValueError, match=message) as err:
        TitleTable.from_rows([{**base, **row}], source="titres.csv")
    assert "titres.csv, entry 1" in str(err.value)


def test_two_titles_with_one_key_are_refused() -> None:
    rows = [{"cle": "MONDE", "slug": "le-monde", "libelle": "Le Monde"},
            {"cle": "FIGARO", "autres_cles": "MONDE", "slug": "le-figaro", "libelle": "Le Figaro"}]
    with pytest.raises(ValueError, match="already names 'le-monde'"):
        TitleTable.from_rows(rows)


def test_a_row_shifted_by_an_unquoted_semicolon_is_refused(tmp_path: Path) -> None:
    from culturegraph.mappings.aides_presse.tables import load_aid_types

    shipped = (HOME / "tables/types-aide.csv").read_text(encoding="utf-8")
    assert len(load_aid_types(HOME / "tables/types-aide.csv")) > 10  # the shipped table is well formed
    bad = tmp_path / "types-aide.csv"
    bad.write_text(shipped.replace('"Aides versées directement', "Aides versées directement")
                   .replace('chaque année."', "chaque année."), encoding="utf-8")  # unquoted again
    line = next(n for n, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("directes;"))
    with pytest.raises(ValueError, match=rf"types-aide.csv:{line}: 9 columns in the header"):
        load_aid_types(bad)
