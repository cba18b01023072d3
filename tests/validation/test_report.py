"""Rendering of validation reports: text, JSON, Turtle (with source positions) and HTML."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from culturegraph.validation.report import PTR, compact, groups, render, selected
from culturegraph.validation.shacl import Finding, ValidationReport

BASE = "https://culturegraph.example/"
MUSEOFILE = "data/sources/museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"


def finding(**changes) -> Finding:
    values = dict(
        dataset="museofile", severity="Violation", focus=f"{BASE}id/musee/M1136",
        path="http://www.w3.org/2000/01/rdf-schema#label", value=None,
        message_fr="Aucun libellé en français (rdfs:label @fr).",
        message_en="No French label (rdfs:label @fr).",
        shape=f"{BASE}shapes/common#LabelFrPresent", constraint=None, file=MUSEOFILE, line=4573,
        column=17, header="nomoff", shape_name_fr="Libellé en français", shape_name_en="French label",
        component="http://www.w3.org/ns/shacl#QualifiedMinCountConstraintComponent",
    )
    values.update(changes)
    return Finding(**values)


@pytest.fixture
def report() -> ValidationReport:
    r = ValidationReport(base_iri=BASE)
    r.conforms = {"museofile": False, "frequentation-musees": True}
    r.seconds = {"museofile": 1.5, "frequentation-musees": 20.25}
    r.triples = {"museofile": 57000, "frequentation-musees": 820000}
    r.findings = [
        finding(),
        finding(severity="Warning", dataset="frequentation-musees",
                focus=f"{BASE}data/frequentation-musees/site/0921101/annee/2020/public/total",
                path="https://culturegraph.example/def/culture/nombreEntrees", value="11960",
                message_fr="Le total publié (11960) diffère de payant (5980) + gratuit (0).",
                message_en="The published total (11960) differs from paying (5980) + free (0).",
                shape=f"{BASE}shapes/frequentation-musees#TotalConsistency", line=300, column=15,
                header="total", shape_name_fr="Cohérence des totaux", shape_name_en="Total consistency",
                file="data/sources/frequentation-musees/x.csv"),
        finding(severity="Info", focus=f"{BASE}id/musee/M0001", path="http://schema.org/sameAs",
                message_fr="Pas encore de lien <Wikidata> & co", message_en="No <Wikidata> link yet",
                shape=f"{BASE}shapes/museofile#MuseumWikidata", file=None, line=None, column=None,
                header=None, value="<script>alert(1)</script>"),
        finding(severity="Info", dataset="frequentation-musees", focus=f"{BASE}id/site/0105399",
                path=f"^{BASE}def/culture/site", message_fr="Aucune observation", message_en="No observation",
                shape=f"{BASE}shapes/frequentation-musees#SiteHasObservation", column=None, header=None),
    ]
    return r


def test_selected_filters_and_orders(report):
    assert [f.severity for f in selected(report)] == ["Violation", "Warning", "Info", "Info"]
    assert [f.severity for f in selected(report, "Warning")] == ["Violation", "Warning"]
    assert [f.severity for f in selected(report, "Violation")] == ["Violation"]
    with pytest.raises(ValueError):
        selected(report, "Error")


def test_text_names_file_line_and_column(report):
    text = render(report, "text")
    assert text.splitlines()[0] == "1 violations, 1 warnings, 2 infos"
    assert f"Violation: {MUSEOFILE}:4573, column 17 (nomoff): Aucun libellé" in text
    assert "(no source row)" in text
    assert "Info" not in render(report, "text", "Warning").split("\n", 3)[-1]


def test_json_round_trip(report):
    data = json.loads(render(report, "json"))
    assert data["summary"]["violations"] == 1
    assert data["summary"]["per_dataset"]["museofile"] == {"Violation": 1, "Warning": 0, "Info": 1}
    assert data["summary"]["per_dataset"]["frequentation-musees"] == {"Violation": 0, "Warning": 1, "Info": 1}
    assert data["findings"][0]["line"] == 4573 and data["findings"][0]["header"] == "nomoff"


def test_turtle_is_a_shacl_report_with_source_pointers(report):
    g = rdflib.Graph().parse(data=render(report, "turtle"), format="turtle")
    root = next(g.subjects(RDF.type, SH.ValidationReport))
    assert g.value(root, SH.conforms).toPython() is False
    results = list(g.objects(root, SH.result))
    assert len(results) == 4
    first = next(r for r in results if g.value(r, SH.resultSeverity) == SH.Violation)
    messages = {m.language: str(m) for m in g.objects(first, SH.resultMessage)}
    assert messages == {"fr": "Aucun libellé en français (rdfs:label @fr).",
                        "en": "No French label (rdfs:label @fr)."}
    pointer = g.value(first, rdflib.URIRef("http://purl.org/dc/terms/source"))
    assert g.value(pointer, RDF.type) == PTR.LineCharPointer
    assert g.value(pointer, PTR.lineNumber).toPython() == 4573
    assert g.value(pointer, PTR.reference) == rdflib.URIRef(
        f"{BASE}data/source/museofile/musees-de-france-base-museofile_ods-export_2022-01.csv")
    cgv = rdflib.Namespace(f"{BASE}def/validation#")
    assert g.value(pointer, cgv.columnNumber).toPython() == 17
    assert str(g.value(pointer, cgv.columnHeader)) == "nomoff"
    no_row = next(r for r in results if (r, SH.value, None) in g and g.value(r, SH.resultSeverity) == SH.Info)
    assert g.value(no_row, rdflib.URIRef("http://purl.org/dc/terms/source")) is None
    inverse = next(r for r in results if isinstance(g.value(r, SH.resultPath), rdflib.BNode))
    path = g.value(inverse, SH.resultPath)
    assert g.value(path, SH.inversePath) == rdflib.URIRef(f"{BASE}def/culture/site")


class Collector(HTMLParser):
    """Well-formedness (every opened element closed, void elements aside) and what the page shows."""

    VOID = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.links: list[str] = []
        self.langs: list[str] = []
        self.scripts = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if "lang" in attrs:
            self.langs.append(attrs["lang"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_standalone_accessible_and_escaped(report):
    page = render(report, "html")
    parser = Collector()
    parser.feed(page)
    assert parser.stack == []
    assert parser.scripts == 0  # the injected value and message stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;Wikidata&gt; &amp; co" in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "en" in parser.langs  # English messages are marked as such
    assert f"{BASE}id/musee/M1136" in parser.links  # focus nodes are links
    text = " ".join(parser.text)
    assert f"{MUSEOFILE}:4573, colonne 17 (nomoff)" in text
    assert "musee:M1136" in text and "Libellé en français" in text
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    # The French message comes before the English one.
    assert page.index("Aucun libellé en français") < page.index("No French label")
    # Summary: one row per dataset with its counts.
    assert "frequentation-musees" in text and "820 000" in text


def test_html_groups_by_shape(report):
    report.findings.append(finding(focus=f"{BASE}id/musee/M0002", line=10))
    found = groups(selected(report))
    assert [len(g.findings) for g in found] == [2, 1, 1, 1]
    assert found[0].same_message and found[0].title_fr == "Libellé en français"


def test_compact():
    prefixes = {"musee": f"{BASE}id/musee/", "cg": BASE, "kgo": f"{BASE}def/culture/"}
    assert compact(f"{BASE}id/musee/M0963", prefixes) == "musee:M0963"
    assert compact(f"^{BASE}def/culture/site", prefixes) == "^kgo:site"
    assert compact("http://example.org/x", prefixes) == "http://example.org/x"


def test_unknown_format(report):
    with pytest.raises(ValueError):
        render(report, "xml")
