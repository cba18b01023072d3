"""The W3C Web Annotation Protocol (https://www.w3.org/TR/annotation-protocol/) on ``/annotations/``.

* ``/annotations/`` is an LDP basic container and an ``AnnotationCollection``; its pages
  (``?page=N``, ``PAGE_SIZE`` annotations each) are ``AnnotationPage``s. ``Prefer`` chooses what the
  container embeds (``ldp:PreferContainedDescriptions``, the default: the first page of annotations;
  ``ldp:PreferContainedIRIs``: their IRIs; ``ldp:PreferMinimalContainer``: none); ``?target=IRI`` keeps
  the annotations of one resource (search by target).
* Every representation is ``application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`` (also
  given for ``application/json``; 406 for a type neither covers), with ``ETag``, ``Link`` (the LDP
  type, the protocol as constraint), ``Allow``, ``Vary: Accept, Prefer``; the container also sends
  ``Accept-Post``. HEAD and OPTIONS answer the same headers.
* Public reading shows only the remarks curators published. Writing — ``POST`` (201 + ``Location``),
  ``PUT`` and ``DELETE`` (``If-Match`` required: 428 without it, 412 when stale; 204 on DELETE) —
  needs a curator's token (``Authorization: Bearer NAME:SECRET``, ``culturegraph remarks token NAME``);
  bodies are at most ``MAX_BODY_BYTES``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.http import parse_accept_header

from culturegraph.remarks.annotation import MEDIA_TYPE, PROFILE, AnnotationError, from_json, to_json
from culturegraph.remarks.model import Remark
from culturegraph.remarks.store import now
from culturegraph.web import auth, context
from culturegraph.web.http import plain_text
from culturegraph.web.remarks import dataset_of, remark_store

bp = Blueprint("annotations", __name__)

PAGE_SIZE = 50
MAX_BODY_BYTES = 64 * 1024
LDP = "http://www.w3.org/ns/ldp#"
CONTAINER_ALLOW = "GET, HEAD, OPTIONS, POST"
ANNOTATION_ALLOW = "GET, HEAD, OPTIONS, PUT, DELETE"
CONSTRAINED_BY = '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
CONTAINER_LINKS = (f'<{LDP}BasicContainer>; rel="type", <{LDP}Resource>; rel="type", {CONSTRAINED_BY}')
ANNOTATION_LINKS = f'<{LDP}Resource>; rel="type", <http://www.w3.org/ns/oa#Annotation>; rel="type"'
JSON_TYPES = ("application/ld+json", "application/json")
# Arrays and objects nested in an annotation's body (a real one nests 4 or 5 deep; then 400).
MAX_JSON_DEPTH = 32


def _curator() -> str | None:
    """The curator whose token the request carries, or ``None`` (429 past the bad-token budget)."""
    return auth.bearer_curator()


def _unauthorised() -> Response:
    return plain_text(401, "Writing annotations needs a curator's token: Authorization: Bearer NAME:SECRET "
                           "(culturegraph remarks token NAME).",
                      {"WWW-Authenticate": 'Bearer realm="annotations"'})


def _acceptable() -> bool:
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return True
    # Media ranges compared without their parameters: the profile= of ours is what a client asks.
    ranges = {value.split(";", 1)[0].strip().lower(): q for value, q in parse_accept_header(accept)}
    return any(ranges.get(t, 0) > 0 for t in (*JSON_TYPES, "*/*", "application/*"))


def _json_reply(data: dict[str, Any], status: int, allow: str, links: str, etag: str | None = None,
                extra_vary: tuple[str, ...] = ()) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    response = Response(body, status=status, content_type=MEDIA_TYPE)
    response.headers["Allow"] = allow
    response.headers["Link"] = links
    response.set_etag(etag or hashlib.sha256(body).hexdigest()[:32])
    response.vary.update(("Accept", *extra_vary))
    response.headers["Cache-Control"] = "no-cache"
    if request.method == "HEAD":
        response.set_data(b"")
        response.headers["Content-Length"] = str(len(body))
    return response


def _options(allow: str, links: str, container: bool) -> Response:
    response = Response(b"", status=200)
    response.headers["Allow"] = allow
    response.headers["Link"] = links
    if container:
        response.headers["Accept-Post"] = MEDIA_TYPE
    response.vary.update(("Accept", "Prefer"))
    return response


def _urls() -> tuple[str, str]:
    return request.url_root + "annotations/", request.url_root


def _annotation(remark: Remark) -> dict[str, Any]:
    container, site = _urls()
    return to_json(remark, container + remark.id, context.settings().base_iri, site)


# the container ----------------------------------------------------------------------------------------

@bp.route("/annotations/", methods=["GET", "HEAD", "OPTIONS", "POST"])
def container() -> Response:
    if request.method == "OPTIONS":
        return _options(CONTAINER_ALLOW, CONTAINER_LINKS, container=True)
    if request.method == "POST":
        return _create()
    if not _acceptable():
        return plain_text(406, f"Annotations are served as {MEDIA_TYPE} (or application/json).")
    published = None if _curator() else True
    target = request.args.get("target") or None
    total = remark_store().count(published=published, target=target)
    last = max(0, (total - 1) // PAGE_SIZE)
    base, _site = _urls()
    query = f"target={_quote(target)}&" if target else ""
    iris_only = "iris=1&" if _prefers(LDP + "PreferContainedIRIs") else ""
    if "page" in request.args:
        try:
            page = int(request.args["page"])
        except ValueError:
            return plain_text(400, "page must be a whole number (0 is the first page).")
        if not 0 <= page <= last:
            return plain_text(404, f"There is no page {page} (pages 0 to {last}).")
        page_data = _page(page, last, total, published, target, base, query, bool(request.args.get("iris")))
        page_data["@context"] = "http://www.w3.org/ns/anno.jsonld"
        return _json_reply(page_data, 200, CONTAINER_ALLOW, CONSTRAINED_BY, extra_vary=("Prefer",))
    data: dict[str, Any] = {
        "@context": ["http://www.w3.org/ns/anno.jsonld", "http://www.w3.org/ns/ldp.jsonld"],
        "id": base + (f"?{query[:-1]}" if query else ""), "type": ["BasicContainer", "AnnotationCollection"],
        "label": "Remarques des utilisateurs (publiées)", "total": total,
    }
    if total:
        data["last"] = f"{base}?{query}{iris_only}page={last}"
        if _prefers(LDP + "PreferMinimalContainer"):
            data["first"] = f"{base}?{query}{iris_only}page=0"
        else:
            data["first"] = _page(0, last, total, published, target, base, query, bool(iris_only))
    response = _json_reply(data, 200, CONTAINER_ALLOW, CONTAINER_LINKS, extra_vary=("Prefer",))
    response.headers["Accept-Post"] = MEDIA_TYPE
    if request.headers.get("Prefer"):
        response.headers["Preference-Applied"] = "return=representation"
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _prefers(what: str) -> bool:
    prefer = request.headers.get("Prefer", "")
    return "return=representation" in prefer and what in prefer


def _page(page: int, last: int, total: int, published: bool | None, target: str | None, base: str,
          query: str, iris_only: bool) -> dict[str, Any]:
    flag = "iris=1&" if iris_only else ""
    remarks = remark_store().query(published=published, target=target, offset=page * PAGE_SIZE,
                                   limit=PAGE_SIZE)
    items: list[Any] = [base + r.id if iris_only else _annotation(r) for r in remarks]
    for item in items:
        if isinstance(item, dict):
            item.pop("@context", None)
    data: dict[str, Any] = {
        "id": f"{base}?{query}{flag}page={page}", "type": "AnnotationPage",
        "partOf": {"id": base + (f"?{query[:-1]}" if query else ""), "total": total},
        "startIndex": page * PAGE_SIZE, "items": items,
    }
    if page < last:
        data["next"] = f"{base}?{query}{flag}page={page + 1}"
    if page > 0:
        data["prev"] = f"{base}?{query}{flag}page={page - 1}"
    return data


def _body() -> tuple[Any, Response | None]:
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return None, plain_text(413, f"An annotation is at most {MAX_BODY_BYTES} bytes.")
    if request.mimetype not in JSON_TYPES:
        return None, plain_text(415, f"Send the annotation as {MEDIA_TYPE}.", {"Accept-Post": MEDIA_TYPE})
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        return None, plain_text(413, f"An annotation is at most {MAX_BODY_BYTES} bytes.")
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        return None, plain_text(400, f"The body is not JSON: {err}")
    except RecursionError:  # hostile finding F8: 30,000 nested brackets were a 500
        parsed = None
    if parsed is None or _depth(parsed) > MAX_JSON_DEPTH:
        return None, plain_text(400, f"The body is not an annotation: JSON nested deeper than "
                                     f"{MAX_JSON_DEPTH} levels.")
    return parsed, None


def _depth(value: Any) -> int:
    """How deeply ``value`` nests arrays and objects (iterative: never a RecursionError itself)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _create() -> Response:
    curator = _curator()
    if curator is None:
        return _unauthorised()
    data, error = _body()
    if error is not None:
        return error
    try:
        fields = from_json(data, context.settings().remark_max_chars)
    except AnnotationError as err:
        return plain_text(400, f"This annotation cannot be stored: {err}.")
    stamp = now()
    remark = Remark(id=remark_store().new_id(), created=stamp, modified=stamp, origin="protocol",
                    dataset=dataset_of(fields["target"]), **fields)
    remark_store().add(remark, who=curator)
    reply = _json_reply(_annotation(remark), 201, ANNOTATION_ALLOW, ANNOTATION_LINKS, etag=_etag(remark))
    reply.headers["Location"] = _urls()[0] + remark.id
    return reply


