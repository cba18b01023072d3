"""The W3C SPARQL 1.1 Protocol tests that concern queries (rdf-tests sparql/sparql11/protocol/manifest.ttl:
the query tests, 1-12 and 20-27; the update and graph-store tests do not apply), one pytest case each.

Requests are written as the manifest's ``ht:Request`` describes them (method, ``ht:absolutePath`` with
its ``/sparql/`` prefix mapped to our endpoint, headers, body and its encoding); no ``Accept`` header is
sent, as in the manifest, so the server default is what is judged. Expectations are the manifest's:
``mf:expectedStatus`` (2xx/3xx, or 4xx), ``mf:expectedFormat`` (boolean / tabular / RDF, judged by the
Content-Type) and ``mf:expectedBoolean``.

Data (``ut:graphData``): the three one-triple graphs data1..data3.nt, each in the named graph of the
same IRI (``kasei_store`` in conftest.py).

``query_multiple_dataset``: the ht: version of the manifest read for this (rdf-tests 0198f458) encodes
the path as ``?named-graph-uri=…data1.rdf%26named-graph-uri%3D…data2.rdf`` — *one* parameter whose
value contains ``&named-graph-uri=``. The original harness (kasei/sparql11-protocolvalidator,
``test_query_multiple_dataset``) and the prose request send two ``named-graph-uri`` parameters, and with
a single (non-existent) named graph the expected ``true`` is impossible; we send the two parameters.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

DATA = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
BOOLEAN_TYPES = {"application/sparql-results+xml", "application/sparql-results+json"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json",
             "application/n-quads", "application/trig", "application/rdf+json", "text/html"}


def enc(text: str) -> str:
    """Percent-encoding as the manifest writes it (``%20`` for spaces, ``/`` and ``:`` encoded)."""
    return quote(text, safe="")


def path(query_string: str = "") -> str:
    """``ht:absolutePath`` ``/sparql/?…`` → our endpoint ``/sparql?…``."""
    return "/sparql" + (f"?{query_string}" if query_string else "")


def request(client: FlaskClient, method: str, query_string: str = "", body: bytes | None = None,
            content_type: str | None = None) -> TestResponse:
    headers = {"Content-Type": content_type} if content_type else {}
    return client.open(path(query_string), method=method, data=body, headers=headers)


def assert_success(response: TestResponse) -> None:
    assert 200 <= response.status_code < 400, (response.status_code, response.get_data(as_text=True))


def assert_boolean(response: TestResponse, expected: bool | None = None) -> None:
    assert_success(response)
    assert response.mimetype in BOOLEAN_TYPES, response.content_type
    if expected is None:
        return
    if response.mimetype == "application/sparql-results+json":
        assert json.loads(response.data)["boolean"] is expected
    else:
        assert f"<boolean>{str(expected).lower()}</boolean>".encode() in response.data


def assert_4xx(response: TestResponse) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True))


ASK_1_2 = (f"ASK {{ <{DATA.format(1)}> a ?type . <{DATA.format(2)}> a ?type . }}")
ASK_GRAPHS_1_2 = (f"ASK {{ GRAPH ?g1 {{ <{DATA.format(1)}> a ?type }} "
                  f"GRAPH ?g2 {{ <{DATA.format(2)}> a ?type }} }}")
DG = "default-graph-uri="
NG = "named-graph-uri="


# 1
def test_query_post_form(kasei_client: FlaskClient) -> None:
    response = request(kasei_client, "POST", DG + enc(DATA.format(0)), b"query=ASK%20%7B%7D",
                       "application/x-www-form-urlencoded")
    assert_boolean(response, True)


# 2
def test_query_dataset_default_graphs_get(kasei_client: FlaskClient) -> None:
    qs = f"query={enc(ASK_1_2)}&{DG}{enc(DATA.format(1))}&{DG}{enc(DATA.format(2))}"
    assert_boolean(request(kasei_client, "GET", qs), True)


# 3
def test_query_dataset_default_graphs_post(kasei_client: FlaskClient) -> None:
    qs = f"{DG}{enc(DATA.format(1))}&{DG}{enc(DATA.format(2))}"
    response = request(kasei_client, "POST", qs, ASK_1_2.encode(), "application/sparql-query")
    assert_boolean(response, True)


# 4
def test_query_dataset_named_graphs_post(kasei_client: FlaskClient) -> None:
    qs = f"{NG}{enc(DATA.format(1))}&{NG}{enc(DATA.format(2))}"
    response = request(kasei_client, "POST", qs, ASK_GRAPHS_1_2.encode(), "application/sparql-query")
    assert_boolean(response, True)


# 5
def test_query_dataset_named_graphs_get(kasei_client: FlaskClient) -> None:
    qs = f"query={enc(ASK_GRAPHS_1_2)}&{NG}{enc(DATA.format(1))}&{NG}{enc(DATA.format(2))}"
    assert_boolean(request(kasei_client, "GET", qs), True)


# 6
def test_query_dataset_full(kasei_client: FlaskClient) -> None:
    query = (f"ASK {{\n  <{DATA.format(3)}> a ?type\n  GRAPH ?g1 {{ <{DATA.format(1)}> a ?type }}\n"
             f"  GRAPH ?g2 {{ <{DATA.format(2)}> a ?type }}\n}}")
    qs = f"{DG}{enc(DATA.format(3))}&{NG}{enc(DATA.format(1))}&{NG}{enc(DATA.format(2))}"
    response = request(kasei_client, "POST", qs, query.encode(), "application/sparql-query")
    assert_boolean(response, True)


# 7
def test_query_multiple_dataset(kasei_client: FlaskClient) -> None:
    query = (f"ASK FROM <{DATA.format(3)}> {{ GRAPH ?g1 {{ <{DATA.format(1)}> a ?type }} "
             f"GRAPH ?g2 {{ <{DATA.format(2)}> a ?type }} }}")
    qs = f"{NG}{enc(DATA.format(1))}&{NG}{enc(DATA.format(2))}"  # see the module docstring
    response = request(kasei_client, "POST", qs, query.encode(), "application/sparql-query")
    assert_boolean(response, True)


# 8
def test_query_get(kasei_client: FlaskClient) -> None:
    assert_boolean(request(kasei_client, "GET", f"query=ASK%20%7B%7D&{DG}{enc(DATA.format(0))}"), True)


# 9
def test_query_content_type_select(kasei_client: FlaskClient) -> None:
    response = request(kasei_client, "POST", DG + enc(DATA.format(0)), b"SELECT (1 AS ?value) {}",
                       "application/sparql-query")
    assert_success(response)
    assert response.mimetype in TABULAR_TYPES, response.content_type


# 10
def test_query_content_type_ask(kasei_client: FlaskClient) -> None:
    response = request(kasei_client, "POST", DG + enc(DATA.format(0)), b"ASK {}", "application/sparql-query")
    assert_boolean(response)


# 11
def test_query_content_type_describe(kasei_client: FlaskClient) -> None:
    response = request(kasei_client, "POST", DG + enc(DATA.format(0)), b"DESCRIBE <http://example.org/>",
                       "application/sparql-query")
    assert_success(response)
    assert response.mimetype in RDF_TYPES - {"text/html"}, response.content_type


# 12
def test_query_content_type_construct(kasei_client: FlaskClient) -> None:
    response = request(kasei_client, "POST", DG + enc(DATA.format(0)), b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                       "application/sparql-query")
    assert_success(response)
    assert response.mimetype in RDF_TYPES - {"text/html"}, response.content_type


# 20
def test_query_post_direct(kasei_client: FlaskClient) -> None:
    assert_boolean(request(kasei_client, "POST", "", b"ASK {}", "application/sparql-query"), True)


# 21
def test_bad_query_method(kasei_client: FlaskClient) -> None:
    response = request(kasei_client, "PUT", f"query=ASK%20%7B%7D&{DG}{enc(DATA.format(0))}", b"",
                       "application/x-www-form-urlencoded")
    assert_4xx(response)


# 22
def test_bad_multiple_queries(kasei_client: FlaskClient) -> None:
    assert_4xx(request(kasei_client, "GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D"))


# 23
def test_bad_query_wrong_media_type(kasei_client: FlaskClient) -> None:
    assert_4xx(request(kasei_client, "POST", "", b"ASK {}", "text/plain"))


# 24
def test_bad_query_missing_form_type(kasei_client: FlaskClient) -> None:
    assert_4xx(request(kasei_client, "POST", "", b"query=ASK%20%7B%7D"))


# 25
def test_bad_query_missing_direct_type(kasei_client: FlaskClient) -> None:
    assert_4xx(request(kasei_client, "POST", "", b"ASK {}"))


# 26
def test_bad_query_non_utf8(kasei_client: FlaskClient) -> None:
    body = "ASK {}".encode("utf-16")  # with a BOM, 14 bytes, as the manifest says
    assert len(body) == 14
    assert_4xx(request(kasei_client, "POST", "", body, "application/sparql-query; charset=UTF-16"))


# 27
def test_bad_query_syntax(kasei_client: FlaskClient) -> None:
    assert_4xx(request(kasei_client, "GET", "query=ASK%20%7B"))


@pytest.mark.parametrize("query_string", ["", f"{DG}{enc(DATA.format(1))}"])
def test_union_default_graph_only_without_protocol_dataset(kasei_client: FlaskClient, query_string: str):
    """Guard for tests 2-7: without protocol graphs the default graph is the union (data3 is in it);
    with default-graph-uri=data1 it is not."""
    qs = f"query={enc(f'ASK {{ <{DATA.format(3)}> a ?t }}')}" + (f"&{query_string}" if query_string else "")
    assert_boolean(request(kasei_client, "GET", qs), not query_string)
