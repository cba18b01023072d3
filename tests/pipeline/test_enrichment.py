"""Wikidata enrichment end to end (pipeline/enrichment.py, the links stage, ``culturegraph enrich wikidata``):
a real build of the small project (tests/pipeline/project.py, the four datasets that declare identifiers),
then the command against a real ``oxigraph serve`` on 127.0.0.1 holding a small Wikidata-shaped graph
(tests/fixtures/wikidata/items.ttl: its header lists the cases), then a build that applies the cache; the
server is stopped and a last build, offline, must give the same graph."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import socket
import tomllib
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from culturegraph.cli import main
from culturegraph.config import PROJECT_ROOT
from culturegraph.datasets import load_registry
from culturegraph.pipeline import enrichment, links
from culturegraph.pipeline.build import build
from culturegraph.pipeline.enrichment import Row, resolve
from culturegraph.sources.fetchers.wikidata import batch_query, query_digest

from .project import cut_geography, settings_for, small_project

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "wikidata" / "items.ttl"
DATASETS = ["geographie", "museofile", "aides-presse", "fonds-14-18"]
BASE = "https://culturegraph.example/"
WD = "http://www.wikidata.org/entity/"
POP = "https://pop.culture.gouv.fr/notice/merimee/"
LIENS = BASE + "graph/liens"
SAMEAS = "http://schema.org/sameAs"

CELLS = f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sssom: <https://w3id.org/sssom/>
PREFIX kgo: <{BASE}def/culture/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?source ?target ?status ?method ?justification ?provider ?date ?comment WHERE {{
  GRAPH <{LIENS}> {{
    ?cell owl:annotatedSource ?source ; owl:annotatedTarget ?target ; kgo:typeLien ?kind ;
          kgo:statutLien ?status ; kgo:methodeLien ?method ; sssom:mapping_justification ?justification .
    OPTIONAL {{ ?cell sssom:mapping_provider ?provider }}
    OPTIONAL {{ ?cell sssom:mapping_date ?date }}
    OPTIONAL {{ ?cell rdfs:comment ?comment }}
    FILTER(STRSTARTS(STR(?kind), "{BASE}def/type-lien/wikidata-"))
  }}
}}"""


def _compare_builds() -> Any:
    """tools/compare_builds.py (the normalisation the project compares two builds with)."""
    path = PROJECT_ROOT / "tools" / "compare_builds.py"
    spec = importlib.util.spec_from_file_location("compare_builds", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _store(result: Any) -> Store:
    return Store.read_only(str(result.directory / "store"))


def _same_as(store: Store) -> set[tuple[str, str, str]]:
    """(graph, subject, Wikidata item) of every schema:sameAs to Wikidata."""
    rows = store.query(f'SELECT ?g ?s ?o WHERE {{ GRAPH ?g {{ ?s <{SAMEAS}> ?o }} '
                       f'FILTER(STRSTARTS(STR(?o), "{WD}")) }}')
    return {(r["g"].value, r["s"].value, r["o"].value) for r in rows}  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Any]:
    tmp = tmp_path_factory.mktemp("enrichment")
    root = small_project(tmp / "project")
    settings = settings_for(root, tmp / "store")
    registry = load_registry(settings.datasets).only(DATASETS)
    with cut_geography(root):
        before = build(settings, progress=False, validate=False, registry=registry)
    return settings, registry, before


