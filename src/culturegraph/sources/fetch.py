"""``culturegraph fetch``: download the portal's current exports into ``data/sources``, safely.

For every file whose manifest entry says ``fetch = true`` we GET the Opendatasoft Explore API v2.1
export ``{portal}/api/explore/v2.1/catalog/datasets/{portal_dataset_id}/exports/{format}?{query}``
(the query string is the one of the manifest's ``url``: delimiter, list separator, BOM…), retrying
transient failures (HTTP 5xx, 429, connection errors, timeouts, truncated bodies) with exponential
back-off. The body is streamed into a temporary file beside the target while it is hashed.

The download replaces the shipped file only once it is known to be whole and readable: the size matches
``Content-Length``; a CSV decodes as UTF-8, its header is a known vintage of the source's alias table
and it does not end inside a quoted cell or in a short row (checked with the reader's own header and
row functions, so fetch and build agree on what a file is). Then the file is swapped in with
``os.replace`` and the manifest (sha256, bytes, date, url) is rewritten. A failed or doubtful download
leaves the previous file and manifest exactly as they were.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit
from urllib.request import Request, urlopen

from tqdm import tqdm

import culturegraph
from culturegraph.config import Settings
from culturegraph.datasets import load_registry
from culturegraph.sources.manifest import Manifest, SourceFile, load_manifests, sha256_file
from culturegraph.sources.read import (
    AliasTable,
    Header,
    Row,
    SourceError,
    first_line,
    iter_rows,
    sniff_header,
)

EXPORT_PATH = "/api/explore/v2.1/catalog/datasets/{dataset}/exports/{format}"
# Used when a manifest entry has no URL to take the query string from (same as the shipped manifests).
DEFAULT_QUERY = {"csv": "delimiter=%3B&list_separator=%3B&quote_all=false&with_bom=true"}
ACCEPT = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
USER_AGENT = f"culturegraph/{culturegraph.__version__} (+https://culturegraph.example/)"
CHUNK = 1 << 16


class FetchError(Exception):
    """A download the user must hear about. The previous file and manifest are untouched."""


class _Transient(Exception):
    """A failure another attempt may cure; ``retry_after`` is the server's own wish, in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries per file; the n-th wait is ``backoff_s * 2**(n-1)``, at most ``max_wait_s``."""

    attempts: int = 4
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    # A Retry-After beyond this is not waited for: we give up and say so.
    max_retry_after_s: float = 300.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int) -> float:
        return min(self.backoff_s * 2 ** (attempt - 1), self.max_wait_s)


@dataclass(frozen=True)
class Download:
    """A complete body in a temporary file beside its target."""

    path: Path
    url: str
    status: int
    sha256: str
    size: int

    @property
    def request(self) -> str:
        return f"GET {self.url} → HTTP {self.status}"


def export_url(manifest: Manifest, file: SourceFile, portal: str | None = None) -> str:
    """The portal's export URL of ``file``; ``portal`` replaces the manifest's host (tests, mirrors)."""
    base = (portal or manifest.portal).rstrip("/")
    if not base or not manifest.portal_dataset_id:
        raise FetchError(f"{manifest.folder / 'manifest.toml'}: needs `portal` and `portal_dataset_id` "
                         "to fetch")
    path = EXPORT_PATH.format(dataset=quote(manifest.portal_dataset_id, safe=""),
                              format=quote(file.export_format, safe=""))
    query = urlsplit(file.url).query if file.url else DEFAULT_QUERY.get(file.export_format, "")
    return f"{base}{path}?{query}" if query else f"{base}{path}"


def select_manifests(manifests: dict[str, Manifest], names: list[str]) -> list[Manifest]:
    """The manifests named by source folder or portal dataset id; all fetchable ones if none is named."""
    fetchable = {folder for folder, m in manifests.items() if any(f.fetch for f in m.files)}
    if not names:
        return [manifests[folder] for folder in sorted(fetchable)]
    by_name: dict[str, str] = {}
    for folder, manifest in manifests.items():
        by_name[folder] = folder
        if manifest.portal_dataset_id:
            by_name.setdefault(manifest.portal_dataset_id, folder)
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(f"{folder} (portal id {manifests[folder].portal_dataset_id})"
                          for folder in sorted(fetchable))
        raise FetchError(f"unknown dataset(s): {', '.join(unknown)}; known: {known}")
    chosen: list[str] = []
    for name in names:
        folder = by_name[name]
        if folder not in fetchable:
            raise FetchError(f"{name}: no file in data/sources/{folder}/manifest.toml is marked "
                             "`fetch = true`")
        if folder not in chosen:
            chosen.append(folder)
    return [manifests[folder] for folder in chosen]


