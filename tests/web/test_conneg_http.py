"""Dereferencing over real HTTP: the production server on 127.0.0.1 serving the session's build.

The key matrix of test_resources again, at the HTTP level (the 303 hops as a client sees them, gzip,
CORS), the Vapour checks (W3C Best Practice Recipes: 303 then 200 with the asked-for type, Vary), and
rdflib dereferencing a museum IRI on its own.
"""

from __future__ import annotations

import gzip
import http.client

import pytest
import rdflib

pytestmark = pytest.mark.slow

BASE = "https://culturegraph.example/"


@pytest.fixture(scope="module")
def port(settings, built, live_server) -> int:
    """The production server (tests/web/conftest.py) on the session's build."""
    return live_server(settings.store_home, query_store="disk").port


def request(port: int, method: str, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def media(response: http.client.HTTPResponse) -> str:
    return (response.getheader("Content-Type") or "").split(";")[0].strip()


def vary(response: http.client.HTTPResponse) -> set[str]:
    return {v.strip().lower() for v in (response.getheader("Vary") or "").split(",") if v.strip()}


NAMES = {
    "museum": "/id/musee/M0963",
    "term": "/def/culture/nombreEntrees",
    "code": "/def/categorie-public/total",
    "dsd": "/def/dsd/frequentation-musees",
    "dataset": "/data/frequentation-musees",
    "observation": "/data/frequentation-musees/site/0105301/annee/2014/public/payant",
    "graph": "/graph/museofile",
}
ACCEPTS = {
    "text/html": "text/html",
    None: "text/html",
    "text/turtle": "text/turtle",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
    "application/n-triples": "application/n-triples",
    "application/trig": "application/trig",
    "image/png": None,
}


@pytest.mark.parametrize("accept", ACCEPTS, ids=lambda a: a or "no-accept")
@pytest.mark.parametrize("kind", NAMES)
def test_key_matrix_over_http(port, kind, accept):
    headers = {"Accept": accept} if accept else {}
    name = NAMES[kind]
    response, body = request(port, "GET", name, **headers)
    assert response.status == 303 and body == b""
    location = response.getheader("Location")
    assert location == f"http://127.0.0.1:{port}/doc/{name[4:] if name.startswith('/id/') else name[1:]}"
    assert "accept" in vary(response)
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    response, body = request(port, "GET", location.removeprefix(f"http://127.0.0.1:{port}"), **headers)
    expected = ACCEPTS[accept]
    assert "accept" in vary(response)
    if expected is None:
        assert response.status == 406
        return
    assert response.status == 200
    assert media(response) == expected
    assert response.getheader("Content-Location").startswith(location + ".")
    assert response.getheader("ETag") and response.getheader("Last-Modified")
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    assert body


@pytest.mark.parametrize("name", ["/id/musee/M0963", "/def/culture/nombreEntrees"])
@pytest.mark.parametrize("accept", ["application/rdf+xml", "text/html", None])
def test_vapour_checks(port, name, accept):
    """Every intermediate hop is a 303, the final one a 200 of the type asked for, with Vary."""
    headers = {"Accept": accept} if accept else {}
    path, hops = name, []
    for _ in range(5):
        response, _ = request(port, "GET", path, **headers)
        hops.append(response.status)
        if response.status != 303:
            break
        assert "accept" in vary(response)
        path = response.getheader("Location").removeprefix(f"http://127.0.0.1:{port}")
    assert hops == [303, 200]
    assert media(response) == (accept or "text/html")


GZIP = {"Accept-Encoding": "gzip"}


def test_gzip_and_vary(port):
    response, body = request(port, "GET", "/doc/musee/M0963", Accept="text/turtle", **GZIP)
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert {"accept", "accept-encoding"} <= vary(response)
    text = gzip.decompress(body)
    graph = rdflib.Graph().parse(data=text, format="turtle")
    assert (rdflib.URIRef(BASE + "id/musee/M0963"), None, None) in graph
    plain, body = request(port, "GET", "/doc/musee/M0963", Accept="text/turtle")
    assert plain.getheader("Content-Encoding") is None
    assert body == text


def test_conditional_get_over_http(port):
    response, _ = request(port, "GET", "/doc/musee/M0963", Accept="text/turtle", **GZIP)
    etag = response.getheader("ETag")
    again, body = request(port, "GET", "/doc/musee/M0963", Accept="text/turtle",
                          **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status == 304 and body == b""
    since, _ = request(port, "GET", "/doc/musee/M0963", Accept="text/turtle",
                       **{"If-Modified-Since": response.getheader("Last-Modified")})
    assert since.status == 304


def test_head_over_http(port):
    response, body = request(port, "HEAD", "/doc/musee/M0963", Accept="application/ld+json")
    assert response.status == 200 and body == b""
    assert media(response) == "application/ld+json"
    assert 'rel="alternate"' in response.getheader("Link")


def test_cors_preflight(port):
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Accept"}
    response, _ = request(port, "OPTIONS", "/doc/musee/M0963", Origin="http://example.org", **preflight)
    assert response.status in (200, 204)
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    assert "GET" in response.getheader("Access-Control-Allow-Methods")


def test_404_over_http(port):
    response, body = request(port, "GET", "/id/musee/M0000000", Accept="text/turtle")
    assert response.status == 404 and media(response) == "text/plain"
    response, body = request(port, "GET", "/id/musee/M0000000", Accept="text/html,*/*;q=0.8")
    assert response.status == 404 and media(response) == "text/html" and b"<html" in body


def test_rdflib_dereferences_a_museum_iri(port):
    """rdflib follows the 303 and negotiates on its own (its default Accept lists every RDF syntax)."""
    graph = rdflib.Graph()
    graph.parse(f"http://127.0.0.1:{port}/id/musee/M0963")
    museum = rdflib.URIRef(BASE + "id/musee/M0963")
    assert (museum, rdflib.RDF.type, rdflib.URIRef("http://schema.org/Museum")) in graph
    assert str(graph.value(museum, rdflib.URIRef("http://schema.org/name"))) == "musée de Brou"
    for fmt in ("xml", "turtle", "json-ld"):
        one = rdflib.Graph().parse(f"http://127.0.0.1:{port}/id/musee/M0963", format=fmt)
        assert (museum, rdflib.RDF.type, rdflib.URIRef("http://schema.org/Museum")) in one, fmt
