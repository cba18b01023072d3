"""HTML: the home page, resource pages, the query UI (YASGUI) and the 404 page.

Server-rendered with Jinja2 (autoescaped), readable without JavaScript. Links to our own IRIs are
rewritten to the host being browsed (``http://127.0.0.1:8000/doc/…`` while developing); links elsewhere
are marked external. A located resource gets a Leaflet map (vendored, no tiles: the marker on a plain
background, coordinates as text). What a dataset adds — property groups, panels with their own
templates, home-page statistics, example pages, IRI patterns — comes from the registry
(``DatasetSpec``); this module names no dataset.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from culturegraph.config import Settings
from culturegraph.datasets import Registry, Statistic
from culturegraph.provenance.index import ProvenanceIndex, SourceFields
from culturegraph.rdf import formats, jsonld, prefixes
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
    SKOS,
    VOID,
    WGS84,
    Minter,
)
from culturegraph.sources.model import CsvLocator
from culturegraph.store.base import GraphReader, PerVersion
from culturegraph.web import context, i18n, l10n, urls
from culturegraph.web.describe import Description
from culturegraph.web.security import QUERY_UI_CSP
from culturegraph.web.urls import resource_path, short_name

bp = Blueprint("pages", __name__)


# links ------------------------------------------------------------------------------------------------

def local_url(iri: str) -> str | None:
    """Our IRI → its page on the site being browsed; ``None`` for an IRI elsewhere."""
    return urls.local_url(iri, context.settings().base_iri, request.url_root)


@dataclass
class Value:
    """A value as the page shows it."""

    text: str
    href: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None
    iri: str | None = None
    term: str = ""  # the value as an N-Triples term: with its property, the key of a remark on it


def value_of(term: Any, desc: Description) -> Value:
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.datatype else None
        shown = None if term.language or (datatype or "").endswith(("#string", "#langString")) else datatype
        return Value(term.value, lang=term.language, datatype=short_name(shown) if shown else None,
                     term=str(term))
    if isinstance(term, BlankNode):
        return Value(blank_node_text(term, desc), term=str(term))
    iri = term.value
    href = local_url(iri)
    if href is not None:
        return Value(desc.label(iri), href=href, iri=iri, term=str(term))
    label = desc.labels.get(iri) or iri
    linkable = iri.startswith(("http://", "https://"))
    return Value(label, href=iri if linkable else None, external=linkable, iri=iri, term=str(term))


def own_triples(desc: Description) -> list[Any]:
    """The triples of the resource, its hash parts and the blank nodes they lead to (the page's embedded
    JSON-LD: without the blank nodes' triples a ``schema:amount`` would be a dangling ``_:…``)."""
    triples = desc.triples(with_bulk=False)
    reached: set[Any] = {desc.iri, *desc.parts}
    pending = True
    while pending:  # a few passes: blank nodes nest a level or two
        pending = False
        for t in triples:
            if t.subject in reached and isinstance(t.object, BlankNode) and t.object not in reached:
                reached.add(t.object)
                pending = True
    return [t for t in triples if t.subject in reached]


def blank_node_text(node: BlankNode, desc: Description, depth: int = 0) -> str:
    """A blank node shown by what it says (``[valeur : 249757 ; devise : EUR]``): it has no page of
    its own, and the document holds its triples (describe.Describer._blank_closure)."""
    parts = []
    for q in desc.quads:
        if q.subject != node:
            continue
        obj = q.object
        if isinstance(obj, BlankNode):
            text = blank_node_text(obj, desc, depth + 1) if depth < 3 else "[…]"
        elif isinstance(obj, Literal):
            text = obj.value
        else:
            text = desc.label(obj) if isinstance(obj, NamedNode) else str(obj)
        entry = f"{desc.label(q.predicate)} : {text}"
        if entry not in parts:
            parts.append(entry)
    return f"[{' ; '.join(parts)}]" if parts else "[]"


# property groups ---------------------------------------------------------------------------------------

HOUSE_GROUPS: dict[str, list[NamedNode]] = {
    "identite": [RDF.type, RDFS.label, SCHEMA.name, SCHEMA.alternateName, SKOS.prefLabel, SKOS.altLabel,
                 SKOS.notation, SKOS.definition, RDFS.comment, DCTERMS.identifier, DCTERMS.title,
                 DCTERMS.description, ADMS.identifier, IGEO.codeINSEE, IGEO.nom, SCHEMA.sameAs,
                 OWL.sameAs, SCHEMA.url, SCHEMA.telephone, SCHEMA.foundingDate, DCTERMS.isPartOf,
                 SKOS.inScheme, SKOS.broader, SKOS.topConceptOf, RDFS.isDefinedBy, DCTERMS.modified],
    "localisation": [SCHEMA.address, SCHEMA.geo, GEO.hasGeometry, GEO.asWKT, WGS84.lat, WGS84.long,
                     SCHEMA.latitude, SCHEMA.longitude, SCHEMA.containedInPlace,
                     IGEO.subdivisionDirecteDe,
                     SCHEMA.postalCode, SCHEMA.streetAddress, SCHEMA.addressLocality,
                     SCHEMA.addressCountry],
    "collections": [],
    "statistiques": [QB.dataSet, VOID.triples],
}


def _group_table(registry: Registry, base_iri: str,
                 lang: str = i18n.DEFAULT) -> tuple[dict[str, str], dict[str, str]]:
    """predicate IRI → group id (house groups first, each extended by the datasets' predicates), and
    group id → title in ``lang``. Computed once per registry, base and language."""
    return registry.derived(("page groups", base_iri, lang),
                            lambda: _make_group_table(registry, base_iri, lang))


def _make_group_table(registry: Registry, base_iri: str,
                      lang: str = i18n.DEFAULT) -> tuple[dict[str, str], dict[str, str]]:
    groups: dict[str, list[str]] = {g: [p.value for p in props] for g, props in HOUSE_GROUPS.items()}
    titles = {g: (GROUP_TITLES_EN.get(g, t) if lang == "en" else t) for g, t in GROUP_TITLES.items()}
    extra = sorted(registry.property_groups(), key=lambda g: g.order)
    for group in extra:
        if group.id not in groups:
            groups[group.id] = []
            titles[group.id] = group.title.get(lang) or group.title.get("fr") or group.id
        groups[group.id] += [prefixes.expand(p, base_iri) for p in group.predicates]
    order = [*[g for g in GROUP_TITLES if g != "autres"], *[g for g in groups if g not in GROUP_TITLES],
             "autres"]
    table: dict[str, str] = {}
    for name in order:
        for p in groups.get(name, []):
            table.setdefault(p, name)
    return table, {g: titles[g] for g in order if g in titles}


GROUP_TITLES = {"identite": "Identité", "localisation": "Localisation", "collections": "Collections",
                "statistiques": "Statistiques", "autres": "Autres propriétés"}
GROUP_TITLES_EN = {"identite": "Identity", "localisation": "Location", "collections": "Collections",
                   "statistiques": "Statistics", "autres": "Other properties"}


@dataclass
class Row:
    predicate: str
    label: str
    href: str | None
    values: list[Value] = field(default_factory=list)
    graphs: set[str] = field(default_factory=set)


def property_groups(desc: Description, subject: NamedNode) -> list[tuple[str, str, list[Row]]]:
    """(group id, title, rows) for the triples of ``subject``, in a stable order."""
    lang = i18n.current()
    table, titles = _group_table(context.registry(), context.settings().base_iri, lang)
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
        # the page's language first, then untagged values and the others
        row.values.sort(key=lambda v: (v.lang != lang, v.lang is not None, v.text.casefold()))
    grouped: dict[str, list[Row]] = defaultdict(list)
    for p, row in sorted(rows.items(), key=lambda kv: (order.get(kv[0], 10_000), kv[1].label.casefold())):
        grouped[table.get(p, "autres")].append(row)
    return [(g, title, grouped[g]) for g, title in titles.items() if grouped.get(g)]


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


# where the values come from: the build's provenance index ------------------------------------------------

@dataclass
class SourceRow:
    """A source record that the resource (or some of its hash parts) was mapped from: a CSV row (file,
    line) or a JSON record (file, JSON pointer, item index)."""

    file: str  # the file name
    path: str  # relative to the project: data/sources/<source>/<file>
    line: int  # CSV: physical line where the row starts (the header is line 1); JSON: 0
    href: str | None  # the page of the source file (/doc/data/source/<source>/<file>) when the graph has it
    subjects: list[Value] = field(default_factory=list)  # what was mapped from this record
    # (1-based column, header, property) for CSV; (0, JSON pointer of the value, property) for JSON
    columns: list[tuple[int, str, Value]] = field(default_factory=list)
    pointer: str | None = None  # JSON: the record's pointer
    feature: int | None = None  # JSON: the record's index in its array


BUILD_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]*")


