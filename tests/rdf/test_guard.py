"""The query guard (rdf/guard.py): SERVICE found in every shape, nesting and size refused. Pure: no
store, no network (tests/web/test_hardening_queries.py checks the same shapes against a real server)."""

from __future__ import annotations

import pytest

from culturegraph.rdf.guard import Limits, QueryRefused, check, inspect, normalize_endpoint

BASE = "https://culturegraph.example/"
EVIL = "http://127.0.0.1:9/sparql"

# Every way of writing a SERVICE call that Oxigraph accepts (or might), with the endpoint it calls.
SERVICE_SHAPES = {
    "plain": (f"SELECT * WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}", EVIL),
    "lower case": (f"select * where {{ service <{EVIL}> {{ ?s ?p ?o }} }}", EVIL),
    "no spaces": (f"SELECT*{{SERVICE<{EVIL}>{{?s ?p ?o}}}}", EVIL),
    "silent": (f"SELECT * WHERE {{ SERVICE SILENT <{EVIL}> {{ ?s ?p ?o }} }}", EVIL),
    "silent glued": (f"SELECT * WHERE {{ SERVICESILENT<{EVIL}> {{ ?s ?p ?o }} }}", EVIL),
    "comment between": (f"SELECT * WHERE {{ SERVICE # no\n <{EVIL}> {{ ?s ?p ?o }} }}", EVIL),
    "escaped IRI": ("SELECT * WHERE { SERVICE <http://127.0.0.\\u0031:9/sparql> { ?s ?p ?o } }",
                    "http://127.0.0.1:9/sparql"),
    "prefixed name": ("PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
                      EVIL),
    "empty prefix glued": (
        "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }", EVIL),
    "BASE relative": ("BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", EVIL),
    "our own endpoint, relative": ("SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", f"{BASE}sparql"),
    "in OPTIONAL": (f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}", EVIL),
    "in UNION": (f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}", EVIL),
    "in MINUS": (f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}", EVIL),
    "in EXISTS": (f"ASK {{ FILTER EXISTS {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}", EVIL),
    "in NOT EXISTS": (f"ASK {{ FILTER(NOT EXISTS {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}) }}", EVIL),
    "in a sub-query": (f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }} }}",
                       EVIL),
    "nested SERVICE": (f"SELECT * WHERE {{ SERVICE <{EVIL}> {{ SERVICE <{EVIL}x> {{ ?s ?p ?o }} }} }}", EVIL),
    "in CONSTRUCT": (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}", EVIL),
    "in GRAPH": (f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }} }}", EVIL),
    "after a string with braces": (
        f'SELECT * WHERE {{ BIND("}} # <" AS ?x) SERVICE <{EVIL}> {{ ?s ?p ?o }} }}', EVIL),
}


@pytest.mark.parametrize("name", sorted(SERVICE_SHAPES))
def test_service_found_and_refused(name):
    query, endpoint = SERVICE_SHAPES[name]
    calls = inspect(query, BASE).services
    assert calls and calls[0].endpoint == endpoint
    with pytest.raises(QueryRefused) as refused:
        check(query, BASE)
    assert refused.value.status == 400 and refused.value.limit == "service"
    assert "SERVICE" in refused.value.message


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE $e { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT ?e { ?s ?p ?o } }",
])
def test_variable_service_refused_even_with_an_allow_list(query):
    [call] = inspect(query).services
    assert call.endpoint is None
    with pytest.raises(QueryRefused, match="variable"):
        check(query, allowed_services=frozenset({normalize_endpoint(EVIL)}))


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
    "SELECT * WHERE { ?s ?p '''SERVICE\n<http://127.0.0.1:9/>''' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
    "SELECT * WHERE { ?s <http://x/SERVICE> ?o }",
    "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s a schema:Service ; schema:serviceType ?t }",
    "SELECT ?service WHERE { ?service ?p ?o }",
])
def test_no_service_where_there_is_none(query):
    assert inspect(query).services == ()
    check(query, BASE)


def test_allow_list_lets_a_listed_endpoint_through():
    listed = frozenset({normalize_endpoint("HTTP://Example.ORG:80/sparql")})
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert [c.endpoint for c in check(query, allowed_services=listed).services] == ["http://example.org/sparql"]
    with pytest.raises(QueryRefused, match="allow-list"):
        check("SELECT * WHERE { SERVICE <http://example.org/other> { ?s ?p ?o } }", allowed_services=listed)
    with pytest.raises(QueryRefused, match="allow-list"):  # user info is never a listed endpoint
        check("SELECT * WHERE { SERVICE <http://u@example.org/sparql> { ?s ?p ?o } }",
              allowed_services=listed)


# The shapes of issue 9, finding 5 (they crash pyoxigraph 0.5.13 on an 8 MB stack).
CRASHERS = {
    "5,000 nested groups": "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000,
    "10,000 parentheses in a FILTER":
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
    "5,000 nested sub-SELECTs": "SELECT * WHERE " + "{ SELECT * WHERE " * 5000 + "{ ?s ?p ?o }" + "}" * 5000,
    "1+1+… of 100k terms": "SELECT * WHERE { BIND(" + "+".join(["1"] * 100_000) + " AS ?x) }",
    "6,000 BINDs": "SELECT * WHERE { " + " ".join(f"BIND(1 AS ?x{i})" for i in range(6000)) + " }",
    "20,000 UNIONs": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 20000) + " }",
    "parentheses hidden in an IRI-looking run": "ASK { FILTER(?a<" + "(" * 3000 + "1" + ")" * 3000 + ">?b) }",
    "nested quoted triples": "SELECT * WHERE { ?s ?p " + "<< <x:s> <x:p> " * 400 + "1" + " >>" * 400 + " }",
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_crashing_shapes_refused_with_the_limit_named(name):
    with pytest.raises(QueryRefused) as refused:
        check(CRASHERS[name], BASE)
    assert refused.value.status == 400
    assert refused.value.limit in ("query_max_depth", "query_max_nodes")
    assert refused.value.limit in refused.value.message


def test_limits_are_limits():
    nested = "SELECT * WHERE " + "{" * 50 + "?s ?p ?o" + "}" * 50
    assert check(nested, limits=Limits(max_depth=50)) is not None
    with pytest.raises(QueryRefused, match="51 deep"):
        check(nested.replace("WHERE ", "WHERE {", 1) + "}", limits=Limits(max_depth=50))
    flat = "ASK { FILTER(" + "+".join(["1"] * 101) + ") }"
    with pytest.raises(QueryRefused, match="query_max_nodes"):
        check(flat, limits=Limits(max_nodes=100))


def test_a_big_ordinary_query_passes():
    iris = " ".join(f"<http://x/{i}>" for i in range(50_000))
    values = "SELECT * WHERE { VALUES ?s { " + iris + " } ?s ?p ?o }"
    assert check(values).depth == 2
    real = ("PREFIX schema: <http://schema.org/> SELECT ?m (COUNT(*) AS ?n) WHERE { ?m a schema:Museum ; "
            "schema:name ?name . OPTIONAL { ?m schema:address [ schema:postalCode ?cp ] } "
            "FILTER(STRSTARTS(?cp, \"75\") || !BOUND(?cp)) } GROUP BY ?m ORDER BY DESC(?n) LIMIT 10")
    found = inspect(real)
    assert found.services == () and 0 < found.depth < 10


def test_normalize_endpoint():
    assert normalize_endpoint("HTTPS://Query.Wikidata.org:443/sparql") == "https://query.wikidata.org/sparql"
    assert normalize_endpoint("http://[::1]:8080") == "http://[::1]:8080/"
