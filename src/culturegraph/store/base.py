"""The store seam: what the rest of culturegraph may ask of a graph store, as three small Protocols.

- :class:`GraphReader` — read one version of the graph: SPARQL with a dataset, quads by pattern,
  ``exists``, and the version (the build id) that cache keys use. The describer, page statistics,
  validation and the pipeline's derived stages use only this.
- :class:`TimedEvaluator` — evaluate a SPARQL request within a time limit and write the reply. Today's
  killable process pool (``store/oxigraph/executor.py``) is one implementation; a remote store whose
  HTTP client times out will be another.
- :class:`Publisher` — publish a build: open a new build, load quads into it, finish it and switch
  readers to it atomically (``store/oxigraph/home.py``: one directory per build and a ``current`` link).

Terms are pyoxigraph's (``NamedNode``, ``Literal``, ``Quad``…): they are the RDF model of the whole code
base (rdf/terms.py), not a detail of the Oxigraph store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

Subject = NamedNode | BlankNode | Triple
GraphName = NamedNode | BlankNode | DefaultGraph
Term = NamedNode | BlankNode | Literal | Triple


# The version of a store handed in by the caller (tests: an in-memory store), which never changes and
# which any other such store shares: nothing is memoised under it (PerVersion).
UNVERSIONED = "fixed"


class NoStoreError(RuntimeError):
    """There is no finished build to serve yet."""


@runtime_checkable
class GraphReader(Protocol):
    """Read access to one version of the graph."""

    @property
    def version(self) -> str:
        """The build id of what is read (``fixed`` for a store handed in by a test)."""
        ...

    def query(self, query: str, *, union_default_graph: bool = False,
              default_graph: Iterable[NamedNode] | None = None,
              named_graphs: Iterable[NamedNode] | None = None) -> Any:
        """A SPARQL query. ``union_default_graph``: the default graph is the union of all graphs;
        otherwise ``default_graph``/``named_graphs`` give the dataset (``None``: the store's own).
        Returns pyoxigraph's ``QuerySolutions`` / ``QueryTriples`` / ``QueryBoolean``."""
        ...

    def quads(self, subject: Subject | None = None, predicate: NamedNode | None = None,
              obj: Term | None = None, graph: GraphName | None = None) -> Iterator[Quad]:
        """The quads matching a pattern (``None``: any)."""
        ...

    def exists(self, subject: Subject | None = None, predicate: NamedNode | None = None,
               obj: Term | None = None, graph: GraphName | None = None) -> bool:
        """Whether any quad matches the pattern."""
        ...

    def dump(self, graph: NamedNode) -> bytes:
        """The triples of one named graph as N-Triples (bulk copies: validation's in-memory scope)."""
        ...

    def count(self, graph: NamedNode | None = None) -> int:
        """Triples of ``graph`` (of every named graph when ``None``)."""
        ...


class GraphSource(Protocol):
    """Hands out the reader of the version being served (it changes when a build is switched in)."""

    def reader(self) -> GraphReader:
        ...


class TimedEvaluator(Protocol):
    """Evaluates SPARQL requests with a time limit (the endpoint's executors)."""

    def version(self) -> str | None:
        """The build the next request will be evaluated on."""
        ...

    def run(self, job: Any, timeout: float) -> Any:
        """Evaluate ``job`` (web/sparql's Job) in at most ``timeout`` seconds; an Outcome either way."""
        ...

    def start(self) -> None:
        ...

    def prewarm(self) -> None:
        ...

    def close(self) -> None:
        ...


class BuildTarget(Protocol):
    """A build being written: quads go in, then it is flushed and optimised."""

    directory: Path

    def load(self, quads: Iterable[Quad]) -> None:
        """Bulk-load quads (the fast path of a fresh build)."""
        ...

    def reader(self) -> GraphReader:
        """Read what has been loaded so far (validation, derived stages)."""
        ...

    def flush(self) -> None:
        ...

    def optimize(self) -> None:
        """Compact what was loaded (after the last quad, before validation and the switch)."""
        ...

    def close(self) -> None:
        ...


class Publisher(Protocol):
    """Publishes builds: new build → load → finish → switch, and prunes old ones."""

    def new_build(self, build_id: str) -> BuildTarget:
        ...

    def finish(self, target: BuildTarget) -> Path:
        """Make the build complete (readers may open it from now on); returns its directory."""
        ...

    def switch(self, build: Path) -> None:
        """Point readers at ``build`` atomically."""
        ...

    def discard(self, target: BuildTarget, err: BaseException | None = None) -> None:
        """Remove a failed build; what is served is untouched."""
        ...

    def prune(self, keep: int) -> list[Path]:
        ...


class PerVersion:
    """Values computed from one build (counts, labels), dropped when the served version changes. Keyed
    by the version, never by the store object, so that an old build's handle is not kept alive here. A
    store of :data:`UNVERSIONED` is never memoised: two of them share that version."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._version: str | None = None
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, version: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        if version == UNVERSIONED:
            return compute()
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
