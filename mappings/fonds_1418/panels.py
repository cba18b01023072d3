"""The photographs on the pages: a photo's caption, operators, date with its precision, place, monuments
(and the museums they house) and POP notice; an agent's photos on a map and a timeline; on a Musée de
France's page, the war photographs of its building (``kgo:representeBatimentDuMusee``, /graph/liens).

:func:`enrich` reads what the page needs through the GraphReader (the photo's aggregation points at it;
an agent's photos point at the agent); the panels turn it into ``templates/``. The photo's point is drawn
by the house's map (its ``#lieu`` part, web/describe.py); an agent's photos are drawn as an inline SVG
map (points on a graticule, like the house's map without tiles) and a bar chart per year
(``culturegraph.web.charts``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pyoxigraph import Literal, NamedNode

from culturegraph.datasets import Described, Enricher, Formats, Panel, PanelView
from culturegraph.rdf.terms import SCHEMA, XSD, Minter
from culturegraph.store.base import GraphReader
from culturegraph.web.charts import bar_chart

from .mapping import DC, EDM

KEY = "fonds-14-18"


def date_text(fmt: Formats, literal: Literal) -> tuple[str, str]:
    """(the date in the page's language, its precision): ('16 juin 1917', 'jour'), ('février 1919',
    'mois'), ('1917', 'année seulement'); on an English page ('16 June 1917', 'day'), ('February 1919',
    'month'), ('1917', 'year only'). ``fmt`` is the panel's view. A value that is no calendar date of its
    type is shown as written, with its type's precision."""
    parts = literal.value.split("-")
    if literal.datatype == XSD.date and len(parts) == 3:
        precision, word = "day", fmt.text("jour", "day")
    elif literal.datatype == XSD.gYearMonth and len(parts) == 2:
        precision, word = "month", fmt.text("mois", "month")
    else:
        return _year_text(fmt, literal), fmt.text("année seulement", "year only")
    try:
        value = date(int(parts[0]), int(parts[1]), int(parts[2]) if precision == "day" else 1)
    except ValueError:
        return literal.value, word
    return fmt.date(value, precision), word


def _year_text(fmt: Formats, literal: Literal) -> str:
    try:
        return fmt.date(date(int(literal.value), 1, 1), "year") if literal.value.isdigit() else literal.value
    except ValueError:  # year 0 or past 9999
        return literal.value


@dataclass
class Photo:
    iri: str
    caption: str
    date: Literal | None
    lat: float | None
    lon: float | None
    monument: str = ""  # the Mérimée reference it shows (a museum's photos)
    notice: str = ""  # its POP notice


@dataclass
class Found:
    kind: str  # "photo" | "agent" | "museum"
    aggregation: dict[str, list[str]] = field(default_factory=dict)  # predicate local name → IRIs
    museums: list[str] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    query: str = ""


def _base(iri: str) -> str:
    return iri.split("/id/", 1)[0] + "/"


