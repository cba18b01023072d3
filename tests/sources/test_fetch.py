"""``culturegraph fetch`` against a real HTTP server on 127.0.0.1 that serves both portal APIs.

The server answers, under a scenario prefix given as ``--portal`` (fine, flaky, down, truncated, slow…):

- udata: ``/<scenario>/api/1/datasets/<id>/`` (``fixtures/portal/udata/<id>.json``, its ``{base}`` replaced
  by the prefix), the files its resources point to, and data.gouv.fr's stable ``/fr/datasets/r/<id>``
  URLs that redirect to them;
- Opendatasoft: ``/<scenario>/api/explore/v2.1/catalog/datasets/<id>/exports/<format>``.

Every test runs on a private copy of data/sources (field maps are the datasets'), so the shipped files
are never touched. The shipped manifests say ``portal_kind = "udata"``; a test that needs the
Opendatasoft fetcher switches its copy.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import socket
import threading
import time
import tomllib
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import tomli_w
from click.testing import CliRunner

from culturegraph.cli import main
from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.datasets import load_registry
from culturegraph.sources import manifest as manifest_module
from culturegraph.sources.fetchers import FETCHERS, FetchError, fetch_sources, retry_after
from culturegraph.sources.fetchers.client import USER_AGENT, HttpClient, HttpPolicy
from culturegraph.sources.fetchers.opendatasoft import export_url
from culturegraph.sources.fetchers.spec import Entry
from culturegraph.sources.manifest import Manifest
from culturegraph.sources.read import read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portal"
ODS_EXPORT = re.compile(r"^/(?P<scenario>[\w-]+)/api/explore/v2\.1/catalog/datasets/(?P<dataset>[\w-]+)"
                        r"/exports/(?P<format>\w+)$")
UDATA_DATASET = re.compile(r"^/(?P<scenario>[\w-]+)/api/1/datasets/(?P<dataset>[\w-]+)/$")
STABLE = re.compile(r"^/(?P<scenario>[\w-]+)/fr/datasets/r/(?P<resource>[\w-]+)$")
ANY_FILE = re.compile(r"^/(?P<scenario>[\w-]+)/.*/(?P<name>[^/]+)$")
# the last segment of a resource URL -> the fixture it serves
FILES = {
    "musees-de-france-base-museofile.csv": "musees-de-france-base-museofile.csv",
    "ENTREES_ET_CATEGORIES_DE_PUBLIC.csv": "frequentation-des-musees-de-france.csv",
    "jep-2023.json": "jep-2023.json",
    "jep-2024.json": "jep-2024.json",
}
QUERY = "delimiter=%3B&list_separator=%3B&quote_all=false&with_bom=true"
MUSEOFILE_ID = "musees-de-france-base-museofile"
MUSEOFILE_UDATA = "5d12ee8206e3e762c0c89a4c"
FREQ_UDATA = "5af120e7b595087cfabcde82"
MUSEOFILE_CSV = "museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"
LISTE_CSV = "liste-musees/liste-et-localisation-des-musees-de-france.csv"
FREQ_CURRENT = ("frequentation-musees/frequentation-des-musees-de-france_ENTREES_ET_CATEGORIES_DE_PUBLIC_"
                "2014-2023.csv")
FREQ_OLD = "frequentation-musees/frequentation-des-musees-de-france_ods-export_2001-2021.csv"
MUSEOFILE_FILE_PATH = ("/resources/musees-de-france-base-museofile/20251120-101500/"
                       "musees-de-france-base-museofile.csv")
SLOW_S = 2.0  # how long the "slow" routes stall; tests use a timeout well below it
TIMEOUT_S = 0.3
BACKOFF_S = 0.01
UDATA_404 = {"message": "The requested URL was not found on the server. If you entered the URL manually "
                        "please check your spelling and try again.", "status": 404}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def cut_inside_quoted_cell(body: bytes) -> bytes:
    """The body cut a few characters after a quoted cell opens, past its middle (a truncated export)."""
    text = body.decode("utf-8")
    start = text.index(';"', len(text) // 2) + 2
    cut = text[:start + 25]
    assert '"' not in text[start:start + 25], "pick a longer quoted cell"
    return cut.encode("utf-8")


def cut_inside_row(body: bytes) -> bytes:
    """Header + 10 rows + the first 3 fields of the 11th: ends outside quotes, in a short row."""
    lines = body.decode("utf-8").splitlines(keepends=True)
    partial = ";".join(lines[11].split(";")[:3])
    return "".join(lines[:11]).encode("utf-8") + partial.encode("utf-8")


def bad_quote_in_row_5(body: bytes) -> bytes:
    """Text after a closing quote in the 5th data row: a row the reader quarantines, the rest is whole."""
    lines = body.decode("utf-8").splitlines(keepends=True)
    cells = lines[5].split(";")
    cells[3] = f'"{cells[3]}"x'
    lines[5] = ";".join(cells)
    return "".join(lines).encode("utf-8")


def with_extra_column(body: bytes) -> bytes:
    """A column ``commentaire`` inserted as the 4th of every record (empty but in two rows): a new
    column of the portal that no vintage of the alias table maps."""
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    for n, row in enumerate(rows):
        writer.writerow([*row[:3], "commentaire" if n == 0 else "à vérifier" * (n in (3, 7)), *row[3:]])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def bad_quote_in_header(body: bytes) -> bytes:
    """Text after a closing quote in the header: every row would be lost behind it."""
    head, sep, rest = body.partition(b"\n")
    assert b";latitude;" in head
    return head.replace(b";latitude;", b';"lat"itude;') + sep + rest


def latin1(body: bytes) -> bytes:
    return body.decode("utf-8").encode("cp1252", errors="replace")


MAINTENANCE = b"<!DOCTYPE html>\n<html><body><h1>Maintenance</h1></body></html>\n"
# scenarios in which the portal's file itself is broken: what it serves instead of the fixture (the
# udata API then announces the checksum of that broken file, as a portal would)
CONTENT = {
    "cut-quote": cut_inside_quoted_cell,
    "cut-row": cut_inside_row,
    "bad-quote-row": bad_quote_in_row_5,
    "bad-quote-header": bad_quote_in_header,
    "extra-column": with_extra_column,
    "latin1": latin1,
    "html": lambda body: MAINTENANCE,
    "cut-half": lambda body: body[:len(body) // 2],
}


def served(scenario: str, body: bytes) -> bytes:
    change = CONTENT.get(scenario)
    return change(body) if change else body


class Portal(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # the slow routes' threads may still sleep when the module ends

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), PortalHandler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()  # path without query -> requests
        self.requests: list[tuple[str, str]] = []  # (method, path with query)
        self.headers_seen: list[dict[str, str]] = []

    def hit(self, handler: BaseHTTPRequestHandler) -> int:
        with self.lock:
            self.requests.append((handler.command, handler.path))
            self.headers_seen.append(dict(handler.headers.items()))
            path = urlsplit(handler.path).path
            self.hits[path] += 1
            return self.hits[path]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and left makes the slow route's late writes fail: expected

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, scenario: str) -> str:
        return f"{self.base}/{scenario}"

    def api(self, scenario: str, dataset: str = MUSEOFILE_UDATA) -> str:
        return f"{self.url(scenario)}/api/1/datasets/{dataset}/"

    def resource(self, scenario: str, path: str = MUSEOFILE_FILE_PATH) -> str:
        return f"{self.url(scenario)}{path}"

    def export(self, scenario: str, dataset: str = MUSEOFILE_ID, fmt: str = "csv", query: str = QUERY) -> str:
        return f"{self.url(scenario)}/api/explore/v2.1/catalog/datasets/{dataset}/exports/{fmt}?{query}"

    def paths(self) -> list[str]:
        return [urlsplit(path).path for _, path in self.requests]


def udata_answer(portal: Portal, scenario: str, dataset: str) -> dict[str, Any] | None:
    """The fixture answer of ``dataset``, as the scenario wants it; None if there is no such dataset."""
    path = FIXTURES / "udata" / f"{dataset}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8").replace("{base}", portal.url(scenario)))
    resources = data["resources"]
    for resource in resources:
        name = urlsplit(resource["url"]).path.rsplit("/", 1)[-1]
        checksum = resource.get("checksum")
        if scenario in CONTENT and name in FILES and checksum:
            body = served(scenario, fixture_bytes(FILES[name]))
            checksum["value"] = hashlib.new(checksum["type"], body).hexdigest()
        elif scenario == "bad-checksum" and checksum:
            checksum["value"] = checksum["value"][::-1]
        elif scenario == "md5" and name in FILES:
            resource["checksum"] = {"type": "md5",
                                    "value": hashlib.md5(fixture_bytes(FILES[name])).hexdigest()}
        elif scenario == "crc" and checksum:
            resource["checksum"] = {"type": "crc", "value": "7c9e6679"}
        elif scenario == "no-checksum":
            resource["checksum"] = None
        if scenario.startswith("redirect"):
            resource["url"] = f"{portal.url(scenario)}/fr/datasets/r/{resource['id']}"
    if scenario == "no-resource":
        data["resources"] = [r for r in resources if r["format"] != "csv"]
    elif scenario == "ambiguous":
        data["resources"] = resources + [{**r, "id": f"{r['id']}-bis", "title": f"copie de {r['title']}"}
                                         for r in resources if r["format"] == "csv"]
    return data


class PortalHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Portal

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_body(self, status: int, body: bytes, content_type: str = "text/csv; charset=utf-8",
                  length: int | None = None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, data: object) -> None:
        self.send_body(status, json.dumps(data).encode("utf-8"), "application/json")

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        n = self.server.hit(self)
        if match := UDATA_DATASET.match(path):
            self.udata(match["scenario"], match["dataset"], n)
        elif match := ODS_EXPORT.match(path):
            name = f"{match['dataset']}.{match['format']}"
            if not (FIXTURES / name).is_file() or match["scenario"] == "missing":
                self.send_json(404, {"error_code": "DatasetNotFound", "message": "Unknown dataset"})
            else:
                self.file(match["scenario"], match["dataset"], fixture_bytes(name), n)
        elif match := STABLE.match(path):
            self.stable(match["scenario"], match["resource"])
        elif (match := ANY_FILE.match(path)) and match["name"] in FILES:
            self.file(match["scenario"], FILES[match["name"]], fixture_bytes(FILES[match["name"]]), n)
        else:
            self.send_json(404, UDATA_404)

    def udata(self, scenario: str, dataset: str, n: int) -> None:
        data = udata_answer(self.server, scenario, dataset)
        if data is None or scenario == "missing":
            self.send_json(404, UDATA_404)
        elif scenario == "down-api" or (scenario == "flaky" and n <= 2):
            self.send_body(500, b"Internal Server Error", "text/plain")
        elif scenario == "slow-api":
            time.sleep(SLOW_S)
            self.send_json(200, data)
        elif scenario == "html-api":
            self.send_body(200, MAINTENANCE, "text/html")
        else:
            self.send_json(200, data)

    def stable(self, scenario: str, resource: str) -> None:
        """data.gouv.fr's /fr/datasets/r/<id>: a redirect to the resource's current file."""
        if scenario == "redirect-loop":
            self.redirect(self.path)
            return
        for fixture in (FIXTURES / "udata").glob("*.json"):
            text = fixture.read_text(encoding="utf-8")
            answer = json.loads(text.replace("{base}", self.server.url(scenario)))
            for r in answer["resources"]:
                if r["id"] == resource:
                    target = r["url"]
                    if scenario == "redirect-away":  # to a host nobody allowed
                        target = target.replace("://127.0.0.1:", "://localhost:")
                    self.redirect(target, 301 if scenario == "redirect-permanent" else 302)
                    return
        self.send_json(404, UDATA_404)

    def file(self, scenario: str, name: str, body: bytes, n: int) -> None:
        if scenario in CONTENT:
            self.send_body(200, served(scenario, body))
        elif scenario == "no-length":  # body delimited by the end of the connection
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        elif (scenario == "flaky" and n <= 2) or scenario == "down":
            self.send_body(500, b"Internal Server Error", "text/plain")
        elif scenario == "partial" and name in (MUSEOFILE_ID, "musees-de-france-base-museofile.csv"):
            self.send_body(503, b"Service Unavailable", "text/plain")
        elif scenario == "busy" and n == 1:
            self.send_body(429, b"Too Many Requests", "text/plain", headers={"Retry-After": "0"})
        elif scenario == "busy-long":
            self.send_body(429, b"Too Many Requests", "text/plain", headers={"Retry-After": "3600"})
        elif scenario == "truncated":  # announces the whole body, sends half, hangs up
            self.send_body(200, body[:len(body) // 2], length=len(body))
            self.close_connection = True
        elif scenario == "chunked-cut":  # chunked transfer, hangs up before the last chunk
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = body[:len(body) // 2]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))
            self.close_connection = True
        elif scenario == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:1000])
            self.wfile.flush()
            time.sleep(SLOW_S)
            self.wfile.write(body[1000:])
        else:
            self.send_body(200, body)


@pytest.fixture(scope="module")
def server():
    portal = Portal()
    thread = threading.Thread(target=portal.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield portal
    portal.shutdown()
    portal.server_close()


@pytest.fixture
def portal(server: Portal) -> Portal:
    with server.lock:
        server.hits.clear()
        server.requests.clear()
        server.headers_seen.clear()
    return server


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    """A private project tree: the shipped sources, nothing else (field maps are the datasets')."""
    shutil.copytree(PROJECT_ROOT / "data" / "sources", tmp_path / "data" / "sources")
    return Settings(project_root=tmp_path, store_home=tmp_path / "store")


@pytest.fixture
def sleeps() -> list[float]:
    return []


def run(settings: Settings, sources: list[str], portal_url: str, sleeps: list[float], *,
        retries: int = 3, backoff: float = BACKOFF_S, today: date | None = None,
        progress: bool = False) -> list[str]:
    return fetch_sources(settings, sources, portal=portal_url, timeout=TIMEOUT_S, retries=retries,
                         progress=progress, backoff=backoff, sleep=sleeps.append, today=today)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entry(settings: Settings, relative: str) -> dict[str, object]:
    source, name = relative.split("/")
    data = tomllib.loads((settings.sources_dir / source / "manifest.toml").read_text(encoding="utf-8"))
    return next(f for f in data["files"] if f["name"] == name)


def edit_manifest(settings: Settings, source: str, top: dict[str, object] | None = None,
                  files: dict[str, dict[str, object]] | None = None, drop: tuple[str, ...] = ()) -> None:
    """Change the private copy of a manifest: top-level keys, keys of named file entries."""
    path = settings.sources_dir / source / "manifest.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.update(top or {})
    for file in data["files"]:
        file.update((files or {}).get(file["name"], {}))
        for key in drop:
            file.pop(key, None)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")


def use_opendatasoft(settings: Settings, source: str) -> None:
    edit_manifest(settings, source, {"portal_kind": "opendatasoft"})


# -- udata, the default ------------------------------------------------------------------------------


def test_udata_fetch_replaces_the_file_and_records_the_portal_s_description(
    project: Settings, portal: Portal, sleeps: list[float],
) -> None:
    before = snapshot(project.sources_dir)
    lines = run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 2, 3))
    body = fixture_bytes("musees-de-france-base-museofile.csv")
    target = project.sources_dir / MUSEOFILE_CSV
    assert target.read_bytes() == body
    record = entry(project, MUSEOFILE_CSV)
    assert record["sha256"] == hashlib.sha256(body).hexdigest()
    assert record["bytes"] == len(body)
    assert record["date"] == "2031-02-03"
    assert record["url"] == portal.resource("ok")
    assert record["portal_checksum"] == f"sha256:{hashlib.sha256(body).hexdigest()}"
    assert record["portal_modified"] == "2025-11-20T10:15:00.000000+00:00"
    assert record["portal_resource_id"] == "3ac1e9b2-5b1c-4a57-9d6f-0d1b7f3e2a10"
    assert record["fetch"] is True and record["note"] and record["resource_format"] == "csv"  # kept
    manifest = Manifest.load(target.parent)
    assert manifest.portal_dataset_id == MUSEOFILE_ID and manifest.licence.startswith("Licence Ouverte")
    assert manifest.extra["portal_kind"] == "udata" and manifest.extra["data_gouv_id"] == MUSEOFILE_UDATA
    # The dataset's resource list, then the one resource of format csv; a polite User-Agent on both.
    assert portal.paths() == [f"/ok/api/1/datasets/{MUSEOFILE_UDATA}/", f"/ok{MUSEOFILE_FILE_PATH}"]
    agent = USER_AGENT.format(site=project.base_iri)
    assert agent.startswith("culturegraph/") and "(+https://culturegraph.example/;" in agent
    assert all(h["User-Agent"] == agent for h in portal.headers_seen)
    assert portal.headers_seen[0]["Accept"] == "application/json"
    assert portal.headers_seen[1]["Accept"].startswith("text/csv")
    assert sleeps == []
    assert len(lines) == 1 and "updated" in lines[0] and "sha256 verified" in lines[0]
    assert "vintage ods-2022, 30 rows" in lines[0]
    # Only the museofile file and manifest changed; no temporary file is left behind.
    after = snapshot(project.sources_dir)
    assert set(after) == set(before)
    assert {k for k in after if after[k] != before[k]} == {MUSEOFILE_CSV, "museofile/manifest.toml"}
    # What was installed is what the build reads.
    table = load_registry().load_alias_table("museofile")
    result = read_table(target, table)
    assert len(result.records) == 30 and result.quarantined_rows == 0


