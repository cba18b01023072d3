"""The pipeline: read → map + load per dataset → derived stages → validate → switch.

``build()`` is what ``culturegraph build`` runs: it asks the publisher (the store seam) for a new
build, fills it with :func:`build_into`, writes the provenance index and the reports, validates, and
switches readers to it only if it has no Violation. ``build_into()`` does read → map + load → stages
into any build target (a pyoxigraph Store is accepted: an in-memory one in the tests) and returns what
it did. The stages come from ``pipeline/stages.py`` and the datasets' specs; this module names none.
"""

from __future__ import annotations

import csv
import gc
import json
import secrets
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import culturegraph
from culturegraph.catalogue.stage import read_catalogue
from culturegraph.config import Settings
from culturegraph.datasets import Registry, load_registry
from culturegraph.pipeline import links
from culturegraph.pipeline.load import (
    BuildError,
    LoadResult,
    SourceRead,
    inputs_of,
    map_and_load,
    read_sources,
)
from culturegraph.pipeline.stages import (
    PROVENANCE_GRAPH,
    VOCABULARY_GRAPH,
    Context,
    load_vocabularies,
    stage_shapes,
    stages_of,
)
from culturegraph.provenance.index import write_provenance_index
from culturegraph.rdf.terms import Minter
from culturegraph.store import backends
from culturegraph.store.base import BuildTarget, Publisher
from culturegraph.store.oxigraph.publish import OxigraphTarget
from culturegraph.validation.shacl import validate_store

__all__ = ["PROVENANCE_GRAPH", "VOCABULARY_GRAPH", "BuildError", "BuildResult", "LoadResult", "SourceRead",
           "build", "build_into", "load_vocabularies", "mapping_modules", "read_sources"]


def mapping_modules(settings: Settings | None = None) -> list[Any]:
    """The datasets of the registry (kept for the benches: each has ``.name``)."""
    return list(load_registry(settings.datasets if settings else ()))


