"""SHACL validation per named graph, with each result traced back to its source row.

Each dataset graph is validated with ``ontology/shapes/common.ttl`` + ``ontology/shapes/<dataset>.ttl``.
Results become :class:`Finding` values: severity, focus node, path, value, the French and English
messages (from the shapes graph: pySHACL drops language tags on SPARQL-based results, model.md §7.3),
and the file, line and column of the source row (the build's provenance index).

The data graph a dataset is validated against: its named graph, plus the ``rdf:type`` of the resources
it links to in the other graphs (a site's museum, a museum's commune, so that ``sh:class`` can tell a
dangling link), plus the ``rdfs:subClassOf`` axioms of /graph/vocabulaires. No RDFS inference (over
800 000 triples it would cost minutes; ``sh:targetClass`` and ``sh:class`` follow the axioms anyway).
As the linked resources' types are in the data graph, a dataset's shapes must target only the
dataset's own classes (ObservationFrequentation, not schema:Museum, in the attendance shapes).

Two ways to run it (``mode``):

``fast`` (the build) — the attendance cube has ~820 000 triples; pySHACL costs ~4-5 s of CPU per
property shape over its 115 000 observations and converting the graph to rdflib ~25 s. So the data
graph is copied into an in-memory Oxigraph store (:class:`Scope`) and the parts SHACL defines in SPARQL
run there: targets (``sh:targetClass`` … and SPARQL targets) are resolved, SPARQL constraints are
evaluated per focus node (with ``$this`` substituted), and each shape's core constraints are compiled
into one SPARQL query that selects the focus nodes that *may* fail them (:func:`violation_filter`).
pySHACL then validates only those candidates, on the triples around them, and reports exactly which
constraint fails and why. A shape
with a construct the compiler does not know keeps all its targets: the pre-filter can make the run
cheaper, never laxer. ``tests/validation`` checks that both modes give the same results.

``pyshacl`` — plain pySHACL (``advanced=True``) on the whole graph: the reference, for the tests.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, Variable
from pyshacl import validate as pyshacl_validate
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from culturegraph.config import DEFAULT_BASE_IRI, Settings
from culturegraph.graph.dataset import DatasetSpec
from culturegraph.graph.provenance import ProvenanceIndex
from culturegraph.rdf.terms import Minter

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = ("Violation", "Warning", "Info")
XSD_STRING = str(XSD.string)
# Graphs whose types are never context for another graph (the build's own bookkeeping).
NOT_CONTEXT = ("provenance",)
MODES = ("fast", "pyshacl")

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
    value_term: str | None = None  # the value in N-Triples syntax (IRI or typed literal), for RDF reports

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


TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def targeted_shapes(shapes: rdflib.Graph) -> list[Any]:
    """Shapes with at least one target, active, in a stable order."""
    found = {s for p in TARGETS for s in shapes.subjects(p, None)}
    return sorted((s for s in found if not _deactivated(shapes, s)), key=str)


def _deactivated(shapes: rdflib.Graph, node: Any) -> bool:
    value = shapes.value(node, SH.deactivated)
    return value is not None and value.toPython() is True


# Oxigraph side: targets, SPARQL constraints, the core pre-filter ---------------------------------

class Scope:
    """The data graph of one dataset, as pySHACL would see it, in an in-memory Oxigraph store (default
    graph): the dataset's named graph, the types of what it links to in the other graphs (but the
    excluded ones) and the axioms of /graph/vocabulaires. Copied with Oxigraph's own dump and load
    (no Python object per triple); lookups in memory are ~4x faster than in the on-disk store."""

    def __init__(self, store: Store, iris: Minter, dataset: str) -> None:
        self.source = store
        self.graph = iris.graph(dataset)
        self.vocabulary = iris.graph("vocabulaires")
        self.excluded = [iris.graph(g) for g in NOT_CONTEXT]
        self._names = itertools.count()
        self.data = Store()
        self.data.bulk_load(store.dump(format=RdfFormat.N_TRIPLES, from_graph=self.graph),
                            format=RdfFormat.N_TRIPLES)
        rdf_type = NamedNode(str(RDF.type))
        self.data.bulk_extend(Quad(node, rdf_type, type_) for node, type_ in self._context_types())
        axioms = (NamedNode(str(RDFS.subClassOf)), NamedNode(str(RDFS.subPropertyOf)))
        self.data.bulk_extend(Quad(q.subject, q.predicate, q.object) for p in axioms
                              for q in store.quads_for_pattern(None, p, None, self.vocabulary))

    def _context_types(self) -> Iterator[tuple[Any, Any]]:
        """(node, type) from the other graphs, for the IRIs the dataset graph points to."""
        not_in = ", ".join(f"<{g.value}>" for g in [self.graph, *self.excluded])
        inner = (f"SELECT DISTINCT ?o WHERE {{ GRAPH <{self.graph.value}> {{ ?s ?p ?o "
                 f"FILTER (isIRI(?o) && ?p != <{RDF.type}>) }} }}")
        query = (f"SELECT DISTINCT ?o ?type WHERE {{ {{ {inner} }} GRAPH ?other {{ ?o a ?type }} "
                 f"FILTER (?other NOT IN ({not_in})) }}")
        for row in self.source.query(query):
            yield row["o"], row["type"]

    def var(self, stem: str) -> str:
        return f"?{stem}{next(self._names)}"

    def query(self, sparql: str, prefixes: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.data.query(sparql, prefixes=prefixes or {}, **kw)

    def in_graph(self, pattern: str) -> str:
        return f"{{ {pattern} }}"  # the data graph is the default graph; a group joins like a BGP

    def has_type(self, node: str, cls: Any) -> str:
        """SPARQL condition: ``node`` is an instance of ``cls`` or of a subclass (SHACL's sh:class)."""
        t = self.var("t")
        return (f"EXISTS {{ {node} a {t} "
                f"FILTER ({t} = {_n3(cls)} || EXISTS {{ {t} <{RDFS.subClassOf}>+ {_n3(cls)} }}) }}")


def _n3(term: Any) -> str:
    return term.n3() if isinstance(term, rdflib.term.Identifier) else f"<{term}>"


def target_pattern(shapes: rdflib.Graph, shape: Any, scope: Scope) -> str | None:
    """A SPARQL group binding ``?this`` to the shape's focus nodes in the data graph."""
    parts = []
    for node in shapes.objects(shape, SH.targetNode):
        parts.append(f"{{ BIND ({_n3(node)} AS ?this) }}")
    for cls in shapes.objects(shape, SH.targetClass):
        sub = scope.var("sub")
        parts.append(f"{{ ?this a {_n3(cls)} }} UNION "
                     f"{{ {sub} <{RDFS.subClassOf}>+ {_n3(cls)} . ?this a {sub} }}")
    for p in shapes.objects(shape, SH.targetSubjectsOf):
        o = scope.var("o")
        parts.append(f"{{ {scope.in_graph(f'?this {_n3(p)} {o}')} }}")
    for p in shapes.objects(shape, SH.targetObjectsOf):
        o = scope.var("s")
        parts.append(f"{{ {scope.in_graph(f'{o} {_n3(p)} ?this')} }}")
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if select is None:
            return None  # a SHACL-AF target type we do not run
        parts.append(f"{{ {_strip_prologue(str(select))} }}")
    return " UNION ".join(parts) if parts else None


def _strip_prologue(query: str) -> str:
    """A SELECT usable as a sub-query: PREFIX/BASE lines go (prefixes are passed separately)."""
    return re.sub(r"^\s*(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*", "", query, flags=re.I | re.M).strip()


def all_prefixes(shapes: rdflib.Graph) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for holder in set(shapes.objects(None, SH.prefixes)):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
    return prefixes


# The compiler: SHACL core constraints → a SPARQL condition "?this may fail". -----------------------

class Unsupported(Exception):
    """A construct the pre-filter does not translate: the shape keeps all its targets."""


NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                 "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                 "nonPositiveInteger", "unsignedInt", "unsignedLong")}
CASTABLE = {str(XSD[t]) for t in ("date", "dateTime", "time", "gYear", "boolean")}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.IRIOrLiteral: "!isBlank({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
}
# Predicates of a shape that carry no constraint.
INERT = {RDF.type, SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.defaultValue,
         SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.sparql,
         SH.deactivated, SH.path, SH.qualifiedValueShapesDisjoint, SH.prefixes, RDFS.label, RDFS.comment}