def test_no_argument_fetches_every_fetchable_file(project: Settings, portal: Portal,
                                                 sleeps: list[float], capsys: pytest.CaptureFixture) -> None:
    old_export = (project.sources_dir / FREQ_OLD).read_bytes()
    old_entry = entry(project, FREQ_OLD)
    liste_before = (project.sources_dir / "liste-musees" / "manifest.toml").read_bytes()
    with pytest.raises(FetchError) as raised:
        run(project, [], portal.url("ok"), sleeps, progress=True)
    message = str(raised.value)
    assert "frequentation-des-musees-de-fr" in capsys.readouterr().err  # the byte progress bar
    # liste-musees has no confirmed data.gouv.fr id yet: it says so, the two others are fetched.
    assert message.startswith("1 of 3 file(s) not fetched:")
    assert (f"{LISTE_CSV}: {project.sources_dir / 'liste-musees' / 'manifest.toml'}: no `data_gouv_id` "
            "for liste-et-localisation-des-musees-de-france.csv") in message
    assert f"fetched:\n  {FREQ_CURRENT}: updated" in message and f"\n  {MUSEOFILE_CSV}: updated" in message
    assert (project.sources_dir / "liste-musees" / "manifest.toml").read_bytes() == liste_before
    # the title pattern picked ENTREES_ET_CATEGORIES_DE_PUBLIC.csv, not the other csv (a notice)
    assert (project.sources_dir / FREQ_CURRENT).read_bytes() == fixture_bytes(
        "frequentation-des-musees-de-france.csv")
    assert str(entry(project, FREQ_CURRENT)["portal_checksum"]).startswith("sha1:")
    assert "sha1 verified" in message
    # `fetch = false`: the historical export stays as shipped.
    assert (project.sources_dir / FREQ_OLD).read_bytes() == old_export
    assert entry(project, FREQ_OLD) == old_entry
    assert entry(project, FREQ_CURRENT)["date"] == date.today().isoformat()


