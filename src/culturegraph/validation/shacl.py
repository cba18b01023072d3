"""SHACL validation per named graph, with each result traced back to its source row.

Each dataset graph is validated with ``ontology/shapes/common.ttl`` + ``ontology/shapes/<dataset>.ttl``
by pySHACL (RDFS inference over the class axioms of our ontology, so that shapes may target
``kgo:ObservationFrequentation`` or ``schema:Museum`` subclasses). Results are turned into
:class:`Finding` values: severity, focus node, path, value, the French and English messages (read from
the shapes graph: pySHACL drops language tags on SPARQL-based results, model.md §7.3), and the file,
line and column of the source row (the build's provenance index).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import NamedNode, RdfFormat, Store, serialize
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from culturegraph.config import Settings
from culturegraph.graph.dataset import DatasetSpec
from culturegraph.graph.provenance import ProvenanceIndex
from culturegraph.rdf.terms import Minter

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass
class Finding:
    dataset: str
    severity: str
    focus: str
    path: str | None
    value: str | None
    message_fr: str
    message_en: str
    shape: str | None
    constraint: str | None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    header: str | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return "(no source row)"
        where = f"{self.file}:{self.line}"
        if self.column:
            where += f", column {self.column} ({self.header})"
        return where


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)
    conforms: dict[str, bool] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("Violation")

    def summary(self) -> dict[str, Any]:
        per = Counter((f.dataset, f.severity) for f in self.findings)
        return {
            "violations": self.violations,
            "warnings": self.count("Warning"),
            "infos": self.count("Info"),
            "per_dataset": {
                ds: {sev: per.get((ds, sev), 0) for sev in ("Violation", "Warning", "Info")}
                for ds in self.conforms
            },
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
        }


def shapes_files(settings: Settings, dataset: str) -> list[Path]:
    folder = settings.ontology_dir / "shapes"
    files = [folder / "common.ttl", folder / f"{dataset}.ttl"]
    return [f for f in files if f.is_file()]


def load_shapes(settings: Settings, dataset: str) -> rdflib.Graph | None:
    files = shapes_files(settings, dataset)
    if not any(f.name != "common.ttl" for f in files):
        return None
    shapes = rdflib.Graph()
    for path in files:
        shapes.parse(data=settings.rebase(path.read_text(encoding="utf-8")), format="turtle",
                     publicID=settings.base_iri)
    return shapes


def ontology_graph(store: Store, iris: Minter) -> rdflib.Graph:
    """The class and property axioms pySHACL's RDFS inference needs (from /graph/vocabulaires)."""
    query = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iris.graph('vocabulaires').value}> {{
        ?s ?p ?o FILTER(?p IN (<http://www.w3.org/2000/01/rdf-schema#subClassOf>,
                              <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>)) }} }}"""
    graph = rdflib.Graph()
    graph.parse(data=store.query(query).serialize(format=RdfFormat.N_TRIPLES).decode(), format="nt")
    return graph


def graph_to_rdflib(store: Store, graph: NamedNode) -> rdflib.Graph:
    data = serialize((q.triple for q in store.quads_for_pattern(None, None, None, graph)),
                     format=RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=data.decode("utf-8") if data else "", format="nt")
    return g


def validate_graph(
    data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph | None, dataset: str
) -> tuple[bool, list[Finding]]:
    conforms, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs" if ontology else "none",
        allow_warnings=True, allow_infos=True, abort_on_first=False, advanced=True,
    )
    return conforms, findings_from_report(report, shapes, dataset)


def _message(shapes: rdflib.Graph, node: Any, lang: str) -> str | None:
    if node is None:
        return None
    for message in shapes.objects(node, SH.message):
        if getattr(message, "language", None) == lang:
            return str(message)
    return None


def findings_from_report(report: rdflib.Graph, shapes: rdflib.Graph, dataset: str) -> list[Finding]:
    findings = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        def one(p: rdflib.URIRef) -> Any:
            return next(report.objects(result, p), None)

        severity = SEVERITIES.get(one(SH.resultSeverity), str(one(SH.resultSeverity)))
        shape, constraint = one(SH.sourceShape), one(SH.sourceConstraint)
        # The message in each language: from the constraint or shape in the shapes graph first.
        fr_text = _message(shapes, constraint, "fr") or _message(shapes, shape, "fr")
        en_text = _message(shapes, constraint, "en") or _message(shapes, shape, "en")
        messages = list(report.objects(result, SH.resultMessage))
        if not fr_text:
            fr_text = next((str(m) for m in messages if getattr(m, "language", None) == "fr"),
                           str(messages[0]) if messages else "")
        if not en_text:
            en_text = next((str(m) for m in messages if getattr(m, "language", None) == "en"),
                           str(messages[-1]) if messages else "")
        focus, path, value = one(SH.focusNode), one(SH.resultPath), one(SH.value)
        findings.append(Finding(
            dataset=dataset, severity=severity, focus=str(focus),
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            value=str(value) if value is not None else None,
            message_fr=_substitute(fr_text, focus, value), message_en=_substitute(en_text, focus, value),
            shape=str(shape) if isinstance(shape, rdflib.URIRef) else None,
            constraint=str(constraint) if isinstance(constraint, rdflib.URIRef) else None,
        ))
    return findings


def _substitute(text: str, focus: Any, value: Any) -> str:
    return (text.replace("{$this}", str(focus)).replace("{?this}", str(focus))
            .replace("{?value}", str(value) if value is not None else ""))


def trace(findings: list[Finding], index: ProvenanceIndex, fields: dict[str, dict[str, str]],
          prefixes: dict[str, str]) -> None:
    """Fill file/line/column from the provenance index; ``fields`` maps dataset → predicate → field."""
    for finding in findings:
        field_name = None
        if finding.path:
            per = fields.get(finding.dataset, {})
            field_name = per.get(finding.path) or per.get(_compact(finding.path, prefixes))
        origin = index.origin(finding.focus, field_name)
        if origin is not None:
            finding.file, finding.line = origin.file, origin.line
            finding.column, finding.header = origin.column, origin.header


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, ns in prefixes.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def validate_store(store: Store, settings: Settings, specs: list[DatasetSpec], directory: Path,
                   datasets: list[str] | None = None) -> ValidationReport:
    """Validate each dataset graph of ``store``; write ``validation.json`` and ``validation.ttl`` there."""
    iris = Minter(settings.base_iri)
    report = ValidationReport()
    ontology = ontology_graph(store, iris)
    fields = {spec.name: spec.fields for spec in specs}
    for spec in specs:
        if datasets and spec.name not in datasets:
            continue
        shapes = load_shapes(settings, spec.name)
        if shapes is None:
            continue
        t0 = time.perf_counter()
        data = graph_to_rdflib(store, iris.graph(spec.name))
        report.triples[spec.name] = len(data)
        conforms, findings = validate_graph(data, shapes, ontology, spec.name)
        report.conforms[spec.name] = conforms
        report.findings += findings
        report.seconds[spec.name] = time.perf_counter() - t0
    index_path = directory / "provenance.sqlite"
    if index_path.exists():
        trace(report.findings, ProvenanceIndex(index_path), fields, iris.prefixes())
    write_validation(directory, report)
    return report


def write_validation(directory: Path, report: ValidationReport) -> None:
    payload = {"summary": report.summary(), "findings": [asdict(f) for f in report.findings]}
    (directory / "validation.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False))
