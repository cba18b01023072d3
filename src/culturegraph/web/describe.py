"""What a resource's document says: built with pyoxigraph pattern look-ups (fast) and a few SPARQL queries.

A :class:`Description` holds

* the resource's own triples (every named graph, kept as quads for TriG/N-Quads) and those of its hash
  IRIs (``/id/musee/M0963#adresse``, ``#geo``, ``#geometrie``, ``#identifiant-museofile``), which are
  described within their base resource's document;
* the triples pointing at it, one page at a time (:data:`PAGE_SIZE`);
* labels of every IRI the page shows (predicates included: their labels come from /graph/vocabulaires);
* for a museum its Patrimostat sites, and for a museum or a site the attendance observations (all of them
  summarised for HTML; at most :data:`OBSERVATION_LIMIT` written into the RDF document, which then
  points at a SPARQL query for the rest);
* for a named graph, its triple count (computed, cached per store version).

Nothing here knows about HTTP or HTML: ``resources`` negotiates and writes, ``pages`` renders.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from culturegraph.rdf.terms import (
    DCTERMS,
    FOAF,
    IGEO,
    RDF,
    RDFS,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SKOS,
    VOID,
    WGS84,
    YEAR,
    Minter,
)

PAGE_SIZE = 50  # inverse links per page (HTML and RDF alike)
OBSERVATION_LIMIT = 500  # observations written into a museum's or a site's RDF document
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, SCHEMA.name, IGEO.nom, DCTERMS.title)
LANGUAGES = ("fr", "en", "")

Subject = NamedNode | BlankNode
Term = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class Observation:
    """One attendance observation, flattened for tables and charts."""

    iri: NamedNode
    site: NamedNode
    year: int | None
    category: NamedNode | None
    value: int | None
    status: NamedNode | None


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
    sites: list[NamedNode] = field(default_factory=list)
    site_quads: list[Quad] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    observation_quads: list[Quad] = field(default_factory=list)  # bounded, for RDF
    observations_truncated: bool = False
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
        """(latitude, longitude) when the resource is located."""
        lat, lon = self.value(WGS84.lat), self.value(WGS84.long)
        if lat is None or lon is None:
            geo = self.value(SCHEMA.geo)
            if isinstance(geo, NamedNode):
                lat, lon = self.value(SCHEMA.latitude, geo), self.value(SCHEMA.longitude, geo)
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

    def triples(self, *, with_observations: bool = True) -> list[Triple]:
        """Everything the RDF document says, once per triple (graphs merged)."""
        seen: dict[Triple, None] = {}
        for q in self.all_quads(with_observations=with_observations):
            seen.setdefault(Triple(q.subject, q.predicate, q.object), None)
        return list(seen)

    def all_quads(self, *, with_observations: bool = True) -> list[Quad]:
        quads = [*self.quads, *self.inverse, *self.site_quads]
        if with_observations:
            quads += self.observation_quads
        quads += self._label_quads()
        quads += [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in self.extra]
        return list(dict.fromkeys(quads))

    def _label_quads(self) -> list[Quad]:
        """One label triple per linked resource, so that a client can show them without more requests."""
        out = []
        described = {self.iri.value, *(p.value for p in self.parts)}
        for iri, text in self.labels.items():
            if iri in described or iri.startswith(("http://www.w3.org/", "http://schema.org/")):
                continue
            out.append(Quad(NamedNode(iri), RDFS.label, Literal(text), DefaultGraph()))
        return out


def document_path(path: str) -> str:
    """The document of a name, relative to the base: ``id/musee/M0963`` → ``doc/musee/M0963``,
    ``def/culture/site`` → ``doc/def/culture/site`` (same for ``data/`` and ``graph/``); a hash IRI's
    document is its base resource's (the fragment is kept as an anchor). Other paths are returned as is."""
    path, hash_, fragment = path.partition("#")
    first = path.split("/", 1)[0]
    if first == "id":
        path = "doc/" + path[3:]
    elif first in ("def", "data", "graph") and "/" in path:
        path = "doc/" + path
    return path + hash_ + fragment


