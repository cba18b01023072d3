"""Typing and normalisation of source values: French numbers and dates, codes, flags. Each parser takes
the raw cell (already stripped, never empty) and returns a Python value or raises ``ValueError`` with a
reason a curator can read. They live once; readers and mappings never parse by hand."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Java's Date.toString() leaked into the ``ferme`` column: "Tue Mar 25 00:00:00 CET 2025".
_JAVA_DATE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d [A-Z]{3,4} \d{4}$")


class Normalised(str):
    """A value the parser recognised as a known dirty form and replaced by ``None``; the reader records it."""


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def parse_text(raw: str) -> str:
    """Long free text: keep line breaks, normalise line endings, strip the ends."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_string(raw: str) -> str:
    return collapse(raw)


def parse_integer(raw: str) -> int:
    """French integer: '12 345', '12\u00a0345', '12345', '12345.0' (spreadsheet leftovers).

    '1.000' or '1,000' is refused: with three digits after the separator it may be a thousands
    separator (1000) or a decimal part (1), and guessing would silently divide a count by 1000."""
    text = _SPACES.sub("", raw)
    match = re.fullmatch(r"(-?\d+)(?:[.,](0+))?", text)
    if match is None:
        raise ValueError(f"not an integer: {raw!r}")
    if match.group(2) is not None and len(match.group(2)) == 3:
        raise ValueError(f"ambiguous number {raw!r}: thousands separator or decimal part?")
    value = int(match.group(1))
    if value < 0:
        raise ValueError(f"negative count {raw!r}")
    return value


def parse_decimal(raw: str) -> Decimal:
    """French or English decimal: '0,1931', '48.824977', '1 234,5'."""
    text = _SPACES.sub("", raw).replace(",", ".")
    if not re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", text):
        raise ValueError(f"not a decimal number: {raw!r}")
    return Decimal(text)


def parse_latitude(raw: str) -> Decimal:
    value = parse_decimal(raw)
    if not -90 <= value <= 90:
        raise ValueError(f"latitude out of range: {raw!r}")
    return value


def parse_longitude(raw: str) -> Decimal:
    value = parse_decimal(raw)
    if not -180 <= value <= 180:
        raise ValueError(f"longitude out of range: {raw!r}")
    return value


def parse_year(raw: str) -> int:
    text = raw.strip()
    if re.fullmatch(r"\d{4}", text) and 1000 <= int(text) <= 2100:
        return int(text)
    raise ValueError(f"not a year: {raw!r}")


