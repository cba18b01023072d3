"""One robust CSV path for every tabular source, driven by per-vintage column alias tables.

``read_table`` takes a file and the alias table of its source (``aliases/<source>.toml`` of the dataset
that owns the source),
recognises the vintage from the header, and yields typed :class:`Record` objects that remember where
they came from. Rows it cannot read go to the quarantine (:class:`Problem`) and reading goes on;
only a file it cannot interpret at all (unknown header, empty) is refused with :class:`SourceError`.

Handled: UTF-8 with or without BOM, UTF-16 with a BOM, a file in Windows-1252/Latin-1 (decoded, and
reported), CRLF/LF/CR line ends, ``;``/tab/``,`` delimiters, multi-line quoted cells, doubled quotes, empty
trailing columns, short rows, a badly quoted cell (that row is quarantined, reading goes on), a quote left
open that swallows the following rows, and a file truncated inside a quoted cell.

A header that matches a vintage but has named columns the vintage does not map is read, and each such
column is reported in :attr:`ReadResult.warnings` (a vintage lists in ``_ignore`` the columns a curator
has chosen not to read, which silences them).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from culturegraph.sources.aliases import AliasTable, FieldSpec
from culturegraph.sources.model import Position, Problem, ReadResult, Record, SourceError
from culturegraph.sources.values import Normalised

__all__ = ["AliasTable", "FieldSpec", "Position", "Problem", "ReadResult", "Record", "SourceError",
           "read_table", "sniff_header", "iter_rows"]

csv.field_size_limit(16 * 1024 * 1024)

DELIMITERS = (";", "\t", ",")


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class _BadByte:
    """Where a file stopped being UTF-8: 1-based physical line and character column, the byte."""

    line: int
    character: int
    byte: bytes
    text_before: str  # the line up to the bad byte: gives the CSV column once the delimiter is known


def _decode(data: bytes) -> tuple[str, _BadByte | None]:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM; anything else is read as Windows-1252
    (a superset of Latin-1), with the position of the first byte that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        start = err.start
        before = data[:start].decode("utf-8-sig", errors="replace")
        lines = _LINE_BREAK.split(before)
        bad = _BadByte(len(lines), len(lines[-1]) + 1, data[start:start + 1], lines[-1])
        body = data.removeprefix(b"\xef\xbb\xbf")  # a BOM, then Latin-1 (a hand-edited file)
        return body.decode("cp1252", errors="replace"), bad


def first_line(text: str) -> str:
    return _LINE_BREAK.split(text, maxsplit=1)[0]


@dataclass(frozen=True)
class Header:
    """A header line recognised as a vintage of an alias table."""

    delimiter: str
    vintage: str
    columns: dict[str, int]  # field -> 0-based column
    cells: list[str]
    unmapped: list[tuple[int, str]]  # (1-based column, header) of named columns the vintage does not read

    @property
    def named_width(self) -> int:
        """Columns up to the last named one (exports pad the header with empty trailing columns)."""
        return max(i for i, h in enumerate(self.cells) if h.strip()) + 1

    def warning(self, file: str, table_file: str) -> str | None:
        """What a curator should hear about the columns that are not read, naming file, columns and
        vintage: columns the vintage does not map, and the earlier copies of a repeated header."""
        if not self.unmapped:
            return None
        names = [c.strip() for c in self.cells]
        last = {name: i + 1 for i, name in enumerate(names)}
        repeated = [(i, name) for i, name in self.unmapped if names.count(name) > 1]
        unmapped = [(i, name) for i, name in self.unmapped if names.count(name) == 1]
        parts = []
        if unmapped:
            columns = ", ".join(f"{name!r} (column {i})" for i, name in unmapped)
            them = "them" if len(unmapped) > 1 else "it"
            parts.append(f"column{'s' * (len(unmapped) > 1)} {columns} not mapped by vintage {self.vintage} "
                         f"of {table_file}: not read (map {them}, or list {them} in "
                         f"`_ignore` of [vintages.{self.vintage}])")
        parts += [f"header {name!r} repeated: column {i} not read (column {last[name]} is)"
                  for i, name in repeated]
        return f"{file}:1: " + "; ".join(parts)


def sniff_header(text: str, table: AliasTable, file: str) -> Header:
    """The delimiter and vintage of the first line of ``text``; :class:`SourceError` if there is none.

    The header is parsed strictly, like the rows after it: a header the row reader would stumble on
    is refused here rather than silently losing every row.
    """
    first = first_line(text)
    if not first.strip():
        raise SourceError(Position(file, 1), "empty file or empty header line")
    fallback: list[str] = []
    error: csv.Error | None = None
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([first], delimiter=delimiter, strict=True))
        except csv.Error as err:
            # Quoting is judged per delimiter ('"a";b' is bad with "," only): try the others first.
            error = error or err
            continue
        if len(cells) > len(fallback):
            fallback = cells
        matched = table.match(cells)
        if matched and table.delimiters.get(matched[0], delimiter) == delimiter:
            vintage, columns = matched
            return Header(delimiter, vintage, columns, cells, table.unmapped(vintage, cells))
    # A delimiter that split the header cleanly into columns wins over another's quoting error (a quoted
    # header always fails with the wrong delimiter): the header is readable, it just matches no vintage.
    if error is not None and len(fallback) < 2:
        raise SourceError(Position(file, 1), f"unreadable header: {error}")
    raise SourceError(Position(file, 1), table.explain_mismatch(fallback))


def _type_row(
    cells: list[str], line: int, table: AliasTable, vintage: str, columns: dict[str, int],
    header: list[str], file: str,
) -> tuple[Record | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    where: dict[str, tuple[int, str]] = {}
    row_error: Problem | None = None
    for name, index in columns.items():
        spec = table.fields[name]
        where[name] = (index + 1, header[index].strip())
        raw = cells[index].strip() if index < len(cells) else ""
        if not raw:
            if spec.required and row_error is None:
                row_error = Problem(file, line, index + 1, where[name][1], "",
                                    f"missing required value for {name}", "row quarantined")
            continue
        parse = table.parsers[spec.type]
        try:
            if spec.separator:
                parts = [p.strip() for p in raw.split(spec.separator) if p.strip()]
                value: Any = [parse(p) for p in parts]
            else:
                value = parse(raw)
        except ValueError as err:
            problem = Problem(file, line, index + 1, where[name][1], raw, str(err),
                              "row quarantined" if spec.required else "value dropped")
            if spec.required:
                row_error = row_error or problem
            else:
                problems.append(problem)
            continue
        if isinstance(value, Normalised):
            problems.append(Problem(file, line, index + 1, where[name][1], raw, str(value),
                                    "value normalised"))
            continue
        values[name] = value
    if row_error is not None:
        return None, [row_error]
    return Record(table.source, vintage, file, line, values, where), problems


class Row(NamedTuple):
    """A row after the header: physical start and end lines, and its cells or why it has none."""

    line: int
    end: int
    cells: list[str] | None
    error: str | None = None
    truncated: bool = False  # the text ends inside a quoted cell of this row: it is the last one


def _ends_in_quotes(err: csv.Error) -> bool:
    # CPython's wording (strict mode) for the end of the data inside a quoted cell.
    return "EOF" in str(err) or "unexpected end of data" in str(err)


def iter_rows(text: str, delimiter: str) -> Iterator[Row]:
    """Each row after the header of ``text``.

    Lines are physical lines of the file (a row with a multi-line quoted cell spans several). A row
    the csv module cannot parse (text after a closing quote) is reported and reading resumes on the
    next line; only the end of the file inside a quoted cell ends the reading (a row with
    ``truncated`` set). :func:`sniff_header` has made sure the header itself parses.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        next(reader)
    except StopIteration:
        return
    except csv.Error as err:
        yield Row(1, reader.line_num, None, f"unreadable header: {err}", _ends_in_quotes(err))
        return
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            if _ends_in_quotes(err):
                yield Row(start, reader.line_num, None, (
                    f"the file ends inside a quoted cell of the row starting on line {start} (truncated "
                    f"file, or a quote that is never closed): the rest of the file, from line {start}, "
                    "is not read"), truncated=True)
                return
            yield Row(start, reader.line_num, None, f"badly quoted cell: {err}")
            start = reader.line_num + 1
            continue
        yield Row(start, reader.line_num, cells)
        start = reader.line_num + 1


