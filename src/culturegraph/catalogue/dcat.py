"""The DCAT-AP 3.0.1 catalogue of the graph (``/graph/catalogue``), generated from the registry at each build.

What it says (docs/catalogue.md has the whole model, with an example):

- ``/catalogue`` — a ``dcat:Catalog``: title and description (fr, en), publisher, homepage, language,
  licence, spatial coverage, theme taxonomy (the EU data themes), modification time, its datasets and
  the SPARQL service;
- ``/data/<name>`` — one ``dcat:Dataset`` (also a ``void:Dataset``) per dataset of the registry, per
  derived graph (vocabularies, links, provenance) and for the whole graph (``/data/culturegraph``, whose
  ``void:subset`` are the others): ``dct:identifier`` (its IRI: data.gouv.fr's harvester keys on it),
  titles, descriptions, publisher, contact point, licence, themes, keywords, spatial and temporal
  coverage, ``dcat:landingPage`` the portal's pages (``prov:wasDerivedFrom``: /graph/provenance), the
  VoID figures (:mod:`culturegraph.catalogue.void`) and its distributions;
- ``/data/<name>/distribution/<format>`` — a ``dcat:Distribution`` per dump file (download URL, media
  type, gzip compression, EU file type, ``dcat:byteSize`` as ``xsd:nonNegativeInteger``, ``spdx:checksum``
  SHA-256) and one giving access through the SPARQL service;
- ``/id/service/sparql`` — the endpoint as a ``dcat:DataService`` (``dcat:endpointURL``,
  ``dcat:endpointDescription`` = its SPARQL Service Description, ``dcat:servesDataset``).

Every term an object of the DCAT-AP shapes must be typed (licence document, media types, themes,
languages, locations…) is typed here, in the catalogue graph, so that the catalogue validates alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from culturegraph.catalogue.dumps import COMPRESS_MEDIA_TYPE, WHOLE, Dump, DumpFormat
from culturegraph.catalogue.void import TARGETS, GraphStatistics, Target
from culturegraph.datasets import Catalogue
from culturegraph.rdf.terms import (
    DCAT,
    DCATAP,
    DCTERMS,
    FOAF,
    PROV,
    RDFS,
    SD,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    XSD,
    A,
    Minter,
    slug,
)

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
DATA_THEMES = NamedNode(EU + "data-theme")
LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CATALOGUE_GRAPH = "catalogue"
VERSION = "3.0.1"  # of DCAT-AP

Text = Mapping[str, str]
Triple3 = tuple[NamedNode | BlankNode, NamedNode, NamedNode | BlankNode | Literal]

# Labels of the EU data themes our datasets use (the authority table's own labels).
THEME_LABELS: dict[str, dict[str, str]] = {
    "EDUC": {"fr": "Éducation, culture et sport", "en": "Education, culture and sport"},
    "SOCI": {"fr": "Population et société", "en": "Population and society"},
    "GOVE": {"fr": "Gouvernement et secteur public", "en": "Government and public sector"},
    "ECON": {"fr": "Économie et finances", "en": "Economy and finance"},
    "REGI": {"fr": "Régions et villes", "en": "Regions and cities"},
    "TECH": {"fr": "Science et technologie", "en": "Science and technology"},
}
# Places of the EU authority tables that are a dct:spatial of ours.
PLACE_LABELS: dict[str, dict[str, str]] = {
    EU + "country/FRA": {"fr": "France", "en": "France"},
}
LICENCE_LABELS: dict[str, dict[str, str]] = {
    LICENCE_OUVERTE: {"fr": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
                      "en": "Open Licence version 2.0 (Etalab)"},
}


@dataclass(frozen=True)
class CatalogueInfo:
    """The catalogue's own metadata (one place; the datasets' come from the registry)."""

    title: Text = field(default_factory=lambda: {
        "fr": "culturegraph — catalogue du graphe de connaissances des données du ministère de la Culture",
        "en": "culturegraph — catalogue of the knowledge graph of the French Ministry of Culture's data"})
    description: Text = field(default_factory=lambda: {
        "fr": "Les jeux de données ouverts du ministère de la Culture transformés en un graphe RDF lié "
              "(schema.org, Data Cube, SKOS, INSEE, Wikidata) : chaque graphe nommé avec ses statistiques "
              "VoID, sa provenance, ses téléchargements complets et le point d'accès SPARQL.",
        "en": "The open datasets of the French Ministry of Culture turned into one linked RDF graph "
              "(schema.org, Data Cube, SKOS, INSEE, Wikidata): each named graph with its VoID statistics, "
              "its provenance, whole downloads and the SPARQL endpoint."})
    publisher: str = "id/organisation/ministere-culture"
    publisher_name: Text = field(default_factory=lambda: {"fr": "Ministère de la Culture",
                                                          "en": "French Ministry of Culture"})
    publisher_type: str = "http://purl.org/adms/publishertype/NationalAuthority"
    contact_name: Text = field(default_factory=lambda: {"fr": "Ministère de la Culture",
                                                        "en": "French Ministry of Culture"})
    contact_url: str = "https://www.culture.gouv.fr/"
    licence: str = LICENCE_OUVERTE
    language: str = EU + "language/FRA"
    spatial: tuple[str, ...] = (EU + "country/FRA",)


@dataclass(frozen=True)
class Entry:
    """A dataset of the catalogue: a dataset of the registry or a derived graph."""

    name: str
    title: Text
    description: Text
    catalogue: Any = None  # culturegraph.datasets.spec.Catalogue (None: the catalogue's defaults)
    landing_pages: tuple[str, ...] = ()  # the portal's pages of its sources (Catalogue.sources)


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")


class Iris(Minter):
    """The catalogue's IRIs (model.md §6 patterns) and the expansion of the registry's short forms; the
    IRIs every layer mints (``/data/{name}``, ``/graph/{name}``) come from the one :class:`Minter`."""

    def __init__(self, base: str, prefixes: Mapping[str, str]) -> None:
        super().__init__(base)
        self.namespaces = {k: (v if _SCHEME.match(v) else base + v) for k, v in prefixes.items()}

    def expand(self, value: str) -> NamedNode:
        """An IRI, a CURIE of the registry's prefixes, or a path relative to the base."""
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.namespaces and not local.startswith("//"):
            return NamedNode(self.namespaces[prefix] + local)
        if _SCHEME.match(value):
            return NamedNode(value)
        return NamedNode(self.base + value.lstrip("/"))

    @property
    def catalogue(self) -> NamedNode:
        return NamedNode(self.base + "catalogue")

    @property
    def service(self) -> NamedNode:
        return NamedNode(self.base + "id/service/sparql")

    @property
    def endpoint(self) -> NamedNode:
        return NamedNode(self.base + "sparql")

    @property
    def void_document(self) -> NamedNode:
        return NamedNode(self.base + ".well-known/void")

    def distribution(self, name: str, kind: str) -> NamedNode:
        return NamedNode(f"{self.base}data/{name}/distribution/{kind}")

    def download(self, file: str) -> NamedNode:
        return NamedNode(f"{self.base}dumps/{file}")

    def external(self, key: str) -> NamedNode:
        return NamedNode(f"{self.base}data/externe/{key}")

    def linkset(self, name: str, target: str, predicate: str) -> NamedNode:
        return NamedNode(f"{self.base}data/{name}/linkset/{target}/{self.short(predicate)}")

    def short(self, iri: str) -> str:
        """A readable, path-safe key for a term: ``schema-sameas`` for schema:sameAs."""
        for name, ns in sorted(self.namespaces.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return slug(f"{name}-{iri[len(ns):]}")
        return slug(iri.split("://", 1)[-1])


def _text(triples: list[Triple3], subject: NamedNode | BlankNode, predicate: NamedNode, text: Text) -> None:
    for lang, value in sorted(text.items()):
        triples.append((subject, predicate, Literal(value, language=lang)))


def _typed(triples: list[Triple3], done: set[tuple[str, str]], node: NamedNode, cls: NamedNode,
           labels: Text | None = None, label: NamedNode = SKOS.prefLabel) -> None:
    """Type a term of another table once (the shapes check the class of each object)."""
    if (node.value, cls.value) in done:
        return
    done.add((node.value, cls.value))
    triples.append((node, A, cls))
    if labels:
        _text(triples, node, label, labels)


def integer(n: int, datatype: NamedNode = XSD.integer) -> Literal:
    return Literal(str(int(n)), datatype=datatype)


def _date(value: str) -> Literal:
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.date)


