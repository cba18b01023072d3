"""HTML: the home page, resource pages, the query UI (YASGUI) and the 404 page.

Server-rendered with Jinja2 (autoescaped), readable without JavaScript. Links to our own IRIs are
rewritten to the host being browsed (``http://127.0.0.1:8000/doc/musee/M0963`` while developing); links
elsewhere are marked external. A located resource gets a Leaflet map (vendored, no tiles: the marker on a
plain background, coordinates as text); a museum or a site gets its attendance as an inline SVG chart
computed here, with the data table next to it.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from culturegraph.config import Settings
from culturegraph.graph.provenance import ProvenanceIndex, SourceFields
from culturegraph.rdf import formats, jsonld
from culturegraph.rdf.formats import DOCUMENT_FORMATS, GRAPH_FORMATS, RESULTS_FORMATS
from culturegraph.rdf.terms import (
    ADMS,
    DCTERMS,
    GEO,
    IGEO,
    OWL,
    QB,
    RDF,
    RDFS,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SKOS,
    VOID,
    WGS84,
    Minter,
)
from culturegraph.web import app as webapp
from culturegraph.web.describe import (
    COUNTS,
    OBSERVATION_LIMIT,
    Describer,
    Description,
    Observation,
    document_path,
    short_name,
)

bp = Blueprint("pages", __name__)


# links ------------------------------------------------------------------------------------------------

def local_url(iri: str) -> str | None:
    """Our IRI → its page on the site being browsed; ``None`` for an IRI elsewhere."""
    base = webapp.settings().base_iri
    if not iri.startswith(base):
        return None
    return request.url_root + document_path(iri[len(base):])


@dataclass
class Value:
    """A value as the page shows it."""

    text: str
    href: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None
    iri: str | None = None


def value_of(term: Any, desc: Description) -> Value:
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.datatype else None
        shown = None if term.language or (datatype or "").endswith(("#string", "#langString")) else datatype
        return Value(term.value, lang=term.language, datatype=short_name(shown) if shown else None)
    if isinstance(term, BlankNode):
        return Value(f"_:{term.value}")
    iri = term.value
    href = local_url(iri)
    if href is not None:
        return Value(desc.label(iri), href=href, iri=iri)
    label = desc.labels.get(iri) or iri
    linkable = iri.startswith(("http://", "https://"))
    return Value(label, href=iri if linkable else None, external=linkable, iri=iri)


# property groups ---------------------------------------------------------------------------------------

def _group_table() -> dict[str, str]:
    kgo = Minter(webapp.settings().base_iri).kgo
    groups = {
        "identite": [RDF.type, RDFS.label, SCHEMA.name, SCHEMA.alternateName, SKOS.prefLabel, SKOS.altLabel,
                     SKOS.notation, SKOS.definition, RDFS.comment, DCTERMS.identifier, DCTERMS.title,
                     DCTERMS.description, ADMS.identifier, IGEO.codeINSEE, IGEO.nom, SCHEMA.sameAs,
                     OWL.sameAs, SCHEMA.url, SCHEMA.telephone, SCHEMA.foundingDate, DCTERMS.isPartOf,
                     SKOS.inScheme, SKOS.broader, SKOS.topConceptOf, RDFS.isDefinedBy, DCTERMS.modified,
                     kgo.dateAppellation, kgo.ferme, kgo.anneeFermeture],
        "localisation": [SCHEMA.address, SCHEMA.geo, GEO.hasGeometry, GEO.asWKT, WGS84.lat, WGS84.long,
                         SCHEMA.latitude, SCHEMA.longitude, SCHEMA.containedInPlace,
                         IGEO.subdivisionDirecteDe,
                         SCHEMA.postalCode, SCHEMA.streetAddress, SCHEMA.addressLocality,
                         SCHEMA.addressCountry],
        "collections": [kgo.domaineCollection, kgo.themeCollection, kgo.categorieMusee, kgo.historique,
                        kgo.atouts, kgo.artistes, kgo.personnagesPhares, kgo.interetArchitectural,
                        kgo.protectionBatiment, kgo.protectionEspaces, kgo.referenceMerimee,
                        DCTERMS.relation],
        "statistiques": [kgo.nombreEntrees, kgo.site, SDMX_DIMENSION.refPeriod, kgo.categoriePublic,
                         SDMX_ATTRIBUTE.obsStatus, QB.dataSet, kgo.chiffresCumulesDans,
                         kgo.inclutChiffresDe, VOID.triples],
    }
    return {p.value: name for name, props in groups.items() for p in props}


GROUP_TITLES = {"identite": "Identité", "localisation": "Localisation", "collections": "Collections",
                "statistiques": "Statistiques", "autres": "Autres propriétés"}


@dataclass
class Row:
    predicate: str
    label: str
    href: str | None
    values: list[Value] = field(default_factory=list)
    graphs: set[str] = field(default_factory=set)


def property_groups(desc: Description, subject: NamedNode) -> list[tuple[str, str, list[Row]]]:
    """(group id, title, rows) for the triples of ``subject``, in a stable order."""
    table = _group_table()
    order = {p: i for i, p in enumerate(table)}
    rows: dict[str, Row] = {}
    seen: set[tuple[str, Any]] = set()
    for q in desc.quads:
        if q.subject != subject or (q.predicate.value, q.object) in seen:
            continue
        seen.add((q.predicate.value, q.object))
        p = q.predicate.value
        row = rows.get(p)
        if row is None:
            row = rows[p] = Row(p, desc.label(p), local_url(p) or p)
        row.values.append(value_of(q.object, desc))
        if isinstance(q.graph_name, NamedNode):
            row.graphs.add(q.graph_name.value)
    for row in rows.values():
        row.values.sort(key=lambda v: (v.lang not in ("fr", None), v.text.casefold()))
    grouped: dict[str, list[Row]] = defaultdict(list)
    for p, row in sorted(rows.items(), key=lambda kv: (order.get(kv[0], 10_000), kv[1].label.casefold())):
        grouped[table.get(p, "autres")].append(row)
    return [(g, GROUP_TITLES[g], grouped[g]) for g in GROUP_TITLES if grouped.get(g)]


def inverse_rows(desc: Description) -> list[tuple[Value, Value]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for q in desc.inverse:
        key = (str(q.subject), q.predicate.value)
        if key in seen:
            continue
        seen.add(key)
        prop = Value(desc.label(q.predicate.value), href=local_url(q.predicate.value) or q.predicate.value)
        out.append((value_of(q.subject, desc), prop))
    return out


# attendance: tables and the SVG chart ----------------------------------------------------------------

def french_number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


@dataclass
class SiteTable:
    site: Value
    categories: list[Value]
    rows: list[tuple[int, list[str]]]  # (year, cells in category order)


CATEGORY_ORDER = ("total", "payant", "gratuit", "individuel", "scolaires", "groupes-hors-scolaires",
                  "moins-18-ans-hors-scolaires", "18-25-ans")


def attendance_tables(desc: Description) -> list[SiteTable]:
    per_site: dict[str, list[Observation]] = defaultdict(list)
    for o in desc.observations:
        per_site[o.site.value].append(o)
    tables = []
    for site in desc.sites:
        observations = per_site.get(site.value, [])
        if not observations:
            continue
        categories = sorted({o.category.value for o in observations if o.category is not None},
                            key=lambda c: (CATEGORY_ORDER.index(short_name(c))
                                           if short_name(c) in CATEGORY_ORDER else 99, c))
        cells: dict[int, dict[str, str]] = defaultdict(dict)
        for o in observations:
            if o.year is None or o.category is None:
                continue
            text = french_number(o.value) if o.value is not None else (
                f"({desc.label(o.status)})" if o.status is not None else "")
            cells[o.year][o.category.value] = text
        rows = [(year, [cells[year].get(c, "") for c in categories]) for year in sorted(cells)]
        headers = [value_of(NamedNode(c), desc) for c in categories]
        tables.append(SiteTable(value_of(site, desc), headers, rows))
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


def attendance_chart(desc: Description) -> Chart | None:
    """Total admissions per year (one line per site), from the ``total`` observations."""
    series_points: dict[str, dict[int, int]] = defaultdict(dict)
    for o in desc.observations:
        if o.category is not None and short_name(o.category.value) == "total" and o.value is not None \
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

    def y(value: int) -> float:
        return bottom - (bottom - top) * (value / top_value if top_value else 0)

    series = []
    for i, site in enumerate(s.value for s in desc.sites if s.value in series_points):
        points = sorted(series_points[site].items())
        series.append({
            "label": desc.label(site), "colour": PALETTE[i % len(PALETTE)],
            "points": [{"x": round(x(yr), 1), "y": round(y(v), 1), "year": yr, "value": french_number(v)}
                       for yr, v in points],
            "path": " ".join(f"{round(x(yr), 1)},{round(y(v), 1)}" for yr, v in points),
        })
    step = max(1, -(-(y_max - y_min) // 10))
    x_ticks = [(round(x(yr), 1), str(yr)) for yr in range(y_min, y_max + 1, step)]
    y_ticks = [(round(y(top_value * k / 4), 1), french_number(int(top_value * k / 4))) for k in range(5)]
    return Chart(width, height, series, y_ticks, x_ticks, (left, top, right, bottom),
                 f"Entrées totales par an, {y_min}–{y_max}")


def nice_ceiling(value: int) -> int:
    """The smallest 1/2/2.5/5 × 10^k at least ``value`` (axis maximum)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return int(factor * magnitude)
    return 10 * magnitude


