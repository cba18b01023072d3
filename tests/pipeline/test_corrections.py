"""The curators' corrections tables (pipeline/corrections.py): read with errors naming file and line,
applied to a dataset's quads as they stream, with their provenance; a correction whose value is gone is
reported, not applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.config import load_settings
from culturegraph.pipeline.corrections import (
    COLUMNS,
    CorrectionsError,
    Corrector,
    provenance_quads,
    read_corrections,
)
from culturegraph.remarks.fixes import applied_annotations, corrections_of
from culturegraph.store.oxigraph.reader import OxigraphReader

EX = "https://culturegraph.example/"
NAME = NamedNode("https://schema.org/name")
MUSEUM = NamedNode(f"{EX}id/musee/M0001")
GRAPH = NamedNode(f"{EX}graph/museofile")


def write(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def test_applied_with_provenance(tmp_path: Path) -> None:
    settings = load_settings(store_home=tmp_path / "g")
    path = write(tmp_path / "corrections.csv", [
        ["abc123", MUSEUM.value, NAME.value, '"Musee X"@fr', '"Musée X"@fr', "2026-12-03T19:00:00Z", "marie",
         "orthographe"],
        ["def456", MUSEUM.value, "https://schema.org/telephone", "", '"01 02 03 04 05"', "", "marie", ""],
        ["ghi789", MUSEUM.value, NAME.value, '"Ancien nom"@fr', '"Nouveau"@fr', "", "marie", ""],
    ])
    corrections = read_corrections(path, settings)
    assert [c.line for c in corrections] == [2, 3, 4]
    corrector = Corrector(corrections)
    data = [Quad(MUSEUM, NAME, Literal("Musee X", language="fr"), GRAPH)]
    out = list(corrector.apply(iter(data), GRAPH))
    assert {(q.predicate.value, str(q.object)) for q in out} == {
        (NAME.value, '"Musée X"@fr'), ("https://schema.org/telephone", '"01 02 03 04 05"')}
    assert [c.annotation for c in corrector.applied] == ["abc123", "def456"]
    problems = corrector.problems()
    assert len(problems) == 1 and problems[0].line == 4 and "not in the data any more" in problems[0].reason

    store = Store()
    store.extend(out)
    prov_graph = NamedNode(f"{EX}graph/corrections")
    store.extend(provenance_quads(corrector.applied, EX, prov_graph))
    reader = OxigraphReader(store, "b1")
    assert applied_annotations(reader, EX) == {"abc123", "def456"}
    shown = {c["remark"]: c for c in corrections_of(reader, EX, MUSEUM.value)}
    assert shown["abc123"]["value"] == "Musée X" and shown["abc123"]["old"] == "Musee X"
    assert shown["def456"]["old"] == ""
    revision = NamedNode(f"{EX}id/correction/abc123")
    assert store.quads_for_pattern(revision, NamedNode("http://www.w3.org/ns/prov#wasRevisionOf"), None,
                                   prov_graph)
    derived = list(store.quads_for_pattern(revision, NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                                           None, prov_graph))
    assert [q.object.value for q in derived] == [f"{EX}annotations/abc123"]


def test_no_table_no_change(tmp_path: Path) -> None:
    settings = load_settings(store_home=tmp_path / "g")
    assert read_corrections(tmp_path / "absent.csv", settings) == []
    data = [Quad(MUSEUM, NAME, Literal("x"), GRAPH)]
    assert list(Corrector([]).apply(iter(data), GRAPH)) == data


@pytest.mark.parametrize(("rows", "where"), [
    ([["a", MUSEUM.value, NAME.value, '"x', '"y"', "", "", ""]], "line 2"),
    ([["a", "not an iri", NAME.value, "", '"y"', "", "", ""]], "line 2"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, rows: list[list[str]], where: str) -> None:
    path = write(tmp_path / "corrections.csv", rows)
    with pytest.raises(CorrectionsError, match=f"corrections.csv: {where}"):
        read_corrections(path, load_settings(store_home=tmp_path / "g"))
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match="bad.csv: line 1: the header"):
        read_corrections(tmp_path / "bad.csv", load_settings(store_home=tmp_path / "g"))
