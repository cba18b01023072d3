"""The fast mode's pre-filter: SHACL shapes compiled to SPARQL, run on an in-memory Oxigraph copy.

pySHACL costs seconds of CPU per property shape over the ~115 000 attendance observations, so the build
(``mode="fast"`` in :mod:`culturegraph.validation.shacl`) does not hand it every focus node. This module
holds what runs on Oxigraph instead:

- :class:`Scope`: the data graph of one dataset, as pySHACL would see it, copied into an in-memory
  Oxigraph store (the dataset's named graph, the types of the resources it links to, the vocabulary
  axioms);
- :func:`target_pattern`: a shape's targets (``sh:targetClass`` … and SPARQL targets) as a SPARQL group
  binding ``?this``;
- :func:`violation_filter`: a shape's core constraints compiled into one SPARQL condition, true for
  the focus nodes that *may* fail them. Every translation errs on the side of "may fail"
  (``COALESCE(…, false)``, "the lexical form is pySHACL's to judge"): pySHACL then validates these
  candidates only and says exactly which constraint fails and why;
- :class:`Unsupported`: raised for a construct the compiler does not translate. The caller then keeps
  all the shape's targets (or runs plain pySHACL, see :func:`check_supported`): the pre-filter can make
  the run cheaper, never laxer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Store
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from culturegraph.rdf.terms import Minter
from culturegraph.store.backends import reader_of
from culturegraph.store.base import GraphReader

XSD_STRING = str(XSD.string)
# Graphs whose types are never context for another graph (the build's own bookkeeping).
NOT_CONTEXT = ("provenance",)
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class Unsupported(Exception):
    """A construct the pre-filter does not translate: the shape keeps all its targets."""


# the data graph ---------------------------------------------------------------------------------

class Scope:
    """The data graph of one dataset, as pySHACL would see it, in an in-memory Oxigraph store (default
    graph): the dataset's named graph, the types of what it links to in the other graphs (but the
    excluded ones) and the axioms of /graph/vocabulaires. Copied with Oxigraph's own dump and load
    (no Python object per triple); lookups in memory are ~4x faster than in the on-disk store."""

    def __init__(self, source: GraphReader | Store, iris: Minter, dataset: str) -> None:
        store: GraphReader = reader_of(source)  # a bare pyoxigraph Store (tests): the Protocol
        self.source = store
        self.graph = iris.graph(dataset)
        self.vocabulary = iris.graph("vocabulaires")
        self.excluded = [iris.graph(g) for g in NOT_CONTEXT]
        self._names = itertools.count()
        self.data = Store()
        self.data.bulk_load(store.dump(self.graph), format=RdfFormat.N_TRIPLES)
        rdf_type = NamedNode(str(RDF.type))
        self.data.bulk_extend(Quad(node, rdf_type, type_) for node, type_ in self._context_types())
        axioms = (NamedNode(str(RDFS.subClassOf)), NamedNode(str(RDFS.subPropertyOf)))
        self.data.bulk_extend(Quad(q.subject, q.predicate, q.object) for p in axioms
                              for q in store.quads(None, p, None, self.vocabulary))

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
        """A SPARQL variable no other part of the query uses."""
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


# shapes and targets -----------------------------------------------------------------------------

def deactivated(shapes: rdflib.Graph, node: Any) -> bool:
    value = shapes.value(node, SH.deactivated)
    return value is not None and value.toPython() is True


def targeted_shapes(shapes: rdflib.Graph) -> list[Any]:
    """Shapes with at least one target, active, in a stable order."""
    found = {s for p in TARGETS for s in shapes.subjects(p, None)}
    return sorted((s for s in found if not deactivated(shapes, s)), key=str)


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


def check_supported(shapes: rdflib.Graph) -> None:
    """The fast mode reads depth-1 paths only, resolves explicit targets and runs the SPARQL
    constraints of targeted node shapes: refuse sequence paths, sh:node, implicit class targets (a
    shape that is also a class), and SPARQL constraints on a shape without targets (a nested one) or
    on a property shape (``$PATH`` is not substituted)."""
    for path in shapes.objects(None, SH.path):
        path_sparql(shapes, path)
    if any(shapes.triples((None, SH.node, None))):
        raise Unsupported("sh:node")
    for cls in (RDFS.Class, rdflib.OWL.Class):
        if any((s, RDF.type, SH.NodeShape) in shapes for s in shapes.subjects(RDF.type, cls)):
            raise Unsupported("implicit class target")
    targeted = set(targeted_shapes(shapes))
    for shape in set(shapes.subjects(SH.sparql, None)):
        if deactivated(shapes, shape):
            continue
        if shape not in targeted:
            raise Unsupported(f"sh:sparql on {shape}, a shape without targets")
        if (shape, SH.path, None) in shapes:
            raise Unsupported(f"sh:sparql on {shape}, a property shape")


# the compiler: SHACL core constraints → a SPARQL condition "?this may fail" ----------------------

NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                 "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                 "nonPositiveInteger", "unsignedInt", "unsignedLong")}
CASTABLE = {str(XSD[t]) for t in ("date", "dateTime", "time", "gYear", "boolean")}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.IRIOrLiteral: "!isBlank({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
}
COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
# Predicates of a shape that carry no constraint.
INERT = {RDF.type, SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.defaultValue,
         SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.sparql,
         SH.deactivated, SH.path, SH.qualifiedValueShapesDisjoint, SH.prefixes, RDFS.label, RDFS.comment}
# Constraints on the set of values of a path, not on each value (property_violation's).
PROPERTY_LEVEL = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.property,
                  SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}

# variable → a SPARQL group binding it to each value of a property shape's path from ?this
Values = Callable[[str], str]


def path_sparql(shapes: rdflib.Graph, path: Any) -> str:
    """A SHACL path as a SPARQL property path: a predicate, an inverse or an alternative of predicates."""
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


def value_condition(shapes: rdflib.Graph, shape: Any, v: str, scope: Scope,
                    skip: frozenset[Any] = frozenset()) -> str:
    """SPARQL condition true when value ``v`` satisfies every value-level constraint of ``shape``
    (sh:path, counts and the like are the caller's); never an error (COALESCE)."""
    parts = []
    for p, o in shapes.predicate_objects(shape):
        if p in INERT or p in PROPERTY_LEVEL or p in skip or p == SH.flags:  # flags: with sh:pattern
            continue
        if p == SH["class"]:
            parts.append(scope.has_type(v, o))
        elif p == SH.datatype:
            parts.append(_datatype_condition(o, v))
        elif p == SH.nodeKind:
            if o not in NODE_KINDS:
                raise Unsupported(f"nodeKind {o}")
            parts.append(NODE_KINDS[o].format(v=v))
        elif p == SH.pattern:
            flags = shapes.value(shape, SH.flags)
            parts.append(f"(!isBlank({v}) && REGEX(STR({v}), {rdflib.Literal(str(o)).n3()}"
                         + (f", {rdflib.Literal(str(flags)).n3()}" if flags else "") + "))")
        elif p == SH["in"]:
            members = list(Collection(shapes, o))
            parts.append("(" + (" || ".join(f"sameTerm({v}, {_n3(m)})" for m in members) or "false") + ")")
        elif p in COMPARISONS:
            parts.append(f"COALESCE({v} {COMPARISONS[p]} {_n3(o)}, false)")
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


def _datatype_condition(datatype: Any, v: str) -> str:
    """SPARQL condition: ``v`` is a well-formed literal of ``datatype``, or may be (``false``)."""
    if datatype == RDF.langString:
        return f"(isLiteral({v}) && LANG({v}) != '')"
    if str(datatype) in NUMERIC:
        return f"(isLiteral({v}) && DATATYPE({v}) = {_n3(datatype)} && isNumeric({v}))"
    if str(datatype) == XSD_STRING:
        return f"(isLiteral({v}) && LANG({v}) = '' && DATATYPE({v}) = {_n3(datatype)})"
    if str(datatype) in CASTABLE:  # well-formed iff the cast gives the same value back
        cast = f"COALESCE({_n3(datatype)}({v}) = {v}, false)"
        return f"(isLiteral({v}) && DATATYPE({v}) = {_n3(datatype)} && {cast})"
    return "false"  # the lexical form is pySHACL's to judge


def property_violation(shapes: rdflib.Graph, shape: Any, scope: Scope) -> str:
    """SPARQL condition true when focus ``?this`` may fail property shape ``shape``."""
    if deactivated(shapes, shape):
        return "false"
    path = path_sparql(shapes, shapes.value(shape, SH.path))

    def values(v: str) -> str:
        return scope.in_graph(f"?this {path} {v}")

    parts = []
    v = scope.var("v")
    condition = value_condition(shapes, shape, v, scope)
    if condition != "true":
        parts.append(f"EXISTS {{ {values(v)} FILTER (!{condition}) }}")
    parts += count_violations(shapes, shape, SH.minCount, SH.maxCount, values, scope)
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
        parts += count_violations(shapes, shape, SH.qualifiedMinCount, SH.qualifiedMaxCount, values, scope,
                                  counted=lambda x: value_condition(shapes, qualified, x, scope))
    for nested in shapes.objects(shape, SH.property):
        raise Unsupported(f"property shape {nested} under a property shape")
    return " || ".join(f"({p})" for p in parts) if parts else "false"


def count_violations(shapes: rdflib.Graph, shape: Any, min_count: Any, max_count: Any, values: Values,
                     scope: Scope, counted: Callable[[str], str] | None = None) -> list[str]:
    """SPARQL conditions "too few" / "too many" values for the shape's ``min_count`` and ``max_count``
    (sh:minCount/sh:maxCount, or the qualified ones with ``counted``: variable → the condition a value
    must meet to count). Only bounds of 0 and 1 are translated."""
    def value(v: str) -> str:
        return values(v) + (f" FILTER ({counted(v)})" if counted else "")

    parts = []
    for count in shapes.objects(shape, min_count):
        n = int(count)
        if n > 1:
            raise Unsupported(f"{min_count} > 1")
        if n == 1:
            parts.append(f"NOT EXISTS {{ {value(scope.var('v'))} }}")
    for count in shapes.objects(shape, max_count):
        n = int(count)
        if n > 1:
            raise Unsupported(f"{max_count} > 1")
        a = scope.var("a")
        if n == 0:
            parts.append(f"EXISTS {{ {value(a)} }}")
        else:
            b = scope.var("b")
            parts.append(f"EXISTS {{ {value(a)} {value(b)} FILTER (!sameTerm({a}, {b})) }}")
    return parts


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