@pytest.fixture(scope="module")
def enriched(project, oxigraph_serve) -> dict[str, Any]:
    settings, registry, before = project
    runner = CliRunner()
    env = {"CULTUREGRAPH_HOME": str(settings.project_root), "CULTUREGRAPH_WIKIDATA_CONTACT": "",
           "CULTUREGRAPH_WIKIDATA_ENDPOINT": ""}
    with oxigraph_serve(FIXTURE) as url:
        endpoint = f"{url}/query"
        result = runner.invoke(main, ["--store", str(settings.store_home), "enrich", "wikidata",
                                      "--endpoint", endpoint, "--min-interval", "0", "--batch-size", "100",
                                      "--contact", "mailto:curators@example.org"], env=env)
        with cut_geography(settings.project_root):
            after = build(settings, progress=False, validate=False, registry=registry)
    with pytest.raises(urllib.error.URLError):  # the server is gone: the next build is offline
        urllib.request.urlopen(endpoint, timeout=2)
    with cut_geography(settings.project_root):
        offline = build(settings, progress=False, validate=False, registry=registry)
    return {"settings": settings, "endpoint": endpoint, "cli": result, "before": before, "after": after,
            "offline": offline, "cache": enrichment.cache_dir(settings)}


def test_the_command_writes_the_cache_with_its_provenance(enriched) -> None:
    result = enriched["cli"]
    assert result.exit_code == 0, result.output
    cache = enrichment.read_cache(enriched["cache"])
    assert sorted(cache.properties) == ["P236", "P2585", "P2586", "P374", "P380", "P539"]
    entry = cache.properties["P539"]
    assert entry["endpoint"] == enriched["endpoint"] and entry["asked"] == 40 and entry["batches"] == 1
    assert entry["retrieved"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert entry["datasets"] == ["museofile"] and cache.properties["P380"]["datasets"] == ["fonds-14-18",
                                                                                           "museofile"]
    answers = cache.answers("P539")
    assert [r.item for r in answers["M0003"]] == ["Q900001"] and answers["M0003"][0].label == "Musée un"
    assert sorted(r.item for r in answers["M0012"]) == ["Q900002", "Q900003"]
    assert answers["M0019"] == []  # asked, not in Wikidata
    assert "M9999" not in answers  # never asked: the graph does not hold it
    # 3,449 communes of the cut COG in batches of 100: ceil(3449 / 100) requests.
    assert cache.properties["P374"]["asked"] == 3449 and cache.properties["P374"]["batches"] == 35
    # Each row's query can be recomputed from the rows of its digest: the template, those ids, in order.
    for prop, rows in cache.rows.items():
        by_query: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            if row.id not in by_query[row.query]:
                by_query[row.query].append(row.id)
            assert row.endpoint == enriched["endpoint"]
        assert all(query_digest(batch_query(prop, ids)) == digest for digest, ids in by_query.items())


def test_conflicts_are_reported_for_curators_and_not_linked(enriched) -> None:
    output = enriched["cli"].output
    with (enriched["cache"] / "conflits.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    found = {(r["propriete"], r["conflit"], r["identifiant"], r["element"]) for r in rows}
    assert found == {
        ("P539", "plusieurs-elements", "M0012", "Q900002 Q900003"),  # two items for one museum
        ("P539", "element-partage", "M0014 M0017", "Q900004"),  # one item for two museums
        ("P374", "autre-lien", "01064", "Q900020"),  # Wikidata differs from the shipped crosswalk
    }
    shared = next(r for r in rows if r["conflit"] == "element-partage")
    assert shared["sujets"].split() == [BASE + "id/musee/M0014", BASE + "id/musee/M0017"]
    assert "3 conflicts, not linked" in output and "Q900004" in output and "conflits.tsv" in output
    # 40 museums: 2 linked, 3 in 2 conflicts, 35 in no item of the fixture (M0019 among them).
    assert "P539: 40 identifiers asked in 1 requests; 2 links, 0 already linked, 2 conflicts, 35 not in " \
           "Wikidata" in output
    assert "P374: 3,449 identifiers asked in 35 requests; 0 links, 1 already linked, 1 conflicts" in output
    same_as = _same_as(_store(enriched["after"]))
    for museum in ("M0012", "M0014", "M0017"):
        assert not any(s == f"{BASE}id/musee/{museum}" for _, s, _ in same_as)
    assert {o for _, s, o in same_as if s == BASE + "id/commune/01064"} == {WD + "Q211706"}  # crosswalk's


def test_the_build_applies_the_cache(enriched) -> None:
    before, after = _store(enriched["before"]), _store(enriched["after"])
    added = _same_as(after) - _same_as(before)
    assert added == {
        (LIENS, BASE + "id/musee/M0003", WD + "Q900001"),
        (LIENS, BASE + "id/musee/M0021", WD + "Q900005"),
        (LIENS, POP + "IA00005843", WD + "Q900010"),  # the monument's POP record, not the museum
        (LIENS, BASE + "id/titre-presse/le-figaro", WD + "Q900030"),
    }
    cells = list(after.query(CELLS))
    by_status: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for cell in cells:
        by_status[cell["status"].value.rsplit("/", 1)[1]].add(  # type: ignore[index, union-attr]
            (cell["source"].value, cell["target"].value.removeprefix(WD)))  # type: ignore[index, union-attr]
        assert cell["method"].value == BASE + "def/methode-lien/cross-reference"  # type: ignore[index, union-attr]
        assert cell["justification"].value == "https://w3id.org/semapv/vocab/DatabaseCrossReference"  # type: ignore[index, union-attr]
        assert cell["provider"].value == enriched["endpoint"]  # type: ignore[index, union-attr]
        assert cell["date"].value == dt.datetime.now(dt.UTC).date().isoformat()  # type: ignore[index, union-attr]
        assert "sha256:" in cell["comment"].value  # type: ignore[index, union-attr]
    assert by_status["accepte"] == {(s, o.removeprefix(WD)) for _, s, o in added}
    assert by_status["ambigu"] == {
        (BASE + "id/musee/M0012", "Q900002"), (BASE + "id/musee/M0012", "Q900003"),
        (BASE + "id/musee/M0014", "Q900004"), (BASE + "id/musee/M0017", "Q900004"),
        (BASE + "id/commune/01064", "Q900020"),
    }
    # Agreeing with a link the graph has (Le Monde's table, the crosswalk) adds nothing.
    assert not any(s.endswith(("/le-monde", "/commune/01053", "/region/11")) for s, _ in by_status["accepte"])
    kinds = enriched["after"].report["datasets"][links.GRAPH]["kinds"]
    assert kinds["wikidata-p539"]["links"] == 2 and kinds["wikidata-p539"]["counts"]["ambiguous"] == 4
    with (enriched["after"].directory / links.CANDIDATES_FILE).open(encoding="utf-8", newline="") as f:
        candidates = [r for r in csv.DictReader(f, ) if r["type"].startswith("wikidata-")]
    assert {(r["sujet"].rsplit("/", 1)[1], r["objet"].removeprefix(WD)) for r in candidates
            if r["statut"] == "ambiguous"} == {(s.rsplit("/", 1)[1], o) for s, o in by_status["ambigu"]}
    assert all("conflit" in r["detail"] for r in candidates)


def test_the_links_graph_with_the_enrichment_passes_its_shapes(enriched, tmp_path) -> None:
    from culturegraph.pipeline.stages import stage_shapes
    from culturegraph.validation.shacl import validate_store

    settings = enriched["settings"]
    graphs = {links.GRAPH: stage_shapes(settings, load_registry(()))[links.GRAPH]}
    report = validate_store(_store(enriched["after"]), settings, [], tmp_path, graphs=graphs)
    assert report.conforms[links.GRAPH], [f.message_en for f in report.findings if f.severity == "Violation"]


def test_an_offline_build_from_the_cache_gives_the_same_graph(enriched) -> None:
    tool = _compare_builds()
    graphs_of = {}
    for name in ("after", "offline"):
        lines = tool.lines_of(enriched[name].directory)
        # The provenance and the catalogue describe each build (its clock, the previous build it is
        # compared with): everything else must be the same quads.
        graphs_of[name] = tool.normalise([line for line in lines
                                          if not line.rstrip(" .").endswith(("/graph/provenance>",
                                                                             "/graph/catalogue>"))])
    assert len(graphs_of["after"]) > 10_000
    assert graphs_of["after"] == graphs_of["offline"]
    assert _same_as(_store(enriched["after"])) == _same_as(_store(enriched["offline"]))


def test_an_empty_or_absent_cache_changes_nothing(project, tmp_path) -> None:
    settings, registry, before = project
    shipped = enrichment.read_cache(PROJECT_ROOT / "data" / "enrichment" / "wikidata")
    assert shipped.properties == {} and shipped.rows == {}  # shipped empty: see docs/enrichment.md
    assert enrichment.read_cache(tmp_path / "nothing").properties == {}
    assert not any(s.startswith(BASE + "id/musee/") for _, s, _ in _same_as(_store(before)))


def test_a_broken_cache_is_named_with_its_line(tmp_path) -> None:
    folder = tmp_path / "wikidata"
    enrichment.write_property(folder, "P539", "musées", [Row("M0003", "Q1", "", "sha256:x", "2026-12-04",
                                                             "http://127.0.0.1/query", "")], {})
    (folder / "P539.tsv").write_text((folder / "P539.tsv").read_text() + "M0004\tnot-a-qid\t\t\t\t\n")
    with pytest.raises(enrichment.EnrichmentError, match=r"P539\.tsv:3: .*'not-a-qid'"):
        enrichment.read_cache(folder)
    manifest = tomllib.loads((folder / "manifest.toml").read_text())
    assert manifest["properties"]["P539"]["file"] == "P539.tsv"


def _rows(pairs: dict[str, list[str]]) -> dict[str, list[Row]]:
    return {i: [Row(i, q, "", "sha256:x", "2026-12-04", "e", "") for q in qs] for i, qs in pairs.items()}


def test_resolve_each_kind_of_conflict() -> None:
    subjects = {"a": {"1"}, "b": {"2"}, "c": {"3"}, "d": {"4", "5"}, "e": {"6"}, "f": {"7"}, "g": {"8"}}
    answers = _rows({"1": ["Q1"], "2": ["Q2", "Q3"], "3": ["Q1"], "4": ["Q4"], "5": ["Q5"], "6": ["Q6"],
                     "7": []})
    result = resolve("P1", subjects, answers, {"e": {"Q60"}, "g": {"Q8"}})
    assert result.links == []
    kinds = {(c.kind, c.id, c.item) for c in result.conflicts}
    assert kinds == {("element-partage", "1 3", "Q1"), ("plusieurs-elements", "2", "Q2 Q3"),
                     ("plusieurs-identifiants", "4 5", "Q4 Q5"), ("autre-lien", "6", "Q6")}
    assert result.absent == ["7"] and result.not_asked == ["8"]
    ok = resolve("P1", {"a": {"1"}, "g": {"8"}}, _rows({"1": ["Q1"], "8": ["Q8"]}), {"g": {"Q8"}})
    assert [(s, r.item) for s, r in ok.links] == [("a", "Q1")] and ok.already == 1 and ok.conflicts == []


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.is_dir() else {}


def test_a_failed_refresh_says_why_and_leaves_the_cache(project, tmp_path) -> None:
    settings, _, _ = project
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = enrichment.cache_dir(settings)
    before = _snapshot(folder)
    env = {"CULTUREGRAPH_HOME": str(settings.project_root)}
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(settings.store_home), "enrich", "wikidata", "--endpoint",
                                  f"http://127.0.0.1:{port}/sparql", "--retries", "2", "--backoff", "0",
                                  "--property", "P539"], env=env)
    assert result.exit_code == 1 and "gave up after 2 attempts" in result.output, result.output
    assert f"POST http://127.0.0.1:{port}/sparql failed" in result.output
    result = runner.invoke(main, ["--store", str(settings.store_home), "enrich", "wikidata", "--property",
                                  "P9999"], env=env)
    assert result.exit_code == 1 and "no dataset declares P9999" in result.output
    result = runner.invoke(main, ["--store", str(tmp_path / "empty"), "enrich", "wikidata"], env=env)
    assert result.exit_code == 1 and "run `culturegraph build`" in result.output
    assert _snapshot(folder) == before


