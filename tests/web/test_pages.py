"""HTML pages: structure, accessibility landmarks, map, chart, embedded JSON-LD, escaping, home, query UI."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from culturegraph.mappings.frequentation_musees.pages import nice_ceiling
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.rdf.formats import DOCUMENT_FORMATS
from culturegraph.web.pages import parse_example

BASE = "https://culturegraph.example/"
KGO = BASE + "def/culture/"
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
HOST = "http://127.0.0.1:5000"


class Page(HTMLParser):
    """The elements of a page (tag, attributes, text inside), enough for structural assertions."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "area", "base", "wbr", "circle",
            "line", "polyline", "path", "rect"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": ""})

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag
                and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())]

    def one(self, tag: str, **attrs) -> dict:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]


@pytest.fixture(scope="module")
def client(settings, graph):
    from culturegraph.web.app import create_app

    return create_app(settings, store=graph).test_client()


def page(client, path: str) -> tuple[Page, str]:
    response = client.get(path, headers={"Accept": "text/html"}, base_url=HOST)
    assert response.status_code == 200, path
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.get_data(as_text=True)
    return Page(html), html


def count(graph: Store, query: str) -> int:
    return int(next(iter(graph.query(query, use_default_graph_as_union=True)))["n"].value)


# a museum page --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_museum_page_structure(client):
    doc, _ = page(client, "/doc/musee/M0963")
    assert doc.one("html")["attrs"]["lang"] == "fr"
    assert "musée de Brou" in doc.find("title")[0]["text"]  # the page title (SVG titles follow)
    assert doc.one("h1")["text"].strip() == "musée de Brou"
    for landmark in ("header", "nav", "main", "footer"):
        assert doc.find(landmark), landmark
    assert doc.one("link", rel="canonical")["attrs"]["href"] == BASE + "doc/musee/M0963"
    alternates = {e["attrs"]["type"]: e["attrs"]["href"] for e in doc.find("link", rel="alternate")}
    assert alternates == {f.media_type: f"{HOST}/doc/musee/M0963.{f.suffix}" for f in DOCUMENT_FORMATS}
    # property labels come from /graph/vocabulaires, grouped
    headings = [e["text"].strip() for e in doc.find("h2")]
    for group in ("Identité", "Localisation", "Collections", "Fréquentation"):
        assert group in headings
    assert any(e["text"].strip() == "domaine de collection" for e in doc.find("a"))


@pytest.mark.slow
def test_embedded_jsonld_describes_the_museum(client):
    doc, _ = page(client, "/doc/musee/M0963")
    script = doc.one("script", type="application/ld+json")["text"]
    data = json.loads(script)
    assert "@context" in data
    graph = rdflib.Graph().parse(data=script, format="json-ld")
    museum = rdflib.URIRef(BASE + "id/musee/M0963")
    assert (museum, rdflib.RDF.type, rdflib.URIRef("http://schema.org/Museum")) in graph
    assert str(graph.value(museum, rdflib.URIRef("http://schema.org/name"))) == "musée de Brou"


@pytest.mark.slow
def test_map_container_has_the_coordinates(client, graph):
    doc, _ = page(client, "/doc/musee/M0963")
    carte = doc.one("div", id="carte")
    row = next(iter(graph.query(
        f"SELECT ?lat ?lon WHERE {{ <{BASE}id/musee/M0963> <{WGS}lat> ?lat ; <{WGS}long> ?lon }}",
        use_default_graph_as_union=True)))
    assert float(carte["attrs"]["data-lat"]) == pytest.approx(float(row["lat"].value))
    assert float(carte["attrs"]["data-lon"]) == pytest.approx(float(row["lon"].value))
    assert carte["attrs"]["aria-label"]
    # the coordinates are also text, and Leaflet comes from our own static folder
    assert row["lat"].value in doc.one("p", **{"class": "coordinates"})["text"]
    scripts = [e["attrs"]["src"] for e in doc.find("script") if "src" in e["attrs"]]
    assert f"{HOST}/static/leaflet/leaflet.js" in [HOST + s if s.startswith("/") else s for s in scripts]


