"""The dataset contract: everything a dataset contributes, declared in one :class:`DatasetSpec`.

A dataset is a package (``mappings/<dataset>/`` for the shipped ones; any importable package or folder
listed in the ``datasets`` setting; or a ``culturegraph.datasets`` entry point) whose ``__init__``
defines ``DATASET = DatasetSpec(...)``. The generic layers — pipeline, validation, web — know no museum,
no press title, no photograph: they only call the hooks below. Adding a dataset needs no edit outside
its own rooms; a dataset that would need one shows a hook missing here (add it: fields of this module
are only ever added, never renamed).

The hooks, and who calls them:

=====================  ===========================================================================
``sources``            folders of ``data/sources/`` it reads (its own first); each folder's
                       ``manifest.toml`` ``format`` chooses the reader (``csv`` default)
``source_folders``     sources whose folder (manifest + files) the dataset ships itself
``aliases``            field maps (alias tables) of the sources it owns: source → TOML file
``readers``            extra readers (format → :class:`Reader`) the dataset brings (a new format)
``parsers``            extra value types of its field maps (type name → parser of a raw string)
``tables``             shared tables (name → CSV file or :class:`TableLoader`), ``inputs.tables[name]``
``mapping``            ``mapping(inputs, iris)`` → triples, Records (provenance) and Problems
``fields``             predicate → source field, to trace SHACL results and page values to a locator
``source_field``       ``source_field(subject, predicate)`` where ``fields`` cannot tell
``shapes``             SHACL shapes files (validation)
``vocabulary``         Turtle files loaded into ``/graph/vocabulaires`` (schemes, DSDs, ontology terms)
``prefixes``           prefixes for every writer (CLI, /sparql, documents, golden files)
``catalogue``          DCAT/VoID metadata of ``/data/<name>`` in the DCAT-AP catalogue (title and
                       description come from the spec; docs/catalogue.md)
``report``             what the build reports about the dataset (``report.json``, summary, CSV files)
``statistics``         counts on the home page
``iri_patterns``       rows of the home page's IRI pattern table
``examples``           example pages linked from the home page
``property_groups``    where its predicates go on a resource page (Identité, Localisation, …)
``enrichers``          add related quads/values to a resource's description (e.g. a museum's sites)
``panels``             page sections rendered with the dataset's own templates (e.g. a chart)
``templates``          folder of those Jinja templates (names are looked up as ``<name>/<file>``)
``queries``            folder of example SPARQL queries (``*.rq``) for the query UI and the tests
``stages``             derived-graph stages the dataset adds to the pipeline (links, …)
``links``              link rules the links stage runs (pipeline/links.py): which resources of the graph
                       to compare with which, by which matcher, and the curators' decisions table
``commands``           command-line commands it adds (:class:`Command`: ``culturegraph [<group>] <name>``,
                       e.g. ``culturegraph export edm``), registered by cli.py
``identifiers``        which of its resources carry an identifier that Wikidata also holds
                       (:class:`ExternalIdentifier`: a Wikidata property and a query giving ``?item ?id``):
                       ``culturegraph enrich wikidata`` asks for the items, the links stage applies the cache
=====================  ===========================================================================

Relative paths are relative to ``home`` (the dataset package's folder; :func:`DatasetSpec.path`).
Prefix IRIs without a scheme (``id/musee/``) are relative to the deployment's base IRI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from culturegraph.sources.model import Problem, Reader, ReadResult, Record

if TYPE_CHECKING:
    from culturegraph.rdf.terms import Minter
    from culturegraph.store.base import GraphReader

Text = Mapping[str, str]  # language → text: {"fr": …, "en": …}
Term = NamedNode | BlankNode | Literal
Triple3 = tuple[NamedNode | BlankNode, NamedNode, Term]
Emitted = Triple3 | Record | Problem
"""What a mapping yields: a triple; a Record (\"the triples that follow come from this record\": the
provenance index); or a Problem (a record it refuses, e.g. a duplicate key: the quarantine)."""


# inputs of a mapping ---------------------------------------------------------------------------------

@dataclass
class Inputs:
    """Everything a mapping may read: the typed records of its sources and the shared tables."""

    files: dict[str, list[ReadResult]]  # source → its files in manifest order (preferred first)
    tables: dict[str, Any] = field(default_factory=dict)  # name → what the table's loader returned

    def records(self, source: str) -> Iterable[Record]:
        for result in self.files.get(source, []):
            yield from result.records

    def table(self, name: str) -> Any:
        """A shared table; a clear error naming the tables there are when it is missing."""
        try:
            return self.tables[name]
        except KeyError:
            raise LookupError(f"no table {name!r} (tables: {', '.join(sorted(self.tables)) or 'none'}): "
                              "a dataset declares it in DatasetSpec.tables") from None


MappingFunction = Callable[[Inputs, "Minter"], Iterable[Emitted]]
FieldResolver = Callable[[str, str], "str | None"]


# readers and tables ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableLoader:
    """A shared table that is not a plain ``;``-separated CSV: ``load(path)`` returns what mappings get."""

    path: Path | str
    load: Callable[[Path], Any]


# derived graphs ----------------------------------------------------------------------------------------

class StageContext(Protocol):
    """What a stage is given (pipeline/stages.py builds it)."""

    settings: Any  # culturegraph.config.Settings
    registry: Any  # culturegraph.datasets.registry.Registry
    iris: Minter
    build_id: str
    loaded: Any  # pipeline.load.LoadResult: sources read, datasets mapped, reports

    def reader(self) -> GraphReader:
        """The graph loaded so far."""
        ...

    def load(self, quads: Iterable[Quad]) -> None:
        """Add quads to the build."""
        ...


@dataclass(frozen=True)
class Stage:
    """A step after map + load that writes a derived graph (vocabularies, links, catalogue, provenance).

    Stages run in ``order`` (built-in: vocabularies 10, links 40, corrections 80, provenance 90,
    catalogue 95).
    ``run`` returns nothing; the triples of ``graph`` (``/graph/<graph>``) are counted into the build
    report when it is set."""

    name: str
    run: Callable[[StageContext], None]
    order: int = 50
    graph: str | None = None
    # SHACL shapes of ``graph``, validated with the datasets' graphs (``culturegraph validate``, the
    # build): paths relative to the ontology folder for the house's stages; a dataset's stage gives
    # absolute paths (``spec.path(…)``).
    shapes: tuple[Path | str, ...] = ()


@dataclass(frozen=True)
class LinkRule:
    """A kind of link between resources of the graph, computed by the links stage (``/graph/liens``).

    ``subjects`` and ``objects`` are SPARQL SELECT queries (registry prefixes, over the union of the
    graphs) binding ``?item`` and any of ``?name`` (a name to compare), ``?key`` (a blocking or join key:
    a commune code, a postcode, an identifier), ``?lat``/``?lon`` (a point); an item may come back on
    several rows (several names, several keys). With ``matcher = "declared"`` the subjects query binds
    ``?item ?target`` (links a dataset states itself, recorded with their method) and ``objects`` is
    unused. Matchers: ``key``, ``name``, ``name-place``, ``declared`` (pipeline/matching.py).

    ``decisions``: the curators' table (CSV, relative to the dataset's home) of confirmed and refused
    pairs of this kind, applied before the matcher so that a decision survives every rebuild."""

    kind: str  # the link kind's key: /def/type-lien/<kind>, /data/liens/<kind>/…
    label: Text
    subjects: str
    objects: str
    predicate: str  # the link written from subject to object: a CURIE of the registry's prefixes, or <IRI>
    matcher: str = "key"
    accept: float = 0.75  # score from which a candidate is linked
    review: float = 0.5  # score from which a candidate not linked is shown to curators (ambiguous)
    distance_m: float = 1000.0  # name-place: objects this near are candidates
    many: bool = False  # may a subject be linked to several objects
    decisions: Path | str | None = None
    subjects_dataset: str | None = None  # for the VoID linkset (void:subjectsTarget /data/<name>)
    objects_dataset: str | None = None


@dataclass(frozen=True)
class ExternalIdentifier:
    """Resources of the dataset that carry an identifier a Wikidata property also holds (Muséofile id
    P539, Mérimée P380, ISSN P236, INSEE codes P374/P2586/P2585).

    ``subjects`` is a SPARQL SELECT (registry prefixes, over the union of the graphs) binding ``?item``
    (our resource) and ``?id`` (the identifier, exactly as Wikidata writes it). ``culturegraph enrich
    wikidata`` asks the endpoint for the items holding those ids (src/culturegraph/pipeline/enrichment.py)
    and writes the answers into the committed cache; the links stage links ``?item`` to its item with
    ``predicate``, unless the answers conflict. Several datasets may declare the same property (the
    Mérimée monuments of the museums and of the photographs): their subjects are pooled."""

    property: str  # a Wikidata property id: "P539"
    subjects: str
    label: Text  # what the identifier is, for the link kind and the reports: {"fr": "identifiant Muséofile"}
    predicate: str = "schema:sameAs"  # CURIE of the registry's prefixes, or <IRI>


# the catalogue entry -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Catalogue:
    """DCAT and VoID metadata of ``/data/<name>``. Title and description are the spec's own (one place).

    IRIs may be CURIEs of the registry's prefixes, or relative to the base IRI (``id/organisation/…``)."""

    types: tuple[str, ...] = ()  # extra rdf:types besides dcat:Dataset, void:Dataset (qb:DataSet)
    publisher: str | None = None  # dcterms:publisher
    licence: str | None = None  # dcterms:license (default: the catalogue's, the Licence Ouverte 2.0)
    # When the licence is not known: a rights statement (dcterms:rights, language → text) instead, and
    # no dcterms:license on the dataset or its distributions: the catalogue never claims a licence the
    # source does not state (Heritage Days: the copies state none).
    rights: Mapping[str, str] | None = None
    sources: tuple[str, ...] = ()  # dcterms:source: the portal pages of what it was made from
    temporal: tuple[str, str] | None = None  # (start, end) years: dcterms:temporal PeriodOfTime
    vocabularies: tuple[str, ...] = ()  # void:vocabulary
    example_resources: tuple[str, ...] = ()  # void:exampleResource
    themes: tuple[str, ...] = ()  # dcat:theme
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language → dcat:keyword
    extra: tuple[tuple[str, str], ...] = ()  # more (predicate, object IRI) pairs, e.g. qb:structure
    # dct:spatial: places (IRIs or CURIEs; default: France, of the EU country table)
    spatial: tuple[str, ...] = ()


