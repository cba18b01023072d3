"""The graph describing itself, on the web: the catalogue, the dumps, VoID's well-known address, changes.

==============================  ==========================================================================
``/catalogue``                  ``303 See Other`` → ``/doc/catalogue`` (the catalogue is a thing, like
                                every name of ours)
``/doc/catalogue[.ttl|…]``      the whole DCAT-AP catalogue (with the VoID statistics): HTML for people,
                                Turtle, JSON-LD, N-Triples, RDF/XML, TriG, N-Quads by negotiation or suffix
``/.well-known/void``           ``303`` → ``/doc/catalogue`` (the VoID description, RFC 8615 / VoID §7.2)
``/dumps/<file>``               a dump of the build being served: ``Content-Length``, strong ``ETag`` (its
                                SHA-256), ``Last-Modified``, ``Range``/``If-Range`` (a resumed download
                                works), ``Repr-Digest`` (RFC 9530); werkzeug does the conditional and
                                range logic
``/changes``                    the change reports of the last builds (HTML), ``/changes.atom`` their feed,
                                ``/changes/<build>.json`` one report
==============================  ==========================================================================

The catalogue is served from ``catalogue.nt`` of the build, exactly as generated: Oxigraph stores every
integer type as ``xsd:integer``, which would turn ``dcat:byteSize``'s ``xsd:nonNegativeInteger`` into
``xsd:integer`` had the document been read back from the store.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file
from pyoxigraph import Literal, NamedNode, Quad, Triple

from culturegraph.catalogue import changes
from culturegraph.catalogue.dcat import CATALOGUE_GRAPH
from culturegraph.catalogue.dumps import COMPRESS_MEDIA_TYPE, WHOLE, Dump, dumps_dir, read_manifest
from culturegraph.catalogue.stage import CATALOGUE_FILE, read_catalogue
from culturegraph.rdf import conneg, formats
from culturegraph.rdf.formats import DOCUMENT_FORMATS, HTML, Format
from culturegraph.rdf.write import write
from culturegraph.web import context, i18n, urls

bp = Blueprint("catalogue", __name__)

CACHE_CONTROL = "public, max-age=300"
DUMP_CACHE_CONTROL = "public, max-age=3600"
BUILD_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,80}")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def build_directory() -> Path | None:
    """The directory of the build being served (its version is its build id), if it has one."""
    version = context.reader().version
    if not BUILD_ID.fullmatch(version):
        return None
    path = context.settings().store_home / "builds" / version
    return path if path.is_dir() else None


# the catalogue ----------------------------------------------------------------------------------------

@bp.route("/catalogue")
def catalogue() -> Response:
    return _see_other("doc/catalogue")


@bp.route("/.well-known/void")
def well_known_void() -> Response:
    return _see_other("doc/catalogue")


def _see_other(path: str) -> Response:
    response = Response(status=303)
    response.headers["Location"] = i18n.carry_switch(request.url_root + path)  # keeps ?lang=en
    response.headers["Link"] = f'<{request.url_root}{path}>; rel="describedby"'
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept")
    return response


@bp.route("/doc/catalogue")
@bp.route("/doc/catalogue.<suffix>")
def catalogue_document(suffix: str | None = None) -> Response:
    build = build_directory()
    triples = _catalogue(build / CATALOGUE_FILE) if build is not None else None
    if triples is None:
        return _plain(404, "Not Found: no catalogue in the build being served (run `culturegraph build`).\n")
    fmt: Format | None
    negotiated = suffix is None and not request.args.get("format")
    if suffix is not None:
        fmt = formats.by_suffix(suffix, DOCUMENT_FORMATS)
        if fmt is None:
            return _plain(404, f"Not Found: no format with suffix .{suffix[:20]}.\n")
    else:
        try:
            fmt = conneg.negotiate(request.accept_mimetypes, DOCUMENT_FORMATS, HTML,
                                   explicit=request.args.get("format"))
        except conneg.UnknownFormat:
            offered = ", ".join(f.name for f in DOCUMENT_FORMATS)
            return _plain(400, f"unknown format; offered: {offered}\n")
    if fmt is None:
        response = _plain(406, "Not Acceptable. The catalogue is available as: "
                          + conneg.offered_list(DOCUMENT_FORMATS) + "\n")
        response.vary.add("Accept")
        return response
    assert build is not None
    # The HTML page's language is part of it (web/i18n.py): no 304 for the other language's page.
    lang = i18n.current() if fmt is HTML else ""
    digest = hashlib.sha256(f"{(build / CATALOGUE_FILE).stat().st_mtime_ns}|{build.name}|{fmt.name}|"
                            f"{request.host}|{lang}".encode()).hexdigest()[:32]
    response = Response(content_type=fmt.content_type)
    response.set_etag(digest, weak=True)
    response.last_modified = datetime.fromtimestamp((build / CATALOGUE_FILE).stat().st_mtime, UTC)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Link"] = ", ".join(
        f'<{request.url_root}doc/catalogue.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
        for f in DOCUMENT_FORMATS) + f', <{context.settings().base_iri}catalogue>; rel="describes"'
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = f"{request.url_root}doc/catalogue.{fmt.suffix}"
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    response.set_data(_render(triples, fmt))
    return response


@lru_cache(maxsize=4)
def _cached(path: str, mtime: int) -> tuple[Triple, ...]:
    return tuple(read_catalogue(Path(path).parent) or ())


def _catalogue(path: Path) -> list[Triple] | None:
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return list(_cached(str(path), mtime))


def _render(triples: list[Triple], fmt: Format) -> bytes:
    settings = context.settings()
    if fmt is HTML:
        return render_template("catalogue.html", **catalogue_view(triples)).encode("utf-8")
    if fmt.datasets:  # TriG, N-Quads: the catalogue's own graph
        graph = NamedNode(settings.base_iri + "graph/" + CATALOGUE_GRAPH)
        return write([Quad(t.subject, t.predicate, t.object, graph) for t in triples], fmt, settings)
    return write(triples, fmt, settings)


# the HTML view -------------------------------------------------------------------------------------------

def catalogue_view(triples: Iterable[Triple]) -> dict[str, Any]:
    """What catalogue.html shows, read from the catalogue's triples."""
    by: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by[str(getattr(t.subject, "value", t.subject))][t.predicate.value].append(t.object)
    base = context.settings().base_iri
    page_lang = i18n.current()

    def text(node: str, predicate: str, lang: str | None = None) -> str:
        """The literal in ``lang`` (default: the page's language), else French, else the first."""
        values = by[node][predicate]
        for wanted in (lang or page_lang, "fr"):
            for v in values:
                if isinstance(v, Literal) and v.language == wanted:
                    return v.value
        return values[0].value if values else ""

    def first(node: str, predicate: str) -> str | None:
        values = by[node][predicate]
        return values[0].value if values else None

    def number(node: str, predicate: str) -> int | None:
        value = first(node, predicate)
        return int(value) if value is not None else None

    cat = base + "catalogue"
    datasets = []
    for node in by[cat][DCAT + "dataset"]:
        d = node.value
        distributions = []
        for dist in by[d][DCAT + "distribution"]:
            x = dist.value
            url = first(x, DCAT + "downloadURL")
            checksum = first(x, SPDX + "checksum")
            distributions.append({
                "title": text(x, DCT + "title"), "download": _local(url) if url else None,
                "access": _local(first(x, DCAT + "accessURL") or ""),
                "bytes": number(x, DCAT + "byteSize"), "media_type": _media(first(x, DCAT + "mediaType")),
                "sha256": first(checksum, SPDX + "checksumValue") if checksum else None,
                "triples": number(x, VOID + "triples"), "iri": x})
        distributions.sort(key=lambda x: (x["download"] is None, x["title"]))
        period = first(d, DCT + "temporal")
        datasets.append({
            "iri": d, "href": _local(d), "name": d.rsplit("/", 1)[-1], "title": text(d, DCT + "title"),
            "title_en": text(d, DCT + "title", "en"), "title_fr": text(d, DCT + "title", "fr"),
            "description": text(d, DCT + "description"),
            "identifier": first(d, DCT + "identifier"),
            "keywords": sorted(v.value for v in by[d][DCAT + "keyword"] if v.language == page_lang)
            or sorted(v.value for v in by[d][DCAT + "keyword"] if v.language == "fr"),
            "themes": [text(t.value, "http://www.w3.org/2004/02/skos/core#prefLabel") or t.value
                       for t in by[d][DCAT + "theme"]],
            "temporal": ((first(period, DCAT + "startDate"), first(period, DCAT + "endDate"))
                         if period else None),
            "landing": [p.value for p in by[d][DCAT + "landingPage"]],
            "licence": first(d, DCT + "license"),
            "triples": number(d, VOID + "triples"), "entities": number(d, VOID + "entities"),
            "classes": number(d, VOID + "classes"), "properties": number(d, VOID + "properties"),
            "linksets": [{"target": _target_title(by, first(ls.value, VOID + "objectsTarget")),
                          "predicate": first(ls.value, VOID + "linkPredicate"),
                          "triples": number(ls.value, VOID + "triples")}
                         for ls in by[d][VOID + "subset"]
                         if NamedNode(VOID + "Linkset") in by[ls.value][RDF_TYPE]],
            "distributions": distributions,
        })
    service = first(cat, DCAT + "service")
    return {"title": text(cat, DCT + "title"), "description": text(cat, DCT + "description"),
            "modified": first(cat, DCT + "modified"), "datasets": datasets,
            "endpoint": _local(first(service, DCAT + "endpointURL") or "") if service else None,
            "formats": DOCUMENT_FORMATS, "french_number": i18n.number, "human_bytes": human_bytes}


