"""The JSON reader (``format = "json"``): records located by JSON pointer (RFC 6901).

The source's field map (``aliases/<source>.toml``) gives, per vintage, ``_records`` — the pointer of the
array of records (``"/features"``, ``"/events"``; ``""`` when the document is the array) — and for each
field the pointer of its value inside a record (``"/properties/titre"``). A vintage matches when its
records pointer is an array and each of its fields is found in at least one record (the one with the
most fields wins; a field of its ``_optional`` list need be in none). Values are typed by the same
parsers as CSV cells (a JSON number or boolean is typed from its JSON text); a list is a multi-valued
field. Every record, value and problem is located by its pointer (``/features/2/properties/titre``)
and its index in the array.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from culturegraph.sources.aliases import AliasTable
from culturegraph.sources.model import (
    CsvLocator,
    JsonLocator,
    Problem,
    Reader,
    ReadResult,
    Record,
    SourceError,
    join_pointer,
)
from culturegraph.sources.values import Normalised

_MISSING = object()


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``document``, or ``_MISSING``."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        return _MISSING
    node = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if token not in node:
                return _MISSING
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                return _MISSING
            node = node[int(token)]
        else:
            return _MISSING
    return node


def _text(value: Any) -> str:
    """A JSON scalar as the text a parser reads (strings as they are, numbers/booleans as JSON)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, lines ending in LF, CRLF or a bare CR: ``json`` counts LF
    only, and some exports (the base Mémoire extracts) break lines with bare CRs, so every error would be
    on line 1."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def match_vintage(document: Any, table: AliasTable) -> tuple[str, str, list[Any]] | None:
    """(vintage, records pointer, records) of the vintage that fits ``document`` best."""
    best: tuple[int, str, str, list[Any]] | None = None
    for vintage, fields in table.vintages.items():
        pointer = table.records.get(vintage, "")
        items = resolve(document, pointer)
        if not isinstance(items, list):
            continue
        optional = table.optional.get(vintage, frozenset())
        found = [any(isinstance(i, (dict, list)) and resolve(i, p) is not _MISSING for i in items)
                 for name, p in fields.items() if name not in optional]
        if items and not all(found):
            continue
        if best is None or len(fields) > best[0]:
            best = (len(fields), vintage, pointer, items)
    return (best[1], best[2], best[3]) if best else None


def read_json(path: Path, table: AliasTable, *, root: Path | None = None) -> ReadResult:
    """Read one JSON file. Never raises for bad records; raises :class:`SourceError` for unusable files."""
    file = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise SourceError(CsvLocator(file, 0), f"cannot read file: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise SourceError(CsvLocator(file, 0), f"not UTF-8 (byte {err.start}): JSON is UTF-8") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        line, column = _position(text, err.pos)
        raise SourceError(CsvLocator(file, line, column), f"not JSON: {err.msg}") from None
    matched = match_vintage(document, table)
    if matched is None:
        wanted = "; ".join(f"vintage {v}: records at {table.records.get(v, '') or '/'}, fields "
                           + ", ".join(f"{f} at {p}" for f, p in fields.items())
                           for v, fields in table.vintages.items())
        raise SourceError(JsonLocator(file, ""), f"matches no known vintage of {table.source!r} ({wanted}). "
                          f"A new vintage is a table entry in {table.path or table.source + '.toml'}")
    vintage, records_pointer, items = matched
    records: list[Record] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        pointer = join_pointer(records_pointer, index)
        record, found = _type_record(item, index, pointer, table, vintage, file)
        problems.extend(found)
        if record is not None:
            records.append(record)
    return ReadResult(file=file, vintage=vintage, records=records, problems=problems, rows=len(items))


def _type_record(
    item: Any, index: int, pointer: str, table: AliasTable, vintage: str, file: str
) -> tuple[Record | None, list[Problem]]:
    def problem(at: str, value: str, reason: str, action: str) -> Problem:
        return Problem(file, 0, None, None, value, reason, action, at, index)

    if not isinstance(item, dict):
        return None, [problem(pointer, _text(item)[:200], "a record is a JSON object", "row quarantined")]
    values: dict[str, Any] = {}
    paths: dict[str, str] = {}
    problems: list[Problem] = []
    for name, relative in table.vintages[vintage].items():
        spec = table.fields[name]
        at = pointer + relative
        paths[name] = at
        raw = resolve(item, relative)
        empty = raw is _MISSING or raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []
        if empty:
            if spec.required:
                return None, [problem(at, "", f"missing required value for {name}", "row quarantined")]
            continue
        parse = table.parsers[spec.type]
        try:
            if isinstance(raw, list):
                value: Any = [parse(_text(v).strip()) for v in raw if _text(v).strip()]
            elif isinstance(raw, dict):
                raise ValueError(f"an object, not a value, for {name}")
            elif spec.separator and isinstance(raw, str):
                value = [parse(p.strip()) for p in raw.split(spec.separator) if p.strip()]
            else:
                value = parse(_text(raw).strip())
        except ValueError as err:
            shown = _text(raw)[:200]
            if spec.required:
                return None, [problem(at, shown, str(err), "row quarantined")]
            problems.append(problem(at, shown, str(err), "value dropped"))
            continue
        if isinstance(value, Normalised):
            problems.append(problem(at, _text(raw), str(value), "value normalised"))
            continue
        values[name] = value
    record = Record(table.source, vintage, file, 0, values, pointer=pointer, feature=index, paths=paths)
    return record, problems


READER = Reader("json", read_json, "JSON documents; records and fields located by JSON pointer")
