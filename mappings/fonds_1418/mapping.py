"""The 1914–1918 photographic fonds (base Mémoire) → Europeana Data Model, schema.org and RiC-O.

Each record is a photograph: an ``edm:ProvidedCHO``, ``schema:Photograph`` and ``rico:Record`` at
``/id/photographie/{ref}``, with its ``ore:Aggregation`` at ``/id/aggregation/{ref}`` (the POP notice as
``edm:isShownAt``, the image URLs as published as ``edm:isShownBy`` / ``edm:object``: they point at
the retired ``Wave`` server, which the shapes say in a Warning, and no other address is invented). The
source states no rights for the images (``copy`` is a credit line, kept as ``dc:rights``): no
``edm:rights`` is written, and the shapes say so in a Warning, rather than a licence being invented.

The photographers (``agents.py``), the shooting date at its precision (``dates.py``), the commune on the
geography dataset's nodes (``places.py``), the geocoded point, the series of the fonds as RiC-O record
sets, the designation and series as SKOS concepts, the document type, the Getty AAT concept
*photographs*, and the Mérimée references (``LBASE``) as links to the POP notices of the monuments
(``kgo:referenceMerimee``: the key the museums' references are compared with, links.py).

A record without caption has neither ``dc:title`` nor ``dc:description`` — the EDM minimum — and is
quarantined with that reason, as is a reference that is not a base Mémoire one or comes twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyoxigraph import NamedNode

from culturegraph.datasets import Emitted, Inputs
from culturegraph.rdf.terms import (
    DCTERMS,
    FOAF,
    GEO,
    POP,
    RDFS,
    SCHEMA,
    SKOS,
    WD,
    WGS84,
    A,
    Minter,
    Namespace,
    decimal,
    fr,
    slug,
    string,
    wkt_point,
    xsd_date,
)
from culturegraph.sources.model import Record
from culturegraph.sources.values import is_web_iri

from .agents import Agent, parse_agents
from .dates import PartialDate
from .places import Places

NAME = "fonds-14-18"
EDM = Namespace("http://www.europeana.eu/schemas/edm/")
ORE = Namespace("http://www.openarchives.org/ore/terms/")
RICO = Namespace("https://www.ica.org/standards/RiC/ontology#")
DC = Namespace("http://purl.org/dc/elements/1.1/")
AAT = Namespace("http://vocab.getty.edu/aat/")
RECORD_SET_TYPES = Namespace("https://www.ica.org/standards/RiC/vocabularies/recordSetTypes#")

FONDS = "grande-guerre-1914-1918"  # /id/fonds/grande-guerre-1914-1918
FONDS_LABEL = "Fonds de la guerre 1914-1918 (base Mémoire)"
DATA_PROVIDER = "mediatheque-patrimoine-photographie"  # vocabulary.ttl
PROVIDER = "ministere-culture"  # ontology/vocabularies/organisations.ttl
PHOTOGRAPHS = AAT["300046300"]  # Getty AAT: photographs
FIRST_WORLD_WAR = WD.Q361
SUBJECT_SCHEME = "sujet-photographie"  # /def/sujet-photographie/{slug}: designations and series
MEDIUM_SCHEME = "type-document-photographie"  # /def/type-document-photographie/{slug}
REF = re.compile(r"^AP[0-9A-Z]{6,12}$")
MERIMEE = re.compile(r"^(PA|IA)[0-9A-Z]{8}$")
AGENT_TYPES = {"personne": FOAF.Person, "organisation": FOAF.Organization, "code": FOAF.Agent}


def triples(inputs: Inputs, iris: Minter) -> Iterator[Emitted]:
    places = Places(inputs.table("cog"), inputs.table("anciennes-regions-fonds-14-18"))
    seen: dict[str, Record] = {}
    emitted: set[NamedNode] = set()  # shared nodes (fonds, series, agents, concepts) already written
    for r in inputs.records(NAME):
        ref = r["ref"]
        if not REF.match(ref):
            yield r.problem("ref", ref, "not a base Mémoire reference (AP + 6 to 12 letters or digits)",
                            "row quarantined")
            continue
        if ref in seen:
            first = seen[ref]
            yield r.problem("ref", ref, f"second record {ref} (first at {first.locator}): not published",
                            "row quarantined")
            continue
        seen[ref] = r
        if "leg" not in r:
            yield r.problem("leg", "", "no caption: an EDM ProvidedCHO needs dc:title or dc:description, "
                            "and the record has no other text to describe it; not published",
                            "row quarantined")
            continue
        code, problems = places.resolve(r)
        yield from problems
        yield r  # provenance: what follows comes from this record
        yield from photograph(r, iris, code, emitted)


def photograph(r: Record, iris: Minter, commune: str | None, emitted: set[NamedNode]) -> Iterator[Emitted]:
    ref = r["ref"]
    cho = iris.id("photographie", ref)
    yield cho, A, EDM.ProvidedCHO
    yield cho, A, SCHEMA.Photograph
    yield cho, A, RICO.Record
    yield cho, DC.identifier, string(ref)
    yield cho, SCHEMA.identifier, string(ref)
    caption = r["leg"]
    yield cho, DC.title, fr(caption)
    yield cho, SCHEMA.name, fr(caption)
    yield cho, RDFS.label, fr(caption)
    yield cho, EDM.type, string("IMAGE")
    yield cho, DC.type, PHOTOGRAPHS
    yield cho, DCTERMS.temporal, FIRST_WORLD_WAR
    if "copy" in r:
        yield cho, DC.rights, fr(r["copy"])
    yield from _fonds(r, cho, iris, emitted)
    for agent in parse_agents(r.get("autp", "")):
        node = iris.id("agent", agent.slug)
        yield cho, DC.creator, node
        yield cho, SCHEMA.creator, node
        if node not in emitted:
            emitted.add(node)
            yield from _agent(node, agent)
    if "datpv" in r:
        yield from _date(cho, r["datpv"])
    yield from _place(r, cho, iris, commune)
    yield from _subjects(r, cho, iris, emitted)
    for reference in r.get("lbase", []):
        yield from _merimee(r, cho, reference, iris)
    yield from _aggregation(r, cho, iris)


def _fonds(r: Record, cho: NamedNode, iris: Minter, emitted: set[NamedNode]) -> Iterator[Emitted]:
    fonds = iris.id("fonds", FONDS)
    if fonds not in emitted:
        emitted.add(fonds)
        yield fonds, A, RICO.RecordSet
        yield fonds, RICO.hasRecordSetType, RECORD_SET_TYPES.Fonds
        yield fonds, RDFS.label, fr(FONDS_LABEL)
        yield fonds, RICO.title, fr(FONDS_LABEL)
        yield fonds, DCTERMS.temporal, FIRST_WORLD_WAR
    yield cho, DCTERMS.isPartOf, fonds
    serie = r.get("serie")
    if serie is None:
        yield cho, RICO.isOrWasIncludedIn, fonds
        return
    node = iris.id("serie-photographique", slug(serie))
    yield cho, RICO.isOrWasIncludedIn, node
    yield cho, DCTERMS.isPartOf, node
    if node not in emitted:
        emitted.add(node)
        yield node, A, RICO.RecordSet
        yield node, RICO.hasRecordSetType, RECORD_SET_TYPES.Series
        yield node, RDFS.label, fr(serie)
        yield node, RICO.title, fr(serie)
        yield node, RICO.isOrWasIncludedIn, fonds
        yield node, DCTERMS.isPartOf, fonds


def _agent(node: NamedNode, agent: Agent) -> Iterator[Emitted]:
    yield node, A, EDM.Agent
    yield node, A, AGENT_TYPES[agent.kind]
    yield node, SKOS.prefLabel, fr(agent.label)
    yield node, RDFS.label, fr(agent.label)
    if agent.name and agent.name != agent.label:
        yield node, FOAF.name, string(agent.name)
    if agent.note:
        yield node, SKOS.note, fr(agent.note)


def _date(cho: NamedNode, when: PartialDate) -> Iterator[Emitted]:
    yield cho, DCTERMS.created, when.literal()
    span = NamedNode(f"{cho.value}#date")
    yield cho, DCTERMS.temporal, span
    yield span, A, EDM.TimeSpan
    yield span, SKOS.prefLabel, string(when.iso)
    yield span, EDM.begin, xsd_date(when.begin)
    yield span, EDM.end, xsd_date(when.end)


def _place(r: Record, cho: NamedNode, iris: Minter, commune: str | None) -> Iterator[Emitted]:
    if commune is not None:
        yield cho, DCTERMS.spatial, iris.id("commune", commune)
    point = r.get("point")
    lon, lat = (point[0], point[1]) if point and len(point) == 2 else (r.get("lon"), r.get("lat"))
    name = r.get("com")
    if lat is None and name is None:
        return
    place = NamedNode(f"{cho.value}#lieu")
    yield cho, DCTERMS.spatial, place
    yield place, A, EDM.Place
    if name is not None:
        yield place, SKOS.prefLabel, fr(name)
    if "edif" in r:
        yield place, SKOS.altLabel, fr(r["edif"])
    if "adresse" in r:
        yield place, SKOS.altLabel, fr(r["adresse"])
    if commune is not None:
        yield place, DCTERMS.isPartOf, iris.id("commune", commune)
    if lat is None or lon is None:
        return
    yield place, WGS84.lat, decimal(lat)
    yield place, WGS84.long, decimal(lon)
    if "accuracy" in r:
        yield place, iris.kgo.scoreGeocodage, decimal(r["accuracy"])
    geometry = NamedNode(f"{cho.value}#geometrie")
    yield place, GEO.hasGeometry, geometry
    yield geometry, A, GEO.Geometry
    yield geometry, GEO.asWKT, wkt_point(lat, lon)


def _concept(scheme: str, label: str, iris: Minter,
             emitted: set[NamedNode]) -> tuple[NamedNode, list[Emitted]]:
    """The concept of ``label`` in ``scheme`` and its triples the first time it is met (none after)."""
    node = iris.concept(scheme, slug(label))
    if node in emitted:
        return node, []
    emitted.add(node)
    return node, [(node, A, SKOS.Concept), (node, SKOS.inScheme, iris.scheme(scheme)),
                  (node, SKOS.prefLabel, fr(label)), (node, RDFS.label, fr(label))]


def _subjects(r: Record, cho: NamedNode, iris: Minter, emitted: set[NamedNode]) -> Iterator[Emitted]:
    for name in ("obj", "serie"):
        if name in r:
            node, new = _concept(SUBJECT_SCHEME, r[name], iris, emitted)
            yield from new
            yield cho, DC.subject, node
    if "edif" in r:
        yield cho, DC.subject, fr(r["edif"])
    if "typdoc" in r:
        node, new = _concept(MEDIUM_SCHEME, r["typdoc"], iris, emitted)
        yield from new
        yield cho, DCTERMS.medium, node
    for name, predicate in (("autoeu", DCTERMS.contributor), ("scle", DCTERMS.temporal),
                            ("nump", DCTERMS.identifier), ("lieucor", DCTERMS.description)):
        if name in r:
            yield cho, predicate, fr(r[name])


def _merimee(r: Record, cho: NamedNode, reference: str, iris: Minter) -> Iterator[Emitted]:
    if not MERIMEE.match(reference):
        yield r.problem("lbase", reference, "not a Mérimée reference (PA… or IA… and 8 characters): kept "
                        "as text", "value kept as text")
        yield cho, DCTERMS.references, string(reference)
        return
    monument = POP[f"merimee/{reference}"]
    yield cho, DCTERMS.relation, monument
    yield cho, EDM.isRelatedTo, monument
    yield cho, SCHEMA.about, monument
    yield cho, iris.kgo.referenceMerimee, string(reference)


def _aggregation(r: Record, cho: NamedNode, iris: Minter) -> Iterator[Emitted]:
    ref = r["ref"]
    aggregation = iris.id("aggregation", ref)
    yield aggregation, A, ORE.Aggregation
    yield aggregation, EDM.aggregatedCHO, cho
    yield aggregation, EDM.isShownAt, POP[f"memoire/{ref}"]
    yield aggregation, EDM.dataProvider, iris.id("organisation", DATA_PROVIDER)
    yield aggregation, EDM.provider, iris.id("organisation", PROVIDER)
    large, thumbnail = (_web(r, field) for field in ("video", "img"))
    shown = large or thumbnail
    if shown is not None:
        yield aggregation, EDM.isShownBy, NamedNode(shown)
        yield NamedNode(shown), A, EDM.WebResource
        yield cho, SCHEMA.image, NamedNode(shown)
    if thumbnail is not None:
        yield aggregation, EDM.object, NamedNode(thumbnail)
        yield cho, SCHEMA.thumbnailUrl, NamedNode(thumbnail)
        yield NamedNode(thumbnail), A, EDM.WebResource


def _web(r: Record, field: str) -> str | None:
    """An image address that can be published as an IRI (a damaged one is left out: the reader kept it
    as text)."""
    value = r.get(field)
    return value if value is not None and is_web_iri(value) else None
