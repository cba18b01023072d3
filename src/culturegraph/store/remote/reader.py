""":class:`~culturegraph.store.base.GraphReader` over a remote SPARQL store: patterns, ``exists``, counts and
dumps become small SPARQL queries, and the version is the build id that the remote dataset's provenance
graph names (one build at a time: switching replaces the whole dataset)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, QuerySolutions, RdfFormat

from culturegraph.store.base import GraphName, NoStoreError, Subject, Term
from culturegraph.store.remote.client import SparqlStoreClient


def _sparql_term(term: Any) -> str:
    return str(term)  # pyoxigraph writes N-Triples syntax, which SPARQL reads


def _names_a_blank_node(*terms: Any) -> bool:
    """A blank node's label means nothing to another store (in a query it is a fresh variable), so a
    pattern naming one matches nothing there: pages show such a node without its own triples."""
    return any(isinstance(t, BlankNode) for t in terms)


class RemoteReader:
    """Reads the remote store. ``version`` is looked up at most every ``check_interval`` seconds."""

    def __init__(self, client: SparqlStoreClient, base_iri: str, check_interval: float = 1.0) -> None:
        self.client = client
        self.build_prefix = f"{base_iri}data/build/"
        self.provenance_graph = f"{base_iri}graph/provenance"
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._version: str | None = None
        self._checked = -float("inf")

    @property
    def version(self) -> str:
        now = time.monotonic()
        if now - self._checked > self.check_interval:
            with self._lock:
                self._version, self._checked = self._read_version(), now
        if self._version is None:
            raise NoStoreError(f"the remote store {self.client.url} holds no build: run `culturegraph build`")
        return self._version

    def _read_version(self) -> str | None:
        found = self.client.query(
            f"PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?b WHERE {{ GRAPH <{self.provenance_graph}> "
            f"{{ ?b a prov:Activity ; prov:startedAtTime ?t }} }} ORDER BY DESC(?t) LIMIT 1")
        for row in found:
            iri = row["b"].value
            if iri.startswith(self.build_prefix):
                return iri[len(self.build_prefix):]
        return None

    def query(self, query: str, *, union_default_graph: bool = False,
              default_graph: Iterable[NamedNode] | None = None,
              named_graphs: Iterable[NamedNode] | None = None) -> Any:
        return self.client.query(
            query, union_default_graph=union_default_graph,
            default_graph=None if default_graph is None else [g.value for g in default_graph],
            named_graphs=None if named_graphs is None else [g.value for g in named_graphs])

    def _pattern(self, subject: Subject | None, predicate: NamedNode | None, obj: Term | None,
                 graph: GraphName | None) -> tuple[str, list[tuple[str, Any]]]:
        """The graph pattern and the variables left free, for ``quads``/``exists``."""
        parts: list[str] = []
        free: list[tuple[str, Any]] = []
        for name, term in (("s", subject), ("p", predicate), ("o", obj)):
            if term is None:
                parts.append(f"?{name}")
                free.append((name, None))
            else:
                parts.append(_sparql_term(term))
                free.append((name, term))
        triple = " ".join(parts)
        if isinstance(graph, DefaultGraph):
            return f"{{ {triple} }}", free
        if graph is None:
            return f"{{ GRAPH ?g {{ {triple} }} }}", free
        return f"{{ GRAPH {_sparql_term(graph)} {{ {triple} }} }}", free

    def quads(self, subject: Subject | None = None, predicate: NamedNode | None = None,
              obj: Term | None = None, graph: GraphName | None = None) -> Iterator[Quad]:
        if _names_a_blank_node(subject, obj, graph):
            return
        where, free = self._pattern(subject, predicate, obj, graph)
        variables = " ".join(f"?{n}" for n, t in free if t is None) or "*"
        if graph is None:
            variables += " ?g"
        rows = self.client.query(f"SELECT {variables} WHERE {where}")
        assert isinstance(rows, QuerySolutions)
        fixed = {n: t for n, t in free if t is not None}
        for row in rows:
            s, p, o = (fixed[n] if n in fixed else row[n] for n in ("s", "p", "o"))
            yield Quad(s, p, o, row["g"] if graph is None else graph)

    def exists(self, subject: Subject | None = None, predicate: NamedNode | None = None,
               obj: Term | None = None, graph: GraphName | None = None) -> bool:
        if _names_a_blank_node(subject, obj, graph):
            return False
        where, _ = self._pattern(subject, predicate, obj, graph)
        return bool(self.client.query(f"ASK WHERE {where}"))

    def dump(self, graph: NamedNode) -> bytes:
        triples = self.client.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
        return triples.serialize(format=RdfFormat.N_TRIPLES) or b""

    def count(self, graph: NamedNode | None = None) -> int:
        where = f"GRAPH <{graph.value}> {{ ?s ?p ?o }}" if graph is not None else "GRAPH ?g { ?s ?p ?o }"
        rows = self.client.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(rows, QuerySolutions)
        return int(next(iter(rows))["n"].value)  # type: ignore[union-attr]