# reports -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """What the build says about a dataset: ``compute(inputs)`` (in ``report.json`` under its name),
    lines for ``culturegraph build``'s summary, and CSV files written into the build directory
    (file name → rows as dicts)."""

    compute: Callable[[Inputs], Mapping[str, Any]]
    summary: Callable[[Mapping[str, Any]], list[str]] | None = None
    files: Callable[[Mapping[str, Any]], Mapping[str, list[dict[str, Any]]]] | None = None


# the pages --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Statistic:
    """A figure on the home page: the number of distinct ``?x`` matching ``pattern`` (SPARQL, registry
    prefixes, over the union of all graphs); or, when ``sum`` names a variable of the pattern
    (``"?montant"``), the sum of its values over the distinct ``(?x, value)`` pairs (e.g. euros), written
    with ``unit`` after it."""

    key: str
    label: Text
    pattern: str
    order: int = 50
    sum: str | None = None
    unit: str = ""


@dataclass(frozen=True)
class IriPattern:
    """A row of the home page's IRI table: what, its pattern, an example path (relative to the base)."""

    label: Text
    pattern: str
    example: str


@dataclass(frozen=True)
class ExamplePage:
    label: Text
    path: str  # relative to the base IRI, e.g. "id/<kind>/<key>"


@dataclass(frozen=True)
class PropertyGroup:
    """Where predicates go on a resource page: a group of the house (identite, localisation, collections,
    statistiques) is extended; a new id makes a new group placed by ``order``."""

    id: str
    predicates: tuple[str, ...]  # CURIEs or IRIs
    title: Text = field(default_factory=dict)
    order: int = 50