def _etag(remark: Remark) -> str:
    return remark.etag.strip('"')


# one annotation ----------------------------------------------------------------------------------------

@bp.route("/annotations/<remark_id>", methods=["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def annotation(remark_id: str) -> Response:
    if request.method == "OPTIONS":
        return _options(ANNOTATION_ALLOW, ANNOTATION_LINKS, container=False)
    store = remark_store()
    remark = store.get(remark_id)
    curator = _curator()
    if remark is None or (not remark.published and curator is None and request.method in ("GET", "HEAD")):
        return plain_text(404, "No such annotation (or it is not published).")
    if request.method in ("GET", "HEAD"):
        if not _acceptable():
            return plain_text(406, f"Annotations are served as {MEDIA_TYPE} (or application/json).")
        reply = _json_reply(_annotation(remark), 200, ANNOTATION_ALLOW, ANNOTATION_LINKS, etag=_etag(remark))
        reply.make_conditional(request)
        return reply
    if curator is None:
        return _unauthorised()
    match = request.headers.get("If-Match")
    if not match:
        return plain_text(428, "Send If-Match with the annotation's ETag (GET it first).")
    if not _matches(match, remark):
        return plain_text(412, "The annotation changed since you read it (its ETag differs): GET it again.")
    if request.method == "DELETE":
        if not store.delete(remark_id, curator, if_version=remark.version):
            return plain_text(412, "The annotation changed since you read it: GET it again.")
        return Response(b"", status=204)
    data, error = _body()
    if error is not None:
        return error
    container_url = _urls()[0]
    if isinstance(data, dict) and data.get("id") not in (None, container_url + remark_id):
        return plain_text(400, "The annotation's id is not the IRI it is PUT to.")
    try:
        fields = from_json(data, context.settings().remark_max_chars)
    except AnnotationError as err:
        return plain_text(400, f"This annotation cannot be stored: {err}.")
    fields["origin"] = "protocol"
    fields["dataset"] = dataset_of(fields["target"])
    updated = store.update(remark_id, curator, "replaced", if_version=remark.version, **fields)
    if updated is None:
        return plain_text(412, "The annotation changed since you read it: GET it again.")
    return _json_reply(_annotation(updated), 200, ANNOTATION_ALLOW, ANNOTATION_LINKS, etag=_etag(updated))


def _matches(header: str, remark: Remark) -> bool:
    """``If-Match``: ``*`` or one of the ETags given (the gzip variant's ``-gzip`` tag counts too)."""
    if header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/").strip('"').removesuffix("-gzip") for t in header.split(",")]
    return _etag(remark) in tags


__all__ = ["MEDIA_TYPE", "PROFILE", "bp"]
