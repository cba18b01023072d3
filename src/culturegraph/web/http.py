"""App-wide HTTP behaviour, as ``after_request`` hooks: CORS, gzip compression, ``Vary``; plain-text 405.

* **CORS**: every response carries ``Access-Control-Allow-Origin: *`` (the graph is public and read-only;
  no credentials are involved) and exposes the headers a browser client finds useful. A preflight
  (``OPTIONS`` with ``Access-Control-Request-Method``) is answered for any route with the methods the
  route allows and the request headers asked for.
* **gzip**: a response is compressed when the client accepts gzip (q > 0), the media type is textual
  (RDF syntaxes, SPARQL results, HTML, JSON, CSV…), the body is at least ``MIN_GZIP_BYTES`` (below that,
  gzip's framing costs more than it saves), and no encoding is set yet. Streamed bodies (big SPARQL
  results spooled to a file) are compressed on the fly.
* **Vary**: a compressible response varies on ``Accept-Encoding`` (whether or not it was compressed
  this time). A *negotiated* response — one a view marked with ``Vary: Accept`` — also varies on
  ``Origin``, as caches in front of us must keep CORS variants apart should the CORS policy ever become
  origin-specific.

Views that already hold a compressed body (the SPARQL result cache) set ``Content-Encoding`` themselves
with :func:`gzip_bytes`; the hook then leaves the body alone. A name answers its document with
:func:`see_other`; a short error with :func:`plain_text`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

from flask import Flask, Request, Response, request
from werkzeug.exceptions import MethodNotAllowed

from culturegraph.web import i18n

MIN_GZIP_BYTES = 1024
# zlib level 3. Measured on /graph/museofile of the built graph (15.8 MB SPARQL JSON / 7.3 MB Turtle),
# best of 3: level 3 compresses at 79 / 47 MB/s to 14.2 % / 23.7 %; level 6 (gzip's default) at 38 /
# 17 MB/s to 12.2 % / 20.7 %. Twice the speed for a few percent of size: CPU is the scarce resource here.
GZIP_LEVEL = 3
EXPOSED = ("Content-Length, Content-Type, Content-Encoding, Content-Location, ETag, Last-Modified, Link, "
           "Location, Retry-After, Server-Timing, Vary, X-Query-Cache")
ALLOWED_REQUEST_HEADERS = ("Accept", "Accept-Language", "Content-Type")
TEXTUAL_SUFFIXES = ("+json", "+xml")
TEXTUAL = {"application/json", "application/ld+json", "application/xml", "application/javascript",
           "application/n-triples", "application/n-quads", "application/trig", "application/x-trig",
           "application/sparql-query", "image/svg+xml"}


def init_app(app: Flask) -> None:
    # after_request hooks run in reverse registration order: CORS/Vary first, compression last.
    app.after_request(compress)
    app.after_request(cors)
    app.register_error_handler(MethodNotAllowed, method_not_allowed)


def cors(response: Response) -> Response:
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        allowed = response.allow or {"GET", "HEAD", "POST", "OPTIONS"}
        headers["Access-Control-Allow-Methods"] = ", ".join(sorted(allowed))
        asked = [h.strip() for h in request.headers.get("Access-Control-Request-Headers", "").split(",")]
        extra = [h for h in asked if h and h.lower() not in {a.lower() for a in ALLOWED_REQUEST_HEADERS}]
        headers["Access-Control-Allow-Headers"] = ", ".join((*ALLOWED_REQUEST_HEADERS, *extra))
        headers["Access-Control-Max-Age"] = "86400"
        response.vary.add("Access-Control-Request-Headers")
    else:
        headers["Access-Control-Expose-Headers"] = EXPOSED
    if "accept" in {v.lower() for v in response.vary}:
        response.vary.add("Origin")
    return response


def compressible(mimetype: str | None) -> bool:
    if not mimetype:
        return False
    return mimetype.startswith("text/") or mimetype in TEXTUAL or mimetype.endswith(TEXTUAL_SUFFIXES)


def accepts_gzip(req: Request) -> bool:
    return gzip_accepted(req.headers.get("Accept-Encoding", ""))


@lru_cache(maxsize=256)
def gzip_accepted(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (q > 0, ``*`` included); memoised per value."""
    from werkzeug.datastructures import Accept
    from werkzeug.http import parse_accept_header

    return bool(accept_encoding) and parse_accept_header(accept_encoding, Accept)["gzip"] > 0


# What every response gets, and a negotiated one's Vary: for views that build their headers themselves
# (the SPARQL fast path, which bypasses Flask and these hooks).
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED))
NEGOTIATED_VARY = "Accept, Accept-Encoding, Origin"


def gzip_bytes(data: bytes) -> bytes:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip framing
    return compressor.compress(data) + compressor.flush()


def gzip_stream(chunks: Iterable[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    try:
        for chunk in chunks:
            out = compressor.compress(chunk)
            if out:
                yield out
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def compress(response: Response) -> Response:
    if not compressible(response.mimetype):
        return response
    response.vary.add("Accept-Encoding")
    status = response.status_code
    if (status < 200 or status in (204, 206, 304) or request.method == "HEAD"
            or "Content-Encoding" in response.headers or not accepts_gzip(request)):
        return response
    if response.is_streamed:
        length = response.content_length
        if length is not None and length < MIN_GZIP_BYTES:
            return response
        response.response = gzip_stream(response.response)
        response.direct_passthrough = False
        response.headers.pop("Content-Length", None)
    else:
        data = response.get_data()
        if len(data) < MIN_GZIP_BYTES:
            return response
        response.set_data(gzip_bytes(data))
    response.headers["Content-Encoding"] = "gzip"
    if response.headers.get("ETag", "").startswith('"'):
        # A strong validator names exact bytes: the gzipped variant needs its own.
        response.headers["ETag"] = response.headers["ETag"][:-1] + '-gzip"'
    return response


PLAIN = "text/plain; charset=utf-8"


def plain_body(message: str | bytes) -> bytes:
    """A plain-text message as a reply's body: UTF-8, ending with exactly one line break."""
    return message if isinstance(message, bytes) else (message.rstrip("\n") + "\n").encode("utf-8")


def see_other(document_url: str, cache_control: str) -> Response:
    """The 303 from a name (``/id/…``, ``/catalogue``) to its document, ``Link: rel="describedby"``,
    negotiated on ``Accept``; the request's language switch (``?lang=en``) goes along, as a redirect
    sets no cookie (web/i18n.carry_switch)."""
    response = Response(status=303)
    response.headers["Location"] = i18n.carry_switch(document_url)
    response.headers["Link"] = f'<{document_url}>; rel="describedby"'
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept")
    return response


def plain_text(status: int, message: str | bytes, headers: dict[str, str] | None = None) -> Response:
    """The one plain-text reply of the views (errors, 404s, 406s, 405s)."""
    response = Response(plain_body(message), status=status, content_type=PLAIN)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def method_not_allowed(error: MethodNotAllowed) -> Response:
    """405 in plain text, with ``Allow`` (the default is an HTML page)."""
    allowed = ", ".join(sorted(error.valid_methods or ()))
    response = plain_text(405, f"Method {request.method} is not allowed on {request.path}. "
                               f"Allowed: {allowed}.")
    if error.valid_methods:
        response.headers["Allow"] = allowed
    return response