DISTRIBUTION_TEXT = {
    "title": {"fr": "{label} compressé (gzip) : {what}", "en": "{label}, gzip-compressed: {what}"},
    "description": {
        "fr": "Téléchargement complet ({label}, compressé en gzip) de {what}, écrit à la construction "
              "{build} ; la somme SHA-256 et la taille sont celles du fichier compressé.",
        "en": "Whole download ({label}, gzip-compressed) of {what}, written by build {build}; the SHA-256 "
              "checksum and the size are those of the compressed file."},
}
WHAT = {
    "graph": {"fr": "le graphe {graph}", "en": "graph {graph}"},
    "whole": {"fr": "tout le graphe (tous les graphes nommés sauf le catalogue)",
              "en": "the whole graph (every named graph but the catalogue)"},
}
SERVICE_KEYWORDS = (("fr", "SPARQL"), ("en", "SPARQL"), ("fr", "données liées"), ("en", "linked data"))
WHOLE_TEXT = {
    "title": {"fr": "culturegraph — le graphe complet", "en": "culturegraph — the whole graph"},
    "description": {
        "fr": "Tous les graphes nommés de culturegraph (jeux de données, vocabulaires, liens, provenance) ; "
              "le catalogue lui-même est publié à /catalogue.",
        "en": "Every named graph of culturegraph (datasets, vocabularies, links, provenance); the catalogue "
              "itself is published at /catalogue."},
}


