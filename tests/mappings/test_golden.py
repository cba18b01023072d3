"""Golden mapping tests: real rows → the real reader and mapping → Turtle, compared as text.

``UPDATE_GOLDEN=1`` rewrites the expected files instead of comparing (read the diff before committing:
the expected files were checked by hand against the source rows and docs/model.md: tests/golden/README.md).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from culturegraph.config import PROJECT_ROOT

from .golden import cases, run_case

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("case", cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path) -> None:
    output = run_case(case)
    expected_path = case / "expected.ttl"
    if UPDATE:
        expected_path.write_text(output.turtle, encoding="utf-8")
    assert expected_path.is_file(), f"no {expected_path.relative_to(PROJECT_ROOT)}: run with UPDATE_GOLDEN=1"
    expected = expected_path.read_text(encoding="utf-8")
    if output.turtle != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), output.turtle.splitlines(True),
                                            "expected.ttl", "mapping output", n=2))
        pytest.fail(f"{case.relative_to(PROJECT_ROOT)} differs from its golden file:\n{diff}")
    # The golden file is valid Turtle holding exactly the mapping's triples (no duplicates lost).
    parsed = {q.triple for q in parse(expected.encode("utf-8"), format=RdfFormat.TURTLE)}
    assert parsed == output.triples


def test_every_dataset_has_golden_cases() -> None:
    from culturegraph.datasets import load_registry

    covered = {case.parent.name for case in cases()}
    assert {m.name for m in load_registry()} <= covered


# The museum datasets' cases; other datasets check their provenance in their own test modules.
MUSEUM_CASES = [c for c in cases() if c.parent.name in ("museofile", "frequentation-musees")]


@pytest.mark.parametrize("case", MUSEUM_CASES,
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_provenance_points_at_the_right_row(case: Path) -> None:
    """Each museum, site and observation is traced to a row about that museum, site and year (the build
    writes this into provenance.sqlite; SHACL results name that file and line); the status of a year
    with no row in the current file, to the row of that site it was derived from."""
    output = run_case(case)
    base = "https://culturegraph.example/"
    checked = 0
    for subject, record in output.provenance.items():
        path = subject.removeprefix(base).split("#")[0].split("/")
        ids = {record.get(f) for f in ("site", "ref_deps", "ref", "identifiant_museofile", "museofile")}
        if path[:2] == ["id", "musee"] or path[:2] == ["id", "site"]:
            assert path[2] in ids, f"{subject} traced to {record.file}:{record.line}"
        elif path[:2] == ["data", "frequentation-musees"] and len(path) > 5:
            rule = {t.object.value for t in output.triples
                    if t.subject.value == subject and t.predicate.value.endswith("/origineStatut")}
            if any(r.rsplit("/", 1)[1].startswith(("absente", "hors-fichier")) for r in rule):
                assert path[3] in ids, f"{subject} traced to {record.file}:{record.line}"
            else:
                assert (path[3], int(path[5])) == (record["site"], record["annee"]), subject
        elif path[0] == "def":  # a concept: traced to a museum that uses it (or a narrower one)
            museum = base + f"id/musee/{record['ref']}"
            used = {t.object.value for t in output.triples  # the museum's own, or its parts' (#…)
                    if t.subject.value == museum or t.subject.value.startswith(museum + "#")}
            used |= {t.object.value for t in output.triples
                     if t.subject.value in used and t.predicate.value.endswith("core#broader")}
            assert subject in used, f"{subject} traced to {record.file}:{record.line}"
        else:
            continue
        checked += 1
    assert checked > 0
