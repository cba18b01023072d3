"""The files press aid declares but does not ship (``shipped = false``) and their fetching.

A real HTTP server on 127.0.0.1 answers data.gouv.fr's API for the two portal datasets
(``GET /api/1/datasets/<id>/`` with their resources and sha256) and serves the files: the synthetic annual
and groups tables of tests/fixtures/aides-presse/ (the documented portal shape; no real copy exists).
Every test runs on a private copy of the two press-aid source folders, so the checkout is never touched.
The shipped default reads no such file and needs no network.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import tomllib
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from culturegraph.mappings.aides_presse import DATASET

from culturegraph.cli import main
from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.datasets import load_registry
from culturegraph.pipeline.load import BuildError, MappingRun, inputs_of, read_sources
from culturegraph.pipeline.summary import render_summary
from culturegraph.rdf.terms import Minter
from culturegraph.sources.fetchers import FetchError, fetch_sources

from .conftest import FIXTURES

TITLES_ID, GROUPS_ID = "5c5e558f06e3e7266c232bba", "5c5e55799ce2e76ae9b7f491"
TITLES_PORTAL_ID = "aides-a-la-presse-classement-des-titres-de-presse-aides"
TITLES_CSV = "aides-a-la-presse-classement-des-titres-de-presse-aides.csv"
GROUPS_CSV = "aides-a-la-presse-classement-des-principaux-groupes-de-presse-aides.csv"
TSV = "aides-presse-2012-200-titres-les-plus-aides_extraction-pdf.tsv"
SOURCES = ("aides-presse", "aides-presse-groupes")
# dataset id -> (resource file name, fixture); the fixture server's answers
SERVED = {TITLES_ID: ("classement-titres-aides.csv", "portail-synthetique.csv"),
          GROUPS_ID: ("classement-groupes-aides.csv", "groupes-synthetique.csv")}
UNSEEN = "Titre;Montant versé;Exercice\nLe Monde;12;2024\n".encode()  # a header no vintage maps
BASE = "https://culturegraph.example/"


class Portal(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.paths: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def body_of(scenario: str, dataset: str) -> bytes:
    return UNSEEN if scenario == "unseen" else (FIXTURES / SERVED[dataset][1]).read_bytes()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Portal

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.paths.append(path)
        # <scenario>/api/1/datasets/<id> or <scenario>/fichiers/<id>/<name>
        parts = path.strip("/").split("/")
        scenario, rest = parts[0], parts[1:]
        if rest[:3] == ["api", "1", "datasets"] and len(rest) == 4 and rest[3] in SERVED:
            dataset = rest[3]
            name = SERVED[dataset][0]
            body = body_of(scenario, dataset)
            answer = {"id": dataset, "resources": [
                {"id": f"{dataset}-csv", "title": name, "format": "csv",
                 "url": f"{self.server.base}/{scenario}/fichiers/{dataset}/{name}",
                 "checksum": {"type": "sha256", "value": hashlib.sha256(body).hexdigest()},
                 "filesize": len(body), "last_modified": "2025-03-04T05:06:07+00:00"},
                {"id": f"{dataset}-pdf", "title": "Méthodologie", "format": "pdf",
                 "url": f"{self.server.base}/{scenario}/fichiers/{dataset}/methodologie.pdf"},
            ]}
            self.send(200, json.dumps(answer).encode(), "application/json")
        elif rest[:1] == ["fichiers"] and len(rest) == 3 and rest[1] in SERVED and rest[2].endswith(".csv"):
            self.send(200, body_of(scenario, rest[1]), "text/csv; charset=utf-8")
        else:
            self.send(404, b'{"message": "Not found", "status": 404}', "application/json")


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    server = Portal()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def project(tmp_path: Path, portal: Portal) -> Settings:
    """A private project: the two press-aid sources as shipped, nothing else."""
    for source in SOURCES:
        shutil.copytree(PROJECT_ROOT / "data" / "sources" / source, tmp_path / "data" / "sources" / source)
    portal.paths.clear()
    return Settings(project_root=tmp_path, store_home=tmp_path / "store")


def fetch(settings: Settings, portal: Portal, names: list[str], scenario: str = "ok") -> list[str]:
    return fetch_sources(settings, names, portal=f"{portal.base}/{scenario}", timeout=5, retries=1,
                         backoff=0.01, sleep=lambda s: None, today=date(2031, 2, 3))


def entries(settings: Settings, source: str) -> dict[str, dict[str, object]]:
    text = (settings.sources_dir / source / "manifest.toml").read_text(encoding="utf-8")
    return {f["name"]: f for f in tomllib.loads(text)["files"]}


def snapshot(settings: Settings) -> dict[str, bytes]:
    root = settings.sources_dir
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_shipped_manifests_declare_the_portal_tables_unshipped() -> None:
    for source, name in (("aides-presse", TITLES_CSV), ("aides-presse-groupes", GROUPS_CSV)):
        entry = entries(Settings(), source)[name]
        assert (entry["shipped"], entry["fetch"]) == (False, True)
        assert not (PROJECT_ROOT / "data" / "sources" / source / name).exists()
    assert entries(Settings(), "aides-presse")[TSV].get("shipped", True) is True


def test_the_shipped_default_reads_what_is_shipped_and_needs_no_network(tmp_path: Path) -> None:
    settings = Settings(project_root=PROJECT_ROOT, store_home=tmp_path / "store")
    sources = read_sources(settings, load_registry(), SOURCES)
    titles, groups = sources["aides-presse"], sources["aides-presse-groupes"]
    assert [f.name for f in titles.manifest.files] == [TSV]  # what provenance and the catalogue list
    assert [r.file.rsplit("/", 1)[-1] for r in titles.results] == [TSV]
    assert [f.name for f in titles.absent] == [TITLES_CSV]
    assert (groups.manifest.files, groups.results, [f.name for f in groups.absent]) == ([], [], [GROUPS_CSV])


def test_the_build_summary_says_what_is_not_fetched() -> None:
    report = {"build": "b", "triples_per_graph": {}, "triples": 0, "files": {}, "quarantined_rows": 0,
              "seconds": 1, "not_fetched": {f"aides-presse-groupes/{GROUPS_CSV}": "aides-presse-groupes"}}
    text = render_summary(report, Path("builds/b"), 1.0)
    assert (f"  aides-presse-groupes/{GROUPS_CSV}\n      not shipped, not read: `culturegraph fetch "
            "aides-presse-groupes` downloads it") in text


def test_a_missing_shipped_file_still_stops_the_build(project: Settings) -> None:
    (project.sources_dir / "aides-presse" / TSV).unlink()
    with pytest.raises(BuildError, match=f"{TSV}: listed in .*manifest.toml but missing"):
        read_sources(project, load_registry(), ["aides-presse"])


def test_shipped_must_be_a_boolean(project: Settings) -> None:
    path = project.sources_dir / "aides-presse-groupes" / "manifest.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("shipped = false", 'shipped = "non"'),
                    encoding="utf-8")
    with pytest.raises(BuildError, match=f"{GROUPS_CSV}: `shipped` must be true or false, not 'non'"):
        read_sources(project, load_registry(), ["aides-presse-groupes"])


def test_the_portal_id_fetches_the_annual_tables_and_the_build_reads_them(project: Settings,
                                                                          portal: Portal) -> None:
    before = snapshot(project)
    lines = fetch(project, portal, [TITLES_PORTAL_ID])
    body = (FIXTURES / "portail-synthetique.csv").read_bytes()
    assert len(lines) == 1
    assert lines[0].startswith(f"aides-presse/{TITLES_CSV}: downloaded ({len(body):,} bytes")
    assert "sha256 verified" in lines[0] and "vintage portail-libelles, 4 rows" in lines[0]
    target = project.sources_dir / "aides-presse" / TITLES_CSV
    assert target.read_bytes() == body
    entry = entries(project, "aides-presse")[TITLES_CSV]
    assert entry["sha256"] == hashlib.sha256(body).hexdigest() and entry["bytes"] == len(body)
    assert entry["url"] == f"{portal.base}/ok/fichiers/{TITLES_ID}/classement-titres-aides.csv"
    assert (entry["date"], entry["portal_resource_id"]) == ("2031-02-03", f"{TITLES_ID}-csv")
    assert entry["shipped"] is False and entry["note"]  # still declared as not shipped: it is local data
    after = snapshot(project)
    changed = {k for k in after if after.get(k) != before.get(k)}
    assert changed == {f"aides-presse/{TITLES_CSV}", "aides-presse/manifest.toml"}
    assert entries(project, "aides-presse")[TSV] == entries(Settings(), "aides-presse")[TSV]
    assert portal.paths == [f"/ok/api/1/datasets/{TITLES_ID}/",
                            f"/ok/fichiers/{TITLES_ID}/classement-titres-aides.csv"]

    # The build now reads both files, the 2012 table first (manifest order), and maps the new years.
    registry = load_registry()
    sources = read_sources(project, registry, SOURCES)
    read = sources["aides-presse"]
    assert [f.name for f in read.manifest.files] == [TSV, TITLES_CSV] and read.absent == []
    assert [r.vintage for r in read.results] == ["top200-2012", "portail-libelles"]
    run = MappingRun(DATASET, inputs_of(sources, registry), Minter())
    objects = {(s.value, p.value): o.value for s, p, o in run.triples()}
    obs = BASE + "data/aides-presse/titre/le-monde/annee/2019/type-aide/investissement"
    assert objects[(obs, BASE + "def/culture/montant")] == "250000.5"
    total_2012 = BASE + "data/aides-presse/titre/le-monde/annee/2012/type-aide/total"
    assert objects[(total_2012, BASE + "def/culture/montant")] == "18685441.0"
    assert run.provenance[obs].file.endswith(TITLES_CSV) and run.provenance[obs].line == 2


def test_the_groups_table_by_its_data_gouv_id_through_the_cli(project: Settings, portal: Portal) -> None:
    env = {"CULTUREGRAPH_HOME": str(project.project_root), "CULTUREGRAPH_STORE": None}
    done = CliRunner().invoke(main, ["--store", str(project.store_home), "fetch", GROUPS_ID, "--portal",
                                     f"{portal.base}/ok", "--no-progress"], env=env)
    assert done.exit_code == 0, done.output
    assert f"aides-presse-groupes/{GROUPS_CSV}: downloaded" in done.output
    target = project.sources_dir / "aides-presse-groupes" / GROUPS_CSV
    assert target.read_bytes() == (FIXTURES / "groupes-synthetique.csv").read_bytes()
    sources = read_sources(project, load_registry(), ["aides-presse-groupes"])
    assert [r.vintage for r in sources["aides-presse-groupes"].results] == ["portail-groupes-libelles"]
    assert len(sources["aides-presse-groupes"].results[0].records) == 3


def test_a_bare_fetch_takes_an_unshipped_file_only_once_it_is_there(project: Settings,
                                                                    portal: Portal) -> None:
    assert fetch(project, portal, []) == []  # nothing shipped to refresh: no request at all
    assert portal.paths == []
    fetch(project, portal, ["aides-presse"])
    portal.paths.clear()
    lines = fetch(project, portal, [])  # now it is local data: refreshed like a shipped file
    assert lines == [f"aides-presse/{TITLES_CSV}: unchanged (the portal's sha256 is the one recorded), "
                     "not downloaded"]
    assert portal.paths == [f"/ok/api/1/datasets/{TITLES_ID}/"]


def test_an_unseen_header_is_refused_and_nothing_is_written(project: Settings, portal: Portal) -> None:
    before = snapshot(project)
    with pytest.raises(FetchError) as raised:
        fetch(project, portal, ["aides-presse"], scenario="unseen")
    message = str(raised.value)
    assert message.startswith("1 of 1 file(s) not fetched:")
    assert f"aides-presse/{TITLES_CSV}" in message and "previous file and manifest kept" in message
    assert "Montant versé" in message  # the error names the columns no vintage knows
    assert snapshot(project) == before
