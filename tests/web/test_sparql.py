"""/sparql through the Flask test client (in-memory stores), the executor pool (real child processes on
a generated on-disk store home), and the JSON-LD compaction. The live-server side is in
test_timeout.py and test_sparql_clients.py; the W3C protocol tests in test_protocol_w3c.py."""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic
from werkzeug.test import TestResponse

from culturegraph.config import Settings
from culturegraph.rdf.write import writer_prefixes
from culturegraph.store.oxigraph.executor import (
    Env,
    InProcessExecutor,
    Job,
    Outcome,
    ProcessPoolExecutor,
    Spool,
    choose_format,
    declares_dataset,
    evaluate,
)
from culturegraph.web.app import create_app

KASEI = "http://kasei.us/2009/09/sparql/data/data{}.rdf"

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
KGO = rdflib.Namespace("https://culturegraph.example/def/culture/")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CONSTRUCT_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def get(client: FlaskClient, query: str | None = None, accept: str | None = None, **params: str):
    query_string = {**({"query": query} if query is not None else {}), **params}
    headers = {"Accept": accept} if accept is not None else {}
    return client.get("/sparql", query_string=query_string, headers=headers)


def solutions(response: TestResponse, fmt: ox.QueryResultsFormat) -> set[tuple[str, ...]]:
    parsed = ox.parse_query_results(response.data, format=fmt)
    return {tuple(str(row[v]) for v in parsed.variables) for row in parsed}


# results formats × Accept ---------------------------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SELECT_MATRIX = [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", "text/csv"),
    ("image/png, text/tab-separated-values;q=0.3, text/*;q=0.2", "text/tab-separated-values"),
    (BROWSER, "application/sparql-results+xml"),
]
RESULT_PARSERS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                  "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                  "text/csv": None,  # CSV loses term types: checked as text
                  "text/tab-separated-values": ox.QueryResultsFormat.TSV}


@pytest.mark.parametrize(("accept", "expected"), SELECT_MATRIX)
def test_select_formats_by_accept(kasei_client: FlaskClient, accept: str | None, expected: str) -> None:
    response = get(kasei_client, ALL_TRIPLES, accept)
    assert response.status_code == 200, response.data
    assert response.mimetype == expected
    assert response.mimetype_params.get("charset") == "utf-8"
    parser = RESULT_PARSERS[expected]
    if parser is None:
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0] == ["s", "p", "o"]
        assert {tuple(r) for r in rows[1:]} == {
            (KASEI.format(i), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://xmlns.com/foaf/0.1/Document")
            for i in (1, 2, 3)}
    else:
        assert solutions(response, parser) == {
            (f"<{KASEI.format(i)}>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
             "<http://xmlns.com/foaf/0.1/Document>") for i in (1, 2, 3)}


@pytest.mark.parametrize(("accept", "expected"), [(None, "true"), ("application/sparql-results+xml", "true"),
                                                  ("text/csv", "true")])
def test_ask_formats(kasei_client: FlaskClient, accept: str | None, expected: str) -> None:
    response = get(kasei_client, "ASK { ?s a <http://xmlns.com/foaf/0.1/Document> }", accept)
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)


