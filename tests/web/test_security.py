"""web/security.py with the Flask test client: bad paths, the Host allow-list, security headers.

The same behaviour over a real server (Granian and the ASGI front) is in test_hardening_http.py."""

from __future__ import annotations

import urllib.parse

import pytest

from culturegraph.config import SettingsError
from culturegraph.web.app import create_app
from culturegraph.web.security import CSP, QUERY_UI_CSP, Hosts, path_problem

BASE = "https://culturegraph.example/"


@pytest.fixture
def client(web_settings, kasei_store):
    return create_app(web_settings(), store=kasei_store).test_client()


@pytest.mark.parametrize("path", [
    "/id/a b", "/doc/a%20b", "/def/%3Cx%3E", "/data/%22", "/graph/%7Bg%7D", "/id/a%7Cb", "/doc/%5E",
    "/doc/%60", "/id/a%5Cb", "/doc/x%00", "/id/%FF", "/doc/caf%C3", "/graph/%C3%28", "/id/%25zz", "/doc/a%25",
    "/id/%0A",
    "/doc/%7F", "/static/%00", "/sparql/%FF", "/nowhere/a%20b", "/%ED%A0%80", "/id/%C3",
])
def test_invalid_paths_are_a_short_plain_400(client, path):
    # PATH_INFO as a server gives it (bytes as latin-1): werkzeug's test client would mend bad UTF-8
    raw = urllib.parse.unquote_to_bytes(path).decode("latin-1")
    response = client.get(path, environ_overrides={"PATH_INFO": raw})
    assert response.status_code == 400, path
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert len(text) < 200 and "Traceback" not in text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/id/%EF%BF%BE", "/doc/%EF%B7%90"])  # noncharacters: Oxigraph refuses them
def test_paths_oxigraph_refuses_as_iris_are_400_under_the_names(client, path):
    response = client.get(path)
    assert response.status_code == 400 and b"not a valid IRI path" in response.data


def test_valid_paths_go_through(client):
    assert client.get("/id/mus%C3%A9e/x").status_code == 404  # é: fine in an IRI, nothing known
    assert client.get("/doc/a%2Fb").status_code == 404
    assert client.get("/sparql?query=ASK%7B%7D").status_code == 200


def test_path_problem_names_the_character_without_echoing_the_path():
    assert path_problem("/id/ok") is None
    assert "a space at position 6" in (path_problem("/id/a b") or "")
    assert "U+003C" in (path_problem("/id/<script>") or "")
    assert "<script>" not in (path_problem("/id/<script>") or "")
    assert "'%'" in (path_problem("/id/%zz") or "")
    assert path_problem("/id/%41") is None  # an escape left in the decoded path is a valid one


def test_hosts_allow_list():
    from culturegraph.config import load_settings

    default = Hosts(load_settings())
    assert all(default.allowed(h) for h in ("culturegraph.example", "localhost", "127.0.0.1:8000",
                                            "[::1]:80"))
    assert not any(default.allowed(h) for h in ("evil.example", "culturegraph.example.evil", "", "a b",
                                                "localhost.evil:80", "127.0.0.1@evil"))
    listed = Hosts(load_settings(allowed_hosts=("data.example.fr", "proxy.local:8443")))
    assert listed.allowed("data.example.fr:443") and listed.allowed("proxy.local:8443")
    assert not listed.allowed("proxy.local:80") and not listed.allowed("localhost")
    with pytest.raises(SettingsError, match="allowed_hosts"):
        load_settings(allowed_hosts=("evil/path",))


def test_an_untrusted_host_gets_links_from_the_base_iri(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"}, base_url="http://evil.example")
    assert b"<https://culturegraph.example/sparql>" in response.data
    assert b"evil" not in response.data
    response = client.get("/sparql", headers={"Accept": "text/turtle"}, base_url="http://localhost:8123")
    assert b"<http://localhost:8123/sparql>" in response.data


def test_html_gets_the_csp_and_framing_headers_other_responses_nosniff(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == QUERY_UI_CSP
    assert "script-src 'self';" in QUERY_UI_CSP
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    results = client.get("/sparql?query=ASK%7B%7D")
    assert results.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in results.headers


def test_other_html_gets_the_strict_csp(client):
    page = client.get("/doc/nothing", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == CSP and "unsafe-inline" not in CSP