def _swallowed_lines(
    cells: list[str], columns: dict[str, int], table: AliasTable, delimiter: str, named_width: int,
    header: list[str],
) -> tuple[int, str] | None:
    """A quoted cell whose line breaks look like an unbalanced quote that ate the following rows:
    a line break in a mapped field that is not free text (ids, numbers, names), or a line inside the
    cell with a whole row's worth of delimiters. Returns (0-based column, header) of the first one."""
    one_line = {i for name, i in columns.items() if table.fields[name].type != "text"}
    for i, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        inner = _LINE_BREAK.split(cell)[1:]
        if i in one_line or any(line.count(delimiter) >= named_width - 1 for line in inner):
            return i, header[i].strip() if i < len(header) else ""
    return None


def _decoding_problem(file: str, bad: _BadByte, delimiter: str, header: list[str]) -> Problem:
    try:
        column = len(next(csv.reader([bad.text_before], delimiter=delimiter)))
    except (csv.Error, StopIteration):
        column = 1
    name = header[column - 1].strip() if bad.line > 1 and column <= len(header) else None
    char = bad.byte.decode("cp1252", errors="replace")
    return Problem(file, bad.line, column, name, f"{char} (byte 0x{bad.byte.hex().upper()})",
                   f"file is not UTF-8 (first bad byte on line {bad.line}, character {bad.character}); "
                   "read as Windows-1252: check the accents", "file decoded as cp1252")


