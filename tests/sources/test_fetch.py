"""``culturegraph fetch`` against a real HTTP server on 127.0.0.1 that serves portal-like exports.

The server answers ``/<scenario>/api/explore/v2.1/catalog/datasets/<id>/exports/csv``; the scenario
prefix (given as ``--portal``) picks how it behaves: fine, flaky, down, truncated, slow… Every test runs
on a private copy of data/sources, so the shipped files are never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
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
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from culturegraph.cli import main
from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.datasets import load_registry
from culturegraph.sources import fetch as fetch_module
from culturegraph.sources.fetch import FetchError, _retry_after, export_url, fetch_sources
from culturegraph.sources.manifest import Manifest
from culturegraph.sources.read import read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portal"
EXPORT = re.compile(r"^/(?P<scenario>[\w-]+)/api/explore/v2\.1/catalog/datasets/(?P<dataset>[\w-]+)"
                    r"/exports/csv$")
QUERY = "delimiter=%3B&list_separator=%3B&quote_all=false&with_bom=true"
MUSEOFILE_ID = "musees-de-france-base-museofile"
MUSEOFILE_CSV = "museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"
LISTE_CSV = "liste-musees/liste-et-localisation-des-musees-de-france.csv"
FREQ_CURRENT = ("frequentation-musees/frequentation-des-musees-de-france_ENTREES_ET_CATEGORIES_DE_PUBLIC_"
                "2014-2023.csv")
FREQ_OLD = "frequentation-musees/frequentation-des-musees-de-france_ods-export_2001-2021.csv"
SLOW_S = 2.0  # how long the "slow" route stalls mid-body; tests use a timeout well below it
TIMEOUT_S = 0.3
BACKOFF_S = 0.01


def fixture_bytes(dataset: str) -> bytes:
    return (FIXTURES / f"{dataset}.csv").read_bytes()


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


class Portal(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # the slow route's threads may still sleep when the module ends

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), PortalHandler)
        self.lock = threading.Lock()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.requests: list[tuple[str, str]] = []  # (method, path with query)

    def hit(self, scenario: str, dataset: str, method: str, path: str) -> int:
        with self.lock:
            self.requests.append((method, path))
            self.hits[scenario, dataset] += 1
            return self.hits[scenario, dataset]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and left makes the slow route's late writes fail: expected

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, scenario: str) -> str:
        return f"{self.base}/{scenario}"

    def export(self, scenario: str, dataset: str = MUSEOFILE_ID) -> str:
        return f"{self.url(scenario)}/api/explore/v2.1/catalog/datasets/{dataset}/exports/csv?{QUERY}"


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

    def do_GET(self) -> None:
        match = EXPORT.match(urlsplit(self.path).path)
        if not match:
            self.send_body(404, b'{"error_code": "NotFound"}', "application/json")
            return
        scenario, dataset = match["scenario"], match["dataset"]
        n = self.server.hit(scenario, dataset, self.command, self.path)
        path = FIXTURES / f"{dataset}.csv"
        if not path.is_file() or scenario == "missing":
            self.send_body(404, b'{"error_code": "DatasetNotFound", "message": "Unknown dataset"}',
                           "application/json")
            return
        body = path.read_bytes()
        if scenario == "ok":
            self.send_body(200, body)
        elif scenario == "no-length":  # body delimited by the end of the connection
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        elif scenario == "flaky":
            if n <= 2:
                self.send_body(500, b"Internal Server Error", "text/plain")
            else:
                self.send_body(200, body)
        elif scenario == "down":
            self.send_body(500, b"Internal Server Error", "text/plain")
        elif scenario == "partial":  # only Museofile is broken
            if dataset == MUSEOFILE_ID:
                self.send_body(503, b"Service Unavailable", "text/plain")
            else:
                self.send_body(200, body)
        elif scenario == "busy":
            if n == 1:
                self.send_body(429, b"Too Many Requests", "text/plain", headers={"Retry-After": "0"})
            else:
                self.send_body(200, body)
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
        elif scenario == "cut-quote":
            self.send_body(200, cut_inside_quoted_cell(body))
        elif scenario == "cut-row":
            self.send_body(200, cut_inside_row(body))
        elif scenario == "bad-quote-row":
            self.send_body(200, bad_quote_in_row_5(body))
        elif scenario == "bad-quote-header":
            self.send_body(200, bad_quote_in_header(body))
        elif scenario == "extra-column":
            self.send_body(200, with_extra_column(body))
        elif scenario == "latin1":
            self.send_body(200, body.decode("utf-8").encode("cp1252", errors="replace"))
        elif scenario == "html":  # a maintenance page served with 200
            self.send_body(200, b"<!DOCTYPE html>\n<html><body><h1>Maintenance</h1></body></html>\n",
                           "text/html")
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
            self.send_body(400, b"unknown scenario", "text/plain")


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
    return server


@pytest.fixture
def project(tmp_path: Path) -> Settings:
    """A private project tree: the shipped sources, nothing else (field maps are the datasets')."""
    shutil.copytree(PROJECT_ROOT / "data" / "sources", tmp_path / "data" / "sources")
    return Settings(project_root=tmp_path, store_home=tmp_path / "store")


@pytest.fixture
def sleeps() -> list[float]:
    return []


def run(settings: Settings, datasets: list[str], portal_url: str, sleeps: list[float], *,
        retries: int = 3, backoff: float = BACKOFF_S, today: date | None = None,
        progress: bool = False) -> list[str]:
    return fetch_sources(settings, datasets, portal=portal_url, timeout=TIMEOUT_S, retries=retries,
                         progress=progress, backoff=backoff, sleep=sleeps.append, today=today)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entry(settings: Settings, relative: str) -> dict[str, object]:
    source, name = relative.split("/")
    data = tomllib.loads((settings.sources_dir / source / "manifest.toml").read_text(encoding="utf-8"))
    return next(f for f in data["files"] if f["name"] == name)


def test_success_replaces_the_file_and_rewrites_the_manifest(project: Settings, portal: Portal,
                                                            sleeps: list[float]) -> None:
    before = snapshot(project.sources_dir)
    lines = run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 2, 3))
    body = fixture_bytes(MUSEOFILE_ID)
    target = project.sources_dir / MUSEOFILE_CSV
    assert target.read_bytes() == body
    record = entry(project, MUSEOFILE_CSV)
    assert record["sha256"] == hashlib.sha256(body).hexdigest()
    assert record["bytes"] == len(body)
    assert record["date"] == "2031-02-03"
    assert record["url"] == portal.export("ok")
    assert record["fetch"] is True and record["note"]  # the rest of the entry is kept
    manifest = Manifest.load(target.parent)
    assert manifest.portal_dataset_id == MUSEOFILE_ID and manifest.licence.startswith("Licence Ouverte")
    # One GET, with the export options of the manifest's URL.
    assert portal.requests == [("GET", urlsplit(portal.export("ok"))._replace(scheme="", netloc="")
                                .geturl())]
    assert sleeps == []
    assert len(lines) == 1 and "updated" in lines[0] and "vintage ods-2022" in lines[0]
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
    lines = run(project, [], portal.url("ok"), sleeps, progress=True)
    assert "liste-et-localisation-des-musees-de-fr" in capsys.readouterr().err  # the byte progress bar
    assert len(lines) == 3 and all("updated" in line for line in lines)
    assert (project.sources_dir / LISTE_CSV).read_bytes() == fixture_bytes(
        "liste-et-localisation-des-musees-de-france")
    assert (project.sources_dir / FREQ_CURRENT).read_bytes() == fixture_bytes(
        "frequentation-des-musees-de-france")
    # `fetch = false`: the historical export stays as shipped.
    assert (project.sources_dir / FREQ_OLD).read_bytes() == old_export
    assert entry(project, FREQ_OLD) == old_entry
    assert entry(project, FREQ_CURRENT)["date"] == date.today().isoformat()


