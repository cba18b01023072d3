"""The dataset's example queries: each has a bilingual title and description, runs, and answers what the
source table says (facts recomputed from the TSV with the csv module, not from the reader or the mapping)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from culturegraph.mappings.aides_presse import DATASET
from pyoxigraph import Store

from .conftest import Mapped
from .query_facts import (
    TOTAL,
    check_a_titles_aid_over_the_years,
    check_aid_per_copy_above_a_threshold,
    check_aid_per_family,
    check_share_of_postal_aid,
    check_top_aided_titles,
    rows,
)

QUERIES = DATASET.path(DATASET.queries or "queries")


@pytest.fixture(scope="module")
def store(real: Mapped) -> Store:
    return real.store()


def test_every_query_has_a_bilingual_title_and_description() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) == 5
    for path in files:
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        for line, key in zip(head, ("# title: ", "# description: "), strict=True):
            assert line.startswith(key), path.name
            fr, en = line.removeprefix(key).split(" | ")
            assert fr.strip() and en.strip(), path.name


def test_top_aided_titles(store: Store) -> None:
    check_top_aided_titles(store)


def test_aid_per_family(store: Store) -> None:
    check_aid_per_family(store)


def test_share_of_postal_aid(store: Store) -> None:
    check_share_of_postal_aid(store)


def test_aid_per_copy_above_a_threshold(store: Store) -> None:
    check_aid_per_copy_above_a_threshold(store)


def test_a_titles_aid_over_the_years(store: Store) -> None:
    check_a_titles_aid_over_the_years(store)


def test_the_sum_of_2012_totals_equals_the_source_column(store: Store) -> None:
    query = """PREFIX kgo: <https://culturegraph.example/def/culture/>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT (SUM(?m) AS ?total) (COUNT(?o) AS ?n) WHERE {
          ?o kgo:typeAide <https://culturegraph.example/def/type-aide/total> ;
             sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/2012> ; kgo:montant ?m }"""
    (row,) = store.query(query, use_default_graph_as_union=True)
    assert (Decimal(row["total"].value), int(row["n"].value)) == (sum(Decimal(r[TOTAL]) for r in rows()), 200)

