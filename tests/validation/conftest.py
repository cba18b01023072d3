"""Fixtures of the SHACL tests."""

from __future__ import annotations

import os

import pytest

from culturegraph.config import Settings, load_settings


@pytest.fixture(scope="session")
def project_settings() -> Settings:
    """The shipped project at the default base IRI (fixtures are written against it)."""
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    return load_settings()
