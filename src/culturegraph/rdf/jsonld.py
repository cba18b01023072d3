"""Compacted JSON-LD: the shared context (ontology/context.jsonld) applied to triples.

pyoxigraph writes JSON-LD in expanded form only; rdflib's serializer compacts with a given context
(terms for properties, ``@type: @id``, ``@language`` defaults, prefixes for CURIEs). Documents are
small (at most a few thousand triples), so the round trip through rdflib costs a few tens of
milliseconds. Used by the linked-data documents and the SPARQL endpoint's CONSTRUCT/DESCRIBE results.

When ontology/context.jsonld is absent or unreadable, the prefixes of our IRI minter make the context
(CURIEs instead of terms): the output is still valid, compact JSON-LD.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, Triple, serialize

from culturegraph.config import Settings
from culturegraph.rdf.terms import Minter

CONTEXT_FILE = "context.jsonld"


def context(settings: Settings) -> dict[str, Any]:
    """The ``@context`` object for this deployment's base IRI (rebased, cached per file mtime)."""
    path = settings.ontology_dir / CONTEXT_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    return _load(path, mtime, settings.base_iri, settings)


@lru_cache(maxsize=8)
def _load(path: Path, mtime: int | None, base_iri: str, settings: Settings) -> dict[str, Any]:
    prefixes: dict[str, Any] = dict(Minter(base_iri).prefixes())
    if mtime is None:
        return prefixes
    try:
        data = json.loads(settings.rebase(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return prefixes
    ctx = data.get("@context", data) if isinstance(data, dict) else None
    if not isinstance(ctx, dict):
        return prefixes
    # The file's terms win; our prefixes fill in what it does not define.
    return {**{k: v for k, v in prefixes.items() if k not in ctx}, **ctx}


def compact(triples: Iterable[Triple], ctx: dict[str, Any]) -> bytes:
    """Triples → compacted JSON-LD (UTF-8), with the context embedded (no network fetch for clients)."""
    from rdflib import Graph

    data = serialize(list(triples), format=RdfFormat.N_TRIPLES) or b""
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    text = graph.serialize(format="json-ld", context=ctx, auto_compact=True, indent=2)
    return text.encode("utf-8")
