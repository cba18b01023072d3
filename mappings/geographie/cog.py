"""INSEE's Code officiel géographique as the mappings see it: the table ``cog`` (``inputs.table("cog")``).

Loaded from ``tables/cog/`` (communes, départements, régions; see ``tables/cog/SOURCE.md``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    type: str  # commune-actuelle | arrondissement-municipal
    departement: str
    codes_postaux: tuple[str, ...]
    parent: str | None  # for municipal arrondissements: the commune


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    region: str


@dataclass
class Cog:
    """INSEE's Code officiel géographique, as shipped in ``mappings/geographie/tables/cog``."""

    communes: dict[str, Commune]
    departements: dict[str, Departement]
    regions: dict[str, str]  # code -> nom
    by_postcode: dict[str, list[Commune]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Cog:
        def rows(name: str) -> Iterator[dict[str, str]]:
            with (folder / name).open(encoding="utf-8", newline="") as f:
                yield from csv.DictReader(f, delimiter=";")

        communes = {
            r["code"]: Commune(r["code"], r["nom"], r["type"], r["departement"],
                               tuple(r["codes_postaux"].split()), r["commune_parente"] or None)
            for r in rows("communes.csv")
        }
        departements = {r["code"]: Departement(r["code"], r["nom"], r["region"])
                        for r in rows("departements.csv")}
        regions = {r["code"]: r["nom"] for r in rows("regions.csv")}
        by_postcode: dict[str, list[Commune]] = {}
        for commune in communes.values():
            for cp in commune.codes_postaux:
                by_postcode.setdefault(cp, []).append(commune)
        return cls(communes, departements, regions, by_postcode)
