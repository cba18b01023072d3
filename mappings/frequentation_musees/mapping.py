"""Museum attendance → W3C Data Cube (docs/model.md, with the site as the unit of observation).

One ``qb:Observation`` per Patrimostat site × year × public category, with one measure
(``kgo:nombreEntrees``) and a category dimension, so that an empty cell simply has no observation
(never 0). Sites are ``kgo:SitePatrimostat`` nodes, part of their museum. Sites named together
(``lien_avec``, the old ``observations`` groups) are related (``dcterms:relation``); when one of them
has no figure of its own that year, its counts are cumulated in the other, and the observations say so
both ways (``kgo:chiffresCumulesDans`` / ``kgo:inclutChiffresDe``). A ``lien_avec`` row with figures
of its own is not flagged: 101 of the 225 ``lien_avec`` rows of the current file have figures of their
own, 71 of them while the linked site has figures too (e.g. the five ports of the Musée de la Marine,
"lien_avec" its Paris site, closed with 0 entries in 2019), so the column does not always mean that one
count holds the other. The old export's F/NC/R codes become
``sdmx-attribute:obsStatus`` on a total observation without a value.

Explained zeros (2014 on): the current file has no status column, so a site-year without a figure of its
own (all counts 0 or empty) and a site-year with no row at all get a status derived from the file's own
columns (:func:`derived_status`, :func:`missing_status`): counted in another site (``lien_avec``), closed
(``anneefermeture``, ``ferme``), before its designation (``dateappellation``) or not reported. Each
status says how it was found (``kgo:origineStatut``, a concept of ``/def/origine-statut``).

Vintages: for each year, the rows of the preferred file (first in the manifest) that covers it; the
others fill the remaining years (2001-2013 from the 2001-2021 export). :func:`report` compares the
overlap years. Rows that are not published are put in the quarantine with the reason: a row of an
older file for a year the preferred file covers but for a site it does not list, and a row with no
figure and no status code whose counts no other site carries.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping, Set
from typing import Any

from pyoxigraph import NamedNode

from culturegraph.datasets import Emitted, Inputs
from culturegraph.rdf.terms import (
    DCTERMS,
    DEFAULT_MINTER,
    QB,
    RDFS,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    A,
    Minter,
    boolean,
    fr,
    gyear,
    integer,
    string,
    xsd_date,
    year_iri,
)
from culturegraph.sources.model import Problem, ReadResult, Record

from .._codes import parse_patrimostat
from .._sites import SiteInfo, resolve_sites

NAME = "frequentation-musees"

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
# Public category code → its count field, for validation (source_field).
COUNT_FIELDS = {code: field for field, code in CATEGORIES.items()}
# An observation IRI, whatever the base (Minter.data below), and the measure's IRI after the base.
OBSERVATION_IRI = re.compile(rf"/data/{NAME}/site/[^/]+/annee/[0-9]+/public/(?P<code>[^/#?]+)$")
MEASURE_PATH = DEFAULT_MINTER.kgo.nombreEntrees.value.removeprefix(DEFAULT_MINTER.base)


def source_field(subject: str, predicate: str) -> str | None:
    """The source field behind (subject, predicate) where ``DATASET.fields`` cannot tell: the count of
    an observation (``kgo:nombreEntrees``, "<categorie>" there) comes from its category's column, e.g.
    the ``total`` column of the site-year row for a total. SHACL findings are traced through it."""
    match = OBSERVATION_IRI.search(subject)
    # The measure of the same base as the observation (whatever the base): not any IRI ending like it.
    if match is None or predicate != subject[:match.start() + 1] + MEASURE_PATH:
        return None
    return COUNT_FIELDS.get(match["code"])


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
    carried = {(other, year) for (_, year), others in includes.items() for other in others}
    derived_years = set(_years(files[0])) if files else set()
    blank = {key for key, r in published.items()
             if not _has_counts(r) and "note" not in r and key not in carried}
    empty = {key for key in blank if key[1] not in derived_years}  # the current file's get a status
    refused_keys = {(r["site"], r["annee"]) for result in files for r in result.records if id(r) in refused}
    missing = missing_statuses(files, published, refused_keys, places.sites)
    # An old row whose own status code is published for its year (the current file has no row) is used.
    used = {id(row) for _, rule, _, row in missing.values() if rule == "note"}
    yield from not_published(files, published, blank, used)

    latest: dict[str, Record] = {}
    for (site, year), r in sorted(published.items()):
        latest[site] = r  # sorted by year: the last one is the latest
        if (site, year) in empty:
            column, header = r.columns["annee"]
            yield Problem(r.file, r.line, column, header, str(year),
                          f"no figure and no status code for site {site} in {year}, and no other site "
                          "carries its counts: nothing to publish", "row quarantined")
            continue
        yield r
        status = derived_status(r, carried) if year in derived_years else None
        yield from observations(r, iris, dataset, includes.get((site, year), ()), status)
    for (site, year), (code, rule, other, source_row) in missing.items():
        yield source_row  # provenance: the row of the site the status was derived from
        yield from status_observation(site, year, code, rule, other, iris, dataset)

    related = _related_sites(published)
    names = yearly_names(files)
    years_of: dict[str, list[int]] = defaultdict(list)
    for site, year in sorted(published):
        years_of[site].append(year)
    for code, info in sorted(places.sites.items()):
        row = latest.get(code)
        origin = row or info.record
        if origin is not None:
            yield origin  # provenance: the site's triples come from this row
        s = iris.id("site", code)
        yield s, A, kgo.SitePatrimostat
        yield s, DCTERMS.identifier, string(code)
        name = site_name(info)
        yield s, RDFS.label, fr(name)
        yield s, SCHEMA.name, fr(name)
        if info.museum:
            yield s, DCTERMS.isPartOf, iris.id("musee", info.museum)
        if info.commune:
            yield s, SCHEMA.containedInPlace, iris.id("commune", info.commune)
        for other in sorted(related.get(code, ())):
            yield s, DCTERMS.relation, iris.id("site", other)
        periods = name_periods(names.get(code, {}))
        if len(periods) > 1:
            for start, end, period_name in periods:
                part = NamedNode(f"{s.value}#nom-{start}")
                yield s, kgo.nomHistorique, part
                yield part, A, kgo.NomSite
                yield part, SCHEMA.name, fr(period_name)
                yield part, kgo.anneeDebut, gyear(start)
                yield part, kgo.anneeFin, gyear(end)
        for year in perimeter_changes(code, periods, years_of[code], published, includes):
            yield s, kgo.changementPerimetre, gyear(year)
        if row is not None:
            if "date_appellation" in row:
                yield s, kgo.dateAppellation, xsd_date(row["date_appellation"])
            if "ferme" in row:
                yield s, kgo.ferme, boolean(row["ferme"])
            if "annee_fermeture" in row:
                yield s, kgo.anneeFermeture, gyear(row["annee_fermeture"])


def _name_key(name: str) -> str:
    """A name as compared across years: case, accents, punctuation, spacing and the little words ("Musée
    du Brou" and "musée de Brou") do not make a new name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(w for w in re.split(r"[^a-z0-9]+", plain) if w and w not in _LITTLE_WORDS)


_LITTLE_WORDS = frozenset({"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"})


def yearly_names(files: list[ReadResult]) -> dict[str, dict[int, str]]:
    """Site → year → name, as the files that name a site per year say it. The preferred (current) file
    writes today's name, often shortened, for every year it covers (site 7510508 is "muséum national
    d'histoire naturelle" from 2014 there, the old export's "Galerie d'Anatomie Comparée et de
    Paléontologie" until 2019): its names are not a history, so the other files' are read when there
    are any; a file's names are only compared with the same file's."""
    named: dict[str, dict[int, str]] = defaultdict(dict)
    for result in files[1:] or files:
        for r in result.records:
            if r.get("nom"):
                named[r["site"]].setdefault(r["annee"], r["nom"])
    return named


def name_periods(by_year: Mapping[int, str]) -> list[tuple[int, int, str]]:
    """The site's names over the years, as (first year, last year, name) periods; a period keeps its
    latest spelling."""
    periods: list[list[Any]] = []
    for year in sorted(by_year):
        name = by_year[year]
        if periods and _name_key(periods[-1][2]) == _name_key(name):
            periods[-1][1], periods[-1][2] = year, name
        else:
            periods.append([year, year, name])
    return [(first, last, name) for first, last, name in periods]


def perimeter_changes(site: str, periods: list[tuple[int, int, str]], years: list[int],
                      published: Mapping[tuple[str, int], Record],
                      includes: Mapping[tuple[str, int], tuple[str, ...]]) -> list[int]:
    """Years from which the site may not count what it counted the year before (docs/model.md): its
    name changes, or the sites it carries or is counted in change between two published years."""
    changed = {first for first, _, _ in periods[1:]}
    previous: tuple[object, ...] | None = None
    for year in years:  # the site's published years, in order
        links = (includes.get((site, year), ()), cumulated_in(published[(site, year)]))
        if previous is not None and links != previous:
            changed.add(year)
        previous = links
    return sorted(changed)


def site_name(info: SiteInfo) -> str:
    """The name of the latest year, from the preferred file when both files name the site that year
    (``info.names`` is in reading order, least preferred file first)."""
    if not info.names:
        return f"Site Patrimostat {info.code}"
    return max(enumerate(info.names), key=lambda item: (item[1][0], item[0]))[1][1]


def not_published(
    files: list[ReadResult], published: dict[tuple[str, int], Record], empty: set[tuple[str, int]],
    used: Set[int] = frozenset(),
) -> Iterator[Problem]:
    """Rows of an older file for a year a preferred file covers, for a site that file does not list or
    lists without any figure (the preferred file has the last word on those years; the overlap report
    compares the rest). Rows in ``used`` (their status code is published) are not reported."""
    covered: dict[int, str] = {}
    for result in files:
        for r in result.records:
            key = (r["site"], r["annee"])
            if covered.get(key[1], result.file) == result.file:
                continue
            if id(r) in used:
                continue
            if key not in published or (key in empty and published[key] is not r):
                lacks = "no row" if key not in published else "no figure"
                column, header = r.columns["site"]
                yield Problem(r.file, r.line, column, header, r["site"],
                              f"{key[1]} is published from {covered[key[1]].rsplit('/', 1)[-1]}, which has "
                              f"{lacks} for site {key[0]} that year: this row is not published",
                              "row quarantined")
        for r in result.records:
            covered.setdefault(r["annee"], result.file)


# Why an observation has no figure (sdmx-attribute:obsStatus, /def/statut-observation): F, NC and R come
# from the old export's note column; CU (counted in another site) and AP (before the designation) are
# derived too. How each status was found: kgo:origineStatut, a concept of /def/origine-statut
# (vocabulary.ttl).
Status = tuple[str, str]  # (status code, rule)
DERIVED_STATUSES = ("F", "NC", "CU", "AP")  # the codes the rules below give (the old export: F, NC, R)
STATUS_ORIGINS = ("note", "lien-avec", "regroupement", "annee-fermeture", "ferme", "sans-chiffre",
                  "absente-apres-fermeture", "absente-site-ferme", "absente-lien-avec",
                  "absente-avant-appellation", "absente", "hors-fichier-dernier-statut", "hors-fichier")


def derived_status(r: Record, carried: set[tuple[str, int]]) -> Status | None:
    """The status of a current-file row without a figure of its own (every count 0 or empty), from the
    row's own columns; ``None`` for a row with figures."""
    if _has_own_figures(r):
        return None
    if cumulated_in(r) is not None:
        return "CU", "lien-avec"
    if (r["site"], r["annee"]) in carried:
        return "CU", "regroupement"
    closed = r.get("annee_fermeture")
    if closed is not None and closed <= r["annee"]:
        return "F", "annee-fermeture"
    if r.get("ferme") is True:
        return "F", "ferme"
    return "NC", "sans-chiffre"


def missing_statuses(
    files: list[ReadResult], published: dict[tuple[str, int], Record], refused: set[tuple[str, int]],
    sites: Mapping[str, SiteInfo] | None = None,
) -> dict[tuple[str, int], tuple[str, str, str | None, Record]]:
    """(site, year) → (status, rule, site counting it, row it was derived from) for every year of the
    current file (the first) in which a site it lists has no row: the site's nearest earlier row says
    whether it was closed or counted in another site by then; before its first row, its designation
    date whether it was a Musée de France yet. A site of ``sites`` the current file never lists (known
    from the old export or the museum list only) gets, for each of those years, the old export's own
    code for that year if it has one, else the last F or R code it gave before, else NC. A year whose
    rows were refused as contradictory gets nothing (the quarantine says why)."""
    if not files:
        return {}
    current = files[0]
    years = sorted(set(_years(current)))
    rows: dict[str, dict[int, Record]] = defaultdict(dict)
    for r in current.records:
        rows[r["site"]].setdefault(r["annee"], r)
    statuses: dict[tuple[str, int], tuple[str, str, str | None, Record]] = {}
    for site, by_year in sorted(rows.items()):
        for year in years:
            if (site, year) in published or (site, year) in refused:
                continue
            earlier = [y for y in by_year if y < year]
            if earlier:
                previous = by_year[max(earlier)]
                closed = previous.get("annee_fermeture")
                carrier = cumulated_in(previous)
                if closed is not None and closed <= year:
                    statuses[(site, year)] = ("F", "absente-apres-fermeture", None, previous)
                elif previous.get("ferme") is True:
                    statuses[(site, year)] = ("F", "absente-site-ferme", None, previous)
                elif carrier is not None and (carrier, year) in published:
                    statuses[(site, year)] = ("CU", "absente-lien-avec", carrier, previous)
                else:
                    statuses[(site, year)] = ("NC", "absente", None, previous)
                continue
            first = by_year[min(by_year)]
            designated = first.get("date_appellation")
            if designated is not None and designated.year > year:
                statuses[(site, year)] = ("AP", "absente-avant-appellation", None, first)
            else:
                statuses[(site, year)] = ("NC", "absente", None, first)
    older: dict[str, dict[int, Record]] = defaultdict(dict)
    for result in files[1:]:
        for r in result.records:
            older[r["site"]].setdefault(r["annee"], r)
    for site, info in sorted((sites or {}).items()):
        if site in rows:
            continue
        for year in years:
            if (site, year) in published or (site, year) in refused:
                continue
            old = older.get(site, {})
            noted = [y for y in old if y <= year and old[y].get("note") in ("F", "R")]
            if year in old and "note" in old[year]:
                statuses[(site, year)] = (old[year]["note"], "note", None, old[year])
            elif noted:
                last = old[max(noted)]
                statuses[(site, year)] = (last["note"], "hors-fichier-dernier-statut", None, last)
            elif info.record is not None:
                statuses[(site, year)] = ("NC", "hors-fichier", None, info.record)
    return statuses


def status_observation(site: str, year: int, status: str, rule: str, carrier: str | None, iris: Minter,
                       dataset: Any) -> Iterator[Emitted]:
    """A total observation without a value for a site-year the current file has no row for."""
    obs = iris.data(NAME, "site", site, "annee", str(year), "public", "total")
    yield obs, A, QB.Observation
    yield obs, A, iris.kgo.ObservationFrequentation
    yield obs, QB.dataSet, dataset
    yield obs, iris.kgo.site, iris.id("site", site)
    yield obs, SDMX_DIMENSION.refPeriod, year_iri(year)
    yield obs, iris.kgo.categoriePublic, iris.concept("categorie-public", "total")
    yield obs, SDMX_ATTRIBUTE.obsStatus, iris.concept("statut-observation", status)
    yield obs, iris.kgo.origineStatut, iris.concept("origine-statut", rule)
    if carrier is not None:
        yield obs, iris.kgo.chiffresCumulesDans, iris.id("site", carrier)


def observations(r: Record, iris: Minter, dataset: Any, includes: tuple[str, ...],
                 status: Status | None = None) -> Iterator[Emitted]:
    """The observations of one source row: one per non-empty count, or a status-only total; ``status``
    (derived for a current-file row without figures) goes on each of them."""
    kgo = iris.kgo
    site, year = r["site"], r["annee"]
    counts = [(field, code) for field, code in CATEGORIES.items() if field in r]
    if status is not None and not counts:
        counts.append(("total", "total"))  # a row with every count empty: its status on a total
    if "note" in r and "total" not in r:
        # The status (F, NC, R) explains a missing total: it goes on a total observation without a
        # value, even when payant/gratuit were filled with zeros (e.g. 7511620 in 2005).
        counts.append(("total", "total"))
    for field, code in counts:
        obs = iris.data(NAME, "site", site, "annee", str(year), "public", code)
        yield obs, A, QB.Observation
        yield obs, A, kgo.ObservationFrequentation
        yield obs, QB.dataSet, dataset
        yield obs, kgo.site, iris.id("site", site)
        yield obs, SDMX_DIMENSION.refPeriod, year_iri(year)
        yield obs, kgo.categoriePublic, iris.concept("categorie-public", code)
        if field in r:
            yield obs, kgo.nombreEntrees, integer(r[field])
        if "note" in r:
            yield obs, SDMX_ATTRIBUTE.obsStatus, iris.concept("statut-observation", r["note"])
            yield obs, kgo.origineStatut, iris.concept("origine-statut", "note")
        elif status is not None:
            yield obs, SDMX_ATTRIBUTE.obsStatus, iris.concept("statut-observation", status[0])
            yield obs, kgo.origineStatut, iris.concept("origine-statut", status[1])
        if cumulated_in(r) is not None:
            yield obs, kgo.chiffresCumulesDans, iris.id("site", r["lien_avec"])
        for other in includes:
            yield obs, kgo.inclutChiffresDe, iris.id("site", other)
        for remark in remarks(r):
            yield obs, RDFS.comment, fr(remark)


def cumulated_in(r: Record) -> str | None:
    """The site a ``lien_avec`` row's counts are cumulated in: only when the row has no figure of its
    own (every count empty or 0); a row with its own figures is only related to that site."""
    other = r.get("lien_avec")
    if other is None or other == r["site"] or _has_own_figures(r):
        return None
    return other


def _included_sites(published: dict[tuple[str, int], Record]) -> dict[tuple[str, int], tuple[str, ...]]:
    """(carrier site, year) → sites whose counts it includes.

    New schema: a row with ``lien_avec`` = X and no figure of its own is counted in X. Old schema:
    ``observations`` lists a group of sites; the members with figures that year carry the members
    without figures.
    """
    includes: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (site, year), r in published.items():
        carrier = cumulated_in(r)
        if carrier is not None:
            includes[(carrier, year)].add(site)
        group = group_sites(r)
        if group and _has_counts(r):
            for other in group:
                other_row = published.get((other, year))
                if other != site and (other_row is None or not _has_counts(other_row)):
                    includes[(site, year)].add(other)
    return {key: tuple(sorted(value)) for key, value in includes.items()}


def _related_sites(published: dict[tuple[str, int], Record]) -> dict[str, set[str]]:
    """Sites the source names together in any year (``lien_avec``, ``observations``), both ways."""
    related: dict[str, set[str]] = defaultdict(set)
    for (site, _), r in published.items():
        others = set(group_sites(r))
        if "lien_avec" in r:
            others.add(r["lien_avec"])
        for other in others - {site}:
            related[site].add(other)
            related[other].add(site)
    return related


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


def _years(result: ReadResult) -> list[int]:
    return [r["annee"] for r in result.records]


def _has_counts(r: Record) -> bool:
    return any(field in r for field in CATEGORIES)


def _has_own_figures(r: Record) -> bool:
    return any(r.get(field, 0) > 0 for field in CATEGORIES)


def _counts(r: Record) -> tuple[Any, ...]:
    return tuple(r.get(field) for field in CATEGORIES) + (r.get("note"),)


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


def report_summary(data: Mapping[str, Any]) -> list[str]:
    """The build summary's lines about the overlap years of the attendance files."""
    lines = []
    for c in (data.get("vintage_overlap") or {}).get("compared_with", []):
        years = c["overlap_years"]
        span = f"{years[0]}-{years[-1]}" if years else "none"
        lines.append(f"{NAME}: overlap {span} of {c['file'].split('/')[-1]}: {c['rows_compared']:,} "
                     f"site-years compared, {c['rows_equal']:,} equal, {c['rows_different']:,} differ "
                     f"({NAME}-overlap.csv)")
    return lines


def report_files(data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``frequentation-musees-overlap.csv``: every site-year whose figures differ between the files."""
    overlap = data.get("vintage_overlap")
    if not overlap:
        return {}
    return {f"{NAME}-overlap.csv": [d for c in overlap["compared_with"] for d in c["differences"]]}