def path_sparql(shapes: rdflib.Graph, path: Any) -> str:
    if isinstance(path, rdflib.URIRef):
        return _n3(path)
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, rdflib.URIRef):
        return f"^{_n3(inverse)}"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        members = list(Collection(shapes, alternatives))
        if members and all(isinstance(m, rdflib.URIRef) for m in members):
            return "(" + "|".join(_n3(m) for m in members) + ")"
    raise Unsupported(f"path {path}")


PROPERTY_LEVEL = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.property,
                  SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}


def value_condition(shapes: rdflib.Graph, shape: Any, v: str, scope: Scope,
                    skip: frozenset[Any] = frozenset()) -> str:
    """SPARQL condition true when value ``v`` satisfies every value-level constraint of ``shape``
    (sh:path, counts and the like are the caller's); never an error (COALESCE)."""
    parts = []
    for p, o in shapes.predicate_objects(shape):
        if p in INERT or p in PROPERTY_LEVEL or p in skip:
            continue
        if p == SH["class"]:
            parts.append(scope.has_type(v, o))
        elif p == SH.datatype:
            if o == RDF.langString:
                parts.append(f"(isLiteral({v}) && LANG({v}) != '')")
            elif str(o) in NUMERIC:
                parts.append(f"(isLiteral({v}) && DATATYPE({v}) = {_n3(o)} && isNumeric({v}))")
            elif str(o) == XSD_STRING:
                parts.append(f"(isLiteral({v}) && LANG({v}) = '' && DATATYPE({v}) = {_n3(o)})")
            elif str(o) in CASTABLE:  # well-formed iff the cast gives the same value back
                cast = f"COALESCE({_n3(o)}({v}) = {v}, false)"
                parts.append(f"(isLiteral({v}) && DATATYPE({v}) = {_n3(o)} && {cast})")
            else:
                parts.append("false")  # the lexical form is pySHACL's to judge
        elif p == SH.nodeKind:
            if o not in NODE_KINDS:
                raise Unsupported(f"nodeKind {o}")
            parts.append(NODE_KINDS[o].format(v=v))
        elif p == SH.pattern:
            flags = shapes.value(shape, SH.flags)
            parts.append(f"(!isBlank({v}) && REGEX(STR({v}), {rdflib.Literal(str(o)).n3()}"
                         + (f", {rdflib.Literal(str(flags)).n3()}" if flags else "") + "))")
        elif p == SH.flags:
            continue
        elif p == SH["in"]:
            members = list(Collection(shapes, o))
            parts.append("(" + (" || ".join(f"sameTerm({v}, {_n3(m)})" for m in members) or "false") + ")")
        elif p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[p]
            parts.append(f"COALESCE({v} {op} {_n3(o)}, false)")
        elif p == SH.languageIn:
            langs = [str(x) for x in Collection(shapes, o)]
            parts.append(f"(isLiteral({v}) && ("
                         + (" || ".join(f"LANGMATCHES(LANG({v}), '{lang}')" for lang in langs) or "false")
                         + "))")
        elif p == SH["or"]:
            members = list(Collection(shapes, o))
            if any((m, SH.path, None) in shapes for m in members):
                raise Unsupported("sh:or of property shapes on a value")
            parts.append("(" + " || ".join(value_condition(shapes, m, v, scope) for m in members) + ")")
        else:
            raise Unsupported(f"{p}")
    return "(" + " && ".join(parts) + ")" if parts else "true"


