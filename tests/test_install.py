"""Installable as a package: ``pip install .`` (not editable) into a fresh place, then ``culturegraph build``
and ``culturegraph serve`` work from another directory, reading the data, ontology, queries, field maps
and tables the wheel carries (culturegraph/shipped/, the dataset packages' files).

No network: ``pip install --no-deps --no-build-isolation --target DIR`` builds the wheel with the
setuptools and wheel of the test environment, and the dependencies are the environment's own.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from culturegraph.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

SKIP = shutil.ignore_patterns(".venv", "var", "build", ".git", "artifacts", "__pycache__", "*.egg-info",
                              ".ruff_cache", ".mypy_cache", ".pytest_cache")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=SKIP)  # pip builds in the tree: never in the checkout
    site = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(site), str(source)], check=True, timeout=600,
                   capture_output=True)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTUREGRAPH_")}
    env.update(PYTHONPATH=str(site), HOME=str(root / "home"), XDG_DATA_HOME="")
    return {"site": site, "cwd": elsewhere, "env": env, "root": root}


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


def test_build_and_serve_from_another_directory(installed) -> None:
    built = run(installed, "-m", "culturegraph", "build", "--no-progress")
    assert built.returncode == 0, built.stderr[-2000:]
    assert "SHACL: 0 violations" in built.stdout
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
