"""The catalogue's shapes and their run: ours (``ontology/shapes/catalogue.ttl``: DCAT-AP 3.0.1's mandatory
properties as Violations, the recommended ones as Warnings, written from the specification) and SEMIC's
own shapes of the release (``ontology/shapes/vendor/``, pinned; its README says which file and why two
references are dropped at load).

The catalogue is validated as generated (``catalogue.nt`` of the build, the file ``/catalogue`` serves),
not as read back from the store: Oxigraph keeps every integer datatype as ``xsd:integer``, which would
turn ``dcat:byteSize``'s ``xsd:nonNegativeInteger`` into a Violation that no reuser sees. It is small (a
few thousand triples): plain pySHACL on all of it, no pre-filter, run by
:func:`culturegraph.validation.shacl.validate_store`; its findings join the datasets' in the same
report (dataset ``catalogue``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib
from pyoxigraph import RdfFormat, Triple, serialize
from rdflib.namespace import SH

from culturegraph.config import Settings

NAME = "catalogue"  # the findings' dataset; ``culturegraph validate --dataset catalogue``
OWN = Path("shapes") / "catalogue.ttl"
SEMIC = Path("shapes") / "vendor" / "dcat-ap-3.0.1-SHACL.ttl"
SEMIC_BASE = "https://semiceu.github.io/DCAT-AP/"  # the IRIs of SEMIC's shapes start so


def shapes_graph(settings: Settings, *, semic: bool = True) -> rdflib.Graph:
    """Our shapes (rebased to the deployment) and, with ``semic``, SEMIC's."""
    graph = rdflib.Graph()
    text = (settings.ontology_dir / OWN).read_text(encoding="utf-8")
    graph.parse(data=settings.rebase(text), format="turtle", publicID=settings.base_iri)
    if semic:
        graph += semic_shapes(settings.ontology_dir)
    return graph


def semic_shapes(ontology_dir: Path) -> rdflib.Graph:
    """SEMIC's shapes as published, less two references to property shapes the release file does not
    define (``dcat:DataServiceShape/dc08f4dc…`` and ``…/eb3ac4e4…``), which pySHACL refuses."""
    graph = rdflib.Graph().parse(ontology_dir / SEMIC, format="turtle")
    for shape, prop in list(graph.subject_objects(SH.property)):
        if (prop, SH.path, None) not in graph:
            graph.remove((shape, SH.property, prop))
    return graph


def data_graph(triples: Iterable[Triple | tuple]) -> rdflib.Graph:
    items = [t if isinstance(t, Triple) else Triple(t[0], t[1], t[2]) for t in triples]
    return rdflib.Graph().parse(data=serialize(items, format=RdfFormat.N_TRIPLES) or b"", format="nt")


def is_semic(shape: str | None) -> bool:
    """Whether a finding's shape is SEMIC's (else ours)."""
    return bool(shape and shape.startswith(SEMIC_BASE))


__all__ = ["NAME", "OWN", "SEMIC", "is_semic", "data_graph", "semic_shapes", "shapes_graph"]
