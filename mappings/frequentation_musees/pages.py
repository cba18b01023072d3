"""A museum's or a site's attendance on its page: the enricher, the panel, the chart.

:func:`enrich` (a :class:`~culturegraph.datasets.Enricher`) adds to a museum's description its
Patrimostat sites and, for a museum or a site, the attendance observations: all of them summarised for
the page, at most :data:`OBSERVATION_LIMIT` written into the RDF document, which then points at a SPARQL
query for the rest. :func:`attendance_panel` gives the ``templates/attendance.html`` panel its table per
site and an inline SVG chart computed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pyoxigraph import NamedNode, Triple

from culturegraph.datasets import Described, PanelView
from culturegraph.rdf.terms import (
    DCTERMS,
    RDF,
    RDFS,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    Minter,
    int_of,
    year_of,
)
from culturegraph.store.base import GraphReader

OBSERVATION_LIMIT = 500  # observations written into a museum's or a site's RDF document
NAME = "attendance"  # key of the enricher's values in Described.data


@dataclass(frozen=True)
class Observation:
    """One attendance observation, flattened for tables and charts."""

    iri: NamedNode
    site: NamedNode
    year: int | None
    category: NamedNode | None
    value: int | None
    status: NamedNode | None
    origin: NamedNode | None = None  # kgo:origineStatut: how the status was established
    counted_in: NamedNode | None = None  # kgo:chiffresCumulesDans: the site that counts these admissions


@dataclass
class Attendance:
    sites: list[NamedNode]
    observations: list[Observation] = field(default_factory=list)
    truncated: bool = False
    query: str = ""


def enrich(reader: GraphReader, desc: Described) -> None:
    kgo = Minter(desc.base).kgo
    types = set(desc.types())
    if SCHEMA.Museum in types:
        sites = sorted({q.subject for q in reader.quads(None, DCTERMS.isPartOf, desc.iri)
                        if isinstance(q.subject, NamedNode)
                        and reader.exists(q.subject, RDF.type, kgo.SitePatrimostat)}, key=lambda s: s.value)
        for site in sites:
            desc.related += reader.quads(site)
    elif kgo.SitePatrimostat in types:
        sites = [desc.iri]
    else:
        return
    if not sites:
        return
    att = Attendance(sites)
    count = 0
    for site in sites:
        for link in reader.quads(None, kgo.site, site):
            obs = link.subject
            if not isinstance(obs, NamedNode):
                continue
            quads = list(reader.quads(obs))
            values = {q.predicate: q.object for q in quads}
            att.observations.append(Observation(
                iri=obs, site=site, year=year_of(values.get(SDMX_DIMENSION.refPeriod)),
                category=_named(values.get(kgo.categoriePublic)),
                value=int_of(values.get(kgo.nombreEntrees)),
                status=_named(values.get(SDMX_ATTRIBUTE.obsStatus)),
                origin=_named(values.get(kgo.origineStatut)),
                counted_in=_named(values.get(kgo.chiffresCumulesDans)),
            ))
            count += 1
            if count <= OBSERVATION_LIMIT:
                desc.bulk += quads
    att.observations = list(dict.fromkeys(att.observations))
    att.truncated = len(att.observations) > OBSERVATION_LIMIT
    att.observations.sort(key=lambda o: (o.site.value, o.year or 0, o.category.value if o.category else ""))
    att.query = observations_query(att.sites, desc.base)
    if att.truncated:
        url = f"{desc.base}sparql?query={quote(att.query, safe='')}"
        desc.extra.append(Triple(NamedNode(desc.document), RDFS.seeAlso, NamedNode(url)))
    for o in att.observations:
        if o.category is not None:
            desc.linked.append(o.category)
        for term in (o.status, o.origin, o.counted_in):
            if term is not None:
                desc.linked.append(term)
    desc.linked += sites
    desc.data[NAME] = att


def observations_query(sites: list[NamedNode], base_iri: str) -> str:
    values = " ".join(f"<{s.value}>" for s in sites)
    return (
        f"PREFIX kgo: <{Minter(base_iri).kgo.iri}>\n"
        "PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>\n"
        "SELECT ?observation ?site ?annee ?categorie ?entrees WHERE {\n"
        f"  VALUES ?site {{ {values} }}\n"
        "  ?observation kgo:site ?site ; sdmx-dimension:refPeriod ?annee ;\n"
        "    kgo:categoriePublic ?categorie .\n"
        "  OPTIONAL { ?observation kgo:nombreEntrees ?entrees }\n"
        "} ORDER BY ?site ?annee ?categorie"
    )


def attendance_panel(view: PanelView) -> Mapping[str, Any] | None:
    """The sites (for a museum) and the attendance of the resource; ``None`` when it has none."""
    att = view.description.data.get(NAME)
    if att is None:
        return None
    return {
        "sites": [view.value(s) for s in att.sites if s != view.description.iri],
        "tables": attendance_tables(att, view), "chart": attendance_chart(att, view),
        "explained": any(o.status is not None for o in att.observations),
        "truncated": att.truncated, "observation_limit": OBSERVATION_LIMIT, "query": att.query,
    }


@dataclass(frozen=True)
class Cell:
    """A table cell: the count (in the page's language) and, for a zero or a missing figure, why: the status
    label, how it was established (a tooltip) and the site that counts these admissions (a link)."""

    text: str = ""
    status: str = ""
    origin: str = ""
    counted_in: Any = None  # a page Value of the carrier site

    def __str__(self) -> str:
        return " ".join(part for part in (self.text, f"({self.status})" if self.status else "") if part)


@dataclass
class SiteTable:
    site: Any  # a page Value (web/pages.Value)
    categories: list[Any]
    rows: list[tuple[int, list[Cell]]]  # (year, cells in category order)


CATEGORY_ORDER = ("total", "payant", "gratuit", "individuel", "scolaires", "groupes-hors-scolaires",
                  "moins-18-ans-hors-scolaires", "18-25-ans")


def attendance_tables(att: Attendance, view: PanelView) -> list[SiteTable]:
    per_site: dict[str, list[Observation]] = defaultdict(list)
    for o in att.observations:
        per_site[o.site.value].append(o)
    tables = []
    for site in att.sites:
        observations = per_site.get(site.value, [])
        if not observations:
            continue
        categories = sorted({o.category.value for o in observations if o.category is not None},
                            key=lambda c: (CATEGORY_ORDER.index(_tail(c))
                                           if _tail(c) in CATEGORY_ORDER else 99, c))
        cells: dict[int, dict[str, Cell]] = defaultdict(dict)
        for o in observations:
            if o.year is None or o.category is None:
                continue
            cells[o.year][o.category.value] = Cell(
                text=view.number(o.value),
                status=view.label(o.status.value) if o.status is not None else "",
                origin=view.label(o.origin.value) if o.origin is not None else "",
                counted_in=view.value(o.counted_in) if o.counted_in is not None else None,
            )
        rows = [(year, [cells[year].get(c, Cell()) for c in categories]) for year in sorted(cells)]
        headers = [view.value(NamedNode(c)) for c in categories]
        tables.append(SiteTable(view.value(site), headers, rows))
    return tables


@dataclass
class Chart:
    width: int
    height: int
    series: list[dict[str, Any]]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    plot: tuple[int, int, int, int]  # left, top, right, bottom
    title: str


PALETTE = ("#1f4e9c", "#b3391f", "#2d7a3a", "#7a3d8f", "#8a6d00", "#1c6f78")


def attendance_chart(att: Attendance, view: PanelView) -> Chart | None:
    """Total admissions per year (one line per site), from the ``total`` observations."""
    series_points: dict[str, dict[int, int]] = defaultdict(dict)
    for o in att.observations:
        if o.category is not None and _tail(o.category.value) == "total" and o.value is not None \
                and o.year is not None:
            series_points[o.site.value][o.year] = o.value
    if not series_points:
        return None
    width, height = 720, 320
    left, top, right, bottom = 78, 20, width - 16, height - 40
    years = sorted({y for pts in series_points.values() for y in pts})
    y_min, y_max = years[0], years[-1]
    top_value = nice_ceiling(max(v for pts in series_points.values() for v in pts.values()))

    def x(year: int) -> float:
        return left + (right - left) * ((year - y_min) / (y_max - y_min) if y_max > y_min else 0.5)

    def y(value: float) -> float:
        return bottom - (bottom - top) * (value / top_value if top_value else 0)

    series = []
    for i, site in enumerate(s.value for s in att.sites if s.value in series_points):
        points = sorted(series_points[site].items())
        series.append({
            "label": view.label(site), "colour": PALETTE[i % len(PALETTE)],
            "points": [{"x": round(x(yr), 1), "y": round(y(v), 1), "year": yr, "value": view.number(v)}
                       for yr, v in points],
            "path": " ".join(f"{round(x(yr), 1)},{round(y(v), 1)}" for yr, v in points),
        })
    step = max(1, -(-(y_max - y_min) // 10))
    x_ticks = [(round(x(yr), 1), str(yr)) for yr in range(y_min, y_max + 1, step)]
    y_ticks = [(round(y(top_value * k / 4), 1), view.number(int(top_value * k / 4))) for k in range(5)]
    return Chart(width, height, series, y_ticks, x_ticks, (left, top, right, bottom),
                 view.text(f"Entrées totales par an, {y_min}–{y_max}",
                           f"Total admissions per year, {y_min}–{y_max}"))


def nice_ceiling(value: int) -> int:
    """The smallest 1/2/2.5/5 × 10^k at least ``value`` (axis maximum)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return int(factor * magnitude)
    return 10 * magnitude


def _named(term: Any) -> NamedNode | None:
    return term if isinstance(term, NamedNode) else None


def _tail(iri: str) -> str:
    """The last segment of an IRI (a category code: ``…/categorie-public/total`` → ``total``)."""
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
