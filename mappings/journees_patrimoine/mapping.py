"""Heritage Days (JEP) and public OpenAgenda events → schema:Event, their timings and venues (schema:Place).

One row of an export is one event of one agenda: ``/id/evenement/{uid}`` a ``schema:Event`` with its
name and descriptions in French (the long description published without HTML, the original kept as
``rdf:HTML``), its overall span (``firstdate_begin``/``lastdate_end``, UTC), each timing a sub-event
``…#seance-{local begin}`` in the local time the agenda gives, its status and attendance mode as
schema.org enumerations, keywords as SKOS concepts (``/def/mot-cle-evenement``), accessibility concepts
(``/def/accessibilite``), conditions and registration links as a ``schema:Offer``, age range, image with
its credits. Its agenda is a ``schema:EventSeries`` (``/id/agenda/{originagenda_uid}``) and, when the
agenda is a Heritage Days one, so is the edition (``/id/evenement/jep-{year}``, part of
``/id/evenement/jep``): ``kgo:journeesDuPatrimoine`` says true or false on every event.

The venue is ``/id/lieu/{location_uid}`` (OpenAgenda keeps a place's id across editions): name, address,
point, commune (``/id/commune/{cog}`` of the geography dataset), website, phone, tags. A venue described by
several rows takes the most recently updated row's values; its other names are ``schema:alternateName``.

Quarantine: a second row of an event already read; a value the reader could not type (its reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyoxigraph import Literal, NamedNode

from culturegraph.rdf.terms import (
    DCTERMS,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    A,
    Minter,
    boolean,
    decimal,
    en,
    fr,
    located_at,
    slug,
    string,
    xsd_datetime,
)
from culturegraph.sources.model import Record

from .openagenda import Registration, Timing
from .text import agenda_name, edition, has_html, is_free, plain_text, prices

NAME = "journees-patrimoine"
EVENT = "evenement"
PLACE = "lieu"
AGENDA = "agenda"
KEYWORDS = "mot-cle-evenement"
ACCESSIBILITY = "accessibilite"
OPENAGENDA_AGENDA = "https://openagenda.com/agendas/"
JEP = "jep"  # /id/evenement/jep: the Heritage Days; /id/evenement/jep-{year}: an edition

# OpenAgenda's status codes (its schema.org export) → schema.org EventStatusType; 5 is "Complet" (full):
# still scheduled, with kgo:complet.
STATUSES = {1: "EventScheduled", 2: "EventRescheduled", 3: "EventMovedOnline", 4: "EventPostponed",
            5: "EventScheduled", 6: "EventCancelled"}
ATTENDANCE = {1: "OfflineEventAttendanceMode", 2: "OnlineEventAttendanceMode",
              3: "MixedEventAttendanceMode"}
ACCESSIBILITY_CODES = ("mi", "hi", "vi", "pi", "ii")  # vocabulary.ttl: /def/accessibilite/{code}
# Two points further apart than this (degrees) are not the same place written twice.
_SAME_POINT = Decimal("0.0001")


def html_literal(text: str) -> Literal:
    return Literal(text, datatype=RDF.HTML)


@dataclass
class Venue:
    """A place as the rows that name it describe it: the latest row wins, the others add names."""

    record: Record
    names: list[str] = field(default_factory=list)


def _newer(a: Record, b: Record) -> bool:
    """Is ``a`` more recently updated than ``b`` (rows without a date count as oldest)?"""
    da, db = a.get("updatedat"), b.get("updatedat")
    if da is None:
        return False
    return db is None or da > db


def triples(inputs: Any, iris: Minter) -> Iterator[Any]:
    kgo = iris.kgo
    seen: dict[str, Record] = {}
    venues: dict[str, Venue] = {}
    agendas: dict[str, tuple[Record, str]] = {}
    editions: dict[int, Record] = {}
    keywords: dict[str, tuple[Record, str]] = {}

    for r in inputs.records(NAME):
        uid = r["uid"]
        first = seen.setdefault(uid, r)
        if first is not r:
            yield r.problem("uid", uid, f"second row of event {uid} (first at {first.locator}): "
                            "not published",
                            "row quarantined")
            continue
        yield from coordinates(r)[1]
        yield r  # provenance: the event's triples come from this row
        event = iris.id(EVENT, uid)
        yield from event_triples(r, event, iris)
        for code in r.get("accessibility", []):
            if code not in ACCESSIBILITY_CODES:
                yield r.problem("accessibility", code, f"unknown accessibility code {code!r} (known: "
                                f"{', '.join(ACCESSIBILITY_CODES)}): not published", "value dropped")
        for word in r.get("keywords_fr", []):
            key = slug(word)
            if key:
                keywords.setdefault(key, (r, word))
                yield event, SCHEMA.keywords, fr(word)
                yield event, DCTERMS.subject, iris.concept(KEYWORDS, key)
        agenda_uid = r.get("originagenda_uid")
        title = r.get("originagenda_title", "")
        year = edition(title)
        yield event, kgo.journeesDuPatrimoine, boolean(year is not None)
        if agenda_uid:
            agendas.setdefault(agenda_uid, (r, title))
            yield event, SCHEMA.superEvent, iris.id(AGENDA, agenda_uid)
        if year is not None:
            editions.setdefault(year, r)
            yield event, SCHEMA.superEvent, iris.id(EVENT, f"{JEP}-{year}")
        if "location_uid" in r:
            place = iris.id(PLACE, r["location_uid"])
            yield event, SCHEMA.location, place
            venue = venues.get(r["location_uid"])
            if venue is None:
                venues[r["location_uid"]] = Venue(r, [r["location_name"]] if "location_name" in r else [])
            else:
                if "location_name" in r and r["location_name"] not in venue.names:
                    venue.names.append(r["location_name"])
                if _newer(r, venue.record):
                    venue.record = r
        if r.get("onlineaccesslink"):
            online = NamedNode(f"{event.value}#en-ligne")
            yield event, SCHEMA.location, online
            yield online, A, SCHEMA.VirtualLocation
            yield online, SCHEMA.url, NamedNode(r["onlineaccesslink"])

    for uid, venue in venues.items():
        yield venue.record
        yield from place_triples(venue, iris.id(PLACE, uid), iris)

    for agenda_uid, (r, title) in agendas.items():
        yield r
        node = iris.id(AGENDA, agenda_uid)
        yield node, A, SCHEMA.EventSeries
        yield node, RDFS.label, fr(agenda_name(title) or f"Agenda {agenda_uid}")
        if title:
            yield node, SCHEMA.name, fr(agenda_name(title))
        yield node, DCTERMS.identifier, string(agenda_uid)
        yield node, SCHEMA.sameAs, NamedNode(OPENAGENDA_AGENDA + agenda_uid)
        year = edition(title)
        if year is not None:
            yield node, SCHEMA.superEvent, iris.id(EVENT, f"{JEP}-{year}")

    if editions:
        series = iris.id(EVENT, JEP)
        yield next(iter(editions.values()))
        yield series, A, SCHEMA.EventSeries
        yield series, RDFS.label, fr("Journées européennes du patrimoine")
        yield series, RDFS.label, en("European Heritage Days")
        yield series, SCHEMA.name, fr("Journées européennes du patrimoine")
        yield series, SCHEMA.name, en("European Heritage Days")
    for year, r in sorted(editions.items()):
        yield r
        node = iris.id(EVENT, f"{JEP}-{year}")
        yield node, A, SCHEMA.EventSeries
        yield node, RDFS.label, fr(f"Journées européennes du patrimoine {year}")
        yield node, RDFS.label, en(f"European Heritage Days {year}")
        yield node, SCHEMA.name, fr(f"Journées européennes du patrimoine {year}")
        yield node, SCHEMA.superEvent, iris.id(EVENT, JEP)

    scheme = iris.scheme(KEYWORDS)
    for key, (r, word) in sorted(keywords.items()):
        yield r
        concept = iris.concept(KEYWORDS, key)
        yield concept, A, SKOS.Concept
        yield concept, SKOS.inScheme, scheme
        yield concept, SKOS.prefLabel, fr(word)


def coordinates(r: Record) -> tuple[tuple[Decimal, Decimal] | None, list[Any]]:
    """The venue's point (latitude, longitude), from ``location_coordinates`` ([lat, lon] in API v1,
    {lon, lat} in v2.1, "lat, lon" in CSV), checked against API v1's ``geometry`` ([lon, lat])."""
    problems: list[Any] = []
    point: tuple[Decimal, Decimal] | None = None
    if "latitude" in r and "longitude" in r:
        point = (r["latitude"], r["longitude"])
    elif "coordinates" in r:
        point = r["coordinates"]
    if "geometry_latitude" in r and "geometry_longitude" in r:
        other = (r["geometry_latitude"], r["geometry_longitude"])
        if point is None:
            point = other
        elif abs(point[0] - other[0]) > _SAME_POINT or abs(point[1] - other[1]) > _SAME_POINT:
            problems.append(r.problem("latitude", f"{point[0]}, {point[1]}",
                                      f"location_coordinates and geometry disagree ({other[0]}, {other[1]}): "
                                      "no point published", "value dropped"))
            point = None
    return point, problems


