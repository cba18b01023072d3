"""What a SPARQL query asks of the engine, read before it reaches the engine (pure: no I/O, no store).

A public endpoint must refuse two kinds of query before evaluation (issue 9):

* **SERVICE** (federation): pyoxigraph evaluates ``SERVICE <iri>`` with its own HTTP client, so a query
  could make the server call any host. :func:`inspect` finds every ``SERVICE`` whatever the nesting
  (sub-queries, ``OPTIONAL``, ``UNION``, ``MINUS``, ``EXISTS``, nested ``SERVICE``), its endpoint
  (an IRI, resolved against ``BASE`` or the site's base IRI, with ``\\u`` escapes decoded as Oxigraph
  decodes them; a prefixed name, expanded with the query's ``PREFIX``; or a variable, which cannot be
  checked before evaluation) and ``SILENT``. :func:`check` refuses any that is not in an allow-list.
* **Queries that crash the engine**: pyoxigraph parses and evaluates recursively; a few KB of nesting
  overflow its stack (measured with pyoxigraph 0.5.13 on an 8 MB stack: ~3,000 nested groups, 3,000
  nested sub-queries or 3,000 BINDs segfault; the flat ``1+1+…`` of 20,000 terms too). :func:`check`
  refuses a nesting deeper than ``max_depth`` or more than ``max_nodes`` operators and keywords (the
  nodes of the algebra a query builds), far below those sizes.

The scanner reads the query as Oxigraph's grammar does: strings (the four forms, with escapes), IRIs
(``<…>`` with ``\\u`` escapes), comments, variables and prefixed names are single tokens, so a keyword
in a string, an IRI or a comment is no keyword, and ``schema:serviceType`` is a name. It errs on the
side of refusing: ``SERVICE:x`` (the keyword followed by a name with the empty prefix, which Oxigraph's
scannerless parser accepts) counts as ``SERVICE``, brackets inside an IRI count toward the depth.
A query that is not valid SPARQL is not this module's concern: the engine's parser reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

__all__ = ["Limits", "Inspection", "ServiceCall", "QueryRefused", "inspect", "check", "normalize_endpoint"]


@dataclass(frozen=True)
class Limits:
    """``max_depth``: brackets (``{ ( [``) open at once; ``max_nodes``: operators and keywords."""

    max_depth: int = 100
    max_nodes: int = 10_000


@dataclass(frozen=True)
class ServiceCall:
    """One ``SERVICE`` of a query: ``endpoint`` is the absolute IRI, or ``None`` when it is a variable
    (or nothing we can read); ``text`` is what the query wrote."""

    endpoint: str | None
    text: str
    silent: bool = False


@dataclass(frozen=True)
class Inspection:
    services: tuple[ServiceCall, ...]
    depth: int  # deepest nesting of { ( [
    nodes: int  # operators, brackets and algebra keywords


class QueryRefused(ValueError):
    """A query refused before evaluation; ``status`` is its HTTP status, ``limit`` names the rule."""

    def __init__(self, message: str, limit: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.limit, self.status = message, limit, status


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][^\s(){}\[\]<>"',;.|/^+*!=&#\\]+)
  | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w\-.:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[^\W\d][\w\-]*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<op>&&|\|\||!=|<=|>=|\^\^|<<\(|\)>>|<<|>>|[{}()\[\].;,|/^+\-*!=<>?])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

OPEN, CLOSE = frozenset("{([") | {"<<(", "<<"}, frozenset("})]") | {")>>", ">>"}
# Punctuation that builds a node of the algebra (joins, paths, operators); `,` `;` `.` only list terms.
OPERATORS = frozenset({"&&", "||", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "|", "^", "!", "?"})
KEYWORDS = frozenset({"select", "construct", "describe", "ask", "union", "optional", "minus", "filter",
                      "bind", "values", "graph", "service", "exists", "not", "in", "group", "order",
                      "having", "limit", "offset"})
_SERVICE_WORD = re.compile(r"service(silent)?", re.IGNORECASE)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def _unescape_iri(body: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), body)


def _quick_ok(query: str, limits: Limits) -> bool:
    """Whether the query obviously passes (the hot path: a lookup costs ~1 µs here, not a scan)."""
    return (len(query) <= limits.max_nodes
            and query.count("{") + query.count("(") + query.count("[") + query.count("<<") <= limits.max_depth
            and "service" not in query.lower())


def inspect(query: str, base_iri: str | None = None) -> Inspection:
    """The SERVICE calls, the nesting depth and the node count of ``query``."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(query)
              if m.lastgroup not in ("ws", "comment")]
    prefixes: dict[str, str] = {}
    base = base_iri
    depth = deepest = nodes = 0
    services: list[ServiceCall] = []
    i, n = 0, len(tokens)
    while i < n:
        kind, text = tokens[i]
        low = text.lower()
        if kind == "op":
            if text in OPEN:
                depth += 1
                deepest = max(deepest, depth)
                nodes += 1
            elif text in CLOSE:
                depth = max(0, depth - 1)
            elif text in OPERATORS:
                nodes += 1
        elif kind == "iri":
            # An IRI may hold brackets that the engine reads as operators (`?a<((1))>?b`): count them.
            body = text[1:-1]
            opened = body.count("(") + body.count("[")
            if opened:
                deepest = max(deepest, depth + opened)
                nodes += opened
        elif kind == "word" and low == "base" and i + 1 < n and tokens[i + 1][0] == "iri":
            base = _resolve(tokens[i + 1][1][1:-1], base)
            i += 1
        elif kind == "word" and low == "prefix" and i + 2 < n and tokens[i + 1][0] == "pname" \
                and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].split(":", 1)[0]] = _resolve(tokens[i + 2][1][1:-1], base)
            i += 2
        elif (kind == "word" and _SERVICE_WORD.fullmatch(text)) or (
                kind == "pname" and _SERVICE_WORD.fullmatch(text.split(":", 1)[0])):
            nodes += 1
            silent = low.endswith("silent")
            if kind == "pname":  # SERVICE:x — the keyword, then `:x`
                target: tuple[str | None, str] = ("pname", ":" + text.split(":", 1)[1])
            else:
                j = i + 1
                if j < n and tokens[j][0] == "word" and tokens[j][1].lower() == "silent":
                    silent, j = True, j + 1
                target = tokens[j] if j < n else (None, "")
            services.append(ServiceCall(_endpoint(target, prefixes, base), target[1], silent))
        elif kind == "word" and low in KEYWORDS:
            nodes += 1
        i += 1
    return Inspection(tuple(services), deepest, nodes)


