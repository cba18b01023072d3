"""The press-aid golden cases: each title and each observation is traced to the row it came from (the
build writes this into provenance.sqlite; SHACL results and the pages' Source section name that row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturegraph.rdf.terms import slug

from ..golden import cases, run_case

BASE = "https://culturegraph.example/"
SOURCE_LABEL = BASE + "def/culture/libelleSource"
TITLE = BASE + "def/culture/titrePresse"


@pytest.mark.parametrize("case", [c for c in cases() if c.parent.name == "aides-presse"],
                         ids=lambda p: p.name)
def test_titles_and_observations_are_traced_to_their_row(case: Path) -> None:
    output = run_case(case)
    labels = {t.subject.value: t.object.value for t in output.triples if t.predicate.value == SOURCE_LABEL}
    title_of = {t.subject.value: t.object.value for t in output.triples if t.predicate.value == TITLE}
    checked = 0
    for subject, record in output.provenance.items():
        path = subject.removeprefix(BASE).split("/")
        if path[:2] == ["id", "titre-presse"]:
            assert labels[subject] == record["titre"], f"{subject} traced to {record.file}:{record.line}"
        elif path[:2] == ["data", "aides-presse"] and subject in title_of:
            assert labels[title_of[subject]] == record["titre"], f"{subject} traced to {record.line}"
            assert f"/annee/{record['annee'] if record.get('annee') else 2012}" in subject
        elif path[:3] == ["data", "aides-presse", "groupe"]:  # the groups table: the group's row that year
            assert f"/groupe/{slug(record['groupe'])}/annee/{record['annee']}/" in subject, record.line
        elif path[:2] == ["id", "organisation"] and "groupe" in record:
            assert subject == f"{BASE}id/organisation/{slug(record['groupe'])}", record.line
        else:
            continue
        checked += 1
    assert checked >= 5