def catalogue_triples(
    entries: Iterable[Entry], dumps: Iterable[Dump], statistics: Mapping[str, GraphStatistics], *,
    base: str, prefixes: Mapping[str, str], build_id: str, modified: datetime,
    info: CatalogueInfo | None = None, targets: Iterable[Target] = TARGETS, issued: str | None = None,
) -> list[Triple3]:
    """The triples of ``/graph/catalogue``. ``issued``: when this deployment first published its
    catalogue (an ISO date or time; the build's time when ``None``)."""
    info = info or CatalogueInfo()
    iris = Iris(base, prefixes)
    entries = list(entries)
    dumps = list(dumps)
    targets = list(targets)
    out: list[Triple3] = []
    done: set[tuple[str, str]] = set()
    when = Literal(modified.isoformat(), datatype=XSD.dateTime)
    publisher = iris.expand(info.publisher)
    contact = NamedNode(base + "id/contact/culturegraph")
    catalogue = iris.catalogue
    service = iris.service
    whole = iris.dataset(WHOLE)

    # the catalogue
    out += [(catalogue, A, DCAT.Catalog)]
    _text(out, catalogue, DCTERMS.title, info.title)
    _text(out, catalogue, DCTERMS.description, info.description)
    out += [
        (catalogue, DCTERMS.publisher, publisher),
        (catalogue, FOAF.homepage, NamedNode(base)),
        (catalogue, DCTERMS.language, NamedNode(info.language)),
        (catalogue, DCTERMS.license, NamedNode(info.licence)),
        (catalogue, DCTERMS.modified, when),
        (catalogue, DCTERMS.issued, Literal(issued, datatype=XSD.dateTime) if issued else when),
        (catalogue, DCAT.themeTaxonomy, DATA_THEMES),
        (catalogue, DCAT.service, service),
        (catalogue, DCTERMS.conformsTo, NamedNode(f"http://data.europa.eu/r5r/{VERSION}")),
        (catalogue, RDFS.seeAlso, iris.void_document),
    ]
    out += [(catalogue, DCTERMS.spatial, NamedNode(s)) for s in info.spatial]
    _typed(out, done, NamedNode(base), FOAF.Document)
    _typed(out, done, NamedNode(info.language), DCTERMS.LinguisticSystem)
    _typed(out, done, DATA_THEMES, SKOS.ConceptScheme,
           {"fr": "Thèmes de données (UE)", "en": "Data themes (EU)"}, DCTERMS.title)
    build = NamedNode(f"{base}data/build/{build_id}")
    _typed(out, done, build, PROV.Activity, {"fr": f"Construction du graphe {build_id}",
                                             "en": f"Graph build {build_id}"}, RDFS.label)
    _typed(out, done, NamedNode(f"http://data.europa.eu/r5r/{VERSION}"), DCTERMS.Standard,
           {"en": f"DCAT-AP {VERSION}"}, RDFS.label)
    _licence(out, done, info.licence)
    for place in info.spatial:
        _typed(out, done, NamedNode(place), DCTERMS.Location, PLACE_LABELS.get(place), SKOS.prefLabel)

    # publisher and contact point
    _typed(out, done, publisher, FOAF.Agent)
    out.append((publisher, A, FOAF.Organization))
    _text(out, publisher, FOAF.name, info.publisher_name)
    out.append((publisher, DCTERMS.type, NamedNode(info.publisher_type)))
    _typed(out, done, NamedNode(info.publisher_type), SKOS.Concept,
           {"fr": "Autorité nationale", "en": "National authority"})
    out += [(contact, A, VCARD.Kind), (contact, A, VCARD.Organization),
            (contact, VCARD.hasURL, NamedNode(info.contact_url))]
    _text(out, contact, VCARD.fn, info.contact_name)

    # the SPARQL service
    out += [(service, A, DCAT.DataService)]
    _text(out, service, DCTERMS.title, {"fr": "Point d'accès SPARQL de culturegraph",
                                         "en": "culturegraph SPARQL endpoint"})
    _text(out, service, DCTERMS.description, {
        "fr": "Point d'accès SPARQL 1.1 en lecture seule ; le graphe par défaut est l'union des graphes "
              "nommés. Sa description de service (SPARQL 1.1 Service Description) est servie à la même "
              "adresse.",
        "en": "Read-only SPARQL 1.1 endpoint; the default graph is the union of the named graphs. Its "
              "SPARQL 1.1 Service Description is served at the same address."})
    out += [
        (service, DCAT.endpointURL, iris.endpoint),
        (service, DCAT.endpointDescription, iris.endpoint),
        (service, DCTERMS.conformsTo, NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
        (service, DCTERMS.publisher, publisher),
        (service, DCAT.contactPoint, contact),
        (service, DCTERMS.license, NamedNode(info.licence)),
        (service, DCTERMS.accessRights, NamedNode(EU + "access-right/PUBLIC")),
        *((service, DCAT.keyword, Literal(word, language=lang)) for lang, word in SERVICE_KEYWORDS),
    ]
    for theme in sorted({t for e in entries for t in _themes(e)}):
        out.append((service, DCAT.theme, NamedNode(theme)))
    _typed(out, done, NamedNode("https://www.w3.org/TR/sparql11-protocol/"), DCTERMS.Standard,
           {"en": "SPARQL 1.1 Protocol"}, RDFS.label)
    _typed(out, done, NamedNode(EU + "access-right/PUBLIC"), DCTERMS.RightsStatement,
           {"fr": "Public", "en": "Public"}, RDFS.label)

    by_name: dict[str, list[Dump]] = {}
    for dump in dumps:
        by_name.setdefault(dump.name, []).append(dump)
    named = [e.name for e in entries]

    # the datasets
    for entry in entries:
        dataset = iris.dataset(entry.name)
        out += [(catalogue, DCAT.dataset, dataset), (service, DCAT.servesDataset, dataset),
                (whole, VOID.subset, dataset)]
        _dataset(out, done, iris, entry, info, publisher, contact, when, by_name.get(entry.name, []),
                 build_id)
        stats = statistics.get(entry.name)
        if stats is not None:
            _void(out, done, iris, dataset, entry, stats, targets, named)
        graph = iris.graph(entry.name)
        out += [(graph, A, SD.NamedGraph), (graph, SD.name, graph), (graph, SD.graph, dataset)]

    # the whole graph
    whole_entry = Entry(WHOLE, WHOLE_TEXT["title"], WHOLE_TEXT["description"], _union(entries, info, iris),
                        landing_pages=tuple(sorted({p for e in entries for p in _pages(iris, e)})))
    out += [(catalogue, DCAT.dataset, whole), (service, DCAT.servesDataset, whole)]
    _dataset(out, done, iris, whole_entry, info, publisher, contact, when, by_name.get(WHOLE, []), build_id,
             themes=sorted({t for e in entries for t in _themes(e)}))
    out += [(whole, VOID.uriSpace, Literal(base)), (whole, VOID.sparqlEndpoint, iris.endpoint),
            (whole, VOID.rootResource, catalogue)]
    return out


def _union(entries: list[Entry], info: CatalogueInfo, iris: Iris) -> Catalogue:
    """The whole graph's keywords, temporal coverage and terms of use: its parts'. When the parts are
    not all under one licence (one states only rights, or two licences differ), the whole graph claims
    no licence: a rights statement names each part's terms (its dumps hold every part)."""
    cats = [e.catalogue for e in entries if e.catalogue is not None]
    keywords = {lang: tuple(sorted({w for c in cats for w in c.keywords.get(lang, ())}))
                for lang in ("fr", "en")}
    periods = [c.temporal for c in cats if c.temporal]
    temporal = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    terms = {e.name: _terms(e, info, iris) for e in entries}
    licences = {t for t in terms.values() if isinstance(t, str)}
    if len(licences) == 1 and all(isinstance(t, str) for t in terms.values()):
        return Catalogue(keywords={k: v for k, v in keywords.items() if v}, temporal=temporal,
                         licence=licences.pop())
    parts = {lang: "; ".join(f"{e.title.get(lang, e.name)} — {_terms_text(terms[e.name], lang)}"
                             for e in entries) for lang in ("fr", "en")}
    rights = {"fr": "Les parties de ce graphe ne sont pas sous les mêmes conditions ; celles de chaque jeu "
                    "de données (void:subset) s'appliquent à ses triplets : " + parts["fr"] + ".",
              "en": "The parts of this graph are not under the same terms; the terms of each dataset "
                    "(void:subset) apply to its triples: " + parts["en"] + "."}
    return Catalogue(keywords={k: v for k, v in keywords.items() if v}, temporal=temporal, rights=rights)


def _terms(entry: Entry, info: CatalogueInfo, iris: Iris) -> str | Text:
    """An entry's licence IRI, or its rights statement."""
    cat = entry.catalogue
    if cat is not None and cat.rights:
        return cat.rights
    return iris.expand(cat.licence if cat is not None and cat.licence else info.licence).value


def _terms_text(terms: str | Text, lang: str) -> str:
    if isinstance(terms, str):
        return LICENCE_LABELS.get(terms, {}).get(lang, terms)
    # without its own final stop: the parts are joined with "; " and the statement ends with one
    return (terms.get(lang) or next(iter(terms.values()))).rstrip(".")


def _pages(iris: Iris, entry: Entry) -> tuple[str, ...]:
    """The portal pages of an entry: given, or its catalogue's sources."""
    sources = entry.catalogue.sources if entry.catalogue is not None else ()
    return entry.landing_pages or tuple(iris.expand(p).value for p in sources)


def _licence(out: list[Triple3], done: set[tuple[str, str]], licence: str) -> None:
    node = NamedNode(licence)
    if (licence, DCTERMS.LicenseDocument.value) in done:
        return
    _typed(out, done, node, DCTERMS.LicenseDocument, LICENCE_LABELS.get(licence), RDFS.label)
    if licence == LICENCE_OUVERTE:
        # Attribution required; the same licence in the SPDX list.
        out += [(node, DCTERMS.type, NamedNode("http://purl.org/adms/licencetype/Attribution")),
                (node, RDFS.seeAlso, NamedNode("http://spdx.org/licenses/etalab-2.0"))]
        _typed(out, done, NamedNode("http://purl.org/adms/licencetype/Attribution"), SKOS.Concept,
               {"fr": "Attribution", "en": "Attribution"})


def _themes(entry: Entry) -> list[str]:
    themes = entry.catalogue.themes if entry.catalogue is not None else ()
    return [f"{EU}data-theme/{t}" if re.fullmatch(r"[A-Z_]+", t) else t for t in themes]


def _dataset(out: list[Triple3], done: set[tuple[str, str]], iris: Iris, entry: Entry, info: CatalogueInfo,
             publisher: NamedNode, contact: NamedNode, when: Literal, dumps: list[Dump], build_id: str,
             themes: list[str] | None = None) -> None:
    cat = entry.catalogue
    dataset = iris.dataset(entry.name)
    out += [(dataset, A, DCAT.Dataset), (dataset, A, VOID.Dataset)]
    out += [(dataset, A, iris.expand(t)) for t in (cat.types if cat is not None else ())]
    out.append((dataset, DCTERMS.identifier, Literal(dataset.value)))
    _text(out, dataset, DCTERMS.title, entry.title)
    _text(out, dataset, DCTERMS.description, entry.description)
    dataset_publisher = iris.expand(cat.publisher) if cat is not None and cat.publisher else publisher
    if dataset_publisher != publisher:
        _typed(out, done, dataset_publisher, FOAF.Agent)
    licence: str | None = None
    statement: NamedNode | None = None
    terms = _terms(entry, info, iris)
    if isinstance(terms, str):
        licence = terms
        _licence(out, done, licence)
        out.append((dataset, DCTERMS.license, NamedNode(licence)))
    else:
        statement = NamedNode(dataset.value + "#droits")
        out += [(dataset, DCTERMS.rights, statement), (statement, A, DCTERMS.RightsStatement)]
        _text(out, statement, RDFS.label, terms)
    out += [
        (dataset, DCTERMS.publisher, dataset_publisher),
        (dataset, DCAT.contactPoint, contact),
        (dataset, DCTERMS.accessRights, NamedNode(EU + "access-right/PUBLIC")),
        (dataset, DCTERMS.language, NamedNode(info.language)),
        (dataset, DCTERMS.modified, when),
        (dataset, PROV.wasGeneratedBy, NamedNode(f"{iris.base}data/build/{build_id}")),
    ]
    for theme in themes if themes is not None else _themes(entry):
        out.append((dataset, DCAT.theme, NamedNode(theme)))
        code = theme.rsplit("/", 1)[-1]
        _typed(out, done, NamedNode(theme), SKOS.Concept, THEME_LABELS.get(code))
        if theme.startswith(EU + "data-theme/") and (theme, "inScheme") not in done:
            done.add((theme, "inScheme"))
            out.append((NamedNode(theme), SKOS.inScheme, DATA_THEMES))
    spatial = cat.spatial if cat is not None else ()
    for place in spatial or info.spatial:
        node = iris.expand(place)
        out.append((dataset, DCTERMS.spatial, node))
        _typed(out, done, node, DCTERMS.Location, PLACE_LABELS.get(node.value))
    if cat is not None:
        for lang, words in sorted(cat.keywords.items()):
            out += [(dataset, DCAT.keyword, Literal(w, language=lang)) for w in words]
        if cat.temporal:
            period = NamedNode(dataset.value + "#periode")
            start, end = cat.temporal
            out += [(dataset, DCTERMS.temporal, period), (period, A, DCTERMS.PeriodOfTime),
                    (period, DCAT.startDate, _date(start)), (period, DCAT.endDate, _date(end))]
        for predicate, obj in cat.extra:
            out.append((dataset, iris.expand(predicate), iris.expand(obj)))
    pages = _pages(iris, entry)
    for page in pages:
        node = NamedNode(page)
        # prov:wasDerivedFrom is the provenance graph's: the pages of the files actually read, not the
        # pages a spec points to (a declared source may be unshipped and unfetched)
        out.append((dataset, DCAT.landingPage, node))
        _typed(out, done, node, FOAF.Document)
    if not pages:
        out.append((dataset, DCAT.landingPage, NamedNode(f"{iris.base}doc/data/{entry.name}")))
        _typed(out, done, NamedNode(f"{iris.base}doc/data/{entry.name}"), FOAF.Document)
    for dump in dumps:
        _distribution(out, done, iris, dataset, entry, dump, licence, when, build_id, statement)
    _sparql_distribution(out, iris, dataset, entry, licence, statement)


def _distribution(out: list[Triple3], done: set[tuple[str, str]], iris: Iris, dataset: NamedNode,
                  entry: Entry, dump: Dump, licence: str | None, when: Literal, build_id: str,
                  rights: NamedNode | None = None) -> None:
    fmt: DumpFormat = dump.dump_format
    node = iris.distribution(entry.name, fmt.name)
    checksum = NamedNode(node.value + "#sha256")
    url = iris.download(dump.file)
    what = {lang: WHAT["whole"][lang] if dump.graph is None else WHAT["graph"][lang].format(graph=dump.graph)
            for lang in ("fr", "en")}
    out += [(dataset, DCAT.distribution, node), (dataset, VOID.dataDump, url), (node, A, DCAT.Distribution)]
    _text(out, node, DCTERMS.title, {
        lang: DISTRIBUTION_TEXT["title"][lang].format(label=fmt.label, what=what[lang]) for lang in what})
    _text(out, node, DCTERMS.description, {
        lang: DISTRIBUTION_TEXT["description"][lang].format(label=fmt.label, what=what[lang], build=build_id)
        for lang in what})
    media = NamedNode(IANA + fmt.media_type)
    gzip = NamedNode(IANA + COMPRESS_MEDIA_TYPE)
    file_type = NamedNode(f"{EU}file-type/{fmt.eu_file_type}")
    out += [
        (node, DCAT.accessURL, url),
        (node, DCAT.downloadURL, url),
        (node, DCAT.mediaType, media),
        (node, DCAT.compressFormat, gzip),
        (node, DCTERMS.format, file_type),
        (node, DCAT.byteSize, integer(dump.bytes, XSD.nonNegativeInteger)),
        (node, SPDX.checksum, checksum),
        (checksum, A, SPDX.Checksum),
        (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)),
        (node, DCTERMS.modified, when),
        (node, DCATAP.availability, NamedNode(EU + "planned-availability/STABLE")),
        (node, VOID.triples, integer(dump.statements)),
    ]
    _terms_of(out, node, licence, rights)
    _typed(out, done, media, DCTERMS.MediaType, None)
    _typed(out, done, gzip, DCTERMS.MediaType, None)
    _typed(out, done, file_type, DCTERMS.MediaTypeOrExtent, {"en": fmt.label}, RDFS.label)
    _typed(out, done, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm, {"en": "SHA-256"}, RDFS.label)
    _typed(out, done, NamedNode(EU + "planned-availability/STABLE"), SKOS.Concept,
           {"fr": "Stable", "en": "Stable"})


