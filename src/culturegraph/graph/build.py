"""The pipeline: read → map → load into a fresh store → validate → switch ``current`` atomically.

``build()`` is what ``culturegraph build`` runs. ``build_into()`` does read → map → load into any
:class:`pyoxigraph.Store` (an in-memory one in the tests) and returns what it did.
"""

from __future__ import annotations

import csv
import gc
import json
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from types import ModuleType
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse
from tqdm import tqdm

import culturegraph
from culturegraph.config import Settings
from culturegraph.graph.dataset import Cog, DatasetSpec, Inputs
from culturegraph.graph.store import StoreHome
from culturegraph.rdf.terms import Minter
from culturegraph.sources.manifest import Manifest, load_manifests
from culturegraph.sources.read import AliasTable, Problem, ReadResult, Record, read_table

VOCABULARY_GRAPH = "vocabulaires"
PROVENANCE_GRAPH = "provenance"


class BuildError(Exception):
    """The build stopped; the graph being served is untouched."""


@dataclass
class SourceRead:
    manifest: Manifest
    results: list[ReadResult]


@dataclass
class LoadResult:
    """What read → map → load produced."""

    triples_per_graph: dict[str, int]
    problems: list[Problem]
    rows_read: dict[str, int]  # file -> data rows
    records_mapped: dict[str, int]  # file -> records that produced triples
    provenance: dict[str, Record]  # subject IRI -> the row it came from
    reports: dict[str, Any]
    sources: dict[str, SourceRead]
    datasets: list[DatasetSpec]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.triples_per_graph.values())


def mapping_modules() -> list[ModuleType]:
    from culturegraph.mappings import dataset_modules

    return dataset_modules()


def read_sources(settings: Settings, names: Iterable[str]) -> dict[str, SourceRead]:
    """Read every file of the named sources with their alias tables; files in manifest order."""
    out: dict[str, SourceRead] = {}
    manifests = load_manifests(settings.sources_dir)
    for name in sorted(set(names)):
        if name not in manifests:
            raise BuildError(f"{settings.sources_dir / name}: no manifest.toml for source {name!r}")
        manifest = manifests[name]
        table = AliasTable.load(settings.aliases_dir / f"{name}.toml")
        results = []
        for file in manifest.files:
            path = manifest.path(file)
            if not path.is_file():
                raise BuildError(f"{path}: listed in {manifest.folder / 'manifest.toml'} but missing")
            results.append(read_table(path, table, root=settings.project_root))
        out[name] = SourceRead(manifest, results)
    return out