def provenance_index_path(store_home: Path, version: str) -> Path | None:
    """``provenance.sqlite`` of the build being served, if there is one: the store version is the build
    id (store/oxigraph/home.py); a store given by the caller (tests, version ``fixed``) has no build
    directory, hence no index."""
    if not BUILD_ID.fullmatch(version):
        return None
    path = store_home / "builds" / version / "provenance.sqlite"
    return path if path.is_file() else None


def source_rows(desc: Description) -> list[SourceRow]:
    """The records of ``desc``'s resource and hash parts (their locators, and the place of each value
    whose source field the dataset declares, as SHACL results are traced). Empty without an index: the
    page then simply has no Source section; a damaged index never breaks the page."""
    reader = context.reader()
    settings = context.settings()
    path = provenance_index_path(settings.store_home, reader.version)
    if path is None:
        return []
    try:
        index = _open_index(path)
        return _source_rows(desc, index, reader, settings.base_iri)
    except sqlite3.Error:
        _INDEXES.__dict__.pop("open", None)  # a damaged index is reopened next time
        return []


_INDEXES = threading.local()


def _open_index(path: Path) -> ProvenanceIndex:
    """This thread's connection to the provenance index at ``path``, kept open between pages (issue 9:
    opening it for each page was a sixth of an HTML document's time); a new build's index replaces it."""
    current: tuple[Path, ProvenanceIndex] | None = getattr(_INDEXES, "open", None)
    if current is not None and current[0] == path:
        return current[1]
    index = ProvenanceIndex(path)
    _INDEXES.open = (path, index)
    if current is not None:
        current[1].close()
    return index


