"""Namespaces, IRI minting and literal typing: the one place where terms are made.

External vocabularies are module constants (``SCHEMA.Museum``). Our own IRIs depend on the configured
base and are minted by a :class:`Minter` (``iris.id("musee", "M0963")``), so that a deployment under another
domain needs no code change. schema.org is ``http://schema.org/`` (docs/model.md), defined here rather
than taken from rdflib (whose ``SDO`` is https).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode

from culturegraph.config import DEFAULT_BASE_IRI
from culturegraph.rdf import prefixes


class Namespace:
    """``NS.term`` / ``NS["term-with-dash"]`` → cached :class:`pyoxigraph.NamedNode`."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self._cache: dict[str, NamedNode] = {}

    def __getitem__(self, name: str) -> NamedNode:
        node = self._cache.get(name)
        if node is None:
            node = self._cache[name] = NamedNode(self.iri + name)
        return node

    def __getattr__(self, name: str) -> NamedNode:
        # Only called on a miss: the term is then stored as an instance attribute, so that the next
        # ``NS.term`` (a million times per build) is a plain attribute read, not a Python call.
        if name.startswith("_"):
            raise AttributeError(name)
        node = self.__dict__[name] = self[name]
        return node

    def __str__(self) -> str:
        return self.iri


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("http://schema.org/")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
WD = Namespace("http://www.wikidata.org/entity/")
YEAR = Namespace("http://reference.data.gov.uk/id/year/")
POP = Namespace("https://pop.culture.gouv.fr/notice/")
SSSOM = Namespace("https://w3id.org/sssom/")

A = RDF.type

EXTERNAL_PREFIXES: dict[str, str] = prefixes.EXTERNAL


def slug(text: str) -> str:
    """Lower-case ASCII key for a label: 'Beaux-Arts' → 'beaux-arts', 'Océanie' → 'oceanie'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# What ``quote(text, safe="-._~")`` leaves untouched: unreserved characters (RFC 3986 §2.3).
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")


@lru_cache(maxsize=1 << 16, typed=True)
def iri_key(key: str) -> str:
    """A source identifier made safe for a path segment (ids are URI-safe already; this is a guard).

    Cached: a build asks for the same few thousand keys about a million times.
    """
    text = str(key)
    if _UNRESERVED.fullmatch(text) is not None:  # nearly always: skip quote(), 2-3× dearer
        return text
    return quote(text, safe="-._~")


class Minter:
    """Mints every IRI of ours under one base. Patterns follow docs/model.md."""

    def __init__(self, base_iri: str = DEFAULT_BASE_IRI) -> None:
        self.base = base_iri
        self.kgo = Namespace(base_iri + "def/culture/")

    # things: /id/{type}/{key}
    def id(self, kind: str, key: str) -> NamedNode:
        return _named(f"{self.base}id/{kind}/{iri_key(key)}")

    # definitions: /def/{scheme}[/{code}]
    def scheme(self, name: str) -> NamedNode:
        return _named(f"{self.base}def/{name}")

    def concept(self, scheme: str, code: str) -> NamedNode:
        return _named(f"{self.base}def/{scheme}/{iri_key(code)}")

    def dsd(self, dataset: str) -> NamedNode:
        return _named(f"{self.base}def/dsd/{dataset}")

    # data: /data/{dataset}[/{concept}/{key}]*
    def dataset(self, name: str) -> NamedNode:
        return _named(f"{self.base}data/{name}")

    def data(self, dataset: str, *pairs: str) -> NamedNode:
        return _named(f"{self.base}data/{dataset}/" + "/".join(map(iri_key, pairs)))

    def graph(self, name: str) -> NamedNode:
        return _named(f"{self.base}graph/{name}")

    def build(self, build_id: str) -> NamedNode:
        return _named(f"{self.base}data/build/{build_id}")

    def prefixes(self) -> dict[str, str]:
        """The one prefix table (rdf/prefixes.py) for this base: ours, then the external ones."""
        return prefixes.table(self.base)


@cache
def _named(iri: str) -> NamedNode:
    return NamedNode(iri)


DEFAULT_MINTER = Minter()


# literals -----------------------------------------------------------------------------------------

def fr(text: str) -> Literal:
    return Literal(text, language="fr")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def string(text: str) -> Literal:
    return Literal(text)


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD.integer)


def decimal(value: Decimal | float | str) -> Literal:
    text = format(Decimal(str(value)).normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def xsd_date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def xsd_datetime(value: datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.dateTime)


def gyear(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def year_iri(year: int) -> NamedNode:
    """Reference year (statistics.gov.scot / data.gov.uk interval pattern, docs/model.md)."""
    return YEAR[str(year)]


# the way back: a term of a query solution or a pattern look-up as a Python value (None when it is not
# one), for the page panels

def int_of(term: object) -> int | None:
    """An integer literal's value."""
    if isinstance(term, Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def decimal_of(term: object) -> Decimal | None:
    """A numeric literal's value, exactly."""
    if isinstance(term, Literal):
        try:
            return Decimal(term.value)
        except ArithmeticError:
            return None
    return None


def year_of(term: object) -> int | None:
    """The year of a reference-year IRI (:func:`year_iri`) or of a date literal (``xsd:gYear``,
    ``xsd:date``…: its first four digits)."""
    if isinstance(term, NamedNode) and term.value.startswith(YEAR.iri):
        tail = term.value[len(YEAR.iri):]
        return int(tail) if tail.isdigit() else None
    if isinstance(term, Literal) and term.value[:4].isdigit():
        return int(term.value[:4])
    return None


def wkt_point(latitude: Decimal, longitude: Decimal) -> Literal:
    """GeoSPARQL WKT, CRS84 order: longitude first."""
    lon = format(Decimal(str(longitude)).normalize(), "f")
    lat = format(Decimal(str(latitude)).normalize(), "f")
    return Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)


def located_at(subject: NamedNode, latitude: Decimal, longitude: Decimal,
               ) -> Iterator[tuple[NamedNode, NamedNode, NamedNode | Literal]]:
    """A point three ways, for three kinds of client: schema:geo (search engines, schema.org tools), WGS84
    lat/long (most linked-data maps) and a GeoSPARQL geometry (spatial queries); hash parts of ``subject``."""
    geo = NamedNode(f"{subject.value}#geo")
    yield subject, SCHEMA.geo, geo
    yield geo, A, SCHEMA.GeoCoordinates
    yield geo, SCHEMA.latitude, decimal(latitude)
    yield geo, SCHEMA.longitude, decimal(longitude)
    yield subject, WGS84.lat, decimal(latitude)
    yield subject, WGS84.long, decimal(longitude)
    geometry = NamedNode(f"{subject.value}#geometrie")
    yield subject, GEO.hasGeometry, geometry
    yield geometry, A, GEO.Geometry
    yield geometry, GEO.asWKT, wkt_point(latitude, longitude)


def bnode(key: str) -> BlankNode:
    """A blank node with a stable, readable label (golden files stay stable)."""
    return BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", key))


def expand(key: str, prefixes: dict[str, str]) -> str:
    """``<IRI>`` or ``prefix:local`` → IRI (keys of DatasetSpec.fields come in both forms)."""
    if key.startswith("<") and key.endswith(">"):
        return key[1:-1]
    prefix, colon, local = key.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return key