def read_table(path: Path, table: AliasTable, root: Path | None = None) -> ReadResult:
    """Read one source file. Never raises for bad rows; raises :class:`SourceError` for unusable files."""
    file = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    problems: list[Problem] = []
    try:
        data = path.read_bytes()
    except OSError as err:
        raise SourceError(Position(file, 0), f"cannot read file: {err.strerror}") from None
    text, bad = _decode(data)
    sniffed = sniff_header(text, table, file)
    delimiter, vintage, columns, header = sniffed.delimiter, sniffed.vintage, sniffed.columns, sniffed.cells
    warning = sniffed.warning(file, table.display)
    if bad is not None:
        problems.append(_decoding_problem(file, bad, delimiter, header))
    named_width = sniffed.named_width
    records: list[Record] = []
    rows = 0
    for line, end, cells, error, _ in iter_rows(text, delimiter):
        if cells is not None and not any(c.strip() for c in cells):
            continue  # blank line
        rows += 1
        if cells is None:
            problems.append(Problem(file, line, None, None, "", error or "unreadable row",
                                    "row quarantined"))
            continue
        if len(cells) < named_width:
            problems.append(Problem(file, line, len(cells) or None, None, cells[-1] if cells else "",
                                    f"row has {len(cells)} fields, the header has {named_width} "
                                    "(truncated line or unquoted delimiter?)", "row quarantined"))
            continue
        extra = [(i, c) for i, c in enumerate(cells[named_width:], start=named_width) if c.strip()]
        if extra:
            i, c = extra[0]
            problems.append(Problem(file, line, i + 1, None, c,
                                    f"row has {len(cells)} fields, the header names {named_width}: "
                                    f"value in unnamed column {i + 1} (unquoted delimiter in a cell?)",
                                    "row quarantined"))
            continue
        swallowed = _swallowed_lines(cells, columns, table, delimiter, named_width, header)
        if swallowed is not None:
            i, name = swallowed
            problems.append(Problem(file, line, i + 1, name or None, cells[i][:200],
                                    f"quoted cell runs from line {line} to line {end}: a quote is "
                                    "probably not closed, and the rows in between are inside the cell",
                                    "row quarantined"))
            continue
        record, row_problems = _type_row(cells, line, table, vintage, columns, header, file)
        problems.extend(row_problems)
        if record is not None:
            records.append(record)
    return ReadResult(file=file, vintage=vintage, records=records, problems=problems, rows=rows,
                      warnings=[warning] if warning else [])
