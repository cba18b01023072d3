"""The catalogue's shapes and their run: ours (``ontology/shapes/catalogue.ttl``, DCAT-AP 3.0.1's mandatory
rules as Violations and recommended ones as Warnings, written from the specification) and SEMIC's own
shapes of the release (``ontology/shapes/vendor/``, pinned; see its README).

The catalogue graph is small (a few thousand triples): plain pySHACL on all of it, no pre-filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyoxigraph import RdfFormat, Triple, serialize
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

OWN = Path("shapes") / "catalogue.ttl"
SEMIC = Path("shapes") / "vendor" / "dcat-ap-3.0.1-SHACL.ttl"
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    shape: str
    message_fr: str
    message_en: str
    source: str  # "culturegraph" or "SEMIC DCAT-AP 3.0.1"


def shapes_graph(ontology_dir: Path, rebase: object = None, *, semic: bool = True) -> rdflib.Graph:
    """Our shapes (rebased to the deployment by ``rebase(text)``) and, with ``semic``, SEMIC's."""
    graph = rdflib.Graph()
    text = (ontology_dir / OWN).read_text(encoding="utf-8")
    graph.parse(data=rebase(text) if callable(rebase) else text, format="turtle")
    if semic:
        graph += semic_shapes(ontology_dir)
    return graph


def semic_shapes(ontology_dir: Path) -> rdflib.Graph:
    """SEMIC's shapes as published, less two references to property shapes the release file does not
    define (``dcat:DataServiceShape/dc08f4dc…`` and ``…/eb3ac4e4…``), which pySHACL refuses."""
    graph = rdflib.Graph().parse(ontology_dir / SEMIC, format="turtle")
    for shape, prop in list(graph.subject_objects(SH.property)):
        if (prop, SH.path, None) not in graph:
            graph.remove((shape, SH.property, prop))
    return graph


def _data_graph(triples: Iterable[Triple | tuple]) -> rdflib.Graph:
    items = [t if isinstance(t, Triple) else Triple(*t) for t in triples]
    return rdflib.Graph().parse(data=serialize(items, format=RdfFormat.N_TRIPLES) or b"", format="nt")


def validate_catalogue(triples: Iterable[Triple | tuple], shapes: rdflib.Graph) -> list[Result]:
    """Every SHACL result of the catalogue ``triples`` against ``shapes``."""
    data = _data_graph(triples)
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    results = []
    semic_base = "https://semiceu.github.io/DCAT-AP/"
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        messages = {m.language: str(m) for m in shapes.objects(shape, SH.message)
                    if isinstance(m, rdflib.Literal)}
        fallback = " ".join(str(m) for m in report.objects(result, SH.resultMessage))
        path = report.value(result, SH.resultPath)
        results.append(Result(
            severity=SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation"),
            focus=str(report.value(result, SH.focusNode)),
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            shape=str(shape),
            message_fr=messages.get("fr", fallback),
            message_en=messages.get("en", fallback),
            source="SEMIC DCAT-AP 3.0.1" if str(shape).startswith(semic_base) else "culturegraph",
        ))
    return sorted(results, key=lambda r: (r.severity, r.focus, r.path or "", r.shape))


__all__ = ["OWN", "SEMIC", "Result", "semic_shapes", "shapes_graph", "validate_catalogue"]