def _source_rows(desc: Description, index: ProvenanceIndex, reader: GraphReader,
                 base_iri: str) -> list[SourceRow]:
    iris = Minter(base_iri)
    source_fields, datasets = _source_fields(context.registry(), base_iri)
    rows: dict[tuple[str, int, str], SourceRow] = {}
    for subject in (desc.iri, *desc.parts):
        origin = index.origin(subject.value)
        if origin is None:
            continue
        key = (origin.file, origin.line, origin.pointer or "")
        row = rows.get(key)
        if row is None:
            source, name = Path(origin.file).parent.name, Path(origin.file).name
            entity = iris.data("source", source, name)
            href = local_url(entity.value) if reader.exists(entity) else None
            row = rows[key] = SourceRow(name, origin.file, origin.line, href, pointer=origin.pointer,
                                        feature=origin.feature)
        row.subjects.append(Value(desc.label(subject), href=local_url(subject.value), iri=subject.value))
        seen = {(column, header, value.iri) for column, header, value in row.columns}
        for q in desc.quads:
            if q.subject != subject or not isinstance(q.graph_name, NamedNode):
                continue
            dataset = datasets.get(q.graph_name.value)
            if dataset is None:
                continue
            cell = source_fields.origin(index, dataset, subject.value, q.predicate.value)
            # The field must be in this record's file (datasets read several sources).
            if cell is None or not cell.located_field or cell.file != origin.file:
                continue
            locator = cell.locator
            column, header = ((locator.column or 0, cell.header or "") if isinstance(locator, CsvLocator)
                              else (0, cell.field_pointer or ""))
            p = q.predicate.value
            if (column, header, p) in seen:
                continue
            seen.add((column, header, p))
            prop = Value(desc.label(p), href=local_url(p) or p, iri=p)
            row.columns.append((column, header, prop))
    for row in rows.values():
        row.columns.sort(key=lambda c: (c[0], c[1] if not c[0] else "", c[2].text.casefold()))
    return sorted(rows.values(), key=lambda r: (r.path, r.line, r.feature or 0))


def _source_fields(registry: Registry, base_iri: str) -> tuple[SourceFields, dict[str, str]]:
    """The source fields of every dataset, as SHACL findings are traced, and named graph → dataset."""
    def compute() -> tuple[SourceFields, dict[str, str]]:
        iris = Minter(base_iri)
        specs = list(registry)
        return SourceFields.of(specs, iris.prefixes()), {iris.graph(s.name).value: s.name for s in specs}

    return registry.derived(("source fields", base_iri), compute)


# embedded JSON-LD --------------------------------------------------------------------------------------

