"""The production server (``culturegraph serve --production``): real worker processes on 127.0.0.1.

It serves the session's built store, follows a switch of ``current`` to a new build without a
restart, and stops cleanly on SIGTERM. The store home is private to this module: build A is the
session build (linked, read-only), build B a copy of it with one marker quad added, switched to with
the same ``StoreHome`` calls a rebuild makes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, Store

from culturegraph.config import Settings
from culturegraph.store.oxigraph.home import StoreHome

pytestmark = pytest.mark.slow

MARKER_GRAPH = "urn:test:serve:marker"
MARKER = "urn:test:serve:rebuilt"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ask(port: int, query: str, timeout: float = 10.0) -> tuple[bool, dict[str, str]]:
    url = f"http://127.0.0.1:{port}/sparql?query={urllib.parse.quote(query)}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.status == 200
        return json.loads(response.read())["boolean"], dict(response.headers)


HAS_MARKER = f"ASK {{ <{MARKER}> ?p ?o }}"
HAS_MUSEUMS = "ASK { ?m a <http://schema.org/Museum> }"


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def home(tmp_path: Path, settings: Settings, built) -> StoreHome:
    """A private store home whose first build is the session build (a symlink: nothing copied)."""
    session_build = StoreHome(settings.store_home).current_build()
    assert session_build is not None
    store_home = StoreHome(tmp_path / "home")
    store_home.builds.mkdir(parents=True)
    build_a = store_home.builds / "20000101T000000Z-aaaaaa"
    build_a.symlink_to(session_build, target_is_directory=True)
    store_home.switch(build_a)
    return store_home


@pytest.fixture
def server(home: StoreHome, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CULTUREGRAPH_STORE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "culturegraph.cli", "--store", str(home.path), "serve", "--production",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS),
         "--query-store", "disk"],  # the full build: see start_server in conftest.py
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                ask(port, "ASK {}", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"server not ready in 60 s:\n{(tmp_path / 'server.log').read_text()}")
                time.sleep(0.2)
        # One worker answering is not every worker started: Granian kills a worker still starting when a
        # signal comes once its grace period is over (10 s; seen once in CI, making the stop look slow).
        while (tmp_path / "server.log").read_text(errors="replace").count("Started worker-") < WORKERS:
            if time.monotonic() > deadline:
                pytest.fail(f"workers not started in 60 s:\n{(tmp_path / 'server.log').read_text()}")
            time.sleep(0.2)
        yield proc, port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def rebuild_with_marker(home: StoreHome) -> Path:
    """A new build: the current store copied, plus one marker quad; then ``current`` is switched."""
    current = home.current_build()
    assert current is not None
    partial = home.new_build("20000101T000001Z-bbbbbb")
    shutil.copytree(current / "store", partial / "store")
    store = Store(str(partial / "store"))
    store.add(Quad(NamedNode(MARKER), NamedNode("urn:test:serve:p"), NamedNode("urn:test:serve:o"),
                   NamedNode(MARKER_GRAPH)))
    store.flush()
    del store  # close RocksDB before the rename
    final = home.finish(partial)
    home.switch(final)
    return final


def test_production_server_runs_workers_and_answers_sparql(server) -> None:
    proc, port = server
    assert ask(port, HAS_MUSEUMS)[0] is True
    assert ask(port, HAS_MARKER)[0] is False
    # The production server, not Flask's: the CLI process is the master of WORKERS worker processes.
    assert len(children(proc.pid)) >= WORKERS


def test_new_build_is_served_without_restart(server, home: StoreHome) -> None:
    proc, port = server
    workers = sorted(children(proc.pid))
    for _ in range(4 * WORKERS):  # new connection each time: every worker opens build A
        assert ask(port, HAS_MARKER)[0] is False
    rebuild_with_marker(home)
    deadline = time.monotonic() + 20
    while not ask(port, HAS_MARKER)[0]:
        assert time.monotonic() < deadline, "the new build was not picked up within 20 s"
        time.sleep(0.2)
    time.sleep(1.5)  # past every worker's next check of `current`
    answers = [ask(port, HAS_MARKER)[0] for _ in range(8 * WORKERS)]
    assert all(answers), answers
    assert ask(port, HAS_MUSEUMS)[0] is True
    assert sorted(children(proc.pid)) == workers, "workers were restarted"
    assert proc.poll() is None


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("how", ["SIGTERM to the server", "SIGINT to the process group (Ctrl-C)"])
def test_signal_stops_server_and_workers_promptly(server, how: str) -> None:
    proc, port = server
    assert ask(port, HAS_MUSEUMS)[0] is True  # the workers have started their query executors
    workers = children(proc.pid)
    assert workers
    started = time.monotonic()
    if how.startswith("SIGTERM"):
        os.kill(proc.pid, signal.SIGTERM)
    else:  # what a terminal does: the master and every worker get SIGINT at once
        os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    # Graceful: well under the 10 s after which workers that refuse to stop are killed.
    assert time.monotonic() - started < 8
    deadline = time.monotonic() + 5
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        ask(port, "ASK {}", timeout=2)


def test_granian_gets_the_connection_limits_of_the_settings(monkeypatch, tmp_path) -> None:
    """The settings that keep a handful of clients from exhausting the server (docs/serving.md) reach
    Granian: its backpressure is the connection limit, its HTTP/1 header read timeout (which also closes
    idle keep-alive connections) the header timeout; HTTP/1 only, ASGI (the front reads bodies)."""
    import granian
    from granian.constants import HTTPModes, Interfaces

    from culturegraph.web import serve as serve_module

    given: dict = {}

    class Recorder:
        def __init__(self, target, **options) -> None:
            given.update(options, target=target)

        def serve(self) -> None:
            given["served"] = True

    monkeypatch.setattr(granian, "Granian", Recorder)
    monkeypatch.setattr(serve_module, "_interrupt_master_only", lambda: None)
    settings = Settings(store_home=tmp_path, max_connections=123, header_timeout_s=2.5)
    serve_module._serve_granian("127.0.0.1", 0, 2, settings)
    assert given["served"] and given["target"] == serve_module.ASGI_TARGET
    assert given["backpressure"] == 123 and given["interface"] == Interfaces.ASGI
    assert given["http"] == HTTPModes.http1 and given["workers"] == 2
    assert given["http1_settings"].header_read_timeout == 2500
    assert given["log_access"] is False


def test_the_open_file_limit_is_raised_for_the_connections(monkeypatch, capsys) -> None:
    """Hostile finding F6: max_connections x workers connections need as many file descriptors; the
    server raises its soft limit up to the hard one, and says so when the hard one is too low."""
    import resource

    from culturegraph.web import serve as serve_module

    limits = {"soft": 1024, "hard": 50_000}
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (limits["soft"], limits["hard"]))
    monkeypatch.setattr(resource, "setrlimit", lambda kind, pair: limits.update(soft=pair[0]))
    assert serve_module._open_files_for(20_000) == 20_000 + serve_module.SPARE_FILES == limits["soft"]
    assert capsys.readouterr().err == ""
    assert serve_module._open_files_for(100_000) == 50_000
    assert "open-file limit is 50,000" in capsys.readouterr().err
