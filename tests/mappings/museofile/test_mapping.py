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
