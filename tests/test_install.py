"""Installable as a package: ``pip install .`` (not editable) into a fresh place, then ``culturegraph build``
and ``culturegraph serve`` work from another directory, reading the data, ontology, queries, field maps
and tables the wheel carries (culturegraph/shipped/, the dataset packages' files).

No network: ``pip install --no-deps --no-build-isolation --target DIR`` builds the wheel with the
setuptools and wheel of the test environment, and the dependencies are the environment's own. The
install and its build are tests/conftest.py's (``install_package``, ``installed_build``): when the whole
suite runs, the build starts at collection and runs beside the other tests.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from culturegraph.config import PROJECT_ROOT

pytestmark = pytest.mark.slow



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(installed_package: dict[str, object]) -> dict[str, object]:
    """``pip install .`` into a fresh place (tests/conftest.py ``install_package``): when the whole suite
    runs, done at collection and its build already running."""
    return installed_package


def run(installed: dict[str, object], *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=installed["cwd"], env=installed["env"],  # type: ignore[arg-type]
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_the_installed_package_is_the_one_imported(installed) -> None:
    result = run(installed, "-c", "import culturegraph, culturegraph.config as c; "
                                  "print(culturegraph.__file__); print(c.PROJECT_ROOT); print(c.IN_CHECKOUT)")
    file, root, in_checkout = result.stdout.split()
    assert Path(file).is_relative_to(installed["site"]) and in_checkout == "False"
    assert (Path(root) / "ontology" / "culturegraph.ttl").is_file()
    shipped = sorted(p.name for p in (PROJECT_ROOT / "data" / "sources").iterdir() if p.is_dir())
    assert sorted(p.name for p in (Path(root) / "data" / "sources").iterdir()) == shipped


def test_build_and_serve_from_another_directory(installed, installed_build: tuple[int, str]) -> None:
    returncode, output = installed_build
    assert returncode == 0, output[-2000:]
    assert "SHACL: 0 violations" in output
    store = Path(str(installed["root"])) / "home" / ".local" / "share" / "culturegraph" / "graph"
    assert (store / "current").is_symlink()
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "culturegraph", "serve", "--port", str(port)],
                              cwd=installed["cwd"], env=installed["env"],  # type: ignore[arg-type]
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/", timeout=5) as response:
                    home = response.read().decode("utf-8")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert "triplets en tout" in home
        request = urllib.request.Request(f"{base}/id/musee/M0963", headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert b"schema:Museum" in response.read()
        request = urllib.request.Request(f"{base}/sparql", headers={"Accept": "text/html"})
        with urllib.request.urlopen(request, timeout=30) as response:
            ui = response.read().decode("utf-8")  # the query UI, with the shipped example queries
        assert "01-frequentation-musee" in ui
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
