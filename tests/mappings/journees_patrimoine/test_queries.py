"""The dataset's example queries: each has a bilingual title and description and explanation lines, runs,
and answers what the source files say (query_facts.py), on the session's full build: the queries join the
events with /graph/liens, Muséofile, the attendance cube, the geography, the 14-18 fonds and the press aid."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from culturegraph.mappings.journees_patrimoine import DATASET
from pyoxigraph import Store

from .query_facts import CHECKS

QUERIES = DATASET.path(DATASET.queries or "queries")


def test_every_query_has_a_bilingual_title_description_explanation_and_a_check() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert {p.stem for p in files} == set(CHECKS) and len(files) == 4
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for line, key in zip(lines[:2], ("# title: ", "# description: "), strict=True):
            assert line.startswith(key), path.name
            fr, en = line.removeprefix(key).split(" | ")
            assert fr.strip() and en.strip(), path.name
        assert lines[2] == "#" and lines[3].startswith("# ") and len(lines[3]) > 20, path.name


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_query_answers_what_the_source_says(graph: Store, name: str) -> None:
    check: Callable[[Store], None] = CHECKS[name]
    check(graph)
