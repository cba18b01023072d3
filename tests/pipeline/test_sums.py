"""The built graph against the source files, read here with the stdlib csv module (not our reader).

Every count cell of the attendance files must come out as exactly one observation with the same number,
an empty cell as no observation at all (never 0), and every source row must be either in the graph or
in the quarantine with a reason.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import Store

from culturegraph.config import PROJECT_ROOT
from culturegraph.rdf.terms import DEFAULT_MINTER as IRIS

ATTENDANCE = PROJECT_ROOT / "data" / "sources" / "frequentation-musees"
NEW = "frequentation-des-musees-de-france_ENTREES_ET_CATEGORIES_DE_PUBLIC_2014-2023.csv"
OLD = "frequentation-des-musees-de-france_ods-export_2001-2021.csv"
GRAPH = IRIS.graph("frequentation-musees").value
CATEGORY = IRIS.concept("categorie-public", "").value
PREFIXES = f"""PREFIX kgo: <{IRIS.kgo.iri}>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX schema: <http://schema.org/>
"""
# source column -> public category code, per file (the old export has only the three totals)
COLUMNS = {
    NEW: {"payant": "payant", "gratuit": "gratuit", "total": "total", "individuel": "individuel",
          "scolaires": "scolaires", "groupes_hors_scolaires": "groupes-hors-scolaires",
          "moins_18_ans_hors_scolaires": "moins-18-ans-hors-scolaires", "_18_25_ans": "18-25-ans"},
    OLD: {"payant": "payant", "gratuit": "gratuit", "total": "total"},
}
SITE = {NEW: "IDPatrimostat", OLD: "ref_musee"}

Key = tuple[str, int]  # (site, year)


class Row:
    def __init__(self, file: str, line: int, cells: dict[str, str]) -> None:
        self.file, self.line, self.cells = file, line, cells
        code = cells[SITE[file]].strip()
        self.site = code.zfill(7) if code.isdigit() else code  # '810501' lost its leading zero
        self.year = int(cells["annee"])
        self.counts = {cat: int(cells[col]) for col, cat in COLUMNS[file].items() if cells[col].strip()}

    @property
    def key(self) -> Key:
        return (self.site, self.year)


def source_rows(name: str) -> list[Row]:
    """Every data row of a shipped attendance file with its physical start line."""
    rows = []
    with (ATTENDANCE / name).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        start = reader.line_num + 1
        for cells in reader:
            rows.append(Row(name, start, dict(zip(header, cells, strict=False))))
            start = reader.line_num + 1
    return rows


@pytest.fixture(scope="module")
def rows() -> dict[str, list[Row]]:
    return {name: source_rows(name) for name in (NEW, OLD)}


@pytest.fixture(scope="module")
def quarantine(built) -> dict[tuple[str, int], list[dict[str, str]]]:
    """(file name, line) -> its quarantine entries."""
    entries: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    with (Path(built.directory) / "quarantine.csv").open(encoding="utf-8", newline="") as f:
        for entry in csv.DictReader(f):
            if entry["pointer"]:  # a JSON source's finding is located by its pointer, not a line
                continue
            entries[(entry["file"].rsplit("/", 1)[-1], int(entry["line"]))].append(entry)
    return entries


@pytest.fixture(scope="module")
def observations(graph: Store) -> dict[Key, dict[str, int | None]]:
    """(site, year) -> {category: value, or None for a status-only observation}."""
    return {key: {cat: n for cat, (n, _) in cats.items()} for key, cats in annotated(graph).items()}


@pytest.fixture(scope="module")
def statuses(graph: Store) -> dict[Key, dict[str, str | None]]:
    """(site, year) -> {category: status code (F, NC, R) or None}."""
    return {key: {cat: st for cat, (_, st) in cats.items()} for key, cats in annotated(graph).items()}


_ANNOTATED: dict[int, dict[Key, dict[str, tuple[int | None, str | None]]]] = {}


def annotated(graph: Store) -> dict[Key, dict[str, tuple[int | None, str | None]]]:
    if id(graph) in _ANNOTATED:
        return _ANNOTATED[id(graph)]
    query = PREFIXES + f"""SELECT ?site ?year ?cat ?n ?status WHERE {{ GRAPH <{GRAPH}> {{
        ?obs a kgo:ObservationFrequentation ; kgo:site ?site ; sdmx-dimension:refPeriod ?year ;
             kgo:categoriePublic ?cat .
        OPTIONAL {{ ?obs kgo:nombreEntrees ?n }}
        OPTIONAL {{ ?obs <http://purl.org/linked-data/sdmx/2009/attribute#obsStatus> ?status }} }} }}"""
    out: dict[Key, dict[str, tuple[int | None, str | None]]] = defaultdict(dict)
    for s in graph.query(query):
        key = (s["site"].value.rsplit("/", 1)[-1], int(s["year"].value.rsplit("/", 1)[-1]))
        category = s["cat"].value.removeprefix(CATEGORY)
        assert category not in out[key], f"two observations (or values) for {key} {category}"
        out[key][category] = (int(s["n"].value) if s["n"] is not None else None,
                              s["status"].value.rsplit("/", 1)[-1] if s["status"] is not None else None)
    _ANNOTATED[id(graph)] = out
    return out


def quarantined_rows(quarantine: dict, file: str) -> set[int]:
    return {line for (name, line), entries in quarantine.items()
            if name == file and any(e["action"] == "row quarantined" for e in entries)}


def published_rows(rows: dict[str, list[Row]], quarantine: dict) -> dict[Key, Row]:
    """The row behind each published site-year: the current file for the years it covers, the old
    export for the others; quarantined rows left out."""
    new_years = {r.year for r in rows[NEW]}
    chosen: dict[Key, Row] = {}
    for name in (NEW, OLD):
        out = quarantined_rows(quarantine, name)
        for r in rows[name]:
            if r.line in out or (name == OLD and r.year in new_years):
                continue
            chosen.setdefault(r.key, r)
    return chosen


def test_sample_of_site_years_equals_the_source(rows, quarantine, observations) -> None:
    """≥ 20 (site, year) pairs from both vintages: the same numbers per category, and no observation
    for an empty cell."""
    published = published_rows(rows, quarantine)
    pick = random.Random(20241126)
    sample = [r for r in pick.sample(rows[NEW], 20) if r.key in published and published[r.key] is r]
    old_years = [r for r in rows[OLD] if r.year < 2014 and r.key in published and published[r.key] is r]
    sample += pick.sample(old_years, 15)
    # and the rows the issue names: categories, a lost leading zero, Corsica, a cumulated group
    named = {("0105301", 2014), ("0105301", 2015), ("0810501", 2022), ("2A00401", 2014),
             ("1038701", 2014), ("6015901", 2009), ("0105302", 2009)}
    sample += [published[key] for key in sorted(named)]
    assert len({r.key for r in sample}) >= 30 and {r.file for r in sample} == {NEW, OLD}
    for r in sample:
        got = {cat: n for cat, n in observations.get(r.key, {}).items() if n is not None}
        assert got == r.counts, f"{r.file}:{r.line} {r.key}"
    assert observations[("0105301", 2014)]["moins-18-ans-hors-scolaires"] == 5186
    assert "individuel" not in observations[("0105301", 2014)]  # empty cell in the source
    assert observations[("0105302", 2009)] == {"total": None}  # NC: a status, no number


def test_every_count_cell_and_only_those(rows, quarantine, observations) -> None:
    """All published site-years: every non-empty count cell is one observation with its number, an
    empty cell none (a 0 in the graph always comes from a 0 in the file)."""
    published = published_rows(rows, quarantine)
    expected = {key: r.counts for key, r in published.items() if r.counts}
    got = {key: {c: n for c, n in cats.items() if n is not None} for key, cats in observations.items()}
    got = {key: cats for key, cats in got.items() if cats}
    missing = sorted(set(expected) - set(got))[:5]
    extra = sorted(set(got) - set(expected))[:5]
    assert not missing and not extra, f"missing {missing}, not in the source {extra}"
    different = [(k, expected[k], got[k]) for k in expected if expected[k] != got[k]]
    assert different == []
    zeros = sum(1 for cats in got.values() for n in cats.values() if n == 0)
    assert zeros > 0  # there are real zeros (1,413 rows with total 0): they are kept


def test_status_codes(rows, quarantine, observations, statuses) -> None:
    """The old export's F/NC/R rows of 2001-2013: the code is on every observation of the row, and a
    row without any number is a total observation with the code and no value."""
    published = published_rows(rows, quarantine)
    noted = {key: r for key, r in published.items() if r.file == OLD and r.cells["note"].strip()}
    assert len(noted) > 1000
    for key, r in noted.items():
        assert set(statuses[key].values()) == {r.cells["note"].strip()}, f"{r.file}:{r.line}"
        if not r.counts:
            assert observations[key] == {"total": None}, f"{r.file}:{r.line}"
    # An old-export row without a code has no status. A current-file row (2014-) has one when it has
    # no figure above 0 (the explained zeros, tests/mappings/frequentation_musees/test_statuses.py)
    # and none when it has a figure.
    unnoted = [key for key, r in published.items() if r.file == OLD and not r.cells["note"].strip()]
    assert len(unnoted) > 1000
    assert all(set(statuses[key].values()) == {None} for key in unnoted if key in statuses)
    current = [r for r in published.values() if r.file == NEW]
    with_figures = [r.key for r in current if any(n > 0 for n in r.counts.values())]
    without = [r.key for r in current if not any(n > 0 for n in r.counts.values())]
    assert len(with_figures) > 1000 and len(without) > 100
    assert all(statuses[key].get("total") is None for key in with_figures if key in statuses)
    assert all(statuses[key]["total"] is not None for key in without), [
        key for key in without if statuses[key]["total"] is None][:5]


def test_every_row_is_mapped_or_quarantined(rows, quarantine, observations, graph: Store) -> None:
    carried: set[Key] = set()
    query = PREFIXES + f"""SELECT ?other ?year WHERE {{ GRAPH <{GRAPH}> {{
        ?obs kgo:inclutChiffresDe ?other ; sdmx-dimension:refPeriod ?year }} }}"""
    for s in graph.query(query):
        carried.add((s["other"].value.rsplit("/", 1)[-1], int(s["year"].value.rsplit("/", 1)[-1])))
    unaccounted = []
    counts = defaultdict(int)
    for name in (NEW, OLD):
        for r in rows[name]:
            entries = quarantine.get((name, r.line), [])
            if any(e["action"] == "row quarantined" and e["reason"] for e in entries):
                counts["quarantined"] += 1
            elif r.key in observations:
                counts["observations"] += 1
            elif r.key in carried:
                counts["counted in another site"] += 1
            else:
                unaccounted.append(f"{name}:{r.line} {r.key}")
    assert unaccounted == []
    assert sum(counts.values()) == 11252 + 24769
    assert counts["counted in another site"] > 0 and counts["quarantined"] > 0


def test_quarantine_names_the_saint_pierre_row(quarantine) -> None:
    (entry,) = quarantine[(NEW, 11247)]
    assert (entry["column"], entry["value"], entry["action"]) == ("23", "1057", "row quarantined")
    assert "unnamed column 23" in entry["reason"]


def test_museofile_has_every_museum(graph: Store) -> None:
    query = PREFIXES + f"""SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
        GRAPH <{IRIS.graph("museofile").value}> {{ ?m a schema:Museum }} }}"""
    assert int(next(iter(graph.query(query)))["n"].value) == 1227
