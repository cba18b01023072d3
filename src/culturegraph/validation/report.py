"""Rendering a validation report: text for the terminal, JSON, Turtle, HTML for curators.

``render(report, fmt, min_severity)`` is what ``culturegraph validate --format …`` prints. Every format
lists, for each finding, the source file, line and column the build traced it to.

Turtle is a ``sh:ValidationReport`` graph whose results carry, besides the SHACL terms, the source
position as ``dcterms:source [ a ptr:LineCharPointer ; ptr:reference <source file entity> ;
ptr:lineNumber N ; cgv:columnNumber C ; cgv:columnHeader "h" ]`` (W3C Pointer Methods in RDF; the
``cgv:`` terms are defined in ontology/vocabularies/validation.ttl) and both messages, ``@fr`` and
``@en``.

HTML is one standalone page (no script, no external resource): counts per dataset and severity, then
the results grouped by shape, the French message first, each focus node a link, each position
``file:line, column``. Jinja2 escapes every value.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, XSD
from rdflib.util import from_n3

from culturegraph.rdf.terms import Minter
from culturegraph.validation.shacl import SEVERITY_ORDER, Finding, ValidationReport

ORDER = {severity: i for i, severity in enumerate(SEVERITY_ORDER)}
FORMATS = ("text", "json", "turtle", "html")
PTR = rdflib.Namespace("http://www.w3.org/2009/pointers#")
TEMPLATES = Path(__file__).parent / "templates"


def selected(report: ValidationReport, min_severity: str = "Info") -> list[Finding]:
    """Findings at ``min_severity`` or worse, worst first, then by dataset and source position."""
    if min_severity not in ORDER:
        raise ValueError(f"unknown severity {min_severity!r}; expected one of {SEVERITY_ORDER}")
    return sorted((f for f in report.findings if ORDER.get(f.severity, 0) <= ORDER[min_severity]),
                  key=lambda f: (ORDER.get(f.severity, 0), f.dataset, f.file or "", f.line or 0, f.focus))


def render(report: ValidationReport, fmt: str, min_severity: str = "Info") -> str:
    findings = selected(report, min_severity)
    if fmt == "json":
        return json.dumps({"summary": report.summary(), "findings": [asdict(f) for f in findings]},
                          indent=1, ensure_ascii=False)
    if fmt == "text":
        return render_text(report, findings)
    if fmt == "turtle":
        return render_turtle(report, findings)
    if fmt == "html":
        return render_html(report, findings, min_severity)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


# text ---------------------------------------------------------------------------------------------

def render_text(report: ValidationReport, findings: list[Finding]) -> str:
    s = report.summary()
    lines = [f"{s['violations']} violations, {s['warnings']} warnings, {s['infos']} infos"]
    for dataset, counts in s["per_dataset"].items():
        seconds = s["seconds"].get(dataset)
        took = f" ({seconds:.1f} s)" if seconds is not None else ""
        lines.append(f"  {dataset}: " + ", ".join(f"{counts[sev]} {sev}" for sev in SEVERITY_ORDER) + took)
    for f in findings:
        lines.append(f"{f.severity}: {f.where}: {f.message_fr} / {f.message_en}")
        lines.append(f"    focus {f.focus}" + (f" path {f.path}" if f.path else "")
                     + (f" value {f.value!r}" if f.value is not None else ""))
    return "\n".join(lines)


# turtle -------------------------------------------------------------------------------------------

def source_entity(finding: Finding, iris: Minter) -> rdflib.URIRef | None:
    """The prov:Entity of /graph/provenance for the finding's file (data/sources/<source>/<file>)."""
    if not finding.file:
        return None
    parts = Path(finding.file).parts
    if len(parts) >= 3 and parts[0] == "data" and parts[1] == "sources":
        return rdflib.URIRef(iris.data("source", parts[2], parts[-1]).value)
    return None


