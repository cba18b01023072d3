"""Shared web fixtures: apps on in-memory stores, generated store homes, and REAL servers on 127.0.0.1.

* ``kasei_store`` / ``kasei_client``: the three one-triple graphs of the W3C protocol tests
  (``<…/dataN.rdf> a foaf:Document`` in the named graph ``<…/dataN.rdf>``), served by the Flask test
  client (queries evaluated in-process).
* ``small_home``: a session store home with 20k generated triples in three named graphs (enough for a
  cross product that never ends), made with ``make_home`` and ``generated_quads`` (tests/conftest.py).
* ``live_server(store_home, **options)``: the production server (``culturegraph serve --production``,
  started in a subprocess on a free port, its own session), ready when it answers; stopped (SIGTERM to
  its process group, then SIGKILL) at the end of the session. Servers are shared per (home, options).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, Quad, Store

from culturegraph.config import Settings, load_settings
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.web.app import create_app

KASEI = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF_DOCUMENT = NamedNode("http://xmlns.com/foaf/0.1/Document")


def kasei_quads() -> list[Quad]:
    return [Quad(NamedNode(KASEI.format(i)), RDF_TYPE, FOAF_DOCUMENT, NamedNode(KASEI.format(i)))
            for i in (1, 2, 3)]


def web_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings with a private (empty) store home and the default base IRI."""
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    return load_settings(store_home=tmp / "no-store-home", **overrides)


@pytest.fixture
def kasei_store() -> Store:
    store = Store()
    store.extend(kasei_quads())
    return store


@pytest.fixture
def kasei_app(tmp_path: Path, kasei_store: Store) -> Flask:
    return create_app(web_settings(tmp_path), store=kasei_store)


@pytest.fixture
def kasei_client(kasei_app: Flask) -> FlaskClient:
    return kasei_app.test_client()


# store homes ----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def small_home(tmp_path_factory: pytest.TempPathFactory, make_home, generated_quads) -> StoreHome:
    """A session store home with 20,000 generated triples (2,000 subjects, three named graphs)."""
    return make_home(tmp_path_factory.mktemp("small-home") / "home", generated_quads(2000))


@pytest.fixture(name="web_settings")
def web_settings_fixture(tmp_path: Path) -> Callable[..., Settings]:
    """``web_settings(**overrides)``: settings with an empty private store home."""
    return lambda **overrides: web_settings(tmp_path, **overrides)


# live servers ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A production server process serving ``home`` at ``url`` (``http://127.0.0.1:PORT``)."""

    home: Path
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    options: dict[str, object] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            # Our own process group (start_new_session): the server, its workers, their executors.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # anything the group left behind
            os.killpg(self.process.pid, signal.SIGKILL)


def start_server(home: Path, log_path: Path, *, timeout: float | None = None, workers: int = 2,
                 base_iri: str | None = None, query_store: str | None = None,
                 extra_env: dict[str, str] | None = None, ready_timeout: float = 90.0,
                 port: int | None = None) -> LiveServer:
    """Start ``culturegraph serve --production`` on a free port and wait until it answers HTTP.

    Servers of the session's full build are started with ``query_store="disk"``: each executor would
    copy its 1.2 million triples into memory in the background (~15 s of CPU each, slowing every other
    test on a 2-core runner). The in-memory replica is tested on small homes (tests/graph/test_replica.py,
    test_sparql_clients.py). ``port``: one chosen beforehand (for a store whose base IRI names it)."""
    port = port or free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    for name in ("CULTUREGRAPH_STORE", "CULTUREGRAPH_QUERY_TIMEOUT", "CULTUREGRAPH_BASE_IRI",
                 "CULTUREGRAPH_QUERY_EXECUTORS", "CULTUREGRAPH_QUERY_STORE"):
        env.pop(name, None)
    command = [sys.executable, "-m", "culturegraph.cli", "--store", str(home)]
    if base_iri:
        command += ["--base-iri", base_iri]
    command += ["serve", "--production", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers)]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    if query_store is not None:
        command += ["--query-store", query_store]
    log = log_path.open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    log.close()
    server = LiveServer(home, port, process, log_path, {"timeout": timeout, "workers": workers})
    deadline = time.monotonic() + ready_timeout
    while True:
        if not server.alive():
            raise RuntimeError(f"the server exited with {process.returncode}:\n{server.log()}")
        try:
            # Any HTTP answer means the server is up; a SPARQL query also starts the executors.
            with urllib.request.urlopen(f"{server.sparql}?query=ASK%7B%7D", timeout=10) as response:
                response.read()
            break
        except urllib.error.HTTPError:
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"no answer within {ready_timeout:g} s:\n{server.log()}") from None
            time.sleep(0.2)
    return server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """``live_server(store_home, timeout=None, workers=2, base_iri=None, query_store=None, extra_env=None,
    port=None)``
    → a running :class:`LiveServer` (``.url``, ``.sparql``, ``.log()``); one per distinct arguments per
    session."""
    servers: dict[tuple[object, ...], LiveServer] = {}
    logs = tmp_path_factory.mktemp("live-servers")

    def get(store_home: Path | StoreHome, **options: object) -> LiveServer:
        home = Path(store_home.path if isinstance(store_home, StoreHome) else store_home)
        key = (str(home), repr(sorted(options.items())))  # repr: extra_env is a dict
        server = servers.get(key)
        if server is None or not server.alive():
            server = start_server(home, logs / f"server-{len(servers)}.log", **options)  # type: ignore[arg-type]
            servers[key] = server
        return server

    yield get
    for server in servers.values():
        server.stop()
