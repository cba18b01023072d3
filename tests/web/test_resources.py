"""Dereferencing and content negotiation of /id, /def, /data, /graph → 303 → /doc (Flask test client).

The app serves the session's full build (``graph`` fixture); a few tests use a small in-memory store of
their own (another base IRI).
"""

from __future__ import annotations

import io
import json
import re
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import rdflib
from culturegraph.mappings.frequentation_musees.pages import OBSERVATION_LIMIT
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.rdf.formats import DOCUMENT_FORMATS
from culturegraph.web.describe import PAGE_SIZE

pytestmark = pytest.mark.slow

BASE = "https://culturegraph.example/"
HOST = "http://127.0.0.1:5000"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# name path → document path, one per kind of resource
KINDS = {
    "museum": ("id/musee/M0963", "doc/musee/M0963"),
    "site": ("id/site/0105301", "doc/site/0105301"),
    "commune": ("id/commune/01053", "doc/commune/01053"),
    "term": ("def/culture/nombreEntrees", "doc/def/culture/nombreEntrees"),
    "ontology": ("def/culture", "doc/def/culture"),
    "code": ("def/categorie-public/total", "doc/def/categorie-public/total"),
    "code-list": ("def/categorie-public", "doc/def/categorie-public"),
    "dsd": ("def/dsd/frequentation-musees", "doc/def/dsd/frequentation-musees"),
    "dataset": ("data/frequentation-musees", "doc/data/frequentation-musees"),
    "observation": ("data/frequentation-musees/site/0105301/annee/2014/public/payant",
                    "doc/data/frequentation-musees/site/0105301/annee/2014/public/payant"),
    "graph": ("graph/museofile", "doc/graph/museofile"),
}

# Accept → the media type served (None: 406)
ACCEPTS = {
    "text/html": "text/html",
    BROWSER: "text/html",
    "*/*": "text/html",
    "": "text/html",
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
    "application/n-triples": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
    "application/trig": "application/trig",
    "application/n-quads": "application/n-quads",
    "text/turtle;q=0.5, application/rdf+xml": "application/rdf+xml",
    "application/rdf+xml, */*;q=0.1": "application/rdf+xml",  # rdflib's Accept for format="xml"
    "text/html;q=0.3, application/ld+json;q=0.9": "application/ld+json",
    "image/png": None,
    "application/pdf, text/csv": None,
}
RDFLIB_FORMAT = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                 "application/rdf+xml": "xml", "application/trig": "trig", "application/n-quads": "nquads"}


@pytest.fixture(scope="module")
def app(settings, graph):
    from culturegraph.web.app import create_app

    return create_app(settings, store=graph)


# The published JSON-LD context (/context.jsonld), fetched once from the app: a JSON-LD document refers to
# it by URL, and a client resolves it from its cache or the server, never the network (see parse()).
CONTEXTS: dict[str, object] = {}


@pytest.fixture(scope="module")
def client(app):
    client = app.test_client()
    response = client.get("/context.jsonld", base_url=HOST)
    assert response.status_code == 200
    CONTEXTS[f"{HOST}/context.jsonld"] = json.loads(response.data)["@context"]
    return client


def get(client, path: str, accept: str | None = None, **headers):
    if accept is not None:
        headers["Accept"] = accept
    return client.get(path, headers=headers, base_url=HOST)