def _endpoint(token: tuple[str | None, str], prefixes: dict[str, str], base: str | None) -> str | None:
    kind, text = token
    if kind == "iri":
        return _resolve(text[1:-1], base)
    if kind == "pname":
        prefix, local = text.split(":", 1)
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + _LOCAL_ESCAPE.sub(r"\1", local)
    return None  # a variable, or something the engine will not accept either


def _resolve(iri: str, base: str | None) -> str:
    iri = _unescape_iri(iri)
    return urljoin(base, iri) if base else iri


def normalize_endpoint(iri: str) -> str:
    """An endpoint IRI compared with the allow-list: scheme and host in lower case, default port
    dropped, an empty path as ``/``; the rest as written."""
    parts = urlsplit(iri.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = "invalid-userinfo@" + netloc  # never matches a listed endpoint
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def check(query: str, base_iri: str | None = None, limits: Limits = Limits(),
          allowed_services: frozenset[str] = frozenset()) -> Inspection:
    """:func:`inspect`, then refuse (:class:`QueryRefused`) a nesting or a size over ``limits`` or a
    ``SERVICE`` whose endpoint is not in ``allowed_services`` (normalised with
    :func:`normalize_endpoint`). Returns the inspection of an accepted query."""
    if _quick_ok(query, limits):
        return Inspection((), 0, 0)
    found = inspect(query, base_iri)
    if found.depth > limits.max_depth:
        raise QueryRefused(f"The query nests brackets ({{ }}, ( ), [ ]) {found.depth} deep; the limit is "
                           f"{limits.max_depth} (query_max_depth). Flatten it (fewer nested groups or "
                           "sub-queries).", "query_max_depth")
    if found.nodes > limits.max_nodes:
        raise QueryRefused(f"The query has {found.nodes:,} operators and keywords; the limit is "
                           f"{limits.max_nodes:,} (query_max_nodes). Split it, or use VALUES for long "
                           "lists of terms.", "query_max_nodes")
    for call in found.services:
        if not allowed_services:
            raise QueryRefused("SERVICE (federated query) is not allowed on this endpoint: it never "
                               "calls another server. Run the federated part against the other endpoint, "
                               "or download our dumps.", "service")
        if call.endpoint is None:
            raise QueryRefused(f"SERVICE {call.text[:80]!r}: only a SERVICE with a fixed IRI from the "
                               "endpoint's allow-list can run here (a variable cannot be checked before "
                               "evaluation).", "service")
        if normalize_endpoint(call.endpoint) not in allowed_services:
            raise QueryRefused(f"SERVICE <{call.endpoint[:200]}> is not in this endpoint's allow-list of "
                               "federated endpoints (see the service description).", "service")
    return found
