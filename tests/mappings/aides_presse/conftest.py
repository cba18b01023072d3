"""Helpers of the press-aid tests: read a file through the dataset's field map, run the mapping."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from culturegraph.mappings.aides_presse import DATASET, HOME
from pyoxigraph import Quad, Store

from culturegraph.datasets import Inputs
from culturegraph.rdf.terms import Minter
from culturegraph.sources.aliases import AliasTable
from culturegraph.sources.model import Problem, ReadResult, Record
from culturegraph.sources.read import read_table
from culturegraph.sources.values import PARSERS

from .query_facts import TSV

ROOT = HOME.parents[1]
FIXTURES = ROOT / "tests/fixtures/aides-presse"


@dataclass
class Mapped:
    read: list[ReadResult]
    triples: list[tuple[Any, Any, Any]]
    problems: list[Problem]
    records: list[Record]
    inputs: Inputs

    def store(self) -> Store:
        store = Store()
        # In the dataset's named graph, as a build loads it (queries read the union, as the endpoint does).
        graph = Minter().graph(DATASET.name)
        store.bulk_extend([Quad(s, p, o, graph) for s, p, o in self.triples])
        return store

    def objects(self, subject: str, predicate: str) -> list[str]:
        return sorted(o.value for s, p, o in self.triples if s.value == subject and p.value == predicate)


def read(path: Path, source: str = "aides-presse") -> ReadResult:
    table = AliasTable.load(DATASET.path(DATASET.aliases[source]), parsers={**PARSERS, **DATASET.parsers})
    return read_table(path, table, root=ROOT)


def map_files(*paths: Path, groups: tuple[Path, ...] = ()) -> Mapped:
    results = [read(p) for p in paths]
    tables = {name: loader.load(DATASET.path(loader.path)) for name, loader in DATASET.tables.items()}
    inputs = Inputs({"aides-presse": results, "aides-presse-groupes": [read(p, "aides-presse-groupes")
                                                                       for p in groups]}, tables)
    assert DATASET.mapping is not None
    out = list(DATASET.mapping(inputs, Minter()))
    return Mapped(results, [o for o in out if isinstance(o, tuple)],
                  [o for o in out if isinstance(o, Problem)],
                  [o for o in out if isinstance(o, Record)], inputs)


@pytest.fixture(scope="session")
def real() -> Mapped:
    return map_files(TSV)