def _terms_of(out: list[Triple3], distribution: NamedNode, licence: str | None,
              rights: NamedNode | None) -> None:
    """A distribution's terms: its dataset's licence, or else its dataset's rights statement (a client
    that reads the distribution it downloads, as DCAT-AP puts terms there, finds them)."""
    if licence is not None:
        out.append((distribution, DCTERMS.license, NamedNode(licence)))
    elif rights is not None:
        out.append((distribution, DCTERMS.rights, rights))


def _sparql_distribution(out: list[Triple3], iris: Iris, dataset: NamedNode, entry: Entry,
                         licence: str | None, rights: NamedNode | None = None) -> None:
    node = iris.distribution(entry.name, "sparql")
    out += [(dataset, DCAT.distribution, node), (node, A, DCAT.Distribution)]
    graph = iris.graph(entry.name).value if entry.name != WHOLE else None
    _text(out, node, DCTERMS.title, {"fr": "Point d'accès SPARQL", "en": "SPARQL endpoint"})
    _text(out, node, DCTERMS.description, {
        "fr": f"Interroger {'le graphe nommé <' + graph + '>' if graph else 'tout le graphe'} "
              "par le point d'accès SPARQL.",
        "en": f"Query {'the named graph <' + graph + '>' if graph else 'the whole graph'} "
              "through the SPARQL endpoint."})
    out += [(node, DCAT.accessURL, iris.endpoint), (node, DCAT.accessService, iris.service),
            (node, DCATAP.availability, NamedNode(EU + "planned-availability/STABLE"))]
    _terms_of(out, node, licence, rights)