@pytest.mark.slow
def test_chart_has_one_point_per_year_of_data(client, graph):
    doc, _ = page(client, "/doc/musee/M0963")
    svg = doc.one("svg", **{"class": "attendance-chart"})
    assert svg["attrs"]["role"] == "img"
    points = doc.find("circle", **{"class": "point"})
    years = count(graph, f"""SELECT (COUNT(DISTINCT ?year) AS ?n) WHERE {{
        ?site <http://purl.org/dc/terms/isPartOf> <{BASE}id/musee/M0963> .
        ?o <{KGO}site> ?site ; <{KGO}categoriePublic> <{BASE}def/categorie-public/total> ;
           <{KGO}nombreEntrees> ?n0 ;
           <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> ?year }}""")
    assert len(points) == years > 10
    assert sorted(int(p["attrs"]["data-year"]) for p in points) == sorted({int(p["attrs"]["data-year"])
                                                                          for p in points})
    # the data table next to it has the same years
    table = doc.one("table", **{"class": "observations"})
    assert table
    assert len([e for e in doc.find("th", scope="row") if e["text"].strip().isdigit()]) >= years


@pytest.mark.slow
def test_external_links_are_marked(client):
    doc, _ = page(client, "/doc/musee/M0963")
    pop = [e for e in doc.find("a") if e["attrs"].get("href", "").startswith("https://pop.culture.gouv.fr/")]
    assert pop and all(e["attrs"].get("rel") == "external" for e in pop)
    assert all("site externe" in e["text"] for e in pop)
    internal = [e for e in doc.find("a") if e["attrs"].get("href", "").startswith(HOST)]
    assert internal and not any(e["attrs"].get("rel") == "external" for e in internal)


@pytest.mark.slow
def test_inverse_links_section_pages(client):
    doc, _ = page(client, "/doc/departement/01")
    assert doc.one("a", rel="next")["attrs"]["href"] == f"{HOST}/doc/departement/01?page=2"
    second, _ = page(client, "/doc/departement/01?page=2")
    assert second.one("a", rel="prev")["attrs"]["href"] == f"{HOST}/doc/departement/01"


@pytest.mark.slow
def test_no_cdn_anywhere(client):
    for path in ("/", "/doc/musee/M0963"):
        doc, _ = page(client, path)
        for e in doc.find("script") + doc.find("link", rel="stylesheet"):
            url = e["attrs"].get("src") or e["attrs"].get("href")
            if url:
                assert url.startswith("/") or url.startswith(HOST), url


# escaping ---------------------------------------------------------------------------------------------

EVIL = '</script><script>alert("x")</script> & <b>gras</b>'


def test_malicious_literals_are_escaped(settings):
    from culturegraph.web.app import create_app

    store = Store()
    museum = NamedNode(BASE + "id/musee/M6666")
    g = NamedNode(BASE + "graph/museofile")
    store.extend([
        Quad(museum, RDF_TYPE, NamedNode("http://schema.org/Museum"), g),
        Quad(museum, NamedNode("http://schema.org/name"), Literal(EVIL, language="fr"), g),
        Quad(museum, NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
             Literal('"><img src=x onerror=alert(1)>'), g),
    ])
    client = create_app(settings, store=store).test_client()
    response = client.get("/doc/musee/M6666", headers={"Accept": "text/html"}, base_url=HOST)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<script>alert("x")' not in html and "<b>gras</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    doc = Page(html)
    assert EVIL in doc.one("h1")["text"]
    script = doc.one("script", type="application/ld+json")["text"]
    assert "</script" not in script.lower()
    parsed = rdflib.Graph().parse(data=script, format="json-ld")
    assert str(parsed.value(rdflib.URIRef(museum.value), rdflib.URIRef("http://schema.org/name"))) == EVIL
    assert len(doc.find("script", type="application/ld+json")) == 1


