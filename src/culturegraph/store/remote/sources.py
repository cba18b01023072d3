"""The web app's :class:`~culturegraph.store.base.GraphSource` for a remote store."""

from __future__ import annotations

from typing import Any

from culturegraph.store.oxigraph.executor import Env
from culturegraph.store.remote.evaluator import RemoteEvaluator
from culturegraph.store.remote.reader import RemoteReader


class RemoteSource:
    """The remote store as the pages and ``/sparql`` see it (its version follows the builds pushed to it)."""

    def __init__(self, reader: RemoteReader) -> None:
        self._reader = reader

    def reader(self) -> RemoteReader:
        self._reader.version  # noqa: B018 (raises NoStoreError while the remote store holds no build)
        return self._reader

    def get(self) -> tuple[Any, str]:
        """What readiness checks: the remote reader and the build it holds."""
        return self._reader, self._reader.version

    def evaluator(self, env: Env, size: int) -> RemoteEvaluator:
        return RemoteEvaluator(self._reader, env)
