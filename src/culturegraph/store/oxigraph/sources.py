"""Where the web app reads the graph from (:class:`~culturegraph.store.base.GraphSource`), and how it
evaluates SPARQL there (:class:`~culturegraph.store.base.TimedEvaluator`).

- :class:`CurrentSource` follows the current build of a store home; its evaluator is the killable
  process pool (the children open the current build themselves).
- :class:`FixedSource` is a store handed in by the caller (tests: an in-memory store, version
  ``fixed``); its evaluator runs in this process, without an enforced time limit.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import Store

from culturegraph.store.base import UNVERSIONED
from culturegraph.store.oxigraph.executor import Env, InProcessExecutor, ProcessPoolExecutor
from culturegraph.store.oxigraph.home import CurrentStore, StoreHome
from culturegraph.store.oxigraph.reader import OxigraphReader


class CurrentSource(CurrentStore):
    """The current build of ``home``, reopened when a rebuild switches it."""

    def __init__(self, home: StoreHome, check_interval: float = 1.0) -> None:
        super().__init__(home, check_interval)

    def evaluator(self, env: Env, size: int) -> Any:
        return ProcessPoolExecutor(self.home.path, env, size=size)


class FixedSource:
    """A store given by the caller (tests: an in-memory store). Its version never changes."""

    def __init__(self, store: Store, version: str = UNVERSIONED) -> None:
        self.store, self.version = store, version

    def get(self) -> tuple[Store, str]:
        return self.store, self.version

    def reader(self) -> OxigraphReader:
        return OxigraphReader(self.store, self.version)

    def evaluator(self, env: Env, size: int) -> Any:
        return InProcessExecutor(self, env)
