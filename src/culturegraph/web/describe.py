"""What a resource's document says: built with pyoxigraph pattern look-ups (fast) and a few SPARQL queries.

A :class:`Description` holds

* the resource's own triples (every named graph, kept as quads for TriG/N-Quads) and those of its hash
  IRIs (``/id/musee/M0963#adresse``, ``#geo``, ``#geometrie``, ``#identifiant-museofile``), which are
  described within their base resource's document;
* the triples pointing at it, one page at a time (:data:`PAGE_SIZE`);
* labels of every IRI the page shows (predicates included: their labels come from /graph/vocabulaires);
* what the datasets' enrichers add (``DatasetSpec.enrichers``): quads of related resources written into
  the document (``related``; ``bulk`` for many, left out of the page's embedded JSON-LD), values for
  their panels (``data``), nodes to label (``linked``), document metadata (``extra``);
* for a named graph, its triple count (computed, cached per store version).

It reads the graph only through a :class:`~culturegraph.store.base.GraphReader`. Nothing here knows
about HTTP or HTML: ``resources`` negotiates and writes, ``pages`` renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from culturegraph.datasets import Enricher
from culturegraph.rdf.terms import (
    DCTERMS,
    FOAF,
    IGEO,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VOID,
    WGS84,
    YEAR,
    Minter,
)
from culturegraph.store.base import GraphReader, PerVersion
from culturegraph.web.urls import short_name

PAGE_SIZE = 50  # inverse links per page (HTML and RDF alike)
BLANK_NODE_LIMIT = 200  # blank nodes described within a document (their triples follow the resource's)
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, SCHEMA.name, IGEO.nom, DCTERMS.title)
LANGUAGES = ("fr", "en", "")

Subject = NamedNode | BlankNode
Term = NamedNode | BlankNode | Literal


@dataclass
class Description:
    iri: NamedNode
    document: str  # canonical document IRI (without suffix)
    quads: list[Quad]  # the resource and its hash parts, per graph
    parts: list[NamedNode]  # hash IRIs described here
    inverse: list[Quad]  # this page of the triples pointing at the resource (one graph each)
    inverse_total: int
    page: int
    base: str = ""  # the canonical base IRI
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> best label
    # IRI -> the stored (predicate, literal) its label comes from (what the RDF documents repeat)
    label_statements: dict[str, tuple[NamedNode, Literal]] = field(default_factory=dict)
    related: list[Quad] = field(default_factory=list)  # enrichers: related resources, in the document
    bulk: list[Quad] = field(default_factory=list)  # enrichers: many quads, in RDF documents only
    data: dict[str, Any] = field(default_factory=dict)  # enrichers: values for their panels, by name
    linked: list[NamedNode] = field(default_factory=list)  # enrichers: more nodes to label
    graph_triples: int | None = None  # for a named graph: how many triples it holds
    extra: list[Triple] = field(default_factory=list)  # statements computed here (document metadata)

    @property
    def pages(self) -> int:
        return max(1, -(-self.inverse_total // PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def objects(self, predicate: NamedNode, subject: Subject | None = None) -> list[Term]:
        node = subject or self.iri
        seen: list[Term] = []
        for q in self.quads:
            if q.subject == node and q.predicate == predicate and q.object not in seen:
                seen.append(q.object)
        return seen

    def value(self, predicate: NamedNode, subject: Subject | None = None) -> Term | None:
        found = self.objects(predicate, subject)
        return found[0] if found else None

    def types(self) -> list[NamedNode]:
        return [t for t in self.objects(RDF.type) if isinstance(t, NamedNode)]

    def coordinates(self) -> tuple[float, float] | None:
        """(latitude, longitude) when the resource is located: its own WGS84 point, its schema:geo, or
        the point of one of its hash parts (a photograph's ``#lieu``, an ``edm:Place``)."""
        lat, lon = self.value(WGS84.lat), self.value(WGS84.long)
        if lat is None or lon is None:
            geo = self.value(SCHEMA.geo)
            if isinstance(geo, NamedNode):
                lat, lon = self.value(SCHEMA.latitude, geo), self.value(SCHEMA.longitude, geo)
        for part in self.parts if lat is None or lon is None else ():
            lat, lon = self.value(WGS84.lat, part), self.value(WGS84.long, part)
            if lat is not None and lon is not None:
                break
        try:
            return (float(lat.value), float(lon.value)) if lat is not None and lon is not None else None
        except ValueError:
            return None

    def label(self, term: Term | str) -> str:
        """The label of an IRI, else a readable tail of it."""
        if isinstance(term, Literal):
            return term.value
        key = term if isinstance(term, str) else term.value
        return self.labels.get(key) or self.fallback_label(key)

    def fallback_label(self, iri: str) -> str:
        """An unlabelled IRI of ours shows its path without the family (``frequentation-musees/site/
        0105301/annee/2014/public/payant`` tells more than ``payant``); others their last segment."""
        if self.base and iri.startswith(self.base) and "#" not in iri:
            path = iri[len(self.base):]
            family, _, rest = path.partition("/")
            if family in ("data", "id") and rest.count("/") >= 2:
                return rest
        return short_name(iri)

    def triples(self, *, with_bulk: bool = True) -> list[Triple]:
        """Everything the RDF document says, once per triple (graphs merged)."""
        seen: dict[Triple, None] = {}
        for q in self.all_quads(with_bulk=with_bulk):
            seen.setdefault(Triple(q.subject, q.predicate, q.object), None)
        return list(seen)

    def dataset_quads(self) -> list[Quad]:
        """The document as a dataset (TriG, N-Quads): every triple in the default graph, then each
        stored quad in its named graph (resources.py says why)."""
        quads = self.all_quads()
        merged = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in self.triples()]
        named = [q for q in quads if not isinstance(q.graph_name, DefaultGraph)]
        return list(dict.fromkeys([*merged, *named]))

    def all_quads(self, *, with_bulk: bool = True) -> list[Quad]:
        quads = [*self.quads, *self.inverse, *self.related]
        if with_bulk:
            quads += self.bulk
        quads += self._label_quads()
        quads += [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in self.extra]
        return list(dict.fromkeys(quads))

    def _label_quads(self) -> list[Quad]:
        """One label triple per linked resource, so that a client can show them without more requests:
        the stored triple, with its predicate and language (issue 13: never a label made up here, such
        as a year IRI's number)."""
        out = []
        described = {self.iri.value, *(p.value for p in self.parts)}
        for iri, (predicate, literal) in self.label_statements.items():
            if iri in described or iri.startswith(("http://www.w3.org/", "http://schema.org/")):
                continue
            out.append(Quad(NamedNode(iri), predicate, literal, DefaultGraph()))
        return out


