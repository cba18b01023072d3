"""SHACL validation per named graph, with each result traced back to its source record.

Each dataset graph is validated with ``ontology/shapes/common.ttl`` + the dataset's own shapes
(``DatasetSpec.shapes``), read through the store's GraphReader. Results become :class:`Finding` values:
severity, focus node, path, value, the French and English messages (from the shapes graph: pySHACL drops
language tags on SPARQL-based results, docs/model.md), and the locator of the source record — file,
line and column for CSV, file and JSON pointer for JSON — from the build's provenance index.

The data graph a dataset is validated against: its named graph, plus the ``rdf:type`` of the resources
it links to in the other graphs (a site's museum, a museum's commune, so that ``sh:class`` can tell a
dangling link), plus the ``rdfs:subClassOf`` axioms of /graph/vocabulaires. No RDFS inference (over
800 000 triples it would cost minutes; ``sh:targetClass`` and ``sh:class`` follow the axioms anyway).
As the linked resources' types are in the data graph, a dataset's shapes must target only the
dataset's own classes (ObservationFrequentation, not schema:Museum, in the attendance shapes).

Two ways to run it (``mode``):

``fast`` (the build) — the attendance cube has ~820 000 triples; pySHACL costs ~4-5 s of CPU per
property shape over its 115 000 observations and converting the graph to rdflib ~25 s. So the data
graph is copied into an in-memory Oxigraph store (:class:`~culturegraph.validation.prefilter.Scope`)
and the parts SHACL defines in SPARQL run there: targets (``sh:targetClass`` … and SPARQL targets) are
resolved, SPARQL constraints are evaluated per focus node (with ``$this`` substituted), and each
shape's core constraints are compiled into one SPARQL query that selects the focus nodes that *may*
fail them (the pre-filter, :mod:`culturegraph.validation.prefilter`). pySHACL then validates only those
candidates, on the triples around them, and reports exactly which constraint fails and why. A shape
with a construct the compiler does not know keeps all its targets: the pre-filter can make the run
cheaper, never laxer. ``tests/validation`` checks that both modes give the same results.

``pyshacl`` — plain pySHACL (``advanced=True``) on the whole graph: the reference, for the tests.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Variable
from pyshacl import validate as pyshacl_validate
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from culturegraph.config import DEFAULT_BASE_IRI, Settings
from culturegraph.datasets import DatasetSpec, Registry, load_registry
from culturegraph.provenance.index import ProvenanceIndex, SourceFields
from culturegraph.rdf.terms import Minter
from culturegraph.store.backends import reader_of
from culturegraph.store.base import GraphReader
from culturegraph.validation import catalogue as catalogue_shapes
from culturegraph.validation.prefilter import (
    TARGETS,
    XSD_STRING,
    Scope,
    Unsupported,
    check_supported,
    deactivated,
    target_pattern,
    targeted_shapes,
    violation_filter,
)

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = ("Violation", "Warning", "Info")
MODES = ("fast", "pyshacl")

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
    shape_name_fr: str | None = None
    shape_name_en: str | None = None
    component: str | None = None  # the SHACL constraint component (sh:MinCountConstraintComponent…)
    value_term: str | None = None  # the value in N-Triples syntax (IRI or typed literal), for RDF reports
    pointer: str | None = None  # JSON sources: the JSON pointer of the value (or of its record)

    @property
    def where(self) -> str:
        """The locator as text: ``file:line, column N (header)`` for CSV, ``file#/pointer`` for JSON."""
        if self.file is None:
            return "(no source row)"
        if self.pointer is not None:
            return f"{self.file}#{self.pointer}"
        where = f"{self.file}:{self.line}"
        if self.column:
            where += f", column {self.column} ({self.header})"
        return where


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)
    conforms: dict[str, bool] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)  # triples of each dataset graph
    # dataset -> phase -> seconds (fast mode: oxigraph, extract, pyshacl)
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    focus_nodes: dict[str, int] = field(default_factory=dict)  # nodes pySHACL validated (-1: all)
    unfiltered: dict[str, list[str]] = field(default_factory=dict)  # shapes without a pre-filter
    base_iri: str = DEFAULT_BASE_IRI  # of the graph validated (for the Turtle report's own IRIs)

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
                ds: {sev: per.get((ds, sev), 0) for sev in SEVERITY_ORDER}
                for ds in self.conforms
            },
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "phases": {ds: {k: round(v, 2) for k, v in p.items()} for ds, p in self.phases.items()},
            "triples": dict(self.triples),
            "focus_nodes": dict(self.focus_nodes),
            "unfiltered_shapes": dict(self.unfiltered),
        }