GRAPH_MATRIX = [
    (None, "text/turtle", ox.RdfFormat.TURTLE),
    ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("text/plain", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", "application/trig", ox.RdfFormat.TRIG),
    ("application/rdf+xml;q=0.4, application/n-triples;q=0.7", "application/n-triples",
     ox.RdfFormat.N_TRIPLES),
    (BROWSER, "application/rdf+xml", ox.RdfFormat.RDF_XML),
]


@pytest.mark.parametrize(("accept", "expected", "parser"), GRAPH_MATRIX)
def test_construct_formats_by_accept(kasei_client: FlaskClient, kasei_store: ox.Store, accept: str | None,
                                     expected: str, parser: ox.RdfFormat) -> None:
    response = get(kasei_client, CONSTRUCT_ALL, accept)
    assert response.status_code == 200, response.data
    assert response.mimetype == expected
    got = {(q.subject, q.predicate, q.object) for q in ox.parse(response.data, format=parser)}
    want = {(q.subject, q.predicate, q.object) for q in kasei_store}
    assert got == want


def test_turtle_uses_prefixes(kasei_client: FlaskClient) -> None:
    body = get(kasei_client, CONSTRUCT_ALL).get_data(as_text=True)
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/>" in body
    assert "foaf:Document" in body


def test_describe_is_a_graph(kasei_client: FlaskClient) -> None:
    response = get(kasei_client, f"DESCRIBE <{KASEI.format(2)}>", "application/n-triples")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == (
        f"<{KASEI.format(2)}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://xmlns.com/foaf/0.1/Document> .")


# format= ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "params", "expected"), [
    (ALL_TRIPLES, {"format": "csv"}, "text/csv"),
    (ALL_TRIPLES, {"format": "text/tab-separated-values"}, "text/tab-separated-values"),
    (ALL_TRIPLES, {"format": "xml"}, "application/sparql-results+xml"),
    (ALL_TRIPLES, {"output": "json"}, "application/sparql-results+json"),
    (CONSTRUCT_ALL, {"format": "xml"}, "application/rdf+xml"),  # SPARQLWrapper's name for RDF/XML
    (CONSTRUCT_ALL, {"format": "jsonld"}, "application/ld+json"),
    (CONSTRUCT_ALL, {"format": "json-ld"}, "application/ld+json"),
    (CONSTRUCT_ALL, {"format": "nt"}, "application/n-triples"),
    (CONSTRUCT_ALL, {"format": "application/trig"}, "application/trig"),
])
def test_format_parameter_wins_over_accept(kasei_client: FlaskClient, query: str, params: dict[str, str],
                                           expected: str) -> None:
    response = get(kasei_client, query, "application/sparql-results+json, text/turtle", **params)
    assert response.status_code == 200, response.data
    assert response.mimetype == expected


def test_repeated_format_values_first_usable_wins(kasei_client: FlaskClient) -> None:
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values (and output=, results=).
    response = kasei_client.get("/sparql?query=" + ALL_TRIPLES.replace(" ", "%20")
                                + "&format=tsv&format=text/tab-separated-values&output=tsv&results=tsv")
    assert response.status_code == 200
    assert response.mimetype == "text/tab-separated-values"


# errors ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "accept", "params"), [
    (ALL_TRIPLES, "image/png", {}),
    (CONSTRUCT_ALL, "application/sparql-results+json", {}),
    (ALL_TRIPLES, None, {"format": "png"}),
    (CONSTRUCT_ALL, None, {"format": "csv"}),
])
def test_not_acceptable_lists_what_is_offered(kasei_client: FlaskClient, query: str, accept: str | None,
                                              params: dict[str, str]) -> None:
    for _ in range(2):  # the second time the query form comes from the cache: same answer
        response = get(kasei_client, query, accept, **params)
        assert response.status_code == 406
        assert response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
        if query == ALL_TRIPLES:
            assert "application/sparql-results+json" in text and "text/csv" in text and "format=tsv" in text
        else:
            assert "text/turtle" in text and "application/ld+json" in text and "format=rdfxml" in text
        assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/plain", b"ASK {}"),
    ("application/json", b'{"query": "ASK {}"}'),
    ("application/sparql-query; charset=iso-8859-1", "ASK { FILTER(\"é\" = \"é\") }".encode("latin-1")),
    ("application/x-www-form-urlencoded; charset=windows-1252", b"query=ASK%20%7B%7D"),
    (None, b"ASK {}"),
])
def test_unsupported_body_type_is_415(kasei_client: FlaskClient, content_type: str | None, body: bytes):
    headers = {"Content-Type": content_type} if content_type else {}
    response = kasei_client.post("/sparql", data=body, headers=headers)
    assert response.status_code == 415, response.data
    text = response.get_data(as_text=True)
    assert "application/sparql-query" in text or "UTF-8" in text