def test_a_dataset_id_names_its_source(project: Settings, portal: Portal, sleeps: list[float]) -> None:
    lines = run(project, [MUSEOFILE_UDATA, "museofile", MUSEOFILE_ID], portal.url("ok"), sleeps)
    assert len(lines) == 1 and lines[0].startswith(MUSEOFILE_CSV)
    assert portal.hits[f"/ok/api/1/datasets/{MUSEOFILE_UDATA}/"] == 1


def test_several_matching_resources_are_listed_not_guessed(project: Settings, portal: Portal,
                                                           sleeps: list[float]) -> None:
    name = FREQ_CURRENT.split("/")[1]
    edit_manifest(project, "frequentation-musees", drop=("resource_title",))
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError) as raised:
        run(project, ["frequentation-musees"], portal.url("ok"), sleeps)
    message = str(raised.value)
    assert "2 resources match (resource of format 'csv' titled like '*')" in message
    assert "'ENTREES_ET_CATEGORIES_DE_PUBLIC.csv'" in message
    assert "'NOTICE_FREQUENTATION_MUSEES.csv'" in message
    assert "narrow `resource_title` or set `resource_id`" in message
    assert snapshot(project.sources_dir) == before
    # a resource id picks one, whatever its title
    edit_manifest(project, "frequentation-musees",
                  files={name: {"resource_id": "7708e380-e7f8-4b56-936a-5d2a262d852d"}})
    lines = run(project, ["frequentation-musees"], portal.url("ok"), sleeps)
    assert "updated" in lines[0]
    assert entry(project, FREQ_CURRENT)["url"] == portal.resource(
        "ok", "/ministere-culture/FREQ_MUSEES/ENTREES_ET_CATEGORIES_DE_PUBLIC.csv")