# shapes -------------------------------------------------------------------------------------------

def shapes_files(settings: Settings, dataset: str, registry: Registry | None = None) -> list[Path]:
    """``ontology/shapes/common.ttl`` (the house's) and the dataset's own shapes files."""
    registry = registry if registry is not None else load_registry(settings.datasets)
    own = [spec.path(p) for spec in registry if spec.name == dataset for p in spec.shapes]
    files = [settings.ontology_dir / "shapes" / "common.ttl", *own]
    return [f for f in files if f.is_file()]


def load_shapes(settings: Settings, dataset: str, registry: Registry | None = None) -> rdflib.Graph | None:
    """common.ttl + the dataset's shapes, rebased to this deployment; None when it declares none."""
    files = shapes_files(settings, dataset, registry)
    if len(files) < 2:
        return None
    return read_shapes(settings, files)


def read_shapes(settings: Settings, files: Iterable[Path]) -> rdflib.Graph:
    """Shapes files, rebased to this deployment, in one graph."""
    shapes = rdflib.Graph()
    for path in files:
        shapes.parse(data=settings.rebase(path.read_text(encoding="utf-8")), format="turtle",
                     publicID=settings.base_iri)
    return shapes


def sparql_prefixes(shapes: rdflib.Graph, node: Any) -> dict[str, str]:
    """The sh:declare'd prefixes reachable through ``node``'s sh:prefixes (SHACL-SPARQL §5.2)."""
    return declared_prefixes(shapes, shapes.objects(node, SH.prefixes))


def all_prefixes(shapes: rdflib.Graph) -> dict[str, str]:
    """Every sh:declare'd prefix any SPARQL constraint or target of ``shapes`` refers to."""
    return declared_prefixes(shapes, set(shapes.objects(None, SH.prefixes)))


def declared_prefixes(shapes: rdflib.Graph, holders: Iterable[Any]) -> dict[str, str]:
    """prefix → namespace of the sh:declare of ``holders`` (the objects of sh:prefixes)."""
    prefixes: dict[str, str] = {}
    for holder in holders:
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
    return prefixes


# SPARQL constraints, on Oxigraph --------------------------------------------------------------

def sparql_findings(shapes: rdflib.Graph, shape: Any, focus: Iterable[Any], scope: Scope,
                    dataset: str) -> list[Finding]:
    """Run the shape's sh:sparql constraints for each focus node ($this substituted) on the data
    graph, as SHACL-SPARQL §5.3 says: one result per solution."""
    findings = []
    severity = SEVERITIES.get(shapes.value(shape, SH.severity) or SH.Violation, "Violation")
    for constraint in shapes.objects(shape, SH.sparql):
        if deactivated(shapes, constraint):
            continue
        select = str(shapes.value(constraint, SH.select))
        prefixes = sparql_prefixes(shapes, constraint)
        for node in focus:
            solutions = scope.query(select, prefixes, substitutions={Variable("this"): node})
            for row in solutions:
                values = {v.value: row[v] for v in solutions.variables if row[v] is not None}
                value = values.get("value", node)
                path = values.get("path")
                texts = {k: _text(t) for k, t in values.items()}
                messages = {lang: _fill(_template(shapes, shape, constraint, lang) or "", texts)
                            for lang in ("fr", "en")}
                findings.append(Finding(
                    dataset=dataset, severity=severity, focus=node.value,
                    path=path.value if isinstance(path, NamedNode) else None, value=_text(value),
                    value_term=str(value),
                    message_fr=messages["fr"], message_en=messages["en"], shape=_iri(shape),
                    constraint=_iri(constraint), shape_name_fr=_literal(shapes, shape, SH.name, "fr"),
                    shape_name_en=_literal(shapes, shape, SH.name, "en"),
                    component=str(SH.SPARQLConstraintComponent),
                ))
    return findings