def enrich(reader: GraphReader, desc: Described) -> None:
    types = set(desc.types())
    base = _base(desc.iri.value)
    kgo = Minter(base).kgo
    if EDM.ProvidedCHO in types:
        found = Found("photo")
        for q in reader.quads(None, EDM.aggregatedCHO, desc.iri):
            desc.related += reader.quads(q.subject)
            for x in reader.quads(q.subject):
                if isinstance(x.object, NamedNode):
                    name = x.predicate.value.rsplit("/", 1)[1]
                    found.aggregation.setdefault(name, []).append(x.object.value)
        photo, link, ref = desc.iri.value, kgo.representeBatimentDuMusee.value, kgo.referenceMerimee.value
        query = (f"SELECT DISTINCT ?musee WHERE {{ {{ <{photo}> <{link}> ?musee }} "
                 f"UNION {{ <{photo}> <{ref}> ?ref . ?musee a <http://schema.org/Museum> ; <{ref}> ?ref }} }}"
                 " ORDER BY ?musee")
        for row in reader.query(query, union_default_graph=True):
            if isinstance(row["musee"], NamedNode):
                found.museums.append(row["musee"].value)
                desc.linked.append(row["musee"])
        desc.data[KEY] = found
    elif EDM.Agent in types:
        found = Found("agent")
        found.query = (
            "PREFIX dc: <http://purl.org/dc/elements/1.1/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
            "SELECT ?photo ?legende ?date ?lat ?lon WHERE {\n"
            f"  ?photo dc:creator <{desc.iri.value}> ; dc:title ?legende .\n"
            "  OPTIONAL { ?photo dcterms:created ?date }\n"
            "  OPTIONAL { ?photo dcterms:spatial ?lieu . ?lieu wgs84:lat ?lat ; wgs84:long ?lon }\n"
            "}\nORDER BY ?date ?photo")
        for row in reader.query(found.query, union_default_graph=True):
            if not isinstance(row["photo"], NamedNode):
                continue
            date = row["date"] if isinstance(row["date"], Literal) else None
            lat = float(row["lat"].value) if isinstance(row["lat"], Literal) else None
            lon = float(row["lon"].value) if isinstance(row["lon"], Literal) else None
            found.photos.append(Photo(row["photo"].value, row["legende"].value, date, lat, lon))
        if found.photos:
            desc.data[KEY] = found
    elif SCHEMA.Museum in types and reader.exists(None, kgo.representeBatimentDuMusee, desc.iri):
        found = Found("museum")
        found.query = (
            "PREFIX dc: <http://purl.org/dc/elements/1.1/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "PREFIX edm: <http://www.europeana.eu/schemas/edm/>\n"
            f"PREFIX kgo: <{kgo.representeBatimentDuMusee.value.rsplit('/', 1)[0]}/>\n"
            "SELECT ?photo ?legende ?date ?merimee ?notice WHERE {\n"
            f"  ?photo kgo:representeBatimentDuMusee <{desc.iri.value}> ; dc:title ?legende .\n"
            "  OPTIONAL { ?photo dcterms:created ?date }\n"
            "  OPTIONAL { ?photo kgo:referenceMerimee ?merimee .\n"
            f"             <{desc.iri.value}> kgo:referenceMerimee ?merimee }}\n"
            "  OPTIONAL { ?aggregation edm:aggregatedCHO ?photo ; edm:isShownAt ?notice }\n"
            "}\nORDER BY ?date ?photo")
        seen: set[str] = set()
        for row in reader.query(found.query, union_default_graph=True):
            if not isinstance(row["photo"], NamedNode) or row["photo"].value in seen:
                continue
            seen.add(row["photo"].value)
            date = row["date"] if isinstance(row["date"], Literal) else None
            found.photos.append(Photo(row["photo"].value, row["legende"].value, date, None, None,
                                      row["merimee"].value if row["merimee"] is not None else "",
                                      row["notice"].value if row["notice"] is not None else ""))
        if found.photos:
            desc.data[KEY] = found


def photo_panel(view: PanelView) -> Mapping[str, Any] | None:
    found = view.description.data.get(KEY)
    if not isinstance(found, Found) or found.kind != "photo":
        return None
    desc = view.description
    own = [q for q in desc.quads if q.subject == desc.iri]
    created = next((q.object for q in own if q.predicate.value == "http://purl.org/dc/terms/created"
                    and isinstance(q.object, Literal)), None)
    when, precision = date_text(view, created) if created is not None else ("", "")
    caption = next((q.object.value for q in own if q.predicate == DC.title and isinstance(q.object, Literal)),
                   "")
    operators = [view.value(q.object) for q in own if q.predicate == DC.creator]
    places = [view.value(q.object) for q in own if q.predicate.value == "http://purl.org/dc/terms/spatial"
              and isinstance(q.object, NamedNode) and "#" not in q.object.value]
    monuments = [q.object.value for q in own if q.predicate.value == "http://purl.org/dc/terms/relation"
                 and isinstance(q.object, NamedNode)]
    return {
        "caption": caption, "operators": operators, "date": when, "precision": precision,
        "places": places, "monuments": monuments,
        "museums": [view.value(NamedNode(m)) for m in found.museums],
        "notice": (found.aggregation.get("isShownAt") or [""])[0],
        "images": found.aggregation.get("isShownBy", []) + found.aggregation.get("object", []),
    }


