"""What a reader produces, whatever the format: typed records, quarantine problems, and locators.

A :class:`Locator` says where a value was read: a CSV file's physical line and column (with the header
of that column), or a JSON file's JSON pointer (RFC 6901) and, for a collection such as a GeoJSON
``FeatureCollection``, the index of the feature. The quarantine, the provenance index, SHACL findings,
the curator report and the pages' Source section all speak in locators, so a new format needs a new
reader (``sources/readers/``), not a new column anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from culturegraph.sources.aliases import AliasTable


@dataclass(frozen=True)
class Locator:
    """Where something was read. ``file`` is relative to the project (``data/sources/<source>/<file>``)."""

    file: str

    @property
    def kind(self) -> str:
        return "file"

    def __str__(self) -> str:
        return self.file


@dataclass(frozen=True)
class CsvLocator(Locator):
    """A CSV position: 1-based physical line (the header is line 1), 1-based column and its header."""

    line: int = 0
    column: int | None = None
    header: str | None = None

    @property
    def kind(self) -> str:
        return "csv"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.column is not None:
            where += f", column {self.column}"
            if self.header:
                where += f" ({self.header})"
        return where


@dataclass(frozen=True)
class JsonLocator(Locator):
    """A JSON position: the JSON pointer of the value (``/features/2/properties/titre``) and, when the
    record is an item of a collection, its 0-based index there (``feature``)."""

    pointer: str = ""
    feature: int | None = None

    @property
    def kind(self) -> str:
        return "json"

    def __str__(self) -> str:
        where = f"{self.file}#{self.pointer or '/'}"
        if self.feature is not None:
            where += f" (item {self.feature})"
        return where


# Today's CSV name for a position (kept: the CSV reader and its tests speak of positions).
Position = CsvLocator


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """``join_pointer("/features/2", "properties", "a/b")`` → ``/features/2/properties/a~1b``."""
    for token in tokens:
        pointer += "/" + str(token).replace("~", "~0").replace("/", "~1")
    return pointer


@dataclass(frozen=True)
class Problem:
    """An entry of the quarantine report: where (a locator's parts), the value, why, and what was done.

    CSV problems fill ``line``/``column``/``header``; JSON problems fill ``pointer`` (and ``line`` 0)."""

    file: str
    line: int
    column: int | None
    header: str | None
    value: str
    reason: str
    action: str  # "row quarantined" | "value dropped" | "value normalised" | "file decoded as cp1252"
    pointer: str | None = None
    feature: int | None = None

    @property
    def locator(self) -> Locator:
        if self.pointer is not None:
            return JsonLocator(self.file, self.pointer, self.feature)
        return CsvLocator(self.file, self.line, self.column, self.header)

    def __str__(self) -> str:
        value = f" value {self.value!r}" if self.value else ""
        return f"{self.locator}:{value} {self.reason} [{self.action}]"


class SourceError(Exception):
    """A file that cannot be read at all. The message names the file and the position."""

    def __init__(self, position: Locator, reason: str) -> None:
        super().__init__(f"{position}: {reason}")
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class Record:
    """One typed source record (a CSV row, a JSON object, a GeoJSON feature).

    ``values`` holds only the fields that had a readable, non-empty value. A CSV record has its
    physical ``line`` and ``columns`` (field → (1-based column, header)); a JSON record has ``line`` 0,
    its ``pointer`` and ``feature`` index, and ``paths`` (field → the JSON pointer of its value).
    """

    source: str
    vintage: str
    file: str
    line: int
    values: dict[str, Any]
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    pointer: str | None = None
    feature: int | None = None
    paths: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    @property
    def locator(self) -> Locator:
        """Where the record starts."""
        return self.position()

    def position(self, name: str | None = None) -> Locator:
        """Where the record (or its field ``name``) was read."""
        if self.pointer is not None:
            if name is not None and name in self.paths:
                return JsonLocator(self.file, self.paths[name], self.feature)
            return JsonLocator(self.file, self.pointer, self.feature)
        if name is not None and name in self.columns:
            column, header = self.columns[name]
            return CsvLocator(self.file, self.line, column, header)
        return CsvLocator(self.file, self.line)

    def problem(self, name: str | None, value: str, reason: str, action: str) -> Problem:
        """A quarantine entry about this record (or its field ``name``), located like the record."""
        where = self.position(name)
        if isinstance(where, JsonLocator):
            return Problem(self.file, 0, None, None, value, reason, action, where.pointer, where.feature)
        assert isinstance(where, CsvLocator)
        return Problem(self.file, where.line, where.column, where.header, value, reason, action)


@dataclass
class ReadResult:
    """One file read: its records, its quarantine, how many records it held, warnings about the file."""

    file: str
    vintage: str
    records: list[Record]
    problems: list[Problem]
    rows: int = 0  # data records seen (records + quarantined records)
    # About the file as a whole, not a row (so not in the quarantine): named columns nobody reads.
    warnings: list[str] = field(default_factory=list)

    @property
    def quarantined_rows(self) -> int:
        return sum(1 for p in self.problems if p.action == "row quarantined")


class ReadFunction(Protocol):
    def __call__(self, path: Path, table: AliasTable, *, root: Path | None = None) -> ReadResult:
        """Read one file with its source's field map; bad records go to the quarantine, a file that
        cannot be read at all raises :class:`~culturegraph.sources.model.SourceError`."""
        ...


@dataclass(frozen=True)
class Reader:
    """A reader of one source format. Built-in readers are the modules of ``culturegraph.sources.readers``
    (each defines ``READER``); others come from ``DatasetSpec.readers`` or the ``culturegraph.readers``
    entry point group. The manifest's ``format`` (or a file's own ``format``) picks one by name."""

    format: str  # "csv", "json", "geojson", …
    read: ReadFunction
    description: str = ""