def property_violation(shapes: rdflib.Graph, shape: Any, scope: Scope) -> str:
    """SPARQL condition true when focus ``?this`` may fail property shape ``shape``."""
    if _deactivated(shapes, shape):
        return "false"
    path = path_sparql(shapes, shapes.value(shape, SH.path))

    def values(v: str) -> str:
        return scope.in_graph(f"?this {path} {v}")

    parts = []
    v = scope.var("v")
    condition = value_condition(shapes, shape, v, scope)
    if condition != "true":
        parts.append(f"EXISTS {{ {values(v)} FILTER (!{condition}) }}")
    for count in shapes.objects(shape, SH.minCount):
        n = int(count)
        if n > 1:
            raise Unsupported("minCount > 1")
        if n == 1:
            parts.append(f"NOT EXISTS {{ {values(scope.var('v'))} }}")
    for count in shapes.objects(shape, SH.maxCount):
        parts.append(_at_most(int(count), values, scope))
    for value in shapes.objects(shape, SH.hasValue):
        parts.append(f"NOT EXISTS {{ {scope.in_graph(f'?this {path} {_n3(value)}')} }}")
    unique = shapes.value(shape, SH.uniqueLang)
    if unique is not None and unique.toPython() is True:
        a, b = scope.var("a"), scope.var("b")
        parts.append(f"EXISTS {{ {values(a)} {values(b)} FILTER (!sameTerm({a}, {b}) && isLiteral({a}) "
                     f"&& isLiteral({b}) && LANG({a}) != '' && LCASE(LANG({a})) = LCASE(LANG({b}))) }}")
    qualified = shapes.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        if (qualified, SH.path, None) in shapes or (qualified, SH.property, None) in shapes:
            raise Unsupported("qualified shape with a path")
        q = scope.var("q")
        conforms = value_condition(shapes, qualified, q, scope)
        for count in shapes.objects(shape, SH.qualifiedMinCount):
            n = int(count)
            if n > 1:
                raise Unsupported("qualifiedMinCount > 1")
            if n == 1:
                parts.append(f"NOT EXISTS {{ {values(q)} FILTER ({conforms}) }}")
        for count in shapes.objects(shape, SH.qualifiedMaxCount):
            parts.append(_at_most(int(count), values, scope, qualified=(shapes, qualified)))
    for nested in shapes.objects(shape, SH.property):
        raise Unsupported(f"property shape {nested} under a property shape")
    return " || ".join(f"({p})" for p in parts) if parts else "false"