def test_a_recorded_portal_checksum_spares_the_download(project: Settings, portal: Portal,
                                                        sleeps: list[float]) -> None:
    run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 1, 1))
    before = snapshot(project.sources_dir)
    portal.requests.clear()
    lines = run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 1, 2))
    assert lines == [f"{MUSEOFILE_CSV}: unchanged (the portal's sha256 is the one recorded), not downloaded"]
    assert portal.paths() == [f"/ok/api/1/datasets/{MUSEOFILE_UDATA}/"]
    assert snapshot(project.sources_dir) == before
    # the file on disk no longer matches its manifest: it is downloaded again, and put right
    (project.sources_dir / MUSEOFILE_CSV).write_bytes(b"edited by hand\n")
    lines = run(project, ["museofile"], portal.url("ok"), sleeps)
    assert "updated" in lines[0]
    assert (project.sources_dir / MUSEOFILE_CSV).read_bytes() == fixture_bytes(
        "musees-de-france-base-museofile.csv")


@pytest.mark.parametrize(("scenario", "verified"), [
    ("md5", "md5 verified"),
    ("no-checksum", None),
    ("crc", None),
])
def test_checksum_kinds(project: Settings, portal: Portal, sleeps: list[float], scenario: str,
                        verified: str | None) -> None:
    lines = run(project, ["museofile"], portal.url(scenario), sleeps)
    assert "updated" in lines[0]
    record = entry(project, MUSEOFILE_CSV)
    if verified:
        assert verified in lines[0]
        body = fixture_bytes("musees-de-france-base-museofile.csv")
        assert record["portal_checksum"] == f"md5:{hashlib.md5(body).hexdigest()}"
    else:
        assert "verified" not in lines[0].replace("not verified", "")
        assert "portal_checksum" not in record
    if scenario == "crc":
        assert lines[0].endswith("(checksum type 'crc' not verified)")


