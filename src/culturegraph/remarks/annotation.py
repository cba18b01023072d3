"""A remark as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/).

* ``type`` Annotation; ``motivation`` editing (a value is proposed), questioning (a question) or
  assessing (an error, a missing value, a duplicate, without a proposed value);
* ``target``: a SpecificResource whose ``source`` is the resource IRI, with a selector naming the
  property and the value concerned (``culturegraph:ValueSelector``: ``rdf:predicate`` and
  ``rdf:object``, the value as an N-Triples term, and ``rdf:value``, the value as the page showed it);
* ``body``: TextualBodies by ``purpose`` — commenting (the text), tagging (the kind), editing (the
  proposed value), replying (the curator's reply).

An annotation written through the protocol keeps its own members (:func:`from_json` keeps them in
``Remark.extra``); the remark's status is ``culturegraph:status``. Personal data (the e-mail) never
appears in an annotation. :func:`remark_quads` gives the RDF of a published remark for the named graph
``/graph/remarques``.
"""

from __future__ import annotations

import os
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from culturegraph.rdf.terms import DCTERMS, RDF, XSD, A
from culturegraph.remarks.model import KINDS, OA, Remark
from culturegraph.remarks.store import RemarkStore
from culturegraph.remarks.table import REMARKS_GRAPH

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PROFILE = ANNO_CONTEXT
MEDIA_TYPE = f'application/ld+json; profile="{PROFILE}"'
PURPOSE_FIELDS = {"commenting": "text", "tagging": "kind", "editing": "proposed", "replying": "reply"}
OWN = ("id", "@context", "created", "modified", "generator", "culturegraph:status", "via")


class AnnotationError(ValueError):
    """An annotation sent through the protocol cannot be stored (the message says why)."""


