"""What the endpoint declares before a query is parsed, and short answers to syntax errors.

Every query is parsed with the one prefix table (:mod:`culturegraph.rdf.prefixes`, as WDQS pre-declares
``wd:``, ``wdt:``…): ``schema:``, ``rdfs:``, ``skos:``, ``qb:``, ``dcterms:``, ``xsd:``, ``kgo:`` and the
datasets' own need no ``PREFIX`` line; a query's own ``PREFIX`` lines win. Oxigraph's parser reports an
undeclared prefix as a grammar expectation (``error at 1:26: expected OPTIONAL``); :func:`explain` turns
that into the likely fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from culturegraph.rdf.terms import SH, XSD

_POSITION = re.compile(r"error at (\d+):(\d+)")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
# A prefixed name outside IRIs, strings and comments: `name:` followed by a local part or a space.
_PREFIXED = re.compile(r"(?<![\w<:?$@.-])([A-Za-z][\w.-]*)?:(?=[\w%\s(){}.;,\]\[]|$)")
_SKIP = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def undeclared(query: str, predeclared: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """The prefixes a query uses that neither it nor ``predeclared`` declares: (name, line, column)."""
    text = _SKIP.sub(lambda m: " " * len(m.group(0)) if "\n" not in m.group(0) else m.group(0), query)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)} | set(predeclared)
    found: dict[str, tuple[int, int]] = {}
    for m in _PREFIXED.finditer(text):
        name = m.group(1) or ""
        if name in declared or name in found or name.upper() == "PREFIX":
            continue
        line = text.count("\n", 0, m.start()) + 1
        found[name] = (line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1)
    return [(name, line, col) for name, (line, col) in found.items()]


def explain(query: str, error: BaseException, predeclared: Mapping[str, str]) -> str:
    """A short message for a syntax error: its line and column, and the likely fix."""
    message = str(error)
    missing = undeclared(query, predeclared)
    if missing:
        name, line, col = missing[0]
        return (f"SPARQL syntax error at line {line}, column {col}: PREFIX {name}: <…> is not declared "
                f"(declare it, or use one of the pre-declared prefixes: see the service description).")
    where = _POSITION.search(message)
    if where:
        rest = message[where.end():].lstrip(": ")
        code = _SKIP.sub(" ", query)
        if code.count("{") > code.count("}") or code.count("(") > code.count(")"):
            rest += " (a `}` or `)` is missing?)"
        return f"SPARQL syntax error at line {where.group(1)}, column {where.group(2)}: {rest}"
    return f"SPARQL syntax error: {message}"


def declarations(subject: BlankNode | NamedNode, predeclared: Mapping[str, str]) -> list[Triple]:
    """The pre-declared prefixes as SHACL prefix declarations (``sh:declare [sh:prefix "schema";
    sh:namespace "http://schema.org/"^^xsd:anyURI]``), the one RDF vocabulary for them, for the
    service description."""
    out: list[Triple] = []
    for i, (name, iri) in enumerate(predeclared.items()):
        node = BlankNode(f"prefix{i}")
        out += [Triple(subject, SH.declare, node), Triple(node, SH.prefix, Literal(name)),
                Triple(node, SH.namespace, Literal(iri, datatype=XSD.anyURI))]
    return out
