"""Live graphs: named graphs that change between builds, replaced in the store a query is evaluated on.

A build is immutable, but a few graphs follow a state kept outside it: ``/graph/remarques``, the remarks
curators publish (issue 15), must change when a curator publishes or withdraws one, not at the next
build. Such a graph is declared as a :class:`LiveGraph`: its IRI and an N-Triples file that its writer
(the web layer) replaces atomically (``os.replace``) whenever it changes. Before each query, an
executor holding an **in-memory** store (its replica of the build, or a fixed store of the tests)
compares the file's identity (inode, size, mtime) with the one it last applied and, if it changed,
replaces the graph's triples with the file's (:meth:`LiveGraphs.apply`): one ``stat`` per query when
nothing changed, a load of the file when it did (a few hundred remarks: well under a millisecond of
parsing each). A store opened read-only on disk cannot be written: it answers from the build's own
snapshot of the graph until its replica is ready (docs/remarks.md says so).

Each process applies the files to its own store: an executor forked from the zygote starts from the
build's snapshot and applies the current file at its first query.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse


@dataclass(frozen=True)
class LiveGraph:
    graph: str  # the named graph's IRI
    path: str  # its N-Triples file, replaced atomically by its writer


class LiveGraphs:
    """The live graphs of one store in one process, and which version of each file it holds."""

    def __init__(self, graphs: tuple[LiveGraph, ...]) -> None:
        self.graphs = graphs
        self._applied: dict[str, tuple[object, ...]] = {}
        self._refused: set[object] = set()

    def apply(self, store: Store, key: object) -> int:
        """Bring ``store`` (``key``: which store it is, e.g. its build) up to date with the files; returns
        how many graphs were replaced. A file that does not exist leaves the store's graph as it is."""
        replaced = 0
        if key in self._refused:
            return 0
        for live in self.graphs:
            try:
                st = os.stat(live.path)
            except OSError:
                continue
            signature = (key, st.st_ino, st.st_size, st.st_mtime_ns)
            if self._applied.get(live.graph) == signature:
                continue
            graph = NamedNode(live.graph)
            try:
                with open(live.path, "rb") as file:
                    triples = list(parse(file.read(), format=RdfFormat.N_TRIPLES))
                store.remove_graph(graph)
                store.extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            except (OSError, RuntimeError) as err:  # a store opened read-only keeps the build's snapshot
                self._refused.add(key)
                print(f"live graph {live.graph}: the store cannot be written ({err}); the build's snapshot"
                      " is served", file=sys.stderr)
                return replaced
            except SyntaxError as err:  # a damaged file: keep what the store has, say so once per version
                self._applied[live.graph] = signature
                print(f"live graph {live.graph}: {live.path} is not valid N-Triples ({err}); not applied",
                      file=sys.stderr)
                continue
            self._applied[live.graph] = signature
            replaced += 1
        return replaced