def _text(term: Any) -> str:
    return term.value if isinstance(term, (NamedNode, BlankNode, Literal)) else str(term)


def _iri(node: Any) -> str | None:
    return str(node) if isinstance(node, rdflib.URIRef) else None


# the fast mode's plan: targets resolved, SPARQL constraints run, candidates selected ---------------

@dataclass
class Plan:
    """What pySHACL is left to do for one dataset, and what Oxigraph already found."""

    shapes: rdflib.Graph  # targets replaced by sh:targetNode candidates, sh:sparql removed
    focus: set[Any]  # every candidate focus node (pyoxigraph terms)
    inverse: dict[str, set[Any]]  # predicate pySHACL follows backwards → the nodes it starts from
    findings: list[Finding]  # of the SPARQL constraints
    unfiltered: list[str] = field(default_factory=list)  # shapes whose pre-filter could not be built


def plan(shapes: rdflib.Graph, scope: Scope, dataset: str) -> Plan:
    """Resolve targets, run SPARQL constraints and select candidates, all on Oxigraph."""
    prefixes = all_prefixes(shapes)
    work = Plan(rdflib.Graph(), set(), {}, [])
    rewrites: list[tuple[Any, list[Any]]] = []
    for shape in targeted_shapes(shapes):
        pattern = target_pattern(shapes, shape, scope)
        if pattern is None:
            raise Unsupported(f"{shape}: target")

        def select(condition: str | None = None, pattern: str = pattern) -> list[Any]:
            where = pattern if condition is None else f"{pattern} FILTER ({condition})"
            rows = scope.query(f"SELECT DISTINCT ?this WHERE {{ {where} }}", prefixes)
            return [row["this"] for row in rows]

        if (shape, SH.sparql, None) in shapes:
            work.findings += sparql_findings(shapes, shape, select(), scope, dataset)
        try:
            condition = violation_filter(shapes, shape, scope)
            candidates = [] if condition == "false" else select(condition)
        except (Unsupported, SyntaxError, OSError, ValueError):
            candidates = select()  # the pre-filter cannot tell: pySHACL checks every target
            work.unfiltered.append(str(shape))
        rewrites.append((shape, candidates))
        work.focus.update(candidates)
        for predicate in inverse_paths(shapes, shape):
            work.inverse.setdefault(predicate, set()).update(candidates)
    for triple in shapes:
        if triple[1] not in TARGETS and triple[1] != SH.sparql:
            work.shapes.add(triple)
    for prefix, namespace in shapes.namespaces():
        work.shapes.bind(prefix, namespace)
    for shape, candidates in rewrites:
        for node in candidates:
            work.shapes.add((shape, SH.targetNode, to_rdflib(node)))
    return work


def inverse_paths(shapes: rdflib.Graph, shape: Any) -> set[str]:
    """Predicates of the inverse paths the shape follows from its focus nodes (its property shapes,
    the members of its sh:or, itself when it is a property shape)."""
    members = {shape, *shapes.objects(shape, SH.property)}
    for alternatives in shapes.objects(shape, SH["or"]):
        for member in Collection(shapes, alternatives):
            members |= {member, *shapes.objects(member, SH.property)}
    found = set()
    for member in members:
        path = shapes.value(member, SH.path)
        inverse = shapes.value(path, SH.inversePath) if isinstance(path, rdflib.BNode) else None
        if inverse is not None:
            found.add(str(inverse))
    return found


# data for pySHACL -------------------------------------------------------------------------------

