"""Helpers of the 14-18 fonds tests: the shipped extracts through the registry's reader and the mapping,
loaded into a store as a build loads them (the dataset's graph next to the shipped geography and
Muséofile graphs when a test needs them)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from culturegraph.mappings.fonds_1418 import DATASET
from pyoxigraph import Quad

from culturegraph.config import PROJECT_ROOT
from culturegraph.datasets import Inputs, load_registry
from culturegraph.pipeline.load import MappingRun
from culturegraph.rdf.terms import DEFAULT_MINTER
from culturegraph.sources.model import Problem, ReadResult, Record

SOURCE = PROJECT_ROOT / "data/sources/fonds-14-18"
FILES = ("fond_guerre_extrait-100-photos_champs-complets.geojson",
         "fond_guerre_extrait-48-photos_2016.geojson")


@dataclass
class Mapped:
    read: list[ReadResult]
    triples: list[tuple[Any, Any, Any]]
    problems: list[Problem]
    records: list[Record]

    def quads(self) -> list[Quad]:
        graph = DEFAULT_MINTER.graph(DATASET.name)
        return [Quad(s, p, o, graph) for s, p, o in self.triples]


def map_dataset(name: str, files: dict[str, list[ReadResult]] | None = None) -> Mapped:
    registry = load_registry()
    spec = registry.get(name)
    if files is None:
        files = {}
        for source in spec.sources:
            table = registry.load_alias_table(source)
            folder = PROJECT_ROOT / "data/sources" / source
            manifest = sorted(folder.glob("*.*"))
            files[source] = [registry.reader("json" if p.suffix in (".json", ".geojson") else "csv").read(
                p, table, root=PROJECT_ROOT) for p in manifest if p.name != "manifest.toml"]
    problems = [p for results in files.values() for r in results for p in r.problems]
    records: list[Record] = []
    run = MappingRun(spec, Inputs(files=files, tables=dict(registry.load_tables())), DEFAULT_MINTER,
                     problems=problems, records=records)
    triples = list(run.triples())
    return Mapped([r for results in files.values() for r in results], triples, problems, records)


@cache
def fonds() -> Mapped:
    registry = load_registry()
    table = registry.load_alias_table(DATASET.name)
    reader = registry.reader("json")
    read = [reader.read(SOURCE / name, table, root=PROJECT_ROOT) for name in FILES]
    return map_dataset(DATASET.name, {DATASET.name: read})


@pytest.fixture(scope="session")
def mapped() -> Mapped:
    return fonds()
