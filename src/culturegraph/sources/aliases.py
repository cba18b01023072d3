"""Field maps of the sources (``aliases/<source>.toml`` in a dataset's package).

A table names a source's canonical fields (type, required, separator) and, per export vintage, where
each field is in that vintage: a column header for CSV, a JSON pointer for JSON. Readers recognise the
vintage of a file from it and type the values with ``sources/values.PARSERS``.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from culturegraph.config import PROJECT_ROOT
from culturegraph.sources.values import PARSERS


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str = "string"
    required: bool = False
    separator: str | None = None  # multi-valued cell: split on this, each part typed


@dataclass(frozen=True)
class AliasTable:
    """Canonical fields of a source and, per vintage, the column header each field has in that vintage.

    A vintage may pin its delimiter (``_delimiter = ";"``) and list the columns of the file it
    deliberately does not read (``_ignore = ["adresse", …]``): any other named column it does not map
    is reported when a file is read.

    For a JSON source the same table is the field map: a vintage names, instead of column headers,
    the JSON pointer of each field inside a record (``titre = "/properties/titre"``), and
    ``_records`` is the JSON pointer of the array of records (``"/features"``; ``""``: the document).
    A JSON source that omits empty fields (Opendatasoft's API v1) lists in ``_optional`` the fields a
    file may hold in none of its records without failing to match the vintage.
    """

    source: str
    fields: dict[str, FieldSpec]
    vintages: dict[str, dict[str, str]]
    delimiters: dict[str, str] = field(default_factory=dict)
    ignored: dict[str, frozenset[str]] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)  # JSON: vintage → pointer of the records
    optional: dict[str, frozenset[str]] = field(default_factory=dict)  # JSON: fields no record may have
    # Value types: type name → parser (sources/values.PARSERS and the datasets' own types).
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=lambda: PARSERS)
    path: Path | None = None  # the TOML file (named in messages)

    @classmethod
    def load(cls, path: Path, parsers: Mapping[str, Callable[[str], Any]] | None = None) -> AliasTable:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        fields = {
            name: FieldSpec(name=name, **spec) for name, spec in data.get("fields", {}).items()
        }
        vintages: dict[str, dict[str, str]] = {}
        delimiters: dict[str, str] = {}
        ignored: dict[str, frozenset[str]] = {}
        records: dict[str, str] = {}
        optional: dict[str, frozenset[str]] = {}
        for vintage, columns in data.get("vintages", {}).items():
            columns = dict(columns)
            if "_delimiter" in columns:
                delimiters[vintage] = columns.pop("_delimiter")
            if "_records" in columns:
                records[vintage] = columns.pop("_records")
            if "_ignore" in columns:
                ignore = columns.pop("_ignore")
                if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
                    raise ValueError(f"{path}: vintage {vintage}: `_ignore` is a list of column headers")
                ignored[vintage] = frozenset(c.strip() for c in ignore)
            if "_optional" in columns:
                names = columns.pop("_optional")
                if not isinstance(names, list) or not all(isinstance(c, str) for c in names):
                    raise ValueError(f"{path}: vintage {vintage}: `_optional` is a list of field names")
                optional[vintage] = frozenset(names)
            unknown = (set(columns) | optional.get(vintage, frozenset())) - set(fields)
            if unknown:
                raise ValueError(f"{path}: vintage {vintage} maps unknown fields {sorted(unknown)}")
            vintages[vintage] = columns
        return cls(source=data.get("source", path.stem), fields=fields, vintages=vintages,
                   delimiters=delimiters, ignored=ignored, records=records, optional=optional,
                   parsers=parsers if parsers is not None else PARSERS, path=path)

    @property
    def display(self) -> str:
        """The table's file as messages name it: relative to the project when it is inside."""
        if self.path is None:
            return f"aliases/{self.source}.toml"
        path = self.path.resolve()
        return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)

    def match(self, header: list[str]) -> tuple[str, dict[str, int]] | None:
        """The vintage whose columns are all in ``header``, with each field's 0-based column index."""
        index = {name.strip(): i for i, name in enumerate(header) if name.strip()}
        best: tuple[str, dict[str, int]] | None = None
        for vintage, columns in self.vintages.items():
            if all(col in index for col in columns.values()):
                found = {fld: index[col] for fld, col in columns.items()}
                if best is None or len(found) > len(best[1]):
                    best = (vintage, found)
        return best

    def unmapped(self, vintage: str, header: list[str]) -> list[tuple[int, str]]:
        """(1-based column, header) of the named columns of ``header`` that ``vintage`` neither maps
        nor lists in ``_ignore``: their values would be lost without anyone knowing."""
        mapped = set(self.vintages[vintage].values())
        ignored = self.ignored.get(vintage, frozenset())
        names = [h.strip() for h in header]
        read = {name: i for i, name in enumerate(names)}  # as ``match`` indexes: a repeated header's last
        return [(i + 1, name) for i, name in enumerate(names)
                if name and name not in ignored and (name not in mapped or read[name] != i)]

    def explain_mismatch(self, header: list[str]) -> str:
        """What a curator needs to add a vintage: for each vintage (closest first) the columns it misses,
        with a likely renamed column of the file, and the file's columns that no vintage names."""
        names = [h.strip() for h in header]
        present = {n for n in names if n}
        named = {c for cols in self.vintages.values() for c in cols.values()}
        named |= {c for cols in self.ignored.values() for c in cols}
        unknown = [(i + 1, n) for i, n in enumerate(names) if n and n not in named]
        def distance(item: tuple[str, dict[str, str]]) -> tuple[int, str]:
            return sum(c not in present for c in item[1].values()), item[0]

        vintages = sorted(self.vintages.items(), key=distance)
        parts = []
        for vintage, columns in vintages:
            missing = [c for c in columns.values() if c not in present]
            shown = []
            for column in missing[:6]:
                close = difflib.get_close_matches(column, [n for _, n in unknown], n=1, cutoff=0.6)
                if close:
                    position = names.index(close[0]) + 1
                    shown.append(f"{column!r} (column {position} is {close[0]!r}: renamed?)")
                else:
                    shown.append(repr(column))
            more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
            parts.append(f"vintage {vintage} misses {', '.join(shown)}{more}")
        listed = ", ".join(f"{n!r} (column {i})" for i, n in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        return (
            f"header matches no known vintage of {self.source!r}: " + "; ".join(parts)
            + (f". Columns no vintage names: {listed}{more}" if unknown else "")
            + f". A new vintage is a table entry in {self.display}"
        )