def report_graph(report: ValidationReport, findings: Iterable[Finding]) -> rdflib.Graph:
    iris = Minter(report.base_iri)
    cgv = rdflib.Namespace(f"{report.base_iri}def/validation#")
    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in iris.prefixes().items():
        g.bind(prefix, ns, override=True)
    g.bind("ptr", PTR)
    g.bind("cgv", cgv)
    root = rdflib.BNode("report")
    g.add((root, RDF.type, SH.ValidationReport))
    g.add((root, SH.conforms, rdflib.Literal(report.violations == 0)))
    for i, f in enumerate(findings, 1):
        r = rdflib.BNode(f"r{i}")
        g.add((root, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, SH[f.severity]))
        g.add((r, SH.focusNode, _node(f.focus)))
        if f.path and f.path.startswith("^"):  # an inverse path, as SHACL writes it
            path = rdflib.BNode(f"r{i}-path")
            g.add((r, SH.resultPath, path))
            g.add((path, SH.inversePath, rdflib.URIRef(f.path[1:])))
        elif f.path:
            g.add((r, SH.resultPath, rdflib.URIRef(f.path)))
        if f.value is not None:
            g.add((r, SH.value, _value(f)))
        g.add((r, SH.resultMessage, rdflib.Literal(f.message_fr, lang="fr")))
        g.add((r, SH.resultMessage, rdflib.Literal(f.message_en, lang="en")))
        if f.shape:
            g.add((r, SH.sourceShape, rdflib.URIRef(f.shape)))
        if f.constraint:
            g.add((r, SH.sourceConstraint, rdflib.URIRef(f.constraint)))
        if f.component:
            g.add((r, SH.sourceConstraintComponent, rdflib.URIRef(f.component)))
        g.add((r, DCTERMS.isPartOf, rdflib.URIRef(iris.dataset(f.dataset).value)))
        if f.file:
            pointer = rdflib.BNode(f"r{i}-source")
            g.add((r, DCTERMS.source, pointer))
            # W3C Pointer Methods: a line/column for CSV, an expression (the JSON pointer) for JSON.
            kind = PTR.ExpressionPointer if f.pointer is not None else PTR.LineCharPointer
            g.add((pointer, RDF.type, kind))
            if f.pointer is not None:
                g.add((pointer, PTR.expression, rdflib.Literal(f.pointer)))
            g.add((pointer, RDFS.label, rdflib.Literal(f.where)))
            entity = source_entity(f, iris)
            if entity is not None:
                g.add((pointer, PTR.reference, entity))
            if f.line is not None and f.pointer is None:
                g.add((pointer, PTR.lineNumber, rdflib.Literal(f.line, datatype=XSD.positiveInteger)))
            if f.column:
                g.add((pointer, cgv.columnNumber, rdflib.Literal(f.column, datatype=XSD.positiveInteger)))
            if f.header:
                g.add((pointer, cgv.columnHeader, rdflib.Literal(f.header)))
    return g


def _value(f: Finding) -> rdflib.term.Node:
    """The value as the RDF term it was (IRI, typed or tagged literal) when known, else a string."""
    if f.value_term:
        try:
            return from_n3(f.value_term)
        except Exception:  # a value rdflib cannot read back stays a string
            pass
    return rdflib.Literal(f.value)


def _node(text: str) -> rdflib.term.Node:
    return rdflib.URIRef(text) if "://" in text else rdflib.BNode(text)


def render_turtle(report: ValidationReport, findings: list[Finding]) -> str:
    return report_graph(report, findings).serialize(format="turtle")


# html ---------------------------------------------------------------------------------------------

@dataclass
class Group:
    """Findings of one shape (and path) in one dataset: one section of the HTML page."""

    key: str
    severity: str
    dataset: str
    title_fr: str
    title_en: str
    path: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def same_message(self) -> bool:
        return len({(f.message_fr, f.message_en) for f in self.findings}) == 1


def groups(findings: list[Finding]) -> list[Group]:
    out: dict[tuple[Any, ...], Group] = {}
    for f in findings:
        key = (ORDER.get(f.severity, 0), f.dataset, f.shape_name_fr or f.shape or "", f.shape or "",
               f.path or "")
        group = out.get(key)
        if group is None:
            group = out[key] = Group(
                key=f"g{len(out) + 1}", severity=f.severity, dataset=f.dataset,
                title_fr=f.shape_name_fr or f.message_fr, title_en=f.shape_name_en or f.message_en,
                path=f.path)
        group.findings.append(f)
    return sorted(out.values(), key=lambda g: (ORDER.get(g.severity, 0), g.dataset, -len(g.findings),
                                               g.title_fr))


def compact(iri: str | None, prefixes: dict[str, str]) -> str:
    """``prefix:local`` for a known namespace (``^prefix:local`` for an inverse path)."""
    if not iri:
        return ""
    if iri.startswith("^"):
        return "^" + compact(iri[1:], prefixes)
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def render_html(report: ValidationReport, findings: list[Finding], min_severity: str = "Info") -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    prefixes = {"cg": report.base_iri, **Minter(report.base_iri).prefixes()}  # cg: for /data/… IRIs
    env.filters["compact"] = lambda iri: compact(iri, prefixes)
    summary = report.summary()
    shown = Counter((f.dataset, f.severity) for f in findings)
    return env.get_template("report.html").render(
        summary=summary, severities=SEVERITY_ORDER, groups=groups(findings), shown=shown,
        datasets=list(summary["per_dataset"]), min_severity=min_severity,
        total_shown=len(findings), is_link=lambda text: text.startswith(("http://", "https://")),
    )
