"""Shared fixtures. The whole shipped graph is built once per test session (on disk, like production).

``make_home(path, quads)`` makes a store home with one finished build, with the calls a real build uses
(``StoreHome.new_build``/``finish``/``switch``); ``generated_quads(n)`` makes ~10 triples per subject.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


# --- the installed package (tests/test_install.py) ------------------------------------------------------

INSTALL_SKIP = shutil.ignore_patterns(".venv", "var", "build", ".git", "artifacts", "__pycache__",
                                      "*.egg-info", ".ruff_cache", ".mypy_cache", ".pytest_cache")
INSTALLED = pytest.StashKey[dict[str, Any]]()
INSTALL_BUILD_TEST = "test_install.py::test_build_and_serve_from_another_directory"


def install_package(root: Path) -> dict[str, Any]:
    """``pip install .`` (not editable, no network) of a copy of the checkout into ``root/site``, and the
    environment that runs it from another directory with its own HOME."""
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=INSTALL_SKIP)  # pip builds in the tree: never the checkout
    site = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(site), str(source)], check=True, timeout=600,
                   capture_output=True)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTUREGRAPH_")}
    env.update(PYTHONPATH=str(site), HOME=str(root / "home"), XDG_DATA_HOME="")
    return {"site": site, "cwd": elsewhere, "env": env, "root": root}


def start_installed_build(installed: dict[str, Any]) -> None:
    """``culturegraph build`` of the installed package, in a child process: its output goes to a file
    (a pipe nobody reads would fill and block it). ``installed["build"]`` is the process."""
    log = (Path(installed["root"]) / "build.log").open("w", encoding="utf-8")
    installed["build_log"] = log
    installed["build"] = subprocess.Popen(
        [sys.executable, "-m", "culturegraph", "build", "--no-progress"], cwd=installed["cwd"],
        env=installed["env"], stdout=log, stderr=subprocess.STDOUT, text=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When the installed package's build test is selected, install and start that build now, beside
    the rest of the session: it is a child process on the second core, and it took 97 s of the CI's
    wall time run in line (measured 2026-12-04, 14 min 14 s in all)."""
    if any(item.nodeid.endswith(INSTALL_BUILD_TEST) for item in items):
        installed = install_package(Path(tempfile.mkdtemp(prefix="culturegraph-install-")))
        start_installed_build(installed)
        config.stash[INSTALLED] = installed


def pytest_unconfigure(config: pytest.Config) -> None:
    installed = config.stash.get(INSTALLED, None)
    if installed is not None:
        process = installed.get("build")
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        installed["build_log"].close()
        shutil.rmtree(installed["root"], ignore_errors=True)


@pytest.fixture(scope="session")
def installed_package(request: pytest.FixtureRequest,
                      tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The installed package of the session (its build started at collection), or one installed now."""
    installed = request.config.stash.get(INSTALLED, None)
    return installed if installed is not None else install_package(tmp_path_factory.mktemp("install"))


@pytest.fixture(scope="session")
def installed_build(installed_package: dict[str, Any]) -> tuple[int, str]:
    """The installed package's ``culturegraph build`` (started now if collection did not): its exit code
    and its output."""
    if "build" not in installed_package:
        start_installed_build(installed_package)
    returncode = installed_package["build"].wait(timeout=1800)
    installed_package["build_log"].flush()
    return returncode, (Path(installed_package["root"]) / "build.log").read_text(encoding="utf-8")


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


# a real SPARQL server on loopback ------------------------------------------------------------------------

OXIGRAPH = Path(sys.executable).parent / "oxigraph"  # the `oxigraph` package of the dev extras


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def oxigraph_serve(turtle: Path | None = None) -> Iterator[str]:
    """A real ``oxigraph serve`` on 127.0.0.1 with its in-memory storage (``turtle`` loaded into its
    default graph through the Graph Store Protocol); yields its root URL (``/query``, ``/store``) and
    stops it on exit."""
    port = free_port()
    server = subprocess.Popen([str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        if turtle is not None:
            request = urllib.request.Request(f"{url}/store?default", data=turtle.read_bytes(), method="POST",
                                             headers={"Content-Type": "text/turtle"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status in (200, 201, 204), response.status
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


@pytest.fixture(name="oxigraph_serve", scope="session")
def oxigraph_serve_fixture() -> Callable[..., Any]:
    """``with oxigraph_serve(turtle=None) as url:`` a real ``oxigraph serve`` on loopback."""
    return oxigraph_serve


# two builds of a small dataset (the catalogue's tests: dumps, VoID, change report, downloads) ---------

TOY = PROJECT_ROOT / "tests" / "fixtures" / "toy_dataset"
TOY_CHANGED = [  # the second build's records: T1 vanishes, T2 is retitled, T4 and T5 appear
    {"id": "T2", "titre": "Le deuxième jouet, repeint", "annee": "1915"},
    {"id": "T3", "titre": "", "annee": 1916},
    {"id": "T4", "titre": "Le quatrième jouet", "annee": 1917},
    {"id": "T5", "titre": "Le cinquième jouet", "annee": 1918},
]


@pytest.fixture(scope="session")
def toy_builds(tmp_path_factory: pytest.TempPathFactory):
    """Two real builds (``culturegraph build``'s code) of the toy dataset into one store home, the second
    of changed data; returns (settings, registry, first BuildResult, second BuildResult)."""
    import dataclasses
    import json
    import shutil

    from culturegraph.pipeline.build import build

    tmp = tmp_path_factory.mktemp("toy-builds")
    data = tmp / "toy"
    shutil.copytree(TOY / "data" / "toy", data)
    settings = load_settings(store_home=tmp / "store").with_(datasets=(str(TOY),))
    full = load_registry(settings.datasets)
    toy = dataclasses.replace(full.get("toy"), source_folders={"toy": data})
    registry = dataclasses.replace(full.only(["toy"]), datasets=(toy,),
                                   everything=tuple(toy if s.name == "toy" else s for s in full))
    first = build(settings, progress=False, registry=registry)
    features = [{"type": "Feature", "properties": p} for p in TOY_CHANGED]
    (data / "toy.json").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                   encoding="utf-8")
    second = build(settings, progress=False, registry=registry)
    return settings, registry, first, second
