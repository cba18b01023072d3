"""The one RDF writer: pyoxigraph's serialisers, our JSON-LD compactor, one prefix policy.

Every graph we write — the CLI's CONSTRUCT/DESCRIBE results, the linked-data documents, the SPARQL
service description, the golden files — goes through :func:`write`; SPARQL results streamed by the
endpoint's executors use the same pieces (:func:`writer_prefixes`, the compactor) on their stream.

The prefix policy: the prefixes are those of the one table (``rdf/prefixes.py``, ``cg:`` left out), and a
graph we hold in memory declares only those it uses — a namespace some IRI or datatype of it starts with
(:func:`used_prefixes`); a streamed result declares the table. JSON-LD is always compacted with our
context (the same JSON-LD from the CLI, ``/sparql`` and the documents). N-Triples and N-Quads have no
prefixes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from culturegraph.config import Settings
from culturegraph.rdf import jsonld, prefixes
from culturegraph.rdf.formats import Format
from culturegraph.rdf.jsonld_compactor import compact_bytes

PREFIXED = (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML)


def writer_prefixes(base_iri: str) -> dict[str, str]:
    """The table every writer uses (streamed results declare all of it)."""
    return prefixes.for_writers(base_iri)


def used_prefixes(statements: Iterable[Triple | Quad], table: Mapping[str, str]) -> dict[str, str]:
    """The prefixes of ``table`` that ``statements`` use: a namespace that an IRI (subject, predicate,
    object) or a literal's datatype starts with, and is shorter than."""
    iris: set[str] = set()
    for s in statements:
        for term in (s.subject, s.predicate, s.object):
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, Literal):
                iris.add(term.datatype.value)
    return {name: ns for name, ns in table.items() if any(iri.startswith(ns) and len(iri) > len(ns)
                                                          for iri in iris)}


def write(statements: Iterable[Triple | Quad], fmt: Format, settings: Settings, *,
          extra_prefixes: Mapping[str, str] | None = None, focus: str | None = None,
          context_url: str | None = None) -> bytes:
    """``statements`` in ``fmt``: triples go into the default graph of a dataset format (TriG, N-Quads);
    ``extra_prefixes`` are offered beside the table (e.g. the service description's ``sd:``). JSON-LD
    only: ``focus`` frames the document around that IRI, ``context_url`` refers to the published
    context instead of an inline one (rdf/jsonld.py)."""
    items: list[Any] = list(statements)
    if fmt.rdf == RdfFormat.JSON_LD:
        return compact_bytes(serialize(_triples(items), format=RdfFormat.JSON_LD) or b"",
                             jsonld.compaction(settings), focus=focus, context_url=context_url)
    assert fmt.rdf is not None, f"{fmt.name} is not a graph format"
    if fmt.datasets:
        items = [s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object, DefaultGraph())
                 for s in items]
    else:
        items = _triples(items)
    declared: dict[str, str] = {}
    if fmt.rdf in PREFIXED:
        declared = used_prefixes(items, {**writer_prefixes(settings.base_iri), **(extra_prefixes or {})})
    return serialize(items, format=fmt.rdf, prefixes=declared) or b""


def _triples(items: list[Any]) -> list[Triple]:
    """Quads as triples, each once (graphs merged), in order."""
    seen: dict[Triple, None] = {}
    for s in items:
        seen.setdefault(Triple(s.subject, s.predicate, s.object) if isinstance(s, Quad) else s, None)
    return list(seen)