# home -------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_home_page_counts_and_entry_points(client, graph):
    doc, html = page(client, "/")
    assert doc.one("html")["attrs"]["lang"] == "fr"
    assert doc.find("section", lang="en")
    museums = count(graph, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a <http://schema.org/Museum> }")
    figures = [e["text"] for e in doc.find("li") if "musées" in e["text"]]
    assert any(f"{museums:,}".replace(",", "\u202f") in f for f in figures)
    observations = count(graph, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE "
                                f"{{ ?o a <{KGO}ObservationFrequentation> }}")
    assert f"{observations:,}".replace(",", "\u202f") in html
    museofile = count(graph, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/museofile> "
                             "{ ?s ?p ?o } }")
    assert f"{museofile:,}".replace(",", "\u202f") in html
    hrefs = {e["attrs"].get("href") for e in doc.find("a")}
    assert f"{HOST}/sparql" in hrefs and f"{HOST}/id/musee/M0963" in hrefs
    assert f"{HOST}/doc/graph/museofile" in hrefs



def test_home_page_figures_count_or_sum(settings):
    """A Statistic counts distinct ?x, or with ``sum`` adds a variable's values (distinct (?x, value)
    pairs: a grant matched twice by the pattern is added once), written with its unit; no match is 0."""
    from decimal import Decimal

    from culturegraph.datasets import DatasetSpec, Registry, Statistic
    from culturegraph.web.app import create_app

    schema = "http://schema.org/"
    store = Store()
    grant = NamedNode(schema + "MonetaryGrant")
    for i, amount in enumerate(("1200000.50", "34.25", "1000")):
        g = NamedNode(f"{BASE}data/g/{i}")
        store.add(Quad(g, RDF_TYPE, grant, NamedNode(BASE + "graph/g")))
        store.add(Quad(g, NamedNode(schema + "amount"), Literal(amount, datatype=NamedNode(
            "http://www.w3.org/2001/XMLSchema#decimal")), NamedNode(BASE + "graph/g")))
        # the same grant in a second graph: still one (?x, value) pair
        store.add(Quad(g, RDF_TYPE, grant, NamedNode(BASE + "graph/h")))
    spec = DatasetSpec(name="g", title={"fr": "Subventions"}, description={"fr": "…"}, statistics=(
        Statistic("grants", {"fr": "subventions"}, "?x a schema:MonetaryGrant"),
        Statistic("euros", {"fr": "versés"}, "?x a schema:MonetaryGrant ; schema:amount ?v", sum="?v",
                  unit="€"),
        Statistic("none", {"fr": "rien"}, "?x a schema:Nothing ; schema:amount ?v", sum="?v"),
    ))
    registry = Registry((spec,))
    from culturegraph.store.oxigraph.reader import OxigraphReader
    from culturegraph.web.pages import graph_statistics

    stats = graph_statistics(OxigraphReader(store, "sum-test"), registry, BASE)
    assert stats["counts"] == {"grants": 3, "euros": Decimal("1201034.75"), "none": 0}
    doc, _ = page(create_app(settings, store=store, registry=registry).test_client(), "/")
    figures = [e["text"].strip() for e in doc.find("li")]
    assert "3 subventions" in figures
    assert "1\u202f201\u202f034,75\u00a0€ versés" in figures
    assert "0 rien" in figures

def test_tables_derived_from_a_registry_die_with_it():
    """A registry allocated where a dropped one lived gets its own tables (a cache keyed on id() gave
    the new registry the old one's graph → dataset table and home counts)."""
    from culturegraph.datasets import load_registry
    from culturegraph.web.pages import _source_fields

    shipped = load_registry()
    first, second = shipped.names[0], shipped.names[-1]
    for _ in range(200):  # CPython reuses the address of the dropped registry within a few tries
        old = shipped.only([first])
        assert set(_source_fields(old, BASE)[1].values()) == {first}
        address = id(old)
        del old
        new = shipped.only([second])
        if id(new) == address:
            assert set(_source_fields(new, BASE)[1].values()) == {second}
            return
    pytest.skip("the interpreter never reused the address (the check needs it)")


# the query UI ---------------------------------------------------------------------------------------------

RQ = """# title: Musées par région
# description: Nombre de Musées de France
#   dans chaque région.
PREFIX schema: <http://schema.org/>
SELECT ?region (COUNT(?m) AS ?n) WHERE { ?m a schema:Museum } GROUP BY ?region
"""


def test_parse_example_headers(tmp_path: Path):
    (tmp_path / "a.rq").write_text(RQ, encoding="utf-8")
    example = parse_example(tmp_path / "a.rq")
    assert example.title == "Musées par région"
    assert example.description == "Nombre de Musées de France dans chaque région."
    assert example.query == RQ
    (tmp_path / "musees-sans-site.rq").write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    assert parse_example(tmp_path / "musees-sans-site.rq").title == "musees sans site"
    (tmp_path / "both.rq").write_text("# title: Musées | Museums\n# description: Tous | All\n#\n# Notes: x\n"
                                      "SELECT * {}", encoding="utf-8")
    both = parse_example(tmp_path / "both.rq")
    assert (both.title, both.title_en) == ("Musées", "Museums")
    assert (both.description, both.description_en) == ("Tous", "All")
    (tmp_path / "loose.rq").write_text("# Les communes\n# avec un musée\nSELECT * {}", encoding="utf-8")
    loose = parse_example(tmp_path / "loose.rq")
    assert (loose.title, loose.description) == ("Les communes", "avec un musée")


def test_query_ui_lists_examples_and_works_without_js(settings, tmp_path: Path):
    from culturegraph.web.app import create_app

    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "01-regions.rq").write_text(RQ, encoding="utf-8")
    client = create_app(settings.with_(project_root=tmp_path), store=Store()).test_client()
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"}, base_url=HOST)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    doc = Page(response.get_data(as_text=True))
    config = json.loads(doc.one("script", id="query-config", type="application/json")["text"])
    assert config["endpoint"] == f"{HOST}/sparql"
    # The project's queries first, then the datasets' own (DatasetSpec.queries).
    assert [e["title"] for e in config["examples"]][:1] == ["Musées par région"]
    assert config["examples"][0]["query"] == RQ
    assert doc.one("div", id="yasgui")
    scripts = [e["attrs"]["src"] for e in doc.find("script") if "src" in e["attrs"]]
    assert "/static/yasgui/yasgui.min.js" in scripts
    form = doc.one("form", method="get")
    assert form["attrs"]["action"] == f"{HOST}/sparql"
    assert doc.one("textarea", name="query") and doc.one("select", name="format")
    assert {e["attrs"]["value"] for e in doc.find("option")} >= {"json", "csv", "turtle"}


