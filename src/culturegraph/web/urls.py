"""The one URL scheme: names (``/id``, ``/def``, ``/data``, ``/graph``) ↔ documents (``/doc``) ↔ the
URLs of the site being browsed. Sans-I/O: the views pass the request's root URL in."""

from __future__ import annotations

import re

FAMILIES = ("def", "data", "graph")  # names whose document keeps the family: /doc/def/…, /doc/data/…


def document_path(path: str) -> str:
    """The document of a name, relative to the base: ``id/musee/M0963`` → ``doc/musee/M0963``,
    ``def/culture/site`` → ``doc/def/culture/site`` (same for ``data/`` and ``graph/``); a hash IRI's
    document is its base resource's (the fragment is kept as an anchor). Other paths are returned as is."""
    path, hash_, fragment = path.partition("#")
    first = path.split("/", 1)[0]
    if first == "id":
        path = "doc/" + path[3:]
    elif first in FAMILIES and "/" in path:
        path = "doc/" + path
    return path + hash_ + fragment


def resource_path(doc_rest: str) -> str:
    """The name a document path is about: ``musee/M0963`` → ``id/musee/M0963``; ``def/culture/x`` →
    ``def/culture/x`` (the part of ``/doc/…`` after ``doc/``)."""
    first = doc_rest.split("/", 1)[0]
    return doc_rest if first in FAMILIES else f"id/{doc_rest}"


def local_url(iri: str, base_iri: str, url_root: str) -> str | None:
    """Our IRI → its page on the site being browsed (``url_root``, e.g. ``http://127.0.0.1:8000/``);
    ``None`` for an IRI elsewhere."""
    if not iri.startswith(base_iri):
        return None
    return url_root + document_path(iri[len(base_iri):])


def canonical_document(iri: str, base_iri: str) -> str:
    """The canonical document IRI of our IRI (``…/id/x`` → ``…/doc/x``)."""
    return base_iri + document_path(iri[len(base_iri):])


def short_name(iri: str) -> str:
    """'…/id/year/2014' → '2014', '…#adresse' → 'adresse', '…/def/culture/site' → 'site'."""
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return tail or iri
