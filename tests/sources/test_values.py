"""The value parsers of culturegraph.sources.values, on the forms seen in the shipped files
(docs/datasets.md §1-2, docs/sources.md) and on the dirty forms they must refuse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from culturegraph.mappings import _codes

from culturegraph.sources import values as v


@pytest.mark.parametrize(("raw", "expected"), [
    ("53088", 53088),
    ("0", 0),
    ("12 345", 12345),  # French thousands separator: space,
    ("12\u00a0345", 12345),  # no-break space,
    ("1\u202f234\u202f567", 1234567),  # narrow no-break space
    ("12345.0", 12345),  # spreadsheet leftover
    ("12345,00", 12345),
])
def test_integer_french_forms(raw: str, expected: int) -> None:
    assert v.parse_integer(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("1.000", "ambiguous"),  # 1000 with a dot as thousands separator, or 1.0? never guess
    ("12,000", "ambiguous"),
    ("-5", "negative count"),
    ("12.5", "not an integer"),
    ("douze", "not an integer"),
    ("1 2 3 4x", "not an integer"),
])
def test_integer_refuses(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as err:
        v.parse_integer(raw)
    assert repr(raw) in str(err.value)  # the curator sees the value


@pytest.mark.parametrize(("raw", "expected"), [
    ("0,1931", Decimal("0.1931")),  # decimal comma (press-aid ratios)
    ("0,036", Decimal("0.036")),
    ("48.824977", Decimal("48.824977")),
    ("-56.175795", Decimal("-56.175795")),
    ("1 234,5", Decimal("1234.5")),
])
def test_decimal(raw: str, expected: Decimal) -> None:
    assert v.parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["1e5", "NaN", "Infinity", "1.234,5", "0,19,31", "abc"])
def test_decimal_refuses(raw: str) -> None:
    with pytest.raises(ValueError, match="not a decimal number"):
        v.parse_decimal(raw)


def test_latitude_longitude_ranges() -> None:
    assert v.parse_latitude("46.196549") == Decimal("46.196549")
    assert v.parse_longitude("-56.175795") == Decimal("-56.175795")
    with pytest.raises(ValueError, match="latitude out of range"):
        v.parse_latitude("91")
    with pytest.raises(ValueError, match="longitude out of range"):
        v.parse_longitude("180,5")


def test_latlon_pair_is_lat_first() -> None:
    assert v.parse_latlon("48.824977,7.482915") == (Decimal("48.824977"), Decimal("7.482915"))
    assert v.parse_latlon(" 46.777283 , -56.175795 ") == (Decimal("46.777283"), Decimal("-56.175795"))
    with pytest.raises(ValueError, match="'lat,lon' pair"):
        v.parse_latlon("48.8")
    with pytest.raises(ValueError, match="latitude out of range"):
        v.parse_latlon("148.824977,7.482915")  # swapped order


@pytest.mark.parametrize(("raw", "expected"), [
    ("01/02/2003", date(2003, 2, 1)),  # dd/mm/yyyy: the law's transitional date, not 2 January
    ("14/01/2011", date(2011, 1, 14)),
    ("1/2/2003", date(2003, 2, 1)),
    ("2003-02-01 00:00:00", date(2003, 2, 1)),  # the other format of the old export (119 rows)
    ("2003-02-01T00:00:00", date(2003, 2, 1)),
    ("2021-11-26", date(2021, 11, 26)),  # Muséofile dmaj
])
def test_date_both_formats(raw: str, expected: date) -> None:
    assert v.parse_date(raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("31/02/2003", "impossible date"),
    ("2003-13-01", "impossible date"),
    ("2003-02-01 12:30:00", "not a date"),  # a time we would silently drop
    ("02/2003", "not a date"),
    ("Tue Mar 25 00:00:00 CET 2025", "not a date"),
])
def test_date_refuses(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        v.parse_date(raw)


@pytest.mark.parametrize(("raw", "expected"), [("2014", 2014), ("1934", 1934), (" 2023 ", 2023)])
def test_year(raw: str, expected: int) -> None:
    assert v.parse_year(raw) == expected


@pytest.mark.parametrize("raw", ["Inconnu", "05/04/1900", "214", "3014", "2014.0"])
def test_year_refuses(raw: str) -> None:
    with pytest.raises(ValueError, match="not a year"):
        v.parse_year(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("OUI", True), ("NON", False), ("oui", True), (" Non ", False), ("O", True), ("N", False),
])
def test_oui_non(raw: str, expected: bool) -> None:
    assert v.parse_oui_non(raw) is expected


def test_oui_non_leaked_java_date_is_normalised_away() -> None:
    """`ferme` holds Java's Date.toString() in 9 rows: recognised, replaced by no value, and reported."""
    result = v.parse_oui_non("Tue Mar 25 00:00:00 CET 2025")
    assert isinstance(result, v.Normalised)
    assert "Tue Mar 25 00:00:00 CET 2025" in result
    assert "instead of OUI/NON" in result


def test_oui_non_refuses_other_text() -> None:
    with pytest.raises(ValueError, match="expected OUI or NON"):
        v.parse_oui_non("peut-être")


@pytest.mark.parametrize(("raw", "expected"), [
    ("F", "F"), ("NC", "NC"), ("R", "R"), ("nc", "NC"), ("F.", "F"),
])
def test_note_codes(raw: str, expected: str) -> None:
    assert _codes.parse_note_code(raw) == expected


