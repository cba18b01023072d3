"""The corrections table's format, shared by its writer (``remarks/fixes.py``: the curators' queue) and
its reader (``pipeline/corrections.py``: the build): the columns, the named graph of the corrections'
provenance, and the N-Triples terms of its ``value`` and ``corrected`` cells."""

from __future__ import annotations

from typing import Any

from pyoxigraph import RdfFormat, parse

COLUMNS = ["annotation", "subject", "predicate", "value", "corrected", "accepted", "curator", "reason"]
GRAPH = "corrections"  # /graph/corrections
REMARKS_GRAPH = "remarques"  # /graph/remarques: the published remarks, without personal data


def term(text: str) -> Any:
    """An N-Triples term (``<iri>``, ``"literal"@fr``, ``"1"^^<…#integer>``) as a pyoxigraph term."""
    triples = list(parse(f"<urn:s> <urn:p> {text} .", format=RdfFormat.N_TRIPLES))
    if len(triples) != 1:
        raise ValueError(f"not one N-Triples term: {text!r}")
    return triples[0].object