def _void(out: list[Triple3], done: set[tuple[str, str]], iris: Iris, dataset: NamedNode, entry: Entry,
          stats: GraphStatistics, targets: list[Target], named: list[str]) -> None:
    name, cat = entry.name, entry.catalogue
    out += [
        (dataset, VOID.triples, integer(stats.triples)),
        (dataset, VOID.entities, integer(stats.entities)),
        (dataset, VOID.classes, integer(stats.classes)),
        (dataset, VOID.properties, integer(stats.properties)),
        (dataset, VOID.distinctSubjects, integer(stats.distinct_subjects)),
        (dataset, VOID.distinctObjects, integer(stats.distinct_objects)),
        (dataset, VOID.sparqlEndpoint, iris.endpoint),
        (dataset, VOID.inDataset, iris.dataset(WHOLE)),
    ]
    # The dataset's own choice of examples and vocabularies first, else what the statistics found.
    examples = [iris.expand(e) for e in cat.example_resources] if cat is not None else []
    out += [(dataset, VOID.exampleResource, e) for e in examples or map(NamedNode, stats.examples)]
    vocabularies: set[str] = set()
    for cls, n in sorted(stats.class_partition.items()):
        part = NamedNode(f"{dataset.value}#classe-{iris.short(cls)}")
        out += [(dataset, VOID.classPartition, part), (part, VOID["class"], NamedNode(cls)),
                (part, VOID.entities, integer(n))]
        vocabularies.add(_namespace(cls))
    for prop, n in sorted(stats.property_partition.items()):
        part = NamedNode(f"{dataset.value}#propriete-{iris.short(prop)}")
        out += [(dataset, VOID.propertyPartition, part), (part, VOID.property, NamedNode(prop)),
                (part, VOID.triples, integer(n))]
        vocabularies.add(_namespace(prop))
    if cat is not None and cat.vocabularies:
        vocabularies = {iris.expand(v).value for v in cat.vocabularies}
    out += [(dataset, VOID.vocabulary, NamedNode(v)) for v in sorted(vocabularies)]
    by_key = {t.key: t for t in targets}
    for (predicate, key), n in sorted(stats.external_links.items()):
        target = by_key[key]
        linkset = iris.linkset(name, key, predicate)
        node = iris.external(key)
        out += [(dataset, VOID.subset, linkset), (linkset, A, VOID.Linkset),
                (linkset, VOID.subjectsTarget, dataset), (linkset, VOID.objectsTarget, node),
                (linkset, VOID.linkPredicate, NamedNode(predicate)), (linkset, VOID.triples, integer(n))]
        if (node.value, "target") not in done:
            done.add((node.value, "target"))
            out += [(node, A, VOID.Dataset), (node, DCTERMS.title, Literal(target.title)),
                    (node, FOAF.homepage, NamedNode(target.homepage))]
            out += [(node, VOID.uriSpace, Literal(ns)) for ns in target.namespaces]
    for (predicate, source, obj), n in sorted(stats.internal_links.items()):
        if source not in named or obj not in named:
            continue
        linkset = iris.linkset(name, f"{source}--{obj}", predicate)
        out += [(dataset, VOID.subset, linkset), (linkset, A, VOID.Linkset),
                (linkset, VOID.subjectsTarget, iris.dataset(source)),
                (linkset, VOID.objectsTarget, iris.dataset(obj)),
                (linkset, VOID.linkPredicate, NamedNode(predicate)), (linkset, VOID.triples, integer(n))]


def _namespace(iri: str) -> str:
    return iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/"
