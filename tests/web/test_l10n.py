"""The one formatter of numbers, dates and times (web/l10n.py, issue 13): French as the pages have always
written them, English with comma grouping, British day order and a 24-hour clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from culturegraph.sources.values import french_number
from culturegraph.web import l10n
from culturegraph.web.l10n import Formatter

NNBSP = "\u202f"


@pytest.mark.parametrize(("value", "fr", "en"), [
    (0, "0", "0"), (7, "7", "7"), (1234, f"1{NNBSP}234", "1,234"), (549268, f"549{NNBSP}268", "549,268"),
    (-1234567, f"-1{NNBSP}234{NNBSP}567", "-1,234,567"),
    (Decimal("549268.00"), f"549{NNBSP}268", "549,268"), (Decimal("0.1930"), "0,193", "0.193"),
    (Decimal("1201034.75"), f"1{NNBSP}201{NNBSP}034,75", "1,201,034.75"),
    (Decimal("1E+3"), f"1{NNBSP}000", "1,000"),
    (2.5, "2,5", "2.5"), (-0.25, "-0,25", "-0.25"),
])
def test_numbers_in_both_languages(value: int | float | Decimal, fr: str, en: str) -> None:
    assert l10n.number(value, "fr") == fr == french_number(value)  # byte for byte what French pages had
    assert l10n.number(value, "en") == en


def test_a_fixed_number_of_decimals_rounds_as_format_does() -> None:
    assert l10n.number(0.875, "fr", decimals=2) == "0,88" and l10n.number(0.875, "en", decimals=2) == "0.88"
    assert l10n.number(1.0, "fr", decimals=2) == "1,00"  # the zeros are kept
    assert l10n.number(0.355, "en", decimals=2) == format(0.355, ".2f") == "0.35"  # its binary value
    assert l10n.number(1234.5, "en", decimals=0) == "1,234"  # half-even, as format()
    assert l10n.number(-0.001, "fr", decimals=2) == "0,00"  # no "-0,00"


def test_no_number_is_empty_and_a_non_number_is_an_error() -> None:
    assert l10n.number(None, "en") == l10n.number(None, "fr") == ""
    with pytest.raises(ValueError, match="not a finite number"):
        l10n.number(float("nan"), "en")
    with pytest.raises(ValueError, match="not a number"):
        l10n.number("douze", "fr")  # type: ignore[arg-type]


def test_an_unknown_language_is_french() -> None:
    assert l10n.number(1234, "de") == f"1{NNBSP}234"
    assert Formatter("xx").date(date(1917, 6, 16)) == "16 juin 1917"


@pytest.mark.parametrize(("value", "precision", "fr", "en"), [
    (date(1917, 6, 16), "day", "16 juin 1917", "16 June 1917"),
    (date(1917, 6, 1), "day", "1 juin 1917", "1 June 1917"),  # no "1er": as the pages wrote it
    (date(1919, 2, 1), "month", "février 1919", "February 1919"),
    (date(1919, 2, 14), "month", "février 1919", "February 1919"),  # a coarser precision drops the day
    (date(1917, 1, 1), "year", "1917", "1917"),
    (date(1917, 8, 31), "year", "1917", "1917"),
    (date(1918, 12, 31), "day", "31 décembre 1918", "31 December 1918"),
    (date(5, 3, 2), "year", "5", "5"),  # a year is written as a number, not padded
])
def test_dates_at_their_precision(value: date, precision: str, fr: str, en: str) -> None:
    assert l10n.date_text(value, precision, "fr") == fr
    assert l10n.date_text(value, precision, "en") == en


def test_every_month_and_weekday_has_a_name_in_each_language() -> None:
    monday = date(2024, 9, 9)
    for lang in ("fr", "en"):
        names = [l10n.date_text(date(2024, m, 1), "month", lang).split()[0] for m in range(1, 13)]
        assert names == list(l10n.MONTHS[lang]) and len(set(names)) == 12
        days = [l10n.date_text(monday + timedelta(days=d), "day", lang, weekday=True).split()[0]
                for d in range(7)]
        assert days == list(l10n.WEEKDAYS[lang]) and len(set(days)) == 7
    assert set(l10n.MONTHS["fr"]).isdisjoint(l10n.MONTHS["en"])
    assert set(l10n.WEEKDAYS["fr"]).isdisjoint(l10n.WEEKDAYS["en"])


def test_the_weekday_of_a_day() -> None:
    assert l10n.date_text(date(2024, 9, 14), "day", "en", weekday=True) == "Saturday 14 September 2024"
    assert l10n.date_text(date(2024, 9, 14), "day", "fr", weekday=True) == "samedi 14 septembre 2024"
    # a date-time keeps its own wall-clock date: 23:30 at UTC−5 is still the Saturday
    late = datetime(2024, 9, 14, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert l10n.date_text(late, "day", "en", weekday=True) == "Saturday 14 September 2024"


def test_an_unknown_precision_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown date precision 'jour'"):
        l10n.date_text(date(1917, 6, 16), "jour", "fr")


@pytest.mark.parametrize(("value", "fr", "en"), [
    (time(14, 30), "14 h 30", "14:30"), (time(9, 5), "9 h 05", "09:05"), (time(0, 0), "0 h 00", "00:00"),
    (time(23, 59, 59), "23 h 59", "23:59"),  # seconds are not shown (nor rounded up)
    (datetime(2023, 9, 16, 11, 0), "11 h 00", "11:00"),  # no time zone
    (datetime(2023, 9, 16, 11, 0, tzinfo=timezone(timedelta(hours=2))), "11 h 00", "11:00"),  # not converted
])
def test_times_of_day(value: time | datetime, fr: str, en: str) -> None:
    assert l10n.time_text(value, "fr") == fr and l10n.time_text(value, "en") == en


def test_the_formatter_of_a_language() -> None:
    fr, en = Formatter("fr"), Formatter("en")
    assert (fr.number(6382), en.number(6382)) == (f"6{NNBSP}382", "6,382")
    assert (fr.date(date(1919, 2, 1), "month"), en.date(date(1919, 2, 1), "month")) == ("février 1919",
                                                                                        "February 1919")
    assert (fr.time(time(14, 30)), en.time(time(14, 30))) == ("14 h 30", "14:30")
    assert (fr.text("jour", "day"), en.text("jour", "day")) == ("jour", "day")
    assert en.text("Muséofile") == en.text("Muséofile", "") == "Muséofile"  # no English: the French


def test_choose_the_text_of_a_language() -> None:
    assert l10n.choose("jour", "day", "en") == "day" and l10n.choose("jour", "day", "fr") == "jour"
    assert l10n.choose("jour", None, "en") == l10n.choose("jour", "", "en") == "jour"
    assert l10n.choose("jour", "day", "de") == "jour"  # French unless English
