"""A Musée de France's page shows the war photographs of its building (the fonds' panel, from the links
stage's kgo:representeBatimentDuMusee): on the session's full build, through the Flask test client. The
expected photographs are recomputed from the raw GeoJSON (LBASE) and the Muséofile CSV (refmer)."""

from __future__ import annotations

import csv
import re

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Store

from culturegraph.config import Settings
from culturegraph.web.app import create_app

from .query_facts import MUSEOFILE, properties

HOST = "http://127.0.0.1:5000"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Store) -> FlaskClient:
    return create_app(settings, store=graph).test_client()


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=HTML, base_url=HOST, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def panel(html: str) -> str | None:
    match = re.search(r'<section[^>]*aria-labelledby="h-photos-batiment-musee".*?</section>', html, re.S)
    return match.group(0) if match else None


def expected(museum: str) -> dict[str, tuple[str, str]]:
    """Photo ref → (caption, Mérimée reference) of the photographs showing the museum's building."""
    with MUSEOFILE.open(encoding="utf-8-sig", newline="") as f:
        (row,) = [r for r in csv.DictReader(f, delimiter=";") if r["ref"] == museum]
    references = set(re.findall(r"\b(?:PA|IA)[0-9A-Z]{8}\b", row["refmer"]))
    return {p["ref"]: (p["text"], r) for p in properties() for r in p.get("LBASE", "").split(";")
            if r.strip() in references}


@pytest.mark.parametrize("museum", ["M5077", "M0689"])  # Versailles, Tatihou
def test_a_museum_page_shows_the_photographs_of_its_building(client: FlaskClient, museum: str) -> None:
    photos = expected(museum)
    assert len(photos) == 1
    found = panel(page(client, f"/id/musee/{museum}"))
    assert found is not None
    assert f"({len(photos)})" in found
    for ref, (caption, reference) in photos.items():
        assert f'{HOST}/doc/photographie/{ref}"' in found
        assert caption.replace("'", "&#39;") in found
        assert f"https://pop.culture.gouv.fr/notice/merimee/{reference}" in found
        assert f"https://pop.culture.gouv.fr/notice/memoire/{ref}" in found


def test_a_museum_whose_building_no_photograph_shows_has_no_such_panel(client: FlaskClient) -> None:
    assert expected("M1115") == {}
    assert panel(page(client, "/id/musee/M1115")) is None
