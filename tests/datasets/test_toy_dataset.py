"""A dataset written only inside its own rooms (tests/fixtures/toy_dataset: a 3-record JSON source, its
field map, mapping, shapes and a panel) builds, validates with its finding traced to a JSON pointer,
shows on its page (its panel, its Source section) and on the home page — with no edit anywhere else.
It is registered as a deployment would register it: the ``datasets`` setting."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from culturegraph.config import PROJECT_ROOT, load_settings
from culturegraph.datasets import load_registry
from culturegraph.pipeline.build import build
from culturegraph.web.app import create_app

TOY = PROJECT_ROOT / "tests" / "fixtures" / "toy_dataset"
BASE = "https://culturegraph.example/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("toy") / "store"
    settings = load_settings(store_home=home).with_(datasets=(str(TOY),))
    # Only the toy is built (the shipped datasets are there too, but a full build takes a minute).
    registry = load_registry(settings.datasets).only(["toy"])
    result = build(settings, progress=False, registry=registry)
    return settings, registry, result


def test_it_is_found_through_the_setting() -> None:
    registry = load_registry([str(TOY)])
    assert "toy" in registry and registry.get("toy").source_folders == {"toy": "data/toy"}
    assert registry.reader("json").format == "json"


def test_it_builds_and_validates_with_a_finding_at_a_json_pointer(built) -> None:
    _, _, result = built
    assert result.switched
    assert result.report["triples_per_graph"]["toy"] == 3 * 4 + 2  # T3 has no title: no schema:name
    validation = json.loads((result.directory / "validation.json").read_text(encoding="utf-8"))
    (finding,) = [f for f in validation["findings"] if f["dataset"] == "toy"]
    assert finding["severity"] == "Warning" and finding["focus"] == f"{BASE}id/jouet/T3"
    assert finding["file"] == "tests/fixtures/toy_dataset/data/toy/toy.json"
    assert finding["pointer"] == "/features/2/properties/titre"


def test_its_quarantine_speaks_in_json_pointers(built) -> None:
    _, _, result = built
    with (result.directory / "quarantine.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == []  # an empty title is no value, not a problem
    header = (result.directory / "quarantine.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",pointer")


def test_its_page_shows_its_panel_and_source(built) -> None:
    settings, registry, _ = built
    app = create_app(settings, registry=registry)
    client = app.test_client()
    page = client.get("/doc/jouet/T1", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="toy-panel"' in html and '<strong class="toy-year">1914</strong>' in html
    assert 'data-pointer="/features/0"' in html and "Le jouet" in html
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<strong>3</strong> jouets" in home and "Jouets (jeu d&#39;essai)" in home
    assert "/id/jouet/{id}" in home
    turtle = client.get("/doc/jouet/T1", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "@prefix jouet: <https://culturegraph.example/id/jouet/>" in turtle


def test_nothing_outside_its_rooms_names_it() -> None:
    """The house knows no toy: the only files naming it are the fixture's own and this test."""
    hits = []
    for root in ("src", "mappings", "ontology", "queries", "data"):
        for path in (PROJECT_ROOT / root).rglob("*"):
            text_file = path.is_file() and path.suffix in {".py", ".ttl", ".toml", ".html", ".rq", ".json"}
            if text_file and "jouet" in path.read_text(encoding="utf-8", errors="replace").lower():
                hits.append(str(path.relative_to(PROJECT_ROOT)))
    assert hits == []
    assert Path(__file__).parent.name == "datasets"
