"""Dereferenceable URIs: ``/id``, ``/def``, ``/data``, ``/graph`` → 303 See Other → ``/doc/…`` (negotiated).

Every IRI we mint names a thing, a term, a code, a dataset, an observation or a graph, never a web page;
so all four families answer ``303 See Other`` with the document that describes them (W3C *Cool URIs*,
the Best Practice Recipes for vocabularies that Vapour checks):

====================================================  ==========================================
``/id/musee/M0963``                                   ``/doc/musee/M0963``
``/def/culture/nombreEntrees``, ``/def/categorie-public/total``  ``/doc/def/culture/nombreEntrees``…
``/data/frequentation-musees[/…]``                    ``/doc/data/frequentation-musees[/…]``
``/graph/museofile``                                  ``/doc/graph/museofile``
====================================================  ==========================================

``/doc/{path}`` negotiates HTML and the RDF formats of :mod:`culturegraph.rdf.formats`; ``/doc/{path}.ttl``
(``.jsonld .nt .rdf .trig .nq .html``) or ``?format=`` pick one without negotiation. A request's path is
read against the canonical base (``settings.base_iri``), whatever host serves it.

JSON-LD documents refer to the published context by URL (``/context.jsonld`` on the host being
browsed, cacheable, with an ETag) and are framed around the resource: one node object per resource,
the resource at the top (rdf/jsonld_compactor.frame). N-Quads and TriG documents hold every triple of
the document in the default graph — where a client that reads the document as a graph, such as
Comunica's link traversal (its Accept prefers N-Quads), looks — and each stored triple again in the
named graph the store holds it in (issue 13).

Responses carry ``Vary: Accept`` (negotiated ones), ``Content-Location`` (the variant chosen),
``Link`` (every variant, the thing described, the next/previous page of inverse links), a weak ``ETag``
(store version + resource + format + page + host, and an HTML page's language) and ``Last-Modified``
(build time); conditional requests
get 304 before anything is described.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

from flask import Blueprint, Response, request
from pyoxigraph import NamedNode
from werkzeug.http import is_resource_modified

import culturegraph
from culturegraph.rdf import conneg, formats, jsonld
from culturegraph.rdf.formats import DOCUMENT_FORMATS, HTML, Format
from culturegraph.rdf.write import write
from culturegraph.web import context, i18n, pages
from culturegraph.web.describe import Describer, Description
from culturegraph.web.http import plain_text, see_other
from culturegraph.web.urls import document_path, resource_path

bp = Blueprint("resources", __name__)

CACHE_CONTROL = "public, max-age=300"
_STARTED = datetime.fromtimestamp(int(time.time()), UTC)  # Last-Modified of a store without build time


# the names: 303 to their document ---------------------------------------------------------------

@bp.route("/id/<path:rest>")
def thing(rest: str) -> Response:
    return _see_other(f"id/{rest}")


@bp.route("/def/<path:rest>")
def definition(rest: str) -> Response:
    return _see_other(f"def/{rest}")


@bp.route("/data/<path:rest>")
def data(rest: str) -> Response:
    return _see_other(f"data/{rest}")


@bp.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    return _see_other(f"graph/{rest}")


def _see_other(path: str) -> Response:
    """303 to the document when we know the resource. ``/id/x.ttl`` (a suffix on a name) goes to
    ``/doc/x.ttl`` for convenience; the query string is dropped (names have none), but for the language
    switch (``?lang=en``: the document is then in that language)."""
    if _known(_describer(), path, lambda name: name) is None:
        return not_found(path)
    return see_other(request.url_root + document_path(path), CACHE_CONTROL)


# the documents -----------------------------------------------------------------------------------

@bp.route("/doc/<path:rest>")
def document(rest: str) -> Response:
    settings = context.settings()
    describer = _describer()
    known = _known(describer, rest, resource_path)
    if known is None:
        return not_found(f"doc/{rest}")
    rest, fmt = known
    path = resource_path(rest)
    iri = NamedNode(settings.base_iri + path)
    page = request.args.get("page", "1")
    if not re.fullmatch(r"[1-9][0-9]{0,6}", page):
        return _plain(400, f"page must be a positive integer, not {conneg.shown(page)!r}\n")
    page_no = int(page)
    negotiated = fmt is None
    if fmt is None:
        try:
            fmt = conneg.negotiate(request.accept_mimetypes, DOCUMENT_FORMATS, HTML,
                                   explicit=request.args.get("format"))
        except conneg.UnknownFormat as err:
            return _plain(400, f"unknown format {conneg.shown(str(err))}; offered: "
                          + ", ".join(f.name for f in DOCUMENT_FORMATS) + "\n")
        if request.args.get("format"):
            negotiated = False
    if fmt is None:
        response = _plain(406, "Not Acceptable. This document is available as: "
                          + conneg.offered_list(DOCUMENT_FORMATS) + "\n")
        response.headers["Link"] = _links(rest, page_no, None)
        response.vary.add("Accept")
        return response

    version = describer.version
    # An HTML page is in one language (web/i18n.py): its ETag says which, its labels are chosen in it.
    lang = i18n.current() if fmt is HTML else ""
    etag = _etag(version, iri.value, fmt.name, page_no, lang)
    modified = last_modified(version)
    response = Response(status=200)
    _caching_headers(response, etag, modified)
    response.headers["Content-Type"] = fmt.content_type
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = _variant_url(rest, fmt, page_no)
    if fmt is HTML:
        response.vary.update(("Accept-Language", "Cookie"))
        response.headers["Content-Language"] = lang
    if _not_modified(etag, modified):
        response.status_code = 304
        del response.headers["Content-Type"]
        return response
    if fmt is HTML:
        describer.languages = i18n.label_languages(lang)

    canonical_doc = settings.base_iri + document_path(path)
    desc = describer.describe(iri, canonical_doc, page_no)
    if page_no > desc.pages:
        return not_found(f"doc/{rest}?page={page_no}")
    response.headers["Link"] = _links(rest, page_no, desc)
    response.set_data(render(desc, fmt, rest))
    return response


def render(desc: Description, fmt: Format, rest: str) -> bytes:
    settings = context.settings()
    if fmt is HTML:
        return pages.resource_page(desc, rest).encode("utf-8")
    if fmt.datasets:
        return write(desc.dataset_quads(), fmt, settings)
    return write(desc.triples(), fmt, settings, focus=desc.iri.value, context_url=context_url())


# the published JSON-LD context -----------------------------------------------------------------------

CONTEXT_PATH = "context.jsonld"


def context_url() -> str:
    """Where the documents' ``@context`` is: ``/context.jsonld`` of the host being browsed (the one
    the client reached, so that it can fetch it)."""
    return request.url_root + CONTEXT_PATH


@bp.route("/" + CONTEXT_PATH)
def published_context() -> Response:
    """The JSON-LD context of every document (rdf/jsonld.published), cacheable for a day; its ETag
    changes with the context file and the base IRI."""
    body = jsonld.published(context.settings())
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(body, status=200, content_type="application/ld+json; charset=utf-8")
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "public, max-age=86400"
    if not is_resource_modified(request.environ, etag=etag):
        response.status_code = 304
        response.set_data(b"")
    return response


# paths and links -----------------------------------------------------------------------------------

def _known(describer: Describer, path: str,
           name_of: Callable[[str], str]) -> tuple[str, Format | None] | None:
    """``(path, None)`` when the resource ``name_of(path)`` names exists; else, when ``path`` ends with
    a format suffix (``x.ttl``) and ``name_of(x)`` exists, ``(x, that format)``; else ``None``.
    ``name_of`` maps a request path to the resource path under the base (``/doc`` paths drop ``id/``)."""
    base = describer.base
    if describer.exists(NamedNode(base + name_of(path))):
        return path, None
    stripped, fmt = _split_suffix(path)
    if fmt is not None and describer.exists(NamedNode(base + name_of(stripped))):
        return stripped, fmt
    return None


def _split_suffix(path: str) -> tuple[str, Format | None]:
    stem, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix or not stem:
        return path, None
    fmt = formats.by_suffix(suffix, DOCUMENT_FORMATS)
    return (stem, fmt) if fmt is not None else (path, None)


def _variant_url(rest: str, fmt: Format, page: int) -> str:
    url = f"{request.url_root}doc/{rest}.{fmt.suffix}"
    return f"{url}?page={page}" if page > 1 else url


def _links(rest: str, page: int, desc: Description | None) -> str:
    links = [f'<{_variant_url(rest, f, page)}>; rel="alternate"; type="{f.media_type}"'
             for f in DOCUMENT_FORMATS]
    if desc is not None:
        links.append(f'<{desc.iri.value}>; rel="describes"')
        here = f"{request.url_root}doc/{rest}"
        if desc.has_next:
            links.append(f'<{here}?page={page + 1}>; rel="next"')
        if page > 1:
            links.append(f'<{here}?page={page - 1}>; rel="prev"' if page > 2 else f'<{here}>; rel="prev"')
    return ", ".join(links)


# errors ----------------------------------------------------------------------------------------------

def not_found(path: str) -> Response:
    """404: an HTML page for browsers (they ask for text/html), plain text for everything else."""
    wants_html = request.accept_mimetypes.best_match(["text/plain", "text/html"]) == "text/html"
    if wants_html or path.endswith(".html"):
        response = Response(pages.not_found_page(path), status=404, content_type=HTML.content_type)
    else:
        name = resource_path(path[4:]) if path.startswith("doc/") else path
        iri = context.settings().base_iri + name.split("?")[0]
        response = _plain(404, f"Not Found: nothing is known about <{iri}> in this graph.\n")
    response.vary.add("Accept")
    return response


def _plain(status: int, text: str) -> Response:
    return plain_text(status, text)


# caching -----------------------------------------------------------------------------------------------

def last_modified(version: str) -> datetime:
    """The build time, read from the build id (``20261126T144700Z-…``)."""
    match = re.match(r"(\d{8}T\d{6}Z)", version)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return _STARTED


def _etag(version: str, iri: str, fmt: str, page: int, lang: str = "") -> str:
    # The host is part of it: HTML links are rewritten to the host being browsed; and the language of
    # an HTML page.
    key = "|".join((culturegraph.__version__, version, iri, fmt, str(page), request.host, lang))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _caching_headers(response: Response, etag: str, modified: datetime) -> None:
    response.set_etag(etag, weak=True)  # weak: the body may be compressed on the way out
    response.headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    response.headers["Cache-Control"] = CACHE_CONTROL


def _not_modified(etag: str, modified: datetime) -> bool:
    """RFC 9110 conditional GET, as werkzeug evaluates it (If-None-Match first, weak comparison)."""
    return not is_resource_modified(request.environ, etag=etag, last_modified=modified)


def _describer() -> Describer:
    enrichers = [e for _, e in context.registry().enrichers()]
    return Describer(context.reader(), context.settings().base_iri, enrichers)
