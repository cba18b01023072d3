"""Accessors for what the app factory set up (Flask's ``get_db()`` pattern): the views call these,
never the factory module, so that no view module imports ``web/app.py`` (which imports them all)."""

from __future__ import annotations

from typing import Any, Protocol

from flask import current_app
from pyoxigraph import Store

from culturegraph.config import Settings
from culturegraph.datasets import Registry
from culturegraph.store.base import GraphReader

SETTINGS = "CULTUREGRAPH"
SOURCE = "culturegraph.store"
REGISTRY = "culturegraph.registry"
QUERY_UI = "culturegraph.query_ui"
# ((LiveGraph, refresh), …): graphs that change between builds (store/oxigraph/live.py); ``refresh()``
# brings a graph's file up to date and returns its version ("" when it has none), before each query.
LIVE_GRAPHS = "culturegraph.live_graphs"


class LiveRefresh(Protocol):
    """A live graph's refresh (web/remarks.LiveRemarks): ``refresh()`` as above; ``fresh()`` whether a
    call now would only return the version, touching nothing (what the event loop may ask)."""

    def __call__(self) -> str:
        ...

    def fresh(self) -> bool:
        ...


def settings() -> Settings:
    return current_app.config[SETTINGS]


def registry() -> Registry:
    """The datasets, discovered once by the app factory."""
    return current_app.extensions[REGISTRY]


def source() -> Any:
    """The graph source (``store/oxigraph/sources.py``): ``reader()``, ``get()``, ``evaluator()``."""
    return current_app.extensions[SOURCE]


def reader() -> GraphReader:
    """The reader of the build being served; its ``version`` keys the caches."""
    return source().reader()


def store() -> tuple[Store, str]:
    """The pyoxigraph store of the build being served and its version (the build id)."""
    return source().get()
