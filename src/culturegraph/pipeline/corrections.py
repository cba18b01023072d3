"""Issue 15: the curators' corrections, applied by the build with their provenance.

Each dataset may commit a corrections table (``DatasetSpec.corrections``, default
``corrections.csv`` in its package), written by the curation queue when a curator accepts a remark
with a proposed value (``remarks/fixes.py``). One row per correction:

``annotation`` (the remark's id: its annotation is ``/annotations/<id>``), ``subject``, ``predicate``
(IRIs), ``value`` (the value replaced, an N-Triples term; empty: a missing value, added), ``corrected``
(the new value, an N-Triples term), ``accepted`` (xsd:dateTime), ``curator``, ``reason``.

The build applies a table to its dataset's quads as they stream into the store (:class:`Corrector`):
the quad ``subject predicate value`` of the dataset's graph is replaced by ``subject predicate
corrected``; a missing value is added. The ``corrections`` stage then writes, in ``/graph/corrections``,
one ``prov:Entity`` per applied correction (a reified statement of the new triple,
``prov:wasRevisionOf`` the statement it replaced, ``prov:wasDerivedFrom`` the annotation). A correction
whose value is no longer in the data (fixed at the source since) is not applied and is reported in the
quarantine with its file and line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from culturegraph.config import Settings
from culturegraph.remarks.table import COLUMNS, GRAPH, term
from culturegraph.sources.model import Problem

__all__ = ["COLUMNS", "GRAPH", "Correction", "CorrectionsError", "Corrector", "provenance_quads",
           "read_corrections", "term"]

class CorrectionsError(ValueError):
    """A corrections table cannot be read (the message names the file and the line)."""


@dataclass(frozen=True)
class Correction:
    annotation: str
    subject: NamedNode
    predicate: NamedNode
    value: Any  # None: a missing value, added
    corrected: Any
    accepted: str
    curator: str
    reason: str
    file: str
    line: int


def read_corrections(path: Path, settings: Settings) -> list[Correction]:
    """The rows of ``path`` (rebased: the shipped tables are written against the default base IRI)."""
    if not path.is_file():
        return []
    out = []
    text = settings.rebase(path.read_text(encoding="utf-8"))
    rows = csv.DictReader(text.splitlines())
    if rows.fieldnames is None or [f for f in COLUMNS if f not in rows.fieldnames]:
        raise CorrectionsError(f"{path}: line 1: the header must name the columns {', '.join(COLUMNS)}")
    relative = _relative(path, settings)
    for row in rows:
        line = rows.line_num
        try:
            value = term(row["value"]) if row["value"] else None
            out.append(Correction(row["annotation"], NamedNode(row["subject"]), NamedNode(row["predicate"]),
                                  value, term(row["corrected"]), row["accepted"], row["curator"],
                                  row["reason"], relative, line))
        except (ValueError, SyntaxError) as err:
            raise CorrectionsError(f"{path}: line {line}: {err}") from None
    return out


def _relative(path: Path, settings: Settings) -> str:
    try:
        return str(path.resolve().relative_to(settings.project_root.resolve()))
    except ValueError:
        return str(path)


@dataclass
class Corrector:
    """Applies one dataset's corrections to its quads as they stream by."""

    corrections: list[Correction]
    applied: list[Correction] = field(default_factory=list)

    def apply(self, quads: Iterator[Quad], graph: NamedNode) -> Iterator[Quad]:
        if not self.corrections:
            yield from quads
            return
        wanted: dict[tuple[Any, Any, Any], Correction] = {
            (c.subject, c.predicate, c.value): c for c in self.corrections if c.value is not None}
        found: set[int] = set()
        for quad in quads:
            hit = wanted.get((quad.subject, quad.predicate, quad.object))
            if hit is None:
                yield quad
                continue
            if id(hit) not in found:
                found.add(id(hit))
                self.applied.append(hit)
            yield Quad(quad.subject, quad.predicate, hit.corrected, graph)
        for c in self.corrections:
            if c.value is None:
                self.applied.append(c)
                yield Quad(c.subject, c.predicate, c.corrected, graph)

    def problems(self) -> list[Problem]:
        """The corrections whose value was not found (already fixed at the source?)."""
        applied = {id(c) for c in self.applied}
        return [Problem(c.file, c.line, None, "value", str(c.value),
                        "the value this correction replaces is not in the data any more "
                        "(fixed at the source?)", "correction not applied")
                for c in self.corrections if id(c) not in applied]


def provenance_quads(applied: list[Correction], base_iri: str, graph: NamedNode) -> Iterator[Quad]:
    """``/graph/corrections``: one prov:Entity per applied correction."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    prov = "http://www.w3.org/ns/prov#"
    a = NamedNode(rdf + "type")
    xsd_datetime = NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
    for c in applied:
        node = NamedNode(f"{base_iri}id/correction/{c.annotation}")
        yield Quad(node, a, NamedNode(prov + "Entity"), graph)
        yield Quad(node, a, NamedNode(rdf + "Statement"), graph)
        yield Quad(node, NamedNode(rdf + "subject"), c.subject, graph)
        yield Quad(node, NamedNode(rdf + "predicate"), c.predicate, graph)
        yield Quad(node, NamedNode(rdf + "object"), c.corrected, graph)
        source = NamedNode(f"{base_iri}annotations/{c.annotation}")
        yield Quad(node, NamedNode(prov + "wasDerivedFrom"), source, graph)
        yield Quad(node, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                   Literal(f"Correction d'après la remarque {c.annotation}", language="fr"), graph)
        if c.accepted:
            yield Quad(node, NamedNode(prov + "generatedAtTime"), Literal(c.accepted, datatype=xsd_datetime),
                       graph)
        if c.value is not None:
            before = NamedNode(f"{node.value}#avant")
            yield Quad(node, NamedNode(prov + "wasRevisionOf"), before, graph)
            yield Quad(before, a, NamedNode(rdf + "Statement"), graph)
            yield Quad(before, NamedNode(rdf + "subject"), c.subject, graph)
            yield Quad(before, NamedNode(rdf + "predicate"), c.predicate, graph)
            yield Quad(before, NamedNode(rdf + "object"), c.value, graph)
