"""Explained zeros: every site-year of the current attendance file without a figure, and every year in
which a site has no row, carries a status and its origin (mappings/frequentation_musees/mapping.py,
derived_status and missing_statuses). Checked on a golden case with the shapes, and on the shipped
build against the source files read with the csv module."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import Store
from validation.support import key, validate_trig  # tests/validation/support.py

from culturegraph.config import PROJECT_ROOT, load_settings
from culturegraph.rdf.terms import DEFAULT_MINTER

from ..golden import GOLDEN, run_case

BASE = "https://culturegraph.example/"
SOURCES = PROJECT_ROOT / "data" / "sources" / "frequentation-musees"
CURRENT = next(SOURCES.glob("*ENTREES_ET_CATEGORIES*.csv"))
COUNTS = ("payant", "gratuit", "total", "individuel", "scolaires", "groupes_hors_scolaires",
          "moins_18_ans_hors_scolaires", "_18_25_ans")
PREFIXES = """PREFIX kgo: <https://culturegraph.example/def/culture/>
PREFIX cat: <https://culturegraph.example/def/categorie-public/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <http://schema.org/>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""


def test_the_derived_statuses_conform_to_the_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The golden case's observations (statuses of zeros, of missing years, of a site the current file
    never lists) raise no SHACL result: codes from the lists, a status on every observation without a
    value, none on a positive count."""
    monkeypatch.delenv("CULTUREGRAPH_BASE_IRI", raising=False)
    output = run_case(GOLDEN / "frequentation-musees" / "zeros-expliques")
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in output.triples)
    trig = f"GRAPH {DEFAULT_MINTER.graph('frequentation-musees')} {{\n{body}\n}}\n"
    report = validate_trig(trig, "frequentation-musees", load_settings(), tmp_path)
    focus = [str(f.focus).strip("<>") for f in report.findings]
    assert not [f for f in focus if f.startswith(f"{BASE}data/")], [key(f) for f in report.findings]
    # (Its sites are not part of museums of this case: those findings are about the sites.)
    assert all(f.startswith(f"{BASE}id/site/") for f in focus), focus
    statuses = {t.object.value.rsplit("/", 1)[1] for t in output.triples
                if t.predicate.value.endswith("#obsStatus")}
    assert statuses == {"F", "NC", "CU", "AP"}


def _current_rows() -> list[dict[str, str]]:
    with CURRENT.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _select(graph: Store, query: str) -> list[dict[str, str | None]]:
    result = graph.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]  # type: ignore[union-attr]


@pytest.mark.slow
def test_every_2022_zero_and_missing_row_has_a_reason(graph: Store) -> None:
    """2022: each row of the current file without a figure of its own has a status on its total; each
    museum of Muséofile has a site with a figure, or a status for every one of its sites, or no
    Patrimostat site at all (never surveyed: 05-musees-sans-frequentation lists them with 0 sites)."""
    totals = {(r["site"].rsplit("/", 1)[1]): r for r in _select(graph, """
        SELECT ?site ?entrees ?statut ?origine WHERE {
          ?obs kgo:categoriePublic cat:total ; kgo:site ?site ;
               sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/2022> .
          OPTIONAL { ?obs kgo:nombreEntrees ?entrees }
          OPTIONAL { ?obs sdmx-attribute:obsStatus ?statut }
          OPTIONAL { ?obs kgo:origineStatut ?origine }
        }""")}
    rows_2022 = [r for r in _current_rows() if r["annee"] == "2022"]
    without_figures = {r["IDPatrimostat"].zfill(7) for r in rows_2022
                       if not any(r[c] and int(r[c]) > 0 for c in COUNTS)}
    assert len(without_figures) > 100  # 145 rows of 2022 have no figure of their own
    for site in without_figures:
        assert totals[site]["statut"] is not None, site
        assert totals[site]["origine"] is not None, site
    # A row with figures gets no status; except a row the reader quarantines (figures in the unnamed
    # columns 23-24: 9750202, golden case saint-pierre), which counts as no row (NC, "absente").
    quarantined = {r["IDPatrimostat"].zfill(7) for r in rows_2022 if r.get("") or r.get(None)}  # type: ignore[call-overload]
    assert quarantined == {"9750202"} and totals["9750202"]["statut"] is not None
    with_figures = {r["IDPatrimostat"].zfill(7) for r in rows_2022} - without_figures - quarantined
    assert all(totals[s]["statut"] is None for s in with_figures if s in totals)

    sites: defaultdict[str, set[str]] = defaultdict(set)
    for r in _select(graph, "SELECT ?musee ?site WHERE { ?musee a schema:Museum . "
                            "OPTIONAL { ?site a kgo:SitePatrimostat ; dcterms:isPartOf ?musee } }"):
        museum = str(r["musee"]).rsplit("/", 1)[1]
        sites[museum]
        if r["site"] is not None:
            sites[museum].add(str(r["site"]).rsplit("/", 1)[1])
    assert len(sites) == 1227
    counted = explained = unsurveyed = 0
    for museum, codes in sites.items():
        if not codes:
            unsurveyed += 1
        elif any(totals.get(c, {}).get("entrees") not in (None, "0") for c in codes):
            counted += 1
        else:
            unexplained = [c for c in codes if c not in totals or totals[c]["statut"] is None]
            assert not unexplained, (museum, unexplained)
            explained += 1
    assert (counted, explained, unsurveyed) == (944, 271, 12)