def script_json(data: bytes | str) -> Markup:
    """JSON made safe inside <script>: no '</script>', no '<!--', no HTML-significant characters."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


# the resource page -------------------------------------------------------------------------------------

@dataclass
class PageView(l10n.Formatter):
    """What a dataset's panel sees (:class:`culturegraph.datasets.PanelView`): numbers, dates and
    sentences in the page's language are the formatter's (web/l10n.py)."""

    description: Description
    base_iri: str
    lang: str = i18n.DEFAULT  # the page's language ("fr" or "en": web/i18n.py)

    def label(self, iri: str) -> str:
        return self.description.label(iri)

    def value(self, term: Any) -> Value:
        return value_of(term, self.description)

    def local_url(self, iri: str) -> str | None:
        return local_url(iri)

    def query_url(self, query: str) -> str:
        return f"{request.url_root}sparql#query={quote(query, safe='')}"


def panels_of(desc: Description) -> list[dict[str, Any]]:
    """The datasets' panels that apply to this resource: their template (``<dataset>/<file>``) and the
    variables their ``context`` gives (``panel.<name>`` in the template)."""
    view = PageView(desc, context.settings().base_iri, i18n.current())
    out = []
    for spec, panel in context.registry().panels():
        variables = panel.context(view)
        if variables is not None:
            out.append({**variables, "template": f"{spec.name}/{panel.template}", "name": panel.name,
                        "slot": panel.slot})
    return out


def resource_page(desc: Description, rest: str) -> str:
    settings = context.settings()
    types = [value_of(t, desc) for t in desc.types()]
    title = desc.label(desc.iri)
    own = [Quad(q.subject, q.predicate, q.object, q.graph_name) for q in desc.quads if q.subject == desc.iri]
    embedded = jsonld.compact(own_triples(desc), settings, focus=desc.iri.value)
    parts = [{"id": p.value.partition("#")[2], "title": desc.label(p), "iri": p.value,
              "groups": property_groups(desc, p)} for p in desc.parts]
    here = f"{request.url_root}doc/{rest}"
    coords = desc.coordinates()
    return render_template(
        "resource.html",
        desc=desc, title=title, types=types, iri=desc.iri.value,
        canonical=urls.canonical_document(desc.iri.value, settings.base_iri),
        here=here, alternates=[(f, f"{here}.{f.suffix}") for f in DOCUMENT_FORMATS],
        groups=property_groups(desc, desc.iri), parts=parts, has_own=bool(own),
        inverse=inverse_rows(desc), coords=coords, jsonld=script_json(embedded), panels=panels_of(desc),
        graphs=sorted({q.graph_name.value for q in desc.quads if isinstance(q.graph_name, NamedNode)}),
        french_number=i18n.number, local_url=local_url, is_graph=desc.graph_triples is not None,
        base=settings.base_iri, source_rows=source_rows(desc),
    )


def not_found_page(path: str) -> str:
    name = resource_path(path[4:]) if path.startswith("doc/") else path
    iri = context.settings().base_iri + name.split("?")[0]
    return render_template("not_found.html", path=path, iri=iri)


# home --------------------------------------------------------------------------------------------------

@bp.route("/")
def home() -> Response:
    reader = context.reader()
    settings = context.settings()
    registry = context.registry()
    stats = graph_statistics(reader, registry, settings.base_iri)
    iris = Minter(settings.base_iri)
    datasets = []
    for spec in registry:
        graph = iris.graph(spec.name).value
        datasets.append({"name": spec.name, "title": spec.title, "description": spec.description,
                         "graph": local_url(graph), "triples": stats["graphs"].get(graph, 0),
                         "dataset": local_url(iris.dataset(spec.name).value)})
    others = [{"name": g.rsplit("/", 1)[-1], "href": local_url(g), "triples": n}
              for g, n in sorted(stats["graphs"].items())
              if g.rsplit("/", 1)[-1] not in {d["name"] for d in datasets}]
    figures = [(stats["counts"][s.key], s.unit, i18n.text(s.label, s.key)) for _, s in registry.statistics()]
    pages = [(i18n.text(e.label, e.path), e.path) for spec in registry for e in spec.examples]
    patterns = [(i18n.text(p.label), p.pattern, p.example) for spec in registry for p in spec.iri_patterns]
    body = render_template(
        "home.html", stats=stats, datasets=datasets, others=others, examples=examples(settings, registry),
        formats=DOCUMENT_FORMATS, french_number=i18n.number, base=settings.base_iri,
        curator_links=_curator_links(), version=reader.version, figures=figures, example_pages=pages,
        patterns=patterns, local_url=local_url,
        first_graph=datasets[0]["name"] if datasets else "vocabulaires",
    )
    response = Response(body, content_type=formats.HTML.content_type)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _curator_links() -> list[tuple[str, str]]:
    """Links to the validation report and the quarantine when the app serves them."""
    rules = {r.rule for r in current_app.url_map.iter_rules()}
    return [(request.url_root + path.lstrip("/"), label) for path, label in CURATOR_LINKS.items()
            if path in rules]


# French (the template translates them: web/messages_en.py)
CURATOR_LINKS = {"/validation": "Rapport de validation SHACL", "/quarantine": "Lignes en quarantaine",
                 "/rapport": "Rapport de construction", "/report": "Rapport de construction"}


def graph_statistics(reader: GraphReader, registry: Registry, base_iri: str) -> dict[str, Any]:
    """Triples per named graph and the datasets' counts (``DatasetSpec.statistics``; SPARQL over the
    union of the graphs; cached per version)."""
    counts = registry.derived(("statistics", base_iri), PerVersion)
    return counts.get(reader.version, "statistics", lambda: _statistics(reader, registry, base_iri))


def _statistics(reader: GraphReader, registry: Registry, base_iri: str) -> dict[str, Any]:
    table = prefixes.table(base_iri)
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in table.items())

    def count(statistic: Statistic) -> int | Decimal:
        if statistic.sum is None:
            query = (f"{prologue}SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?x WHERE "
                     f"{{ {statistic.pattern} }} }}")
        else:  # SUM of nothing is 0; a value that is not a number makes it unbound (counted as 0 too)
            query = (f"{prologue}SELECT (SUM({statistic.sum}) AS ?n) WHERE {{ SELECT DISTINCT ?x "
                     f"{statistic.sum} WHERE {{ {statistic.pattern} }} }}")
        result = next(iter(reader.query(query, union_default_graph=True)))["n"]
        if statistic.sum is None:
            return int(result.value)
        total = Decimal(result.value) if result is not None else Decimal(0)
        return int(total) if total == total.to_integral_value() else total

    graphs = {row["g"].value: int(row["n"].value) for row in reader.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    counts = {s.key: count(s) for _, s in registry.statistics()}
    return {"graphs": graphs, "triples": sum(graphs.values()), "counts": counts, **counts}


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


def example_files(settings: Settings, registry: Registry) -> list[Path]:
    """The example queries: the house's (``queries/*.rq``, across datasets) then each dataset's own
    (``DatasetSpec.queries``)."""
    folders = [settings.queries_dir, *registry.query_folders().values()]
    return [path for folder in folders if folder.is_dir() for path in sorted(folder.glob("*.rq"))]


def examples(settings: Settings, registry: Registry | None = None) -> list[Example]:
    """The example queries (:func:`example_files`), rebased to ``settings.base_iri``."""
    out = []
    for path in example_files(settings, registry if registry is not None else context.registry()):
        try:
            out.append(parse_example(path, settings))
        except (OSError, UnicodeDecodeError):
            continue
    return out


def query_ui() -> Response:
    """The YASGUI page (GET /sparql from a browser, no query): examples of queries/, same-server endpoint,
    and a plain form that works without JavaScript."""
    settings = context.settings()
    found = examples(settings)
    endpoint = request.url_root + "sparql"
    english = i18n.current() == "en"
    config = {"endpoint": endpoint, "base": settings.base_iri, "site": request.url_root,
              "examples": [{"name": e.name, "title": (e.title_en if english and e.title_en else e.title),
                            "description": (e.description_en if english and e.description_en
                                            else e.description), "query": e.query}
                           for e in found]}
    body = render_template(
        "query.html", examples=found, endpoint=endpoint, config=script_json(json.dumps(config)),
        results_formats=RESULTS_FORMATS, graph_formats=GRAPH_FORMATS,
        default_query=found[0].query if found else DEFAULT_QUERY,
    )
    response = Response(body, content_type=formats.HTML.content_type)
    response.vary.add("Accept")
    response.headers["Content-Security-Policy"] = QUERY_UI_CSP  # YASGUI's inline styles (issue 9)
    return response


DEFAULT_QUERY = """SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
} LIMIT 10
"""