def to_rdflib(term: Any, cache: dict[Any, Any] | None = None) -> Any:
    """A pyoxigraph term as an rdflib term (memoised in ``cache``: IRIs and counts repeat a lot)."""
    if cache is not None:
        out = cache.get(term)
        if out is not None:
            return out
    if isinstance(term, NamedNode):
        out = rdflib.URIRef(term.value)
    elif isinstance(term, BlankNode):
        out = rdflib.BNode(term.value)
    elif isinstance(term, Literal):
        if term.language:
            out = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == XSD_STRING:  # rdflib writes simple literals without a datatype
            out = rdflib.Literal(term.value)
        else:
            out = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    else:
        raise TypeError(f"unexpected term {term!r}")
    if cache is not None:
        cache[term] = out
    return out


class GraphBuilder:
    """An rdflib graph filled from pyoxigraph terms (Graph.add re-checks every term: the store call
    is a third faster)."""

    def __init__(self) -> None:
        self.graph = rdflib.Graph()
        self.cache: dict[Any, Any] = {}
        self._add = self.graph.store.add

    def add(self, s: Any, p: Any, o: Any) -> None:
        c = self.cache
        self._add((to_rdflib(s, c), to_rdflib(p, c), to_rdflib(o, c)), self.graph, quoted=False)


def dataset_graph(scope: Scope) -> rdflib.Graph:
    """The whole data graph (what plain pySHACL validates)."""
    b = GraphBuilder()
    for q in scope.data.quads_for_pattern(None, None, None, DefaultGraph()):
        b.add(q.subject, q.predicate, q.object)
    return b.graph


def focused_graph(scope: Scope, focus: set[Any], inverse: dict[str, set[Any]]) -> rdflib.Graph:
    """The triples pySHACL needs to validate ``focus`` with depth-1 paths: each focus node's triples,
    the triples pointing to a node through an inverse path its shapes follow (``inverse``: predicate →
    nodes), the types of every node they reach, and the axioms."""
    b = GraphBuilder()
    default = DefaultGraph()
    rdf_type = NamedNode(str(RDF.type))
    reached: set[Any] = set()
    for node in focus:
        for q in scope.data.quads_for_pattern(node, None, None, default):
            b.add(q.subject, q.predicate, q.object)
            if not isinstance(q.object, Literal):
                reached.add(q.object)
    for predicate, nodes in inverse.items():
        p = NamedNode(predicate)
        for node in nodes:
            for q in scope.data.quads_for_pattern(None, p, node, default):
                b.add(q.subject, q.predicate, q.object)
                reached.add(q.subject)
    for node in reached - focus:
        for q in scope.data.quads_for_pattern(node, rdf_type, None, default):
            b.add(q.subject, q.predicate, q.object)
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for q in scope.data.quads_for_pattern(None, NamedNode(str(p)), None, default):
            b.add(q.subject, q.predicate, q.object)
    return b.graph


# validation -------------------------------------------------------------------------------------

def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, dataset: str,
                   advanced: bool = False) -> tuple[bool, list[Finding]]:
    """pySHACL in place (``data`` is ours to annotate), every severity reported."""
    conforms, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", inplace=True, advanced=advanced,
        allow_warnings=True, allow_infos=True, abort_on_first=False,
    )
    return conforms, findings_from_report(report, shapes, dataset)


