"""A territory's population panel (mappings/geographie/pages.py, templates/population.html) on real pages of
the shipped build: Lyon, the Rhône, Auvergne-Rhône-Alpes, in French and in English, and a commune the
cube has no figure for. Every figure shown is checked against the graph by a SPARQL query of its own (and
Lyon's against the shipped COG table, read with the csv module), the museums per 100,000 inhabitants of
the Rhône against the shipped example query 14."""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from typing import Any

import pytest

from culturegraph.config import PROJECT_ROOT
from culturegraph.sources.values import french_number

HOST = "https://culturegraph.example"
BASE = HOST + "/"
COG = PROJECT_ROOT / "mappings" / "geographie" / "tables" / "cog"
PREFIXES = """PREFIX kgo: <https://culturegraph.example/def/culture/>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
PREFIX schema: <http://schema.org/>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(settings, graph):
    from culturegraph.web.app import create_app

    return create_app(settings, store=graph).test_client()


def select(graph, query: str) -> list[dict[str, str]]:
    result = graph.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def cube_figure(graph, territory: str) -> dict[str, str]:
    """The cube's one observation of the territory, with its INSEE source's label (French) and the cube."""
    rows = select(graph, f"""SELECT ?obs ?population ?annee ?source ?label ?cube WHERE {{
      ?obs kgo:territoire <{BASE}id/{territory}> ; kgo:populationMunicipale ?population ;
           sdmx-dimension:refPeriod ?annee ; qb:dataSet ?cube ; dcterms:source ?source .
      ?source rdfs:label ?label . FILTER(LANG(?label) = "fr") }}""")
    assert len(rows) == 1, rows
    return rows[0]


def page(client, path: str, lang: str = "fr") -> str:
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang}, base_url=HOST)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def panel_of(html: str) -> str | None:
    found = re.search(r'<section class="population" aria-labelledby="h-population">.*?</section>', html, re.S)
    return found.group(0) if found else None


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def located(panel: str) -> dict[str, tuple[int, Decimal, str]]:
    """Rows of the 'located in the territory' table: type IRI → (count, per 100,000, shown text)."""
    rows = re.findall(r'<tr data-type="([^"]+)"><th scope="row">.*?</th><td data-count="(\d+)">[^<]*</td>'
                      r'<td data-per-100000="([\d.]+)">([^<]*)</td></tr>', panel, re.S)
    return {iri: (int(count), Decimal(per), shown) for iri, count, per, shown in rows}


def check_figure(graph, panel: str, figure: dict[str, Any], lang: str = "fr") -> None:
    population = int(figure["population"])
    year = figure["annee"].rsplit("/", 1)[-1]
    shown = re.search(r'<strong data-population="(\d+)">([^<]+)</strong>', panel)
    assert shown is not None, panel
    assert int(shown.group(1)) == population
    assert shown.group(2) == (french_number(population) if lang == "fr" else f"{population:,}")
    assert f'<span data-year="{year}">{year}</span>' in panel
    # links to the observation and to the cube, as pages of this site
    observation = figure["obs"][len(BASE):]
    assert f'href="{HOST}/doc/{observation}"' in panel
    assert f'href="{HOST}/doc/{figure["cube"][len(BASE):]}"' in panel
    # the INSEE table and the COG package with its version, as the cube records them
    assert f'href="{figure["source"]}"' in panel
    package = select(graph, """SELECT ?p ?v WHERE {
      <https://culturegraph.example/data/geographie/population> dcterms:source ?p . ?p schema:version ?v }""")
    assert len(package) == 1 and package[0]["v"] == "6.0.0"
    assert f'href="{package[0]["p"]}"' in panel and "6.0.0" in text(panel)


def test_lyon_shows_its_population_its_year_and_its_sources(client, graph) -> None:
    figure = cube_figure(graph, "commune/69123")
    with (COG / "communes.csv").open(encoding="utf-8", newline="") as f:
        lyon = next(r for r in csv.DictReader(f, delimiter=";") if r["code"] == "69123")
    assert int(figure["population"]) == int(lyon["population"])
    panel = panel_of(page(client, "/doc/commune/69123"))
    assert panel is not None
    check_figure(graph, panel, figure)
    assert figure["label"] in text(panel)  # "INSEE, Populations de référence 2023 (communes)"
    assert "somme des populations" not in panel  # a commune's own figure
    assert "<table" not in panel  # no per-100,000 table for a commune


def test_the_rhone_shows_the_sum_and_its_museums_per_100000_as_query_14(client, graph) -> None:
    figure = cube_figure(graph, "departement/69")
    summed = select(graph, f"""SELECT (SUM(?n) AS ?total) WHERE {{
      ?c a igeo:Commune ; igeo:subdivisionDirecteDe <{BASE}id/departement/69> .
      ?o kgo:territoire ?c ; kgo:populationMunicipale ?n }}""")
    assert int(summed[0]["total"]) == int(figure["population"])
    panel = panel_of(page(client, "/doc/departement/69"))
    assert panel is not None
    check_figure(graph, panel, figure)
    assert "somme des populations municipales de ses communes" in panel
    rows = located(panel)
    museum, per, shown = rows["http://schema.org/Museum"]
    query14 = (PROJECT_ROOT / "queries" / "14-musees-par-habitant.rq").read_text(encoding="utf-8")
    result = graph.query(query14, use_default_graph_as_union=True)
    rhone = next(r for r in result if r["codeDepartement"].value == "69")
    assert museum == int(rhone["musees"].value) and per == Decimal(rhone["pour100000"].value)
    assert shown == french_number(per)
    sites = select(graph, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a kgo:SitePatrimostat ;
      schema:containedInPlace/igeo:subdivisionDirecteDe+ <{BASE}id/departement/69> }}""")
    assert rows[f"{BASE}def/culture/SitePatrimostat"][0] == int(sites[0]["n"])


def test_auvergne_rhone_alpes_in_english(client, graph) -> None:
    figure = cube_figure(graph, "region/84")
    html = page(client, "/doc/region/84", "en")
    panel = panel_of(html)
    assert panel is not None
    check_figure(graph, panel, figure, "en")
    english = select(graph, f"""SELECT ?l WHERE {{
      <{figure['source']}> rdfs:label ?l . FILTER(LANG(?l) = "en") }}""")
    words = text(panel)
    assert english[0]["l"] in words and "inhabitants (municipal population, 2023)" in words
    assert "the sum of its communes' municipal populations" in words
    assert re.search(r"\b(habitants|Année|Nombre)\b", words) is None, words  # no French left
    museums = select(graph, f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
      ?m a schema:Museum ; schema:containedInPlace/igeo:subdivisionDirecteDe+ <{BASE}id/region/84> }}""")
    count = int(museums[0]["n"])
    expected = (Decimal(count) * 100000 / int(figure["population"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert located(panel)["http://schema.org/Museum"] == (count, expected, f"{expected:,}")
    assert "Per 100,000 inhabitants" in panel


def test_the_rdf_document_carries_the_observation(client, graph) -> None:
    figure = cube_figure(graph, "commune/69123")
    response = client.get("/doc/commune/69123", headers={"Accept": "application/n-triples"}, base_url=HOST)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<{figure["obs"]}> <{BASE}def/culture/populationMunicipale> "{figure["population"]}"' in body


def test_a_commune_without_a_population_has_no_panel(client, graph) -> None:
    # Clipperton: a commune of the COG with no figure in the package (tables/cog/SOURCE.md)
    assert select(graph, f"SELECT ?t WHERE {{ <{BASE}id/commune/98901> a ?t }}")
    assert not select(graph, f"SELECT ?o WHERE {{ ?o kgo:territoire <{BASE}id/commune/98901> }}")
    html = page(client, "/doc/commune/98901")
    assert "Clipperton" in html and panel_of(html) is None and 'id="h-population"' not in html


def test_a_museum_page_has_no_population_panel(client) -> None:
    assert 'id="h-population"' not in page(client, "/doc/musee/M0963")


def test_every_per_100000_figure_is_shown_to_two_decimals_in_both_languages(client, graph) -> None:
    """A column of figures of one precision: ``0,70`` beside ``0,99``, never ``0,7`` (the Haute-Savoie's
    Patrimostat sites, the Aisne's museums…), on every département's and région's page, each figure
    recomputed from its row's count and the page's population."""
    territories = select(graph, """SELECT ?t WHERE { VALUES ?k { igeo:Departement igeo:Region }
      ?t a ?k . ?o kgo:territoire ?t }""")
    assert len(territories) >= 119
    trailing_zero = 0
    for row in territories:
        path = "/doc/" + row["t"][len(BASE) + len("id/"):]
        for lang in ("fr", "en"):
            panel = panel_of(page(client, path, lang))
            assert panel is not None, path
            population = int(re.search(r'data-population="(\d+)"', panel).group(1))
            for count, per, shown in located(panel).values():
                expected = (Decimal(count) * 100000 / population).quantize(Decimal("0.01"), ROUND_HALF_UP)
                assert per == expected, (path, count, per)
                written = f"{expected:,.2f}"
                french = written.replace(",", "\u202f").replace(".", ",")
                assert shown == (french if lang == "fr" else written), (path, lang, shown)
                assert re.fullmatch(r"[\d\u202f,]+[.,]\d\d", shown), (path, lang, shown)
                trailing_zero += shown.endswith("0")
    assert trailing_zero > 0  # the shipped build has such figures: the test sees them


class CountingReader:
    """A graph of one région with 200 inhabitants: its population observation and, by type, what it
    locates; counts the located queries it answers (mappings/geographie/pages.py)."""

    def __init__(self, version: str, museums: int) -> None:
        from pyoxigraph import Literal, NamedNode

        self.version, self.located_queries = version, 0
        self.rows = [{"observation": NamedNode(BASE + "data/geographie/population/region/99/annee/2023"),
                      "annee": NamedNode("http://reference.data.gov.uk/id/year/2023"),
                      "population": Literal("200"), "cube": NamedNode(BASE + "data/geographie/population"),
                      "source": None}]
        self.counts = [{"type": NamedNode("http://schema.org/Museum"), "nombre": Literal(str(museums))}]

    def query(self, query: str, **_: Any) -> list[dict[str, Any]]:
        if "COUNT(DISTINCT ?ressource)" in query:
            self.located_queries += 1
            return self.counts
        return self.rows

    def quads(self, *_: Any) -> list[Any]:
        return []


class Region:
    def __init__(self) -> None:
        from pyoxigraph import NamedNode

        self.iri, self.base, self.document = NamedNode(BASE + "id/region/99"), BASE, HOST + "/doc/region/99"
        self.quads: list[Any] = []
        self.related: list[Any] = []
        self.bulk: list[Any] = []
        self.extra: list[Any] = []
        self.data: dict[str, Any] = {}
        self.linked: list[Any] = []
        self.page = 1

    def types(self) -> list[Any]:
        from culturegraph.rdf.terms import IGEO

        return [IGEO.Region]


def test_the_located_counts_are_asked_once_per_build_and_territory() -> None:
    from culturegraph.mappings.geographie.pages import KEY, enrich

    build = CountingReader("20261204T000000Z-aaaaaa", museums=3)
    for _ in range(3):
        region = Region()
        enrich(build, region)  # type: ignore[arg-type]
        assert [(x.count, x.per_100000) for x in region.data[KEY].located] == [(3, Decimal("1500.00"))]
    assert build.located_queries == 1
    later = CountingReader("20261205T000000Z-bbbbbb", museums=4)  # another build: asked again
    region = Region()
    enrich(later, region)  # type: ignore[arg-type]
    assert later.located_queries == 1 and region.data[KEY].located[0].count == 4
    fixed = CountingReader("fixed", museums=5)  # a store handed in by a test has no version: never kept
    for _ in range(2):
        enrich(fixed, Region())  # type: ignore[arg-type]
    assert fixed.located_queries == 2
