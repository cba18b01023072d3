"""Shared fixtures. The whole shipped graph is built once per test session (on disk, like production).

``make_home(path, quads)`` makes a store home with one finished build, with the calls a real build uses
(``StoreHome.new_build``/``finish``/``switch``); ``generated_quads(n)`` makes ~10 triples per subject.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.config import PROJECT_ROOT, Settings, load_settings
from culturegraph.datasets import load_registry
from culturegraph.store.oxigraph.home import StoreHome

# The registry is discovered once per process, as the CLI and the web app do: the datasets' value types
# and prefixes join the shared tables (sources/values.PARSERS, rdf/prefixes) before any test reads a file.
load_registry()

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
EX = "http://example.org/cg-test/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with a private store home (never the developer's var/graph)."""
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    return load_settings(store_home=tmp_path_factory.mktemp("store-home"))


@pytest.fixture(scope="session")
def built(settings: Settings):
    """A full `culturegraph build` of the shipped data (read, map, load, validate, switch)."""
    from culturegraph.pipeline.build import build

    return build(settings, progress=False)


@pytest.fixture(scope="session")
def graph(settings: Settings, built) -> Store:
    """Read-only handle on the built store."""
    from culturegraph.store.oxigraph.home import StoreHome

    return StoreHome(settings.store_home).open_current()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# store homes ----------------------------------------------------------------------------------------

def make_home(path: Path, quads: Iterable[Quad], build_id: str = "20000101T000000Z-test00") -> StoreHome:
    """A store home whose ``current`` build holds ``quads`` (on disk, like production)."""
    home = StoreHome(path)
    partial = home.new_build(build_id)
    store = Store(str(partial / "store"))
    store.bulk_extend(quads)
    store.flush()
    del store  # close RocksDB before the rename
    home.switch(home.finish(partial))
    return home


def generated_quads(n_subjects: int = 2000) -> Iterator[Quad]:
    """~10 triples per subject over three named graphs: IRIs, French labels, integers, links."""
    graphs = [NamedNode(f"{EX}graph/{name}") for name in ("things", "labels", "links")]
    p = {name: NamedNode(f"{EX}def/{name}") for name in ("value", "rank", "next", "group", "note")}
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for i in range(n_subjects):
        s = NamedNode(f"{EX}id/thing/{i}")
        yield Quad(s, RDF_TYPE, NamedNode(f"{EX}def/Thing"), graphs[0])
        yield Quad(s, p["value"], Literal(str(i), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                   graphs[0])
        yield Quad(s, p["rank"], Literal(str(i % 97), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                   graphs[0])
        yield Quad(s, p["group"], NamedNode(f"{EX}id/group/{i % 13}"), graphs[0])
        yield Quad(s, label, Literal(f"Chose n° {i} « été »", language="fr"), graphs[1])
        yield Quad(s, label, Literal(f"Thing number {i}", language="en"), graphs[1])
        yield Quad(s, p["note"], Literal(f"note {i}"), graphs[1])
        yield Quad(s, p["next"], NamedNode(f"{EX}id/thing/{(i + 1) % n_subjects}"), graphs[2])
        yield Quad(s, p["next"], NamedNode(f"{EX}id/thing/{(i + 7) % n_subjects}"), graphs[2])
        yield Quad(s, p["next"], NamedNode(f"{EX}id/thing/{(i * 3) % n_subjects}"), graphs[2])


@pytest.fixture(name="make_home", scope="session")
def make_home_fixture() -> Callable[..., StoreHome]:
    """``make_home(path, quads, build_id=…)`` (test folders are not packages: helpers are fixtures)."""
    return make_home


@pytest.fixture(name="generated_quads", scope="session")
def generated_quads_fixture() -> Callable[..., Iterator[Quad]]:
    """``generated_quads(n_subjects=2000)``: ~10 triples per subject in three named graphs."""
    return generated_quads