def test_invalid_utf8_body_is_400(kasei_client: FlaskClient) -> None:
    response = kasei_client.post("/sparql", data=b"ASK { FILTER(\"\xe9\" = 1) }",
                                 headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(kasei_client: FlaskClient, method: str) -> None:
    response = kasei_client.open("/sparql?query=ASK%7B%7D", method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST", "HEAD", "OPTIONS"}
    assert method not in response.headers["Allow"]
    assert response.mimetype == "text/plain"


@pytest.mark.parametrize(("method", "kwargs"), [
    ("GET", {"query_string": {"update": "CLEAR ALL"}}),
    ("POST", {"data": b"update=CLEAR%20ALL", "content_type": "application/x-www-form-urlencoded"}),
    ("POST", {"data": b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
              "content_type": "application/x-www-form-urlencoded"}),
    ("POST", {"data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
              "content_type": "application/sparql-update"}),
])
def test_update_is_403(kasei_client: FlaskClient, kasei_store: ox.Store, method: str, kwargs: dict) -> None:
    before = len(kasei_store)
    response = kasei_client.open("/sparql", method=method, **kwargs)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert len(kasei_store) == before


def test_syntax_error_is_400_with_the_parser_message(kasei_client: FlaskClient) -> None:
    response = get(kasei_client, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("SPARQL syntax error at line 1, column ")  # the position from the parser


def test_undeclared_prefix_names_the_fix(kasei_client: FlaskClient) -> None:
    response = get(kasei_client, "SELECT * WHERE {\n  ?s ex:p ?o\n}")
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith(
        "SPARQL syntax error at line 2, column 6: PREFIX ex: <…> is not declared")


def test_common_prefixes_are_predeclared(kasei_client: FlaskClient) -> None:
    # no PREFIX line: schema:, rdfs:, xsd: come from the one prefix table
    response = get(kasei_client, "ASK { FILTER(schema:name != rdfs:label && xsd:integer != <x>) }",
                   accept="application/sparql-results+json")
    assert response.status_code == 200, response.data
    assert json.loads(response.data)["boolean"] is True


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"query_string": "query=ASK%7B%7D&query=ASK%7B%7D"}, "One query"),
    ({"method": "POST", "query_string": "query=ASK%7B%7D", "data": b"ASK {}",
      "content_type": "application/sparql-query"}, "twice"),
    ({"method": "POST", "query_string": "query=ASK%7B%7D", "data": b"query=ASK%7B%7D",
      "content_type": "application/x-www-form-urlencoded"}, "One query"),
    ({"method": "POST", "data": b"default-graph-uri=urn%3Ax",
      "content_type": "application/x-www-form-urlencoded"}, "No query"),
    ({"query_string": "query=%20%20"}, "empty"),
    ({"query_string": "query=ASK%7B%7D&default-graph-uri=not%20an%20iri"}, "IRI"),
    ({"query_string": "query=ASK%7B%7D&timeout=soon"}, "timeout"),
    ({"query_string": "query=ASK%7B%7D&timeout=-1"}, "timeout"),
])
def test_bad_requests_are_400(kasei_client: FlaskClient, kwargs: dict, fragment: str) -> None:
    kwargs = {"method": "GET", **kwargs}
    response = kasei_client.open("/sparql", **kwargs)
    assert response.status_code == 400, response.data
    assert fragment in response.get_data(as_text=True)


def test_query_too_long_is_413(web_settings, kasei_store: ox.Store) -> None:
    settings = web_settings().with_(max_query_bytes=200)
    client = create_app(settings, store=kasei_store).test_client()
    long_query = "ASK { " + "# padding\n" * 30 + "}"
    assert get(client, long_query).status_code == 413
    assert client.post("/sparql", data=long_query.encode(),
                       headers={"Content-Type": "application/sparql-query"}).status_code == 413
    assert client.post("/sparql", data=b"query=" + long_query.replace(" ", "+").encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 413
    assert get(client, "ASK {}").status_code == 200


# dataset ---------------------------------------------------------------------------------------------

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(client: FlaskClient, query: str = COUNT_ALL, **params: str) -> int:
    response = get(client, query, "application/sparql-results+json", **params)
    assert response.status_code == 200, response.data
    return int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union_of_named_graphs(kasei_client: FlaskClient) -> None:
    assert count(kasei_client) == 3


def test_protocol_dataset(kasei_client: FlaskClient) -> None:
    assert count(kasei_client, **{"default-graph-uri": KASEI.format(1)}) == 1
    assert count(kasei_client, **{"default-graph-uri": "http://example.org/no-such-graph"}) == 0
    # named-graph-uri alone: the default graph is empty, the named graphs are those given
    assert count(kasei_client, **{"named-graph-uri": KASEI.format(2)}) == 0
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(kasei_client, named, **{"named-graph-uri": KASEI.format(2)}) == 1
    assert count(kasei_client, named) == 3


def test_from_in_the_query_is_honoured_without_protocol_dataset(kasei_client: FlaskClient) -> None:
    assert count(kasei_client, f"SELECT (COUNT(*) AS ?n) FROM <{KASEI.format(1)}> WHERE {{ ?s ?p ?o }}") == 1
    # ...and overridden by the protocol dataset
    assert count(kasei_client, f"SELECT (COUNT(*) AS ?n) FROM <{KASEI.format(1)}> WHERE {{ ?s ?p ?o }}",
                 **{"default-graph-uri": KASEI.format(2)}) == 1
    assert count(kasei_client, "SELECT (COUNT(*) AS ?n) FROM <urn:none> WHERE { ?s ?p ?o }") == 0


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
    ("select * from named <urn:g> where { graph ?g { ?s ?p ?o } }", True),
    ("PREFIX ex: <urn:ex:>\nSELECT * FROM ex:g WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM\n<urn:g> { ?s ?p ?o }", True),
    ("SELECT ?from WHERE { ?from ?p ?o }", False),
    ("SELECT * WHERE { ?s <urn:from> ?o . ?s ex:from ?x }", False),
    ('SELECT * WHERE { ?s ?p "taken FROM <x>" }', False),
    ("SELECT * WHERE { ?s ?p ?o } # FROM <urn:g>", False),
    ("SELECT * WHERE { ?s ?p '''multi\nFROM <urn:g>''' }", False),
    ("SELECT * WHERE { ?s ?p ?o FILTER(LANG(?o) = 'from') }", False),
    ("PREFIX fromage: <urn:f:>\nSELECT * WHERE { ?s fromage:x ?o }", False),
    ("SELECT * FROM<urn:g> WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED<urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
    ("SELECT * FROM :g WHERE { ?s ?p ?o }", True),
])
def test_declares_dataset(query: str, expected: bool) -> None:
    assert declares_dataset(query) is expected