def test_note_code_refuses_unknown() -> None:
    with pytest.raises(ValueError, match="expected F, NC or R"):
        _codes.parse_note_code("SO")


@pytest.mark.parametrize(("raw", "expected"), [
    ("0105301", "0105301"),
    ("810501", "0810501"),  # the leading zero lost in 9 rows of the shipped files
    ("2A00401", "2A00401"),  # Corsica
    ("2b04201", "2B04201"),
    ("9750202", "9750202"),
])
def test_patrimostat(raw: str, expected: str) -> None:
    assert _codes.parse_patrimostat(raw) == expected


@pytest.mark.parametrize("raw", ["10501", "01053011", "M0963", "2C00401", "6015903 ; 6015901"])
def test_patrimostat_refuses(raw: str) -> None:
    with pytest.raises(ValueError, match="not a Patrimostat code"):
        _codes.parse_patrimostat(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("01053", "01053"), ("2722", "02722"), ("2639", "02639"), ("2A004", "2A004"), ("2b033", "2B033"),
    ("97502", "97502"),
])
def test_insee_commune(raw: str, expected: str) -> None:
    assert v.normalise_insee_commune(raw) == expected


@pytest.mark.parametrize("raw", ["123", "750566", "2A0040", "PARIS"])
def test_insee_commune_refuses(raw: str) -> None:
    with pytest.raises(ValueError, match="not an INSEE commune code"):
        v.normalise_insee_commune(raw)


@pytest.mark.parametrize(("commune", "departement"), [
    ("01053", "01"), ("2A004", "2A"), ("75116", "75"), ("97105", "971"), ("97502", "975"), ("98818", "988"),
])
def test_departement_of_commune(commune: str, departement: str) -> None:
    assert v.departement_of_commune(commune) == departement


def test_museofile_id() -> None:
    assert _codes.parse_museofile_id("M0963") == "M0963"
    assert _codes.parse_museofile_id("m0963") == "M0963"
    for raw in ("5052", "M0198-1", "M963"):  # seen in the old export's id_museofile
        with pytest.raises(ValueError, match="not a Muséofile id"):
            _codes.parse_museofile_id(raw)


def test_postcode() -> None:
    assert v.parse_postcode("75116") == "75116"
    assert v.parse_postcode("8000") == "08000"
    with pytest.raises(ValueError, match="not a postcode"):
        v.parse_postcode("F-75116")


@pytest.mark.parametrize(("raw", "expected"), [
    ("www.museedupaysdehanau.eu", "http://www.museedupaysdehanau.eu"),
    ("musee-aaa.com/", "http://musee-aaa.com/"),
    ("https://www.musee-marine.fr/", "https://www.musee-marine.fr/"),
    ("/www.lecompa.fr/", "http://www.lecompa.fr/"),
    ("http://www.x.fr:8080/a?b=c#d", "http://www.x.fr:8080/a?b=c#d"),
])
def test_url_gets_a_scheme(raw: str, expected: str) -> None:
    assert v.parse_url(raw) == expected


@pytest.mark.parametrize("raw", [
    "hwww.abbeville.fr/loisirs/musee-boucher-de-perthes.html",  # a cut scheme (2022 register, M0811)
    "httpwww.x.fr/", "http:/www.x.fr/",
    "html#.YFtE-ZvjLZ4",  # no host (M1137)
    "www.x.fr/Quoi Faire/a.jpg",  # spaces (M0931)
    "http://musee/index.html", "http://x.fr\"/",
])
def test_damaged_url_is_kept_as_written_and_is_no_iri(raw: str) -> None:
    value = v.parse_url(raw)
    assert value == v.collapse(raw)
    assert not v.is_web_iri(value)


@pytest.mark.parametrize("raw", ["en cours de réalisation", "néant"])
def test_url_refuses(raw: str) -> None:
    with pytest.raises(ValueError, match="not a web address"):
        v.parse_url(raw)


def test_text_keeps_line_breaks_and_string_collapses_spaces() -> None:
    assert v.parse_text("  Créé en 1934.\r\nRénové en 2013.\r") == "Créé en 1934.\nRénové en 2013."
    assert v.parse_string("  musée   de\u00a0Brou \n") == "musée de Brou"


def test_every_alias_type_has_a_parser() -> None:
    """The alias tables name parsers by type: a typo there must not reach a build."""
    import tomllib

    from culturegraph.config import PROJECT_ROOT
    from culturegraph.datasets import load_registry

    registry = load_registry()
    assert registry.alias_tables()
    for path in sorted(registry.alias_tables().values()):
        assert path.is_relative_to(PROJECT_ROOT / "mappings")
        fields = tomllib.loads(path.read_text(encoding="utf-8"))["fields"]
        for name, spec in fields.items():
            assert spec.get("type", "string") in registry.parsers(), f"{path.name}: {name}"


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (1234567, "1\u202f234\u202f567"), (Decimal("18685441.0"), "18\u202f685\u202f441"),
    (Decimal("0.1931"), "0,1931"), (Decimal("1234.50"), "1\u202f234,5"), (-1200, "-1\u202f200"),
    (Decimal("-0.5"), "-0,5"), (2.5, "2,5"),
])
def test_french_number(value: int | float | Decimal, text: str) -> None:
    assert v.french_number(value) == text
