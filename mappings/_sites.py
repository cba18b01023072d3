"""Who is where: Patrimostat sites, their museum and their commune, resolved from all three sources.

Pure functions over records, shared by the Muséofile and attendance mappings so that both say the
same thing about a site (docs/datasets.md: a site is part of a museum; a museum can have several sites).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from culturegraph.datasets import Inputs
from culturegraph.rdf.terms import slug
from culturegraph.sources.read import Record

from .geographie.cog import Cog


@dataclass
class SiteInfo:
    code: str
    museum: str | None = None
    commune: str | None = None
    names: list[tuple[int, str]] = field(default_factory=list)  # (year, name)
    record: Record | None = None  # a row naming the site (the preferred file's last), for provenance


@dataclass
class Places:
    sites: dict[str, SiteInfo]
    museum_commune: dict[str, str]  # Muséofile id -> commune code
    museum_commune_method: dict[str, str]


def resolve_sites(inputs: Inputs) -> Places:
    """Sites from the attendance files (preferred file first) and the crosswalk."""
    sites: dict[str, SiteInfo] = {}
    # Least preferred file first, so that the preferred (newest) file has the last word.
    for result in reversed(inputs.files.get("frequentation-musees", [])):
        for r in result.records:
            info = sites.setdefault(r["site"], SiteInfo(r["site"]))
            if "nom" in r:
                info.names.append((r["annee"], r["nom"]))
            info.museum = r.get("museofile", info.museum)
            info.commune = r.get("commune", info.commune)
            info.record = r
    crosswalk_rows = {r["ref_deps"]: r for r in inputs.records("liste-musees") if r.get("ref_deps")}
    crosswalk = {code: r["identifiant_museofile"] for code, r in crosswalk_rows.items()}
    for code, museum in crosswalk.items():
        info = sites.setdefault(code, SiteInfo(code))
        if info.museum is None:
            info.museum = museum
        if info.record is None:
            info.record = crosswalk_rows[code]
    for info in sites.values():
        if info.commune is None:
            info.commune = commune_from_site_code(info.code, inputs.table("cog"))
    museum_commune, method = _museum_communes(inputs, sites, crosswalk)
    return Places(sites, museum_commune, method)


def commune_from_site_code(code: str, cog: Cog) -> str | None:
    """The first 5 characters of a Patrimostat code are the commune code at creation (docs/datasets.md §1a);
    kept only when it is still a commune (or municipal arrondissement) of the COG."""
    candidate = code[:5]
    return candidate if candidate in cog.communes else None


def _museum_communes(
    inputs: Inputs, sites: dict[str, SiteInfo], crosswalk: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    communes: dict[str, str] = {}
    method: dict[str, str] = {}
    per_museum: dict[str, Counter[str]] = {}
    for info in sites.values():
        if info.museum and info.commune:
            per_museum.setdefault(info.museum, Counter())[info.commune] += 1
    main_site = {museum: code for code, museum in sorted(crosswalk.items(), reverse=True)}
    for r in inputs.records("museofile"):
        ref = r["ref"]
        main = sites.get(main_site.get(ref, ""))
        if main and main.commune and main.museum == ref:
            communes[ref], method[ref] = main.commune, "site principal (liste-et-localisation)"
        elif ref in per_museum:
            communes[ref] = sorted(per_museum[ref].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            method[ref] = "sites Patrimostat (fréquentation)"
        else:
            found = commune_from_postcode(r.get("cp_m"), r.get("ville_m"), inputs.table("cog"))
            if found:
                communes[ref], method[ref] = found, "code postal et ville"
    return communes, method


def commune_from_postcode(postcode: str | None, city: str | None, cog: Cog) -> str | None:
    """A postcode is not a commune code: match the city name among the communes of that postcode."""
    if not postcode:
        return None
    candidates = [c for c in cog.by_postcode.get(postcode, []) if c.type == "commune-actuelle"]
    if city:
        wanted = slug(city.replace("St ", "Saint ").replace("Ste ", "Sainte "))
        named = [c for c in candidates if slug(c.nom) == wanted]
        if len(named) == 1:
            return named[0].code
    return candidates[0].code if len(candidates) == 1 else None