def test_relative_iris_resolve_against_the_base_iri(kasei_client: FlaskClient) -> None:
    response = get(kasei_client, "SELECT (<id/musee/M0963> AS ?x) {}", "application/sparql-results+json")
    value = json.loads(response.data)["results"]["bindings"][0]["x"]["value"]
    assert value == "https://culturegraph.example/id/musee/M0963"


# service description -------------------------------------------------------------------------------

def parse_sd(response: TestResponse, fmt: str = "turtle") -> rdflib.Graph:
    assert response.status_code == 200, response.data
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format=fmt)


@pytest.mark.parametrize(("accept", "fmt"), [
    (None, "turtle"), ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("application/n-triples", "nt"), ("application/trig", "trig")])
def test_service_description(kasei_client: FlaskClient, accept: str | None, fmt: str) -> None:
    response = kasei_client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert "Accept" in response.headers["Vary"]
    g = parse_sd(response, fmt)
    service = g.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert g.value(service, SD.endpoint) == rdflib.URIRef("http://localhost/sparql")  # the request URL
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    result_formats = set(g.objects(service, SD.resultFormat))
    assert {rdflib.URIRef(f"http://www.w3.org/ns/formats/{name}") for name in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
        "JSON-LD", "N-Triples", "RDF_XML", "N-Quads", "TriG")} == result_formats
    assert float(g.value(service, KGO.queryTimeLimit)) == 30.0
    dataset = g.value(service, SD.defaultDataset)
    assert int(g.value(g.value(dataset, SD.defaultGraph), VOID.triples)) == 3
    named = {str(g.value(n, SD.name)): int(g.value(g.value(n, SD.graph), VOID.triples))
             for n in g.objects(dataset, SD.namedGraph)}
    assert named == {KASEI.format(i): 1 for i in (1, 2, 3)}
    declared = {str(g.value(d, SH.prefix)): str(g.value(d, SH.namespace))
                for d in g.objects(service, SH.declare)}
    # the one table, listed as WDQS lists its prefixes
    assert declared == writer_prefixes(str(KGO).removesuffix("def/culture/"))
    assert declared["schema"] == "http://schema.org/" and {"qb", "skos", "dcterms", "kgo"} <= set(declared)


def test_service_description_endpoint_is_the_request_url(web_settings, kasei_store) -> None:
    """The request's URL when its host is allowed (issue 9: never an arbitrary Host header)."""
    settings = web_settings(allowed_hosts=("data.example.fr:8443",))
    client = create_app(settings, store=kasei_store).test_client()
    g = parse_sd(client.get("/sparql", base_url="https://data.example.fr:8443"))
    assert rdflib.URIRef("https://data.example.fr:8443/sparql") in set(g.objects(None, SD.endpoint))
    g = parse_sd(client.get("/sparql", base_url="https://evil.example:8443"))
    assert set(g.objects(None, SD.endpoint)) == {rdflib.URIRef(settings.base_iri + "sparql")}


