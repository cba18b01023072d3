""":class:`~culturegraph.store.base.GraphReader` over a pyoxigraph ``Store`` (on disk or in memory)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Store

from culturegraph.store.base import UNVERSIONED, GraphName, GraphReader, Subject, Term


class OxigraphReader:
    """Reads one version of an Oxigraph store."""

    @classmethod
    def of(cls, source: Any, version: str = UNVERSIONED) -> Any:
        """``source`` if it is a GraphReader already, else a reader over the pyoxigraph Store ``source``."""
        return source if isinstance(source, GraphReader) else cls(source, version)

    def __init__(self, store: Store, version: str = UNVERSIONED) -> None:
        self.store = store
        self._version = version

    @property
    def version(self) -> str:
        return self._version

    def query(self, query: str, *, union_default_graph: bool = False,
              default_graph: Iterable[NamedNode] | None = None,
              named_graphs: Iterable[NamedNode] | None = None) -> Any:
        options: dict[str, Any] = {}
        if union_default_graph:
            options["use_default_graph_as_union"] = True
        if default_graph is not None:
            options["default_graph"] = list(default_graph)
        if named_graphs is not None:
            options["named_graphs"] = list(named_graphs)
        return self.store.query(query, **options)

    def quads(self, subject: Subject | None = None, predicate: NamedNode | None = None,
              obj: Term | None = None, graph: GraphName | None = None) -> Iterator[Quad]:
        return self.store.quads_for_pattern(subject, predicate, obj, graph)

    def exists(self, subject: Subject | None = None, predicate: NamedNode | None = None,
               obj: Term | None = None, graph: GraphName | None = None) -> bool:
        return next(iter(self.store.quads_for_pattern(subject, predicate, obj, graph)), None) is not None

    def dump(self, graph: NamedNode) -> bytes:
        return self.store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph) or b""

    def count(self, graph: NamedNode | None = None) -> int:
        where = f"GRAPH <{graph.value}> {{ ?s ?p ?o }}" if graph is not None else "GRAPH ?g { ?s ?p ?o }"
        result = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        assert isinstance(result, QuerySolutions)
        return int(next(iter(result))["n"].value)  # type: ignore[union-attr]
