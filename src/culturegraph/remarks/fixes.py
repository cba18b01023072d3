"""From an accepted remark to its fix: the corrections table, and "fixed" when the fix is served.

* :func:`write_correction` appends an accepted remark with a proposed value to the corrections table
  of its dataset (``DatasetSpec.corrections``, committed with the dataset: the next build applies it,
  pipeline/corrections.py). The proposed value takes the datatype and language of the value it
  replaces; an IRI replaces an IRI.
* :func:`sync_fixed` turns "fixed" the accepted remarks whose correction is in the build being served
  (``/graph/corrections`` names their annotations), once per build: a remark turns fixed exactly when
  the build that contains its fix is switched.
* :func:`corrections_of` lists the corrections applied to one resource, for its page.
"""

from __future__ import annotations

import csv
import fcntl
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from culturegraph.datasets import DatasetSpec
from culturegraph.remarks.model import Remark
from culturegraph.remarks.store import RemarkStore, now
from culturegraph.remarks.table import COLUMNS, GRAPH, table_path, term
from culturegraph.store.base import GraphReader

PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


class CorrectionError(ValueError):
    """The proposed value cannot become a correction (the message says why, for the curator)."""


def corrected_term(remark: Remark) -> Any:
    """The proposed value as a term like the value it replaces."""
    proposed = remark.proposed.strip()
    if not proposed:
        raise CorrectionError("la remarque ne propose pas de valeur")
    old = term(remark.value) if remark.value else None
    if isinstance(old, NamedNode):
        try:
            return NamedNode(proposed)
        except ValueError:
            raise CorrectionError(f"la valeur remplacée est une IRI : {proposed!r} n'en est pas une") \
                from None
    if isinstance(old, Literal):
        if old.language:
            return Literal(proposed, language=old.language)
        return Literal(proposed, datatype=old.datatype)
    return Literal(proposed)


def write_correction(spec: DatasetSpec, remark: Remark, curator: str, reason: str,
                     settings: Any = None) -> Path:
    """Append ``remark``'s correction to ``spec``'s table (locked: workers may accept at once)."""
    if not remark.predicate:
        raise CorrectionError("la remarque ne désigne pas de propriété")
    corrected = corrected_term(remark)
    path = table_path(spec, settings) if settings is not None else spec.path(spec.corrections)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8", newline="") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        empty = not f.read(1)
        writer = csv.writer(f, lineterminator="\n")
        if empty:
            writer.writerow(COLUMNS)
        writer.writerow([remark.id, remark.target, remark.predicate, remark.value, str(corrected), now(),
                         curator, reason])
    return path


def applied_annotations(reader: GraphReader, base_iri: str) -> set[str]:
    """The ids of the remarks whose correction the build of ``reader`` contains."""
    prefix = f"{base_iri}annotations/"
    graph = NamedNode(f"{base_iri}graph/{GRAPH}")
    out = set()
    for quad in reader.quads(predicate=NamedNode(PROV + "wasDerivedFrom"), graph=graph):
        if isinstance(quad.object, NamedNode) and quad.object.value.startswith(prefix):
            out.add(quad.object.value[len(prefix):])
    return out


def sync_fixed(store: RemarkStore, reader: GraphReader, base_iri: str) -> int:
    """Accepted remarks fixed in the build being served turn "fixed" (checked once per build)."""
    version = reader.version
    if store.meta("synced-build") == version:
        return 0
    fixed = applied_annotations(reader, base_iri)
    n = 0
    for remark in store.query(status="accepted"):
        if remark.id in fixed:
            store.update(remark.id, "build", "fixed", f"build {version}", status="fixed", fixed_in=version)
            n += 1
    store.set_meta("synced-build", version)
    return n


def corrections_of(reader: GraphReader, base_iri: str, iri: str) -> list[dict[str, str]]:
    """The corrections applied to ``iri``: property, new value, old value, the remark's id."""
    graph = NamedNode(f"{base_iri}graph/{GRAPH}")
    try:
        subject = NamedNode(iri)
    except ValueError:
        return []
    out = []
    for quad in reader.quads(predicate=NamedNode(RDF + "subject"), obj=subject, graph=graph):
        node = quad.subject
        if not isinstance(node, NamedNode) or "#" in node.value:
            continue
        facts = {q.predicate.value: q.object for q in reader.quads(subject=node, graph=graph)}
        before = facts.get(PROV + "wasRevisionOf")
        old = None
        if isinstance(before, NamedNode):
            old = next((q.object for q in reader.quads(subject=before, predicate=NamedNode(RDF + "object"),
                                                         graph=graph)), None)
        source = facts.get(PROV + "wasDerivedFrom")
        new = facts.get(RDF + "object")
        out.append({"predicate": getattr(facts.get(RDF + "predicate"), "value", ""),
                    "value": getattr(new, "value", ""), "old": getattr(old, "value", "") if old else "",
                    "remark": source.value.rsplit("/", 1)[-1] if isinstance(source, NamedNode) else "",
                    "accepted": getattr(facts.get(PROV + "generatedAtTime"), "value", ""),
                    "entity": node.value})
    return out