def _target_title(by: Any, target: str | None) -> str:
    if target is None:
        return ""
    titles = by[target][DCT + "title"]
    return titles[0].value if titles else target.rsplit("/", 1)[-1]


def _media(iri: str | None) -> str | None:
    return iri.split("/media-types/", 1)[-1] if iri else None


def _local(iri: str) -> str:
    return urls.local_url(iri, context.settings().base_iri, request.url_root) or iri


def french_number(n: int | None) -> str:
    return "" if n is None else f"{n:,}".replace(",", "\u202f")


def human_bytes(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if size < 1024 or unit == "Go":
            return f"{size:.0f} {unit}" if unit == "octets" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return str(n)


def downloads(name: str = WHOLE) -> list[dict[str, Any]]:
    """The dumps of graph ``name`` (default: of the whole graph) in the build being served, for the
    pages (empty without a build or dumps)."""
    build = build_directory()
    if build is None:
        return []
    return [{"file": d.file, "href": f"{request.url_root}dumps/{d.file}", "format": d.dump_format.label,
             "bytes": d.bytes, "size": human_bytes(d.bytes), "sha256": d.sha256, "statements": d.statements,
             "statements_text": french_number(d.statements)}
            for d in read_manifest(build) if d.name == name]


def downloads_of(iri: str) -> list[dict[str, Any]]:
    """The dumps a resource page offers: those of ``/graph/<name>`` and of ``/data/<name>``."""
    base = context.settings().base_iri
    for family in ("graph/", "data/"):
        if iri.startswith(base + family):
            name = iri[len(base + family):]
            return downloads(name) if re.fullmatch(r"[A-Za-z0-9_-]{1,100}", name) else []
    return []


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"catalogue_downloads": downloads, "downloads_of": downloads_of}


