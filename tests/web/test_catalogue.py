"""The catalogue on the web (web/catalogue.py): /catalogue dereferences like any resource (303 →
/doc/catalogue, Turtle, JSON-LD, HTML), /.well-known/void answers, each dump downloads whole and by
ranges (a resumed download works) with the published SHA-256 — with Flask's test client and with a real
server on 127.0.0.1 —, pages link the downloads, /changes and its Atom feed follow the builds."""

from __future__ import annotations

import hashlib
import http.client
import json
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from culturegraph.catalogue.dumps import WHOLE, dumps_dir, read_manifest
from culturegraph.web.app import create_app

BASE = "https://culturegraph.example/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def toy(toy_builds):
    settings, registry, first, second = toy_builds
    app = create_app(settings, registry=registry)
    return app.test_client(), settings, first, second


def published_checksums(turtle: bytes) -> dict[str, str]:
    """download URL → the SHA-256 the catalogue publishes for it."""
    triples = list(parse(turtle, format=RdfFormat.TURTLE))
    by = {}
    for t in triples:
        by.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object.value)
    out = {}
    for props in by.values():
        if DCAT + "downloadURL" in props:
            checksum = props[SPDX + "checksum"][0]
            out[props[DCAT + "downloadURL"][0]] = by[checksum][SPDX + "checksumValue"][0]
    return out


# the catalogue -----------------------------------------------------------------------------------------

def test_catalogue_is_a_thing_that_redirects_to_its_document(toy):
    client, *_ = toy
    for path in ("/catalogue", "/.well-known/void"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 303
        assert response.headers["Location"] == "http://localhost/doc/catalogue"
        assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("accept", "content_type"), [
    ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("text/html", "text/html"), ("application/n-triples", "application/n-triples"),
    ("application/trig", "application/trig")])