def test_the_documented_properties_are_the_declared_ones() -> None:
    """docs/enrichment.md's table of properties and the datasets' declarations say the same."""
    text = (PROJECT_ROOT / "docs" / "enrichment.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (P\d+) ", text, flags=re.MULTILINE))
    groups = enrichment.declared(load_registry().external_identifiers())
    assert documented == set(groups) == {"P539", "P380", "P236", "P374", "P2586", "P2585"}
    assert groups["P380"].datasets == ["fonds-14-18", "museofile"]
    assert {g.predicate for g in groups.values()} == {"schema:sameAs"}


def test_one_property_has_one_link_predicate() -> None:
    from culturegraph.datasets import DatasetSpec, ExternalIdentifier

    query = "SELECT ?item ?id {}"
    a = DatasetSpec(name="a", title={}, description={},
                    identifiers=(ExternalIdentifier("P539", query, {"fr": "x"}),))
    b = DatasetSpec(name="b", title={}, description={},
                    identifiers=(ExternalIdentifier("P539", query, {"fr": "x"}, "owl:sameAs"),))
    with pytest.raises(enrichment.EnrichmentError, match="dataset b, identifier P539: predicate owl:sameAs"):
        enrichment.declared([(a, i) for i in a.identifiers] + [(b, i) for i in b.identifiers])


