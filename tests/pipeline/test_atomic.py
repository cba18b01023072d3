"""A rebuild that fails half-way never touches the graph being served; a good one is picked up.

On a small copy of the project (tests/pipeline/project.py): build once, then builds that stop after the
load, after the validation, and on a Ctrl-C inside a mapping. Each time: `current` and the build
directories are as before, no `.partial` is left, the previous store still opens read-only and answers,
and a reader opened before keeps answering. Then a successful rebuild (of changed data) is picked up by
:class:`CurrentStore`.
"""

from __future__ import annotations

import os

import pytest
from pyoxigraph import Store

from culturegraph.config import Settings
from culturegraph.pipeline.build import BuildError, build
from culturegraph.store.oxigraph.home import CurrentStore, StoreHome

from .project import cut_geography, settings_for, small_project

MUSEUMS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m a <http://schema.org/Museum> } }"
MUSEOFILE = "data/sources/museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"


def museums(store: Store) -> int:
    return int(next(iter(store.query(MUSEUMS)))["n"].value)


def state(home: StoreHome) -> tuple[str, list[str]]:
    return os.readlink(home.current_link), sorted(p.name for p in home.builds.iterdir())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, StoreHome, Store, int]:
    """A small project built once: its settings, store home, a reader opened on it, its museum count."""
    root = tmp_path_factory.mktemp("atomic")
    settings = settings_for(small_project(root / "project"), root / "store")
    with cut_geography(settings.project_root):
        result = build(settings, progress=False, validate=False)
    assert result.switched
    home = StoreHome(settings.store_home)
    reader = home.open_current()
    return settings, home, reader, museums(reader)


def assert_untouched(home: StoreHome, before: tuple[str, list[str]], reader: Store, count: int) -> None:
    assert state(home) == before
    assert not list(home.builds.glob("*.partial"))
    assert museums(home.open_current()) == count  # the served store opens read-only and answers
    assert museums(reader) == count  # and a reader opened before the failed build keeps answering


@pytest.mark.parametrize("phase", ["load", "optimize"])
def test_failure_after_a_phase(served, phase: str) -> None:
    settings, home, reader, count = served
    before = state(home)
    with cut_geography(settings.project_root), pytest.raises(BuildError, match=f"after {phase}"):
        build(settings, progress=False, validate=False, fail_after=phase)
    assert_untouched(home, before, reader, count)


def test_failure_after_validation(served) -> None:
    settings, home, reader, count = served
    before = state(home)
    with cut_geography(settings.project_root), pytest.raises(BuildError, match="after validate"):
        build(settings, progress=False, validate=True, fail_after="validate")
    assert_untouched(home, before, reader, count)


def test_interrupt_inside_a_mapping(served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the museums are being mapped (after some triples were loaded)."""
    from culturegraph.mappings.museofile import mapping as museofile

    settings, home, reader, count = served
    original = museofile.museum_triples
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(museofile, "museum_triples", interrupted)
    before = state(home)
    with cut_geography(settings.project_root), pytest.raises(KeyboardInterrupt):
        build(settings, progress=False, validate=False)
    assert len(calls) == 3
    assert_untouched(home, before, reader, count)


def test_successful_rebuild_is_picked_up(served) -> None:
    settings, home, reader, count = served
    follower = CurrentStore(home, check_interval=0)
    store, version = follower.get()
    assert version == home.version() and museums(store) == count
    # the register loses its last museum (the export's last record)
    path = settings.project_root / MUSEOFILE
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line[:1] == b"M" and line[1:5].isdigit())
    path.write_bytes(b"".join(lines[:last]))
    try:
        with cut_geography(settings.project_root):
            result = build(settings, progress=False, validate=False)
    finally:
        path.write_bytes(original)
    assert result.switched and home.version() == result.build_id != version
    store, new_version = follower.get()
    assert new_version == result.build_id
    assert museums(store) == count - 1  # the follower now answers from the new build
    assert museums(reader) == count  # the reader opened before the rebuild still answers, from the old one
    assert not list(home.builds.glob("*.partial"))
