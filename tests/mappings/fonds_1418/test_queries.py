"""The dataset's example queries: each has a bilingual title and description, runs, and answers what the
source files say (facts recomputed from the GeoJSON and the Muséofile CSV: query_facts.py), on this
dataset's graph next to the geography and Muséofile graphs, as a build loads them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from culturegraph.mappings.fonds_1418 import DATASET
from pyoxigraph import Quad, Store

from culturegraph.rdf.terms import DEFAULT_MINTER

from .conftest import fonds, map_dataset
from .query_facts import CHECKS

QUERIES = DATASET.path(DATASET.queries or "queries")


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    store.bulk_extend(fonds().quads())
    for name in ("geographie", "museofile"):
        graph = DEFAULT_MINTER.graph(name)
        store.bulk_extend([Quad(s, p, o, graph) for s, p, o in map_dataset(name).triples])
    return store


def test_every_query_has_a_bilingual_title_and_description_and_a_check() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert {p.stem for p in files} == set(CHECKS) and len(files) == 5
    for path in files:
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        for line, key in zip(head, ("# title: ", "# description: "), strict=True):
            assert line.startswith(key), path.name
            fr, en = line.removeprefix(key).split(" | ")
            assert fr.strip() and en.strip(), path.name


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_query_answers_what_the_source_says(store: Store, name: str) -> None:
    check: Callable[[Store], None] = CHECKS[name]
    check(store)
