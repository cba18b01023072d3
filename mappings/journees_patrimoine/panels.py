"""The events on the pages: an event's dates and timings, venue, status, accessibility, registration and
edition; a venue's events and the Musées de France it is linked to (with the link's method and score);
on a Musée de France's page, the events held at the venues linked to it.

:func:`enrich` reads through the GraphReader what the resource's own quads do not hold: the venue of an
event (address, commune, museums), the events of a venue, the venues and events of a museum (reached by
``kgo:lieuMusee`` from /graph/liens) and the link records (``owl:Axiom`` of /graph/liens). The panels
turn it into ``templates/``. A venue's point is drawn by the house's map (its ``wgs84:lat/long``); the
venue panel adds a plan of the venue and its museums (an inline SVG, the distances in metres).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyoxigraph import Literal, NamedNode

from culturegraph.datasets import Described, Enricher, Formats, Panel, PanelView
from culturegraph.rdf.terms import OWL, RDFS, SCHEMA, SSSOM, WGS84, Minter
from culturegraph.store.base import GraphReader

from .mapping import NAME, PLACE

KEY = NAME  # of the enricher's values in Described.data


def _when(fmt: Formats, value: datetime) -> str:
    """« samedi 16 septembre 2023, 11 h 00 » / « Saturday 16 September 2023, 11:00 »."""
    return f"{fmt.date(value, 'day', weekday=True)}, {fmt.time(value)}"


def _parse(literal: Any) -> datetime | None:
    if not isinstance(literal, Literal):
        return None
    try:
        return datetime.fromisoformat(literal.value)
    except ValueError:
        return None


def _zone(value: datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"  # UTC−3:30 (Newfoundland)


def span_text(fmt: Formats, start: Any, end: Any) -> str:
    """« samedi 16 septembre 2023, 11 h 00 – 12 h 00 (UTC+2) » (« Saturday 16 September 2023, 11:00 –
    12:00 (UTC+2) » on an English page: ``fmt`` is the panel's view), in the time zone the source wrote
    (the timings are local time with their offset, the first and last dates UTC); the end's day when it
    is another; a value that is no date-time is shown as it is."""
    begin, finish = _parse(start), _parse(end)
    if begin is None:
        return start.value if isinstance(start, Literal) else ""
    text = _when(fmt, begin)
    zone = _zone(begin)
    if finish is not None and _zone(finish) != zone:
        # Two offsets (a span across a change of summer time, from January at UTC+1 to June at UTC+2):
        # each end with its own, else the end would be said an hour off.
        if zone:
            text += f" ({zone})"
        text += f" – {_when(fmt, finish)}"
        zone = _zone(finish)
    elif finish is not None:
        same_day = (finish.year, finish.month, finish.day) == (begin.year, begin.month, begin.day)
        text += " – " + (fmt.time(finish) if same_day else _when(fmt, finish))
    return f"{text} ({zone})" if zone else text


@dataclass
class MuseumLink:
    museum: str
    score: float | None = None
    method: str = ""
    status: str = ""  # accepte, confirme, ambigu… (/def/statut-lien/…)
    distance_m: float | None = None
    comment: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass
class Venue:
    iri: str
    street: str = ""
    postcode: str = ""
    locality: str = ""
    commune: str | None = None
    lat: float | None = None
    lon: float | None = None
    museums: list[MuseumLink] = field(default_factory=list)  # linked (kgo:lieuMusee)
    candidates: list[MuseumLink] = field(default_factory=list)  # left to curators (ambiguous)


@dataclass
class EventRow:
    iri: str
    name: str
    start: Literal | None
    end: Literal | None
    jep: bool
    venue: str = ""


@dataclass
class Found:
    kind: str  # "event" | "venue" | "museum"
    venues: list[Venue] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    query: str = ""


def _float(term: Any) -> float | None:
    try:
        return float(term.value) if isinstance(term, Literal) else None
    except ValueError:
        return None


def _links(reader: GraphReader, kgo: Any, venue: NamedNode | None = None,
           museum: NamedNode | None = None) -> list[MuseumLink]:
    """The link records (/graph/liens axioms) of a venue's or a museum's venue ↔ museum candidates that
    were linked or left to curators; ``MuseumLink.museum`` is the other end (the venue, for a museum)."""
    # The known end written into the pattern (not a VALUES block): the store then starts from it.
    source = f"<{venue.value}>" if venue is not None else "?lieu"
    target = f"<{museum.value}>" if museum is not None else "?musee"
    query = f"""SELECT ?other ?statut ?score ?methode ?distance ?commentaire WHERE {{
  ?axiome <{OWL}annotatedSource> {source} ; <{OWL}annotatedTarget> {target} ;
          <{OWL}annotatedProperty> <{kgo.lieuMusee.value}> ; <{kgo.statutLien.value}> ?statut .
  BIND ({target if museum is None else source} AS ?other)
  OPTIONAL {{ ?axiome <{SSSOM}similarity_score> ?score }}
  OPTIONAL {{ ?axiome <{kgo.methodeLien.value}> ?methode }}
  OPTIONAL {{ ?axiome <{kgo.distanceMetres.value}> ?distance }}
  OPTIONAL {{ ?axiome <{RDFS.comment.value}> ?commentaire }}
}} ORDER BY DESC(?score) ?other"""
    out = []
    for row in reader.query(query, union_default_graph=True):
        status = row["statut"].value.rsplit("/", 1)[-1]
        if status in ("rejete", "refuse"):
            continue
        out.append(MuseumLink(
            museum=row["other"].value, score=_float(row["score"]),
            method=row["methode"].value.rsplit("/", 1)[-1] if row["methode"] is not None else "",
            status=status, distance_m=_float(row["distance"]),
            comment=row["commentaire"].value if row["commentaire"] is not None else ""))
    if museum is None:
        # The museums' points, one look-up each (an OPTIONAL over the union of the graphs is slow here).
        for link in out:
            node = NamedNode(link.museum)
            link.lat = next((_float(q.object) for q in reader.quads(node, WGS84.lat)), None)
            link.lon = next((_float(q.object) for q in reader.quads(node, WGS84.long)), None)
    return out


def _venue(reader: GraphReader, kgo: Any, iri: NamedNode, desc: Described) -> Venue:
    venue = Venue(iri.value)
    for q in reader.quads(iri):
        if q.predicate == SCHEMA.containedInPlace and isinstance(q.object, NamedNode):
            venue.commune = q.object.value
            desc.linked.append(q.object)
        elif q.predicate == WGS84.lat:
            venue.lat = _float(q.object)
        elif q.predicate == WGS84.long:
            venue.lon = _float(q.object)
        elif q.predicate == SCHEMA.address and isinstance(q.object, NamedNode):
            for a in reader.quads(q.object):
                if not isinstance(a.object, Literal):
                    continue
                if a.predicate == SCHEMA.streetAddress:
                    venue.street = a.object.value
                elif a.predicate == SCHEMA.postalCode:
                    venue.postcode = a.object.value
                elif a.predicate == SCHEMA.addressLocality:
                    venue.locality = a.object.value
    # The links of /graph/liens, with their records; a link stated without a record is kept too.
    records = _links(reader, kgo, venue=iri)
    stated = {q.object.value for q in reader.quads(iri, kgo.lieuMusee) if isinstance(q.object, NamedNode)}
    venue.museums = [r for r in records if r.museum in stated]
    venue.museums += [MuseumLink(m) for m in sorted(stated - {r.museum for r in records})]
    venue.candidates = [r for r in records if r.museum not in stated]
    desc.linked.extend(NamedNode(m.museum) for m in venue.museums + venue.candidates)
    return venue


def _events(reader: GraphReader, kgo: Any, venues: list[str], desc: Described) -> tuple[list[EventRow], str]:
    values = " ".join(f"<{v}>" for v in venues)
    query = (
        "PREFIX kgo: <" + kgo.lieuMusee.value.rsplit("/", 1)[0] + "/>\nPREFIX schema: <http://schema.org/>\n"
        "SELECT ?evenement ?titre ?debut ?fin ?jep ?lieu WHERE {\n"
        f"  VALUES ?lieu {{ {values} }}\n"
        "  ?evenement schema:location ?lieu ; kgo:journeesDuPatrimoine ?jep ; schema:name ?titre .\n"
        "  OPTIONAL { ?evenement schema:startDate ?debut }\n  OPTIONAL { ?evenement schema:endDate ?fin }\n"
        "}\nORDER BY DESC(?jep) ?debut ?evenement")
    rows: dict[str, EventRow] = {}
    for row in reader.query(query, union_default_graph=True):
        if not isinstance(row["evenement"], NamedNode) or row["evenement"].value in rows:
            continue
        rows[row["evenement"].value] = EventRow(
            row["evenement"].value, row["titre"].value,
            row["debut"] if isinstance(row["debut"], Literal) else None,
            row["fin"] if isinstance(row["fin"], Literal) else None,
            row["jep"].value == "true", row["lieu"].value)
    return list(rows.values()), query


def enrich(reader: GraphReader, desc: Described) -> None:
    types = set(desc.types())
    base = desc.base
    kgo = Minter(base).kgo
    own = [q for q in desc.quads if q.subject == desc.iri]
    if SCHEMA.Event in types and any(q.predicate == kgo.journeesDuPatrimoine for q in own):
        found = Found("event")
        for q in own:
            if q.predicate == SCHEMA.location and isinstance(q.object, NamedNode) \
                    and q.object.value.startswith(f"{base}id/{PLACE}/"):
                found.venues.append(_venue(reader, kgo, q.object, desc))
        desc.data[KEY] = found
    elif SCHEMA.Place in types and desc.iri.value.startswith(f"{base}id/{PLACE}/"):
        found = Found("venue", [_venue(reader, kgo, desc.iri, desc)])
        found.events, found.query = _events(reader, kgo, [desc.iri.value], desc)
        desc.data[KEY] = found
    elif SCHEMA.Museum in types:
        stated = {q.subject.value for q in reader.quads(None, kgo.lieuMusee, desc.iri)
                  if isinstance(q.subject, NamedNode)}
        if not stated:  # most museums: one index look-up, no query
            return
        links = _links(reader, kgo, museum=desc.iri)
        found = Found("museum", [Venue(v) for v in sorted(stated)])
        for venue in found.venues:
            record = next((r for r in links if r.museum == venue.iri), None)
            if record is not None:
                venue.museums = [record]
            desc.linked.append(NamedNode(venue.iri))
        found.events, found.query = _events(reader, kgo, sorted(stated), desc)
        desc.data[KEY] = found


def _found(view: PanelView, kind: str) -> Found | None:
    found = view.description.data.get(KEY)
    return found if isinstance(found, Found) and found.kind == kind else None


def _link_text(view: PanelView, link: MuseumLink) -> str:
    parts = []
    if link.status in ("confirme",):
        parts.append(view.text("confirmé par les conservateurs", "confirmed by the curators"))
    elif link.status == "ambigu":
        parts.append(view.text("à décider par les conservateurs", "for the curators to decide"))
    if link.method:
        parts.append(view.text(f"méthode {link.method}", f"method {link.method}"))
    if link.score is not None:
        parts.append(f"score {view.number(link.score, decimals=2)}")
    if link.distance_m is not None:
        parts.append(f"{round(link.distance_m)} m")  # digits only, as always, in both languages
    return ", ".join(parts)


def _venue_context(view: PanelView, venue: Venue) -> dict[str, Any]:
    address = " ".join(p for p in (venue.street,) if p)
    if venue.postcode and venue.postcode not in address:
        address = f"{address}, {venue.postcode} {venue.locality}".strip(", ")
    return {
        "value": view.value(NamedNode(venue.iri)),
        "address": address,
        "commune": view.value(NamedNode(venue.commune)) if venue.commune else None,
        "museums": [(view.value(NamedNode(m.museum)), _link_text(view, m)) for m in venue.museums],
        "candidates": [(view.value(NamedNode(m.museum)), _link_text(view, m)) for m in venue.candidates],
    }


def event_panel(view: PanelView) -> Mapping[str, Any] | None:
    found = _found(view, "event")
    if found is None:
        return None
    desc = view.description
    kgo = Minter(view.base_iri).kgo
    own = [q for q in desc.quads if q.subject == desc.iri]

    def objects(predicate: NamedNode) -> list[Any]:
        return [q.object for q in own if q.predicate == predicate]

    def first(predicate: NamedNode) -> Any:
        return next(iter(objects(predicate)), None)

    timings: list[tuple[datetime, Any, Any]] = []  # (start, start literal, end literal)
    for sub in objects(SCHEMA.subEvent):
        mine = [q for q in desc.quads if q.subject == sub]
        start = next((q.object for q in mine if q.predicate == SCHEMA.startDate), None)
        end = next((q.object for q in mine if q.predicate == SCHEMA.endDate), None)
        if (begins := _parse(start)) is not None:
            timings.append((begins, start, end))
    timings.sort(key=lambda t: t[0])
    # The span in the time the timings give (local, with its offset), from the first timing's start to
    # the last one's end; the first and last dates (UTC) when there are none.
    if timings:
        last = max(timings, key=lambda t: _parse(t[2]) or t[0])
        span = span_text(view, timings[0][1], last[2])
    else:
        span = span_text(view, first(SCHEMA.startDate), first(SCHEMA.endDate))
    offers = []
    for offer in objects(SCHEMA.offers):
        pairs = [(q.predicate, q.object) for q in desc.quads if q.subject == offer
                 and isinstance(q.object, Literal | NamedNode)]
        offers.append({
            "description": next((o.value for p, o in pairs if p == SCHEMA.description), ""),
            "urls": [o.value for p, o in pairs if p == SCHEMA.url],
            "price": next((o.value for p, o in pairs if p == SCHEMA.price), None),
        })
    free = first(SCHEMA.isAccessibleForFree)
    jep = first(kgo.journeesDuPatrimoine)
    displayed = first(kgo.periodeAffichee)
    return {
        "span": span,
        "displayed": displayed.value if isinstance(displayed, Literal) else "",
        "timings": [span_text(view, start, end) for _, start, end in timings],
        "status": [view.value(s) for s in objects(SCHEMA.eventStatus)],
        "full": any(isinstance(o, Literal) and o.value == "true" for o in objects(kgo.complet)),
        "mode": [view.value(m) for m in objects(SCHEMA.eventAttendanceMode)],
        "venues": [_venue_context(view, v) for v in found.venues],
        "online": any(isinstance(o, NamedNode) and o.value.endswith("#en-ligne")
                      for o in objects(SCHEMA.location)),
        "accessibility": sorted((view.value(a) for a in objects(kgo.accessibilite)), key=lambda v: v.text),
        "offers": offers,
        "free": None if free is None else free.value == "true",
        "ages": (first(SCHEMA.typicalAgeRange).value if first(SCHEMA.typicalAgeRange) is not None else ""),
        "jep": isinstance(jep, Literal) and jep.value == "true",
        "editions": [view.value(s) for s in objects(SCHEMA.superEvent)],
    }


def plan(venue: Venue, width: int = 360) -> dict[str, Any] | None:
    """The venue (at the centre) and its museums (linked or candidates) on a plan: metres east and north
    of the venue, scaled so that the farthest point fits, with a scale bar; ``None`` when the venue or
    every museum has no point."""
    if venue.lat is None or venue.lon is None:
        return None
    lat0, lon0 = venue.lat, venue.lon
    metres_lat = 111_320.0
    metres_lon = metres_lat * math.cos(math.radians(lat0))
    offsets = [((m.lon - lon0) * metres_lon, (m.lat - lat0) * metres_lat, m)
               for m in venue.museums + venue.candidates if m.lat is not None and m.lon is not None]
    if not offsets:
        return None
    reach = max([max(abs(x), abs(y)) for x, y, _ in offsets] + [50.0]) * 1.25
    half, pad = width / 2, 20
    inner = half - pad
    points = [(round(half + x / reach * inner, 1), round(half - y / reach * inner, 1), m)
              for x, y, m in offsets]
    bar = next((b for b in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000) if b >= reach / 3), 10_000)
    return {"size": width, "centre": half, "points": points,
            "bar": (pad, width - pad, round(pad + bar / reach * inner, 1), bar)}


def venue_panel(view: PanelView) -> Mapping[str, Any] | None:
    found = _found(view, "venue")
    if found is None:
        return None
    (venue,) = found.venues
    drawn = plan(venue)
    return {
        **_venue_context(view, venue),
        "plan": drawn,
        "plan_labels": {m.museum: view.label(m.museum) for *_, m in drawn["points"]} if drawn else {},
        "events": [(view.local_url(e.iri) or e.iri, e.name, span_text(view, e.start, e.end), e.jep)
                   for e in found.events],
        "jep_count": sum(e.jep for e in found.events),
        "query_url": view.query_url(found.query),
    }


def museum_panel(view: PanelView) -> Mapping[str, Any] | None:
    found = _found(view, "museum")
    if found is None:
        return None
    return {
        "venues": [(view.value(NamedNode(v.iri)), _link_text(view, v.museums[0]) if v.museums else "")
                   for v in found.venues],
        "events": [(view.local_url(e.iri) or e.iri, e.name, span_text(view, e.start, e.end), e.jep,
                    view.value(NamedNode(e.venue))) for e in found.events],
        "jep_count": sum(e.jep for e in found.events),
        "query_url": view.query_url(found.query),
    }


ENRICHERS: tuple[Enricher, ...] = (Enricher(KEY, enrich),)
PANELS: tuple[Panel, ...] = (
    Panel("evenement", "evenement.html", event_panel, order=20),
    Panel("lieu-evenements", "lieu.html", venue_panel, order=20),
    Panel("musee-evenements", "musee-evenements.html", museum_panel, order=40),
)
