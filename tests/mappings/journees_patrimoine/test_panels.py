"""The dataset's pages through the Flask test client, on the session's full build (the panels need
/graph/liens, Muséofile and the vocabularies): an event's dates, timings, venue, status, accessibility,
registration and edition; a venue's map, museums and events; a Musée de France's events. Expected values
come from the raw OpenAgenda records (json module) and the hand-labelled venue ↔ museum pairs."""

from __future__ import annotations

import csv
import json
import math
import re

import pytest
from culturegraph.mappings.journees_patrimoine.panels import MuseumLink, Venue, plan, span_text
from flask.testing import FlaskClient
from pyoxigraph import Literal, Store

from culturegraph.config import Settings
from culturegraph.rdf.terms import XSD
from culturegraph.web.app import create_app
from culturegraph.web.l10n import Formatter

from .query_facts import SOURCES, events, is_jep, venue_museums

HOST = "http://127.0.0.1:5000"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Store) -> FlaskClient:
    return create_app(settings, store=graph).test_client()


def get(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=HTML, base_url=HOST, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str | None:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    return match.group(0) if match else None


def panel(html: str, heading_id: str) -> str:
    found = section(html, heading_id)
    assert found is not None, heading_id
    return found


def href(kind: str, key: str) -> str:
    """A link to a resource's page, as the panels write it (the document URL)."""
    return f'{HOST}/doc/{kind}/{key}"'


def metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(h)))


def record(uid: str) -> dict:
    return next(e for e in events() if e["uid"] == uid)


