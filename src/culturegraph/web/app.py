"""The Flask application factory. Blueprints per concern: ``sparql`` (the protocol endpoint),
``resources`` (/id → 303 → /doc, content negotiation), ``pages`` (home, HTML views, static), ``catalogue``
(the DCAT-AP catalogue, dumps, VoID, changes). The factory
hands the registry (datasets, their panels and templates) and the graph source to the views through
``web/context.py``."""

from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from pyoxigraph import Store

from culturegraph.config import Settings, load_settings
from culturegraph.datasets import Registry, load_registry
from culturegraph.store import backends
from culturegraph.store.base import UNVERSIONED
from culturegraph.store.oxigraph.executor import Job
from culturegraph.store.oxigraph.sources import FixedSource
from culturegraph.web import annotations as annotation_protocol
from culturegraph.web import catalogue, context, http, i18n, links, ops, pages, resources, security, sparql
from culturegraph.web import curation as curation_views
from culturegraph.web import remarks as remark_views

FixedStore = FixedSource  # the name tests use for a store handed in


def create_app(settings: Settings | None = None, store: Store | None = None, version: str = UNVERSIONED,
               registry: Registry | None = None) -> Flask:
    """``store`` given: serve it as build ``version`` (tests; a build id of ``settings.store_home`` makes
    the pages find that build's provenance index). Otherwise follow the current build of
    ``settings.store_home``, opened read-only lazily in each worker process (so never before a fork)."""
    settings = settings or load_settings()
    registry = registry or load_registry(settings.datasets)
    app = Flask(__name__)
    app.config[context.SETTINGS] = settings
    app.extensions[context.REGISTRY] = registry
    app.extensions[context.SOURCE] = backends.source(settings, store, version)
    app.extensions[context.QUERY_UI] = pages.query_ui
    # The datasets' panel templates: "<dataset>/<file>" (DatasetSpec.templates).
    assert app.jinja_loader is not None
    folders = {name: FileSystemLoader(str(path)) for name, path in registry.template_folders().items()}
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader(folders)])  # type: ignore[assignment]
    http.init_app(app)  # CORS, gzip, Vary, plain-text 405: for every route
    i18n.init_app(app)  # the pages' language: switch, cookie, Accept-Language (issue 13)
    # /graph/remarques follows the published remarks between builds (issue 15): before the endpoint.
    live_remarks = remark_views.LiveRemarks(settings)
    app.extensions[context.LIVE_GRAPHS] = ((live_remarks.graph(), live_remarks),)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(catalogue.bp)  # /catalogue, /dumps, /.well-known/void, /changes
    app.register_blueprint(links.bp)  # /liens: the link report of the build (issue 12)
    remark_views.init_app(app)  # issue 15: the remarks' store, session and CSRF
    app.register_blueprint(remark_views.bp)
    app.register_blueprint(annotation_protocol.bp)
    app.register_blueprint(curation_views.bp)
    # GET/HEAD /sparql?query=… skip Flask (same parser, same answers): see sparql.FastPath.
    fast = sparql.FastPath(app.wsgi_app, app)
    app.extensions[sparql.FAST_PATH] = fast  # the front asks it which requests are cache hits
    app.wsgi_app = fast  # type: ignore[method-assign]
    _harden(app, settings)  # issue 9
    return app


def _harden(app: Flask, settings: Settings) -> None:
    """Issue 9: bad paths, untrusted Host and security headers (web/security.py); health, readiness,
    metrics and the access log (web/ops.py), around everything else."""
    operations = ops.Operations(lambda: _readiness(app))
    app.extensions["culturegraph.operations"] = operations
    guarded = security.Guard(app.wsgi_app, settings)
    app.wsgi_app = ops.Observe(guarded, operations, settings.access_log)  # type: ignore[method-assign]


def _readiness(app: Flask) -> str | None:
    """What keeps this worker from being ready (``None``: ready): a build, and executors that answer."""
    try:
        app.extensions[context.SOURCE].get()
    except Exception as err:  # no build yet, or it cannot be opened
        return f"no build can be opened ({type(err).__name__}: {err})"
    executor = app.extensions["culturegraph.sparql"].executor
    ready = getattr(executor, "ready", None)
    if callable(ready):
        return None if ready() else "the query executors are starting"
    executor.prewarm()
    outcome = executor.run(Job("ASK {}"), 2.0)
    if outcome.status != 200:
        return f"the query executors did not answer ASK {{}} ({outcome.status})"
    return None


def settings() -> Settings:
    return context.settings()


def store() -> tuple[Store, str]:
    return context.store()
