"""Validation through the real pipeline: a defect injected into one source row is reported with that
file, line and column; the shipped data has no Violation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pipeline.project import cut_geography, settings_for, small_project
from pyoxigraph import Store

from culturegraph.datasets import load_registry
from culturegraph.pipeline.build import build_into
from culturegraph.provenance.index import write_provenance_index
from culturegraph.validation.report import render
from culturegraph.validation.shacl import validate_store

ATTENDANCE = ("data/sources/frequentation-musees/"
              "frequentation-des-musees-de-france_ENTREES_ET_CATEGORIES_DE_PUBLIC_2014-2023.csv")
CONTAINED_IN = "http://schema.org/containedInPlace"
MUSEOFILE_FILE = "data/sources/museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"


def last_row_of_first_site(path: Path) -> tuple[int, list[str], list[str]]:
    """(physical line, header, cells) of the last row of the file's first site: the row the mapping
    takes a site's commune and provenance from."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]], delimiter=";"))
    rows = [(n, next(csv.reader([line], delimiter=";"))) for n, line in enumerate(lines[1:], start=2)]
    site = rows[0][1][0]
    line, cells = [(n, cells) for n, cells in rows if cells[0] == site][-1]
    return line, header, cells


def first_consistent_total(path: Path) -> tuple[int, list[str], list[str]]:
    """(physical line, header, cells) of the file's first row with payant + gratuit = total > 0."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]], delimiter=";"))
    payant, gratuit, total = (header.index(name) for name in ("payant", "gratuit", "total"))
    for n, line in enumerate(lines[1:], start=2):
        cells = next(csv.reader([line], delimiter=";"))
        if all(cells[i].isdigit() for i in (payant, gratuit, total)) and \
                0 < int(cells[total]) == int(cells[payant]) + int(cells[gratuit]):
            return n, header, cells
    raise LookupError(f"{path}: no row with a consistent total")


def rewrite_row(path: Path, line: int, cells: list[str]) -> None:
    """Replace physical line ``line`` of ``path`` by ``cells``, keeping its line ending."""
    text = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    ending = text[line - 1][len(text[line - 1].rstrip("\r\n")):]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator=ending).writerow(cells)
    text[line - 1] = out.getvalue()
    path.write_text("".join(text), encoding="utf-8")


def validate_project(project: Path, tmp: Path):
    settings = settings_for(project, tmp / "store-home")
    store = Store()
    with cut_geography(project):
        loaded = build_into(store, settings)
    write_provenance_index(tmp / "provenance.sqlite", loaded)
    return validate_store(store, settings, loaded.datasets, tmp)


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """A small copy of the project, and the same copy with one attendance cell changed."""
    clean = small_project(tmp_path_factory.mktemp("clean"))
    broken = small_project(tmp_path_factory.mktemp("broken"))
    path = broken / ATTENDANCE
    line, header, cells = last_row_of_first_site(path)
    column = header.index("codeInseeCommune")
    cells[column] = "99999"  # a well-formed INSEE code (the reader accepts it) of no commune
    rewrite_row(path, line, cells)
    return clean, broken, line, column + 1, cells[0]


@pytest.fixture(scope="module")
def clean_report(projects, tmp_path_factory):
    """The validation of the unchanged small project (two tests read it: validated once)."""
    return validate_project(projects[0], tmp_path_factory.mktemp("clean-report"))


@pytest.fixture(scope="module")
def wrong_total(tmp_path_factory):
    """A small copy of the project where one site-year row's total is paying + free + 1 (the row was
    consistent): (project, line, 1-based column of ``total``, the total's observation IRI suffix,
    the total written)."""
    project = small_project(tmp_path_factory.mktemp("wrong-total"))
    path = project / ATTENDANCE
    line, header, cells = first_consistent_total(path)
    column = header.index("total")
    cells[column] = str(int(cells[column]) + 1)
    rewrite_row(path, line, cells)
    focus = f"/site/{cells[0]}/annee/{cells[header.index('annee')]}/public/total"
    return project, line, column + 1, focus, cells[column]


def test_injected_violation_names_file_line_and_column(projects, tmp_path):
    _, broken, line, column, site = projects
    report = validate_project(broken, tmp_path)
    hits = [f for f in report.findings
            if f.severity == "Violation" and f.focus.endswith(f"/id/site/{site}") and f.path == CONTAINED_IN]
    assert len(hits) == 1, [f.where for f in report.findings if f.severity == "Violation"]
    hit = hits[0]
    assert (hit.file, hit.line, hit.column, hit.header) == (ATTENDANCE, line, column, "codeInseeCommune")
    assert hit.value.endswith("/id/commune/99999")
    assert "commune" in hit.message_fr and "commune" in hit.message_en
    assert not report.conforms["frequentation-musees"]
    assert f"{ATTENDANCE}:{line}, column {column} (codeInseeCommune)" in render(report, "text", "Violation")
    assert f"{ATTENDANCE}:{line}, colonne {column} (codeInseeCommune)" in render(report, "html", "Violation")


def test_the_unchanged_row_gives_no_such_result(projects, clean_report):
    site = projects[4]
    report = clean_report
    assert not [f for f in report.findings
                if f.focus.endswith(f"/id/site/{site}") and f.path == CONTAINED_IN]


def total_warnings(report, focus: str) -> list:
    return [f for f in report.findings
            if (f.shape or "").endswith("#TotalConsistency") and f.focus.endswith(focus)]


def test_total_consistency_warning_names_the_total_column(wrong_total, tmp_path):
    """The mapping's source_field hook names the column of an observation's count: a total that is
    not paying + free is reported at the ``total`` cell of its site-year row."""
    project, line, column, focus, total = wrong_total
    report = validate_project(project, tmp_path)
    hits = total_warnings(report, focus)
    assert len(hits) == 1, [(f.shape, f.focus) for f in report.findings if f.severity == "Warning"]
    hit = hits[0]
    assert hit.severity == "Warning" and hit.value == total
    assert hit.path.endswith("/def/culture/nombreEntrees")
    assert (hit.file, hit.line, hit.column, hit.header) == (ATTENDANCE, line, column, "total")
    assert f"{ATTENDANCE}:{line}, column {column} (total)" in render(report, "text", "Warning")


def test_a_consistent_total_gives_no_such_warning(clean_report, wrong_total):
    _, _, _, focus, _ = wrong_total
    assert not total_warnings(clean_report, focus)


def test_shipped_data_has_no_violation(built):
    validation = built.report["validation"]
    assert validation["violations"] == 0, validation
    assert built.switched
    # every dataset of the registry, and the graphs the build derives (links, catalogue: their own shapes)
    derived = {"liens", "catalogue"}
    assert set(validation["per_dataset"]) == {spec.name for spec in load_registry(())} | derived
    # The checks did run: the published figures have known defects (e.g. totals ≠ paying + free).
    assert validation["warnings"] > 0 and validation["infos"] > 0
    assert validation["per_dataset"]["frequentation-musees"]["Warning"] > 0


def test_shipped_findings_are_traced_to_rows(built):
    import json

    findings = json.loads((built.directory / "validation.json").read_text(encoding="utf-8"))["findings"]
    # Geography comes from tables, the catalogue is derived from the build: neither has source rows.
    mapped = [f for f in findings if f["dataset"] not in ("geographie", "catalogue")]
    assert mapped
    # Every result about a mapped source row names its file and line, or for a JSON source (fonds-14-18)
    # the JSON pointer of its record, as the quarantine does (geography comes from tables).
    assert all(f["file"] and (f["line"] or f["pointer"]) for f in mapped), \
        [f for f in mapped if not (f["file"] and (f["line"] or f["pointer"]))][:3]
    totals = [f for f in findings if f["shape"] and f["shape"].endswith("#TotalConsistency")]
    assert totals and all("payant" in f["message_fr"] and "{?" not in f["message_fr"] for f in totals)
    # Each names the total column of its row (the mapping's source_field hook).
    untraced = [f for f in totals if f["header"] != "total" or not f["column"]]
    assert untraced == [], untraced[:3]


@pytest.mark.parametrize("fmt", ["html", "turtle", "json", "text"])
def test_cli_validate_writes_each_format(built, settings, tmp_path, fmt):
    """`culturegraph validate --format … -o FILE` on the built graph (one dataset, to stay quick)."""
    from click.testing import CliRunner

    from culturegraph.cli import main

    out = tmp_path / f"report.{fmt}"
    args = ["--store", str(settings.store_home), "validate", "--dataset", "museofile", "--format", fmt,
            "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert MUSEOFILE_FILE in text  # results name their source file
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "Musée sans nom" in text
    if fmt == "turtle":
        import rdflib

        g = rdflib.Graph().parse(data=text, format="turtle")
        assert len(g) > 100