class Describer:
    """Builds descriptions from one version of the graph; ``reader.version`` keys the caches (a rebuild
    invalidates them). ``enrichers``: the datasets' (``Registry.enrichers()``), called in order."""

    def __init__(self, reader: GraphReader, base_iri: str, enrichers: Iterable[Enricher] = (),
                 languages: tuple[str, ...] = LANGUAGES) -> None:
        self.reader, self.version, self.base = reader, reader.version, base_iri
        self.iris = Minter(base_iri)
        self.enrichers = list(enrichers)
        self.languages = languages  # label preference (pages in English: "en" first)

    # existence ----------------------------------------------------------------------------------

    def exists(self, iri: NamedNode) -> bool:
        """Known as a subject, an object or a graph name."""
        return (self.reader.exists(iri) or self.reader.exists(None, None, iri)
                or self.reader.exists(None, None, None, iri))

    # the description ------------------------------------------------------------------------------

    def describe(self, iri: NamedNode, document: str, page: int = 1) -> Description:
        quads = list(self.reader.quads(iri))
        parts = self._hash_parts(iri, quads)
        for part in parts:
            quads += self.reader.quads(part)
        quads += self._blank_closure(quads)
        inverse, total = self.inverse_page(iri, page)
        desc = Description(iri=iri, document=document, quads=quads, parts=parts, inverse=inverse,
                           inverse_total=total, page=page, base=self.base)
        for enricher in self.enrichers:
            enricher.enrich(self.reader, desc)
        if self.reader.exists(None, None, None, iri):
            desc.graph_triples = graph_size(self.reader, iri.value)
            desc.extra.append(Triple(iri, VOID.triples, Literal(str(desc.graph_triples),
                                                               datatype=_XSD_INTEGER)))
        desc.extra.insert(0, Triple(NamedNode(document), FOAF.primaryTopic, iri))
        desc.labels = self.labels(self._linked(desc))
        desc.label_statements = {iri: found for iri in desc.labels
                                 if (found := self.label_statement(NamedNode(iri))) is not None}
        return desc

    def _blank_closure(self, quads: list[Quad], limit: int = BLANK_NODE_LIMIT) -> list[Quad]:
        """The triples of the blank nodes these quads point at, and of theirs (a Concise Bounded
        Description: a ``dcterms:temporal`` period is a blank node; without its triples the document
        shows a dangling ``_:b…``). At most ``limit`` blank nodes."""
        out: list[Quad] = []
        seen: set[BlankNode] = set()
        pending = [q.object for q in quads if isinstance(q.object, BlankNode)]
        while pending and len(seen) < limit:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            for q in self.reader.quads(node):
                out.append(q)
                if isinstance(q.object, BlankNode) and q.object not in seen:
                    pending.append(q.object)
        return out

    def _hash_parts(self, iri: NamedNode, quads: Iterable[Quad]) -> list[NamedNode]:
        prefix = iri.value + "#"
        parts: list[NamedNode] = []
        for q in quads:
            obj = q.object
            if isinstance(obj, NamedNode) and obj.value.startswith(prefix) and obj not in parts:
                parts.append(obj)
        return sorted(parts, key=lambda p: p.value)

    def inverse_page(self, iri: NamedNode, page: int) -> tuple[list[Quad], int]:
        """One page of (subject, predicate, graph) pointing at ``iri``, in the store's index order
        (stable for a given build), and the total count (a SPARQL COUNT only when there is more than
        one page). The object is fixed, so the quads matching ``(?, ?, iri, ?)`` are distinct
        (subject, predicate, graph) already: read with a pattern look-up, not a SPARQL query (issue 9:
        the query's parsing and planning were a tenth of a document's time)."""
        offset = (page - 1) * PAGE_SIZE
        if page > 1:  # past the last page: no walk of the index to find out (hostile finding F5)
            total = inverse_count(self.reader, iri.value)  # memoised per build and IRI
            if offset >= total:
                return [], total
        quads = list(islice(self.reader.quads(None, None, iri), offset, offset + PAGE_SIZE + 1))
        if page == 1 and len(quads) <= PAGE_SIZE:
            return quads, len(quads)
        return quads[:PAGE_SIZE], inverse_count(self.reader, iri.value)

    # labels ---------------------------------------------------------------------------------------

    def _linked(self, desc: Description) -> Iterator[NamedNode]:
        for q in (*desc.quads, *desc.related):
            yield q.predicate
            if isinstance(q.object, NamedNode):
                yield q.object
        for q in desc.inverse:
            yield q.predicate
            if isinstance(q.subject, NamedNode):
                yield q.subject
            if isinstance(q.graph_name, NamedNode):
                yield q.graph_name
        for q in desc.quads:
            if isinstance(q.graph_name, NamedNode):
                yield q.graph_name
        yield from desc.linked
        yield desc.iri
        yield from desc.parts

    def labels(self, nodes: Iterable[NamedNode]) -> dict[str, str]:
        out: dict[str, str] = {}
        for node in nodes:
            if node.value in out:
                continue
            text = self.label(node)
            if text is not None:
                out[node.value] = text
        return out

    def label(self, node: NamedNode) -> str | None:
        """The best label (:meth:`label_statement`'s text), else a year IRI's year."""
        found = self.label_statement(node)
        if found is not None:
            return found[1].value
        if node.value.startswith(YEAR.iri):
            return node.value[len(YEAR.iri):]
        return None

    def label_statement(self, node: NamedNode) -> tuple[NamedNode, Literal] | None:
        """The stored label triple's predicate and literal: skos:prefLabel / rdfs:label / schema:name …,
        in the first language of ``self.languages`` the node has one in (French first, then English,
        then untagged, by default; English first for an English page), whichever of the predicates
        carries it: the language is chosen before the predicate (a term with ``skos:prefLabel`` in
        French and ``rdfs:label`` in English shows the English one on an English page). Memoised per
        build (``LABELS``): the predicates, categories,
        years and places a document links to are shared by thousands of documents (issue 9: up to
        five look-ups per linked IRI were a quarter of a document's time). A store handed in by a test
        (``UNVERSIONED``) is not memoised: two of them share that version."""
        found = LABELS.get(self.version, node.value, lambda: self._labels(node))
        if found is None:
            return None
        for lang in self.languages:
            if lang in found:
                return found[lang]
        return next(iter(found.values()))

    def _labels(self, node: NamedNode) -> dict[str, tuple[NamedNode, Literal]] | None:
        """Per language (``""``: untagged), the label of the first predicate of ``LABEL_PREDICATES``
        that has one in that language."""
        found: dict[str, tuple[NamedNode, Literal]] = {}
        for predicate in LABEL_PREDICATES:
            for q in self.reader.quads(node, predicate):
                if isinstance(q.object, Literal):
                    # by primary subtag: an "en-GB" label serves an English page
                    language = (q.object.language or "").split("-", 1)[0].lower()
                    found.setdefault(language, (predicate, q.object))
        return found or None


_XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


COUNTS = PerVersion()
LABELS = PerVersion(max_entries=200_000)  # IRI -> label or None, of the build being served


def inverse_count(reader: GraphReader, iri: str) -> int:
    return COUNTS.get(reader.version, ("inverse", iri), lambda: _count(
        reader, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?g WHERE {{ "
                f"GRAPH ?g {{ ?s ?p <{iri}> }} }} }}"))


def graph_size(reader: GraphReader, graph: str) -> int:
    return COUNTS.get(reader.version, ("graph", graph), lambda: reader.count(NamedNode(graph)))


def _count(reader: GraphReader, query: str) -> int:
    return int(next(iter(reader.query(query)))["n"].value)


def _sparql_term(node: NamedNode) -> str:
    return f"<{node.value}>"