def test_catalogue_document_negotiates(toy, accept, content_type):
    client, *_ = toy
    response = client.get("/doc/catalogue", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Content-Location"].startswith("http://localhost/doc/catalogue.")
    assert response.headers["ETag"]
    body = response.get_data(as_text=True)
    assert f"{BASE}data/toy" in body or "data/toy" in body


def test_catalogue_in_json_ld_and_turtle_say_the_same(toy):
    client, *_ = toy
    turtle = list(parse(client.get("/doc/catalogue.ttl").data, format=RdfFormat.TURTLE))
    jsonld = list(parse(client.get("/doc/catalogue.jsonld").data, format=RdfFormat.JSON_LD))
    assert len(turtle) > 100
    key = {(t.subject.value, t.predicate.value, t.object.value) for t in turtle
           if not t.subject.value.startswith("_")}
    assert key <= {(t.subject.value, t.predicate.value, t.object.value) for t in jsonld}
    datasets = {t.object.value for t in turtle
                if t.subject == NamedNode(BASE + "catalogue") and t.predicate == NamedNode(DCAT + "dataset")}
    assert datasets == {f"{BASE}data/{n}" for n in ("toy", "vocabulaires", "provenance", "liens", WHOLE)}


def test_catalogue_byte_size_keeps_its_datatype(toy):
    """Served as generated: dcat:byteSize stays xsd:nonNegativeInteger (the store would make it
    xsd:integer)."""
    client, *_ = toy
    sizes = [t.object for t in parse(client.get("/doc/catalogue.nt").data, format=RdfFormat.N_TRIPLES)
             if t.predicate == NamedNode(DCAT + "byteSize")]
    assert sizes and {s.datatype.value for s in sizes} == {"http://www.w3.org/2001/XMLSchema#nonNegativeInteger"}


def test_catalogue_page_for_people(toy):
    client, *_ = toy
    html = client.get("/doc/catalogue", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Jouets (jeu d&#39;essai)" in html  # escaped, as every text of the page
    assert 'href="http://localhost/dumps/toy.nq.gz"' in html
    assert "<script>" not in html


def test_unknown_format_and_not_acceptable(toy):
    client, *_ = toy
    assert client.get("/doc/catalogue.xyz").status_code == 404
    assert client.get("/doc/catalogue", headers={"Accept": "image/png"}).status_code == 406


# the dumps -------------------------------------------------------------------------------------------------

def test_each_dump_downloads_with_the_published_sha256(toy):
    client, _, _, second = toy
    checksums = published_checksums(client.get("/doc/catalogue.ttl").data)
    dumps = read_manifest(second.directory)
    assert len(checksums) == len(dumps)
    for dump in dumps:
        response = client.get(f"/dumps/{dump.file}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/gzip"
        assert int(response.headers["Content-Length"]) == dump.bytes == len(response.data)
        assert response.headers["ETag"] == f'"{dump.sha256}"'
        assert hashlib.sha256(response.data).hexdigest() == checksums[f"{BASE}dumps/{dump.file}"]


def test_a_resumed_download_is_the_whole_file(toy):
    client, _, _, second = toy
    dump = next(d for d in read_manifest(second.directory) if d.file == f"{WHOLE}.nq.gz")
    whole = (dumps_dir(second.directory) / dump.file).read_bytes()
    half = len(whole) // 2
    first = client.get(f"/dumps/{dump.file}", headers={"Range": f"bytes=0-{half - 1}"})
    assert first.status_code == 206 and len(first.data) == half
    rest = client.get(f"/dumps/{dump.file}",
                      headers={"Range": f"bytes={half}-", "If-Range": f'"{dump.sha256}"'})
    assert rest.status_code == 206
    assert rest.headers["Content-Range"] == f"bytes {half}-{len(whole) - 1}/{len(whole)}"
    assert first.data + rest.data == whole
    assert hashlib.sha256(first.data + rest.data).hexdigest() == dump.sha256
    # A stale validator: the whole (current) file, not a piece of another one.
    stale = client.get(f"/dumps/{dump.file}", headers={"Range": f"bytes={half}-", "If-Range": '"0000"'})
    assert stale.status_code == 200 and stale.data == whole
    conditional = client.get(f"/dumps/{dump.file}", headers={"If-None-Match": f'"{dump.sha256}"'})
    assert conditional.status_code == 304


def test_unknown_dumps_are_404_and_never_a_path(toy):
    client, *_ = toy
    for name in ("nothing.nq.gz", "..%2Fcatalogue.nt", "dumps.json", ".tmp"):
        response = client.get(f"/dumps/{name}")
        assert response.status_code in (400, 404), name
        assert b"culturegraph.example" not in response.data and b"catalogue.nt" not in response.data


def test_pages_link_the_downloads(toy):
    client, *_ = toy
    home = client.get("/").get_data(as_text=True)
    assert 'href="http://localhost/dumps/culturegraph.nq.gz"' in home
    assert 'href="http://localhost/dumps/toy.ttl.gz"' in home
    for page in ("/doc/data/toy", "/doc/graph/toy"):
        html = client.get(page, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'href="http://localhost/dumps/toy.trig.gz"' in html, page


def test_a_graph_dereferences_to_its_provenance(toy):
    client, settings, _, second = toy
    response = client.get("/graph/toy")
    assert response.status_code == 303
    turtle = client.get("/doc/graph/toy.ttl").data
    triples = {(t.predicate.value, t.object.value) for t in parse(turtle, format=RdfFormat.TURTLE)
               if t.subject == NamedNode(BASE + "graph/toy")}
    prov = "http://www.w3.org/ns/prov#"
    assert (prov + "wasGeneratedBy", f"{BASE}data/build/{second.build_id}") in triples
    assert (prov + "wasDerivedFrom", f"{BASE}data/source/toy/toy.json") in triples
    plans = [o for p, o in triples if p == prov + "wasInfluencedBy"]
    assert len(plans) == 1 and plans[0].startswith(f"{BASE}id/logiciel/correspondance-toy-")


# changes -------------------------------------------------------------------------------------------------

def test_changes_page_feed_and_report(toy):
    client, _, first, second = toy
    html = client.get("/changes").get_data(as_text=True)
    assert second.build_id in html and "id/jouet/T4" in html
    feed = ET.fromstring(client.get("/changes.atom").data)
    ids = [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")]
    assert ids[0].endswith("#" + second.build_id) and any(i.endswith("#" + first.build_id) for i in ids)
    report = client.get(f"/changes/{second.build_id}.json")
    assert report.status_code == 200 and json.loads(report.data)["previous"] == first.build_id
    assert client.get("/changes/..%2F..%2Fetc.json").status_code == 404


# a real server ---------------------------------------------------------------------------------------------

def test_download_from_a_real_server_with_a_resumed_range(toy, live_server):
    _, settings, _, second = toy
    server = live_server(settings.store_home, query_store="disk")
    host = urlsplit(server.url)
    dump = next(d for d in read_manifest(second.directory) if d.file == f"{WHOLE}.trig.gz")
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    connection.request("GET", "/doc/catalogue", headers={"Accept": "text/turtle"})
    response = connection.getresponse()
    checksums = published_checksums(response.read())
    assert response.status == 200
    connection.request("GET", f"/dumps/{dump.file}", headers={"Range": "bytes=0-99"})
    response = connection.getresponse()
    head = response.read()
    assert response.status == 206 and len(head) == 100
    connection.request("GET", f"/dumps/{dump.file}",
                       headers={"Range": "bytes=100-", "If-Range": f'"{dump.sha256}"'})
    response = connection.getresponse()
    rest = response.read()
    assert response.status == 206
    assert int(response.getheader("Content-Length")) == dump.bytes - 100
    assert hashlib.sha256(head + rest).hexdigest() == checksums[f"{BASE}dumps/{dump.file}"] == dump.sha256
    connection.close()