@pytest.mark.parametrize("status", ["redirect", "redirect-permanent"])
def test_redirects_are_followed_within_the_allowed_hosts(project: Settings, portal: Portal,
                                                         sleeps: list[float], status: str) -> None:
    lines = run(project, ["museofile"], portal.url(status), sleeps)
    stable = f"/{status}/fr/datasets/r/3ac1e9b2-5b1c-4a57-9d6f-0d1b7f3e2a10"
    assert portal.paths() == [f"/{status}/api/1/datasets/{MUSEOFILE_UDATA}/", stable,
                              f"/{status}{MUSEOFILE_FILE_PATH}"]
    assert "updated" in lines[0]
    assert entry(project, MUSEOFILE_CSV)["url"] == f"{portal.base}{stable}"  # the URL the portal gave


# -- one client for both kinds: retries, Retry-After -------------------------------------------------


@pytest.mark.parametrize("kind", ["udata", "opendatasoft"])
def test_server_errors_are_retried_with_exponential_back_off(project: Settings, portal: Portal,
                                                            sleeps: list[float], kind: str) -> None:
    if kind == "opendatasoft":
        use_opendatasoft(project, "museofile")
    lines = run(project, ["museofile"], portal.url("flaky"), sleeps, retries=4)
    assert "updated" in lines[0]
    assert (project.sources_dir / MUSEOFILE_CSV).read_bytes() == fixture_bytes(
        "musees-de-france-base-museofile.csv")
    if kind == "udata":  # 500, 500, then 200: for the API answer, then for the file
        assert portal.hits[f"/flaky/api/1/datasets/{MUSEOFILE_UDATA}/"] == 3
        assert portal.hits[f"/flaky{MUSEOFILE_FILE_PATH}"] == 3
        assert sleeps == [BACKOFF_S, 2 * BACKOFF_S] * 2
    else:
        assert portal.hits[urlsplit(portal.export("flaky")).path] == 3
        assert sleeps == [BACKOFF_S, 2 * BACKOFF_S]


@pytest.mark.parametrize("kind", ["udata", "opendatasoft"])
def test_429_waits_as_long_as_retry_after_says(project: Settings, portal: Portal,
                                               sleeps: list[float], kind: str) -> None:
    if kind == "opendatasoft":
        use_opendatasoft(project, "museofile")
    lines = run(project, ["museofile"], portal.url("busy"), sleeps, backoff=100.0)
    assert sleeps == [0.0]  # Retry-After: 0, not the 100 s back-off
    assert "updated" in lines[0]


# scenario -> (the request that fails: "api" or "file", attempts it sees with retries=3, what the
# message must say). The checked-content failures come after a whole download of a broken file.
FAILURES = {
    "down": ("file", 3, ["HTTP 500 Internal Server Error", "gave up after 3 attempts"]),
    "down-api": ("api", 3, ["HTTP 500 Internal Server Error", "gave up after 3 attempts"]),
    "missing": ("api", 1, ["HTTP 404 Not Found: The requested URL was not found on the server",
                           f"data.gouv.fr has no dataset '{MUSEOFILE_UDATA}': check `data_gouv_id` in "]),
    "truncated": ("file", 3, ["HTTP 200: body truncated: received", "gave up after 3 attempts"]),
    "chunked-cut": ("file", 3, ["HTTP 200: download interrupted after", "gave up after 3 attempts"]),
    "slow": ("file", 3, ["HTTP 200: download interrupted after 1000 bytes: timed out"]),
    "slow-api": ("api", 3, ["failed: timed out", "gave up after 3 attempts"]),
    "busy-long": ("file", 1, ["HTTP 429", "retry after 3600 s"]),
    "bad-checksum": ("file", 1, ["HTTP 200: the body's sha256 is ",
                                 ", but resource 'musees-de-france-base-museofile.csv' "
                                 "(3ac1e9b2-5b1c-4a57-9d6f-0d1b7f3e2a10)", " announces ", "refused"]),
    "no-resource": ("api", 1, [f"no resource of format 'csv' titled like '*' in dataset '{MUSEOFILE_UDATA}'",
                               "its resources:\n    'musees-de-france-base-museofile.json' (format 'json', "
                               "id 9d0f6c4e", "\n    'Documentation des champs' (format 'pdf'"]),
    "ambiguous": ("api", 1, ["2 resources match"]),
    "html-api": ("api", 1, ["HTTP 200: not JSON (text/html)"]),
    "redirect-away": ("stable", 1, ["HTTP 302: redirect to http://localhost:", "is on host 'localhost', not "
                                    "one of the allowed hosts (127.0.0.1, object.data.gouv.fr, "
                                    "static.data.gouv.fr)", "`allowed_hosts`"]),
    "redirect-loop": ("stable", 6, ["more than 5 redirects"]),
    "cut-quote": ("file", 1, ["HTTP 200: body, line ", "the download ends inside a quoted cell"]),
    "latin1": ("file", 1, ["HTTP 200: body, line ", "not UTF-8"]),
    "html": ("file", 1, ["HTTP 200: body, line 1: header matches no known vintage of 'museofile'"]),
    "bad-quote-header": ("file", 1, ["HTTP 200: body, line 1: unreadable header: ';' expected after '\"'"]),
}


