"""Golden mapping tests: real rows → the real reader and mapping → Turtle, compared as text.

``UPDATE_GOLDEN=1`` rewrites the expected files instead of comparing (read the diff before committing:
the expected files were checked by hand against the source rows and model.md, see tests/golden/README.md).
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
    from culturegraph.mappings import dataset_modules

    covered = {case.parent.name for case in cases()}
    assert {m.DATASET.name for m in dataset_modules()} <= covered
