"""JSON-LD that applications can use (issue 13), on the session's full build (Flask test client):
the published context at ``/context.jsonld``, documents framed around their resource with absolute
``@id``s and native numbers, read by plain ``json.loads``, by a real JSON-LD processor (pyld, its
document loader served by the test client: no network) and by rdflib; quad documents that hold the
document's triples in the default graph; labels repeated from the store only."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rdflib
from pyld import jsonld as pyld
from rdflib.compare import isomorphic

pytestmark = pytest.mark.slow

BASE = "https://culturegraph.example/"
HOST = "http://127.0.0.1:5000"
CONTEXT_URL = f"{HOST}/context.jsonld"
MUSEUM = f"{BASE}id/musee/M0963"
SITE = f"{BASE}id/site/0105301"
PRESS_AID = "doc/data/aides-presse/titre/ensemble-apf/annee/2012/type-aide/postale"
DOCUMENTS = ("doc/musee/M0963", "doc/site/0105301", "doc/commune/01053", "doc/def/culture/nombreEntrees",
             "doc/data/frequentation-musees", PRESS_AID)


@pytest.fixture(scope="module")
def client(settings, graph):
    from culturegraph.web.app import create_app

    return create_app(settings).test_client()


def get(client, path: str, accept: str = "application/ld+json", **headers: str):
    response = client.get("/" + path, headers={"Accept": accept, **headers}, base_url=HOST)
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    return response


def loader(client):
    """pyld's document loader, answering the context URL from the app (and nothing else)."""
    def load(url: str, options: Any = None) -> dict[str, Any]:
        assert url == CONTEXT_URL, f"the processor asked for {url}"
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": json.loads(get(client, "context.jsonld").data)}
    return load


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def nodes(value: Any):
    """Every node object of a compacted document, nested ones included."""
    if isinstance(value, list):
        for v in value:
            yield from nodes(v)
    elif isinstance(value, dict):
        if "@id" in value and "@value" not in value:
            yield value
        for key, v in value.items():
            if key != "@context":
                yield from nodes(v)