@pytest.mark.parametrize("scenario", sorted(FAILURES))
def test_a_failed_download_leaves_file_and_manifest_byte_identical(
    project: Settings, portal: Portal, sleeps: list[float], scenario: str,
) -> None:
    route, attempts, expected = FAILURES[scenario]
    url = {"api": portal.api(scenario), "file": portal.resource(scenario),
           "stable": f"{portal.url(scenario)}/fr/datasets/r/3ac1e9b2-5b1c-4a57-9d6f-0d1b7f3e2a10"}[route]
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError) as raised:
        run(project, ["museofile"], portal.url(scenario), sleeps)
    message = str(raised.value)
    assert f"{MUSEOFILE_CSV}: GET {url}" in message or f"{MUSEOFILE_CSV}: no resource" in message \
        or f"{MUSEOFILE_CSV}: 2 resources" in message
    for part in expected:
        assert part in message
    assert "previous file and manifest kept" in message
    assert portal.hits[urlsplit(url).path] == attempts
    if route == "api":
        assert portal.hits[f"/{scenario}{MUSEOFILE_FILE_PATH}"] == 0
    assert len(sleeps) == (attempts - 1 if route != "stable" else 0)
    assert all(h["Host"].startswith("127.0.0.1:") for h in portal.headers_seen)  # nothing went elsewhere
    assert snapshot(project.sources_dir) == before  # no temporary file left either


def test_the_line_of_a_cut_quoted_cell_is_the_row_it_starts_on(project: Settings, portal: Portal,
                                                              sleeps: list[float]) -> None:
    body = cut_inside_quoted_cell(fixture_bytes("musees-de-france-base-museofile.csv"))
    text = body.decode("utf-8")
    # The physical line the cut record starts on, found independently: lenient csv yields the cut
    # record as the last row.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    starts = [1]
    for _ in reader:
        starts.append(reader.line_num + 1)
    start = starts[-2]
    assert start > 2 and text.count("\n") > start  # a record in the middle, spread over several lines
    with pytest.raises(FetchError, match=rf"body, line {start}: the download ends inside a quoted cell"):
        run(project, ["museofile"], portal.url("cut-quote"), sleeps)


def test_a_new_column_is_fetched_with_a_warning_naming_it(project: Settings, portal: Portal,
                                                         sleeps: list[float]) -> None:
    lines = run(project, ["museofile"], portal.url("extra-column"), sleeps)
    assert len(lines) == 1
    updated, warning = lines[0].split("\n")
    assert updated.startswith(f"{MUSEOFILE_CSV}: updated") and "vintage ods-2022, 30 rows" in updated
    expected = (f"{MUSEOFILE_CSV}:1: column 'commentaire' (column 4) not mapped by vintage ods-2022 of "
                "mappings/museofile/aliases/museofile.toml: not read (map it, or list it in `_ignore` of "
                "[vintages.ods-2022])")
    assert warning == f"  warning: {expected}"
    target = project.sources_dir / MUSEOFILE_CSV
    assert target.read_bytes() == with_extra_column(fixture_bytes("musees-de-france-base-museofile.csv"))
    # the build will say the same of the file it reads
    table = load_registry().load_alias_table("museofile")
    result = read_table(target, table, root=project.sources_dir)
    assert result.warnings == [expected] and len(result.records) == 30 and result.problems == []


@pytest.mark.parametrize(("scenario", "limit", "expected"), [
    ("ok", 1000, "72,713 bytes announced, more than the limit of 1,000 (`max_bytes`)"),
    ("no-length", 1000, "HTTP 200: body larger than the limit of 1,000 bytes (`max_bytes`)"),
])
def test_a_download_larger_than_max_bytes_is_refused(project: Settings, portal: Portal,
                                                     sleeps: list[float], scenario: str, limit: int,
                                                     expected: str) -> None:
    assert len(fixture_bytes("musees-de-france-base-museofile.csv")) == 72713
    edit_manifest(project, "museofile", files={MUSEOFILE_CSV.split("/")[1]: {"max_bytes": limit}})
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError, match=re.escape(expected)):
        run(project, ["museofile"], portal.url(scenario), sleeps)
    assert sleeps == []  # not retried
    assert snapshot(project.sources_dir) == before


def test_connection_refused_is_retried_then_reported(project: Settings, sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError, match=rf"GET http://127\.0\.0\.1:{port}/api/1/datasets/{MUSEOFILE_UDATA}/ "
                                         r"failed: .*refused"):
        run(project, ["museofile"], f"http://127.0.0.1:{port}", sleeps)
    assert sleeps == [BACKOFF_S, 2 * BACKOFF_S]
    assert snapshot(project.sources_dir) == before


def test_one_failure_does_not_stop_the_others(project: Settings, portal: Portal,
                                              sleeps: list[float]) -> None:
    museofile_before = (project.sources_dir / MUSEOFILE_CSV).read_bytes()
    manifest_before = (project.sources_dir / "museofile" / "manifest.toml").read_bytes()
    with pytest.raises(FetchError) as raised:
        run(project, ["museofile", "frequentation-musees"], portal.url("partial"), sleeps)
    message = str(raised.value)
    assert message.startswith("1 of 2 file(s) not fetched:")
    assert f"{MUSEOFILE_CSV}: GET {portal.resource('partial')} → HTTP 503" in message
    assert f"fetched:\n  {FREQ_CURRENT}: updated" in message
    assert (project.sources_dir / MUSEOFILE_CSV).read_bytes() == museofile_before
    assert (project.sources_dir / "museofile" / "manifest.toml").read_bytes() == manifest_before
    assert (project.sources_dir / FREQ_CURRENT).read_bytes() == fixture_bytes(
        "frequentation-des-musees-de-france.csv")