def _at_most(n: int, values: Callable[[str], str], scope: Scope,
             qualified: tuple[rdflib.Graph, Any] | None = None) -> str:
    """More than ``n`` (0 or 1) values — of the qualified shape when given."""
    if n > 1:
        raise Unsupported("maxCount > 1")
    a, b = scope.var("a"), scope.var("b")
    keep = (lambda x: f" FILTER ({value_condition(*qualified, x, scope)})") if qualified else (lambda x: "")
    if n == 0:
        return f"EXISTS {{ {values(a)}{keep(a)} }}"
    return f"EXISTS {{ {values(a)}{keep(a)} {values(b)}{keep(b)} FILTER (!sameTerm({a}, {b})) }}"


def violation_filter(shapes: rdflib.Graph, shape: Any, scope: Scope) -> str:
    """SPARQL condition true when focus ``?this`` may fail a core constraint of node shape ``shape``;
    raises :class:`Unsupported` for what it does not translate. (SPARQL constraints are run apart.)"""
    parts = []
    for p, o in shapes.predicate_objects(shape):
        if p == SH.property:
            parts.append(property_violation(shapes, o, scope))
        elif p == SH["or"]:
            members = list(Collection(shapes, o))
            parts.append(" && ".join(f"({member_violation(shapes, m, scope)})" for m in members) or "true")
    if (shape, SH.path, None) in shapes:  # a property shape with its own targets
        parts.append(property_violation(shapes, shape, scope))
    else:
        condition = value_condition(shapes, shape, "?this", scope, skip=frozenset({SH["or"]}))
        if condition != "true":
            parts.append(f"!{condition}")
    return " || ".join(f"({p})" for p in parts if p != "false") or "false"


