"""SHACL validation per named graph, with each result traced back to its source row.

Each dataset graph is validated by pySHACL with ``ontology/shapes/common.ttl`` +
``ontology/shapes/<dataset>.ttl``. Results become :class:`Finding` values: severity, focus node, path,
value, the French and English messages (read from the shapes graph: pySHACL drops language tags on
SPARQL-based results, model.md §7.3), and the file, line and column of the source row (the build's
provenance index).

What pySHACL sees for a dataset (``dataset_graph``): the triples of its named graph, plus, as context,
the ``rdf:type`` of the resources it links to that live in other graphs (a site's museum, a museum's
commune: so that ``sh:class`` can tell a dangling link), plus the ``rdfs:subClassOf`` axioms of
/graph/vocabulaires (``sh:targetClass`` and ``sh:class`` follow them in the data graph; no RDFS
inference is run, which on 800 000 triples would cost minutes). Shapes must therefore target only the
classes of their own dataset.

Speed (the attendance cube is ~820 000 triples): SPARQL-based targets (``sh:target [ a
sh:SPARQLTarget ]``) are evaluated here by Oxigraph on the dataset's named graph, and replaced by
``sh:targetNode`` lists before pySHACL runs, so that the whole-graph queries (the schema.org guard, the
sum checks) run in Rust rather than in rdflib's SPARQL engine, and pySHACL then runs in core mode
(``advanced=False``) on a data graph it may use in place (``inplace=True``, no copy).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Store
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, RDFS, SH

from culturegraph.config import DEFAULT_BASE_IRI, Settings
from culturegraph.graph.dataset import DatasetSpec
from culturegraph.graph.provenance import ProvenanceIndex
from culturegraph.rdf.terms import Minter

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = ("Violation", "Warning", "Info")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Graphs whose types are never context for another graph (the build's own bookkeeping).
NOT_CONTEXT = ("provenance",)

# A mapping may name the source field behind (subject, predicate) when DatasetSpec.fields cannot (e.g.
# the count column of an observation depends on its category): ``source_field(subject, predicate)``.
FieldResolver = Callable[[str, str], "str | None"]


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
    # dataset -> phase -> seconds (targets, load, pyshacl)
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
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
        }


# shapes -------------------------------------------------------------------------------------------

def shapes_files(settings: Settings, dataset: str) -> list[Path]:
    folder = settings.ontology_dir / "shapes"
    files = [folder / "common.ttl", folder / f"{dataset}.ttl"]
    return [f for f in files if f.is_file()]


def load_shapes(settings: Settings, dataset: str) -> rdflib.Graph | None:
    """common.ttl + <dataset>.ttl, rebased to this deployment; None when the dataset has no shapes."""
    files = shapes_files(settings, dataset)
    if not any(f.name != "common.ttl" for f in files):
        return None
    shapes = rdflib.Graph()
    for path in files:
        shapes.parse(data=settings.rebase(path.read_text(encoding="utf-8")), format="turtle",
                     publicID=settings.base_iri)
    return shapes


def sparql_prefixes(shapes: rdflib.Graph, node: Any) -> dict[str, str]:
    """The sh:declare'd prefixes reachable through ``node``'s sh:prefixes (SHACL-SPARQL §5.2)."""
    prefixes: dict[str, str] = {}
    for holder in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
    return prefixes


def resolve_sparql_targets(shapes: rdflib.Graph, store: Store, graph: NamedNode) -> dict[str, int]:
    """Run every SPARQL-based target with Oxigraph on ``graph``; replace it by sh:targetNode triples.

    Returns shape IRI → number of focus nodes. The semantics are those of SHACL-AF SPARQL targets
    (the focus nodes are the bindings of ``?this``), evaluated on the dataset's named graph.
    """
    found: dict[str, int] = {}
    for shape, target in list(shapes.subject_objects(SH.target)):
        select = shapes.value(target, SH.select)
        if select is None:
            continue  # not a SPARQL target: left to pySHACL
        prefixes = sparql_prefixes(shapes, target)
        nodes = [row["this"] for row in store.query(str(select), prefixes=prefixes, default_graph=graph)]
        shapes.remove((shape, SH.target, target))
        for node in nodes:
            shapes.add((shape, SH.targetNode, to_rdflib(node)))
        found[str(shape)] = len(nodes)
    return found


# data ---------------------------------------------------------------------------------------------

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


def _triples(store: Store, graph: NamedNode, cache: dict[Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
    for q in store.quads_for_pattern(None, None, None, graph):
        yield to_rdflib(q.subject, cache), to_rdflib(q.predicate, cache), to_rdflib(q.object, cache)


def context_query(graph: NamedNode, excluded: list[NamedNode]) -> str:
    """The types, in the other graphs, of the IRIs ``graph`` points to."""
    not_in = ", ".join(f"<{g.value}>" for g in [graph, *excluded])
    return f"""SELECT DISTINCT ?o ?type WHERE {{
        {{ SELECT DISTINCT ?o WHERE {{
            GRAPH <{graph.value}> {{ ?s ?p ?o FILTER (isIRI(?o) && ?p != <{RDF.type}>) }} }} }}
        GRAPH ?other {{ ?o a ?type }}
        FILTER (?other NOT IN ({not_in}))
    }}"""


def ontology_triples(store: Store, iris: Minter) -> list[tuple[Any, Any, Any]]:
    """The subclass and subproperty axioms of /graph/vocabulaires."""
    query = f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{iris.graph('vocabulaires').value}> {{
        ?s ?p ?o FILTER (?p IN (<{RDFS.subClassOf}>, <{RDFS.subPropertyOf}>)) }} }}"""
    return [(to_rdflib(r["s"]), to_rdflib(r["p"]), to_rdflib(r["o"])) for r in store.query(query)]


