"""The Flask application factory. Blueprints per concern: ``sparql`` (the protocol endpoint),
``resources`` (/id → 303 → /doc, content negotiation), ``pages`` (home, HTML views, static)."""

from __future__ import annotations

from flask import Flask, current_app
from pyoxigraph import Store

from culturegraph.config import Settings, load_settings
from culturegraph.graph.store import CurrentStore, StoreHome


class FixedStore:
    """A store given by the caller (tests: an in-memory store). Its version never changes."""

    def __init__(self, store: Store, version: str = "fixed") -> None:
        self.store, self.version = store, version

    def get(self) -> tuple[Store, str]:
        return self.store, self.version


def create_app(settings: Settings | None = None, store: Store | None = None, version: str = "fixed") -> Flask:
    """``store`` given: serve it as build ``version`` (tests; a build id of ``settings.store_home`` makes
    the pages find that build's provenance index). Otherwise follow the current build of
    ``settings.store_home``, opened read-only lazily in each worker process (so never before a fork)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["CULTUREGRAPH"] = settings
    app.extensions["culturegraph.store"] = (
        FixedStore(store, version) if store is not None else CurrentStore(StoreHome(settings.store_home))
    )
    from culturegraph.web import http, pages, resources, sparql

    http.init_app(app)  # CORS, gzip, Vary, plain-text 405: for every route
    app.register_blueprint(sparql.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(pages.bp)
    # GET/HEAD /sparql?query=… skip Flask (same parser, same answers): see sparql.FastPath.
    app.wsgi_app = sparql.FastPath(app.wsgi_app, app)  # type: ignore[method-assign]
    return app


def settings() -> Settings:
    return current_app.config["CULTUREGRAPH"]


def store() -> tuple[Store, str]:
    """The store of the current build and its version (the build id): cache keys use it."""
    return current_app.extensions["culturegraph.store"].get()
