"""PROV-O of a build, written into ``/graph/provenance`` by the pipeline's ``provenance`` stage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad

import culturegraph
from culturegraph.config import Settings
from culturegraph.rdf.terms import (
    DCAT,
    DCTERMS,
    PROV,
    RDFS,
    XSD,
    A,
    Minter,
    Namespace,
    en,
    fr,
    integer,
    string,
)
from culturegraph.sources.manifest import sha256_file

if TYPE_CHECKING:
    from culturegraph.pipeline.load import LoadResult

SPDX = Namespace("http://spdx.org/rdf/terms#")


def build_provenance(settings: Settings, build_id: str, started: datetime, loaded: LoadResult) -> list[Quad]:
    """The PROV-O quads of a build: the activity, the software, each source file (size, checksum,
    licence, where it was downloaded) and what each dataset graph was generated and derived from."""
    iris = Minter(settings.base_iri)
    graph = iris.graph("provenance")
    activity = iris.build(build_id)
    agent = iris.id("logiciel", f"culturegraph-{culturegraph.__version__}")
    ended = datetime.now(UTC)
    triples = [
        (activity, A, PROV.Activity),
        (activity, RDFS.label, fr(f"Construction du graphe {build_id}")),
        (activity, RDFS.label, en(f"Graph build {build_id}")),
        (activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)),
        (activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)),
        (activity, PROV.wasAssociatedWith, agent),
        (agent, A, PROV.SoftwareAgent),
        (agent, RDFS.label, string(f"culturegraph {culturegraph.__version__}")),
        (agent, DCTERMS.hasVersion, string(culturegraph.__version__)),
    ]
    for name, read in loaded.sources.items():
        manifest = read.manifest
        page = NamedNode(f"{manifest.portal}/explore/dataset/{manifest.portal_dataset_id}/")
        for file in manifest.files:
            path = manifest.path(file)
            entity = iris.data("source", name, file.name)
            triples += [
                (activity, PROV.used, entity),
                (entity, A, PROV.Entity),
                (entity, RDFS.label, string(file.name)),
                (entity, PROV.wasDerivedFrom, page),
                (entity, DCTERMS.license, string(manifest.licence)),
                (entity, DCTERMS.rightsHolder, string(manifest.attribution)),
                (entity, DCAT.byteSize, integer(path.stat().st_size)),
                (entity, SPDX.checksum, NamedNode(f"{entity.value}#sha256")),
                (NamedNode(f"{entity.value}#sha256"), A, SPDX.Checksum),
                (NamedNode(f"{entity.value}#sha256"), SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
                (NamedNode(f"{entity.value}#sha256"), SPDX.checksumValue,
                 Literal(sha256_file(path), datatype=XSD.hexBinary)),
            ]
            if file.date:
                triples.append((entity, DCTERMS.issued, string(file.date)))
            if file.url:
                triples.append((entity, DCAT.downloadURL, NamedNode(file.url)))
    for spec in loaded.datasets:
        data_graph = iris.graph(spec.name)
        dataset = iris.dataset(spec.name)
        triples += [
            (data_graph, PROV.wasGeneratedBy, activity),
            (dataset, PROV.wasGeneratedBy, activity),
            (data_graph, DCTERMS.modified, Literal(ended.isoformat(), datatype=XSD.dateTime)),
        ]
        for source in spec.sources:
            read = loaded.sources[source]
            page = NamedNode(f"{read.manifest.portal}/explore/dataset/{read.manifest.portal_dataset_id}/")
            triples.append((dataset, PROV.wasDerivedFrom, page))
    return [Quad(s, p, o, graph) for s, p, o in triples]  # type: ignore[arg-type]