def svg_map(photos: list[Photo], width: int = 640, height: int = 420,
            west_letter: str = "O") -> dict[str, Any] | None:
    """Points (equirectangular, longitudes scaled by the cosine of the mean latitude) on a graticule
    every degree (``west_letter``: the letter of western longitudes, "O" in French, "W" in English)."""
    located = [p for p in photos if p.lat is not None and p.lon is not None]
    if not located:
        return None
    lats = [p.lat for p in located if p.lat is not None]
    lons = [p.lon for p in located if p.lon is not None]
    south, north = math.floor(min(lats)) - 0.5, math.ceil(max(lats)) + 0.5
    west, east = math.floor(min(lons)) - 0.5, math.ceil(max(lons)) + 0.5
    scale_x = math.cos(math.radians((south + north) / 2))
    span = max((east - west) * scale_x, north - south)
    pad = 20
    size = min(width, height) - 2 * pad

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (round(pad + (lon - west) * scale_x / span * size, 1),
                round(pad + (north - lat) / span * size, 1))

    lines = []
    for d in range(int(south), int(north) + 1):
        (x1, y), (x2, _) = xy(d, west), xy(d, east)
        lines.append((x1, y, x2, y, f"{d}° N"))
    for d in range(int(west), int(east) + 1):
        (x, y1), (_, y2) = xy(north, d), xy(south, d)
        lines.append((x, y1, x, y2, f"{d}° E" if d >= 0 else f"{-d}° {west_letter}"))
    points = [(*xy(p.lat, p.lon), p) for p in located if p.lat is not None and p.lon is not None]
    side = size + 2 * pad
    return {"width": side, "height": side, "lines": lines, "points": points}


def agent_panel(view: PanelView) -> Mapping[str, Any] | None:
    found = view.description.data.get(KEY)
    if not isinstance(found, Found) or found.kind != "agent":
        return None
    years = Counter(p.date.value[:4] for p in found.photos if p.date is not None)
    categories = sorted(years)
    series = {view.text("photographies", "photographs"): {y: years[y] for y in categories}}
    chart = bar_chart(categories, series,
                      title=view.text("Photographies par année de prise de vue", "Photographs by year taken"),
                      description=view.text("Une barre par année : le nombre de photographies de cet agent ; "
                                            "la liste est sous la carte.",
                                            "One bar per year: the number of this agent's photographs; "
                                            "the list is below the map."),
                      fmt=view.number) if categories else None
    rows = [(view.local_url(p.iri) or p.iri, p.caption, *(date_text(view, p.date) if p.date else ("", "")))
            for p in found.photos]
    return {"count": len(found.photos), "map": svg_map(found.photos, west_letter=view.text("O", "W")),
            "chart": chart, "rows": rows, "query_url": view.query_url(found.query)}


def museum_panel(view: PanelView) -> Mapping[str, Any] | None:
    """The photographs of the monument a museum is housed in (the links stage's photo → museum links)."""
    found = view.description.data.get(KEY)
    if not isinstance(found, Found) or found.kind != "museum":
        return None
    rows = [(view.local_url(p.iri) or p.iri, p.caption, *(date_text(view, p.date) if p.date else ("", "")),
             p.monument, p.notice) for p in found.photos]
    return {"count": len(found.photos), "rows": rows, "query_url": view.query_url(found.query)}


ENRICHERS: tuple[Enricher, ...] = (Enricher(KEY, enrich),)
PANELS: tuple[Panel, ...] = (
    Panel("photographie", "photographie.html", photo_panel, order=30),
    Panel("photos-agent", "photos-agent.html", agent_panel, order=30),
    Panel("photos-batiment-musee", "photos-musee.html", museum_panel, order=45),
)
