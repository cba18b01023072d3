"""Shared fixtures. The whole shipped graph is built once per test session (on disk, like production)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyoxigraph import Store

from culturegraph.config import PROJECT_ROOT, Settings, load_settings

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Project settings with a private store home (never the developer's var/graph)."""
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    return load_settings(store_home=tmp_path_factory.mktemp("store-home"))


@pytest.fixture(scope="session")
def built(settings: Settings):
    """A full `culturegraph build` of the shipped data (read, map, load, validate, switch)."""
    from culturegraph.graph.build import build

    return build(settings, progress=False)


@pytest.fixture(scope="session")
def graph(settings: Settings, built) -> Store:
    """Read-only handle on the built store."""
    from culturegraph.graph.store import StoreHome

    return StoreHome(settings.store_home).open_current()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