def build_into(
    store: Any, settings: Settings, *, progress: bool = False, only: Iterable[str] | None = None,
    registry: Registry | None = None, build_id: str = "", started: datetime | None = None,
) -> LoadResult:
    """Read the sources, run every mapping, load the quads and run the derived stages into ``store``
    (a :class:`~culturegraph.store.base.BuildTarget`, or anything with pyoxigraph's ``bulk_extend``)."""
    # The cyclic GC is paused meanwhile: reading and mapping allocate millions of short-lived objects
    # that reference counting frees anyway, and each of the ~1,700 collections they trigger would
    # rescan the growing inputs. Pausing it saves ~20 % of the Python time (bench/README.md, "Build").
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        registry = (registry or load_registry(settings.datasets)).only(only)
        target = store if hasattr(store, "load") and hasattr(store, "reader") else OxigraphTarget(store)
        return _build_into(target, settings, registry, progress=progress, build_id=build_id, started=started)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_into(target: BuildTarget, settings: Settings, registry: Registry, *, progress: bool,
                build_id: str, started: datetime | None) -> LoadResult:
    t0 = time.perf_counter()
    sources = read_sources(settings, registry, {s for spec in registry for s in spec.sources})
    inputs = inputs_of(sources, registry)
    read_problems = [p for read in sources.values() for r in read.results for p in r.problems]
    t_read = time.perf_counter()
    iris = Minter(settings.base_iri)
    corrections: list[Any] = []
    counts, problems, provenance, mapped, reports = map_and_load(target, registry, inputs, iris,
                                                                 progress=progress, settings=settings,
                                                                 corrections=corrections)
    t_map = time.perf_counter()
    rows = {r.file: r.rows for read in sources.values() for r in read.results}
    loaded = LoadResult(
        triples_per_graph=dict(counts), problems=read_problems + problems, rows_read=rows,
        records_mapped=dict(mapped), provenance=provenance, reports=reports, sources=sources,
        datasets=list(registry), seconds={"read": t_read - t0, "map_load": t_map - t_read},
        corrections=corrections,
    )
    ctx = Context(settings, registry, iris, loaded, target, build_id, started)
    reader = target.reader()
    for stage in stages_of(registry):
        t_stage = time.perf_counter()
        stage.run(ctx)
        # each stage under its own name; a stage that times its parts itself (the catalogue: dumps,
        # statistics, changes, catalogue) keeps them
        loaded.seconds.setdefault(stage.name, time.perf_counter() - t_stage)
        if stage.graph:
            counts[stage.graph] = 0  # counted below
    # Distinct triples per graph (a mapping may emit the same triple twice, e.g. a shared concept).
    for name in list(counts):
        counts[name] = reader.count(iris.graph(name))
    loaded.triples_per_graph = dict(counts)
    return loaded


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
    registry: Registry | None = None, publisher: Publisher | None = None,
) -> BuildResult:
    """Build a new store directory, validate it, and switch ``current`` to it if it has no Violation.

    ``fail_after`` (tests only) raises after the named phase to prove that a failed build leaves the
    served store untouched.
    """
    registry = registry or load_registry(settings.datasets)
    publish: Publisher = publisher or backends.publisher(settings)
    build_id = new_build_id()
    started = datetime.now(UTC)
    target = publish.new_build(build_id)
    partial = target.directory
    try:
        loaded = build_into(target, settings, progress=progress, registry=registry, build_id=build_id,
                            started=started)
        _maybe_fail(fail_after, "load")
        write_provenance_index(partial / "provenance.sqlite", loaded)
        target.flush()
        target.optimize()
        _maybe_fail(fail_after, "optimize")
        validation = validate_store(target.reader(), settings, loaded.datasets, partial,
                                    catalogue=read_catalogue(partial),
                                    graphs=stage_shapes(settings, registry)) if validate else None
        _maybe_fail(fail_after, "validate")
        report = build_report(build_id, started, loaded, validation)
        write_reports(partial, report, loaded)
        final = publish.finish(target)
        switched = validation is None or validation.violations == 0
        if switched:
            publish.switch(final)
            publish.prune(settings.keep_builds)
        report["switched"] = switched
        (final / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return BuildResult(build_id, final, report, switched)
    except BaseException as err:
        # Close the store first: an open store may still write files while the directory is removed.
        publish.discard(target, err)
        raise


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
        # `shipped = false` files not downloaded yet (`culturegraph fetch <source>` gets them)
        "not_fetched": {f"{read.manifest.folder.name}/{f.name}": source
                        for source, read in loaded.sources.items() for f in read.absent},
        "quarantine": dict(actions),
        "quarantined_rows": actions.get("row quarantined", 0),
        "validation": validation.summary() if validation is not None else None,
        "datasets": loaded.reports,
    }


QUARANTINE_COLUMNS = ["file", "line", "column", "header", "value", "reason", "action", "pointer"]


def write_reports(directory: Path, report: dict[str, Any], loaded: LoadResult) -> None:
    """``report.json``, ``quarantine.csv`` (each problem's locator: line/column/header for CSV, the JSON
    pointer for JSON) and the CSV files of the datasets' reports."""
    (directory / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    with (directory / "quarantine.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(QUARANTINE_COLUMNS)
        for p in loaded.problems:
            writer.writerow([p.file, p.line if p.pointer is None else "", p.column or "", p.header or "",
                             p.value, p.reason, p.action, p.pointer or ""])
    linked = loaded.reports.get(links.GRAPH)
    if isinstance(linked, dict):
        with (directory / links.CANDIDATES_FILE).open("w", encoding="utf-8", newline="") as f:
            table = csv.DictWriter(f, fieldnames=links.CANDIDATE_COLUMNS)
            table.writeheader()
            table.writerows(links.candidate_rows(linked))
    for spec in loaded.datasets:
        data = loaded.reports.get(spec.name)
        if spec.report is None or spec.report.files is None or not isinstance(data, dict):
            continue
        for name, rows in spec.report.files(data).items():
            with (directory / name).open("w", encoding="utf-8", newline="") as f:
                if rows:
                    table = csv.DictWriter(f, fieldnames=list(rows[0]))
                    table.writeheader()
                    table.writerows(rows)
