"""What a mapping module declares, and what it is given.

A dataset is one module in ``mappings/`` with a ``DATASET`` (:class:`DatasetSpec`) and a pure function
``triples(inputs, iris)`` that yields ``(subject, predicate, object)`` tuples. It may also yield a
:class:`~culturegraph.sources.read.Record` (\"what follows comes from this row\": the row-provenance
index) and :class:`~culturegraph.sources.read.Problem` items (rows it refuses, e.g. duplicate keys).
The build discovers the modules; adding a dataset touches nothing outside ``mappings/``,
``ontology/shapes/``, ``data/sources/`` and the tests.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from culturegraph.sources.read import Problem, ReadResult, Record

Term = NamedNode | BlankNode | Literal
Triple3 = tuple[NamedNode | BlankNode, NamedNode, Term]
Emitted = Triple3 | Record | Problem


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # graph /graph/{name}, dataset /data/{name}, shapes ontology/shapes/{name}.ttl
    title: dict[str, str]  # {"fr": …, "en": …}
    description: dict[str, str]
    sources: tuple[str, ...] = ()  # folders of data/sources/ it reads, its own source first
    # Source fields behind each predicate, for tracing SHACL results to a column: fields of its own
    # source (sources[0]); a subject read from another source is traced to its row, not a column.
    fields: dict[str, str] = field(default_factory=dict)
    order: int = 50  # build order (only for stable output; mappings never see each other's triples)


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    type: str  # commune-actuelle | arrondissement-municipal
    departement: str
    codes_postaux: tuple[str, ...]
    parent: str | None  # for municipal arrondissements: the commune


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    region: str


@dataclass
class Cog:
    """INSEE's Code officiel géographique, as shipped in ``mappings/tables/cog``."""

    communes: dict[str, Commune]
    departements: dict[str, Departement]
    regions: dict[str, str]  # code -> nom
    by_postcode: dict[str, list[Commune]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Cog:
        def rows(name: str) -> Iterator[dict[str, str]]:
            with (folder / name).open(encoding="utf-8", newline="") as f:
                yield from csv.DictReader(f, delimiter=";")

        communes = {
            r["code"]: Commune(r["code"], r["nom"], r["type"], r["departement"],
                               tuple(r["codes_postaux"].split()), r["commune_parente"] or None)
            for r in rows("communes.csv")
        }
        departements = {r["code"]: Departement(r["code"], r["nom"], r["region"])
                        for r in rows("departements.csv")}
        regions = {r["code"]: r["nom"] for r in rows("regions.csv")}
        by_postcode: dict[str, list[Commune]] = {}
        for commune in communes.values():
            for cp in commune.codes_postaux:
                by_postcode.setdefault(cp, []).append(commune)
        return cls(communes, departements, regions, by_postcode)


@dataclass
class Inputs:
    """Everything a mapping may read: the typed records of its sources and the shared tables."""

    files: dict[str, list[ReadResult]]  # source -> its files in manifest order (preferred first)
    cog: Cog
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # mappings/tables/*.csv

    def records(self, source: str) -> Iterator[Record]:
        for result in self.files.get(source, []):
            yield from result.records


Mapping = Callable[[Inputs, Any], Iterable[Emitted]]
