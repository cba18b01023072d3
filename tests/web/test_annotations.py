"""The W3C Web Annotation Protocol (web/annotations.py) against a REAL server on loopback
(``culturegraph serve --production``, two workers): the server MUSTs of
https://www.w3.org/TR/annotation-protocol/ — container, paging, media types, headers, 201/204, ETag
and If-Match —, writes refused without a curator's token, and parallel posts to both workers that lose
nothing."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from culturegraph.remarks.store import RemarkStore

EX = "http://example.org/cg-test/"
MUSEUM = f"{EX}id/musee/M0001"
PROFILE = "http://www.w3.org/ns/anno.jsonld"
MEDIA = f'application/ld+json; profile="{PROFILE}"'
LDP = "http://www.w3.org/ns/ldp#"


class Server:
    def __init__(self, url: str, token: str, remarks: Path) -> None:
        self.url, self.token, self.remarks = url, token, remarks

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             token: bool = False) -> tuple[int, Any, bytes]:
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            request.add_header("Content-Type", MEDIA)
        if token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, make_home: Callable[..., Any],
           live_server: Callable[..., Any]) -> Server:
    root = tmp_path_factory.mktemp("annotations")
    graph = NamedNode(f"{EX}graph/museofile")
    quads = [Quad(NamedNode(f"{EX}id/musee/M{i:04d}"), NamedNode("https://schema.org/name"),
                  Literal(f"Musée {i}", language="fr"), graph) for i in range(1, 4)]
    home = make_home(root / "home", quads)
    remarks = root / "remarks"
    store = RemarkStore(remarks)
    store.add_curator("marie", "un mot de passe assez long")
    token = store.new_token("marie")
    live = live_server(home, base_iri=EX, workers=2,
                       extra_env={"CULTUREGRAPH_REMARKS": str(remarks),
                                  "CULTUREGRAPH_REMARKS_PER_WINDOW": "1000"})
    return Server(live.url, token, remarks)


def annotation(text: str, target: str = MUSEUM) -> dict[str, Any]:
    return {"@context": PROFILE, "type": "Annotation", "motivation": "commenting",
            "body": {"type": "TextualBody", "value": text, "purpose": "commenting"},
            "target": {"source": target, "selector": {"type": "culturegraph:ValueSelector",
                                                      "rdf:predicate": {"id": "https://schema.org/name"}}}}


def links(header: str) -> set[tuple[str, str]]:
    out = set()
    for part in header.split(","):
        iri, _, params = part.strip().partition(";")
        rel = params.strip().removeprefix("rel=").strip('"')
        out.add((iri.strip("<> "), rel))
    return out


def test_unauthenticated_writes_are_refused(server: Server) -> None:
    status, headers, _ = server.call("POST", "/annotations/", annotation("x"))
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    server.token, good = server.token + "x", server.token
    try:
        assert server.call("POST", "/annotations/", annotation("x"), token=True)[0] == 401
    finally:
        server.token = good


def test_create_read_update_delete(server: Server) -> None:
    status, headers, body = server.call("POST", "/annotations/", annotation("Nom faux"), token=True)
    assert status == 201
    location = headers["Location"]
    assert location.startswith(server.url + "/annotations/")
    created = json.loads(body)
    assert created["id"] == location and created["type"] == "Annotation"
    assert headers["Content-Type"] == MEDIA and headers["ETag"]
    path = urllib.parse.urlsplit(location).path

    # GET, HEAD, OPTIONS of an annotation
    status, headers, body = server.call("GET", path, headers={"Accept": MEDIA})
    assert status == 200 and headers["Content-Type"] == MEDIA
    got = json.loads(body)
    assert got["target"]["source"] == MUSEUM and got["body"]["value"] == "Nom faux"
    assert (f"{LDP}Resource", "type") in links(headers["Link"])
    assert set(headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
    assert "Accept" in headers["Vary"]
    etag = headers["ETag"]
    head = server.call("HEAD", path)
    assert head[0] == 200 and head[2] == b"" and head[1]["ETag"] == etag
    assert server.call("GET", path, headers={"If-None-Match": etag})[0] == 304
    options = server.call("OPTIONS", path)
    assert options[0] == 200 and "PUT" in options[1]["Allow"]
    assert server.call("GET", path, headers={"Accept": "text/csv"})[0] == 406

    # PUT: If-Match required, a stale one refused
    changed = {**annotation("Nom faux, voir le site du musée"), "id": location}
    assert server.call("PUT", path, changed, token=True)[0] == 428
    assert server.call("PUT", path, changed, {"If-Match": '"stale"'}, token=True)[0] == 412
    assert server.call("PUT", path, changed, {"If-Match": etag})[0] == 401
    status, headers, body = server.call("PUT", path, changed, {"If-Match": etag}, token=True)
    assert status == 200 and headers["ETag"] != etag
    assert json.loads(body)["body"]["value"] == "Nom faux, voir le site du musée"
    assert server.call("PUT", path, {**changed, "id": server.url + "/annotations/other"},
                       {"If-Match": headers["ETag"]}, token=True)[0] == 400

    # DELETE: 204, then gone
    assert server.call("DELETE", path, headers={"If-Match": etag}, token=True)[0] == 412
    assert server.call("DELETE", path, headers={"If-Match": headers["ETag"]}, token=True)[0] == 204
    assert server.call("GET", path)[0] == 404


def test_the_container(server: Server) -> None:
    for i in range(3):
        sent = server.call("POST", "/annotations/", annotation(f"c{i}", f"{EX}id/musee/M0002"), token=True)
        assert sent[0] == 201
    status, headers, body = server.call("GET", "/annotations/", headers={"Accept": MEDIA})
    assert status == 200 and headers["Content-Type"] == MEDIA
    found = links(headers["Link"])
    assert (f"{LDP}BasicContainer", "type") in found
    assert ("http://www.w3.org/TR/annotation-protocol/", f"{LDP}constrainedBy") in found
    assert set(headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS", "POST"}
    assert "Accept" in headers["Vary"] and "Prefer" in headers["Vary"]
    assert headers["ETag"] and headers["Accept-Post"] == MEDIA
    data = json.loads(body)
    assert PROFILE in data["@context"] and "http://www.w3.org/ns/ldp.jsonld" in data["@context"]
    assert set(data["type"]) == {"BasicContainer", "AnnotationCollection"}
    assert data["total"] >= 3 and data["first"]["type"] == "AnnotationPage" and data["last"]

    # Prefer: minimal container (pages by IRI), contained IRIs
    minimal = f'return=representation;include="{LDP}PreferMinimalContainer"'
    data = json.loads(server.call("GET", "/annotations/", headers={"Prefer": minimal})[2])
    assert isinstance(data["first"], str) and "items" not in data
    iris = f'return=representation;include="{LDP}PreferContainedIRIs"'
    data = json.loads(server.call("GET", "/annotations/", headers={"Prefer": iris})[2])
    assert all(isinstance(item, str) for item in data["first"]["items"])

    # search by target, and a page
    query = "/annotations/?target=" + urllib.parse.quote(f"{EX}id/musee/M0002", safe="")
    data = json.loads(server.call("GET", query)[2])
    assert data["total"] == 3
    assert [a["body"]["value"] for a in data["first"]["items"]] == ["c0", "c1", "c2"]
    page_url = urllib.parse.urlsplit(data["first"]["id"])
    status, headers, body = server.call("GET", f"{page_url.path}?{page_url.query}")
    page = json.loads(body)
    assert status == 200 and page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert page["partOf"]["total"] == 3 and len(page["items"]) == 3
    assert server.call("GET", "/annotations/?page=99")[0] == 404
    assert server.call("GET", "/annotations/?page=x")[0] == 400
    options = server.call("OPTIONS", "/annotations/")
    assert options[0] == 200 and options[1]["Accept-Post"] == MEDIA


def test_paging_across_pages(server: Server) -> None:
    from culturegraph.web.annotations import PAGE_SIZE

    target = f"{EX}id/musee/M0003"
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: server.call("POST", "/annotations/", annotation(f"p{i}", target),
                                                       token=True)[0], range(PAGE_SIZE + 5)))
    assert statuses == [201] * (PAGE_SIZE + 5)  # two workers writing at once
    query = "/annotations/?target=" + urllib.parse.quote(target, safe="")
    container = json.loads(server.call("GET", query)[2])
    assert container["total"] == PAGE_SIZE + 5
    seen = [a["body"]["value"] for a in container["first"]["items"]]
    following = urllib.parse.urlsplit(container["first"]["next"])
    second = json.loads(server.call("GET", f"{following.path}?{following.query}")[2])
    assert second["prev"] == container["first"]["id"] and "next" not in second
    assert second["id"] == container["last"]
    seen += [a["body"]["value"] for a in second["items"]]
    assert sorted(seen) == sorted(f"p{i}" for i in range(PAGE_SIZE + 5))  # nothing lost, nothing twice


def test_bad_bodies(server: Server) -> None:
    assert server.call("POST", "/annotations/", b"{not json", token=True)[0] == 400
    assert server.call("POST", "/annotations/", {"type": "Note"}, token=True)[0] == 400
    assert server.call("POST", "/annotations/", {"type": "Annotation"}, token=True)[0] == 400
    assert server.call("POST", "/annotations/", b"<x/>", {"Content-Type": "text/xml"}, token=True)[0] == 415
    # Hostile finding F8: 30,000 nested brackets (60 KB, under the body cap) were a 500 (RecursionError).
    deep = b"[" * 30000 + b"]" * 30000
    status, _, body = server.call("POST", "/annotations/", deep, token=True)
    assert status == 400 and b"nested deeper" in body, (status, body[:200])
    for levels, refused in ((20, False), (40, True)):
        nested = annotation("x")
        nested["body"]["extra"] = json.loads("[" * levels + "]" * levels)
        status, _, body = server.call("POST", "/annotations/", nested, token=True)
        assert (b"nested deeper" in body) is refused, (levels, status, body[:200])
    from culturegraph.web.annotations import MAX_BODY_BYTES

    big = annotation("x" * (MAX_BODY_BYTES + 1))
    assert server.call("POST", "/annotations/", big, token=True)[0] == 413
