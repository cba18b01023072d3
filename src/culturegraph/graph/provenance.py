"""Provenance of a build: PROV-O triples in /graph/provenance, and the row-provenance index.

The index (``provenance.sqlite`` in the build directory) maps every subject a mapping emitted to the
source row it came from (file, line, vintage), and each field to its column per file, so that a
SHACL result can name the file, line and column of the value it is about.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad, Store

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
    expand,
    fr,
    integer,
    string,
)
from culturegraph.sources.manifest import sha256_file

if TYPE_CHECKING:
    from culturegraph.graph.build import LoadResult
    from culturegraph.graph.dataset import DatasetSpec

SPDX = Namespace("http://spdx.org/rdf/terms#")


def add_build_provenance(
    store: Store, settings: Settings, build_id: str, started: datetime, loaded: LoadResult
) -> None:
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
    store.extend(Quad(s, p, o, graph) for s, p, o in triples)


def write_provenance_index(path: Path, loaded: LoadResult) -> None:
    con = sqlite3.connect(str(path))
    with con:
        con.execute("CREATE TABLE subject (iri TEXT PRIMARY KEY, file TEXT, line INTEGER, vintage TEXT)")
        con.execute("CREATE TABLE field (file TEXT, field TEXT, column INTEGER, header TEXT, "
                    "PRIMARY KEY (file, field))")
        con.executemany("INSERT INTO subject VALUES (?, ?, ?, ?)",
                        ((iri, r.file, r.line, r.vintage) for iri, r in loaded.provenance.items()))
        columns = {}
        for read in loaded.sources.values():
            for result in read.results:
                # Every record of a file has the same columns: the first one tells them.
                for name, (column, header) in (result.records[0].columns.items() if result.records else []):
                    columns[(result.file, name)] = (column, header)
        con.executemany("INSERT INTO field VALUES (?, ?, ?, ?)",
                        ((f, n, c, h) for (f, n), (c, h) in columns.items()))
    con.close()


@dataclass(frozen=True)
class Origin:
    file: str
    line: int
    column: int | None = None
    header: str | None = None


class ProvenanceIndex:
    """Read side of the index: subject (+ field) → file, line, column."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ProvenanceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def origin(self, subject: str, field: str | None = None, source: str | None = None) -> Origin | None:
        """Where ``subject`` was read (file, line), and the column of ``field`` in that file. ``source``:
        the folder of data/sources/ whose columns ``field`` names (a dataset's own source); a row read
        from another source has no column for it, even if a column there bears the same name (field
        names are per source: ``commune`` is a code in one file and a town name in another)."""
        row = self.con.execute("SELECT file, line FROM subject WHERE iri = ?", (subject,)).fetchone()
        if row is None and "#" in subject:
            # Hash IRIs (#adresse, #geo) belong to the row of their base resource.
            row = self.con.execute("SELECT file, line FROM subject WHERE iri = ?",
                                   (subject.split("#", 1)[0],)).fetchone()
        if row is None:
            return None
        file, line = row
        if field and (source is None or Path(file).parent.name == source):
            col = self.con.execute("SELECT column, header FROM field WHERE file = ? AND field = ?",
                                   (file, field)).fetchone()
            if col:
                return Origin(file, line, col[0], col[1])
        return Origin(file, line)


# A mapping may name the source field behind (subject, predicate) when DatasetSpec.fields cannot (e.g.
# the count column of an observation depends on its category): ``source_field(subject, predicate)``.
FieldResolver = Callable[[str, str], "str | None"]


def field_resolvers(specs: Iterable[DatasetSpec]) -> dict[str, FieldResolver]:
    """``source_field`` of the mapping modules of ``specs``, where they define one."""
    try:
        from culturegraph.mappings import dataset_modules
    except ImportError:  # pragma: no cover - the mappings package is part of the install
        return {}
    names = {spec.name for spec in specs}
    return {m.DATASET.name: m.source_field for m in dataset_modules()
            if m.DATASET.name in names and callable(getattr(m, "source_field", None))}


@dataclass(frozen=True)
class SourceFields:
    """Which source column is behind a dataset's (subject, predicate), for SHACL findings and pages.

    ``fields``: dataset → predicate IRI → source field, as ``DatasetSpec.fields`` declares it; a field
    written ``<…>`` depends on the subject and is asked of the dataset's resolver (the mapping's
    ``source_field``), if any. ``own_sources``: dataset → the source folder those fields belong to
    (``DatasetSpec.sources[0]``); a subject read from another source gets its row but no column."""

    fields: dict[str, dict[str, str]]
    resolvers: dict[str, FieldResolver]
    own_sources: dict[str, str]

    @classmethod
    def build(cls, fields: dict[str, dict[str, str]], prefixes: dict[str, str],
              resolvers: dict[str, FieldResolver] | None = None,
              own_sources: dict[str, str] | None = None) -> SourceFields:
        """From fields keyed as ``DatasetSpec.fields`` keys them (IRIs, ``<IRI>`` or CURIEs)."""
        expanded = {dataset: {expand(k, prefixes): v for k, v in per.items()}
                    for dataset, per in fields.items()}
        return cls(expanded, dict(resolvers or {}), dict(own_sources or {}))

    @classmethod
    def of(cls, specs: Iterable[DatasetSpec], prefixes: dict[str, str]) -> SourceFields:
        """Of the datasets ``specs``, with their mappings' resolvers."""
        specs = list(specs)
        return cls.build({s.name: s.fields for s in specs}, prefixes, field_resolvers(specs),
                         {s.name: s.sources[0] for s in specs if s.sources})

    def field(self, dataset: str, subject: str, predicate: str) -> str | None:
        name = self.fields.get(dataset, {}).get(predicate)
        if name and name.startswith("<"):
            resolver = self.resolvers.get(dataset)
            name = resolver(subject, predicate) if resolver else None
        return name

    def origin(self, index: ProvenanceIndex, dataset: str, subject: str,
               predicate: str | None = None) -> Origin | None:
        """Where ``subject`` was read, with the column behind ``predicate`` when one is known."""
        field = self.field(dataset, subject, predicate) if predicate else None
        return index.origin(subject, field, self.own_sources.get(dataset))