def test_a_manifest_that_cannot_be_written_puts_the_old_file_back(
    project: Settings, portal: Portal, sleeps: list[float], monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(project.sources_dir)

    def refuse(self: Manifest) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(manifest_module.Manifest, "save", refuse)
    with pytest.raises(OSError, match="No space left"):
        run(project, ["museofile"], portal.url("ok"), sleeps)
    assert snapshot(project.sources_dir) == before


def test_unknown_source_names_the_known_ones(project: Settings, portal: Portal,
                                             sleeps: list[float]) -> None:
    with pytest.raises(FetchError) as raised:
        run(project, ["museofil"], portal.url("ok"), sleeps)
    message = str(raised.value)
    assert "unknown source(s): museofil" in message
    for known in ("museofile", "liste-musees", "frequentation-musees", MUSEOFILE_ID, MUSEOFILE_UDATA):
        assert known in message
    assert portal.requests == []


def test_an_unknown_portal_kind_names_the_known_ones(project: Settings, portal: Portal,
                                                     sleeps: list[float]) -> None:
    edit_manifest(project, "museofile", {"portal_kind": "ckan"})
    with pytest.raises(FetchError, match=r"unknown `portal_kind` 'ckan' .* \(known: opendatasoft, udata\)"):
        run(project, ["museofile"], portal.url("ok"), sleeps)
    assert portal.requests == []
    assert set(FETCHERS) == {"udata", "opendatasoft"}


# -- Opendatasoft ------------------------------------------------------------------------------------


def test_opendatasoft_export_replaces_the_file(project: Settings, portal: Portal,
                                               sleeps: list[float]) -> None:
    use_opendatasoft(project, "museofile")
    lines = run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 2, 3))
    assert "updated" in lines[0] and "vintage ods-2022, 30 rows" in lines[0] and "verified" not in lines[0]
    record = entry(project, MUSEOFILE_CSV)
    assert record["url"] == portal.export("ok") and record["date"] == "2031-02-03"
    assert "portal_checksum" not in record
    # One GET, with the export options of the manifest's URL.
    assert portal.requests == [("GET", urlsplit(portal.export("ok"))._replace(scheme="", netloc="")
                                .geturl())]


def test_same_content_is_reported_unchanged_and_not_rewritten(project: Settings, portal: Portal,
                                                              sleeps: list[float]) -> None:
    use_opendatasoft(project, "museofile")
    run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 1, 1))
    target = project.sources_dir / MUSEOFILE_CSV
    manifest = target.parent / "manifest.toml"
    stamps = (target.stat().st_mtime_ns, manifest.stat().st_mtime_ns)
    before = snapshot(project.sources_dir)
    lines = run(project, ["museofile"], portal.url("no-length"), sleeps, today=date(2031, 1, 2))
    assert len(lines) == 1 and "unchanged" in lines[0]
    assert snapshot(project.sources_dir) == before  # the date stays 2031-01-01
    assert (target.stat().st_mtime_ns, manifest.stat().st_mtime_ns) == stamps


def test_a_download_ending_in_a_short_row_is_refused(project: Settings, portal: Portal,
                                                    sleeps: list[float]) -> None:
    use_opendatasoft(project, "liste-musees")
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError, match=r"body, line 12: the last row has 3 fields, the header 14"):
        run(project, ["liste-musees"], portal.url("cut-row"), sleeps)
    assert snapshot(project.sources_dir) == before


def test_a_badly_quoted_row_inside_a_whole_download_is_left_to_the_reader(
    project: Settings, portal: Portal, sleeps: list[float],
) -> None:
    use_opendatasoft(project, "liste-musees")
    lines = run(project, ["liste-musees"], portal.url("bad-quote-row"), sleeps)
    assert "updated" in lines[0] and "30 rows" in lines[0]
    target = project.sources_dir / LISTE_CSV
    liste = fixture_bytes("liste-et-localisation-des-musees-de-france.csv")
    assert target.read_bytes() == bad_quote_in_row_5(liste)


def test_export_url_takes_the_query_of_the_manifest_url(project: Settings) -> None:
    manifest = Manifest.load(project.sources_dir / "museofile")
    file = manifest.files[0]
    assert export_url(Entry(manifest, file)) == (
        f"https://data.culture.gouv.fr/api/explore/v2.1/catalog/datasets/{MUSEOFILE_ID}/exports/csv?{QUERY}")
    assert export_url(Entry(manifest, file, "http://127.0.0.1:9/mirror/")).startswith(
        f"http://127.0.0.1:9/mirror/api/explore/v2.1/catalog/datasets/{MUSEOFILE_ID}/exports/csv?")
    file.url = ""
    assert export_url(Entry(manifest, file)).endswith(f"/exports/csv?{QUERY}")
    file.extra["export_query"] = "where=dpt%3D%22Paris%22"
    assert export_url(Entry(manifest, file)).endswith("/exports/csv?where=dpt%3D%22Paris%22")


# -- a dataset declares its own ids: the Heritage Days, one dataset per year ------------------------


HERITAGE_DAYS = {
    "source": "heritage-days",
    "title": "Journées européennes du patrimoine (test source)",
    "portal_kind": "opendatasoft",  # the source's default: OpenAgenda's Opendatasoft portal…
    "portal": "https://public.opendatasoft.com",
    "portal_dataset_id": "evenements-publics-openagenda",
    "licence": "not stated in the copies",
    "licence_url": "",
    "attribution": "OpenAgenda",
    "files": [
        # …and, per year, the ministry's dataset on data.gouv.fr
        {"name": "jep-2023.json", "fetch": True, "export_format": "json", "portal_kind": "udata",
         "data_gouv_id": "64bf48ef0f6336d5979f7201"},
        {"name": "jep-2024.json", "fetch": True, "export_format": "json", "portal_kind": "udata",
         "data_gouv_id": "6691fbc4e33ff438151ff6b6"},
        {"name": "jep-2025-openagenda.json", "fetch": True, "export_format": "json",
         "export_query": "where=search(originagenda_title%2C%22patrimoine%202025%22)"},
    ],
}


