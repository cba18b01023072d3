"""Derived graphs: the stages that run after every dataset is mapped and loaded.

:data:`STAGES` is the house's table; datasets add theirs (``DatasetSpec.stages``); all run in
``order``. Built in:

- ``vocabularies`` (10): our ontology, the datasets' vocabulary files (schemes, DSDs) and the labels of
  external terms → ``/graph/vocabulaires``;
- ``liens`` (40): the links stage (:mod:`culturegraph.pipeline.links`): the datasets' link rules
  (``DatasetSpec.links``), the curators' decisions first, then the matchers → ``/graph/liens``,
  validated with ``ontology/shapes/liens.ttl``.
- ``corrections`` (80): the provenance of the curators' corrections the build applied while loading
  (pipeline/corrections.py) → ``/graph/corrections``, only when there are some;
- ``remarques`` (85): the remarks curators published, without personal data (remarks/annotation.py)
  → ``/graph/remarques``, a snapshot of the remarks' store at each build;
- ``provenance`` (90): PROV-O of the build (sources, checksums, times, mapping versions; what each named
  graph was made by and from) → ``/graph/provenance``, only in a real build (a build into a memory
  store in tests has no build id);
- ``catalogue`` (95, last: it describes every other graph): the dumps, the VoID statistics, the change
  report and the DCAT-AP catalogue, whose ``/data/<name>`` nodes are made from each spec (title,
  description, :class:`~culturegraph.datasets.Catalogue`) → ``/graph/catalogue``
  (:mod:`culturegraph.catalogue.stage`).

Another derived graph belongs between (order 40–60): a new :class:`~culturegraph.datasets.Stage` in
this table or in a dataset's spec; ``pipeline/build.py`` does not change. A stage's ``shapes`` are
validated with the datasets' graphs (:func:`stage_shapes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pyoxigraph import Quad, RdfFormat, parse

from culturegraph.catalogue.dcat import CATALOGUE_GRAPH
from culturegraph.catalogue.stage import describe_build
from culturegraph.config import Settings
from culturegraph.datasets import Registry, Stage, load_registry
from culturegraph.pipeline import links
from culturegraph.pipeline.corrections import GRAPH as CORRECTIONS
from culturegraph.pipeline.corrections import provenance_quads
from culturegraph.pipeline.load import BuildError, LoadResult
from culturegraph.provenance.prov import build_provenance
from culturegraph.rdf import prefixes
from culturegraph.rdf.terms import Minter
from culturegraph.remarks.annotation import remark_quads
from culturegraph.remarks.store import DATABASE, RemarkStore
from culturegraph.remarks.table import REMARKS_GRAPH
from culturegraph.store.base import BuildTarget, GraphReader
from culturegraph.store.oxigraph.home import StoreHome

VOCABULARY_GRAPH = "vocabulaires"
PROVENANCE_GRAPH = "provenance"


@dataclass
class Context:
    """What a stage is given (:class:`culturegraph.datasets.StageContext`)."""

    settings: Settings
    registry: Registry
    iris: Minter
    loaded: LoadResult
    target: BuildTarget
    build_id: str = ""
    started: datetime | None = None

    def reader(self) -> GraphReader:
        return self.target.reader()

    def load(self, quads: Iterable[Quad]) -> None:
        self.target.load(quads)


# vocabularies -----------------------------------------------------------------------------------------

def vocabulary_files(settings: Settings, registry: Registry) -> list[Path]:
    """The house's ontology and external labels, and the datasets' vocabulary files."""
    root = settings.ontology_dir
    files = sorted(root.glob("*.ttl"))
    files += sorted((root / "vocabularies").glob("*.ttl"))
    files += registry.vocabularies()
    files += sorted((root / "labels").glob("*.ttl"))
    return files


def load_vocabularies(target: Any, settings: Settings, iris: Minter, registry: Registry | None = None) -> int:
    """Our ontology, code lists, DSDs and the fr/en labels of external terms → /graph/vocabulaires
    (the datasets' nodes ``/data/<name>`` are the catalogue's, in /graph/catalogue). ``target``: a
    BuildTarget or a pyoxigraph Store."""
    registry = registry if registry is not None else load_registry(settings.datasets)
    load = getattr(target, "bulk_extend", None) or target.load
    graph = iris.graph(VOCABULARY_GRAPH)
    n = 0
    for path in vocabulary_files(settings, registry):
        text = settings.rebase(path.read_text(encoding="utf-8"))
        try:
            triples = list(parse(text, format=RdfFormat.TURTLE, base_iri=settings.base_iri))
        except SyntaxError as err:
            raise BuildError(f"{path}: {err}") from None
        load(Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        n += len(triples)
    return n


def _vocabularies(ctx: Any) -> None:
    load_vocabularies(ctx.target, ctx.settings, ctx.iris, ctx.registry)


def _corrections(ctx: Any) -> None:
    """Issue 15: the provenance of the curators' corrections applied while loading → /graph/corrections."""
    if ctx.loaded.corrections:
        ctx.load(provenance_quads(ctx.loaded.corrections, ctx.settings.base_iri, ctx.iris.graph(CORRECTIONS)))


def _remarks(ctx: Any) -> None:
    """Issue 15: the remarks curators published, without personal data → /graph/remarques (a snapshot
    at each build; the Web Annotation Protocol on /annotations/ serves them live)."""
    directory = ctx.settings.remarks_dir
    if not (directory / DATABASE).is_file():
        return  # no remark was ever made: nothing to open (and no store made by a build)
    graph = ctx.iris.graph(REMARKS_GRAPH)
    base = ctx.settings.base_iri
    for remark in RemarkStore(directory).query(published=True):
        ctx.load(remark_quads(remark, base, graph))


def _provenance(ctx: Any) -> None:
    if not ctx.build_id or ctx.started is None:
        return  # not a real build (tests: a build into a memory store)
    derived = [PROVENANCE_GRAPH, *(s.graph for s in stages_of(ctx.registry) if s.graph)]
    ctx.load(build_provenance(ctx.settings, ctx.build_id, ctx.started, ctx.loaded, derived))


def _catalogue(ctx: Any) -> None:
    # The build being served: what the change report compares with (none in a memory build).
    served = StoreHome(ctx.settings.store_home).current_build() if ctx.build_id else None
    describe_build(ctx, served, prefixes.for_writers(ctx.settings.base_iri))


STAGES: tuple[Stage, ...] = (
    Stage("vocabularies", _vocabularies, order=10, graph=VOCABULARY_GRAPH),
    links.STAGE,
    Stage("corrections", _corrections, order=80),
    Stage("remarques", _remarks, order=85),
    Stage("provenance", _provenance, order=90),
    Stage("catalogue", _catalogue, order=95, graph=CATALOGUE_GRAPH),
)


def stages_of(registry: Registry) -> list[Stage]:
    """The house's stages and the datasets', in order."""
    return sorted([*STAGES, *registry.stages()], key=lambda s: s.order)


def stage_shapes(settings: Settings, registry: Registry) -> dict[str, list[Path]]:
    """Derived graph → the SHACL shapes files of the stage that writes it (those that declare any)."""
    return {s.graph: [settings.ontology_dir / p for p in s.shapes]  # an absolute path is kept
            for s in stages_of(registry) if s.graph and s.shapes}


__all__ = ["CATALOGUE_GRAPH", "PROVENANCE_GRAPH", "STAGES", "VOCABULARY_GRAPH", "Context",
           "load_vocabularies", "stage_shapes", "stages_of", "vocabulary_files"]
