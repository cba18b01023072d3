"""The dataset's pages through the Flask test client, on a store holding the fonds, the geography and
Muséofile graphs and the vocabularies: a photo's caption, operators, date with its precision, map, monument,
museum and POP notice; an agent's photos on a map, a timeline and a list. Expected values come from the raw
GeoJSON (query_facts.properties), not from the mapping."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html import unescape

import pytest
from culturegraph.mappings.fonds_1418 import DATASET
from culturegraph.mappings.fonds_1418.panels import Photo, date_text, svg_map
from flask.testing import FlaskClient
from pyoxigraph import Literal, Quad, Store

from culturegraph.config import Settings, load_settings
from culturegraph.datasets import Registry, load_registry
from culturegraph.pipeline.stages import load_vocabularies
from culturegraph.rdf.terms import XSD, Minter
from culturegraph.web.app import create_app
from culturegraph.web.l10n import Formatter

from .conftest import fonds, map_dataset
from .query_facts import properties

HOST = "http://127.0.0.1:5000"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    settings: Settings = load_settings(store_home=tmp_path_factory.mktemp("fonds-home"))
    iris = Minter(settings.base_iri)
    store = Store()
    store.bulk_extend(fonds().quads())
    for name in ("geographie", "museofile"):
        graph = iris.graph(name)
        store.bulk_extend([Quad(s, p, o, graph) for s, p, o in map_dataset(name).triples])
    everything = tuple(load_registry())
    registry = Registry(tuple(s for s in everything if s.name in (DATASET.name, "geographie", "museofile")),
                        everything=everything)
    load_vocabularies(store, settings, iris, registry)
    yield create_app(settings, store=store, registry=registry).test_client()


def get(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=HTML, base_url=HOST, follow_redirects=True)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


def test_a_photo_page_shows_caption_operator_date_place_monument_museum_notice(client: FlaskClient) -> None:
    raw = next(p for p in properties() if p["ref"] == "APD0001511")
    html = get(client, "/id/photographie/APD0001511")
    panel = section(html, "h-photographie")
    assert raw["text"] in panel
    assert "Brissy, Edouard" in panel and "Opérateur D" in panel
    assert "22 février 1916" in panel and "précision : jour" in panel and raw["date"] == "1916.02.22"
    assert "Saint-Vaast-la-Hougue" in panel
    assert "https://pop.culture.gouv.fr/notice/merimee/PA00110608" in panel
    assert "Tatihou" in panel  # the museum housed in the monument
    assert "https://pop.culture.gouv.fr/notice/memoire/APD0001511" in panel
    assert "retiré" in panel and raw["img"] in panel
    # The house's map, from the photo's #lieu point.
    assert f'data-lat="{float(raw["lat"])}"' in html and f'data-lon="{float(raw["lon"])}"' in html


def test_a_partial_date_says_its_precision(client: FlaskClient) -> None:
    panel = section(get(client, "/id/photographie/APZ0007782"), "h-photographie")  # 1919.02
    assert "février 1919" in panel and "précision : mois" in panel and "1 février" not in panel
    panel = section(get(client, "/id/photographie/AP62T0159016"), "h-photographie")  # 1917
    assert "précision : année seulement" in panel


def test_an_agent_page_has_its_photos_on_a_map_and_a_timeline(client: FlaskClient) -> None:
    expected = [p for p in properties() if "Sélince" in p["author"]]
    panel = section(get(client, "/id/agent/selince"), "h-photos-agent")
    assert f"Ses photographies ({len(expected)})" in panel
    assert panel.count('class="point"') == len(expected)  # every one is located
    years = {p["date"][:4] for p in expected}
    assert all(f">{y}<" in panel for y in years) and 'class="bar"' in panel
    for p in expected:
        assert p["text"] in panel


@pytest.mark.parametrize(("literal", "fr", "en"), [
    (Literal("1917-06-16", datatype=XSD.date), ("16 juin 1917", "jour"), ("16 June 1917", "day")),
    (Literal("1919-02", datatype=XSD.gYearMonth), ("février 1919", "mois"), ("February 1919", "month")),
    (Literal("1917", datatype=XSD.gYear), ("1917", "année seulement"), ("1917", "year only")),
    # not a calendar date: shown as written, never a crash
    (Literal("1917-02-30", datatype=XSD.date), ("1917-02-30", "jour"), ("1917-02-30", "day")),
    (Literal("1917-13", datatype=XSD.gYearMonth), ("1917-13", "mois"), ("1917-13", "month")),
    (Literal("0000", datatype=XSD.gYear), ("0000", "année seulement"), ("0000", "year only")),
])
def test_date_text_in_both_languages(literal: Literal, fr: tuple[str, str], en: tuple[str, str]) -> None:
    assert date_text(Formatter("fr"), literal) == fr
    assert date_text(Formatter("en"), literal) == en


def test_the_graticule_names_western_longitudes_in_the_pages_language() -> None:
    photos = [Photo("p", "", None, 48.6, -1.2), Photo("q", "", None, 49.1, 0.4)]
    for letter in ("O", "W"):
        drawn = svg_map(photos, west_letter=letter)
        assert drawn is not None
        labels = [line[4] for line in drawn["lines"]]
        assert f"2° {letter}" in labels and "0° E" in labels and "1° E" in labels and "48° N" in labels