def test_the_context_is_published_and_cacheable(client) -> None:
    response = get(client, "context.jsonld")
    assert response.content_type.startswith("application/ld+json")
    assert "max-age" in response.headers["Cache-Control"]
    context = json.loads(response.data)["@context"]
    assert context["schema"] == "http://schema.org/" and context["kgo"] == f"{BASE}def/culture/"
    assert context["nombreEntrees"]["@type"] == "xsd:integer"
    again = client.get("/context.jsonld", base_url=HOST, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_museum_read_with_json_loads(client) -> None:
    """The issue's test: attendance as numbers, links as followable IRIs, the museum at the top."""
    doc = json.loads(get(client, "doc/musee/M0963").data)
    assert doc["@context"] == CONTEXT_URL
    assert doc["@id"] == MUSEUM and doc["@type"] == "schema:Museum"
    site = next(n for n in as_list(doc["@reverse"]["dcterms:isPartOf"]) if n["@id"] == SITE)
    observations = as_list(site["@reverse"]["kgo:site"])
    counts = {o["@id"].rsplit("/annee/", 1)[1]: o["nombreEntrees"]
              for o in observations if "nombreEntrees" in o}
    assert counts and all(type(n) is int for n in counts.values()), counts
    assert counts["2023/public/moins-18-ans-hors-scolaires"] == 6382
    for node in nodes(doc):
        assert node["@id"].startswith((BASE, "http://", "https://", "_:")), node["@id"]
    # One node object per resource: no @id has properties in two places.
    described = [n["@id"] for n in nodes(doc) if len(n) > 1]
    assert len(described) == len(set(described))
    # Coordinates: the context coerces them, so they are plain strings (a decimal is no JSON number).
    point = doc["schema:geo"]
    assert point["@id"] == f"{MUSEUM}#geo" and float(point["latitude"]) == pytest.approx(46.196549)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_a_json_ld_processor_reads_the_same_triples_as_turtle(client, path: str) -> None:
    doc = json.loads(get(client, path).data)
    nquads = pyld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader(client)})
    from_jsonld = rdflib.Graph().parse(data=nquads, format="nt")
    from_turtle = rdflib.Graph().parse(data=get(client, path, "text/turtle").data, format="turtle",
                                       publicID=HOST + "/")
    assert len(from_turtle) > 10
    assert isomorphic(from_jsonld, from_turtle)  # blank nodes (a press aid's amount): same up to renaming
    # rdflib's parser, the published context put in place of its URL (it has no document loader).
    doc["@context"] = json.loads(get(client, "context.jsonld").data)["@context"]
    assert isomorphic(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"), from_turtle)


def test_quad_documents_hold_the_document_in_the_default_graph(client) -> None:
    data = rdflib.Dataset()
    data.parse(data=get(client, "doc/musee/M0963", "application/n-quads").data, format="nquads")
    default = {(s, p, o) for s, p, o, g in data.quads((None, None, None, None))
               if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    turtle = set(rdflib.Graph().parse(data=get(client, "doc/musee/M0963", "text/turtle").data,
                                      format="turtle"))
    assert default == turtle
    graphs = {str(g) for *_, g in data.quads((rdflib.URIRef(MUSEUM), None, None, None))}
    assert f"{BASE}graph/museofile" in graphs  # the named graphs are kept too


def test_labels_of_linked_resources_come_from_the_store(client, graph) -> None:
    from pyoxigraph import Literal, NamedNode

    turtle = rdflib.Graph().parse(data=get(client, "doc/musee/M0963", "text/turtle").data, format="turtle")
    own = {MUSEUM, *(f"{MUSEUM}#{part}" for part in ("adresse", "geo", "geometrie", "identifiant-museofile"))}
    labels = [(s, p, o) for s, p, o in turtle if isinstance(o, rdflib.Literal)
              and str(p) in (str(rdflib.RDFS.label), "http://www.w3.org/2004/02/skos/core#prefLabel",
                             "http://schema.org/name") and str(s) not in own]
    assert len(labels) > 10
    for s, p, o in labels:
        literal = Literal(str(o), language=o.language) if o.language else Literal(str(o))
        stored = graph.quads_for_pattern(NamedNode(str(s)), NamedNode(str(p)), literal, None)
        assert any(True for _ in stored), (s, p, o)
    # A year has no label in the store: none is made up.
    assert not [1 for s, p, o in turtle if str(s).startswith("http://reference.data.gov.uk/id/year/")]


def test_the_page_embeds_the_museum_framed(client) -> None:
    import re

    html = get(client, "doc/musee/M0963", "text/html").get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script is not None
    data = json.loads(script.group(1))
    assert data["@id"] == MUSEUM and isinstance(data["@context"], dict)  # inline: it stands alone


def test_blank_nodes_are_described_in_their_document(client) -> None:
    """Issue 13's dangling blank node: a press aid's amount (schema:MonetaryAmount) is a blank node;
    its triples are in the document and the page shows them instead of ``_:…``."""
    path = PRESS_AID
    turtle = rdflib.Graph().parse(data=get(client, path, "text/turtle").data, format="turtle")
    amounts = list(turtle.objects(None, rdflib.URIRef("http://schema.org/amount")))
    assert len(amounts) == 1 and isinstance(amounts[0], rdflib.BNode)
    assert turtle.value(amounts[0], rdflib.URIRef("http://schema.org/currency")) == rdflib.Literal("EUR")
    html = get(client, path, "text/html").get_data(as_text=True)
    assert "_:" not in html and "EUR]" in html
    # The JSON-LD nests the amount where it is used, with no blank node label for an app to puzzle over.
    doc = json.loads(get(client, path).data)
    amount = doc["schema:amount"]
    assert "@id" not in amount and amount["schema:currency"] == "EUR", amount
