"""Read → map → load: the loop the build and the golden tests share.

:func:`read_sources` reads every file of the sources a set of datasets needs, each with the reader its
manifest's ``format`` names and the field map its owning dataset declares. :class:`MappingRun` runs one
dataset's mapping over the records: it yields the triples and collects, on the way, the quarantine
(the mapping's Problems) and the provenance index (subject → the record it was mapped from: the first
record a subject follows). :func:`load` feeds the triples of every dataset into a build target as quads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from pyoxigraph import NamedNode, Quad
from tqdm import tqdm

from culturegraph.config import Settings
from culturegraph.datasets import DatasetSpec, Inputs, Registry, Triple3
from culturegraph.pipeline.corrections import CorrectionsError, Corrector, read_corrections
from culturegraph.rdf.terms import Minter
from culturegraph.remarks.table import table_path
from culturegraph.sources.manifest import Manifest, SourceFile, load_manifests
from culturegraph.sources.model import Problem, ReadResult, Record
from culturegraph.store.base import BuildTarget


class BuildError(Exception):
    """The build stopped; the graph being served is untouched."""


@dataclass
class SourceRead:
    manifest: Manifest  # the files read only: a ``shipped = false`` file not fetched yet is in ``absent``
    results: list[ReadResult]
    absent: list[SourceFile] = field(default_factory=list)


@dataclass
class LoadResult:
    """What read → map → load (and the derived stages) produced."""

    triples_per_graph: dict[str, int]
    problems: list[Problem]
    rows_read: dict[str, int]  # file -> data records
    records_mapped: dict[str, int]  # file -> records that produced triples
    provenance: dict[str, Record]  # subject IRI -> the record it came from
    reports: dict[str, Any]
    sources: dict[str, SourceRead]
    datasets: list[DatasetSpec]
    seconds: dict[str, float] = field(default_factory=dict)
    corrections: list[Any] = field(default_factory=list)  # the curators' corrections applied (issue 15)

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())


def read_sources(settings: Settings, registry: Registry, names: Iterable[str]) -> dict[str, SourceRead]:
    """Read every file of the named sources with their field maps; files in manifest order."""
    out: dict[str, SourceRead] = {}
    manifests = load_manifests(settings.sources_dir) if settings.sources_dir.is_dir() else {}
    for source, folder in registry.source_folders().items():
        manifests[source] = Manifest.load(folder)
    for name in sorted(set(names)):
        if name not in manifests:
            raise BuildError(f"{settings.sources_dir / name}: no manifest.toml for source {name!r}")
        manifest = manifests[name]
        try:
            table = registry.load_alias_table(name)
        except LookupError as err:
            raise BuildError(f"{manifest.folder / 'manifest.toml'}: {err}") from None
        results, present, absent = [], [], []
        for file in manifest.files:
            path = manifest.path(file)
            if not isinstance(file.shipped, bool):
                raise BuildError(f"{manifest.folder / 'manifest.toml'}: {file.name}: `shipped` must be true "
                                 f"or false, not {file.shipped!r}")
            if not path.is_file():
                if not file.shipped:  # declared for `culturegraph fetch`, not downloaded: nothing to read
                    absent.append(file)
                    continue
                raise BuildError(f"{path}: listed in {manifest.folder / 'manifest.toml'} but missing")
            present.append(file)
            try:
                reader = registry.reader(manifest.format_of(file))
            except LookupError as err:
                raise BuildError(f"{manifest.folder / 'manifest.toml'}: {file.name}: {err}") from None
            results.append(reader.read(path, table, root=settings.project_root))
        out[name] = SourceRead(replace(manifest, files=present), results, absent)
    return out


def inputs_of(sources: dict[str, SourceRead], registry: Registry) -> Inputs:
    return Inputs(files={name: read.results for name, read in sources.items()}, tables=registry.load_tables())


class MappingRun:
    """One dataset's mapping over ``inputs``: :meth:`triples` yields its triples; meanwhile ``problems``,
    ``provenance`` (subject IRI → record) and ``mapped`` (file → records that produced triples) fill."""

    def __init__(self, spec: DatasetSpec, inputs: Inputs, iris: Minter,
                 problems: list[Problem] | None = None, provenance: dict[str, Record] | None = None,
                 mapped: Counter[str] | None = None, records: list[Record] | None = None) -> None:
        if spec.mapping is None:
            raise BuildError(f"dataset {spec.name}: DatasetSpec.mapping is not set")
        self.spec, self.inputs, self.iris = spec, inputs, iris
        self.problems = problems if problems is not None else []
        self.provenance = provenance if provenance is not None else {}
        self.mapped = mapped if mapped is not None else Counter()
        self.records = records  # every Record the mapping yields, when a list is given (golden tests)
        self.count = 0

    def triples(self) -> Iterator[Triple3]:
        # The hot loop of the build (one pass per emitted triple): locals only, tuples tested first,
        # and the provenance index touched only when the subject changes — mappings emit the triples
        # of one subject in a row, with the same NamedNode object, and ``.value`` copies a string.
        current: Record | None = None
        previous: object = None
        problems, provenance, mapped, records = self.problems, self.provenance, self.mapped, self.records
        n = 0
        assert self.spec.mapping is not None
        try:
            for item in self.spec.mapping(self.inputs, self.iris):
                if type(item) is not tuple:
                    if isinstance(item, Record):
                        current = item
                        previous = None
                        mapped[item.file] += 1
                        if records is not None:
                            records.append(item)
                        continue
                    if isinstance(item, Problem):
                        problems.append(item)
                        continue
                subject = item[0]
                if subject is not previous:
                    previous = subject
                    if current is not None:
                        provenance.setdefault(subject.value, current)
                n += 1
                yield item  # type: ignore[misc]
        finally:
            self.count += n

    def quads(self, graph: NamedNode) -> Iterator[Quad]:
        for s, p, o in self.triples():
            yield Quad(s, p, o, graph)


Mapped = tuple[Counter[str], list[Problem], dict[str, Record], Counter[str], dict[str, Any]]


def map_and_load(target: BuildTarget, registry: Registry, inputs: Inputs, iris: Minter, *,
                 progress: bool = False, settings: Settings | None = None,
                 corrections: list[Any] | None = None) -> Mapped:
    """Every dataset's mapping, bulk-loaded into its graph ``/graph/<name>``; the reports computed. With
    ``settings``, each dataset's corrections table is applied on the way (pipeline/corrections.py); the
    corrections applied are appended to ``corrections``, those that no longer apply to the problems."""
    counts: Counter[str] = Counter()
    problems: list[Problem] = []
    provenance: dict[str, Record] = {}
    mapped: Counter[str] = Counter()
    reports: dict[str, Any] = {}
    bar = tqdm(total=None, unit=" triples", disable=not progress, desc="map + load", leave=False)

    def with_progress(items: Iterator[Quad]) -> Iterator[Quad]:
        # Chunks rather than a counter per quad: no cost per quad beyond the ``yield from``.
        while chunk := list(islice(items, 10000)):
            yield from chunk
            bar.update(len(chunk))

    for spec in registry:
        bar.set_description(f"map + load {spec.name}")
        run = MappingRun(spec, inputs, iris, problems, provenance, mapped)
        stream = run.quads(iris.graph(spec.name))
        corrector = None
        if settings is not None:
            try:
                corrector = Corrector(read_corrections(table_path(spec, settings), settings))
            except CorrectionsError as err:
                raise BuildError(str(err)) from None
            stream = corrector.apply(stream, iris.graph(spec.name))
        target.load(with_progress(stream) if progress else stream)
        if run.count:
            counts[spec.name] += run.count
        if corrector is not None:
            problems.extend(corrector.problems())
            if corrections is not None:
                corrections.extend(corrector.applied)
        if spec.report is not None:
            reports[spec.name] = dict(spec.report.compute(inputs))
    bar.close()
    return counts, problems, provenance, mapped, reports