def test_a_portal_dataset_id_names_its_source(project: Settings, portal: Portal,
                                             sleeps: list[float]) -> None:
    lines = run(project, ["liste-et-localisation-des-musees-de-france", "liste-musees"], portal.url("ok"),
                sleeps)
    assert len(lines) == 1 and lines[0].startswith(LISTE_CSV)
    assert sum(portal.hits.values()) == 1


def test_same_content_is_reported_unchanged_and_not_rewritten(project: Settings, portal: Portal,
                                                              sleeps: list[float]) -> None:
    run(project, ["museofile"], portal.url("ok"), sleeps, today=date(2031, 1, 1))
    target = project.sources_dir / MUSEOFILE_CSV
    manifest = target.parent / "manifest.toml"
    stamps = (target.stat().st_mtime_ns, manifest.stat().st_mtime_ns)
    before = snapshot(project.sources_dir)
    lines = run(project, ["museofile"], portal.url("no-length"), sleeps, today=date(2031, 1, 2))
    assert len(lines) == 1 and "unchanged" in lines[0]
    assert snapshot(project.sources_dir) == before  # the date stays 2031-01-01
    assert (target.stat().st_mtime_ns, manifest.stat().st_mtime_ns) == stamps


def test_server_errors_are_retried_with_exponential_back_off(project: Settings, portal: Portal,
                                                            sleeps: list[float]) -> None:
    lines = run(project, ["museofile"], portal.url("flaky"), sleeps, retries=4)
    assert portal.hits["flaky", MUSEOFILE_ID] == 3
    assert sleeps == [BACKOFF_S, 2 * BACKOFF_S]
    assert "updated" in lines[0]
    assert (project.sources_dir / MUSEOFILE_CSV).read_bytes() == fixture_bytes(MUSEOFILE_ID)