def test_browser_gets_the_query_page(kasei_client: FlaskClient) -> None:
    pytest.importorskip("culturegraph.web.pages").query_ui  # noqa: B018 (the page is the pages helper's)
    response = kasei_client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    assert kasei_client.get("/sparql", headers={"Accept": "*/*"}).mimetype == "text/turtle"


def test_service_description_406(kasei_client: FlaskClient) -> None:
    response = kasei_client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


# HTTP: gzip, CORS, Vary, HEAD, cache ----------------------------------------------------------------

@pytest.fixture
def big_client(web_settings, generated_quads) -> FlaskClient:
    store = ox.Store()
    store.extend(generated_quads(300))
    return create_app(web_settings(), store=store).test_client()


def test_gzip_when_accepted(big_client: FlaskClient) -> None:
    plain = get(big_client, ALL_TRIPLES)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    for _ in range(2):  # computed, then from the cache entry
        zipped = big_client.get("/sparql", query_string={"query": ALL_TRIPLES},
                                headers={"Accept-Encoding": "gzip, deflate, br"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.data) == plain.data
        assert len(zipped.data) < len(plain.data) / 3
        assert {"Accept", "Accept-Encoding", "Origin"} <= vary(zipped)
    refused = big_client.get("/sparql", query_string={"query": ALL_TRIPLES},
                             headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_small_bodies_and_sd_gzip(big_client: FlaskClient) -> None:
    small = big_client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # below MIN_GZIP_BYTES
    sd = big_client.get("/sparql", headers={"Accept-Encoding": "gzip"})
    assert sd.headers["Content-Encoding"] == "gzip"  # the after_request hook, for any view
    assert b"sd:Service" in gzip.decompress(sd.data)


def test_cors(kasei_client: FlaskClient) -> None:
    response = get(kasei_client, "ASK {}")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Server-Timing" in response.headers["Access-Control-Expose-Headers"]
    preflight = kasei_client.options("/sparql", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept, x-requested-with"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in preflight.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST"} <= methods
    allowed = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "accept", "x-requested-with"} <= allowed
    assert int(preflight.headers["Access-Control-Max-Age"]) > 0


def test_vary_on_negotiated_responses(kasei_client: FlaskClient) -> None:
    for response in (get(kasei_client, ALL_TRIPLES), get(kasei_client, CONSTRUCT_ALL),
                     kasei_client.get("/sparql")):
        assert {"Accept", "Accept-Encoding", "Origin"} <= vary(response)


def vary(response: TestResponse) -> set[str]:
    return {v.strip() for v in response.headers.get("Vary", "").split(",")}


def test_head(kasei_client: FlaskClient) -> None:
    response = kasei_client.head("/sparql", query_string={"query": ALL_TRIPLES})
    assert response.status_code == 200
    assert response.data == b""
    assert response.mimetype == "application/sparql-results+json"


def test_result_cache_and_etag(kasei_client: FlaskClient) -> None:
    first = get(kasei_client, ALL_TRIPLES)
    assert first.headers["X-Query-Cache"] == "miss"
    second = get(kasei_client, ALL_TRIPLES)
    assert second.headers["X-Query-Cache"] == "hit" and second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    # another format of the same query: negotiated from the cached query form, evaluated once
    csv = get(kasei_client, ALL_TRIPLES, "text/csv")
    assert csv.headers["X-Query-Cache"] == "miss" and csv.headers["ETag"] != first.headers["ETag"]
    assert get(kasei_client, ALL_TRIPLES, "text/csv").headers["X-Query-Cache"] == "hit"
    revalidated = kasei_client.get("/sparql", query_string={"query": ALL_TRIPLES},
                                   headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.data == b""
    # the dataset is part of the key
    assert count(kasei_client, **{"default-graph-uri": KASEI.format(1)}) == 1
    assert count(kasei_client) == 3


# executors -------------------------------------------------------------------------------------------

def env() -> Env:
    return Env({"foaf": "http://xmlns.com/foaf/0.1/"}, {"foaf": "http://xmlns.com/foaf/0.1/"})


def test_spool_moves_to_a_file_past_its_limit() -> None:
    spool = Spool(10)
    spool.write(b"12345")
    body, file = spool.result()
    assert body == b"12345" and file is None
    spool = Spool(10)
    spool.write(b"12345")
    spool.write(b"678901234")
    body, file = spool.result()
    assert body == b"" and file is not None and file.read() == b"12345678901234" and spool.size == 14


def test_choose_format() -> None:
    assert choose_format("solutions", "").name == "json"
    assert choose_format("graph", "").name == "turtle"
    assert choose_format("graph", "text/csv") is None
    assert choose_format("graph", "", ("xml",)).name == "rdfxml"
    assert choose_format("solutions", "", ("xml",)).name == "xml"
    assert choose_format("solutions", "", ("nonsense", "text/csv; charset=utf-8")).name == "csv"
    assert choose_format("solutions", "", ("nonsense",)) is None


@pytest.fixture
def disk_home(tmp_path: Path, make_home, generated_quads):
    return make_home(tmp_path / "home", generated_quads(1000))


def test_pool_matches_in_process_evaluation(disk_home) -> None:
    """Same bytes from a child as in-process; a big result comes back as a spooled file descriptor."""
    small_spool = Env(env().prefixes, env().jsonld_context, spool_bytes=4096)
    pool = ProcessPoolExecutor(disk_home.path, small_spool, size=1)
    store = ox.Store.read_only(str(disk_home.current_build() / "store"))
    try:
        queries = ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 5",
                   ALL_TRIPLES + " ORDER BY ?s ?p ?o", "ASK { ?s ?p ?o }")
        for query in queries:
            job = Job(query)
            mine = evaluate(store, disk_home.version(), job, small_spool)
            theirs = pool.run(job, 30)
            assert theirs.status == 200 and theirs.version == disk_home.version()
            body = theirs.file.read() if theirs.file else theirs.body
            expected = mine.file.read() if mine.file else mine.body
            assert body == expected
            assert (theirs.file is not None) == (len(expected) > 4096)
        assert pool.run(Job("SELECT * WHERE {"), 30).status == 400
    finally:
        pool.close()


@pytest.mark.parametrize("query_store", ["memory", "disk"])
def test_pool_evaluates_where_it_is_told(disk_home, query_store: str) -> None:
    """The children answer from the store on disk at once; in "memory" mode, from the build's replica once
    it is loaded (store/oxigraph/replica.py) — with the same bytes."""
    pool = ProcessPoolExecutor(disk_home.path, Env({}, {}, query_store=query_store), size=1)
    job = Job("SELECT ?s ?o WHERE { ?s <http://example.org/cg-test/def/next> ?o } ORDER BY ?s ?o")
    try:
        seen: dict[str, bytes] = {}
        deadline = time.monotonic() + 30
        # A replica of these 10,000 triples loads in well under 0.1 s: "disk" mode gets 2 s to err.
        tries = 40 if query_store == "disk" else 600
        while time.monotonic() < deadline and "memory" not in seen and tries:
            tries -= 1
            outcome = pool.run(job, 30)
            assert outcome.status == 200
            seen.setdefault(outcome.evaluated_in, outcome.body)
            time.sleep(0.05)
        if query_store == "disk":
            assert set(seen) == {"disk"}
        else:
            assert "memory" in seen
            assert seen.get("disk", seen["memory"]) == seen["memory"]
    finally:
        pool.close()


def test_pool_follows_a_rebuild_into_the_new_replica(disk_home, tmp_path: Path, make_home) -> None:
    """The production default end to end with real children: a switch of ``current`` is answered at once
    from the new build, then from the new build's replica."""
    pool = ProcessPoolExecutor(disk_home.path, Env({}, {}), size=1)
    count = Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", choices=(("solutions", "csv"),))

    def until_memory(expected: str) -> Outcome:
        deadline = time.monotonic() + 30
        while True:
            outcome = pool.run(count, 30)
            if (outcome.version, outcome.evaluated_in) == (expected, "memory") or time.monotonic() > deadline:
                return outcome
            time.sleep(0.05)

    try:
        first = until_memory(disk_home.version())
        assert first.evaluated_in == "memory" and first.body.split() == [b"n", b"10000"]
        marker = ox.Quad(ox.NamedNode("urn:x:rebuilt"), ox.NamedNode("urn:x:p"), ox.Literal("B"),
                         ox.NamedNode("urn:x:g"))
        rebuilt = make_home(tmp_path / "rebuilt", [marker], build_id="20000102T000000Z-test01")
        disk_home.switch(rebuilt.current_build())
        time.sleep(0.2)  # the children re-read `current` at most every 0.1 s
        assert pool.run(count, 30).body.split() == [b"n", b"1"]  # never the old replica
        second = until_memory("20000102T000000Z-test01")
        assert second.evaluated_in == "memory" and second.body.split() == [b"n", b"1"]
    finally:
        pool.close()


def test_a_replacement_child_is_taken_last(disk_home) -> None:
    """After a kill, the replacement goes to the bottom of the idle children: the warm one keeps taking
    the queries."""
    pool = ProcessPoolExecutor(disk_home.path, env(), size=2)
    try:
        assert pool.wait_forked(30)
        first_pids = {child.pid for child in pool._idle.queue}
        endless = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = CONCAT(STR(?f), "x")) }'
        assert pool.run(Job(endless), 1.0).status == 503
        deadline = time.monotonic() + 30
        while pool._idle.qsize() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        children = list(pool._idle.queue)
        assert len(children) == 2
        [replacement] = [child for child in children if child.pid not in first_pids]
        assert children[0] is replacement  # a LifoQueue takes from the end of its list
        assert pool.run(Job("ASK { ?s ?p ?o }"), 30).status == 200
        assert list(pool._idle.queue)[0] is replacement
    finally:
        pool.close()