def dataset_graph(store: Store, iris: Minter, name: str) -> tuple[rdflib.Graph, int]:
    """The rdflib graph pySHACL validates for dataset ``name``, and its own triple count."""
    graph = iris.graph(name)
    data = rdflib.Graph()
    cache: dict[Any, Any] = {}
    add = data.store.add  # Graph.add re-checks every term; the store call is a third faster
    for triple in _triples(store, graph, cache):
        add(triple, data, quoted=False)
    own = len(data)
    excluded = [iris.graph(g) for g in NOT_CONTEXT]
    for row in store.query(context_query(graph, excluded)):
        add((to_rdflib(row["o"], cache), RDF.type, to_rdflib(row["type"], cache)), data, quoted=False)
    for triple in ontology_triples(store, iris):
        add(triple, data, quoted=False)
    return data, own


# validation ---------------------------------------------------------------------------------------

def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, dataset: str) -> tuple[bool, list[Finding]]:
    """pySHACL in core mode, in place (``data`` is ours to annotate), every severity reported.

    SPARQL-based targets must have been resolved first (``resolve_sparql_targets``).
    """
    conforms, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", inplace=True, advanced=False,
        allow_warnings=True, allow_infos=True, abort_on_first=False,
    )
    return conforms, findings_from_report(report, shapes, dataset)


def _literal(shapes: rdflib.Graph, node: Any, predicate: Any, lang: str) -> str | None:
    if node is None:
        return None
    for value in shapes.objects(node, predicate):
        if getattr(value, "language", None) == lang:
            return str(value)
    return None


def _bindings(template: str, filled: list[str]) -> dict[str, str]:
    """Recover ``{?var}`` values from the untagged message pySHACL filled in (model.md §7.3)."""
    names = re.findall(r"\{[?$](\w+)\}", template)
    if not names:
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
            # From the constraint (SPARQL) or the shape, in the shapes graph, with its language.
            template = (_literal(shapes, constraint, SH.message, lang)
                        or _literal(shapes, shape, SH.message, lang))
            if template is None:  # no message of ours: pySHACL's own text (English)
                messages[lang] = filled[0] if filled else ""
                continue
            values.update(_bindings(template, filled))
            messages[lang] = _fill(template, values)
        # A blank property shape is named after its node shape (the result keeps its path).
        named = shape if isinstance(shape, rdflib.URIRef) else next(
            (s for s in shapes.subjects(SH.property, shape) if isinstance(s, rdflib.URIRef)), None)
        name_fr = _literal(shapes, shape, SH.name, "fr") or _literal(shapes, named, SH.name, "fr")
        name_en = _literal(shapes, shape, SH.name, "en") or _literal(shapes, named, SH.name, "en")
        if named is not None and named != shape:  # "Node shape: property" reads best in a report
            name_fr = f"{_literal(shapes, named, SH.name, 'fr') or ''} : {name_fr}".strip(" :")
            name_en = f"{_literal(shapes, named, SH.name, 'en') or ''}: {name_en}".strip(" :")
        findings.append(Finding(
            dataset=dataset, severity=severity, focus=str(focus),
            path=_path_text(report, path),
            value=str(value) if value is not None else None,
            message_fr=messages["fr"], message_en=messages["en"],
            shape=str(named) if named is not None else None,
            constraint=str(constraint) if isinstance(constraint, rdflib.URIRef) else None,
            shape_name_fr=name_fr, shape_name_en=name_en,
            component=str(one(SH.sourceConstraintComponent) or "") or None,
        ))
    return findings