class Described(Protocol):
    """What an enricher sees and extends: the description of one resource being built."""

    iri: NamedNode
    document: str  # the canonical document IRI (…/doc/…)
    base: str  # the deployment's base IRI
    quads: list[Quad]  # the resource's own quads (and its hash parts')
    related: list[Quad]  # quads of related resources written into its document (enrichers add here)
    bulk: list[Quad]  # many quads written into RDF documents but not embedded in the HTML page
    extra: list[Triple]  # statements about the document (e.g. rdfs:seeAlso a query for the rest)
    data: dict[str, Any]  # values enrichers compute for their panels (key: the enricher's name)
    linked: list[NamedNode]  # nodes whose labels the page needs (enrichers append)
    page: int  # which page of inverse links / paged values is asked (1-based)

    def types(self) -> list[NamedNode]:
        ...


@dataclass(frozen=True)
class Enricher:
    """Adds to a description: ``enrich(reader, described)`` may add quads to ``described.related``,
    values to ``described.data[name]`` and nodes to label to ``described.linked``."""

    name: str
    enrich: Callable[[GraphReader, Described], None]


class Formats(Protocol):
    """Figures, dates and sentences in the page's language (web/l10n.py): a panel formats what it computes
    through its view, and never looks at ``lang`` for it. French is the default."""

    def number(self, value: int | float | Decimal | None, decimals: int | None = None) -> str:
        """``549 268`` (French) or ``549,268`` (English); ``decimals``: exactly that many digits."""
        ...

    def date(self, value: dt.date, precision: str = "day", *, weekday: bool = False) -> str:
        """``value`` at ``precision`` (``day``, ``month``, ``year``): ``samedi 16 septembre 2023`` /
        ``Saturday 16 September 2023`` (``weekday``), ``février 1919`` / ``February 1919``, ``1917``."""
        ...

    def time(self, value: dt.time | dt.datetime) -> str:
        """A time of day as written (no zone conversion): ``14 h 30`` / ``14:30``."""
        ...

    def text(self, fr: str, en: str | None = None) -> str:
        """``fr``, or ``en`` on an English page (plain text: the template escapes it)."""
        ...


