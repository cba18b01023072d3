"""Muséofile mapping beyond the golden text: what the shapes make of its output."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode
from validation.support import key, validate_trig  # tests/validation/support.py

from culturegraph.config import load_settings
from culturegraph.rdf.terms import DEFAULT_MINTER, SCHEMA

from ..golden import GOLDEN, run_case

MUSEE = "https://culturegraph.example/id/musee/"


def test_damaged_web_addresses_stay_text_and_get_the_warning(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The 2022 register's 'hwww.…' (a cut scheme), 'html#.YFtE…' (no host) and an address with spaces are
    published as text, each flagged by "Site web mal formé"; '/www.lecompa.fr/' is repaired into a link."""
    monkeypatch.delenv("CULTUREGRAPH_BASE_IRI", raising=False)  # the golden files' base
    output = run_case(GOLDEN / "museofile" / "sites-web-mal-formes")
    urls = {str(t.subject.value).removeprefix(MUSEE): t.object for t in output.triples
            if t.predicate == SCHEMA.url}
    assert urls["M0239"] == NamedNode("http://www.lecompa.fr/")
    assert urls["M0811"] == Literal("hwww.abbeville.fr/loisirs/musee-boucher-de-perthes.html")
    assert urls["M1137"] == Literal("html#.YFtE-ZvjLZ4")
    assert isinstance(urls["M0931"], Literal)
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in output.triples)
    trig = f"GRAPH {DEFAULT_MINTER.graph('museofile')} {{\n{body}\n}}\n"
    report = validate_trig(trig, "museofile", load_settings(), tmp_path)
    flagged = {str(f.focus).removeprefix(MUSEE) for f in report.findings if key(f) == "MuseumWebsite/url"}
    assert flagged == {"M0811", "M0931", "M1137"}


def test_every_shipped_category_is_in_the_curated_table() -> None:
    """Each value of the shipped register's ``categ`` (split on "." and ";") has a row in
    tables/categories.csv: a new spelling must be curated (merged, labelled in English) before it ships."""
    import csv
    import re

    from culturegraph.config import PROJECT_ROOT
    from culturegraph.rdf.terms import slug

    table = PROJECT_ROOT / "mappings" / "museofile" / "tables" / "categories.csv"
    lines = [line for line in table.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = {r["variante"]: r for r in csv.DictReader(lines, delimiter=";")}
    codes = {r["code"] for r in rows.values()}
    assert all(r["parent"] in codes for r in rows.values() if r["parent"])
    assert all(r["label_en"] for r in rows.values() if r["code"] != "-")
    (source,) = (PROJECT_ROOT / "data" / "sources" / "museofile").glob("*.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        values = {p.strip() for r in csv.DictReader(handle, delimiter=";")
                  for p in re.split(r"\.\s*|;", r["categ"]) if p.strip()}
    assert len(values) > 20
    assert not {v for v in values if slug(" ".join(v.split())) not in rows}
    # 27 spellings, 18 categories: the duplicates merged.
    assert len({rows[slug(" ".join(v.split()))]["code"] for v in values} - {"-"}) == 18
