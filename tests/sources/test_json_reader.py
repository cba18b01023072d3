"""The JSON reader: records and values located by JSON pointer, typed by the shared parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from culturegraph.sources.aliases import AliasTable
from culturegraph.sources.model import JsonLocator, SourceError
from culturegraph.sources.readers.json import read_json

TABLE = """
source = "toy"
[fields]
id = { type = "string", required = true }
annee = { type = "year" }
tags = { type = "string" }
[vintages.v1]
_records = "/features"
id = "/properties/id"
annee = "/properties/annee"
tags = "/properties/tags"
"""


def _setup(tmp_path: Path, doc: object) -> tuple[Path, AliasTable]:
    (tmp_path / "toy.toml").write_text(TABLE, encoding="utf-8")
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path, AliasTable.load(tmp_path / "toy.toml")


def test_records_are_located_by_pointer(tmp_path: Path) -> None:
    doc = {"features": [
        {"properties": {"id": "a", "annee": 1914, "tags": ["x", "y"]}},
        {"properties": {"annee": "1915"}},
        {"properties": {"id": "c", "annee": "vers 1916"}},
    ]}
    path, table = _setup(tmp_path, doc)
    result = read_json(path, table, root=tmp_path)
    assert result.vintage == "v1" and result.rows == 3
    first = result.records[0]
    assert first.values == {"id": "a", "annee": 1914, "tags": ["x", "y"]}
    assert first.position("annee") == JsonLocator("toy.json", "/features/0/properties/annee", 0)
    assert str(first.locator) == "toy.json#/features/0 (item 0)"
    missing, dropped = result.problems
    assert (missing.pointer, missing.action) == ("/features/1/properties/id", "row quarantined")
    assert (dropped.pointer, dropped.feature, dropped.action) == ("/features/2/properties/annee", 2,
                                                                 "value dropped")
    assert str(dropped).startswith("toy.json#/features/2/properties/annee (item 2): value 'vers 1916'")


def test_a_document_of_no_vintage_is_refused(tmp_path: Path) -> None:
    path, table = _setup(tmp_path, {"items": []})
    with pytest.raises(SourceError, match="matches no known vintage of 'toy'"):
        read_json(path, table, root=tmp_path)


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path, table = _setup(tmp_path, {})
    path.write_text('{"features": [\n  {"a": 1,}\n]}', encoding="utf-8")
    with pytest.raises(SourceError, match=r"toy.json:2, column 11: not JSON"):
        read_json(path, table, root=tmp_path)


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_bad_json_position_counts_cr_line_breaks(tmp_path: Path, newline: str) -> None:
    """Bare CR (and CRLF) line breaks count as lines in the position of a syntax error, as LF does."""
    path, table = _setup(tmp_path, {})
    path.write_bytes(newline.join(['{"features": [', '  {"a": 1,}', ']}']).encode("utf-8"))
    with pytest.raises(SourceError, match=r"toy.json:2, column 11: not JSON"):
        read_json(path, table, root=tmp_path)


def test_bom_and_bare_cr_line_breaks_are_read(tmp_path: Path) -> None:
    """A UTF-8 BOM and bare CR line breaks (the base Mémoire GeoJSON extracts) read like plain JSON."""
    path, table = _setup(tmp_path, {})
    text = ('{"features": [\r {"properties": {"id": "APD1", "annee": "1917"}},'
            '\r {"properties": {"id": "é", "tags": "x"}}\r]}')
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = read_json(path, table, root=tmp_path)
    assert [r.values for r in result.records] == [{"id": "APD1", "annee": 1917}, {"id": "é", "tags": "x"}]
    assert result.records[1].position("id") == JsonLocator("toy.json", "/features/1/properties/id", 1)


def test_an_optional_field_need_not_be_in_any_record(tmp_path: Path) -> None:
    # Opendatasoft's API v1 omits empty fields: a page may hold no record with a given field at all.
    doc = {"features": [{"properties": {"id": "a", "annee": 1914}}]}
    path, table = _setup(tmp_path, doc)
    with pytest.raises(SourceError, match="matches no known vintage"):
        read_json(path, table, root=tmp_path)  # `tags` is in no record: v1 does not fit
    (tmp_path / "toy.toml").write_text(TABLE.replace('_records = "/features"',
                                                     '_records = "/features"\n_optional = ["tags"]'),
                                       encoding="utf-8")
    table = AliasTable.load(tmp_path / "toy.toml")
    assert table.optional == {"v1": frozenset({"tags"})}
    result = read_json(path, table, root=tmp_path)
    assert result.vintage == "v1" and result.records[0].values == {"id": "a", "annee": 1914}