def test_vendored_assets_are_served_with_their_licences(settings):
    from culturegraph.web.app import create_app

    client = create_app(settings, store=Store()).test_client()
    for path in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/marker-icon.png",
                 "leaflet/LICENSE", "yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "yasgui/LICENSE",
                 "site.css", "map.js", "query.js"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
        response.close()


def test_nice_ceiling():
    values = (0, 7, 10, 11, 180, 112_860, 260_000)
    assert [nice_ceiling(v) for v in values] == [1, 10, 10, 20, 200, 200_000, 500_000]


OTHER_BASE = "https://data.example.org/kg/"
REBASED_RQ = """# title: Nom d'un musée | A museum's name
PREFIX musee: <https://culturegraph.example/id/musee/>
SELECT ?nom WHERE { musee:M0001 <http://schema.org/name> ?nom }
"""


def test_query_ui_examples_are_rebased_to_the_served_base(settings, tmp_path: Path):
    """queries/*.rq are written against the default base, like every shipped file: a site served under
    another base shows them rebased (as `culturegraph query --file` runs them), and they find its data."""
    from urllib.parse import parse_qs, urlsplit

    from culturegraph.web.app import create_app

    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "01-nom.rq").write_text(REBASED_RQ, encoding="utf-8")
    store = Store()
    store.add(Quad(NamedNode(OTHER_BASE + "id/musee/M0001"), NamedNode("http://schema.org/name"),
                   Literal("Musée d'ailleurs", language="fr"), NamedNode(OTHER_BASE + "graph/museofile")))
    client = create_app(settings.with_(project_root=tmp_path, base_iri=OTHER_BASE), store=store).test_client()
    response = client.get("/sparql", headers={"Accept": "text/html"}, base_url=HOST)
    assert response.status_code == 200
    doc = Page(response.get_data(as_text=True))
    config = json.loads(doc.one("script", id="query-config", type="application/json")["text"])
    query = config["examples"][0]["query"]
    assert query == REBASED_RQ.replace(BASE, OTHER_BASE) and BASE not in query
    # the link that works without JavaScript, and the home page's, carry the rebased query too
    # the project's examples come first, then the datasets' own
    link = urlsplit(doc.find("a", **{"class": "example-link"})[0]["attrs"]["href"])
    assert parse_qs(link.query)["query"] == [query]
    home, _ = page(client, "/")
    fragments = [urlsplit(e["attrs"]["href"]).fragment for e in home.find("a")
                 if "sparql#query=" in e["attrs"].get("href", "")]
    assert [parse_qs(f)["query"] for f in fragments][0] == [query]  # the project's first
    # and the example runs against the served graph
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"}, base_url=HOST)
    assert answer.status_code == 200
    assert [b["nom"]["value"] for b in answer.get_json()["results"]["bindings"]] == ["Musée d'ailleurs"]