# where the values come from: the build's row-provenance index ----------------------------------------

@dataclass
class SourceRow:
    """A source row that the resource (or some of its hash parts) was mapped from."""

    file: str  # the file name
    path: str  # relative to the project: data/sources/<source>/<file>
    line: int  # physical line where the row starts (the header is line 1)
    href: str | None  # the page of the source file (/doc/data/source/<source>/<file>) when the graph has it
    subjects: list[Value] = field(default_factory=list)  # what was mapped from this row
    columns: list[tuple[int, str, Value]] = field(default_factory=list)  # (1-based column, header, property)


BUILD_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*")


def provenance_index_path(store_home: Path, version: str) -> Path | None:
    """``provenance.sqlite`` of the build being served, if there is one: the store version is the build
    id (:class:`~culturegraph.graph.store.CurrentStore`); a store given by the caller (tests, version
    ``fixed``) has no build directory, hence no index."""
    if not BUILD_ID.fullmatch(version):
        return None
    path = store_home / "builds" / version / "provenance.sqlite"
    return path if path.is_file() else None


def source_rows(desc: Description) -> list[SourceRow]:
    """The rows of ``desc``'s resource and hash parts (file, line, and the column of each value whose
    source field the mapping declares, as SHACL results are traced). Empty without an index: the page
    then simply has no Source section; a damaged index never breaks the page."""
    store, version = webapp.store()
    settings = webapp.settings()
    path = provenance_index_path(settings.store_home, version)
    if path is None:
        return []
    try:
        index = ProvenanceIndex(path)
    except sqlite3.Error:
        return []
    try:
        return _source_rows(desc, index, store, settings.base_iri)
    except sqlite3.Error:
        return []
    finally:
        index.close()