def esc(text: str) -> str:
    """The text as Jinja's autoescape writes it."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


def test_an_event_page_has_its_timings_venue_status_accessibility_registration_and_edition(
        client: FlaskClient) -> None:
    raw = record("14611243")  # JEP 2023, four timings, reduced mobility, a registration form
    html = get(client, "/id/evenement/14611243")
    found = panel(html, "h-evenement")
    assert "Journées européennes du patrimoine" in found and is_jep(raw)
    timings = json.loads(raw["timings"])
    assert len(timings) == 4 and f"Séances ({len(timings)})" in found
    for timing in timings:  # local time, as the source gives them (+02:00)
        begin = timing["begin"][11:16].split(":")
        assert f"{int(begin[0])} h {begin[1]}" in found and timing["begin"].endswith("+02:00")
    assert "samedi 16 septembre 2023" in found and "(UTC+2)" in found
    assert href("lieu", raw["location_uid"]) in found
    assert esc(raw["location_name"]) in found and esc(raw["location_address"]) in found
    assert ">Paris<" in found  # the commune, linked
    status = json.loads(raw["status"])["label"]["fr"]
    assert status.lower() in found.lower()
    assert raw["accessibility"] == "mi" and "handicap moteur" in found
    links = [r["value"] for r in json.loads(raw["registration"]) if r.get("type") == "link"]
    assert links and all(link in found for link in links)
    assert "gratuit" in found
    year = re.search(r"\b20[0-9]{2}\b", raw["originagenda_title"]).group(0)  # type: ignore[union-attr]
    assert href("evenement", f"jep-{year}") in found
    assert f"Journées européennes du patrimoine {year}<" in found
    assert esc(raw["originagenda_title"]) in found and href("agenda", raw["originagenda_uid"]) in found


def test_an_event_that_says_nothing_of_accessibility_says_so(client: FlaskClient) -> None:
    raw = record("82600000")
    assert not raw.get("accessibility")
    found = panel(get(client, "/id/evenement/82600000"), "h-evenement")
    assert "non renseignée par l'organisateur" in found
    assert "samedi 16 septembre 2023, 19 h 00 – dimanche 17 septembre 2023, 17 h 00" in found
    assert f"{raw['age_min']}-{raw['age_max']} ans" in found


def test_a_venue_page_has_the_map_its_museum_link_and_its_events(client: FlaskClient) -> None:
    venue = "44609940"
    raw = [e for e in events() if e["location_uid"] == venue]
    html = get(client, f"/id/lieu/{venue}")
    lat, lon = raw[0]["location_coordinates"]
    assert f'data-lat="{lat}"' in html and f'data-lon="{lon}"' in html  # the house's map
    found = panel(html, "h-lieu-evenements")
    assert venue_museums()[venue] == "M1115"
    with (SOURCES / "museofile/musees-de-france-base-museofile_ods-export_2022-01.csv").open(
            encoding="utf-8-sig", newline="") as f:
        (museum,) = [r for r in csv.DictReader(f, delimiter=";") if r["ref"] == "M1115"]
    distance = metres((lat, lon), (float(museum["latitude"]), float(museum["longitude"])))
    assert href("musee", "M1115") in found and "méthode name-place" in found and f"{distance} m" in found
    assert re.search(r"score (0,[0-9]{2}|1,00)", found)
    assert found.count('class="musee"') == 1 and 'class="lieu"' in found  # the plan: venue + museum
    assert f"Événements ({len(raw)})" in found
    for e in raw:
        assert esc(e["title_fr"]) in found and href("evenement", e["uid"]) in found


def test_a_venue_without_museum_and_the_escape_of_its_events_titles(client: FlaskClient) -> None:
    raw = record("52438825")
    assert "&" in raw["title_fr"] and raw["location_uid"] not in venue_museums()
    found = panel(get(client, f"/id/lieu/{raw['location_uid']}"), "h-lieu-evenements")
    assert "aucun lien" in found and 'class="plan-lieu"' not in found
    assert esc(raw["title_fr"]) in found and raw["title_fr"] not in found


def test_a_museum_page_lists_the_events_of_its_venues(client: FlaskClient) -> None:
    venues = {v for v, m in venue_museums().items() if m == "M1115"}
    raw = [e for e in events() if e["location_uid"] in venues]
    assert len(venues) == 2 and len(raw) == 3
    found = panel(get(client, "/id/musee/M1115"), "h-musee-evenements")
    assert f"({len(raw)})" in found
    for e in raw:
        assert esc(e["title_fr"]) in found and href("evenement", e["uid"]) in found
    for v in venues:
        assert href("lieu", v) in found
    assert not any(is_jep(e) for e in raw) and "Aucun de ces événements" in found


def test_a_museum_panel_escapes_the_organisers_text(client: FlaskClient) -> None:
    raw = record("96228009")  # "Petits contes dans les jardins" | Une visite contée, Bourdelle's garden
    assert raw["title_fr"].startswith('"') and venue_museums()[raw["location_uid"]] == "M1103"
    found = panel(get(client, "/id/musee/M1103"), "h-musee-evenements")
    assert esc(raw["title_fr"]) in found and raw["title_fr"] not in found


def test_panels_that_do_not_apply_are_absent(client: FlaskClient) -> None:
    museum = get(client, "/id/musee/M0399")  # a Musée de France no venue is linked to
    assert section(museum, "h-musee-evenements") is None and section(museum, "h-evenement") is None
    venue = get(client, "/id/lieu/44609940")
    assert section(venue, "h-evenement") is None and section(venue, "h-musee-evenements") is None
    event = get(client, "/id/evenement/14611243")
    assert section(event, "h-lieu-evenements") is None
    edition = get(client, "/id/evenement/jep-2023")  # an edition is no OpenAgenda event
    assert section(edition, "h-evenement") is None


def test_the_plan_puts_north_up_and_scales_the_bar_to_the_distances() -> None:
    # A museum 300 m north and 400 m east of the venue (500 m away), another with no point.
    north = 300 / 111_320.0
    east = 400 / (111_320.0 * math.cos(math.radians(48.85)))
    venue = Venue("v", lat=48.85, lon=2.35, museums=[MuseumLink("m", lat=48.85 + north, lon=2.35 + east),
                                                      MuseumLink("n")])
    drawn = plan(venue)
    assert drawn is not None and len(drawn["points"]) == 1
    (x, y, _), centre = drawn["points"][0], drawn["centre"]
    assert x > centre and y < centre  # east is right, north is up
    x1, _, x2, bar = drawn["bar"]
    pixels_per_metre = (x2 - x1) / bar
    assert (x - centre) / pixels_per_metre == pytest.approx(400, abs=2)
    assert (centre - y) / pixels_per_metre == pytest.approx(300, abs=2)
    assert plan(Venue("v", museums=[MuseumLink("m", lat=1.0, lon=1.0)])) is None  # the venue has no point


def test_span_text_keeps_the_time_zone_the_source_wrote() -> None:
    start = Literal("2023-09-16T09:00:00Z", datatype=XSD.dateTime)
    end = Literal("2023-09-17T15:30:00Z", datatype=XSD.dateTime)
    french, english = Formatter("fr"), Formatter("en")
    assert span_text(french, start, end) == \
        "samedi 16 septembre 2023, 9 h 00 – dimanche 17 septembre 2023, 15 h 30 (UTC)"
    assert span_text(english, start, end) == \
        "Saturday 16 September 2023, 09:00 – Sunday 17 September 2023, 15:30 (UTC)"
    local = Literal("2023-09-16T11:00:00+02:00", datatype=XSD.dateTime)
    assert span_text(french, local, None) == "samedi 16 septembre 2023, 11 h 00 (UTC+2)"
    assert span_text(english, local, None) == "Saturday 16 September 2023, 11:00 (UTC+2)"
    same_day = Literal("2023-09-16T14:30:00-03:30", datatype=XSD.dateTime)
    assert span_text(english, same_day, Literal("2023-09-16T23:59:00-03:30", datatype=XSD.dateTime)) == \
        "Saturday 16 September 2023, 14:30 – 23:59 (UTC−3:30)"
    naive = Literal("2024-09-14T00:00:00", datatype=XSD.dateTime)  # no time zone: none shown
    assert span_text(french, naive, None) == "samedi 14 septembre 2024, 0 h 00"
    assert span_text(english, naive, None) == "Saturday 14 September 2024, 00:00"
    # from winter to summer time (the timings of /id/evenement/53411006): each end has its own offset
    winter = Literal("2020-01-06T08:00:00+01:00", datatype=XSD.dateTime)
    summer = Literal("2020-06-29T08:30:00+02:00", datatype=XSD.dateTime)
    assert span_text(french, winter, summer) == \
        "lundi 6 janvier 2020, 8 h 00 (UTC+1) – lundi 29 juin 2020, 8 h 30 (UTC+2)"
    assert span_text(english, winter, summer) == \
        "Monday 6 January 2020, 08:00 (UTC+1) – Monday 29 June 2020, 08:30 (UTC+2)"
    soon = Literal("bientôt")
    assert span_text(french, soon, None) == span_text(english, soon, None) == "bientôt"