def media(response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def links(response) -> list[dict[str, str]]:
    out = []
    for part in re.split(r",\s*(?=<)", response.headers.get("Link", "")):
        match = re.match(r"<([^>]*)>(.*)", part.strip())
        if match:
            params = dict(re.findall(r';\s*(\w+)="([^"]*)"', match.group(2)))
            out.append({"href": match.group(1), **params})
    return out


def parse(response) -> rdflib.Dataset:
    data = rdflib.Dataset()
    body = response.data
    if media(response) == "application/ld+json":
        body = local_context(body)
    data.parse(data=body, format=RDFLIB_FORMAT[media(response)], publicID=HOST + "/")
    return data


def local_context(body: bytes) -> bytes:
    """A JSON-LD document with its ``@context`` URL replaced by that context, fetched from the app (rdflib
    has no document loader: it would fetch the URL itself)."""
    document = json.loads(body)
    url = document["@context"]
    assert url in CONTEXTS, f"the document refers to {url}, not to the app's published context"
    document["@context"] = CONTEXTS[url]
    return json.dumps(document).encode("utf-8")


# 303 ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_names_303_to_their_document(client, kind):
    name, doc = KINDS[kind]
    response = get(client, f"/{name}?page=2&x=1", "text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{HOST}/{doc}"  # absolute, query string dropped
    assert "Accept" in response.vary
    followed = get(client, response.headers["Location"].removeprefix(HOST), "text/turtle")
    assert followed.status_code == 200
    triples = set(parse(followed).triples((rdflib.URIRef(BASE + name), None, None)))
    assert triples or kind == "graph" or kind == "code-list"


def test_full_chain_follows_redirects(client):
    response = client.get("/id/musee/M0963", headers={"Accept": "text/turtle"}, base_url=HOST,
                          follow_redirects=True)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [303]
    assert media(response) == "text/turtle"


def test_unknown_names_are_404_not_303(client):
    response = get(client, "/id/musee/M9999999", "text/turtle")
    assert response.status_code == 404
    assert f"<{BASE}id/musee/M9999999>" in response.get_data(as_text=True)
    assert get(client, "/def/culture/nexistePas", "text/turtle").status_code == 404


def test_suffix_on_a_name_redirects_to_that_variant(client):
    response = get(client, "/id/musee/M0963.ttl")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{HOST}/doc/musee/M0963.ttl"


# content negotiation -------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("kind", ["museum", "site", "term", "code", "dataset", "observation", "graph"])
def test_conneg_matrix(client, kind, accept):
    _, doc = KINDS[kind]
    response = get(client, f"/{doc}", accept or None)
    expected = ACCEPTS[accept]
    assert "Accept" in response.vary
    if expected is None:
        assert response.status_code == 406
        return
    assert response.status_code == 200
    assert media(response) == expected
    suffix = next(f.suffix for f in DOCUMENT_FORMATS if f.media_type == expected)
    assert response.headers["Content-Location"] == f"{HOST}/{doc}.{suffix}"
    if expected in RDFLIB_FORMAT:
        assert len(parse(response)) > 0


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.suffix)
def test_suffix_urls_skip_negotiation(client, fmt):
    response = get(client, f"/doc/musee/M0963.{fmt.suffix}", "image/png")
    assert response.status_code == 200
    assert media(response) == fmt.media_type
    if fmt.media_type in RDFLIB_FORMAT:
        subjects = {s for s, _, _, _ in parse(response).quads((None, None, None, None))}
        assert rdflib.URIRef(BASE + "id/musee/M0963") in subjects


def test_format_parameter(client):
    assert media(get(client, "/doc/musee/M0963?format=nt", "text/html")) == "application/n-triples"
    assert get(client, "/doc/musee/M0963?format=docx").status_code == 400


def test_link_alternates_for_every_format(client):
    response = get(client, "/doc/musee/M0963", "text/turtle")
    alternates = {link["type"]: link["href"] for link in links(response) if link.get("rel") == "alternate"}
    assert set(alternates) == {f.media_type for f in DOCUMENT_FORMATS}
    for fmt in DOCUMENT_FORMATS:
        assert alternates[fmt.media_type] == f"{HOST}/doc/musee/M0963.{fmt.suffix}"
    described = [link["href"] for link in links(response) if link.get("rel") == "describes"]
    assert described == [BASE + "id/musee/M0963"]


def test_406_lists_the_offered_types(client):
    response = get(client, "/doc/musee/M0963", "image/png")
    assert response.status_code == 406
    for fmt in DOCUMENT_FORMATS:
        assert fmt.media_type in response.get_data(as_text=True)


# caching -------------------------------------------------------------------------------------------------

def test_etag_and_if_none_match(client):
    first = get(client, "/doc/musee/M0963", "text/turtle")
    etag = first.headers["ETag"]
    assert etag and first.headers["Last-Modified"]
    again = get(client, "/doc/musee/M0963", "text/turtle", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other_format = get(client, "/doc/musee/M0963", "application/n-triples", **{"If-None-Match": etag})
    assert other_format.status_code == 200
    assert other_format.headers["ETag"] != etag
    other_resource = get(client, "/doc/site/0105301", "text/turtle", **{"If-None-Match": etag})
    assert other_resource.status_code == 200


def test_if_modified_since(client):
    first = get(client, "/doc/musee/M0963", "text/turtle")
    modified = parsedate_to_datetime(first.headers["Last-Modified"])
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    same = get(client, "/doc/musee/M0963", "text/turtle", **since)
    assert same.status_code == 304
    from datetime import timedelta

    older = format_datetime(modified - timedelta(days=1), usegmt=True)
    assert get(client, "/doc/musee/M0963", "text/turtle", **{"If-Modified-Since": older}).status_code == 200


def test_head(client):
    get_response = get(client, "/doc/musee/M0963", "text/turtle")
    head = client.head("/doc/musee/M0963", headers={"Accept": "text/turtle"}, base_url=HOST)
    assert head.status_code == 200 and head.data == b""
    for header in ("Content-Type", "ETag", "Last-Modified", "Content-Location", "Link"):
        assert head.headers[header] == get_response.headers[header]
    assert client.head("/id/musee/M0963", base_url=HOST).status_code == 303


# errors ----------------------------------------------------------------------------------------------------

def test_404_html_for_browsers_text_otherwise(client):
    browser = get(client, "/doc/musee/M9999999", BROWSER)
    assert browser.status_code == 404 and media(browser) == "text/html"
    assert "<html" in browser.get_data(as_text=True) and "M9999999" in browser.get_data(as_text=True)
    for accept in ("text/turtle", "*/*", None):
        plain = get(client, "/doc/musee/M9999999", accept)
        assert plain.status_code == 404 and media(plain) == "text/plain"
        assert BASE + "id/musee/M9999999" in plain.get_data(as_text=True)


def test_bad_page_number(client):
    assert get(client, "/doc/site/0105301?page=abc", "text/turtle").status_code == 400
    assert get(client, "/doc/site/0105301?page=999", "text/turtle").status_code == 404


# inverse links, paging ------------------------------------------------------------------------------------

def test_inverse_links_are_paged(client, graph):
    # A département: its communes point at it (igeo:subdivisionDirecteDe and schema:containedInPlace).
    target = BASE + "id/departement/01"
    expected = {(r["s"].value, r["p"].value) for r in graph.query(
        f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{target}> }}", use_default_graph_as_union=True)}
    assert len(expected) > 2 * PAGE_SIZE
    pages = -(-len(expected) // PAGE_SIZE)
    seen: set[tuple[str, str]] = set()
    for page in range(1, pages + 1):
        path = f"/doc/departement/01?page={page}" if page > 1 else "/doc/departement/01"
        response = get(client, path, "application/n-triples")
        assert response.status_code == 200
        rels = {link["rel"]: link["href"] for link in links(response) if link.get("rel") in ("next", "prev")}
        assert ("next" in rels) == (page < pages)
        if page < pages:
            assert rels["next"] == f"{HOST}/doc/departement/01?page={page + 1}"
        assert ("prev" in rels) == (page > 1)
        pointing = parse(response).triples((None, None, rdflib.URIRef(target)))
        # (the document's foaf:primaryTopic is not an inverse link)
        on_page = {(str(s), str(p)) for s, p, _ in pointing if p != rdflib.FOAF.primaryTopic}
        assert 0 < len(on_page) <= PAGE_SIZE
        assert not on_page & seen  # pages do not overlap
        seen |= on_page
    assert seen == expected
    assert get(client, f"/doc/departement/01?page={pages + 1}", "text/turtle").status_code == 404


def test_inverse_page_is_bounded_for_a_big_dataset(client):
    response = get(client, "/doc/data/frequentation-musees", "application/n-triples")
    data = parse(response)
    inverse = set(data.triples((None, rdflib.URIRef("http://purl.org/linked-data/cube#dataSet"),
                                rdflib.URIRef(BASE + "data/frequentation-musees"))))
    assert 0 < len(inverse) <= PAGE_SIZE
    assert any(link.get("rel") == "next" for link in links(response))


# what a description holds ---------------------------------------------------------------------------------

def test_localhost_request_describes_the_canonical_iri(client):
    response = get(client, "/doc/musee/M0963", "text/turtle")
    data = parse(response)
    assert (rdflib.URIRef(BASE + "id/musee/M0963"), rdflib.RDF.type,
            rdflib.URIRef("http://schema.org/Museum")) in data
    assert not any(str(s).startswith(HOST) for s in data.subjects())
    html = get(client, "/doc/musee/M0963", "text/html").get_data(as_text=True)
    assert f'href="{HOST}/doc/commune/01053"' in html  # links stay on the site being browsed
    assert f'href="{BASE}' not in html.split("<main", 1)[1].split("</main>")[0]


def test_hash_iris_are_described_in_their_base_document(client):
    data = parse(get(client, "/doc/musee/M0963", "text/turtle"))
    for part in ("adresse", "geo", "geometrie", "identifiant-museofile"):
        assert set(data.triples((rdflib.URIRef(f"{BASE}id/musee/M0963#{part}"), None, None))), part


def test_museum_document_holds_its_sites_and_observations(client, graph):
    data = parse(get(client, "/doc/musee/M0963", "text/turtle"))
    kgo = rdflib.Namespace(BASE + "def/culture/")
    site = rdflib.URIRef(BASE + "id/site/0105301")
    assert (site, rdflib.DCTERMS.isPartOf, rdflib.URIRef(BASE + "id/musee/M0963")) in data
    assert (site, rdflib.RDFS.label, None) in data
    observations = set(data.subjects(kgo.site, site))
    expected = int(next(iter(graph.query(
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o <{kgo.site}> <{site}> }}",
        use_default_graph_as_union=True)))["n"].value)
    assert len(observations) == min(expected, OBSERVATION_LIMIT) > 0
    one = rdflib.URIRef(BASE + "data/frequentation-musees/site/0105301/annee/2014/public/payant")
    assert (one, kgo.nombreEntrees, None) in data


def test_labels_of_linked_resources_are_included(client):
    data = parse(get(client, "/doc/musee/M0963", "text/turtle"))
    labels = {str(o) for o in data.objects(rdflib.URIRef(BASE + "id/commune/01053"), rdflib.RDFS.label)}
    assert labels == {"Bourg-en-Bresse"}


def test_named_graph_document_counts_its_triples(client, graph):
    data = parse(get(client, "/doc/graph/museofile", "text/turtle"))
    count = data.value(rdflib.URIRef(BASE + "graph/museofile"), rdflib.URIRef("http://rdfs.org/ns/void#triples"))
    expected = int(next(iter(graph.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/museofile> {{ ?s ?p ?o }} }}")))["n"].value)
    assert int(count) == expected


def test_quads_keep_their_graphs(client):
    data = rdflib.Dataset()
    data.parse(data=get(client, "/doc/musee/M0963.nq").data, format="nquads")
    graphs = {str(g) for _, _, _, g in data.quads((rdflib.URIRef(BASE + "id/musee/M0963"), None, None, None))}
    assert BASE + "graph/museofile" in graphs


def test_jsonld_is_compacted_and_round_trips(client):
    response = get(client, "/doc/musee/M0963", "application/ld+json")
    document = json.loads(response.data)
    assert document["@context"] == f"{HOST}/context.jsonld"  # the published context, by URL
    assert document["@id"] == f"{BASE}id/musee/M0963"  # absolute: an application follows it as it is
    assert document["@type"] == "schema:Museum"  # vocabulary terms stay compact
    turtle = parse(get(client, "/doc/musee/M0963", "text/turtle"))
    jsonld = rdflib.Graph().parse(data=local_context(response.data), format="json-ld")
    assert set(jsonld) == set(turtle.triples((None, None, None)))


# another base IRI, a store of our own --------------------------------------------------------------------

def test_other_base_iri_maps_request_paths(settings):
    from culturegraph.web.app import create_app

    base = "https://data.example.org/kg/"
    store = Store()
    museum = NamedNode(base + "id/musee/M1")
    graph = NamedNode(base + "graph/museofile")
    store.extend([
        Quad(museum, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
             NamedNode("http://schema.org/Museum"), graph),
        Quad(museum, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
             Literal("Un musée", language="fr"), graph),
    ])
    client = create_app(settings.with_(base_iri=base), store=store).test_client()
    response = client.get("/id/musee/M1", base_url="http://localhost:8123")
    assert response.status_code == 303
    assert response.headers["Location"] == "http://localhost:8123/doc/musee/M1"
    turtle = client.get("/doc/musee/M1.nt", base_url="http://localhost:8123").get_data(as_text=True)
    assert f"<{base}id/musee/M1> <http://www.w3.org/2000/01/rdf-schema#label>" in turtle
    assert client.get("/id/musee/M0963", base_url="http://localhost:8123").status_code == 404


def test_rdf_xml_parses_with_rdflib(client):
    response = get(client, "/doc/musee/M0963", "application/rdf+xml")
    graph = rdflib.Graph().parse(io.BytesIO(response.data), format="xml")
    assert (rdflib.URIRef(BASE + "id/musee/M0963"), None, None) in graph


def test_observations_beyond_the_bound_point_at_a_query(client, graph, monkeypatch):
    from urllib.parse import urlsplit

    from culturegraph.mappings.frequentation_musees import pages

    monkeypatch.setattr(pages, "OBSERVATION_LIMIT", 10)
    data = parse(get(client, "/doc/musee/M0963", "text/turtle"))
    kgo = rdflib.Namespace(BASE + "def/culture/")
    site = rdflib.URIRef(BASE + "id/site/0105301")
    assert len(set(data.subjects(kgo.site, site))) == 10
    see_also = data.value(rdflib.URIRef(BASE + "doc/musee/M0963"), rdflib.RDFS.seeAlso)
    assert see_also is not None and str(see_also).startswith(BASE + "sparql?query=")
    # the query it names gives every observation of the museum's sites
    url = urlsplit(str(see_also))
    answer = client.get(f"/sparql?{url.query}", headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    rows = answer.get_data(as_text=True).strip().splitlines()[1:]
    expected = int(next(iter(graph.query(
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o <{kgo.site}> <{site}> }}",
        use_default_graph_as_union=True)))["n"].value)
    assert len(rows) == expected > 10


def test_names_and_suffixes_resolve_alike_on_id_and_doc(settings):
    """/id/… and /doc/… read a path the same way: the resource itself first (a name may end like a
    suffix), else a known format suffix on a known resource; anything else is 404 on both."""
    from culturegraph.web.app import create_app

    store = Store()
    g = NamedNode(BASE + "graph/test")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.extend([Quad(NamedNode(BASE + "id/fichier/a.ttl"), label, Literal("a.ttl"), g),
                  Quad(NamedNode(BASE + "id/fichier/b"), label, Literal("b"), g),
                  Quad(NamedNode(BASE + "def/culture/t"), label, Literal("t"), g)])
    client = create_app(settings, store=store).test_client()
    # a name that looks suffixed is itself: negotiated, not forced to Turtle
    response = client.get("/id/fichier/a.ttl", base_url=HOST)
    assert response.status_code == 303 and response.headers["Location"] == f"{HOST}/doc/fichier/a.ttl"
    doc = client.get("/doc/fichier/a.ttl", headers={"Accept": "application/n-triples"}, base_url=HOST)
    assert doc.status_code == 200 and media(doc) == "application/n-triples"
    assert f"<{BASE}id/fichier/a.ttl>" in doc.get_data(as_text=True)
    # a suffix on a known name picks that format, on /id (303 keeps it) and on /doc
    response = client.get("/id/fichier/b.nt", base_url=HOST)
    assert response.status_code == 303 and response.headers["Location"] == f"{HOST}/doc/fichier/b.nt"
    doc = client.get("/doc/fichier/b.nt", headers={"Accept": "text/html"}, base_url=HOST)
    assert doc.status_code == 200 and media(doc) == "application/n-triples"
    assert f"<{BASE}id/fichier/b>" in doc.get_data(as_text=True)
    doc = client.get("/doc/def/culture/t.ttl", base_url=HOST)
    assert doc.status_code == 200 and media(doc) == "text/turtle"
    # unknown resource, unknown suffix, suffix on an unknown resource: 404 on both
    for path in ("fichier/c", "fichier/b.docx", "fichier/c.ttl", "fichier/b.ttl.ttl"):
        assert client.get(f"/id/{path}", base_url=HOST).status_code == 404, path
        assert client.get(f"/doc/{path}", base_url=HOST).status_code == 404, path


def test_service_description_terms_dereference(client, settings):
    """The kgo terms the SPARQL Service Description uses are declared in the ontology (labels, domain,
    range) and dereference like every /def term."""
    from culturegraph.web.sparql import service_description

    kgo = BASE + "def/culture/"
    used = {t.predicate.value for t in service_description(f"{HOST}/sparql", settings, None)
            if t.predicate.value.startswith(kgo)}
    ranges = {kgo + "queryTimeLimit": "decimal", kgo + "maxQueryLength": "integer",
              # issue 9, queries
              kgo + "queryTimeFloor": "decimal", kgo + "maxQueryDepth": "integer",
              kgo + "maxQueryNodes": "integer", kgo + "maxResultSize": "integer",
              kgo + "queryMemoryLimit": "integer", kgo + "clientQueryConcurrency": "integer",
              kgo + "clientQuerySecondsPerMinute": "decimal"}
    assert used == set(ranges)
    for term, datatype in ranges.items():
        name = term.removeprefix(BASE)
        assert get(client, f"/{name}").status_code == 303
        data = parse(get(client, f"/doc/{name}", "text/turtle"))
        subject = rdflib.URIRef(term)
        assert {label.language for label in data.objects(subject, rdflib.RDFS.label)} == {"fr", "en"}
        assert {c.language for c in data.objects(subject, rdflib.RDFS.comment)} == {"fr", "en"}
        assert data.value(subject, rdflib.RDFS.domain) == rdflib.URIRef(
            "http://www.w3.org/ns/sparql-service-description#Service")
        assert data.value(subject, rdflib.RDFS.range) == rdflib.XSD[datatype]
        assert (subject, rdflib.RDF.type, rdflib.OWL.DatatypeProperty) in data