def _source_rows(desc: Description, index: ProvenanceIndex, store: Store, base_iri: str) -> list[SourceRow]:
    iris = Minter(base_iri)
    source_fields, datasets = _source_fields(base_iri)
    rows: dict[tuple[str, int], SourceRow] = {}
    for subject in (desc.iri, *desc.parts):
        origin = index.origin(subject.value)
        if origin is None:
            continue
        row = rows.get((origin.file, origin.line))
        if row is None:
            source, name = Path(origin.file).parent.name, Path(origin.file).name
            entity = iris.data("source", source, name)
            described = _any(store.quads_for_pattern(entity, None, None, None))
            href = local_url(entity.value) if described else None
            row = rows[(origin.file, origin.line)] = SourceRow(name, origin.file, origin.line, href)
        row.subjects.append(Value(desc.label(subject), href=local_url(subject.value), iri=subject.value))
        seen = {(column, value.iri) for column, _, value in row.columns}
        for q in desc.quads:
            if q.subject != subject or not isinstance(q.graph_name, NamedNode):
                continue
            dataset = datasets.get(q.graph_name.value)
            if dataset is None:
                continue
            cell = source_fields.origin(index, dataset, subject.value, q.predicate.value)
            # The field must be a column of this row's file (datasets read several sources).
            if cell is None or cell.column is None or cell.file != origin.file \
                    or (cell.column, q.predicate.value) in seen:
                continue
            p = q.predicate.value
            seen.add((cell.column, p))
            prop = Value(desc.label(p), href=local_url(p) or p, iri=p)
            row.columns.append((cell.column, cell.header or "", prop))
    for row in rows.values():
        row.columns.sort(key=lambda c: (c[0], c[2].text.casefold()))
    return sorted(rows.values(), key=lambda r: (r.path, r.line))


@functools.cache
def _source_fields(base_iri: str) -> tuple[SourceFields, dict[str, str]]:
    """The source columns of every dataset, as SHACL findings are traced, and named graph → dataset."""
    from culturegraph.mappings import dataset_modules

    iris = Minter(base_iri)
    specs = [m.DATASET for m in dataset_modules()]
    return SourceFields.of(specs, iris.prefixes()), {iris.graph(s.name).value: s.name for s in specs}


