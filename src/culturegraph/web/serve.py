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
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Literal

from culturegraph.config import Settings

Server = Literal["granian", "gunicorn"]
DEFAULT_SERVER: Server = "granian"
WSGI_TARGET = "culturegraph.web.wsgi:app"
# Granian serves the ASGI front of the same app (web/front.py): body and send deadlines, thread pools.
ASGI_TARGET = "culturegraph.web.wsgi:asgi"
# gunicorn's threads per worker (Granian's are Settings.page_threads + query_threads).
THREADS_PER_WORKER = 4
# Seconds a worker gets to finish its requests when the server stops or restarts it.
KILL_TIMEOUT_S = 10


def environment(settings: Settings) -> dict[str, str]:
    """The ``CULTUREGRAPH_*`` variables that rebuild ``settings`` in a worker (``load_settings``)."""
    from culturegraph.config import CONNECTION_LIMITS

    return {
        "CULTUREGRAPH_HOME": str(settings.project_root),
        "CULTUREGRAPH_STORE": str(settings.store_home),
        "CULTUREGRAPH_BASE_IRI": settings.base_iri,
        "CULTUREGRAPH_QUERY_TIMEOUT": repr(float(settings.query_timeout_s)),
        "CULTUREGRAPH_QUERY_EXECUTORS": str(settings.query_executors),
        "CULTUREGRAPH_QUERY_STORE": settings.query_store,
        "CULTUREGRAPH_STORE_URL": settings.store_url,
        # issue 9, connections
        **{variable: str(getattr(settings, name)) for name, variable, _, _ in CONNECTION_LIMITS},
        "CULTUREGRAPH_ALLOWED_HOSTS": ",".join(settings.allowed_hosts),
        "CULTUREGRAPH_ACCESS_LOG": "on" if settings.access_log else "off",
        # issue 15, remarks
        "CULTUREGRAPH_REMARKS": str(settings.remarks_dir),
        "CULTUREGRAPH_REMARKS_PER_WINDOW": str(settings.remarks_per_window),
        "CULTUREGRAPH_REMARKS_WINDOW_S": str(settings.remarks_window_s),
        "CULTUREGRAPH_REMARK_MAX_CHARS": str(settings.remark_max_chars),
        **({"CULTUREGRAPH_CORRECTIONS": str(settings.corrections_home)} if settings.corrections_home else {}),
    }


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, production: bool = False,
          workers: int = 2, server: Server = DEFAULT_SERVER, access_log: bool | None = None) -> None:
    """Serve the current build of ``settings.store_home`` until interrupted.

    ``access_log``: one line per request on stderr (web/ops.py); ``None``: ``settings.access_log`` (on).
    Errors and the server's own events are always logged.
    """
    if access_log is not None:
        settings = settings.with_(access_log=access_log)
    if not production:
        from culturegraph.web.app import create_app

        # Threaded, so that a slow query does not block the pages; one process, no reloader (it would
        # import the app twice).
        create_app(settings).run(host=host, port=port, threaded=True, use_reloader=False)
        return
    if workers < 1:
        raise ValueError(f"workers must be ≥ 1, not {workers}")
    os.environ.update(environment(settings))
    metrics_dir = _metrics_directory()
    try:
        if server == "granian":
            _serve_granian(host, port, workers, settings)
        elif server == "gunicorn":
            _serve_gunicorn(host, port, workers, settings.query_timeout_s, settings.access_log)
        else:
            raise ValueError(f"unknown server {server!r}")
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_directory() -> str | None:
    """``PROMETHEUS_MULTIPROC_DIR`` for the workers' metrics (web/ops.py), set before they start: a fresh
    directory of ours (removed at exit, returned), or the caller's (emptied of old values' files)."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for old in Path(given).glob("*.db"):
            old.unlink(missing_ok=True)
        return None
    directory = tempfile.mkdtemp(prefix="culturegraph-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    return directory


# File descriptors a worker needs beside its connections (the store, executors' pipes, logs, sockets).
SPARE_FILES = 1024


def _open_files_for(connections: int) -> int:
    """Raise this process's open-file limit (the workers inherit it) to what ``connections`` need, up to
    the hard limit; say so on stderr when the hard limit is lower (connections past it are refused by
    the kernel, not queued). Returns the soft limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if hard != resource.RLIM_INFINITY and wanted > hard:
        print(f"culturegraph serve: max_connections x workers = {connections:,} open connections, but the "
              f"open-file limit is {hard:,}: raise it (ulimit -n, LimitNOFILE=) or lower "
              f"CULTUREGRAPH_MAX_CONNECTIONS", file=sys.stderr)
        wanted = hard
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        return wanted
    return soft


def _serve_granian(host: str, port: int, workers: int, settings: Settings) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    _interrupt_master_only()
    _open_files_for(workers * settings.max_connections)
    Granian(
        ASGI_TARGET,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        # HTTP/1.1 only: the header read timeout below is HTTP/1's (a proxy in front speaks HTTP/1.1).
        http=HTTPModes.http1,
        workers=workers,
        # Open connections per worker (Granian holds one slot per connection, idle ones included).
        backpressure=settings.max_connections,
        # Whole headers within this time, and idle keep-alive connections closed after it (both: hyper).
        http1_settings=HTTP1Settings(header_read_timeout=max(1, round(settings.header_timeout_s * 1000))),
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=KILL_TIMEOUT_S,
        log_access=False,  # web/ops.py writes the access log (route, status, query time and hash)
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
