"""Comunica's link traversal (the npm CLI, issue 13) following links from a museum's IRI on a REAL server.

``comunica-sparql-link-traversal <museum IRI> '<query>'``, with no other flag, against the production
server (Granian, tests/web/conftest.py ``live_server``) on 127.0.0.1. The CLI is installed by
``.ci/comunica.sh`` (``make test``) into tests/artifacts/node/ at the versions of
.ci/comunica/package-lock.json.

Link traversal dereferences the IRIs it meets, so they must name this server: the session's build mints
them under the default base (``https://culturegraph.example/``), which no test may reach. The served store
is that build's whole-graph dump (``dumps/culturegraph.nq.gz``) with the base rewritten to
``http://127.0.0.1:PORT/`` — the textual rebase that ``Settings.rebase`` applies to shipped files — and the
server gets the same ``--base-iri``. A second build at that base would take minutes; the dump is the same
quads (tests/catalogue checks it against the served graph).

What the query may not do: bind an external IRI. Comunica's default strategy follows every IRI of a triple
that matches a pattern of the query (``sdmx-dimension:refPeriod`` gives reference.data.gov.uk years,
``schema:sameAs`` Wikidata), and without ``--lenient`` one failed fetch ends the query with an error.
So the year is read from the observation's IRI here, not from its ``refPeriod``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from culturegraph.config import DEFAULT_BASE_IRI, PROJECT_ROOT

pytestmark = pytest.mark.slow

NODE = PROJECT_ROOT / "tests" / "artifacts" / "node"
CLI = NODE / "node_modules" / ".bin" / "comunica-sparql-link-traversal"
FAILED = NODE / "INSTALL-FAILED"  # written by .ci/comunica.sh with npm's last lines
MUSEUM = "id/musee/M0963"  # musée de Brou, Bourg-en-Bresse (Ain): one Patrimostat site, 2001–2023


def comunica() -> Path:
    if CLI.exists():
        return CLI
    if FAILED.exists():
        reason = FAILED.read_text(encoding="utf-8")[-400:]
        pytest.skip(f"npm could not install Comunica (.ci/comunica.sh): {reason}")
    if os.environ.get("CI"):
        pytest.fail(f"{CLI} is missing: make test runs .ci/comunica.sh before the tests")
    pytest.skip(f"Comunica is not installed: run `bash .ci/comunica.sh` (make test does) to get {CLI}")


def chosen_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(settings, built, live_server, tmp_path_factory):
    """The production server on 127.0.0.1:PORT serving the session's build rebased to that address."""
    from pyoxigraph import RdfFormat, Store

    from culturegraph.catalogue.dumps import WHOLE, dumps_dir
    from culturegraph.store.oxigraph.home import StoreHome

    comunica()  # skip before the minute of loading when there is nothing to run
    port = chosen_port()
    base = f"http://127.0.0.1:{port}/"
    build = StoreHome(settings.store_home).current_build()
    assert build is not None
    dump = dumps_dir(build) / f"{WHOLE}.nq.gz"
    tmp = tmp_path_factory.mktemp("comunica")
    rebased = tmp / "rebased.nq"
    old, new = DEFAULT_BASE_IRI.encode(), base.encode()
    with gzip.open(dump, "rb") as source, rebased.open("wb") as out:
        for line in source:
            out.write(line.replace(old, new))
    home = StoreHome(tmp / "home")
    partial = home.new_build("20000101T000000Z-comunica")
    store = Store(str(partial / "store"))
    store.bulk_load(path=str(rebased), format=RdfFormat.N_QUADS)
    store.flush()
    del store  # close RocksDB before the rename
    home.switch(home.finish(partial))
    rebased.unlink()
    return live_server(home.path, base_iri=base, query_store="disk", port=port)


def run_comunica(seed: str, query: str) -> list[dict[str, str]]:
    """The CLI as a person types it: the seed IRI and the query, nothing else."""
    started = time.monotonic()
    done = subprocess.run([str(comunica()), seed, query], capture_output=True, text=True, timeout=300,
                          cwd=NODE, env={**os.environ, "NODE_NO_WARNINGS": "1"})
    assert done.returncode == 0, f"comunica exited {done.returncode}:\n{done.stderr[-3000:]}"
    print(f"comunica: {time.monotonic() - started:.1f} s")
    return json.loads(done.stdout)


def endpoint(server, query: str) -> list[dict[str, dict[str, str]]]:
    request = urllib.request.Request(server.sparql, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["results"]["bindings"]


def fetched(server) -> set[str]:
    """The document paths the server answered 200 (its access log)."""
    return set(re.findall(r"GET (/doc/\S+) route=doc status=200", server.log()))


def test_comunica_follows_links_from_a_museum_iri(server) -> None:
    base = f"{server.url}/"
    museum = base + MUSEUM
    patterns = f"""
        <{museum}> schema:name ?name ; schema:containedInPlace ?commune .
        ?commune igeo:nom ?communeName ; igeo:subdivisionDirecteDe ?departement .
        ?departement igeo:nom ?departementName .
        ?site dcterms:isPartOf <{museum}> .
        ?obs kgo:site ?site ; kgo:categoriePublic <{base}def/categorie-public/total> ;
             kgo:nombreEntrees ?visitors .
    """
    prefixes = f"""PREFIX schema: <http://schema.org/>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX igeo: <http://rdf.insee.fr/def/geo#>
        PREFIX kgo: <{base}def/culture/>
    """
    select = "SELECT ?name ?communeName ?departementName ?obs ?visitors WHERE {"
    rows = run_comunica(museum, f"{prefixes}{select}{patterns}}}")

    assert rows, "Comunica found nothing"
    assert {(r["name"], r["communeName"], r["departementName"]) for r in rows} == {
        ('"musée de Brou"@fr', '"Bourg-en-Bresse"@fr', '"Ain"@fr')}
    integer = "^^http://www.w3.org/2001/XMLSchema#integer"
    found = {(r["obs"], int(r["visitors"].removesuffix(integer).strip('"'))) for r in rows}
    # The same patterns on the server's own endpoint: the store's answer is the truth.
    expected = {(b["obs"]["value"], int(b["visitors"]["value"]))
                for b in endpoint(server, f"{prefixes}{select}{patterns}}}")}
    assert found == expected
    years = {int(re.search(r"/annee/(\d{4})/", obs).group(1)) for obs, _ in found}  # type: ignore[union-attr]
    assert years == set(range(2001, 2024)), sorted(years)
    # Followed, not read from the seed document: the commune's and the département's own documents.
    assert {"/doc/musee/M0963", "/doc/commune/01053", "/doc/departement/01"} <= fetched(server)
