"""web/ops.py: /healthz, /readyz, /metrics (prometheus_client, multiprocess) and the access log."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from culturegraph.web import ops
from culturegraph.web.app import create_app


@pytest.fixture
def client(web_settings, kasei_store):
    return create_app(web_settings(), store=kasei_store).test_client()


def test_health_and_readiness(client):
    assert (client.get("/healthz").status_code, client.get("/healthz").data) == (200, b"ok\n")
    assert (client.get("/readyz").status_code, client.get("/readyz").data) == (200, b"ready\n")
    assert client.post("/healthz").status_code == 405


def test_not_ready_without_a_build(web_settings):
    client = create_app(web_settings()).test_client()  # an empty store home
    response = client.get("/readyz")
    assert response.status_code == 503 and response.data.startswith(b"not ready: no build")
    assert client.get("/healthz").status_code == 200


def test_metrics_count_requests_by_route_and_status(client):
    def counted(route: str, status: str) -> float:
        return ops.REQUESTS.labels(route, "GET", status)._value.get()

    before = counted("graph", "404"), counted("sparql", "200")
    client.get("/graph/nothing").close()  # a streamed response is counted when the server closes it
    client.get("/sparql?query=ASK%7B%7D")
    assert (counted("graph", "404"), counted("sparql", "200")) == (before[0] + 1, before[1] + 1)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'culturegraph_http_requests_total{method="GET",route="graph",status="404"}' in text


def test_routes_are_a_fixed_set():
    assert ops.route_of("/doc/musee/M1") == "doc" and ops.route_of("/") == "home"
    assert ops.route_of("/whatever/x") == "other" and ops.route_of("/static/a.css") == "static"


def test_the_access_log_line(client, capfd):
    client.get("/sparql?query=ASK%7B%7D")
    client.get("/id/a%0Ab")
    lines = capfd.readouterr().err.splitlines()
    assert any("GET /sparql route=sparql status=200" in line and f"query={ops.query_hash('ASK{}')}" in line
               and "query_ms=" in line for line in lines), lines
    assert any("route=id status=400" in line and "\\x0a" in line for line in lines), lines  # no raw newline


def test_metrics_of_any_module_are_summed_across_processes(tmp_path):
    """Two processes with PROMETHEUS_MULTIPROC_DIR (as serve.py sets it) count into one /metrics."""
    code = textwrap.dedent("""
        import sys
        from prometheus_client import Counter
        counter = Counter("test_elsewhere_total", "a metric of another module", ["kind"])
        counter.labels("x").inc(int(sys.argv[1]))
    """)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (2, 3):
        subprocess.run([sys.executable, "-c", code, str(n)], env=env, check=True)
    reader = textwrap.dedent("""
        from culturegraph.web.ops import metrics_text
        print(metrics_text()[0].decode())
    """)
    out = subprocess.run([sys.executable, "-c", reader], env=env, check=True, capture_output=True, text=True)
    assert 'test_elsewhere_total{kind="x"} 5.0' in out.stdout
