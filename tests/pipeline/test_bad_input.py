"""Bad source files, end to end through ``culturegraph build`` on a small copy of the project.

A file the reader cannot interpret (unknown header) stops the build with a message naming the file, the
line and the columns, and leaves the store home as it was. A file it can read with losses (Latin-1,
truncated inside a quoted cell) is read, its problems go to the quarantine, and the build goes on.
Never a half-written store. The bad files are in tests/fixtures/bad_input (see its README).
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from culturegraph.cli import main
from culturegraph.config import PROJECT_ROOT
from culturegraph.store.oxigraph.home import StoreHome

from .project import cut_geography, small_project

BAD = PROJECT_ROOT / "tests" / "fixtures" / "bad_input"
MUSEOFILE = "data/sources/museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"
LISTE = "data/sources/liste-musees/liste-et-localisation-des-musees-de-france.csv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return small_project(tmp_path / "project")


def build(project: Path, store: Path) -> Result:
    """``culturegraph --store STORE build`` with the project root at ``project`` (CULTUREGRAPH_HOME).
    Validation is left out: the cut project does not pass the shapes (and they are not what is tested)."""
    env = {"CULTUREGRAPH_HOME": str(project), "CULTUREGRAPH_STORE": None, "CULTUREGRAPH_BASE_IRI": None}
    with cut_geography(project):
        return CliRunner().invoke(main, ["--store", str(store), "build", "--no-validate", "--no-progress"],
                                  env=env)


def snapshot(store: Path) -> tuple[str | None, list[str]]:
    home = StoreHome(store)
    link = os.readlink(home.current_link) if home.current_link.is_symlink() else None
    return link, sorted(p.name for p in home.builds.iterdir()) if home.builds.is_dir() else []


def no_partial(store: Path) -> None:
    assert not list(store.glob("builds/*.partial")), "a half-written build was left behind"


def quarantine(store: Path) -> list[dict[str, str]]:
    with (StoreHome(store).current_build() / "quarantine.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_unknown_header_stops_the_build_and_changes_nothing(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = build(project, store)
    assert first.exit_code == 0, first.output
    before = snapshot(store)
    assert before[0] is not None and len(before[1]) == 1

    shutil.copy(BAD / "liste-musees_unknown-header.csv", project / LISTE)
    result = build(project, store)

    assert result.exit_code == 2, result.output
    message = result.stderr
    assert f"build failed: {LISTE}:1: header matches no known vintage of 'liste-musees'" in message
    assert "vintage ods-2022 misses 'ref_deps' (column 13 is 'code_deps': renamed?)" in message
    assert "'code_deps' (column 13)" in message.split("Columns no vintage names:")[1]
    assert "the graph being served is unchanged" in message
    assert snapshot(store) == before  # no new build directory, `current` untouched
    no_partial(store)
    assert StoreHome(store).open_current().query("ASK { GRAPH ?g { ?s ?p ?o } }")


def test_unknown_header_on_a_first_build_leaves_no_store(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copy(BAD / "liste-musees_unknown-header.csv", project / LISTE)
    result = build(project, store)
    assert result.exit_code == 2
    assert "the graph being served is unchanged (none yet)" in result.stderr
    assert snapshot(store) == (None, [])


def test_latin1_file_is_decoded_and_reported(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copy(BAD / "museofile_cp1252.csv", project / MUSEOFILE)
    result = build(project, store)
    assert result.exit_code == 0, result.output
    no_partial(store)
    (entry,) = [e for e in quarantine(store) if e["file"] == MUSEOFILE]
    # the first non-UTF-8 byte: the â of "Château", after "M0003;48.824977;7.482915;3 place du Ch"
    assert (entry["line"], entry["column"], entry["header"]) == ("2", "4", "adrl1_m")
    assert entry["value"] == "â (byte 0xE2)" and entry["action"] == "file decoded as cp1252"
    assert "line 2, character 39" in entry["reason"]
    graph = StoreHome(store).open_current()
    names = {s["n"].value for s in graph.query(
        "SELECT ?n WHERE { <https://culturegraph.example/id/musee/M0003> <http://schema.org/name> ?n }",
        use_default_graph_as_union=True)}
    assert names == {"musée du Pays de Hanau - histoire et vies d’un territoire"}  # accents intact
    museums = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?m a <http://schema.org/Museum> }",
                          use_default_graph_as_union=True)
    assert int(next(iter(museums))["n"].value) == 3


def test_truncated_file_keeps_the_rows_before(project: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copy(BAD / "museofile_truncated.csv", project / MUSEOFILE)
    result = build(project, store)
    assert result.exit_code == 0, result.output
    assert "1 quarantined" in result.output  # the per-file summary
    no_partial(store)
    (entry,) = [e for e in quarantine(store) if e["file"] == MUSEOFILE]
    assert (entry["line"], entry["action"]) == ("14", "row quarantined")  # M0014 starts on line 14
    assert "ends inside a quoted cell of the row starting on line 14" in entry["reason"]
    graph = StoreHome(store).open_current()
    museums = {s["m"].value.rsplit("/", 1)[-1] for s in graph.query(
        "SELECT ?m WHERE { ?m a <http://schema.org/Museum> }", use_default_graph_as_union=True)}
    assert museums == {"M0003", "M0012"}