def test_pool_kills_a_query_past_its_deadline_and_replaces_the_child(disk_home) -> None:
    pool = ProcessPoolExecutor(disk_home.path, env(), size=1)
    try:
        assert pool.wait_forked(30)
        before = pool.replaced  # the fresh interpreters that answered while the zygote loaded
        endless = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = CONCAT(STR(?f), "x")) }'
        outcome = pool.run(Job(endless), 1.0)
        # No Retry-After (issue 9): the same query would time out again.
        assert outcome.status == 503 and "Retry-After" not in outcome.headers
        assert pool.replaced == before + 1
        # the replacement takes the next job (the pool has size 1: this waits for it)
        assert pool.run(Job("ASK { ?s ?p ?o }"), 30).status == 200
    finally:
        pool.close()


def test_pool_reports_a_missing_build(tmp_path: Path) -> None:
    pool = ProcessPoolExecutor(tmp_path / "empty-home", env(), size=1)
    try:
        assert pool.version() is None
        outcome = pool.run(Job("ASK {}"), 30)
        assert outcome.status == 503 and b"culturegraph build" in outcome.body
    finally:
        pool.close()


def test_in_process_executor(kasei_store: ox.Store) -> None:
    from culturegraph.web.app import FixedStore

    executor = InProcessExecutor(FixedStore(kasei_store, "v1"), env())
    outcome = executor.run(Job(CONSTRUCT_ALL, choices=(("graph", "ntriples"),)), 1)
    assert outcome.status == 200 and outcome.version == "v1" and outcome.body.count(b"\n") == 3


