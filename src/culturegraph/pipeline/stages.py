"""Derived graphs: the stages that run after every dataset is mapped and loaded.

:data:`STAGES` is the house's table; datasets add theirs (``DatasetSpec.stages``); all run in
``order``. Built in:

- ``vocabularies`` (10): our ontology, the datasets' vocabulary files (schemes, DSDs), the labels of
  external terms, and each dataset's node ``/data/<name>`` made from its spec (title, description,
  :class:`~culturegraph.datasets.Catalogue`) → ``/graph/vocabulaires``;
- ``provenance`` (90): PROV-O of the build (sources, checksums, times) → ``/graph/provenance``, only
  in a real build (a build into a memory store in tests has no build id).

A links graph (owl:sameAs to Wikidata…) and the DCAT catalogue belong between (order 40–60): a new
:class:`~culturegraph.datasets.Stage` in this table or in a dataset's spec; ``pipeline/build.py`` does
not change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from culturegraph.config import Settings
from culturegraph.datasets import DatasetSpec, Registry, Stage, Triple3, load_registry
from culturegraph.pipeline.load import BuildError, LoadResult
from culturegraph.provenance.prov import build_provenance
from culturegraph.rdf import prefixes
from culturegraph.rdf.terms import DCAT, DCTERMS, RDFS, VOID, A, Minter, gyear
from culturegraph.store.base import BuildTarget, GraphReader

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


def dataset_node(spec: DatasetSpec, base_iri: str) -> Iterator[Triple3]:
    """``/data/<name>``: a dcat:Dataset and void:Dataset with the spec's title, description and
    catalogue entry — the one place they are written."""
    node = Minter(base_iri).dataset(spec.name)
    catalogue = spec.catalogue

    def iri(text: str) -> NamedNode:
        return NamedNode(prefixes.expand(text, base_iri))

    for extra_type in catalogue.types if catalogue else ():
        yield node, A, iri(extra_type)
    yield node, A, DCAT.Dataset
    yield node, A, VOID.Dataset
    for lang, text in spec.title.items():
        yield node, DCTERMS.title, Literal(text, language=lang)
        yield node, RDFS.label, Literal(text, language=lang)
    for lang, text in spec.description.items():
        yield node, DCTERMS.description, Literal(text, language=lang)
    if catalogue is None:
        return
    for predicate, obj in catalogue.extra:
        yield node, iri(predicate), iri(obj)
    if catalogue.publisher:
        yield node, DCTERMS.publisher, iri(catalogue.publisher)
    if catalogue.licence:
        yield node, DCTERMS.license, iri(catalogue.licence)
    for source in catalogue.sources:
        yield node, DCTERMS.source, iri(source)
    if catalogue.temporal:
        start, end = catalogue.temporal
        period = BlankNode()
        yield node, DCTERMS.temporal, period
        yield period, A, DCTERMS.PeriodOfTime
        yield period, DCAT.startDate, gyear(int(start))
        yield period, DCAT.endDate, gyear(int(end))
    for theme in catalogue.themes:
        yield node, DCAT.theme, iri(theme)
    for lang, words in catalogue.keywords.items():
        for word in words:
            yield node, DCAT.keyword, Literal(word, language=lang)
    for vocabulary in catalogue.vocabularies:
        yield node, VOID.vocabulary, iri(vocabulary)
    for example in catalogue.example_resources:
        yield node, VOID.exampleResource, iri(example)


def load_vocabularies(target: Any, settings: Settings, iris: Minter, registry: Registry | None = None) -> int:
    """Our ontology, code lists, DSDs, dataset nodes and the fr/en labels of external terms →
    /graph/vocabulaires. ``target``: a BuildTarget or a pyoxigraph Store."""
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
    for spec in registry:
        nodes = list(dataset_node(spec, settings.base_iri))
        load(Quad(s, p, o, graph) for s, p, o in nodes)
        n += len(nodes)
    return n


def _vocabularies(ctx: Any) -> None:
    load_vocabularies(ctx.target, ctx.settings, ctx.iris, ctx.registry)


def _provenance(ctx: Any) -> None:
    if not ctx.build_id or ctx.started is None:
        return  # not a real build (tests: a build into a memory store)
    ctx.load(build_provenance(ctx.settings, ctx.build_id, ctx.started, ctx.loaded))


STAGES: tuple[Stage, ...] = (
    Stage("vocabularies", _vocabularies, order=10, graph=VOCABULARY_GRAPH),
    Stage("provenance", _provenance, order=90),
)


def stages_of(registry: Registry) -> list[Stage]:
    """The house's stages and the datasets', in order."""
    return sorted([*STAGES, *registry.stages()], key=lambda s: s.order)


__all__ = ["PROVENANCE_GRAPH", "STAGES", "VOCABULARY_GRAPH", "Context", "dataset_node",
           "load_vocabularies", "stages_of", "vocabulary_files"]