# the dumps -------------------------------------------------------------------------------------------------

@bp.route("/dumps/")
def dumps_index() -> Response:
    return _see_other("doc/catalogue.html#telechargements")


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    build = build_directory()
    found: Dump | None = None
    if build is not None:
        found = next((d for d in read_manifest(build) if d.file == name), None)
    if found is None or build is None:
        return _plain(404, "Not Found: no such dump in the build being served; the catalogue lists them "
                      "(/catalogue).\n")
    path = dumps_dir(build) / found.file
    response = send_file(path, mimetype=COMPRESS_MEDIA_TYPE, as_attachment=True,
                         download_name=found.file, conditional=True, etag=found.sha256, max_age=3600,
                         last_modified=path.stat().st_mtime)
    response.headers["Cache-Control"] = DUMP_CACHE_CONTROL
    digest = base64.b64encode(bytes.fromhex(found.sha256)).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    distribution = f"{context.settings().base_iri}data/{found.name}/distribution/{found.format}"
    response.headers["Link"] = f'<{distribution}>; rel="describedby"'
    return response


# changes ---------------------------------------------------------------------------------------------------

def change_reports() -> list[dict[str, Any]]:
    """The served build's own report, then the history (newest first, each build once)."""
    reports = []
    build = build_directory()
    if build is not None and (build / changes.REPORT).is_file():
        with contextlib.suppress(ValueError):  # being written: the history has the others
            reports.append(json.loads((build / changes.REPORT).read_text(encoding="utf-8")))
    seen = {r["build"] for r in reports}
    for report in changes.history(context.settings().store_home):
        if report.get("build") not in seen:
            reports.append(report)
            seen.add(report.get("build"))
    return sorted(reports, key=lambda r: r.get("date", ""), reverse=True)[: changes.KEEP]


@bp.route("/changes")
def changes_page() -> Response:
    body = render_template("changes.html", reports=change_reports(), french_number=i18n.number,
                           summary=lambda report: changes.summary(report, i18n.current()), local_url=_local)
    response = Response(body, content_type=HTML.content_type)
    response.headers["Cache-Control"] = CACHE_CONTROL
    feed = f"{request.url_root}changes.atom"
    response.headers["Link"] = f'<{feed}>; rel="alternate"; type="application/atom+xml"'
    return response


@bp.route("/changes.atom")
def changes_feed() -> Response:
    body = changes.atom(change_reports(), feed_url=f"{request.url_root}changes.atom",
                        page_url=f"{request.url_root}changes", title="culturegraph — changements du graphe")
    response = Response(body, content_type="application/atom+xml; charset=utf-8")
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.make_conditional(request)
    return response


@bp.route("/changes/<build_id>.json")
def change_report(build_id: str) -> Response:
    report = next((r for r in change_reports() if r.get("build") == build_id), None)
    if report is None:
        return _plain(404, "Not Found: no change report for that build (the last builds are kept).\n")
    response = Response(json.dumps(report, indent=1, ensure_ascii=False), content_type="application/json")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _plain(status: int, text: str) -> Response:
    return Response(text, status=status, content_type="text/plain; charset=utf-8")


__all__ = ["bp", "catalogue_view", "downloads"]
