"""Publishing to a remote store: builds are made and kept in the local store home exactly as for the
embedded store (validation, reports, provenance index, the failed-build guarantee), and switching one
in also replaces the remote dataset with it (Graph Store Protocol ``PUT /store``).

The PUT is the remote server's single request: ``oxigraph serve`` applies it as one replacement, and a
failed PUT leaves the remote dataset as it was and the build unswitched (the error names the request)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.store.oxigraph.publish import OxigraphPublisher
from culturegraph.store.remote.client import SparqlStoreClient


class RemotePublisher(OxigraphPublisher):
    def __init__(self, home: StoreHome, client: SparqlStoreClient, push_timeout_s: float = 600.0) -> None:
        super().__init__(home)
        self.client = client
        self.push_timeout_s = push_timeout_s

    def switch(self, build: Path) -> None:
        self.push(build)  # first: if the remote refuses it, the local current build stays the old one too
        super().switch(build)

    def push(self, build: Path) -> None:
        """Replace the remote dataset with ``build``'s quads."""
        store = Store.read_only(str(build / "store"))
        with tempfile.TemporaryDirectory(prefix="culturegraph-push-") as scratch:
            nquads = Path(scratch) / "build.nq"
            store.dump(str(nquads), format=RdfFormat.N_QUADS)
            del store
            self.client.replace_dataset(nquads, timeout=self.push_timeout_s)
