"""Real SPARQL clients against the real server on 127.0.0.1: SPARQLWrapper, rdflib's SPARQLStore, curl.

Data: ``small_home`` (2,000 generated things: 10 triples each over three named graphs)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
import warnings

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

EX = "http://example.org/cg-test/"
THINGS = f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a <{EX}def/Thing> }}"
LABELS = f"""SELECT ?s ?label WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label
  FILTER(?s = <{EX}id/thing/7>) }} ORDER BY ?label"""
DESCRIBE_7 = f"CONSTRUCT {{ <{EX}id/thing/7> ?p ?o }} WHERE {{ <{EX}id/thing/7> ?p ?o }}"


@pytest.fixture(scope="module")
def server(live_server, small_home):
    return live_server(small_home)


@pytest.fixture(scope="module")
def endpoint(server) -> str:
    return server.sparql


def wrapper(endpoint: str, query: str, fmt: str, method: str | None = None,
            request_method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    if request_method:
        client.setRequestMethod(request_method)
    return client


# SPARQLWrapper ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "request_method"),
                         [(None, None), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_sparqlwrapper_json(endpoint: str, method: str | None, request_method: str | None) -> None:
    result = wrapper(endpoint, THINGS, JSON, method, request_method).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert int(data["results"]["bindings"][0]["n"]["value"]) == 2000


def test_sparqlwrapper_xml(endpoint: str) -> None:
    document = wrapper(endpoint, LABELS, XML).query().convert()  # an xml.dom.minidom Document
    literals = {(node.getAttribute("xml:lang"), node.firstChild.data)
                for node in document.getElementsByTagName("literal")}
    assert literals == {("fr", "Chose n° 7 « été »"), ("en", "Thing number 7")}


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(endpoint: str, fmt: str, separator: str) -> None:
    text = wrapper(endpoint, LABELS, fmt).query().convert().decode("utf-8")
    lines = text.strip().splitlines()
    assert lines[0].replace("?", "") == f"s{separator}label"
    assert len(lines) == 3 and any("« été »" in line for line in lines)


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD])
def test_sparqlwrapper_construct(endpoint: str, fmt: str) -> None:
    converted = wrapper(endpoint, DESCRIBE_7, fmt).query().convert()
    graph = converted if isinstance(converted, rdflib.Graph) else rdflib.Graph().parse(
        data=converted.decode("utf-8"), format="turtle")
    subject = rdflib.URIRef(f"{EX}id/thing/7")
    assert len(graph) == 10
    assert (subject, rdflib.RDFS.label, rdflib.Literal("Chose n° 7 « été »", lang="fr")) in graph
    assert (subject, rdflib.URIRef(f"{EX}def/value"), rdflib.Literal(7)) in graph


# rdflib SPARQLStore ---------------------------------------------------------------------------------

def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(SPARQLStore(query_endpoint=endpoint))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        rows = list(graph.query(LABELS))
        assert {str(row.label) for row in rows} == {"Chose n° 7 « été »", "Thing number 7"}
        assert graph.query(f"ASK {{ <{EX}id/thing/1999> ?p ?o }}").askAnswer is True
        assert graph.query(f"ASK {{ <{EX}id/thing/2000> ?p ?o }}").askAnswer is False
        things = list(graph.triples((None, rdflib.RDF.type, rdflib.URIRef(f"{EX}def/Thing"))))
        assert len(things) == 2000


# curl ------------------------------------------------------------------------------------------------

CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed (`which curl` found nothing)")


def curl(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert CURL is not None
    return subprocess.run([CURL, "-sS", "--max-time", "30", *args], capture_output=True, timeout=60,
                          check=True)


def head_and_body(output: bytes) -> tuple[str, bytes]:
    head, _, body = output.partition(b"\r\n\r\n")
    return head.decode("latin-1").lower(), body


@needs_curl
def test_curl_get_and_post(endpoint: str) -> None:
    as_csv = curl("-G", "-H", "Accept: text/csv", "--data-urlencode", f"query={THINGS}", endpoint)
    assert as_csv.stdout.decode().splitlines() == ["n", "2000"]
    direct = curl("-H", "Content-Type: application/sparql-query", "--data-binary", THINGS, endpoint)
    assert int(json.loads(direct.stdout)["results"]["bindings"][0]["n"]["value"]) == 2000
    form = curl("--data-urlencode", f"query={DESCRIBE_7}", "-H", "Accept: application/n-triples", endpoint)
    assert len(form.stdout.decode().strip().splitlines()) == 10


@needs_curl
def test_curl_gzip_vary_and_cors(endpoint: str) -> None:
    everything = "SELECT * WHERE { ?s ?p ?o } LIMIT 500"
    raw = curl("-i", "-G", "-H", "Accept-Encoding: gzip", "-H", "Origin: https://example.org",
               "--data-urlencode", f"query={everything}", endpoint)
    head, body = head_and_body(raw.stdout)
    assert "content-encoding: gzip" in head
    assert "access-control-allow-origin: *" in head
    vary = next(line for line in head.splitlines() if line.startswith("vary:"))
    assert {"accept", "accept-encoding", "origin"} <= {v.strip() for v in vary[5:].split(",")}
    assert len(json.loads(gzip.decompress(body))["results"]["bindings"]) == 500
    preflight = curl("-i", "-X", "OPTIONS", "-H", "Origin: https://example.org",
                     "-H", "Access-Control-Request-Method: POST",
                     "-H", "Access-Control-Request-Headers: content-type", endpoint)
    head, _ = head_and_body(preflight.stdout)
    assert head.startswith("http/1.1 200") or head.startswith("http/1.1 204")
    assert "access-control-allow-methods:" in head and "post" in head
    assert "content-type" in next(line for line in head.splitlines()
                                  if line.startswith("access-control-allow-headers:"))


@needs_curl
def test_curl_errors(endpoint: str) -> None:
    not_acceptable = curl("-i", "-G", "-H", "Accept: image/png", "--data-urlencode", f"query={THINGS}",
                          endpoint)
    head, body = head_and_body(not_acceptable.stdout)
    assert head.startswith("http/1.1 406") and b"application/sparql-results+json" in body
    put = curl("-i", "-X", "PUT", "--data-urlencode", f"query={THINGS}", endpoint)
    head, _ = head_and_body(put.stdout)
    assert head.startswith("http/1.1 405") and "allow:" in head
    update = curl("-i", "-H", "Content-Type: application/sparql-update", "--data-binary", "CLEAR ALL",
                  endpoint)
    assert head_and_body(update.stdout)[0].startswith("http/1.1 403")
    service = curl("-H", "Accept: text/turtle", endpoint)
    description = rdflib.Graph().parse(data=service.stdout.decode(), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert rdflib.URIRef(endpoint) in set(description.objects(None, sd.endpoint))


def test_queries_move_to_the_in_memory_replica(server) -> None:
    """The production default (store/oxigraph/replica.py): each executor answers from the build on disk at
    once, then from its in-memory replica, and says so in ``Server-Timing`` and in the server's log."""
    where = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "memory" not in where:
        # A new query text each time: a cached answer would repeat where the first evaluation ran.
        query = f"{THINGS} # {len(where)}"
        request = urllib.request.Request(f"{server.sparql}?query={urllib.parse.quote(query)}",
                                         headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.read().decode().splitlines() == ["n", "2000"]
            timing = response.headers["Server-Timing"]
        where.append(re.search(r'query;dur=[0-9.]+;desc="(memory|disk)"', timing).group(1))
        time.sleep(0.05)
    assert where[-1] == "memory", where
    assert re.search(r"query executor \d+: build \S+ is evaluated in memory \(20,000 quads", server.log())