def test_construct_jsonld_round_trips(big_client: FlaskClient) -> None:
    response = get(big_client, CONSTRUCT_ALL, "application/ld+json")
    assert response.status_code == 200
    doc = json.loads(response.data)
    assert "@context" in doc
    reference = get(big_client, CONSTRUCT_ALL, "application/n-triples")
    assert isomorphic(rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld"),
                      rdflib.Graph().parse(data=reference.get_data(as_text=True), format="nt"))


@pytest.mark.slow
def test_real_build_through_the_executor_pool(settings: Settings, built, graph: ox.Store) -> None:
    """The production path (executor children on the built store): the SD counts every named graph."""
    app = create_app(settings.with_(query_store="disk"))  # the full build: see start_server
    client = app.test_client()
    try:
        g = parse_sd(client.get("/sparql", headers={"Accept": "text/turtle"}))
        dataset = g.value(g.value(predicate=rdflib.RDF.type, object=SD.Service), SD.defaultDataset)
        named = {str(g.value(n, SD.name)): int(g.value(g.value(n, SD.graph), VOID.triples))
                 for n in g.objects(dataset, SD.namedGraph)}
        expected = {str(row["g"].value): int(row["n"].value) for row in graph.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        assert named == expected
        assert settings.base_iri + "graph/museofile" in named
        response = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?m a <http://schema.org/Museum> }",
                       "text/csv")
        museums = int(response.get_data(as_text=True).splitlines()[1])
        assert museums == sum(1 for _ in graph.query("SELECT ?m WHERE { ?m a <http://schema.org/Museum> }",
                                                     use_default_graph_as_union=True))
    finally:
        app.extensions["culturegraph.sparql"].executor.close()



