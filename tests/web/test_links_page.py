"""``/liens``, the link report page (issue 12): on the session's real build, its counts are the report's
and its candidates link to both resources; on a fixture build, hostile labels and details are inert."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from culturegraph.config import load_settings
from culturegraph.pipeline import links as stage
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.web.app import create_app

BASE = "https://culturegraph.example/"


def figure(text: str) -> int:
    """A figure as the French page writes it (``1\u202f035``)."""
    return int(text.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))


def cells(row_html: str) -> list[str]:
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in found]


@pytest.fixture(scope="module")
def built_report(settings, built) -> dict:
    build = StoreHome(settings.store_home).current_build()
    assert build is not None
    return json.loads((build / "report.json").read_text(encoding="utf-8"))["datasets"][stage.GRAPH]


@pytest.fixture(scope="module")
def client(settings, graph):
    return create_app(settings, store=graph).test_client()


def test_counts_are_the_reports(client, built_report) -> None:
    response = client.get("/liens", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    table = re.search(r'<table class="link-counts" id="comptes">(.*?)</table>', body, re.S).group(1)
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr data-kind="([^"]+)">.*?</tr>', table, re.S)}
    assert set(rows) == set(built_report["kinds"]) and len(rows) >= 3
    for name, kind in built_report["kinds"].items():
        for verdict in stage.VERDICTS:
            shown = re.search(rf'data-verdict="{verdict}">([^<]*)<', rows[name]).group(1)
            assert figure(shown) == kind["counts"][verdict], (name, verdict)
        links = re.search(r'class="num links">([^<]*)<', rows[name]).group(1)
        assert figure(links) == kind["links"]
    total = re.search(r'id="total-liens">([^<]*)<', body).group(1)
    assert figure(total) == built_report["links"]


def test_an_ambiguous_candidate_is_listed_with_both_pages_and_its_decision_line(client, built_report) -> None:
    kind, candidate = next((name, k["ambiguous"][0]) for name, k in sorted(built_report["kinds"].items())
                           if k["ambiguous"])
    body = client.get("/liens").get_data(as_text=True)
    table = re.search(rf'<table class="candidates" data-verdict="ambiguous" data-kind="{kind}">(.*?)</table>',
                      body, re.S).group(1)
    subject, obj = candidate["sujet"][len(BASE):], candidate["objet"][len(BASE):]
    rows = re.findall(r'<tr class="candidate">.*?</tr>', table, re.S)
    row = next(r for r in rows if subject in r and obj in r)
    assert f'href="http://localhost/doc/{subject.removeprefix("id/")}"' in row
    assert f'href="http://localhost/doc/{obj.removeprefix("id/")}"' in row
    assert str(candidate["score"]) in cells(row)
    assert f"<code>{candidate['methode']}</code>" in row
    assert f"{kind};{subject};{obj};confirmé;" in row
    # how to record a decision: the dataset's committed table is named
    assert "tables/liens-decisions.csv" in body and "type;sujet;objet;decision;date;raison" in body
    # both pages exist
    for path in (subject, obj):
        page = client.get("/doc/" + path.removeprefix("id/"), headers={"Accept": "text/html"})
        assert page.status_code == 200


def test_rejected_and_refused_candidates_are_listed(client, built_report) -> None:
    body = client.get("/liens").get_data(as_text=True)
    for verdict in ("rejected", "refused"):
        kind = next(name for name, k in sorted(built_report["kinds"].items()) if k[verdict])
        table = re.search(rf'<table class="candidates" data-verdict="{verdict}" '
                          rf'data-kind="{kind}">(.*?)</table>', body, re.S).group(1)
        assert table.count('<tr class="candidate">') == len(built_report["kinds"][kind][verdict])


def test_downloads_are_the_builds_files(client, settings, built_report) -> None:
    as_json = client.get("/liens.json")
    assert as_json.status_code == 200 and as_json.headers["Content-Type"].startswith("application/json")
    assert json.loads(as_json.data) == built_report
    as_csv = client.get("/liens.csv")
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows == [{k: str(v) for k, v in r.items()} for r in stage.candidate_rows(built_report)]


def test_the_home_page_and_the_curators_nav_link_to_it(client) -> None:
    home = client.get("/").get_data(as_text=True)
    assert 'href="http://localhost/liens" id="rapport-liens"' in home
    nav = (Path(stage.__file__).parents[1] / "web" / "templates" / "curation" / "_nav.html").read_text()
    assert "liens" in nav


def test_in_english(client) -> None:
    body = client.get("/liens", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Link report</h1>" in body and "Line to add to the decisions table" in body


# a fixture build with hostile values -----------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_labels_and_details_are_escaped(tmp_path: Path, make_home) -> None:
    subject, obj = BASE + "id/lieu/1", BASE + "id/musee/M1"
    graph = NamedNode(BASE + "graph/test")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    home = make_home(tmp_path / "home", [
        Quad(NamedNode(subject), label, Literal(HOSTILE, language="fr"), graph),
        Quad(NamedNode(obj), label, Literal("Musée " + HOSTILE), graph)])
    build = home.current_build()
    row = {"sujet": subject, "objet": obj, "score": 0.6, "methode": "name<b>", "detail": HOSTILE}
    report = {"kinds": {"k<i>": {"label": {"fr": HOSTILE}, "datasets": [HOSTILE], "predicates": [HOSTILE],
                                 "matchers": ["name"], "subjects": 1, "objects": 1, "links": 0,
                                 "counts": {"ambiguous": 1, "rejected": 1}, "methods": {HOSTILE: 1},
                                 "ambiguous": [row], "rejected": [row], "refused": [], "confirmed": []}},
              "links": 0}
    (build / "report.json").write_text(json.dumps({"datasets": {stage.GRAPH: report}}), encoding="utf-8")
    app = create_app(load_settings(store_home=home.path))
    for lang in ("fr", "en"):
        body = app.test_client().get("/liens", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>" not in body
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
        assert "k&lt;i&gt;" in body


def test_without_a_report(tmp_path: Path, make_home) -> None:
    home = make_home(tmp_path / "home", [])
    app = create_app(load_settings(store_home=home.path))
    client = app.test_client()
    response = client.get("/liens")
    assert response.status_code == 200 and 'id="pas-de-rapport"' in response.get_data(as_text=True)
    assert client.get("/liens.json").status_code == 404
    assert client.get("/liens.csv").status_code == 404
