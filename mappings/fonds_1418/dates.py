"""Shooting dates of the base Mémoire (DATPV): ``yyyy.mm.dd``, ``yyyy.mm`` or ``yyyy``, kept at the
precision the source has (never a day or a month invented): ``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``,
and the interval it stands for (an ``edm:TimeSpan``'s begin and end)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from pyoxigraph import Literal

from culturegraph.rdf.terms import XSD, gyear, xsd_date

_DATPV = re.compile(r"(?P<year>\d{4})(?:[.\-/](?P<month>\d{1,2})(?:[.\-/](?P<day>\d{1,2}))?)?")


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "jour" if self.day else "mois" if self.month else "annee"

    @property
    def begin(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    @property
    def iso(self) -> str:
        """1917-06-16, 1917-06 or 1917: the text of the literal, and the key of its time span."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    def literal(self) -> Literal:
        if self.day:
            return xsd_date(self.begin)
        if self.month:
            return Literal(self.iso, datatype=XSD.gYearMonth)
        return gyear(self.year)


def parse_date_memoire(raw: str) -> PartialDate:
    """'1917.06.16', '1917.06', '1917' (the dot of the base Mémoire; a dash or slash is read alike)."""
    match = _DATPV.fullmatch(raw.strip())
    if match is None:
        raise ValueError(f"not a base Mémoire date (yyyy.mm.dd, yyyy.mm or yyyy): {raw!r}")
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"impossible month in {raw!r}")
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            raise ValueError(f"impossible date {raw!r}") from None
    return PartialDate(year, month, day)
