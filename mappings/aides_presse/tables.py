"""The curated tables of the dataset, loaded into typed values (``DatasetSpec.tables`` loaders), and the
value type of its amounts (``DatasetSpec.parsers``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from culturegraph.sources.values import collapse, parse_decimal

from .titles import TitleTable


def _rows(path: Path) -> list[dict[str, str]]:
    """The rows of a curated table; a row with more or fewer cells than the header (an unquoted ``;`` in a
    text) is an error naming the file and line, not a silently shifted row."""
    with path.open(encoding="utf-8", newline="") as f:
        lines = [(n, line) for n, line in enumerate(f, 1) if not line.startswith("#")]
    reader = csv.DictReader((line for _, line in lines), delimiter=";")
    rows = []
    for row in reader:
        if None in row or None in row.values():
            line = lines[reader.line_num - 1][0]
            raise ValueError(f"{path}:{line}: {len(reader.fieldnames or ())} columns in the header, not "
                             f"as many in this row (quote a text holding ';')")
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Family:
    code: str  # as the Famille column writes it: "GRAND PUBLIC"
    slug: str  # /def/famille-presse/{slug}
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class AidType:
    code: str  # /def/type-aide/{code}
    field: str  # the field of the field map holding its amount
    per_copy_field: str | None  # the field holding its aid per copy sold
    broader: str | None
    years: str
    label_fr: str
    label_en: str
    definition_fr: str
    definition_en: str


def load_titles(path: Path) -> TitleTable:
    return TitleTable.from_rows(_rows(path), source=str(path))


def load_families(path: Path) -> dict[str, Family]:
    families = {}
    for row in _rows(path):
        family = Family(row["code"], row["slug"], row["label_fr"], row["label_en"])
        families[family.code] = family
    return families


def load_aid_types(path: Path) -> list[AidType]:
    types = [
        AidType(row["code"], row["champ"], row["champ_par_exemplaire"] or None, row["broader"] or None,
                row["annees"], row["label_fr"], row["label_en"], row["definition_fr"], row["definition_en"])
        for row in _rows(path)
    ]
    codes = {t.code for t in types}
    for t in types:
        if t.broader is not None and t.broader not in codes:
            raise ValueError(f"{path}: aid type {t.code!r}: broader type {t.broader!r} is not in the table")
    return types


class Status(str):
    """An amount cell holding a status instead of a figure: ``"nc"`` for the portal's « N.c. » (non
    communicable). The mapping publishes an observation with the status and no amount."""


STATUSES = {"NC": "nc", "N.C": "nc", "NONCOMMUNICABLE": "nc"}


def parse_montant(raw: str) -> Decimal | Status:
    """An amount in euros: ``12 345``, ``12345,67``, ``12 345 €``; « N.c. » → :class:`Status` ``nc``.
    A negative amount is refused (aid is never negative)."""
    text = collapse(raw).upper().replace(" ", "").rstrip(".")
    if text in STATUSES:
        return Status(STATUSES[text])
    value = parse_decimal(text.removesuffix("€"))
    if value < 0:
        raise ValueError(f"negative amount {raw!r}: an aid is not negative")
    return value
