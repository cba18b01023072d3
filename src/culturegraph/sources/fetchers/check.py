"""Is a download whole and readable? One check per export format, chosen before the download starts.

CSV: the text decodes as UTF-8, its header is a known vintage of the source's alias table, and it does
not end inside a quoted cell or in a short row — checked with the reader's own header and row
functions, so fetch and build agree on what a file is. This module is the fetchers' only tie to the
reader (:func:`csv_shape` below). JSON and GeoJSON: the body parses (a cut body does not), and a GeoJSON
body is a FeatureCollection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from culturegraph.config import Settings
from culturegraph.datasets import load_registry
from culturegraph.sources.fetchers.client import FetchError
from culturegraph.sources.fetchers.spec import Entry
from culturegraph.sources.read import AliasTable, Header, SourceError, first_line, iter_rows, sniff_header


@dataclass(frozen=True)
class Checked:
    summary: str  # ", vintage ods-2022, 30 rows"
    warning: str | None = None


Check = Callable[[Path, str], Checked]  # (downloaded file, label for messages) -> Checked | FetchError


def csv_shape(path: Path, table: AliasTable, label: str) -> tuple[Header, int]:
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
    last = None
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
    return header, rows


def _csv(settings: Settings, entry: Entry) -> Check:
    try:
        table = load_registry(settings.datasets).load_alias_table(entry.manifest.folder.name)
    except LookupError as err:
        raise FetchError(f"{err}: nothing to check the download of {entry.label} against") from None

    def check(path: Path, label: str) -> Checked:
        header, rows = csv_shape(path, table, label)
        # A new column is named as the build will name it (source/file:1), not by the request.
        warning = header.warning(entry.label, table.display)
        return Checked(f", vintage {header.vintage}, {rows:,} rows", warning)

    return check


def _json(settings: Settings, entry: Entry) -> Check:
    geojson = entry.file.export_format == "geojson"

    def check(path: Path, label: str) -> Checked:
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as err:
            raise FetchError(f"{label}: not UTF-8 ({err.reason} at byte {err.start})") from None
        except json.JSONDecodeError as err:
            raise FetchError(f"{label}, line {err.lineno}, column {err.colno}: not JSON ({err.msg}); "
                             "truncated export?") from None
        if geojson:
            if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
                    or not isinstance(data.get("features"), list):
                raise FetchError(f"{label}: not a GeoJSON FeatureCollection")
            return Checked(f", {len(data['features']):,} features")
        if isinstance(data, list):
            return Checked(f", {len(data):,} records")
        return Checked("")

    return check


# export format -> the check of a download in that format; a format without one is refused.
CHECKS: dict[str, Callable[[Settings, Entry], Check]] = {"csv": _csv, "json": _json, "geojson": _json}


def checker_for(settings: Settings, entry: Entry) -> Check:
    """The check of ``entry``'s downloads, prepared before anything is downloaded."""
    make = CHECKS.get(entry.file.export_format)
    if make is None:
        raise FetchError(f"{entry.manifest_path}: no check for export format "
                         f"{entry.file.export_format!r} of {entry.file.name} (known: {', '.join(CHECKS)})")
    return make(settings, entry)