def _retry_after(value: str | None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _attempt(url: str, folder: Path, name: str, accept: str, timeout: float, progress: bool) -> Download:
    """One GET into a temporary file in ``folder``; raises :class:`_Transient` or :class:`FetchError`."""
    request = Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        response = urlopen(request, timeout=timeout)
    except HTTPError as err:
        message = f"GET {url} → HTTP {err.code} {err.reason}"
        retry_after = _retry_after(err.headers.get("Retry-After")) if err.headers else None
        err.close()
        if err.code == 429 or err.code >= 500:
            raise _Transient(message, retry_after) from None
        raise FetchError(message) from None
    except (URLError, OSError, http.client.HTTPException) as err:
        reason = err.reason if isinstance(err, URLError) else (str(err) or type(err).__name__)
        raise _Transient(f"GET {url} failed: {reason}") from None
    with response:
        status = response.status
        header = response.headers.get("Content-Length", "")
        expected = int(header) if header.strip().isdigit() else None
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        size = 0
        done = False
        try:
            with os.fdopen(fd, "wb") as out, tqdm(total=expected, unit="B", unit_scale=True,
                                                  unit_divisor=1024, desc=name[:40], leave=False,
                                                  disable=not progress) as bar:
                while True:
                    try:
                        chunk = response.read1(CHUNK)  # what has arrived: smooth progress, partial counts
                    except (OSError, http.client.HTTPException) as err:  # timeouts are OSErrors
                        reason = str(err) or type(err).__name__
                        raise _Transient(f"GET {url} → HTTP {status}: download interrupted after {size} "
                                         f"bytes: {reason}") from None
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    bar.update(len(chunk))
                out.flush()
                os.fsync(out.fileno())
            if expected is not None and size != expected:
                # http.client returns a short body without complaint when the peer closes early.
                raise _Transient(f"GET {url} → HTTP {status}: body truncated: received {size} of the "
                                 f"{expected} bytes announced by Content-Length")
            done = True
        finally:
            if not done:
                tmp.unlink(missing_ok=True)
    return Download(path=tmp, url=url, status=status, sha256=digest.hexdigest(), size=size)


def download(url: str, folder: Path, name: str, *, export_format: str = "csv", timeout: float = 60.0,
             policy: RetryPolicy | None = None, progress: bool = False) -> Download:
    """GET ``url`` into a temporary file of ``folder``, retrying transient failures with back-off."""
    policy = policy or RetryPolicy()
    accept = ACCEPT.get(export_format, "*/*")
    attempts = max(1, policy.attempts)
    for attempt in range(1, attempts + 1):
        try:
            return _attempt(url, folder, name, accept, timeout, progress)
        except _Transient as err:
            if attempt == attempts:
                raise FetchError(f"{err} (gave up after {attempts} attempt{'s' * (attempts > 1)})") from None
            if err.retry_after is not None and err.retry_after > policy.max_retry_after_s:
                raise FetchError(f"{err}: the server asks to retry after {err.retry_after:.0f} s; "
                                 "try again later") from None
            policy.sleep(err.retry_after if err.retry_after is not None else policy.delay(attempt))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class CsvCheck:
    """A whole, readable CSV download: its header as the reader sees it, and its data rows."""

    header: Header
    rows: int


def check_csv(path: Path, table: AliasTable, label: str) -> CsvCheck:
    """Header and data rows of a downloaded CSV, or :class:`FetchError` naming the line that is wrong.

    Only the end of the text inside a quoted cell, or in a short last row, is fatal: that is what a
    cut download looks like. A badly quoted row in the middle is the reader's business (it quarantines
    it), not a sign of an incomplete download, so it is only counted here.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise FetchError(f"{label}, line {line}: not UTF-8 ({err.reason} at byte {err.start})") from None
    if not first_line(text).strip():
        raise FetchError(f"{label}, line 1: empty download or empty header line")
    try:
        header = sniff_header(text, table, label)
    except SourceError as err:
        raise FetchError(f"{label}, line 1: {err.reason}") from None
    rows = 0
    last: Row | None = None
    for row in iter_rows(text, header.delimiter):
        if row.truncated:
            raise FetchError(f"{label}, line {row.line}: the download ends inside a quoted cell opened "
                             f"in the row starting on this line (truncated export?)")
        if row.cells is None or any(c.strip() for c in row.cells):
            rows += 1
            last = row
    if last is None:
        raise FetchError(f"{label}: header only, no data rows (incomplete export?)")
    cells = last.cells
    if cells is not None and len(cells) < header.named_width and len(cells) != len(header.cells):
        raise FetchError(f"{label}, line {last.line}: the last row has {len(cells)} fields, the header "
                         f"{header.named_width} (truncated download?)")
    return CsvCheck(header, rows)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename durable; not every platform can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _install(manifest: Manifest, file: SourceFile, got: Download, today: str) -> None:
    """Swap the download in, then rewrite the manifest; put the old file back if the manifest fails."""
    target = manifest.path(file)
    backup = target.with_name(f".{target.name}.previous")
    had_file = target.exists()
    if had_file:
        backup.unlink(missing_ok=True)
        try:
            os.link(target, backup)  # a second name, not a copy: cheap, and target never goes missing
        except OSError:
            shutil.copy2(target, backup)
    before = (file.sha256, file.bytes, file.date, file.url)
    try:
        os.replace(got.path, target)
        _fsync_dir(target.parent)
        file.sha256, file.bytes, file.date, file.url = got.sha256, got.size, today, got.url
        manifest.save()
    except BaseException:
        file.sha256, file.bytes, file.date, file.url = before
        if had_file:
            os.replace(backup, target)
        raise
    finally:
        backup.unlink(missing_ok=True)


def fetch_file(settings: Settings, manifest: Manifest, file: SourceFile, *, portal: str | None = None,
               timeout: float = 60.0, policy: RetryPolicy | None = None, progress: bool = False,
               today: date | None = None) -> str:
    """Fetch one manifest entry; a result line, or :class:`FetchError` with everything left as it was."""
    label = f"{manifest.folder.name}/{file.name}"
    url = export_url(manifest, file, portal)
    table: AliasTable | None = None
    if file.export_format == "csv":
        try:
            table = load_registry(settings.datasets).load_alias_table(manifest.folder.name)
        except LookupError as err:
            raise FetchError(f"{err}: nothing to check the download against") from None
    got = download(url, manifest.folder, file.name, export_format=file.export_format, timeout=timeout,
                   policy=policy, progress=progress)
    try:
        target = manifest.path(file)
        current = sha256_file(target) if target.exists() else None
        if current == got.sha256:
            if file.sha256 == got.sha256 and file.bytes == got.size:
                return f"{label}: unchanged (sha256 {got.sha256[:12]}…, {got.size:,} bytes)"
            # Same bytes as on disk, but the manifest disagrees with them: correct the manifest only.
            file.sha256, file.bytes = got.sha256, got.size
            manifest.save()
            return f"{label}: unchanged (sha256 {got.sha256[:12]}…); manifest checksum corrected"
        kind = ""
        warning: str | None = None
        if table is not None:
            checked = check_csv(got.path, table, f"{got.request}: body")
            kind = f", vintage {checked.header.vintage}, {checked.rows:,} rows"
            warning = checked.header.warning(label, table.display)
        previous = file.bytes
        _install(manifest, file, got, (today or date.today()).isoformat())
    finally:
        got.path.unlink(missing_ok=True)
    return (f"{label}: updated ({previous:,} → {got.size:,} bytes, sha256 {got.sha256[:12]}…{kind}) "
            f"from {got.url}" + (f"\n  warning: {warning}" if warning else ""))


def fetch_sources(settings: Settings, datasets: list[str], *, portal: str | None = None,
                  timeout: float = 60.0, retries: int = 4, progress: bool = False,
                  backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                  today: date | None = None) -> list[str]:
    """Fetch every ``fetch = true`` file of the named sources (all if none); one result line per file.

    ``retries`` is the number of attempts per file. Every selected file is tried even if one fails;
    then :class:`FetchError` lists the failures (and what did succeed).
    """
    manifests = load_manifests(settings.sources_dir)
    chosen = select_manifests(manifests, datasets)
    policy = RetryPolicy(attempts=retries, backoff_s=backoff, sleep=sleep)
    results: list[str] = []
    failures: list[str] = []
    for manifest in chosen:
        for file in manifest.files:
            if not file.fetch:
                continue
            try:
                results.append(fetch_file(settings, manifest, file, portal=portal, timeout=timeout,
                                          policy=policy, progress=progress, today=today))
            except FetchError as err:
                failures.append(f"{manifest.folder.name}/{file.name}: {err}; previous file and manifest "
                                "kept")
    if failures:
        done = "".join(f"\n  {line}" for line in results)
        raise FetchError(f"{len(failures)} of {len(failures) + len(results)} file(s) not fetched:"
                         + "".join(f"\n  {line}" for line in failures)
                         + (f"\nfetched:{done}" if done else ""))
    return results