def _any(iterator: Any) -> bool:
    return next(iter(iterator), None) is not None


# embedded JSON-LD --------------------------------------------------------------------------------------

def script_json(data: bytes | str) -> Markup:
    """JSON made safe inside <script>: no '</script>', no '<!--', no HTML-significant characters."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


# the resource page -------------------------------------------------------------------------------------

def resource_page(desc: Description, rest: str) -> str:
    settings = webapp.settings()
    types = [value_of(t, desc) for t in desc.types()]
    title = desc.label(desc.iri)
    own = [Quad(q.subject, q.predicate, q.object, q.graph_name) for q in desc.quads if q.subject == desc.iri]
    embedded = jsonld.compact(
        [t for t in desc.triples(with_observations=False) if t.subject in (desc.iri, *desc.parts)],
        settings)
    parts = [{"id": p.value.partition("#")[2], "title": desc.label(p), "iri": p.value,
              "groups": property_groups(desc, p)} for p in desc.parts]
    here = f"{request.url_root}doc/{rest}"
    coords = desc.coordinates()
    return render_template(
        "resource.html",
        desc=desc, title=title, types=types, iri=desc.iri.value,
        canonical=settings.base_iri + document_path(desc.iri.value[len(settings.base_iri):]),
        here=here, alternates=[(f, f"{here}.{f.suffix}") for f in DOCUMENT_FORMATS],
        groups=property_groups(desc, desc.iri), parts=parts, has_own=bool(own),
        inverse=inverse_rows(desc), coords=coords, jsonld=script_json(embedded),
        tables=attendance_tables(desc), chart=attendance_chart(desc),
        sites=[value_of(s, desc) for s in desc.sites if s != desc.iri],
        graphs=sorted({q.graph_name.value for q in desc.quads if isinstance(q.graph_name, NamedNode)}),
        observations_query=_observations_query(desc), french_number=french_number,
        local_url=local_url, is_graph=desc.graph_triples is not None, observation_limit=OBSERVATION_LIMIT,
        base=settings.base_iri, source_rows=source_rows(desc),
    )


def _observations_query(desc: Description) -> str | None:
    if not desc.sites:
        return None
    store, version = webapp.store()
    return Describer(store, version, webapp.settings().base_iri).observations_query(desc)


def not_found_page(path: str) -> str:
    from culturegraph.web.resources import resource_path

    name = resource_path(path[4:]) if path.startswith("doc/") else path
    iri = webapp.settings().base_iri + name.split("?")[0]
    return render_template("not_found.html", path=path, iri=iri)


# home --------------------------------------------------------------------------------------------------

@bp.route("/")
def home() -> Response:
    store, version = webapp.store()
    settings = webapp.settings()
    stats = graph_statistics(store, version, settings.base_iri)
    from culturegraph.mappings import dataset_modules

    datasets = []
    for module in dataset_modules():
        spec = module.DATASET
        graph = Minter(settings.base_iri).graph(spec.name).value
        datasets.append({"name": spec.name, "title": spec.title, "description": spec.description,
                         "graph": local_url(graph), "triples": stats["graphs"].get(graph, 0),
                         "dataset": local_url(Minter(settings.base_iri).dataset(spec.name).value)})
    others = [{"name": g.rsplit("/", 1)[-1], "href": local_url(g), "triples": n}
              for g, n in sorted(stats["graphs"].items())
              if g.rsplit("/", 1)[-1] not in {d["name"] for d in datasets}]
    body = render_template(
        "home.html", stats=stats, datasets=datasets, others=others, examples=examples(settings),
        formats=DOCUMENT_FORMATS, french_number=french_number, base=settings.base_iri,
        curator_links=_curator_links(), version=version,
    )
    response = Response(body, content_type=formats.HTML.content_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _curator_links() -> list[tuple[str, str]]:
    """Links to the validation report and the quarantine when the app serves them."""
    wanted = {"/validation": "Rapport de validation SHACL", "/quarantine": "Lignes en quarantaine",
              "/rapport": "Rapport de construction", "/report": "Rapport de construction"}
    rules = {r.rule for r in current_app.url_map.iter_rules()}
    return [(request.url_root + path.lstrip("/"), label) for path, label in wanted.items() if path in rules]


def graph_statistics(store: Store, version: str, base_iri: str) -> dict[str, Any]:
    """Triples per named graph and counts of museums, sites, observations (SPARQL; cached per version)."""
    return COUNTS.get(version, ("statistics", base_iri), lambda: _statistics(store, base_iri))


def _statistics(store: Store, base_iri: str) -> dict[str, Any]:
    kgo = Minter(base_iri).kgo

    def count(where: str) -> int:
        result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", use_default_graph_as_union=True)
        return int(next(iter(result))["n"].value)

    graphs = {row["g"].value: int(row["n"].value) for row in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    return {
        "graphs": graphs,
        "triples": sum(graphs.values()),
        "museums": count(f"SELECT DISTINCT ?m WHERE {{ ?m a <{SCHEMA.Museum.value}> }}"),
        "sites": count(f"SELECT DISTINCT ?s WHERE {{ ?s a <{kgo.SitePatrimostat.value}> }}"),
        "observations": count(f"SELECT DISTINCT ?o WHERE {{ ?o a <{QB.Observation.value}> }}"),
        "communes": count(f"SELECT DISTINCT ?c WHERE {{ ?c a <{IGEO.Commune.value}> }}"),
    }


# the query UI ------------------------------------------------------------------------------------------

@dataclass
class Example:
    name: str
    title: str
    description: str
    query: str
    title_en: str = ""
    description_en: str = ""


HEADER = re.compile(r"^#\s*([A-Za-zéÉ@_-]+)\s*:\s*(.*)$")


def parse_example(path: Path, settings: Settings | None = None) -> Example:
    """A queries/*.rq file: a leading comment block with ``# title: …`` and ``# description: …``
    (``titre``/``description``, any case; ``# key@en:`` variants skipped; continuation lines of a key
    start with ``#`` and two spaces or more; ``French | English`` values are split). Without a title, the
    first comment line or the file name. Comment lines after the header are left in the query text.

    The files are written against the default base IRI, like every shipped file: with ``settings``, the
    text is rebased to that deployment's base (as ``culturegraph query --file`` does), so that an example
    queries the graph being served."""
    text = path.read_text(encoding="utf-8")
    if settings is not None:
        text = settings.rebase(text)
    fields: dict[str, str] = {}
    loose: list[str] = []
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if fields or loose:
                last = None
            continue
        if not stripped.startswith("#"):
            break
        match = HEADER.match(stripped)
        if match and "@" not in match.group(1) and not match.group(1).lower().startswith("http"):
            key = match.group(1).lower()
            key = {"titre": "title", "name": "title", "nom": "title"}.get(key, key)
            fields.setdefault(key, match.group(2).strip())
            last = key
        elif match and "@" in match.group(1):
            last = None
        else:
            content = stripped.lstrip("#").strip()
            if last and re.match(r"^#\s{2,}", stripped) and content:
                fields[last] = f"{fields[last]} {content}".strip()
            elif content:
                loose.append(content)
                last = None
    title = fields.get("title") or (loose[0] if loose else path.stem.replace("-", " ").replace("_", " "))
    description = fields.get("description") or " ".join(loose[1:] if not fields.get("title") else loose)
    # "French | English" (the convention of queries/*.rq)
    title, _, title_en = (p.strip() for p in title.partition(" | "))
    description, _, description_en = (p.strip() for p in description.partition(" | "))
    return Example(path.stem, title, description, text, title_en, description_en)


def examples(settings: Settings) -> list[Example]:
    """The example queries of ``settings.queries_dir``, rebased to ``settings.base_iri``."""
    folder = settings.queries_dir
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.rq")):
        try:
            out.append(parse_example(path, settings))
        except (OSError, UnicodeDecodeError):
            continue
    return out


def query_ui() -> Response:
    """The YASGUI page (GET /sparql from a browser, no query): examples of queries/, same-server endpoint,
    and a plain form that works without JavaScript."""
    settings = webapp.settings()
    found = examples(settings)
    endpoint = request.url_root + "sparql"
    config = {"endpoint": endpoint, "base": settings.base_iri, "site": request.url_root,
              "examples": [{"name": e.name, "title": e.title, "description": e.description, "query": e.query}
                           for e in found]}
    body = render_template(
        "query.html", examples=found, endpoint=endpoint, config=script_json(json.dumps(config)),
        results_formats=RESULTS_FORMATS, graph_formats=GRAPH_FORMATS,
        default_query=found[0].query if found else DEFAULT_QUERY,
    )
    response = Response(body, content_type=formats.HTML.content_type)
    response.vary.add("Accept")
    return response


DEFAULT_QUERY = """PREFIX schema: <http://schema.org/>
SELECT ?musee ?nom WHERE {
  ?musee a schema:Museum ; schema:name ?nom .
} LIMIT 10
"""