def test_429_waits_as_long_as_retry_after_says(project: Settings, portal: Portal,
                                               sleeps: list[float]) -> None:
    lines = run(project, ["museofile"], portal.url("busy"), sleeps, backoff=100.0)
    assert sleeps == [0.0]  # Retry-After: 0, not the 100 s back-off
    assert portal.hits["busy", MUSEOFILE_ID] == 2
    assert "updated" in lines[0]


# scenario -> (attempts the server sees with retries=3, what the message must say)
FAILURES = {
    "down": (3, ["HTTP 500 Internal Server Error", "gave up after 3 attempts"]),
    "missing": (1, ["HTTP 404 Not Found"]),
    "truncated": (3, ["HTTP 200", "body truncated: received", "gave up after 3 attempts"]),
    "chunked-cut": (3, ["HTTP 200: download interrupted after", "gave up after 3 attempts"]),
    "slow": (3, ["HTTP 200", "download interrupted after 1000 bytes: timed out"]),
    "busy-long": (1, ["HTTP 429", "retry after 3600 s"]),
    "cut-quote": (1, ["HTTP 200: body, line ", "the download ends inside a quoted cell"]),
    "latin1": (1, ["HTTP 200: body, line ", "not UTF-8"]),
    "html": (1, ["HTTP 200: body, line 1: header matches no known vintage of 'museofile'"]),
    "bad-quote-header": (1, ["HTTP 200: body, line 1: unreadable header: ';' expected after '\"'"]),
}


@pytest.mark.parametrize("scenario", sorted(FAILURES))
def test_a_failed_download_leaves_file_and_manifest_byte_identical(
    project: Settings, portal: Portal, sleeps: list[float], scenario: str,
) -> None:
    attempts, expected = FAILURES[scenario]
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError) as raised:
        run(project, ["museofile"], portal.url(scenario), sleeps)
    message = str(raised.value)
    assert f"GET {portal.export(scenario)}" in message
    for part in expected:
        assert part in message
    assert "previous file and manifest kept" in message
    assert portal.hits[scenario, MUSEOFILE_ID] == attempts
    assert len(sleeps) == attempts - 1
    assert snapshot(project.sources_dir) == before  # no temporary file left either


def test_the_line_of_a_cut_quoted_cell_is_the_row_it_starts_on(project: Settings, portal: Portal,
                                                              sleeps: list[float]) -> None:
    body = cut_inside_quoted_cell(fixture_bytes(MUSEOFILE_ID))
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


def test_a_download_ending_in_a_short_row_is_refused(project: Settings, portal: Portal,
                                                    sleeps: list[float]) -> None:
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError, match=r"body, line 12: the last row has 3 fields, the header 14"):
        run(project, ["liste-musees"], portal.url("cut-row"), sleeps)
    assert snapshot(project.sources_dir) == before


def test_a_badly_quoted_row_inside_a_whole_download_is_left_to_the_reader(
    project: Settings, portal: Portal, sleeps: list[float],
) -> None:
    lines = run(project, ["liste-musees"], portal.url("bad-quote-row"), sleeps)
    assert "updated" in lines[0] and "30 rows" in lines[0]
    target = project.sources_dir / LISTE_CSV
    liste = fixture_bytes("liste-et-localisation-des-musees-de-france")
    assert target.read_bytes() == bad_quote_in_row_5(liste)


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
    assert target.read_bytes() == with_extra_column(fixture_bytes(MUSEOFILE_ID))
    # the build will say the same of the file it reads
    table = load_registry().load_alias_table("museofile")
    result = read_table(target, table, root=project.sources_dir)
    assert result.warnings == [expected] and len(result.records) == 30 and result.problems == []