def parse_date(raw: str) -> date:
    """'01/02/2003' (dd/mm/yyyy), '2003-02-01', '2003-02-01 00:00:00', '2003-02-01T00:00:00'."""
    text = raw.strip()
    for pattern, fmt in (
        (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
        (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
        (r"\d{4}-\d{2}-\d{2}[ T]00:00:00", None),
    ):
        if re.fullmatch(pattern, text):
            try:
                if fmt is None:
                    return datetime.strptime(text[:10], "%Y-%m-%d").date()
                return datetime.strptime(text, fmt).date()
            except ValueError:
                raise ValueError(f"impossible date: {raw!r}") from None
    raise ValueError(f"not a date (expected dd/mm/yyyy or yyyy-mm-dd): {raw!r}")


def parse_oui_non(raw: str) -> bool | Normalised:
    text = collapse(raw).upper()
    if text in {"OUI", "O", "YES", "TRUE", "1"}:
        return True
    if text in {"NON", "N", "NO", "FALSE", "0"}:
        return False
    if _JAVA_DATE.match(collapse(raw)):
        return Normalised(f"date string {raw!r} instead of OUI/NON: value ignored")
    raise ValueError(f"expected OUI or NON: {raw!r}")


def commune_based_code(raw: str, width: int, error: str) -> str:
    """A code that starts with an INSEE commune code (``width`` characters in all): all digits, one leading
    zero restored when an export lost it, or a Corsican ``2A``/``2B`` code; ``error`` names it otherwise."""
    text = collapse(raw).upper()
    if re.fullmatch(rf"\d{{{width - 1},{width}}}", text):
        return text.zfill(width)
    if re.fullmatch(rf"2[AB]\d{{{width - 2}}}", text):
        return text
    raise ValueError(f"{error}: {raw!r}")


def normalise_insee_commune(raw: str) -> str:
    """INSEE (COG) commune code, 5 characters; '2722' → '02722', '2a004' → '2A004'."""
    return commune_based_code(raw, 5, "not an INSEE commune code")


def departement_of_commune(commune: str) -> str:
    """Département code derived from a commune code: '01053' → '01', '2A004' → '2A', '97105' → '971'."""
    return commune[:3] if commune.startswith("97") or commune.startswith("98") else commune[:2]


def parse_postcode(raw: str) -> str:
    text = collapse(raw)
    if re.fullmatch(r"\d{4,5}", text):
        return text.zfill(5)
    raise ValueError(f"not a postcode: {raw!r}")


# A host name: dot-separated labels (letters of any script, digits, inner hyphens), a top-level label of
# letters, an optional port.
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,63}(?::\d{1,5})?")
# What is left of a scheme typed over or cut: 'hwww.abbeville.fr/…' (three rows of the 2022 register).
_CUT_SCHEME = re.compile(r"^(?:h|ht|htt|https?|https?:/?)www\.", re.I)
# Characters an IRI cannot hold as such (RFC 3987): spaces, quotes, angle brackets, braces…
_NOT_IN_IRI = re.compile(r"[\s<>\"{}|\\^`]")


def is_web_iri(text: str) -> bool:
    """``text`` is an absolute http(s) address that can be published as an IRI: a scheme, a host name
    (not the remains of a cut scheme) and no character an IRI refuses."""
    match = re.match(r"^https?://([^/?#]*)", text, re.I)
    if match is None or _NOT_IN_IRI.search(text):
        return False
    host = match.group(1).rsplit("@", 1)[-1]
    return _HOST.fullmatch(host) is not None and _CUT_SCHEME.match(host) is None


def parse_url(raw: str) -> str:
    """Web address; the registers often omit the scheme ('musee-aaa.com/') or start with a stray slash
    ('/www.lecompa.fr/'): the scheme is added. A damaged address (a cut scheme 'hwww.…', no host
    'html#.YFtE…', spaces) is returned as written, without a scheme: it is kept as text, never
    published as a link (``is_web_iri`` tells them apart). A cell without a dot is no address at all."""
    text = collapse(raw)
    if "." not in text:
        raise ValueError(f"not a web address: {raw!r}")
    candidate = text
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        candidate = "http://" + text.lstrip("/")
    return candidate if is_web_iri(candidate) else text


def parse_latlon(raw: str) -> tuple[Decimal, Decimal]:
    """Opendatasoft geo_point in CSV: 'lat,lon'."""
    parts = [p for p in re.split(r"\s*,\s*", raw.strip()) if p]
    if len(parts) != 2:
        raise ValueError(f"not a 'lat,lon' pair: {raw!r}")
    return parse_latitude(parts[0]), parse_longitude(parts[1])


PARSERS: dict[str, Callable[[str], Any]] = {
    "text": parse_text,
    "string": parse_string,
    "integer": parse_integer,
    "decimal": parse_decimal,
    "latitude": parse_latitude,
    "longitude": parse_longitude,
    "year": parse_year,
    "date": parse_date,
    "oui_non": parse_oui_non,
    "insee_commune": normalise_insee_commune,
    "postcode": parse_postcode,
    "url": parse_url,
    "latlon": parse_latlon,
}


def register(parsers: dict[str, Callable[[str], Any]]) -> None:
    """Add value types a dataset brings (``DatasetSpec.parsers``; the registry calls this): one table of
    types for every field map."""
    for name, parse in parsers.items():
        if PARSERS.get(name, parse) is not parse:
            raise ValueError(f"value type {name!r} is defined twice")
        PARSERS[name] = parse


def french_number(n: int | float | Decimal) -> str:
    """12345 → '12\u202f345' (French thousands separator, a narrow no-break space); a decimal keeps its
    digits after a comma, trailing zeros dropped: ``Decimal("0.1930")`` → ``'0,193'``."""
    if isinstance(n, int):
        return f"{n:,}".replace(",", "\u202f")
    number = Decimal(str(n))
    sign = "-" if number < 0 else ""
    whole, _, fraction = format(abs(number), "f").partition(".")
    fraction = fraction.rstrip("0")
    return sign + f"{int(whole):,}".replace(",", "\u202f") + ("," + fraction if fraction else "")