# the Source section (the build's row-provenance index) -------------------------------------------------

MUSEOFILE_DIR = Path(__file__).resolve().parents[2] / "data" / "sources" / "museofile"


def csv_start_line(path: Path, key_column: str, key: str) -> tuple[int, list[str]]:
    """The physical line where the row whose ``key_column`` is ``key`` starts (header = line 1), read
    with the csv module (cells may span lines), and the header."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        index = header.index(key_column)
        previous_end = reader.line_num
        for row in reader:
            if row and row[index] == key:
                return previous_end + 1, header
            previous_end = reader.line_num
    raise AssertionError(f"{key} not in {path}")


@pytest.fixture(scope="module")
def build_client(settings, graph, built):
    """The shipped build, served with its build id: the page finds the build's provenance.sqlite."""
    from culturegraph.web.app import create_app

    return create_app(settings, store=graph, version=built.build_id).test_client()


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["M0963", "M9024"])
def test_museum_page_names_its_source_file_and_line(build_client, ref):
    csv_path = next(MUSEOFILE_DIR.glob("*.csv"))
    line, header = csv_start_line(csv_path, "ref", ref)
    doc, _ = page(build_client, f"/doc/musee/{ref}")
    assert doc.one("h2", id="h-source")["text"].strip() == "Source"
    rows = [r for r in doc.find("li", **{"class": "source-row"})
            if r["attrs"]["data-file"].endswith(csv_path.name)]
    assert len(rows) == 1
    assert rows[0]["attrs"]["data-file"] == f"data/sources/museofile/{csv_path.name}"
    assert int(rows[0]["attrs"]["data-line"]) == line
    assert f"{csv_path.name}, ligne {line}" in " ".join(rows[0]["text"].split())
    # the file name links the source file's page (PROV entity: licence, checksum, download URL)
    assert doc.one("a", href=f"{HOST}/doc/data/source/museofile/{csv_path.name}")["text"] == csv_path.name
    # the museum's name comes from column nomoff: its column number, counted in the file's header
    cells = [e["text"] for e in doc.find("td", **{"class": "column"})]
    headers = [e["text"] for e in doc.find("code") if e["text"] in header]
    assert (str(header.index("nomoff") + 1), "nomoff") in set(zip(cells, headers, strict=False))


@pytest.mark.slow
def test_columns_are_only_named_where_one_column_holds_the_value(build_client):
    """A museum's commune comes from its Patrimostat sites first (cp_m + ville_m only as a last resort),
    and a site known only from the crosswalk has no attendance columns: neither names a column for
    schema:containedInPlace (the crosswalk's homonymous ``commune`` holds a town name, not the code)."""
    contained = "http://schema.org/containedInPlace"
    museum, _ = page(build_client, "/doc/musee/M0963")
    museum_props = _column_properties(museum)
    assert museum_props and contained not in museum_props
    site, _ = page(build_client, "/doc/site/3417910")
    rows = site.find("li", **{"class": "source-row"})
    assert [r["attrs"]["data-file"].split("/")[2] for r in rows] == ["liste-musees"]
    assert contained not in _column_properties(site)


