"""The attendance mapping's ``source_field`` hook (validation traces findings to a column through it):
on the golden cases, the column it names for an observation's count is the column that count was
read from."""

from __future__ import annotations

from pathlib import Path

import pytest
from culturegraph.mappings import frequentation_musees
from pyoxigraph import Literal

from culturegraph.rdf.terms import DEFAULT_MINTER, Minter

from .golden import cases, run_case

MEASURE = DEFAULT_MINTER.kgo.nombreEntrees.value
ATTENDANCE_CASES = [c for c in cases() if c.parent.name == frequentation_musees.NAME]


@pytest.mark.parametrize("case", ATTENDANCE_CASES, ids=lambda p: p.name)
def test_each_count_is_traced_to_the_column_it_was_read_from(case: Path) -> None:
    output = run_case(case)
    counts = [t for t in output.triples if t.predicate.value == MEASURE]
    assert counts
    for t in counts:
        record = output.provenance[t.subject.value]
        field = frequentation_musees.source_field(t.subject.value, t.predicate.value)
        assert field is not None, t.subject
        assert field in record.columns, (t.subject, field, record.file, record.line)
        assert isinstance(t.object, Literal) and record[field] == int(t.object.value), (t.subject, field)


def test_total_names_the_total_column_whatever_the_base() -> None:
    iris = Minter("http://data.example.org/culture/")
    total = iris.data(frequentation_musees.NAME, "site", "0105301", "annee", "2014", "public", "total")
    assert frequentation_musees.source_field(total.value, iris.kgo.nombreEntrees.value) == "total"
    young = iris.data(frequentation_musees.NAME, "site", "0105301", "annee", "2014", "public", "18-25-ans")
    assert frequentation_musees.source_field(young.value, iris.kgo.nombreEntrees.value) == "de_18_a_25_ans"


def test_other_subjects_and_predicates_are_left_to_the_dataset_fields() -> None:
    iris = DEFAULT_MINTER
    total = iris.data(frequentation_musees.NAME, "site", "0105301", "annee", "2014", "public", "total")
    assert frequentation_musees.source_field(total.value, iris.kgo.site.value) is None
    assert frequentation_musees.source_field(iris.id("site", "0105301").value, MEASURE) is None
    unknown = iris.data(frequentation_musees.NAME, "site", "0105301", "annee", "2014", "public", "enfants")
    assert frequentation_musees.source_field(unknown.value, MEASURE) is None
    # The hook is asked because DATASET.fields leaves the count's column to it.
    assert frequentation_musees.DATASET.fields["kgo:nombreEntrees"].startswith("<")


def test_only_our_measure_of_the_same_base_is_traced() -> None:
    iris = Minter("http://data.example.org/culture/")
    total = iris.data(frequentation_musees.NAME, "site", "0105301", "annee", "2014", "public", "total").value
    foreign = "http://elsewhere.example/def/culture/nombreEntrees"
    assert frequentation_musees.source_field(total, foreign) is None
    assert frequentation_musees.source_field(total, DEFAULT_MINTER.kgo.nombreEntrees.value) is None
    assert frequentation_musees.source_field(total, iris.kgo.nombreEntrees.value) == "total"
