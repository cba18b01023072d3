"""The corrections table's format, shared by its writer (``remarks/fixes.py``: the curators' queue) and
its reader (``pipeline/corrections.py``: the build): the columns, the named graph of the corrections'
provenance, and the N-Triples terms of its ``value`` and ``corrected`` cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, parse

COLUMNS = ["annotation", "subject", "predicate", "value", "corrected", "accepted", "curator", "reason"]
GRAPH = "corrections"  # /graph/corrections
REMARKS_GRAPH = "remarques"  # /graph/remarques: the published remarks, without personal data


def table_path(spec: Any, settings: Any) -> Path:
    """The corrections table of ``spec`` (a DatasetSpec): ``<corrections_home>/<dataset>.csv`` when the
    ``corrections_home`` setting is set, else the dataset's own (``DatasetSpec.corrections``)."""
    if settings.corrections_home is not None:
        return Path(settings.corrections_home) / f"{spec.name}.csv"
    return Path(spec.path(spec.corrections))


def term(text: str) -> Any:
    """An N-Triples term (``<iri>``, ``"literal"@fr``, ``"1"^^<…#integer>``) as a pyoxigraph term."""
    triples = list(parse(f"<urn:s> <urn:p> {text} .", format=RdfFormat.N_TRIPLES))
    if len(triples) != 1:
        raise ValueError(f"not one N-Triples term: {text!r}")
    return triples[0].object
