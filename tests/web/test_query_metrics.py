"""The endpoint's metrics (web/query_metrics.py) and what it leaves for the access log (ops.note_query),
in process."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY

from culturegraph.web.ops import QUERY_KEY, query_hash


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_cache_hits_refusals_and_query_time_are_counted(kasei_app) -> None:
    seen: list[dict[str, Any]] = []
    inner = kasei_app.wsgi_app

    def capture(environ, start_response):
        seen.append(environ)
        return inner(environ, start_response)

    kasei_app.wsgi_app = capture
    client = kasei_app.test_client()
    query = "SELECT * WHERE { ?s ?p ?o } # metrics"
    hits, misses = sample("culturegraph_query_cache_total", result="hit"), \
        sample("culturegraph_query_cache_total", result="miss")
    evaluated = sample("culturegraph_query_seconds_count", status="200")
    assert client.get("/sparql", query_string={"query": query}).status_code == 200
    assert client.get("/sparql", query_string={"query": query}).status_code == 200
    assert sample("culturegraph_query_cache_total", result="miss") == misses + 1
    assert sample("culturegraph_query_cache_total", result="hit") == hits + 1
    assert sample("culturegraph_query_seconds_count", status="200") == evaluated + 1
    assert seen[0][QUERY_KEY]["hash"] == query_hash(query) and seen[0][QUERY_KEY]["ms"] > 0
    assert seen[1][QUERY_KEY]["hash"] == query_hash(query) and "ms" not in seen[1][QUERY_KEY]  # a hit

    refused = sample("culturegraph_queries_refused_total", reason="service")
    response = client.get("/sparql", query_string={"query": "ASK { SERVICE <http://127.0.0.1:9/> {} }"})
    assert response.status_code == 400
    assert sample("culturegraph_queries_refused_total", reason="service") == refused + 1
