"""Which store the graph is published to and read from, chosen by one setting (``store_url``):

- empty (the default): the embedded Oxigraph store under ``store_home`` (``oxigraph/``);
- an ``http(s)`` URL: a remote SPARQL store at that root (``remote/``; ``oxigraph serve`` is the one tested),
  with the builds still made and kept in ``store_home``.

The pipeline, validation, the CLI and the web app ask this module, never a backend's module, for a
publisher, a graph source or a reader (the seam of ``base.py``)."""

from __future__ import annotations

from typing import Any

from culturegraph.config import Settings
from culturegraph.store.base import UNVERSIONED, GraphReader, GraphSource, Publisher
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.store.oxigraph.publish import OxigraphPublisher
from culturegraph.store.oxigraph.reader import OxigraphReader
from culturegraph.store.oxigraph.sources import CurrentSource, FixedSource
from culturegraph.store.remote.client import SparqlStoreClient
from culturegraph.store.remote.publish import RemotePublisher
from culturegraph.store.remote.reader import RemoteReader
from culturegraph.store.remote.sources import RemoteSource


def _client(settings: Settings) -> SparqlStoreClient:
    return SparqlStoreClient(settings.store_url, timeout_s=settings.query_timeout_s,
                             user_agent=f"culturegraph ({settings.base_iri})")


def publisher(settings: Settings) -> Publisher:
    """Where ``culturegraph build`` publishes."""
    home = StoreHome(settings.store_home)
    if not settings.store_url:
        return OxigraphPublisher(home)
    return RemotePublisher(home, _client(settings))


def source(settings: Settings, store: Any = None, version: str = UNVERSIONED) -> GraphSource:
    """What the web app reads: ``store`` given (tests), that pyoxigraph store as build ``version``."""
    if store is not None:
        return FixedSource(store, version)
    if not settings.store_url:
        return CurrentSource(StoreHome(settings.store_home))
    return RemoteSource(RemoteReader(_client(settings), settings.base_iri))


def reader_of(store: Any, version: str = UNVERSIONED) -> GraphReader:
    """``store`` if it is a GraphReader already, else a reader over that pyoxigraph ``Store``."""
    return OxigraphReader.of(store, version)