def test_a_source_declares_its_datasets_per_file_in_its_manifest(project: Settings, portal: Portal,
                                                                  sleeps: list[float]) -> None:
    folder = project.sources_dir / "heritage-days"
    folder.mkdir()
    (folder / "manifest.toml").write_text(tomli_w.dumps(HERITAGE_DAYS), encoding="utf-8")
    lines = run(project, ["heritage-days"], portal.url("ok"), sleeps)
    names = ["heritage-days/jep-2023.json", "heritage-days/jep-2024.json",
             "heritage-days/jep-2025-openagenda.json"]
    assert [line.split(":")[0] for line in lines] == names
    assert "md5 verified, 3 records" in lines[0] and "md5 verified, 3 records" in lines[1]
    assert ", 5 records) from " in lines[2]
    assert (folder / "jep-2023.json").read_bytes() == fixture_bytes("jep-2023.json")
    assert (folder / "jep-2025-openagenda.json").read_bytes() == fixture_bytes(
        "evenements-publics-openagenda.json")
    query = HERITAGE_DAYS["files"][2]["export_query"]  # type: ignore[index]
    assert ("GET", f"/ok/api/explore/v2.1/catalog/datasets/evenements-publics-openagenda/exports/json?"
                   f"{query}") in portal.requests
    assert "/ok/api/1/datasets/64bf48ef0f6336d5979f7201/" in portal.paths()
    # each year is also named by its own dataset id
    again = run(project, ["6691fbc4e33ff438151ff6b6"], portal.url("ok"), sleeps)
    assert [line.split(":")[0] for line in again] == names


def test_a_cut_json_export_is_refused(project: Settings, portal: Portal, sleeps: list[float]) -> None:
    folder = project.sources_dir / "heritage-days"
    folder.mkdir()
    only_openagenda = {**HERITAGE_DAYS, "files": HERITAGE_DAYS["files"][2:]}  # type: ignore[index]
    (folder / "manifest.toml").write_text(tomli_w.dumps(only_openagenda), encoding="utf-8")
    with pytest.raises(FetchError, match=r"HTTP 200: body, line \d+, column \d+: not JSON"):
        run(project, ["heritage-days"], portal.url("cut-half"), sleeps)
    assert not (folder / "jep-2025-openagenda.json").exists()
    assert [p.name for p in folder.iterdir()] == ["manifest.toml"]


# -- the client alone --------------------------------------------------------------------------------


def test_an_api_answer_larger_than_its_limit_is_refused(portal: Portal) -> None:
    with (HttpClient(HttpPolicy(max_api_bytes=100, attempts=1), {"127.0.0.1"}) as client,
          pytest.raises(FetchError, match=r"HTTP 200: answer larger than 100 bytes")):
        client.get_json(portal.api("ok"))
    with HttpClient(HttpPolicy(attempts=1), {"127.0.0.1"}) as client:
        assert client.get_json(portal.api("ok"))["id"] == MUSEOFILE_UDATA


def test_a_host_not_allowed_is_never_called(portal: Portal) -> None:
    with HttpClient(HttpPolicy(attempts=1), {"static.data.gouv.fr"}) as client:
        with pytest.raises(FetchError, match=r"GET http://127\.0\.0\.1:\d+/ok/.* is on host '127\.0\.0\.1'"):
            client.get_json(portal.api("ok"))
        with pytest.raises(FetchError, match=r"'file:///etc/passwd' is not an http\(s\) URL"):
            client.get_json("file:///etc/passwd")
    assert portal.requests == []


def test_the_environment_s_proxy_is_used(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", portal.base)  # the local server plays the proxy
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    url = f"http://portal.example/ok/api/1/datasets/{MUSEOFILE_UDATA}/"
    with HttpClient(HttpPolicy(attempts=1), {"portal.example"}) as client:
        assert client.get_json(url)["id"] == MUSEOFILE_UDATA
    assert portal.requests == [("GET", url)]  # the absolute URL: a proxy's request line
    assert portal.headers_seen[0]["Host"] == "portal.example"
    # loopback is never sent through a proxy
    with HttpClient(HttpPolicy(attempts=1), {"127.0.0.1"}) as client:
        assert client.get_json(portal.api("ok"))["id"] == MUSEOFILE_UDATA
    assert portal.requests[1] == ("GET", f"/ok/api/1/datasets/{MUSEOFILE_UDATA}/")


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after("7") == 7.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    later = retry_after("Fri, 01 Jan 2100 00:00:00 GMT")
    assert later is not None and later > HttpPolicy().max_retry_after_s  # not waited for


def test_the_udata_fixtures_announce_the_checksums_of_their_files() -> None:
    for path in sorted((FIXTURES / "udata").glob("*.json")):
        for resource in json.loads(path.read_text(encoding="utf-8"))["resources"]:
            name = urlsplit(resource["url"]).path.rsplit("/", 1)[-1]
            if name in FILES and resource.get("checksum"):
                checksum = resource["checksum"]
                assert hashlib.new(checksum["type"], fixture_bytes(FILES[name])).hexdigest() == \
                    checksum["value"], (path.name, name)
                assert resource["filesize"] == len(fixture_bytes(FILES[name]))


def test_cli_fetch(project: Settings, portal: Portal) -> None:
    runner = CliRunner()
    env = {"CULTUREGRAPH_HOME": str(project.project_root), "CULTUREGRAPH_STORE": None}
    store = str(project.project_root / "store")
    target = project.sources_dir / MUSEOFILE_CSV
    shipped = target.read_bytes()

    failed = runner.invoke(main, ["--store", store, "fetch", "museofile", "--portal", portal.url("missing"),
                                  "--no-progress"], env=env)
    assert failed.exit_code == 1, failed.output
    assert f"GET {portal.api('missing')} → HTTP 404" in failed.output
    assert f"data.gouv.fr has no dataset '{MUSEOFILE_UDATA}'" in failed.output
    assert target.read_bytes() == shipped

    done = runner.invoke(main, ["--store", store, "fetch", "museofile", "--portal", portal.url("ok"),
                                "--no-progress"], env=env)
    assert done.exit_code == 0, done.output
    assert f"{MUSEOFILE_CSV}: updated" in done.output
    assert target.read_bytes() == fixture_bytes("musees-de-france-base-museofile.csv")
    assert entry(project, MUSEOFILE_CSV)["url"] == portal.resource("ok")