class PanelView(Formats, Protocol):
    """What a panel's ``context`` gets (web/pages builds it)."""

    @property
    def description(self) -> Described:
        ...

    @property
    def base_iri(self) -> str:
        ...

    @property
    def lang(self) -> str:
        """The page's language, ``"fr"`` or ``"en"`` (labels from ``label`` are already in it)."""
        ...

    def label(self, iri: str) -> str:
        ...

    def value(self, term: Any) -> Any:  # a Value of web/pages: text, href, lang, …
        ...

    def local_url(self, iri: str) -> str | None:
        ...

    def query_url(self, query: str) -> str:
        """A link to the query UI with ``query`` filled in."""
        ...


@dataclass(frozen=True)
class Panel:
    """A section of a resource page. ``context(view)`` returns the template's variables, or ``None``
    when the panel does not apply to this resource. ``template`` is a file of the dataset's
    ``templates`` folder. ``slot``: ``main`` (after the property groups) or ``aside``."""

    name: str
    template: str
    context: Callable[[PanelView], Mapping[str, Any] | None]
    order: int = 50
    slot: str = "main"


# the command line -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    """A command a dataset adds to ``culturegraph``: ``command`` is a ``click.Command`` (its callback gets
    the :class:`~culturegraph.config.Settings` with ``@click.pass_obj``), placed under the group ``group``
    (``culturegraph export edm``: group ``export``, made when a dataset first names it) or at the top
    level (``None``). A name the house or another dataset already uses is an error, not a silent override."""

    command: Any  # click.Command (this layer does not import click)
    group: str | None = None
    help: str = ""  # the group's help line, when this command makes it


# the spec ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DatasetSpec:
    """One dataset: graph ``/graph/<name>``, dataset ``/data/<name>``, golden cases
    ``tests/golden/<name>/``."""

    name: str
    title: Text
    description: Text
    mapping: MappingFunction | None = None
    home: Path = field(default_factory=Path)  # the dataset package's folder
    order: int = 50  # build order (stable output only; mappings never see each other's triples)
    sources: tuple[str, ...] = ()
    # A source whose folder (manifest.toml and its files) is shipped by the dataset rather than in
    # data/sources/ of the project: source → folder.
    source_folders: Mapping[str, Path | str] = field(default_factory=dict)
    aliases: Mapping[str, Path | str] = field(default_factory=dict)
    readers: tuple[Reader, ...] = ()
    # Value types its field maps use beyond sources/values.PARSERS: name → parse(raw) (raises
    # ValueError with a reason a curator can read; may return values.Normalised).
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    tables: Mapping[str, Path | str | TableLoader] = field(default_factory=dict)
    # Source fields behind each predicate (keys: IRIs, ``<IRI>`` or CURIEs), of its own source
    # (sources[0]); a field written ``<…>`` is asked of ``source_field``.
    fields: Mapping[str, str] = field(default_factory=dict)
    source_field: FieldResolver | None = None
    shapes: tuple[Path | str, ...] = ()
    vocabulary: tuple[Path | str, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)
    catalogue: Catalogue | None = None
    report: Report | None = None
    statistics: tuple[Statistic, ...] = ()
    iri_patterns: tuple[IriPattern, ...] = ()
    examples: tuple[ExamplePage, ...] = ()
    property_groups: tuple[PropertyGroup, ...] = ()
    enrichers: tuple[Enricher, ...] = ()
    panels: tuple[Panel, ...] = ()
    templates: Path | str | None = None
    queries: Path | str | None = None
    stages: tuple[Stage, ...] = ()
    # Issue 15: the committed corrections table the build applies to this dataset's graph (curators'
    # accepted remarks, pipeline/corrections.py); relative to ``home``, read only if the file exists.
    corrections: Path | str = "corrections.csv"
    links: tuple[LinkRule, ...] = ()
    commands: tuple[Command, ...] = ()
    identifiers: tuple[ExternalIdentifier, ...] = ()

    def path(self, relative: Path | str) -> Path:
        """A file of the dataset: ``relative`` to ``home`` (an absolute path is kept)."""
        return self.home / relative

    @property
    def own_source(self) -> str | None:
        return self.sources[0] if self.sources else None