def context(base_iri: str) -> list[Any]:
    return [ANNO_CONTEXT, {"culturegraph": base_iri + "def/culture/",
                           "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}]


def to_json(remark: Remark, url: str, base_iri: str, site: str) -> dict[str, Any]:
    """The annotation at ``url`` (its IRI on the site being browsed, ``site``)."""
    data: dict[str, Any] = {"@context": context(base_iri), "id": url, "type": "Annotation"}
    if remark.origin == "protocol" and remark.extra:
        data.update({k: v for k, v in remark.extra.items() if k not in OWN})
    else:
        data["motivation"] = remark.motivation
        data["target"] = _target(remark)
        data["body"] = _bodies(remark)
    data["created"] = remark.created
    data["modified"] = remark.modified
    data["generator"] = {"id": site, "type": "Software", "name": "culturegraph"}
    data["culturegraph:status"] = remark.status
    return data


def _target(remark: Remark) -> dict[str, Any] | str:
    if not remark.predicate:
        return {"type": "SpecificResource", "source": remark.target}
    selector: dict[str, Any] = {"type": "culturegraph:ValueSelector",
                                "rdf:predicate": {"id": remark.predicate}}
    if remark.value:
        selector["rdf:object"] = remark.value
    if remark.value_label:
        selector["rdf:value"] = remark.value_label
    return {"type": "SpecificResource", "source": remark.target, "selector": selector}


def _bodies(remark: Remark) -> list[dict[str, Any]]:
    bodies = []
    for purpose, name in PURPOSE_FIELDS.items():
        value = getattr(remark, name)
        if value:
            bodies.append({"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"})
    return bodies


def from_json(data: Any, max_chars: int) -> dict[str, Any]:
    """The fields of a remark from an annotation sent through the protocol (``AnnotationError`` if it is
    not one we can store): target, property, value, kind, text, proposed, and ``extra`` (the rest)."""
    if not isinstance(data, dict):
        raise AnnotationError("the body is not a JSON object")
    kinds = data.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if not any(k in ("Annotation", "oa:Annotation", OA + "Annotation") for k in kinds):
        raise AnnotationError('the object\'s "type" is not "Annotation"')
    target = data.get("target")
    target = target[0] if isinstance(target, list) and target else target
    fields: dict[str, Any] = {"predicate": "", "value": "", "value_label": ""}
    if isinstance(target, str):
        fields["target"] = target
    elif isinstance(target, dict) and isinstance(target.get("source"), str):
        fields["target"] = target["source"]
        selector = target.get("selector")
        if isinstance(selector, dict):
            predicate = selector.get("rdf:predicate")
            predicate = predicate.get("id") if isinstance(predicate, dict) else predicate
            fields["predicate"] = predicate if isinstance(predicate, str) else ""
            fields["value"] = str(selector.get("rdf:object", ""))
            fields["value_label"] = str(selector.get("rdf:value", ""))
    elif isinstance(target, dict) and isinstance(target.get("id"), str):
        fields["target"] = target["id"]
    else:
        raise AnnotationError('the annotation has no "target" IRI (a string, or an object with "source")')
    if not fields["target"].startswith(("http://", "https://")):
        raise AnnotationError("the target is not an http(s) IRI")
    texts = {name: "" for name in PURPOSE_FIELDS.values()}
    bodies = data.get("body", [])
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if isinstance(body, str):
            texts["text"] = texts["text"] or body
        elif isinstance(body, dict) and isinstance(body.get("value"), str):
            name = PURPOSE_FIELDS.get(str(body.get("purpose", "commenting")), "text")
            texts[name] = texts[name] or body["value"]
    if texts["kind"] not in KINDS:
        texts["kind"] = "question" if data.get("motivation") == "questioning" else "error"
    for name, value in texts.items():
        if len(value) > max_chars:
            raise AnnotationError(f"the {name} is longer than {max_chars} characters")
    fields.update(texts)
    fields.pop("reply")
    fields["extra"] = {k: v for k, v in data.items() if k not in OWN}
    return fields


def annotation_iri(base_iri: str, remark_id: str) -> NamedNode:
    """The canonical IRI of a remark's annotation (``/annotations/<id>`` under the base)."""
    return NamedNode(f"{base_iri}annotations/{remark_id}")


def remark_quads(remark: Remark, base_iri: str, graph: NamedNode) -> list[Quad]:
    """A published remark in RDF (no personal data): the annotation, its target and bodies."""
    oa = lambda name: NamedNode(OA + name)  # noqa: E731
    kgo = lambda name: NamedNode(base_iri + "def/culture/" + name)  # noqa: E731
    node = annotation_iri(base_iri, remark.id)
    quads = [Quad(node, A, oa("Annotation"), graph),
             Quad(node, oa("motivatedBy"), oa(remark.motivation), graph),
             Quad(node, DCTERMS.created, Literal(remark.created, datatype=XSD.dateTime), graph),
             Quad(node, DCTERMS.modified, Literal(remark.modified, datatype=XSD.dateTime), graph),
             Quad(node, kgo("status"), Literal(remark.status), graph)]
    try:
        source = NamedNode(remark.target)
    except ValueError:
        return quads
    target = NamedNode(f"{node.value}#cible")
    quads += [Quad(node, oa("hasTarget"), target, graph), Quad(target, A, oa("SpecificResource"), graph),
              Quad(target, oa("hasSource"), source, graph)]
    if remark.predicate:
        selector = NamedNode(f"{node.value}#selecteur")
        quads += [Quad(target, oa("hasSelector"), selector, graph),
                  Quad(selector, A, kgo("ValueSelector"), graph)]
        with suppress(ValueError):
            quads.append(Quad(selector, RDF.predicate, NamedNode(remark.predicate), graph))
        if remark.value_label:
            quads.append(Quad(selector, RDF.value, Literal(remark.value_label), graph))
    for purpose, name in PURPOSE_FIELDS.items():
        value = getattr(remark, name)
        if value:
            body = NamedNode(f"{node.value}#{purpose}")
            quads += [Quad(node, oa("hasBody"), body, graph), Quad(body, A, oa("TextualBody"), graph),
                      Quad(body, oa("hasPurpose"), oa(purpose), graph),
                      Quad(body, RDF.value, Literal(value), graph)]
    return quads


LIVE_FILE = "graphe-remarques.nt"  # /graph/remarques between builds (store/oxigraph/live.py)
_HEADER = "# culturegraph /graph/remarques "


def write_published_graph(store: RemarkStore, base_iri: str, path: Path) -> str:
    """Write the published remarks as N-Triples to ``path`` (atomically: a temporary file renamed), unless
    the file already holds this state of them (its first line names the store's fingerprint). Returns
    the fingerprint. Several web workers may call it at once: each writes the same bytes."""
    fingerprint = store.published_fingerprint()
    header = f"{_HEADER}{fingerprint}\n"
    try:
        with path.open(encoding="utf-8") as file:
            if file.readline() == header:
                return fingerprint
    except OSError:
        pass
    graph = NamedNode(base_iri + "graph/" + REMARKS_GRAPH)
    triples = [Triple(q.subject, q.predicate, q.object)
               for remark in store.query(published=True) for q in remark_quads(remark, base_iri, graph)]
    body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(header.encode() + body)
    os.replace(temporary, path)
    return fingerprint