def event_triples(r: Record, event: NamedNode, iris: Minter) -> Iterator[Any]:
    kgo = iris.kgo
    yield event, A, SCHEMA.Event
    yield event, DCTERMS.identifier, string(r["uid"])
    yield event, RDFS.label, fr(r["title_fr"])
    yield event, SCHEMA.name, fr(r["title_fr"])
    if "description_fr" in r:
        yield event, SCHEMA.description, fr(plain_text(r["description_fr"]) if has_html(r["description_fr"])
                                            else r["description_fr"])
    if "longdescription_fr" in r:
        long = r["longdescription_fr"]
        text = plain_text(long) if has_html(long) else long
        if text:
            yield event, kgo.descriptionLongue, fr(text)
        if has_html(long):
            yield event, kgo.descriptionHtml, html_literal(long)
    if "canonicalurl" in r and "://" in r["canonicalurl"]:
        yield event, SCHEMA.sameAs, NamedNode(r["canonicalurl"])
    if "updatedat" in r:
        yield event, DCTERMS.modified, xsd_datetime(r["updatedat"])
    if "firstdate_begin" in r:
        yield event, SCHEMA.startDate, xsd_datetime(r["firstdate_begin"])
    if "lastdate_end" in r:
        yield event, SCHEMA.endDate, xsd_datetime(r["lastdate_end"])
    if "daterange_fr" in r:
        yield event, kgo.periodeAffichee, fr(r["daterange_fr"])
    timings: tuple[Timing, ...] = r.get("timings", ())
    for t in timings:
        session = NamedNode(f"{event.value}#seance-{t.begin.strftime('%Y%m%dT%H%M')}")
        yield event, SCHEMA.subEvent, session
        yield session, A, SCHEMA.Event
        yield session, SCHEMA.superEvent, event
        yield session, SCHEMA.startDate, xsd_datetime(t.begin)
        yield session, SCHEMA.endDate, xsd_datetime(t.end)
    status = r.get("status")
    if status in STATUSES:
        yield event, SCHEMA.eventStatus, SCHEMA[STATUSES[status]]
        if status == 5:
            yield event, kgo.complet, boolean(True)
    mode = r.get("attendancemode")
    if mode in ATTENDANCE:
        yield event, SCHEMA.eventAttendanceMode, SCHEMA[ATTENDANCE[mode]]
    for code in r.get("accessibility", []):
        if code in ACCESSIBILITY_CODES:
            yield event, kgo.accessibilite, iris.concept(ACCESSIBILITY, code)
    yield from offer_triples(r, event)
    low, high = r.get("age_min"), r.get("age_max")
    if low is not None or high is not None:
        yield event, SCHEMA.typicalAgeRange, string(f"{low if low is not None else ''}-"
                                                    f"{high if high is not None else ''}")
    if "image" in r and "://" in r["image"]:
        image = NamedNode(f"{event.value}#image")
        yield event, SCHEMA.image, image
        yield image, A, SCHEMA.ImageObject
        yield image, SCHEMA.contentUrl, NamedNode(r["image"])
        if "imagecredits" in r:
            yield image, SCHEMA.creditText, fr(r["imagecredits"])
    for link in r.get("links", ()):
        if "://" in link:
            yield event, RDFS.seeAlso, NamedNode(link)