def test_byte_lru_is_bounded_in_bytes() -> None:
    from culturegraph.web.cache import ByteLRU

    cache = ByteLRU(max_bytes=100, max_entry_bytes=60)
    assert cache.put("a", "A", 40) and cache.put("b", "B", 40)
    assert not cache.put("big", "X", 61)  # not worth a slot
    assert cache.get("a") == "A"  # a is now the most recently used
    cache.put("c", "C", 40)  # over 100 bytes: b, the least recently used, goes
    assert cache.get("b") is None and cache.get("c") == "C" and cache.size == 80
    assert cache.get("a") == "A"
    cache.grow("a", 30)  # its gzipped variant: 110 bytes, so c goes
    assert cache.get("c") is None and cache.get("a") == "A" and cache.size == 70 and len(cache) == 1


def test_get_queries_skip_flask_with_the_same_answers(kasei_app, kasei_client: FlaskClient) -> None:
    """GET /sparql?query= is answered by the WSGI fast path (no Flask hooks run), with the same headers
    as the Flask view gives a POST of the same query."""
    seen: list[str] = []
    kasei_app.before_request(lambda: seen.append("flask"))
    fast = get(kasei_client, ALL_TRIPLES + " # fast", "text/csv")
    assert seen == []
    slow = kasei_client.post("/sparql", data={"query": ALL_TRIPLES + " # fast"},
                             headers={"Accept": "text/csv"})
    assert seen == ["flask"]
    assert fast.data == slow.data
    for name in ("Content-Type", "ETag", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers"):
        assert fast.headers[name] == slow.headers[name], name
    assert vary(fast) == vary(slow) == {"Accept", "Accept-Encoding", "Origin"}
    assert slow.headers["X-Query-Cache"] == "hit"  # the POST found the GET's result
    # a syntax error is the executor's answer (fast path); a protocol error is Flask's
    assert get(kasei_client, "SELECT * WHERE {").status_code == 400 and seen == ["flask"]
    assert get(kasei_client, "ASK {}", **{"default-graph-uri": "not an IRI"}).status_code == 400
    assert seen == ["flask", "flask"]


def test_would_hit_says_which_requests_the_cache_answers(kasei_app) -> None:
    """web/front.py answers these in its event loop: only a cached result for the same query, dataset
    and negotiated format, with the live graphs checked less than a second ago."""
    from urllib.parse import urlencode

    from werkzeug.test import EnvironBuilder

    from culturegraph.web.sparql import FAST_PATH

    fast = kasei_app.extensions[FAST_PATH]
    client = kasei_app.test_client()

    def environ(query: str, accept: str = "application/sparql-results+json", method: str = "GET") -> dict:
        return EnvironBuilder(path="/sparql", method=method, query_string=urlencode({"query": query}),
                              headers={"Accept": accept}).get_environ()

    assert not fast.would_hit(environ(ALL_TRIPLES))
    assert get(client, ALL_TRIPLES).headers["X-Query-Cache"] == "miss"
    assert fast.would_hit(environ(ALL_TRIPLES))
    assert fast.would_hit(environ(ALL_TRIPLES, method="HEAD"))
    assert not fast.would_hit(environ(ALL_TRIPLES, "text/csv"))  # that format is not cached yet
    assert not fast.would_hit(environ(ALL_TRIPLES + " "))  # another query
    assert not fast.would_hit(environ(ALL_TRIPLES, method="POST"))
    live = kasei_app.extensions["culturegraph.sparql"].live[0]
    live._checked = -1e9  # the live graphs are due for a check: the thread does it
    assert not fast.would_hit(environ(ALL_TRIPLES))


def test_would_hit_negotiates_on_the_headers_the_answer_will_see(kasei_app) -> None:
    """web/security.Guard cuts an over-long Accept to its whole items before the endpoint answers; a
    check made on the uncut header would send to the event loop a request whose answer then misses the
    cache and is evaluated there. Here the uncut Accept prefers the cached JSON, the cut one CSV."""
    from urllib.parse import urlencode

    from werkzeug.test import EnvironBuilder

    from culturegraph.web.security import MAX_NEGOTIATION_HEADER
    from culturegraph.web.sparql import FAST_PATH

    fast = kasei_app.extensions[FAST_PATH]
    assert get(kasei_app.test_client(), ALL_TRIPLES).headers["X-Query-Cache"] == "miss"
    filler = ", ".join(["x-none/x-none;q=0.1"] * (MAX_NEGOTIATION_HEADER // 20 + 1))
    accept = f"text/csv;q=0.5, {filler}, application/sparql-results+json"
    environ = EnvironBuilder(path="/sparql", query_string=urlencode({"query": ALL_TRIPLES}),
                             headers={"Accept": accept}).get_environ()
    assert not fast.would_hit(environ)