def test_connection_refused_is_retried_then_reported(project: Settings, sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = snapshot(project.sources_dir)
    with pytest.raises(FetchError, match=rf"GET http://127\.0\.0\.1:{port}/api/.* failed: .*refused"):
        run(project, ["museofile"], f"http://127.0.0.1:{port}", sleeps)
    assert sleeps == [BACKOFF_S, 2 * BACKOFF_S]
    assert snapshot(project.sources_dir) == before


def test_one_failure_does_not_stop_the_others(project: Settings, portal: Portal,
                                              sleeps: list[float]) -> None:
    museofile_before = (project.sources_dir / MUSEOFILE_CSV).read_bytes()
    manifest_before = (project.sources_dir / "museofile" / "manifest.toml").read_bytes()
    with pytest.raises(FetchError) as raised:
        run(project, ["museofile", "liste-musees"], portal.url("partial"), sleeps)
    message = str(raised.value)
    assert message.startswith("1 of 2 file(s) not fetched:")
    assert f"{MUSEOFILE_CSV}: GET {portal.export('partial')} → HTTP 503" in message
    assert f"fetched:\n  {LISTE_CSV}: updated" in message
    assert (project.sources_dir / MUSEOFILE_CSV).read_bytes() == museofile_before
    assert (project.sources_dir / "museofile" / "manifest.toml").read_bytes() == manifest_before
    assert (project.sources_dir / LISTE_CSV).read_bytes() == fixture_bytes(
        "liste-et-localisation-des-musees-de-france")


def test_a_manifest_that_cannot_be_written_puts_the_old_file_back(
    project: Settings, portal: Portal, sleeps: list[float], monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(project.sources_dir)

    def refuse(self: Manifest) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fetch_module.Manifest, "save", refuse)
    with pytest.raises(OSError, match="No space left"):
        run(project, ["museofile"], portal.url("ok"), sleeps)
    assert snapshot(project.sources_dir) == before


def test_unknown_dataset_names_the_known_ones(project: Settings, portal: Portal,
                                              sleeps: list[float]) -> None:
    with pytest.raises(FetchError) as raised:
        run(project, ["museofil"], portal.url("ok"), sleeps)
    message = str(raised.value)
    assert "unknown dataset(s): museofil" in message
    for known in ("museofile", "liste-musees", "frequentation-musees", MUSEOFILE_ID):
        assert known in message
    assert portal.requests == []


def test_export_url_takes_the_query_of_the_manifest_url(project: Settings) -> None:
    manifest = Manifest.load(project.sources_dir / "museofile")
    file = manifest.files[0]
    assert export_url(manifest, file) == (
        f"https://data.culture.gouv.fr/api/explore/v2.1/catalog/datasets/{MUSEOFILE_ID}/exports/csv?{QUERY}")
    assert export_url(manifest, file, "http://127.0.0.1:9/mirror/").startswith(
        f"http://127.0.0.1:9/mirror/api/explore/v2.1/catalog/datasets/{MUSEOFILE_ID}/exports/csv?")
    file.url = ""
    assert export_url(manifest, file).endswith(f"/exports/csv?{QUERY}")


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert _retry_after("7") == 7.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    later = _retry_after("Fri, 01 Jan 2100 00:00:00 GMT")
    assert later is not None and later > 365 * 24 * 3600


def test_cli_fetch(project: Settings, portal: Portal) -> None:
    runner = CliRunner()
    env = {"CULTUREGRAPH_HOME": str(project.project_root), "CULTUREGRAPH_STORE": None}
    store = str(project.project_root / "store")
    target = project.sources_dir / MUSEOFILE_CSV
    shipped = target.read_bytes()

    failed = runner.invoke(main, ["--store", store, "fetch", "museofile", "--portal", portal.url("missing"),
                                  "--no-progress"], env=env)
    assert failed.exit_code == 1, failed.output
    assert f"GET {portal.export('missing')} → HTTP 404" in failed.output
    assert target.read_bytes() == shipped

    done = runner.invoke(main, ["--store", store, "fetch", "museofile", "--portal", portal.url("ok"),
                                "--no-progress"], env=env)
    assert done.exit_code == 0, done.output
    assert f"{MUSEOFILE_CSV}: updated" in done.output
    assert target.read_bytes() == fixture_bytes(MUSEOFILE_ID)
    assert entry(project, MUSEOFILE_CSV)["url"] == portal.export("ok")
