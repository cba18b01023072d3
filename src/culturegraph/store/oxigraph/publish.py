"""Publishing builds into an Oxigraph store home (:class:`~culturegraph.store.base.Publisher`).

A build is written into ``builds/<id>.partial/store`` (RocksDB), renamed to ``builds/<id>`` when it is
complete, and switched in by replacing the ``current`` link (home.py). A failed build's directory is
removed; what is served is never touched.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pyoxigraph import Quad, Store

from culturegraph.store.base import BuildTarget
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.store.oxigraph.reader import OxigraphReader


class OxigraphTarget:
    """A build being written: any object with pyoxigraph's ``bulk_extend`` (a Store, or a bench's proxy)."""

    def __init__(self, store: Any, directory: Path | None = None) -> None:
        self.store = store
        self.directory = directory if directory is not None else Path()

    def load(self, quads: Iterable[Quad]) -> None:
        self.store.bulk_extend(quads)

    def reader(self) -> OxigraphReader:
        return OxigraphReader(self.store, "building")

    def flush(self) -> None:
        self.store.flush()

    def optimize(self) -> None:
        self.store.optimize()

    def close(self) -> None:
        # Close RocksDB (the last reference) before the directory is renamed or removed.
        self.store = None


class OxigraphPublisher:
    def __init__(self, home: StoreHome) -> None:
        self.home = home

    def new_build(self, build_id: str) -> OxigraphTarget:
        partial = self.home.new_build(build_id)
        return OxigraphTarget(Store(str(partial / "store")), partial)

    def finish(self, target: BuildTarget) -> Path:
        target.close()
        return self.home.finish(target.directory)

    def switch(self, build: Path) -> None:
        self.home.switch(build)

    def prune(self, keep: int) -> list[Path]:
        return self.home.prune(keep)

    def discard(self, target: BuildTarget, err: BaseException | None = None) -> None:
        """Remove a failed build's directory, even while frames of a traceback still hold the store."""
        target.close()
        partial = target.directory
        for _ in range(10):
            shutil.rmtree(partial, ignore_errors=True)
            if not partial.exists():
                return
            if err is not None:
                err.__traceback__ = None  # the traceback's frames may keep the store (and RocksDB) open
            gc.collect()
            time.sleep(0.1)