def short_name(iri: str) -> str:
    """'…/id/year/2014' → '2014', '…#adresse' → 'adresse', '…/def/culture/site' → 'site'."""
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return tail or iri


class Describer:
    """Builds descriptions from one store; ``version`` keys the caches (a rebuild invalidates them)."""

    def __init__(self, store: Store, version: str, base_iri: str) -> None:
        self.store, self.version, self.base = store, version, base_iri
        self.iris = Minter(base_iri)
        self.kgo = self.iris.kgo

    # existence ----------------------------------------------------------------------------------

    def exists(self, iri: NamedNode) -> bool:
        """Known as a subject, an object or a graph name."""
        return (_any(self.store.quads_for_pattern(iri, None, None, None))
                or _any(self.store.quads_for_pattern(None, None, iri, None))
                or self.store.contains_named_graph(iri))

    # the description ------------------------------------------------------------------------------

    def describe(self, iri: NamedNode, document: str, page: int = 1) -> Description:
        quads = list(self.store.quads_for_pattern(iri, None, None, None))
        parts = self._hash_parts(iri, quads)
        for part in parts:
            quads += self.store.quads_for_pattern(part, None, None, None)
        inverse, total = self.inverse_page(iri, page)
        desc = Description(iri=iri, document=document, quads=quads, parts=parts, inverse=inverse,
                           inverse_total=total, page=page, base=self.base)
        types = set(desc.types())
        if SCHEMA.Museum in types:
            desc.sites = self._sites(iri)
            for site in desc.sites:
                desc.site_quads += self.store.quads_for_pattern(site, None, None, None)
        elif self.kgo.SitePatrimostat in types:
            desc.sites = [iri]
        if desc.sites:
            self._observations(desc)
        if self.store.contains_named_graph(iri):
            desc.graph_triples = graph_size(self.store, self.version, iri.value)
            desc.extra.append(Triple(iri, VOID.triples, Literal(str(desc.graph_triples),
                                                               datatype=_XSD_INTEGER)))
        doc = NamedNode(document)
        desc.extra.append(Triple(doc, FOAF.primaryTopic, iri))
        if desc.observations_truncated:
            desc.extra.append(Triple(doc, RDFS.seeAlso, NamedNode(self.observations_query_url(desc))))
        desc.labels = self.labels(self._linked(desc))
        return desc

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
        one page)."""
        offset = (page - 1) * PAGE_SIZE
        rows = list(self.store.query(
            f"SELECT DISTINCT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {_sparql_term(iri)} }} }} "
            f"LIMIT {PAGE_SIZE + 1} OFFSET {offset}"))
        quads = [Quad(r["s"], r["p"], iri, r["g"]) for r in rows[:PAGE_SIZE]]
        if page == 1 and len(rows) <= PAGE_SIZE:
            return quads, len(rows)
        return quads, inverse_count(self.store, self.version, iri.value)

    def _sites(self, museum: NamedNode) -> list[NamedNode]:
        sites = [q.subject for q in self.store.quads_for_pattern(None, DCTERMS.isPartOf, museum, None)
                 if isinstance(q.subject, NamedNode)
                 and _any(self.store.quads_for_pattern(q.subject, RDF.type, self.kgo.SitePatrimostat, None))]
        return sorted(set(sites), key=lambda s: s.value)

    def _observations(self, desc: Description) -> None:
        kgo = self.kgo
        count = 0
        for site in desc.sites:
            for link in self.store.quads_for_pattern(None, kgo.site, site, None):
                obs = link.subject
                if not isinstance(obs, NamedNode):
                    continue
                quads = list(self.store.quads_for_pattern(obs, None, None, None))
                values = {q.predicate: q.object for q in quads}
                desc.observations.append(Observation(
                    iri=obs, site=site, year=_year(values.get(SDMX_DIMENSION.refPeriod)),
                    category=_named(values.get(kgo.categoriePublic)),
                    value=_int(values.get(kgo.nombreEntrees)),
                    status=_named(values.get(SDMX_ATTRIBUTE.obsStatus)),
                ))
                count += 1
                if count <= OBSERVATION_LIMIT:
                    desc.observation_quads += quads
        desc.observations = list(dict.fromkeys(desc.observations))
        desc.observations_truncated = len(desc.observations) > OBSERVATION_LIMIT
        desc.observations.sort(
            key=lambda o: (o.site.value, o.year or 0, o.category.value if o.category else ""))

    def observations_query(self, desc: Description) -> str:
        sites = " ".join(_sparql_term(s) for s in desc.sites)
        return (
            f"PREFIX kgo: <{self.kgo.iri}>\n"
            "PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>\n"
            "SELECT ?observation ?site ?annee ?categorie ?entrees WHERE {\n"
            f"  VALUES ?site {{ {sites} }}\n"
            "  ?observation kgo:site ?site ; sdmx-dimension:refPeriod ?annee ;\n"
            "    kgo:categoriePublic ?categorie .\n"
            "  OPTIONAL { ?observation kgo:nombreEntrees ?entrees }\n"
            "} ORDER BY ?site ?annee ?categorie"
        )

    def observations_query_url(self, desc: Description) -> str:
        return f"{self.base}sparql?query={quote(self.observations_query(desc), safe='')}"

    # labels ---------------------------------------------------------------------------------------

    def _linked(self, desc: Description) -> Iterator[NamedNode]:
        for q in (*desc.quads, *desc.site_quads):
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
        for o in desc.observations:
            if o.category is not None:
                yield o.category
            if o.status is not None:
                yield o.status
        yield from desc.sites
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
        """rdfs:label / schema:name / skos:prefLabel …, French first, then English, then untagged."""
        found: dict[str, str] = {}
        for predicate in LABEL_PREDICATES:
            for q in self.store.quads_for_pattern(node, predicate, None, None):
                if isinstance(q.object, Literal):
                    found.setdefault(q.object.language or "", q.object.value)
            if found:
                break
        if not found:
            if node.value.startswith(YEAR.iri):
                return node.value[len(YEAR.iri):]
            return None
        for lang in LANGUAGES:
            if lang in found:
                return found[lang]
        return next(iter(found.values()))


_XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class PerVersion:
    """Values computed from one build (counts), dropped when the served version changes. Keyed by the
    version, never by the store object, so that an old build's handle is not kept alive here."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._version: str | None = None
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, version: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if version != self._version:
                self._version, self._values = version, {}
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if version == self._version:
                if len(self._values) >= self.max_entries:
                    self._values.pop(next(iter(self._values)))
                self._values[key] = value
        return value


COUNTS = PerVersion()


def inverse_count(store: Store, version: str, iri: str) -> int:
    return COUNTS.get(version, ("inverse", iri), lambda: _count(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?g WHERE {{ "
               f"GRAPH ?g {{ ?s ?p <{iri}> }} }} }}"))


def graph_size(store: Store, version: str, graph: str) -> int:
    return COUNTS.get(version, ("graph", graph), lambda: _count(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))


def _count(store: Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def _any(quads: Iterator[Quad]) -> bool:
    return next(iter(quads), None) is not None


def _sparql_term(node: NamedNode) -> str:
    return f"<{node.value}>"


def _year(term: Term | None) -> int | None:
    if isinstance(term, NamedNode) and term.value.startswith(YEAR.iri):
        try:
            return int(term.value[len(YEAR.iri):])
        except ValueError:
            return None
    if isinstance(term, Literal):
        try:
            return int(term.value[:4])
        except ValueError:
            return None
    return None


def _int(term: Term | None) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def _named(term: Term | None) -> NamedNode | None:
    return term if isinstance(term, NamedNode) else None

