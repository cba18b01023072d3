"""Museum attendance → W3C Data Cube (model.md §3.1, with the site as the unit of observation).

One ``qb:Observation`` per Patrimostat site × year × public category, with one measure
(``kgo:nombreEntrees``) and a category dimension, so that an empty cell simply has no observation
(never 0). Sites are ``kgo:SitePatrimostat`` nodes, part of their museum. Counts cumulated into
another site are flagged both ways (``kgo:chiffresCumulesDans`` / ``kgo:inclutChiffresDe``). The old
export's F/NC/R codes become ``sdmx-attribute:obsStatus`` on a total observation without a value.

Vintages: for each year, the rows of the preferred file (first in the manifest) that covers it; the
others fill the remaining years (2001-2013 from the 2001-2021 export). :func:`report` compares the
overlap years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from culturegraph.graph.dataset import DatasetSpec, Emitted, Inputs
from culturegraph.rdf.terms import (
    DCTERMS, QB, RDFS, SCHEMA, SDMX_ATTRIBUTE, SDMX_DIMENSION, A, Minter, boolean, fr, gyear,
    integer, string, xsd_date, year_iri,
)
from culturegraph.sources.read import Problem, ReadResult, Record
from culturegraph.sources.values import parse_patrimostat

from ._sites import resolve_sites

NAME = "frequentation-musees"

DATASET = DatasetSpec(
    name=NAME,
    title={"fr": "Fréquentation des Musées de France", "en": "Attendance of the Musées de France"},
    description={
        "fr": "Entrées annuelles des sites Patrimostat des Musées de France, 2001-2023, par catégorie "
              "de public (payant, gratuit, total, scolaires…), en cube de données W3C.",
        "en": "Yearly admissions of the Patrimostat sites of the Musées de France, 2001-2023, per "
              "public category (paying, free, total, school groups…), as a W3C Data Cube.",
    },
    sources=("frequentation-musees", "liste-musees", "museofile"),
    fields={
        "kgo:nombreEntrees": "<categorie>", "kgo:site": "site", str(SDMX_DIMENSION.refPeriod): "annee",
        "kgo:chiffresCumulesDans": "lien_avec", "kgo:inclutChiffresDe": "regroupement",
        str(RDFS.comment): "regroupement",
        str(SDMX_ATTRIBUTE.obsStatus): "note", str(RDFS.label): "nom", str(DCTERMS.isPartOf): "museofile",
        str(SCHEMA.containedInPlace): "commune", "kgo:dateAppellation": "date_appellation",
        "kgo:ferme": "ferme", "kgo:anneeFermeture": "annee_fermeture",
    },
    order=30,
)

# Count fields → public category codes (concepts of /def/categorie-public, ontology/vocabularies).
CATEGORIES = {
    "payant": "payant",
    "gratuit": "gratuit",
    "total": "total",
    "individuel": "individuel",
    "scolaires": "scolaires",
    "groupes_hors_scolaires": "groupes-hors-scolaires",
    "moins_18_ans_hors_scolaires": "moins-18-ans-hors-scolaires",
    "de_18_a_25_ans": "18-25-ans",
}


def rows_by_year(files: list[ReadResult]) -> dict[tuple[str, int], Record]:
    """(site, year) → the row to publish: the preferred file for the years it covers."""
    chosen: dict[tuple[str, int], Record] = {}
    covered: set[int] = set()
    for result in files:
        years = {r["annee"] for r in result.records}
        for r in result.records:
            if r["annee"] in covered:
                continue
            chosen.setdefault((r["site"], r["annee"]), r)
        covered |= years
    return chosen


def triples(inputs: Inputs, iris: Minter) -> Iterator[Emitted]:
    files = inputs.files.get(NAME, [])
    places = resolve_sites(inputs)
    dataset = iris.dataset(NAME)
    kgo = iris.kgo
    # Duplicate (site, year) rows in one file: identical ones merge, different ones are refused.
    refused: set[int] = set()
    for result in files:
        first_seen: dict[tuple[str, int], Record] = {}
        for r in result.records:
            key = (r["site"], r["annee"])
            first = first_seen.setdefault(key, r)
            if first is not r and _counts(first) != _counts(r):
                refused.add(id(r))
                yield Problem(r.file, r.line, *r.columns["site"], r["site"],
                              f"second row for site {key[0]} in {key[1]} with other figures "
                              f"(first at line {first.line})", "row quarantined")
    published = {k: r for k, r in rows_by_year(files).items() if id(r) not in refused}
    includes = _included_sites(published)

    for (site, year), r in sorted(published.items()):
        yield r
        yield from observations(r, iris, dataset, includes.get((site, year), ()))

    for code, info in sorted(places.sites.items()):
        s = iris.site(code)
        yield s, A, kgo.SitePatrimostat
        yield s, DCTERMS.identifier, string(code)
        name = max(info.names)[1] if info.names else f"Site Patrimostat {code}"
        yield s, RDFS.label, fr(name)
        yield s, SCHEMA.name, fr(name)
        if info.museum:
            yield s, DCTERMS.isPartOf, iris.museum(info.museum)
        if info.commune:
            yield s, SCHEMA.containedInPlace, iris.commune(info.commune)
        latest = _latest_row(published, code)
        if latest is not None:
            if "date_appellation" in latest:
                yield s, kgo.dateAppellation, xsd_date(latest["date_appellation"])
            if "ferme" in latest:
                yield s, kgo.ferme, boolean(latest["ferme"])
            if "annee_fermeture" in latest:
                yield s, kgo.anneeFermeture, gyear(latest["annee_fermeture"])


def observations(r: Record, iris: Minter, dataset: Any, includes: tuple[str, ...]) -> Iterator[Emitted]:
    """The observations of one source row: one per non-empty count, or a status-only total."""
    kgo = iris.kgo
    site, year = r["site"], r["annee"]
    counts = [(field, code) for field, code in CATEGORIES.items() if field in r]
    if not counts and "note" in r:
        counts = [("total", "total")]
    for field, code in counts:
        obs = iris.data(NAME, "site", site, "annee", str(year), "public", code)
        yield obs, A, QB.Observation
        yield obs, A, kgo.ObservationFrequentation
        yield obs, QB.dataSet, dataset
        yield obs, kgo.site, iris.site(site)
        yield obs, SDMX_DIMENSION.refPeriod, year_iri(year)
        yield obs, kgo.categoriePublic, iris.concept("categorie-public", code)
        if field in r:
            yield obs, kgo.nombreEntrees, integer(r[field])
        if "note" in r:
            yield obs, SDMX_ATTRIBUTE.obsStatus, iris.concept("statut-observation", r["note"])
        if "lien_avec" in r and r["lien_avec"] != site:
            yield obs, kgo.chiffresCumulesDans, iris.site(r["lien_avec"])
        for other in includes:
            yield obs, kgo.inclutChiffresDe, iris.site(other)
        for remark in remarks(r):
            yield obs, RDFS.comment, fr(remark)


def _included_sites(published: dict[tuple[str, int], Record]) -> dict[tuple[str, int], tuple[str, ...]]:
    """(carrier site, year) → sites whose counts it includes.

    New schema: a row with ``lien_avec`` = X is counted in X. Old schema: ``observations`` lists a group
    of sites; the members with figures that year carry the members without figures.
    """
    includes: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (site, year), r in published.items():
        if "lien_avec" in r and r["lien_avec"] != site:
            includes[(r["lien_avec"], year)].add(site)
        group = group_sites(r)
        if group and _has_counts(r):
            for other in group:
                other_row = published.get((other, year))
                if other != site and (other_row is None or not _has_counts(other_row)):
                    includes[(site, year)].add(other)
    return {key: tuple(sorted(value)) for key, value in includes.items()}


def group_sites(r: Record) -> list[str]:
    """The Patrimostat codes of the old ``observations`` cell (other values there are remarks)."""
    return [code for value in r.get("regroupement", []) if (code := _patrimostat(value))]


def remarks(r: Record) -> list[str]:
    return [value for value in r.get("regroupement", []) if not _patrimostat(value)]


def _patrimostat(value: str) -> str | None:
    try:
        return parse_patrimostat(value)
    except ValueError:
        return None


def _has_counts(r: Record) -> bool:
    return any(field in r for field in CATEGORIES)


def _counts(r: Record) -> tuple[Any, ...]:
    return tuple(r.get(field) for field in CATEGORIES) + (r.get("note"),)


def _latest_row(published: dict[tuple[str, int], Record], site: str) -> Record | None:
    years = [year for (code, year) in published if code == site]
    return published[(site, max(years))] if years else None


def report(inputs: Inputs) -> dict[str, Any]:
    """Compare the years two files both cover (the old export vs the current file), per site."""
    files = inputs.files.get(NAME, [])
    if len(files) < 2:
        return {}
    preferred, *others = files
    new = {(r["site"], r["annee"]): r for r in preferred.records}
    comparison: dict[str, Any] = {"preferred_file": preferred.file, "compared_with": []}
    for other in others:
        overlap_years = sorted({r["annee"] for r in other.records} & {y for _, y in new})
        compared = equal = 0
        differences = []
        only_old = 0
        for r in other.records:
            if r["annee"] not in overlap_years:
                continue
            match = new.get((r["site"], r["annee"]))
            if match is None:
                only_old += 1
                continue
            compared += 1
            pairs = {f: (r.get(f), match.get(f)) for f in ("payant", "gratuit", "total")}
            if all(a == b for a, b in pairs.values()):
                equal += 1
            else:
                differences.append({
                    "site": r["site"], "annee": r["annee"],
                    **{f"{f}_ancien": a for f, (a, _) in pairs.items()},
                    **{f"{f}_nouveau": b for f, (_, b) in pairs.items()},
                    "ligne_ancien": r.line, "ligne_nouveau": match.line,
                })
        comparison["compared_with"].append({
            "file": other.file, "overlap_years": overlap_years, "rows_compared": compared,
            "rows_equal": equal, "rows_different": len(differences),
            "rows_only_in_old_file": only_old, "differences": differences,
        })
    return {"vintage_overlap": comparison}