def test_the_curators_decisions_settle_a_conflict(tmp_path) -> None:
    """``decisions.csv`` beside the cache (the links stage's table format): a confirmed pair is linked even
    in a conflict, a refused one never; the other candidates of a settled subject are dropped."""
    from pyoxigraph import Literal, NamedNode, Quad

    from culturegraph.config import Settings
    from culturegraph.rdf.terms import Minter

    settings = Settings(project_root=tmp_path)
    graph = NamedNode(BASE + "graph/museofile")
    store = Store()
    for ref in ("M0001", "M0002", "M0003"):
        museum = NamedNode(f"{BASE}id/musee/{ref}")
        store.add(Quad(museum, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                       NamedNode("http://schema.org/Museum"), graph))
        store.add(Quad(museum, NamedNode("http://purl.org/dc/terms/identifier"), Literal(ref), graph))
    folder = enrichment.cache_dir(settings)
    rows = [Row(i, q, "", "sha256:0", "2026-12-04", "http://127.0.0.1/query", "")
            for i, q in (("M0001", "Q1"), ("M0001", "Q2"), ("M0002", "Q3"), ("M0003", "Q4"))]
    enrichment.write_property(folder, "P539", "musées", rows, {})
    registry = load_registry().only(["museofile"])
    iris = Minter(BASE)
    prefixes = dict(registry.prefixes(BASE))

    def links_of() -> dict[str, set[tuple[str, str]]]:
        out: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for result in links.enriched(_reader(store), registry, prefixes, settings, iris):
            for s in result.scored:
                out[s.verdict].add((s.subject.rsplit("/", 1)[1], s.object.removeprefix(WD)))
        return out

    assert links_of() == {"accepted": {("M0002", "Q3"), ("M0003", "Q4")},
                          "ambiguous": {("M0001", "Q1"), ("M0001", "Q2")}}
    (folder / enrichment.DECISIONS).write_text(
        "type;sujet;objet;decision;date;raison\n"
        f"wikidata-p539;id/musee/M0001;{WD}Q2;confirmé;2026-12-04;Q1 est un doublon (fusion demandée)\n"
        f"wikidata-p539;id/musee/M0002;{WD}Q3;refusé;2026-12-04;Q3 est la ville, pas le musée\n",
        encoding="utf-8")
    assert links_of() == {"confirmed": {("M0001", "Q2")}, "refused": {("M0002", "Q3")},
                          "accepted": {("M0003", "Q4")}}


def _reader(store: Store) -> Any:
    from culturegraph.store.backends import reader_of

    return reader_of(store)