def _column_properties(doc) -> set[str]:
    """The property IRIs listed in a page's Source columns table."""
    return {e["attrs"]["data-property"] for e in doc.find("tr") if "data-property" in e["attrs"]}


@pytest.mark.slow
def test_no_source_section_without_an_index(client):
    """The in-memory or caller-given store (version ``fixed``) has no build directory: no section."""
    doc, _ = page(client, "/doc/musee/M0963")
    assert not doc.find("h2", id="h-source")
    assert doc.one("h1")["text"].strip() == "musée de Brou"


EVIL_NAME = '"><b onmouseover=alert(1)>x&amp;<b>.csv'
EVIL_FILE = f"data/sources/museofile/{EVIL_NAME}"  # the dataset's own source: its columns count
EVIL_HEADER = "<img src=x onerror=alert(1)>"


def source_home(tmp_path: Path, index_bytes: bytes | None = None) -> tuple[Path, str]:
    """A store home whose build ``20000101T000000Z-src000`` has a provenance index: M6666 from line 12
    of EVIL_FILE, its nomoff in column 3 under EVIL_HEADER (or ``index_bytes`` as the index file)."""
    from types import SimpleNamespace

    from culturegraph.provenance.index import write_provenance_index
    from culturegraph.sources.read import Record

    build_id = "20000101T000000Z-src000"
    build = tmp_path / "home" / "builds" / build_id
    build.mkdir(parents=True)
    if index_bytes is not None:
        (build / "provenance.sqlite").write_bytes(index_bytes)
        return tmp_path / "home", build_id
    row = Record("museofile", "v1", EVIL_FILE, 12, {}, {"nomoff": (3, EVIL_HEADER)})
    loaded = SimpleNamespace(
        provenance={f"{BASE}id/musee/M6666": row, f"{BASE}id/musee/M6666#adresse": row},
        sources={"museofile": SimpleNamespace(results=[SimpleNamespace(file=EVIL_FILE, records=[row])])})
    write_provenance_index(build / "provenance.sqlite", loaded)
    return tmp_path / "home", build_id


def evil_store() -> Store:
    store = Store()
    museum = NamedNode(BASE + "id/musee/M6666")
    g = NamedNode(BASE + "graph/museofile")
    store.extend([
        Quad(museum, RDF_TYPE, NamedNode("http://schema.org/Museum"), g),
        Quad(museum, NamedNode("http://schema.org/name"), Literal("Musée piégé", language="fr"), g),
    ])
    return store


def test_source_section_is_escaped(settings, tmp_path: Path):
    from culturegraph.web.app import create_app

    home, build_id = source_home(tmp_path)
    store = evil_store()
    app = create_app(settings.with_(store_home=home), store=store, version=build_id)
    response = app.test_client().get("/doc/musee/M6666", headers={"Accept": "text/html"}, base_url=HOST)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<b onmouseover" not in html and "<img src=x" not in html
    doc = Page(html)
    row = doc.one("li", **{"class": "source-row"})
    assert row["attrs"]["data-file"] == EVIL_FILE and row["attrs"]["data-line"] == "12"
    assert f"{EVIL_NAME}, ligne 12" in " ".join(row["text"].split())
    assert doc.one("td", **{"class": "column"})["text"] == "3"
    assert EVIL_HEADER in [e["text"] for e in doc.find("code")]
    # no page for that file in this graph: the name is not a link
    assert not [e for e in doc.find("a") if "evil" in e["attrs"].get("href", "")]


def test_a_damaged_index_leaves_the_page_whole(settings, tmp_path: Path):
    from culturegraph.web.app import create_app

    home, build_id = source_home(tmp_path, index_bytes=b"not a sqlite database" * 100)
    store = evil_store()
    app = create_app(settings.with_(store_home=home), store=store, version=build_id)
    response = app.test_client().get("/doc/musee/M6666", headers={"Accept": "text/html"}, base_url=HOST)
    assert response.status_code == 200
    doc = Page(response.get_data(as_text=True))
    assert doc.one("h1")["text"].strip() == "Musée piégé" and not doc.find("h2", id="h-source")
