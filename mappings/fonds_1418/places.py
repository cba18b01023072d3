"""The commune of a photograph, on the geography dataset's nodes (``/id/commune/{code}``).

The 2018 extract gives an INSEE code, a commune name, a département and an old région; the 2016 extract
only a name and an old région. The code is trusted when the COG names it as the source does: a code that
lost its leading zero (``2639``) is repaired (reported), a département that contradicts it is reported
and ignored. A code the COG gives another name (``55559`` for Suippes: Villeroy-sur-Méholle) is
not trusted: the commune is looked up by its name in the département (or the old région) the record
gives, and taken only when one commune of the COG has that name there. ``Paris 08`` is the 8th
arrondissement (75108). Nothing is guessed: no commune found, or several, is said in the quarantine.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from culturegraph.rdf.terms import slug
from culturegraph.sources.model import Problem, Record
from culturegraph.sources.values import departement_of_commune, normalise_insee_commune

from ..geographie.cog import Cog

_ARRONDISSEMENT = re.compile(r"^(Paris|Lyon|Marseille)\s+0?(\d{1,2})(?:e|er|ème)?$", re.I)
_CITY_CODES = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}


def load_old_regions(path: Path) -> dict[str, tuple[str, ...]]:
    """The régions before 2016 (the extracts' ``region``) → their départements."""
    with path.open(encoding="utf-8", newline="") as f:
        return {slug(r["region"]): tuple(r["departements"].split(","))
                for r in csv.DictReader(f, delimiter=";")}


@dataclass
class Places:
    cog: Cog
    old_regions: dict[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        self.by_name: dict[str, list[str]] = {}
        for code, commune in self.cog.communes.items():
            self.by_name.setdefault(slug(commune.nom), []).append(code)

    def departement_of(self, r: Record) -> tuple[str | None, str | None]:
        """(département code, or None; the département's name as written when it is not a code)."""
        value = r.get("dpt")
        if value is None:
            return None, None
        if re.fullmatch(r"\d{1,3}|2[AB]", value.upper()):
            return (value.zfill(2) if value.isdigit() else value.upper()), None
        for code, dep in self.cog.departements.items():
            if slug(dep.nom) == slug(value) or slug(value) in slug(dep.nom).split("-de-")[-1:]:
                return code, value
        return None, value

    def by_name_in(self, name: str, departements: tuple[str, ...] | None) -> list[str]:
        arrondissement = _ARRONDISSEMENT.match(name)
        if arrondissement:
            prefix, count = _CITY_CODES[arrondissement[1].lower()]
            number = int(arrondissement[2])
            if 1 <= number <= count:
                code = f"{prefix}{number:0{5 - len(prefix)}d}"
                if code in self.cog.communes:
                    return [code]
        found = self.by_name.get(slug(name), [])
        if departements is not None:
            found = [c for c in found if departement_of_commune(c) in departements]
        return found

    def resolve(self, r: Record) -> tuple[str | None, list[Problem]]:
        """The commune code of record ``r`` and what was repaired or refused on the way."""
        problems: list[Problem] = []
        name = r.get("com")
        dep, dep_name = self.departement_of(r)
        region = self.old_regions.get(slug(r["reg"])) if "reg" in r else None
        area = (dep,) if dep else region
        raw = r.get("insee")
        if raw is not None:
            try:
                code = normalise_insee_commune(raw)
            except ValueError as err:
                problems.append(r.problem("insee", raw, str(err), "value dropped"))
                code = None
            if code is not None and code != raw:
                problems.append(r.problem("insee", raw, "INSEE code without its leading zero: read as "
                                          f"{code}", "value normalised"))
            commune = self.cog.communes.get(code) if code else None
            close = (commune is not None and name is not None and not _same_name(commune.nom, name)
                     and dep == departement_of_commune(commune.code) and _close_name(commune.nom, name))
            if close:
                problems.append(r.problem("com", name, f"spelled {commune.nom!r} in the COG (INSEE code "  # type: ignore[union-attr]
                                          f"{code}, département {dep} as the record says)",
                                          "value normalised"))
            if commune is not None and (name is None or close or _same_name(commune.nom, name)):
                if "dpt" in r and dep != departement_of_commune(code):  # type: ignore[arg-type]
                    problems.append(r.problem(
                        "dpt", r["dpt"], f"département {dep_name or dep or r['dpt']!r} contradicts the INSEE "
                        f"code {code} ({commune.nom}, département {departement_of_commune(code)})"  # type: ignore[arg-type]
                        ": the code's département is kept", "value ignored"))
                return code, problems
            if code is not None:
                said = f"{commune.nom} in the COG" if commune else "not in the COG"
                problems.append(r.problem("insee", raw, f"INSEE code {code} is {said}, not {name!r}: "
                                          "the commune is looked up by its name", "value ignored"))
        if name is None:
            return None, problems
        found = self.by_name_in(name, area)
        if len(found) == 1:
            return found[0], problems
        if not found and area is not None:
            # A commune merged since (Cherbourg → Cherbourg-en-Cotentin): the one commune of the area
            # whose COG name starts with the record's.
            start = slug(name) + "-"
            merged = [c for c, commune in self.cog.communes.items()
                      if departement_of_commune(c) in area and slug(commune.nom).startswith(start)]
            if len(merged) == 1:
                commune = self.cog.communes[merged[0]]
                problems.append(r.problem("com", name, f"read as {commune.nom} ({commune.code}), the only "
                                          "commune of the area whose COG name starts so (a merger)",
                                          "value normalised"))
                return merged[0], problems
        where = (f"département {dep}" if dep else f"région {r['reg']!r}" if region else "France")
        reason = (f"no commune named {name!r} in {where} (COG)" if not found else
                  f"{len(found)} communes named {name!r} in {where} ({', '.join(sorted(found))}): "
                  "none chosen")
        problems.append(r.problem("com", name, reason, "value kept as text"))
        return None, problems


def _close_name(cog_name: str, name: str) -> bool:
    """One letter or so apart ("Ronchamps" for Ronchamp), not another name ("Senlis" for Senots)."""
    return difflib.SequenceMatcher(None, slug(cog_name), slug(name)).ratio() >= 0.85


def _same_name(cog_name: str, name: str) -> bool:
    """The COG's name and the source's are one commune: equal slugs, or one cut after the first part
    ("Saint-Clair" for Saint-Clair-sur-Epte; "La Haye-du-Puits", merged into La Haye, for the code of La
    Haye), or an arrondissement of the city named."""
    a, b = slug(cog_name), slug(name)
    return a == b or a.startswith(b + "-") or b.startswith(a + "-") or (
        _ARRONDISSEMENT.match(name) is not None and a.startswith(slug(name.split()[0])))