def validate_dataset(store: GraphReader, iris: Minter, shapes: rdflib.Graph, dataset: str, mode: str = "fast",
                     report: ValidationReport | None = None) -> tuple[bool, list[Finding]]:
    """Validate one dataset graph of ``store`` (see the module docstring for the two modes). Shapes
    the fast mode cannot run (sequence paths, sh:node, other SHACL-AF targets, SPARQL constraints
    outside targeted node shapes: ``prefilter.check_supported``) run in plain pySHACL."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
    t0 = time.perf_counter()
    scope = Scope(store, iris, dataset)
    t_copy = time.perf_counter() - t0
    work = None
    if mode == "fast":
        try:
            check_supported(shapes)
            work = plan(shapes, scope, dataset)
        except Unsupported:
            work = None
    if work is None:
        data = dataset_graph(scope)
        t1 = time.perf_counter()
        conforms, findings = validate_graph(data, shapes, dataset, advanced=True)
        phases = {"copy": t_copy, "load": t1 - t0 - t_copy, "pyshacl": time.perf_counter() - t1}
        focus_count = -1
    else:
        t1 = time.perf_counter()
        data = focused_graph(scope, work.focus, work.inverse)
        t2 = time.perf_counter()
        _, findings = validate_graph(data, work.shapes, dataset)
        findings += work.findings
        conforms = not any(f.severity == "Violation" for f in findings)
        phases = {"copy": t_copy, "oxigraph": t1 - t0 - t_copy, "extract": t2 - t1,
                  "pyshacl": time.perf_counter() - t2}
        focus_count = len(work.focus)
    if report is not None:
        report.phases[dataset] = phases
        report.focus_nodes[dataset] = focus_count
        if work is not None and work.unfiltered:
            report.unfiltered[dataset] = work.unfiltered
    return conforms, findings


def _literal(shapes: rdflib.Graph, node: Any, predicate: Any, lang: str) -> str | None:
    if node is None:
        return None
    for value in shapes.objects(node, predicate):
        if getattr(value, "language", None) == lang:
            return str(value)
    return None


def _template(shapes: rdflib.Graph, shape: Any, constraint: Any, lang: str) -> str | None:
    """The ``lang`` sh:message of the SPARQL constraint, else of the shape, from the shapes graph
    (pySHACL's results lose the language tags)."""
    return _literal(shapes, constraint, SH.message, lang) or _literal(shapes, shape, SH.message, lang)


def _shape_name(shapes: rdflib.Graph, shape: Any, named: Any, lang: str) -> str | None:
    """The ``lang`` sh:name of ``shape``; "Node shape : property" when ``shape`` is a blank property
    shape of the node shape ``named`` (reads best in a report)."""
    name = _literal(shapes, shape, SH.name, lang) or _literal(shapes, named, SH.name, lang)
    if named is not None and named != shape:
        separator = " : " if lang == "fr" else ": "  # French typography
        name = f"{_literal(shapes, named, SH.name, lang) or ''}{separator}{name}".strip(" :")
    return name


def _bindings(template: str, filled: list[str]) -> dict[str, str]:
    """Recover ``{?var}`` values from the untagged message pySHACL filled in (docs/model.md)."""
    if not re.search(r"\{[?$]\w+\}", template):
        return {}
    pattern = "".join(
        f"(?P<{part[2:-1]}>.*?)" if re.fullmatch(r"\{[?$]\w+\}", part) else re.escape(part)
        for part in re.split(r"(\{[?$]\w+\})", template) if part
    )
    for text in filled:
        try:
            match = re.fullmatch(pattern, text, flags=re.S)
        except re.error:  # the same variable twice: give up, keep the template
            return {}
        if match:
            return match.groupdict()
    return {}


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def findings_from_report(report: rdflib.Graph, shapes: rdflib.Graph, dataset: str) -> list[Finding]:
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(p: rdflib.URIRef, result: Any = result) -> Any:
            return next(report.objects(result, p), None)

        severity = SEVERITIES.get(one(SH.resultSeverity), str(one(SH.resultSeverity)))
        shape, constraint = one(SH.sourceShape), one(SH.sourceConstraint)
        focus, path, value = one(SH.focusNode), one(SH.resultPath), one(SH.value)
        filled = [str(m) for m in report.objects(result, SH.resultMessage)]
        values = {"this": str(focus), "value": str(value) if value is not None else ""}
        messages = {}
        for lang in ("fr", "en"):
            template = _template(shapes, shape, constraint, lang)
            if template is None:  # no message of ours: pySHACL's own text (English)
                messages[lang] = filled[0] if filled else ""
                continue
            values.update(_bindings(template, filled))
            messages[lang] = _fill(template, values)
        # A blank property shape is named after its node shape (the result keeps its path).
        named = shape if isinstance(shape, rdflib.URIRef) else next(
            (s for s in shapes.subjects(SH.property, shape) if isinstance(s, rdflib.URIRef)), None)
        names = {lang: _shape_name(shapes, shape, named, lang) for lang in ("fr", "en")}
        findings.append(Finding(
            dataset=dataset, severity=severity, focus=str(focus),
            path=_path_text(report, path),
            value=str(value) if value is not None else None,
            value_term=value.n3() if value is not None else None,
            message_fr=messages["fr"], message_en=messages["en"],
            shape=str(named) if named is not None else None,
            constraint=str(constraint) if isinstance(constraint, rdflib.URIRef) else None,
            shape_name_fr=names["fr"], shape_name_en=names["en"],
            component=str(one(SH.sourceConstraintComponent) or "") or None,
        ))
    return findings


def _path_text(report: rdflib.Graph, path: Any) -> str | None:
    """A predicate IRI, or ``^IRI`` for an inverse path; other complex paths are not shown."""
    if isinstance(path, rdflib.URIRef):
        return str(path)
    inverse = report.value(path, SH.inversePath) if path is not None else None
    return f"^{inverse}" if isinstance(inverse, rdflib.URIRef) else None


# tracing ----------------------------------------------------------------------------------------

def trace(findings: list[Finding], index: ProvenanceIndex, source_fields: SourceFields) -> None:
    """Fill file/line/column from the provenance index, the columns as ``source_fields`` finds them."""
    for finding in findings:
        origin = source_fields.origin(index, finding.dataset, finding.focus, finding.path)
        if origin is not None:
            finding.file, finding.line = origin.file, origin.line
            finding.column, finding.header = origin.column, origin.header
            finding.pointer = origin.field_pointer or origin.pointer


# the run ----------------------------------------------------------------------------------------

def validate_store(store: GraphReader | Any, settings: Settings, specs: list[DatasetSpec], directory: Path,
                   datasets: list[str] | None = None, mode: str = "fast",
                   catalogue: Iterable[Any] | None = None,
                   graphs: Mapping[str, Sequence[Path]] | None = None) -> ValidationReport:
    """Validate each dataset graph ``store`` reads, the derived ``graphs`` (name → shapes files:
    pipeline/stages.stage_shapes) and the ``catalogue`` triples (as generated: validation/catalogue.py)
    when given; write ``validation.json`` in ``directory``."""
    store = reader_of(store)  # a bare pyoxigraph Store (tests) is read through the Protocol
    iris = Minter(settings.base_iri)
    report = ValidationReport(base_iri=settings.base_iri)
    for spec in specs:
        if datasets and spec.name not in datasets:
            continue
        t0 = time.perf_counter()
        shapes = load_shapes(settings, spec.name)
        if shapes is None:
            continue
        conforms, findings = validate_dataset(store, iris, shapes, spec.name, mode, report)
        report.conforms[spec.name] = conforms
        report.findings += findings
        report.seconds[spec.name] = time.perf_counter() - t0
        report.triples[spec.name] = store.count(iris.graph(spec.name))
    for name, files in (graphs or {}).items():
        if datasets and name not in datasets:
            continue
        t0 = time.perf_counter()
        common = settings.ontology_dir / "shapes" / "common.ttl"
        conforms, findings = validate_dataset(store, iris, read_shapes(settings, [common, *files]), name,
                                              mode, report)
        report.conforms[name] = conforms
        report.findings += findings
        report.seconds[name] = time.perf_counter() - t0
        report.triples[name] = store.count(iris.graph(name))
    if catalogue is not None and (not datasets or catalogue_shapes.NAME in datasets):
        t0 = time.perf_counter()
        data = catalogue_shapes.data_graph(catalogue)
        report.triples[catalogue_shapes.NAME] = len(data)
        conforms, findings = validate_graph(data, catalogue_shapes.shapes_graph(settings),
                                            catalogue_shapes.NAME, advanced=True)
        report.conforms[catalogue_shapes.NAME] = conforms
        report.findings += findings
        report.seconds[catalogue_shapes.NAME] = time.perf_counter() - t0
    index_path = directory / "provenance.sqlite"
    if index_path.exists():
        with ProvenanceIndex(index_path) as index:
            trace(report.findings, index, SourceFields.of(specs, iris.prefixes()))
    write_validation(directory, report)
    return report


def write_validation(directory: Path, report: ValidationReport) -> None:
    payload = {"summary": report.summary(), "findings": [asdict(f) for f in report.findings]}
    (directory / "validation.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False))