def offer_triples(r: Record, event: NamedNode) -> Iterator[Any]:
    """Conditions, price and registration links: one ``schema:Offer``. E-mail and phone registrations
    are not published (they may be a person's own)."""
    registrations: tuple[Registration, ...] = r.get("registration", ())
    links = [x.value for x in registrations if x.kind == "link" and "://" in x.value]
    conditions = r.get("conditions_fr")
    if not conditions and not links:
        return
    offer = NamedNode(f"{event.value}#offre")
    yield event, SCHEMA.offers, offer
    yield offer, A, SCHEMA.Offer
    for link in links:
        yield offer, SCHEMA.url, NamedNode(link)
    if conditions:
        yield offer, SCHEMA.description, fr(conditions)
        free = is_free(conditions)
        if free is not None:
            yield event, SCHEMA.isAccessibleForFree, boolean(free)
        amounts = prices(conditions)
        if free is False and amounts:
            yield offer, SCHEMA.price, decimal(min(amounts))
            yield offer, SCHEMA.priceCurrency, string("EUR")


def place_triples(venue: Venue, place: NamedNode, iris: Minter) -> Iterator[Any]:
    r = venue.record
    kgo = iris.kgo
    name = r.get("location_name") or (venue.names[0] if venue.names else None)
    yield place, A, SCHEMA.Place
    yield place, DCTERMS.identifier, string(r["location_uid"])
    yield place, RDFS.label, fr(name or f"Lieu {r['location_uid']}")
    if name:
        yield place, SCHEMA.name, fr(name)
    for other in venue.names:
        if other != name:
            yield place, SCHEMA.alternateName, fr(other)
    if "location_insee" in r:
        yield place, SCHEMA.containedInPlace, iris.id("commune", r["location_insee"])
    parts = [(SCHEMA.streetAddress, r.get("location_address")),
             (SCHEMA.postalCode, r.get("location_postalcode")),
             (SCHEMA.addressLocality, r.get("location_city")),
             (SCHEMA.addressCountry, r.get("location_countrycode"))]
    if any(v for _, v in parts):
        address = NamedNode(f"{place.value}#adresse")
        yield place, SCHEMA.address, address
        yield address, A, SCHEMA.PostalAddress
        for predicate, value in parts:
            if value:
                yield address, predicate, string(str(value))
    point, _ = coordinates(r)
    if point is not None:
        lat, lon = point
        yield from located_at(place, lat, lon)
    if "location_district" in r:
        yield place, kgo.quartier, fr(r["location_district"])
    if "location_website" in r and "://" in r["location_website"]:
        yield place, SCHEMA.url, NamedNode(r["location_website"])
    if "location_phone" in r:
        yield place, SCHEMA.telephone, string(r["location_phone"])
    for tag in r.get("location_tags", []):
        yield place, SCHEMA.keywords, string(tag)
    if "location_description_fr" in r:
        yield place, SCHEMA.description, fr(r["location_description_fr"])
    if "location_access_fr" in r:
        yield place, kgo.accesLieu, fr(r["location_access_fr"])
    if "location_image" in r and "://" in r["location_image"]:
        image = NamedNode(f"{place.value}#image")
        yield place, SCHEMA.image, image
        yield image, A, SCHEMA.ImageObject
        yield image, SCHEMA.contentUrl, NamedNode(r["location_image"])
        if "location_imagecredits" in r:
            yield image, SCHEMA.creditText, fr(r["location_imagecredits"])
    for link in r.get("location_links", ()):
        if "://" in link:
            yield place, RDFS.seeAlso, NamedNode(link)
