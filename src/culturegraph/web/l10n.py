"""Numbers, dates and times as a page's language writes them (issue 13): the one formatter of the house.

The house templates reach it through :func:`culturegraph.web.i18n.number`; the datasets' panels through
their :class:`~culturegraph.datasets.PanelView` (``view.number``, ``view.date``, ``view.time``,
``view.text``: web/pages.PageView), so that a dataset never looks at the language itself and the house
knows no dataset.

French is what the pages have always shown (``16 juin 1917``, ``samedi 16 septembre 2023``, ``9 h 00``,
``549 268``); English is British in order and 24-hour (``16 June 1917``, ``Saturday 16 September 2023``,
``09:00``, ``549,268``). Why tables and not Babel: Babel is no dependency of the project, two languages
need twelve month names and seven weekday names each, and the pages want exactly these forms (French
without "1er", a time written "9 h 00"), which Babel's CLDR patterns would have to be bent into anyway.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
WEEKDAYS = {  # Monday first, as date.weekday() counts
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
PRECISIONS = ("day", "month", "year")
GROUPING = {"fr": "\u202f", "en": ","}  # French: a narrow no-break space (sources/values.french_number)
DECIMAL_MARK = {"fr": ",", "en": "."}


def _language(lang: str) -> str:
    return "en" if lang == "en" else "fr"


def number(value: int | float | Decimal | None, lang: str, decimals: int | None = None) -> str:
    """``12345`` → ``12 345`` (fr, narrow no-break space) or ``12,345`` (en); a decimal keeps its digits
    after the decimal mark, trailing zeros dropped (``Decimal("0.1930")`` → ``0,193`` / ``0.193``), or
    exactly ``decimals`` of them, rounded as ``format(value, '.2f')`` rounds (``0.875``, 2 → ``0,88`` /
    ``0.88``). ``None``: ``""``."""
    if value is None:
        return ""
    lang = _language(lang)
    try:
        exact = value if isinstance(value, Decimal) else Decimal(str(int(value) if isinstance(value, bool)
                                                                     else value))
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error
    if not exact.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if decimals is not None:  # rounded as Python's own format() rounds the value (a float: its binary value)
        exact = Decimal(format(value, f".{decimals}f"))
    sign = "-" if exact < 0 else ""
    whole, _, fraction = format(abs(exact), "f").partition(".")
    if decimals is None:
        fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", GROUPING[lang])
    return sign + grouped + (DECIMAL_MARK[lang] + fraction if fraction else "")


def date_text(value: date, precision: str, lang: str, *, weekday: bool = False) -> str:
    """A date at its precision: ``day`` (``16 juin 1917`` / ``16 June 1917``, with ``weekday``:
    ``samedi 16 septembre 2023`` / ``Saturday 16 September 2023``), ``month`` (``février 1919`` /
    ``February 1919``) or ``year`` (``1917``). The day and month of a coarser precision are ignored; a
    date-time is taken at its own wall-clock date (its time zone is not converted)."""
    lang = _language(lang)
    if precision not in PRECISIONS:
        raise ValueError(f"unknown date precision {precision!r} (one of {', '.join(PRECISIONS)})")
    if precision == "year":
        return str(value.year)
    month = MONTHS[lang][value.month - 1]
    if precision == "month":
        return f"{month} {value.year}"
    day = f"{value.day} {month} {value.year}"
    return f"{WEEKDAYS[lang][value.weekday()]} {day}" if weekday else day


def time_text(value: time | datetime, lang: str) -> str:
    """A time of day, hours and minutes, as written (no time zone conversion, none shown):
    ``14 h 30`` / ``14:30``, midnight ``0 h 00`` / ``00:00``."""
    if _language(lang) == "en":
        return f"{value.hour:02d}:{value.minute:02d}"
    return f"{value.hour} h {value.minute:02d}"


def choose(fr: str, en: str | None, lang: str) -> str:
    """The French text or, in English, the English one when there is one (else the French)."""
    return en if _language(lang) == "en" and en else fr


class Formatter:
    """The formatter of one language (what a panel's view delegates to)."""

    def __init__(self, lang: str) -> None:
        self.lang = _language(lang)

    def number(self, value: int | float | Decimal | None, decimals: int | None = None) -> str:
        return number(value, self.lang, decimals)

    def date(self, value: date, precision: str = "day", *, weekday: bool = False) -> str:
        return date_text(value, precision, self.lang, weekday=weekday)

    def time(self, value: time | datetime) -> str:
        return time_text(value, self.lang)

    def text(self, fr: str, en: str | None = None) -> str:
        return choose(fr, en, self.lang)