def member_violation(shapes: rdflib.Graph, member: Any, scope: Scope) -> str:
    """A member of a node-level sh:or, failed by ``?this``."""
    if (member, SH.path, None) in shapes:
        return property_violation(shapes, member, scope)
    return violation_filter(shapes, member, scope)


# SPARQL constraints, on Oxigraph --------------------------------------------------------------

def sparql_findings(shapes: rdflib.Graph, shape: Any, focus: Iterable[Any], scope: Scope,
                    dataset: str) -> list[Finding]:
    """Run the shape's sh:sparql constraints for each focus node ($this substituted) on the data
    graph, as SHACL-SPARQL §5.3 says: one result per solution."""
    findings = []
    severity = SEVERITIES.get(shapes.value(shape, SH.severity) or SH.Violation, "Violation")
    for constraint in shapes.objects(shape, SH.sparql):
        if _deactivated(shapes, constraint):
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
                messages = {lang: _fill(_literal(shapes, constraint, SH.message, lang)
                                        or _literal(shapes, shape, SH.message, lang) or "", texts)
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


def check_supported(shapes: rdflib.Graph) -> None:
    """The fast mode reads depth-1 paths only and resolves explicit targets: refuse sequence paths,
    sh:node, and implicit class targets (a shape that is also a class)."""
    for path in shapes.objects(None, SH.path):
        path_sparql(shapes, path)
    if any(shapes.triples((None, SH.node, None))):
        raise Unsupported("sh:node")
    for cls in (RDFS.Class, rdflib.OWL.Class):
        if any((s, RDF.type, SH.NodeShape) in shapes for s in shapes.subjects(RDF.type, cls)):
            raise Unsupported("implicit class target")


# validation -------------------------------------------------------------------------------------

def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, dataset: str,
                   advanced: bool = False) -> tuple[bool, list[Finding]]:
    """pySHACL in place (``data`` is ours to annotate), every severity reported."""
    conforms, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", inplace=True, advanced=advanced,
        allow_warnings=True, allow_infos=True, abort_on_first=False,
    )
    return conforms, findings_from_report(report, shapes, dataset)


def validate_dataset(store: Store, iris: Minter, shapes: rdflib.Graph, dataset: str, mode: str = "fast",
                     report: ValidationReport | None = None) -> tuple[bool, list[Finding]]:
    """Validate one dataset graph of ``store`` (see the module docstring for the two modes). Shapes
    the fast mode cannot run (sequence paths, sh:node, other SHACL-AF targets) run in plain pySHACL."""
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


def _bindings(template: str, filled: list[str]) -> dict[str, str]:
    """Recover ``{?var}`` values from the untagged message pySHACL filled in (model.md §7.3)."""
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
            value_term=value.n3() if value is not None else None,
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


# tracing ----------------------------------------------------------------------------------------

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


# the run ----------------------------------------------------------------------------------------

def validate_store(store: Store, settings: Settings, specs: list[DatasetSpec], directory: Path,
                   datasets: list[str] | None = None, mode: str = "fast") -> ValidationReport:
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
        conforms, findings = validate_dataset(store, iris, shapes, spec.name, mode, report)
        report.conforms[spec.name] = conforms
        report.findings += findings
        report.seconds[spec.name] = time.perf_counter() - t0
        report.triples[spec.name] = count_triples(store, iris.graph(spec.name))
    index_path = directory / "provenance.sqlite"
    if index_path.exists():
        trace(report.findings, ProvenanceIndex(index_path), {s.name: s.fields for s in specs},
              iris.prefixes(), field_resolvers(specs))
    write_validation(directory, report)
    return report


def count_triples(store: Store, graph: NamedNode) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)


def write_validation(directory: Path, report: ValidationReport) -> None:
    payload = {"summary": report.summary(), "findings": [asdict(f) for f in report.findings]}
    (directory / "validation.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False))