def _path_text(report: rdflib.Graph, path: Any) -> str | None:
    """A predicate IRI, or ``^IRI`` for an inverse path; other complex paths are not shown."""
    if isinstance(path, rdflib.URIRef):
        return str(path)
    inverse = report.value(path, SH.inversePath) if path is not None else None
    return f"^{inverse}" if isinstance(inverse, rdflib.URIRef) else None


def trace(findings: list[Finding], index: ProvenanceIndex, fields: dict[str, dict[str, str]],
          prefixes: dict[str, str], resolvers: dict[str, FieldResolver] | None = None) -> None:
    """Fill file/line/column from the provenance index.

    ``fields`` maps dataset → predicate → source field, as DatasetSpec.fields does (the predicate as an
    IRI, ``<IRI>`` or a CURIE of ``prefixes``); a field written ``<…>`` depends on the subject and is
    asked of the dataset's resolver, if any.
    """
    resolvers = resolvers or {}
    by_iri = {dataset: {expand(k, prefixes): v for k, v in per.items()} for dataset, per in fields.items()}
    for finding in findings:
        field_name = None
        if finding.path:
            field_name = by_iri.get(finding.dataset, {}).get(finding.path)
            if field_name and field_name.startswith("<"):
                resolver = resolvers.get(finding.dataset)
                field_name = resolver(finding.focus, finding.path) if resolver else None
        origin = index.origin(finding.focus, field_name)
        if origin is not None:
            finding.file, finding.line = origin.file, origin.line
            finding.column, finding.header = origin.column, origin.header


def expand(key: str, prefixes: dict[str, str]) -> str:
    """``<IRI>`` or ``prefix:local`` → IRI (keys of DatasetSpec.fields come in both forms)."""
    if key.startswith("<") and key.endswith(">"):
        return key[1:-1]
    prefix, colon, local = key.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return key


def field_resolvers(specs: list[DatasetSpec]) -> dict[str, FieldResolver]:
    """``source_field`` of the mapping modules of ``specs``, where they define one."""
    try:
        from culturegraph.mappings import dataset_modules
    except ImportError:  # pragma: no cover - the mappings package is part of the install
        return {}
    names = {spec.name for spec in specs}
    return {m.DATASET.name: m.source_field for m in dataset_modules()
            if m.DATASET.name in names and callable(getattr(m, "source_field", None))}


def validate_store(store: Store, settings: Settings, specs: list[DatasetSpec], directory: Path,
                   datasets: list[str] | None = None) -> ValidationReport:
    """Validate each dataset graph of ``store``; write ``validation.json`` in ``directory``."""
    iris = Minter(settings.base_iri)
    report = ValidationReport(base_iri=settings.base_iri)
    for spec in specs:
        if datasets and spec.name not in datasets:
            continue
        t0 = time.perf_counter()
        shapes = load_shapes(settings, spec.name)
        if shapes is None:
            continue
        resolve_sparql_targets(shapes, store, iris.graph(spec.name))
        t1 = time.perf_counter()
        data, own = dataset_graph(store, iris, spec.name)
        report.triples[spec.name] = own
        t2 = time.perf_counter()
        conforms, findings = validate_graph(data, shapes, spec.name)
        del data
        t3 = time.perf_counter()
        report.conforms[spec.name] = conforms
        report.findings += findings
        report.seconds[spec.name] = t3 - t0
        report.phases[spec.name] = {"targets": t1 - t0, "load": t2 - t1, "pyshacl": t3 - t2}
    index_path = directory / "provenance.sqlite"
    if index_path.exists():
        trace(report.findings, ProvenanceIndex(index_path), {s.name: s.fields for s in specs},
              iris.prefixes(), field_resolvers(specs))
    write_validation(directory, report)
    return report


def write_validation(directory: Path, report: ValidationReport) -> None:
    payload = {"summary": report.summary(), "findings": [asdict(f) for f in report.findings]}
    (directory / "validation.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False))