def load_tables(settings: Settings) -> dict[str, list[dict[str, str]]]:
    tables = {}
    for path in sorted(settings.tables_dir.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            lines = [line for line in f if not line.startswith("#")]
        tables[path.stem] = list(csv.DictReader(lines, delimiter=";"))
    return tables


def build_into(
    store: Store, settings: Settings, *, progress: bool = False, only: Iterable[str] | None = None
) -> LoadResult:
    """Read the sources, run every mapping and bulk-load the quads (and the vocabularies) into ``store``."""
    # The cyclic GC is paused meanwhile: reading and mapping allocate millions of short-lived objects
    # that reference counting frees anyway, and each of the ~1,700 collections they trigger would
    # rescan the growing inputs. Pausing it saves ~20 % of the Python time (bench/README.md, "Build").
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_into(store, settings, progress=progress, only=only)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_into(
    store: Store, settings: Settings, *, progress: bool, only: Iterable[str] | None
) -> LoadResult:
    t0 = time.perf_counter()
    modules = [m for m in mapping_modules() if only is None or m.DATASET.name in set(only)]
    sources = read_sources(settings, {s for m in modules for s in m.DATASET.sources})
    inputs = Inputs(
        files={name: read.results for name, read in sources.items()},
        cog=Cog.load(settings.tables_dir / "cog"),
        tables=load_tables(settings),
    )
    problems = [p for read in sources.values() for r in read.results for p in r.problems]
    t_read = time.perf_counter()
    iris = Minter(settings.base_iri)
    counts: Counter[str] = Counter()
    provenance: dict[str, Record] = {}
    mapped: Counter[str] = Counter()
    reports: dict[str, Any] = {}

    def quads(module: ModuleType, graph: NamedNode) -> Iterator[Quad]:
        # The hot loop of the build (one pass per emitted triple): locals only, tuples tested first,
        # and the provenance index touched only when the subject changes — mappings emit the triples
        # of one subject in a row, with the same NamedNode object, and ``.value`` copies a string.
        current: Record | None = None
        previous: object = None
        n = 0
        try:
            for item in module.triples(inputs, iris):
                if type(item) is not tuple:
                    if isinstance(item, Record):
                        current = item
                        previous = None
                        mapped[item.file] += 1
                        continue
                    if isinstance(item, Problem):
                        problems.append(item)
                        continue
                subject, predicate, obj = item
                if subject is not previous:
                    previous = subject
                    if current is not None:
                        provenance.setdefault(subject.value, current)
                n += 1
                yield Quad(subject, predicate, obj, graph)
        finally:
            if n:
                counts[module.DATASET.name] += n

    bar = tqdm(total=None, unit=" triples", disable=not progress, desc="map + load", leave=False)

    def with_progress(items: Iterator[Quad]) -> Iterator[Quad]:
        # Chunks rather than a counter per quad: no cost per quad beyond the ``yield from``.
        while chunk := list(islice(items, 10000)):
            yield from chunk
            bar.update(len(chunk))

    for module in modules:
        bar.set_description(f"map + load {module.DATASET.name}")
        stream = quads(module, iris.graph(module.DATASET.name))
        store.bulk_extend(with_progress(stream) if progress else stream)
        if hasattr(module, "report"):
            reports[module.DATASET.name] = module.report(inputs)
    bar.close()
    t_map = time.perf_counter()
    counts[VOCABULARY_GRAPH] = load_vocabularies(store, settings, iris)
    # Distinct triples per graph (a mapping may emit the same triple twice, e.g. a shared concept).
    for name in list(counts):
        counts[name] = count_graph(store, iris.graph(name))
    rows = {r.file: r.rows for read in sources.values() for r in read.results}
    return LoadResult(
        triples_per_graph=dict(counts), problems=problems, rows_read=rows, records_mapped=dict(mapped),
        provenance=provenance, reports=reports, sources=sources, datasets=[m.DATASET for m in modules],
        seconds={"read": t_read - t0, "map_load": t_map - t_read,
                 "vocabularies": time.perf_counter() - t_map},
    )


def count_graph(store: Store, graph: NamedNode) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)


def vocabulary_files(settings: Settings) -> list[Path]:
    root = settings.ontology_dir
    files = sorted(root.glob("*.ttl"))
    for folder in ("vocabularies", "labels"):
        files += sorted((root / folder).glob("*.ttl"))
    return files


def load_vocabularies(store: Store, settings: Settings, iris: Minter) -> int:
    """Our ontology, code lists, DSDs and the fr/en labels of external terms → /graph/vocabulaires."""
    graph = iris.graph(VOCABULARY_GRAPH)
    n = 0
    for path in vocabulary_files(settings):
        text = settings.rebase(path.read_text(encoding="utf-8"))
        try:
            triples = list(parse(text, format=RdfFormat.TURTLE, base_iri=settings.base_iri))
        except SyntaxError as err:
            raise BuildError(f"{path}: {err}") from None
        store.bulk_extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        n += len(triples)
    return n


# the whole build --------------------------------------------------------------------------------

@dataclass
class BuildResult:
    build_id: str
    directory: Path
    report: dict[str, Any]
    switched: bool


