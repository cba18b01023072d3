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


# hostile findings F1, F4, F7, F10 (the same over a real server: test_hardening_http.py) -------------------

def test_negotiation_ignores_media_type_parameters_and_wildcards_skip_aliases():
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    from culturegraph.rdf import conneg, formats

    def doc(accept: str) -> str | None:
        chosen = conneg.negotiate(parse_accept_header(accept, MIMEAccept), formats.DOCUMENT_FORMATS,
                                  formats.HTML)
        return chosen.name if chosen else None

    def results(accept: str) -> str | None:
        chosen = conneg.negotiate(parse_accept_header(accept, MIMEAccept), formats.RESULTS_FORMATS,
                                  formats.RESULTS_JSON)
        return chosen.name if chosen else None

    assert doc("text/turtle;charset=utf-8") == "turtle"
    assert doc('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"') == "jsonld"
    assert doc("text/turtle;charset=utf-8;q=0.2, application/rdf+xml;q=0.5") == "rdfxml"
    assert doc("text/turtle;q=0.1, text/turtle;charset=utf-8;q=0.9, text/html;q=0.5") == "turtle"
    assert doc("application/*") == "jsonld"  # not HTML through application/xhtml+xml
    assert doc("application/xhtml+xml") == "html"  # an alias still counts when named
    assert doc("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") == "html"  # a browser
    assert doc("image/png") is None
    assert results("text/*") == "csv"  # not SPARQL XML through text/xml
    assert results("text/xml") == "xml"
    assert results("application/sparql-results+json; charset=utf-8") == "json"


def test_shown_never_gives_markup_back():
    from culturegraph.rdf.conneg import shown

    assert shown("text/turtle;q=0.5, */*") == "text/turtle;q=0.5, */*"
    assert "<" not in shown("<script>x") and "%3Cscript%3E" in shown("<script>x")
    assert len(shown("a" * 10_000)) < 110


def test_negotiation_headers_are_cut_to_whole_items():
    from culturegraph.web.security import MAX_NEGOTIATION_HEADER, cut_header

    value = ",".join(f"text/x-{i}" for i in range(20_000))
    cut = cut_header(value)
    assert len(cut) <= MAX_NEGOTIATION_HEADER and cut.startswith("text/x-0,") and value.startswith(cut + ",")
    assert cut_header("x" * 10_000) == ""


def test_two_host_headers_future_dates_and_multi_ranges(client):
    from culturegraph.web.security import ignore_unusable_preconditions

    assert client.get("/", headers={"Host": "evil.example,127.0.0.1"}).status_code == 400
    environ = {"HTTP_IF_MODIFIED_SINCE": "Thu, 01 Jan 2099 00:00:00 GMT", "HTTP_RANGE": "bytes=0-1,5-6"}
    ignore_unusable_preconditions(environ)
    assert environ == {}
    environ = {"HTTP_IF_MODIFIED_SINCE": "Thu, 01 Jan 2015 00:00:00 GMT", "HTTP_RANGE": "bytes=0-10"}
    ignore_unusable_preconditions(environ)
    assert len(environ) == 2
