"""``culturegraph serve``: Flask's development server, or the production WSGI server.

Production runs Granian (a maintained Rust HTTP server with a WSGI interface, PyPI ``granian``) with
several worker processes. Why Granian and not gunicorn: docs/serving.md (measured: bench/README.md).
gunicorn stays available as ``server="gunicorn"`` (it is what the figures compare against).

Each worker imports :mod:`culturegraph.web.wsgi` after the fork (there is no preloading), so each one
builds its own app and opens its own read-only store handle. The settings reach the workers through
the environment (:func:`environment`). A rebuild needs no restart: each worker (``CurrentStore``) and
each of its query executors re-read the ``current`` link and reopen the new build.

Stopping: SIGINT (Ctrl-C) or SIGTERM stop the workers gracefully (in-flight requests finish, at most
``KILL_TIMEOUT_S`` seconds) and the command exits; SIGHUP restarts the workers one after another.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Literal

from culturegraph.config import Settings

Server = Literal["granian", "gunicorn"]
DEFAULT_SERVER: Server = "granian"
WSGI_TARGET = "culturegraph.web.wsgi:app"
# Python threads per worker: enough to keep the worker's query executors busy while other threads
# answer cache hits and pages; more threads only add GIL contention on 2 cores.
THREADS_PER_WORKER = 4
# Seconds a worker gets to finish its requests when the server stops or restarts it.
KILL_TIMEOUT_S = 10


def environment(settings: Settings) -> dict[str, str]:
    """The ``CULTUREGRAPH_*`` variables that rebuild ``settings`` in a worker (``load_settings``)."""
    return {
        "CULTUREGRAPH_HOME": str(settings.project_root),
        "CULTUREGRAPH_STORE": str(settings.store_home),
        "CULTUREGRAPH_BASE_IRI": settings.base_iri,
        "CULTUREGRAPH_QUERY_TIMEOUT": repr(float(settings.query_timeout_s)),
        "CULTUREGRAPH_QUERY_EXECUTORS": str(settings.query_executors),
        "CULTUREGRAPH_QUERY_STORE": settings.query_store,
    }


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, production: bool = False,
          workers: int = 2, server: Server = DEFAULT_SERVER, access_log: bool = False) -> None:
    """Serve the current build of ``settings.store_home`` until interrupted.

    ``access_log``: one line per request on stderr (production). Off by default: it is written by
    Python in the workers and cost 30-45 % of the throughput of a lean app (docs/serving.md); the reverse
    proxy in front usually keeps the access log. Errors and the server's own events are always logged.
    """
    if not production:
        from culturegraph.web.app import create_app

        # Threaded, so that a slow query does not block the pages; one process, no reloader (it would
        # import the app twice).
        create_app(settings).run(host=host, port=port, threaded=True, use_reloader=False)
        return
    if workers < 1:
        raise ValueError(f"workers must be ≥ 1, not {workers}")
    os.environ.update(environment(settings))
    if server == "granian":
        _serve_granian(host, port, workers, access_log)
    elif server == "gunicorn":
        _serve_gunicorn(host, port, workers, settings.query_timeout_s, access_log)
    else:
        raise ValueError(f"unknown server {server!r}")


def _serve_granian(host: str, port: int, workers: int, access_log: bool) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    _interrupt_master_only()
    Granian(
        WSGI_TARGET,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=THREADS_PER_WORKER,
        # Requests beyond what the threads can take wait in the Rust runtime, not in Python.
        backpressure=THREADS_PER_WORKER,
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=KILL_TIMEOUT_S,
        log_access=access_log,
        log_access_format='%(addr)s - "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms',
    ).serve()


def _serve_gunicorn(host: str, port: int, workers: int, query_timeout_s: float, access_log: bool) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": THREADS_PER_WORKER,
                # A worker silent for longer than the query limit (plus a margin) is killed.
                "timeout": int(query_timeout_s) + 30,
                "graceful_timeout": KILL_TIMEOUT_S,
                "accesslog": "-" if access_log else None,
                "preload_app": False,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> object:
            # Runs in each worker after the fork.
            from culturegraph.web.wsgi import app

            return app

    Application().run()


def _interrupt_master_only() -> None:
    """Ctrl-C reaches the whole process group: make it reach only the master, as a SIGTERM.

    Granian's workers hang when they get SIGINT at the same time as the master, which then stops them
    (they are SIGKILLed after ``KILL_TIMEOUT_S``; measured with granian 2.8.9, see docs/serving.md).
    So SIGINT is blocked before the workers are forked (they inherit the mask: it stays pending
    there), and a thread of the master waits for it and turns it into a SIGTERM to the master, which
    stops the workers gracefully. SIGTERM itself is not touched.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def forward() -> None:
        signal.sigwait({signal.SIGINT})
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=forward, name="sigint-to-sigterm", daemon=True).start()
