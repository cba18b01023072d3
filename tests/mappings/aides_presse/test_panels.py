"""The dataset's pages through the Flask test client, on a store holding the real 2012 table mapped (and
the vocabularies): a title's aid table and chart, a family's titles with their totals, the home page's
figures. Expected figures are recomputed from the source file, not from the mapping."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from html import unescape

import pytest
from culturegraph.mappings.aides_presse import DATASET
from flask.testing import FlaskClient
from pyoxigraph import Quad, Store

from culturegraph.config import Settings, load_settings
from culturegraph.datasets import Registry, load_registry
from culturegraph.pipeline.stages import load_vocabularies
from culturegraph.rdf.terms import Minter
from culturegraph.sources.values import french_number
from culturegraph.web.app import create_app

from .conftest import TSV, map_files

HOST = "http://127.0.0.1:5000"
HTML = {"Accept": "text/html"}


def source_rows() -> list[dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def euros(value: int | Decimal) -> str:
    return f"{french_number(value)} €"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    settings: Settings = load_settings(store_home=tmp_path_factory.mktemp("press-home"))
    iris = Minter(settings.base_iri)
    store = Store()
    graph = iris.graph(DATASET.name)
    store.bulk_extend([Quad(s, p, o, graph) for s, p, o in map_files(TSV).triples])
    registry = Registry((DATASET,), everything=tuple(load_registry()))
    load_vocabularies(store, settings, iris, registry)
    yield create_app(settings, store=store, registry=registry).test_client()


def get(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=HTML, base_url=HOST, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


def cells(table_html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", table_html, re.S)
    cell = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    return [[unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cell.findall(r)] for r in rows]


def test_a_title_page_shows_its_aid_by_type_as_a_table_and_a_chart(client: FlaskClient) -> None:
    row = next(r for r in source_rows() if r["Titre"] == "MONDE")
    html = get(client, "/id/titre-presse/le-monde")
    panel = section(html, "h-aides-presse")
    tables = re.findall(r"<table.*?</table>", panel, re.S)
    assert len(tables) == 2
    head, *body = cells(tables[0])
    assert head == ["Année", "Total des aides", "Aide postale", "Aides aux tiers", "Aides directes"]
    assert body == [["2012", euros(int(row["Total des aides en €"])), euros(int(row["Dont postale"])),
                     euros(int(row["Dont aides aux tiers"])), euros(int(row["Dont aides directes"]))]]
    # The chart: one bar per aid type for 2012, its value in the bar's title, no inline style (CSP).
    svg = re.search(r"<svg[^>]*class=\"chart-bars\".*?</svg>", panel, re.S)
    assert svg, panel
    bars = re.findall(r'<rect class="bar"[^>]*data-category="2012"><title>([^<]*)</title>', svg.group(0))
    assert len(bars) == 4
    assert unescape(bars[0]) == f"Total des aides, 2012 : {french_number(int(row['Total des aides en €']))} €"
    assert "style=" not in panel
    # Circulation and aid per copy, as published.
    head, *body = cells(tables[1])
    assert head[:2] == ["Année", "Exemplaires diffusés"]
    assert body[0][:3] == ["2012", french_number(int(row["Diffusion / an 2012"])),
                           row["Aides totales par exemplaire en €"] + " €"]


def test_an_empty_amount_is_not_shown_as_zero(client: FlaskClient) -> None:
    row = next(r for r in source_rows() if r["Titre"] == "TELERAMA")
    assert row["Dont aides aux tiers"] == ""
    panel = section(get(client, "/id/titre-presse/telerama"), "h-aides-presse")
    head, *body = cells(re.findall(r"<table.*?</table>", panel, re.S)[0])
    # No observation for an unknown amount: no "0 €" anywhere; with one year, not even a column.
    assert "Aides aux tiers" not in head and "0 €" not in body[0]
    assert "montant non publié (inconnu, pas zéro)" in panel
    assert body[0][head.index("Aide postale")] == euros(int(row["Dont postale"]))


def test_a_family_page_lists_its_titles_with_their_totals(client: FlaskClient) -> None:
    rows = [r for r in source_rows() if r["Famille"] == "PQN"]
    html = get(client, "/def/famille-presse/pqn")
    panel = section(html, "h-titres-famille")
    head, *body = cells(re.search(r"<table.*?</table>", panel, re.S).group(0))  # type: ignore[union-attr]
    assert head == ["Titre", "2012"]
    totals = sorted((int(r["Total des aides en €"]) for r in rows), reverse=True)
    assert [b[1] for b in body] == [euros(t) for t in totals]  # biggest first
    assert body[0][0] == "Le Monde"
    assert f"{len(rows)} titres" in panel and euros(sum(totals)) in unescape(panel)


def test_the_home_page_counts_titles_and_euros(client: FlaskClient) -> None:
    rows = source_rows()
    html = unescape(get(client, "/"))
    total = sum(int(r["Total des aides en €"]) for r in rows)
    figures = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", html, re.S)]
    assert "200 titres de presse aidés" in figures
    assert f"{french_number(total)}\u00a0€ d'aides à la presse versées à ces titres" in figures
