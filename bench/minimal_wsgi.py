"""The floor of a pyoxigraph server in Python: the endpoint benchmark's ``minimal`` server.

A plain WSGI function under Granian (same workers and threads as ours) that parses ``?query=``,
evaluates it with pyoxigraph in the worker — no Flask, no negotiation, no executor process, no time
limit, no cache — and answers SPARQL JSON. Whatever ours loses to oxigraph beyond what this loses is
our app's cost; what this loses is the cost of pyoxigraph in a Python process behind a Python WSGI
server. Not a product: it has no time limit and answers errors with a traceback.

    granian --interface wsgi --workers 2 --blocking-threads 4 bench.minimal_wsgi:app   (CULTUREGRAPH_STORE)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from pyoxigraph import QueryResultsFormat, Store

from culturegraph.store.oxigraph.home import StoreHome

_store: Store | None = None
_lock = threading.Lock()


def store() -> Store:
    global _store
    with _lock:
        if _store is None:  # opened after the fork, in each worker
            build = StoreHome(Path(os.environ["CULTUREGRAPH_STORE"])).current_build()
            assert build is not None, "no build: run culturegraph build"
            _store = Store.read_only(str(build / "store"))
        return _store


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    query = parse_qs(environ.get("QUERY_STRING", "")).get("query", ["ASK {}"])[0]
    body = store().query(query, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(body or b"")))])
    return [body or b""]