def new_build_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def build(
    settings: Settings, *, progress: bool = True, validate: bool = True, fail_after: str | None = None,
) -> BuildResult:
    """Build a new store directory, validate it, and switch ``current`` to it if it has no Violation.

    ``fail_after`` (tests only) raises after the named phase to prove that a failed build leaves the
    served store untouched.
    """
    from culturegraph.graph.provenance import add_build_provenance, write_provenance_index
    from culturegraph.validation.shacl import validate_store

    home = StoreHome(settings.store_home)
    build_id = new_build_id()
    started = datetime.now(UTC)
    partial = home.new_build(build_id)
    try:
        store = Store(str(partial / "store"))
        loaded = build_into(store, settings, progress=progress)
        _maybe_fail(fail_after, "load")
        add_build_provenance(store, settings, build_id, started, loaded)
        index_path = partial / "provenance.sqlite"
        write_provenance_index(index_path, loaded)
        store.flush()
        store.optimize()
        _maybe_fail(fail_after, "optimize")
        validation = validate_store(store, settings, loaded.datasets, partial) if validate else None
        _maybe_fail(fail_after, "validate")
        report = build_report(build_id, started, loaded, validation)
        write_reports(partial, report, loaded)
        del store  # close RocksDB before the directory is renamed
        final = home.finish(partial)
        switched = validation is None or validation.violations == 0
        if switched:
            home.switch(final)
            home.prune(settings.keep_builds)
        report["switched"] = switched
        (final / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return BuildResult(build_id, final, report, switched)
    except BaseException as err:
        # Close RocksDB first: an open store may still write files while the directory is removed.
        store = None  # noqa: F841
        _remove(partial, err)
        raise


def _remove(partial: Path, err: BaseException) -> None:
    """Remove a failed build's directory, even while frames of the traceback still hold the store."""
    for _ in range(10):
        shutil.rmtree(partial, ignore_errors=True)
        if not partial.exists():
            return
        err.__traceback__ = None  # the traceback's frames may keep the store (and RocksDB) open
        gc.collect()
        time.sleep(0.1)


def _maybe_fail(fail_after: str | None, phase: str) -> None:
    if fail_after == phase:
        raise BuildError(f"build stopped on purpose after {phase} (test)")


def build_report(build_id: str, started: datetime, loaded: LoadResult, validation: Any) -> dict[str, Any]:
    ended = datetime.now(UTC)
    actions = Counter(p.action for p in loaded.problems)
    return {
        "build": build_id,
        "software": f"culturegraph {culturegraph.__version__}",
        "started": started.isoformat(),
        "ended": ended.isoformat(),
        "seconds": round((ended - started).total_seconds(), 2),
        "phases": {k: round(v, 2) for k, v in loaded.seconds.items()},
        "triples": loaded.triples,
        "triples_per_graph": loaded.triples_per_graph,
        "files": {
            r.file: {"vintage": r.vintage, "rows": r.rows, "records": len(r.records),
                     "quarantined_rows": r.quarantined_rows, "warnings": r.warnings}
            for read in loaded.sources.values() for r in read.results
        },
        "quarantine": dict(actions),
        "quarantined_rows": actions.get("row quarantined", 0),
        "validation": validation.summary() if validation is not None else None,
        "datasets": loaded.reports,
    }


def write_reports(directory: Path, report: dict[str, Any], loaded: LoadResult) -> None:
    (directory / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    with (directory / "quarantine.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "line", "column", "header", "value", "reason", "action"])
        for p in loaded.problems:
            writer.writerow([p.file, p.line, p.column or "", p.header or "", p.value, p.reason, p.action])
    for name, data in loaded.reports.items():
        overlap = data.get("vintage_overlap") if isinstance(data, dict) else None
        if overlap:
            with (directory / f"{name}-overlap.csv").open("w", encoding="utf-8", newline="") as f:
                rows = [d for c in overlap["compared_with"] for d in c["differences"]]
                if rows:
                    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)
