"""What every request and response goes through first and last: a WSGI middleware (:class:`Guard`).

* **Paths that are not IRI paths** get 400 in plain text before any view sees them (a view would build
  an IRI from them and fail): invalid UTF-8 once percent-decoded, control characters, the characters
  RFC 3987 forbids (space ``< > " { } | ^ ` \\``), a ``%`` not followed by two hex digits, and, under the
  names and documents (``/id /doc /def /data /graph``), anything Oxigraph's IRI parser refuses. The
  message names the offending character by its code point, never echoes the path.
* **Negotiation headers are cut** (``Accept``, ``Accept-Language``, ``Accept-Encoding``,
  ``Accept-Charset``) to their whole items within :data:`MAX_NEGOTIATION_HEADER` characters before
  werkzeug parses them; a request with two ``Host`` headers is 400 (RFC 9112 §3.2); an
  ``If-Modified-Since`` in the future and a multi-range ``Range`` are ignored (RFC 9110).
* **The Host header is trusted only when allowed** (``Settings.allowed_hosts``; by default the base
  IRI's host and the loopback names): links, ``Location`` and ``Content-Location`` are built from
  ``request.url_root``, so an unknown ``Host`` is replaced by the base IRI's scheme and host before the
  app runs. A shared cache in front cannot be poisoned with ``Cache-Control: public`` links to a host
  an attacker chose.
* **Security headers**: every response gets ``X-Content-Type-Options: nosniff``; HTML gets a strict
  ``Content-Security-Policy`` (only our own scripts, styles, images and connections; no inline script,
  no ``eval``, no framing, no ``<base>``, forms posting only to us), ``X-Frame-Options: DENY`` for old
  browsers, and ``Referrer-Policy: strict-origin-when-cross-origin``. The pages, the Leaflet map and the
  YASGUI query UI run under it (tests/web/test_browser.py records every violation in Chromium); the
  query page alone allows inline *styles*, which YASGUI inserts (:data:`QUERY_UI_CSP`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from pyoxigraph import NamedNode
from werkzeug.http import parse_date

from culturegraph.config import Settings

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# 'self' only. img-src data: for the inline favicon and Leaflet's CSS; style-src without 'unsafe-inline'
# (our pages have no style attributes; Leaflet and YASGUI set styles through the CSSOM, which CSP allows).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The query page only: YASGUI inserts <style> elements (its result table's column-resize grips) and an
# error tooltip with a style attribute. Styles only: its scripts are ours ('self'), never inline or eval.
QUERY_UI_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
FRAMING = (("X-Frame-Options", "DENY"), ("Referrer-Policy", "strict-origin-when-cross-origin"))
HTML_HEADERS = (("Content-Security-Policy", CSP), *FRAMING)
NOSNIFF = ("X-Content-Type-Options", "nosniff")
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
IRI_FAMILIES = ("/id/", "/doc/", "/def/", "/data/", "/graph/")
# Not allowed anywhere in an IRI (RFC 3987 §2.2 excludes them; ``\\`` never separates segments here).
_FORBIDDEN = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|^`\\]')
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Headers werkzeug parses and sorts item by item (hostile finding F7: a 369 KB Accept cost 1.1-1.4 s of
# CPU): cut to their whole items within MAX_NEGOTIATION_HEADER characters before anything reads them.
# A browser's Accept is under 200 characters; the items past the cut are ignored, the request answered.
NEGOTIATION_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_CHARSET")
MAX_NEGOTIATION_HEADER = 4096
_HOST = re.compile(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?")


def path_problem(path: str) -> str | None:
    """Why ``path`` (a decoded request path) cannot be one of our IRI paths, or ``None``."""
    bad = _FORBIDDEN.search(path)
    if bad is not None:
        char = bad.group()
        what = "a space" if char == " " else f"U+{ord(char):04X}"
        return f"The request path contains {what} at position {bad.start() + 1}, which no IRI may contain."
    bad = _BAD_ESCAPE.search(path)
    if bad is not None:
        return (f"The request path has a '%' at position {bad.start() + 1} that is not followed by two "
                "hexadecimal digits (a percent-escape of a '%' sign, %25, decodes to one).")
    return None


class Hosts:
    """Which ``Host`` values links may be built from (``Settings.allowed_hosts``)."""

    def __init__(self, settings: Settings) -> None:
        base = urlsplit(settings.base_iri)
        self.base_scheme = base.scheme
        self.base_host = base.netloc
        self.base_path = base.path.rstrip("/")  # links of an untrusted Host: the base IRI's, path included
        listed = settings.allowed_hosts or (base.netloc.lower(), *LOOPBACK)
        # A name alone allows it on any port; host:port allows that port only.
        self.exact = set(listed)
        self.names = {h for h in listed if ":" not in h.rsplit("]", 1)[-1]}
        self._seen: dict[str, bool] = {}

    def allowed(self, host: str) -> bool:
        known = self._seen.get(host)
        if known is None:
            match = _HOST.fullmatch(host)
            lower = host.lower()
            known = match is not None and (lower in self.exact or match.group(1).lower() in self.names)
            if len(self._seen) < 1024:  # a memo of the hosts seen, bounded (Host is client-chosen)
                self._seen[host] = known
        return known


class Guard:
    """The outermost WSGI middleware: bad paths → 400, untrusted Host → base IRI, security headers."""

    def __init__(self, app: WSGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = Hosts(settings)
        self.base = settings.base_iri

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw = environ.get("PATH_INFO", "")
        try:
            path = raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return reject(start_response, "The request path is not valid UTF-8 once percent-decoded.")
        problem = path_problem(path)
        if problem is None and path.startswith(IRI_FAMILIES):
            try:
                NamedNode(self.base + path[1:])
            except ValueError:
                problem = "The request path is not a valid IRI path."
        if problem is not None:
            return reject(start_response, problem)
        host = environ.get("HTTP_HOST")
        if host is not None and "," in host:  # the front joins a repeated header with commas
            return reject(start_response, "The request has more than one Host header (RFC 9112 §3.2).")
        normalise_negotiation(environ)
        if host is None or not self.hosts.allowed(host):
            environ["HTTP_HOST"] = self.hosts.base_host
            environ["wsgi.url_scheme"] = self.hosts.base_scheme
            environ["SCRIPT_NAME"] = self.hosts.base_path  # routing reads PATH_INFO only
            environ["culturegraph.untrusted_host"] = host

        def secure_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            add_security_headers(headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, secure_start)


def normalise_negotiation(environ: dict[str, Any]) -> None:
    """In place, the request headers an answer is negotiated on, as the Guard leaves them: over-long
    list headers cut to their whole items, unusable preconditions dropped. Idempotent, so that a check
    made before the Guard (web/sparql.FastPath.would_hit) sees what the answer will see."""
    for name in NEGOTIATION_HEADERS:
        value = environ.get(name)
        if value is not None and len(value) > MAX_NEGOTIATION_HEADER:
            environ[name] = cut_header(value)
    ignore_unusable_preconditions(environ)


def ignore_unusable_preconditions(environ: dict[str, Any]) -> None:
    """Drop, in place, what RFC 9110 says a server ignores or may ignore (hostile finding F10): an
    ``If-Modified-Since`` later than our clock (§13.1.3: it answered 304 to a date in 2099) or that is
    not a date, and a ``Range`` of several ranges (§14.2 allows ignoring Range: the whole body, 200,
    instead of werkzeug's 416 to a multi-range request it cannot serve)."""
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is not None:
        date = parse_date(since)
        if date is None or date.timestamp() > time.time():
            del environ["HTTP_IF_MODIFIED_SINCE"]
    ranges = environ.get("HTTP_RANGE")
    if ranges is not None and "," in ranges:
        del environ["HTTP_RANGE"]


def cut_header(value: str, limit: int = MAX_NEGOTIATION_HEADER) -> str:
    """The list header ``value`` cut to its whole items within ``limit`` characters."""
    head = value[:limit + 1]
    return head[:head.rfind(",")].rstrip() if "," in head else ""


def add_security_headers(headers: list[tuple[str, str]]) -> None:
    """``nosniff`` on every response, the HTML ones (CSP, framing, referrer) on HTML, in place. A view
    that set its own ``Content-Security-Policy`` (the query page: :data:`QUERY_UI_CSP`) keeps it."""
    html = own_csp = False
    for name, value in headers:
        if len(name) == 12 and name.lower() == "content-type":
            html = value.startswith("text/html")
        elif len(name) == 23 and name.lower() == "content-security-policy":
            own_csp = True
    headers.append(NOSNIFF)
    if html:
        headers.extend(FRAMING if own_csp else HTML_HEADERS)


def reject(start_response: Callable[..., Any], message: str, status: str = "400 Bad Request") -> list[bytes]:
    body = (message + "\n").encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
               ("Access-Control-Allow-Origin", "*"), ("Cache-Control", "no-store")]
    add_security_headers(headers)
    start_response(status, headers)
    return [body]
