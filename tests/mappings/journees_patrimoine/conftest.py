"""Helpers of the Heritage Days tests: the shipped files through the dataset's field map and mapping, and
the raw records read with the json module alone (the facts the tests recompute)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from culturegraph.mappings.journees_patrimoine import DATASET, HOME, mapping
from pyoxigraph import Quad, Store

from culturegraph.datasets import Inputs
from culturegraph.rdf.terms import Minter
from culturegraph.sources.aliases import AliasTable
from culturegraph.sources.model import Problem, ReadResult, Record
from culturegraph.sources.readers.json import read_json
from culturegraph.sources.values import PARSERS

ROOT = HOME.parents[1]
SOURCE = ROOT / "data/sources/journees-patrimoine"
FILES = sorted(SOURCE.glob("*.json"))
GOLDEN = ROOT / "tests/golden/journees-patrimoine"


@dataclass
class Mapped:
    read: list[ReadResult]
    triples: list[tuple[Any, Any, Any]]
    problems: list[Problem]
    records: list[Record]

    def store(self) -> Store:
        store = Store()
        graph = Minter().graph(DATASET.name)
        store.bulk_extend([Quad(s, p, o, graph) for s, p, o in self.triples])
        return store

    def objects(self, subject: str, predicate: str) -> list[Any]:
        return [o for s, p, o in self.triples if s.value == subject and p.value == predicate]


def table() -> AliasTable:
    return AliasTable.load(HOME / DATASET.aliases[mapping.NAME], PARSERS)


def map_files(paths: list[Path]) -> Mapped:
    read = [read_json(p, table(), root=ROOT) for p in paths]
    out = list(mapping.triples(Inputs({mapping.NAME: read}), Minter()))
    return Mapped(read, [t for t in out if isinstance(t, tuple)],
                  [p for r in read for p in r.problems] + [t for t in out if isinstance(t, Problem)],
                  [t for t in out if isinstance(t, Record)])


def raw_records() -> list[dict[str, Any]]:
    """Every record of the shipped files as the portal wrote it (API v1: ``fields`` and ``geometry``)."""
    out: list[dict[str, Any]] = []
    for path in FILES:
        out.extend(json.loads(path.read_text(encoding="utf-8"))["records"])
    return out


@pytest.fixture(scope="session")
def shipped() -> Mapped:
    return map_files(FILES)
