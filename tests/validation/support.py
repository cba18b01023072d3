"""Helpers for the SHACL tests: run the real validator on a small TriG fixture."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, parse

from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.datasets import DatasetSpec, load_registry
from culturegraph.pipeline.stages import load_vocabularies, stage_shapes
from culturegraph.rdf.terms import Minter
from culturegraph.store.oxigraph.reader import OxigraphReader
from culturegraph.validation.catalogue import NAME as CATALOGUE
from culturegraph.validation.catalogue import is_semic
from culturegraph.validation.shacl import Finding, ValidationReport, validate_store

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES = PROJECT_ROOT / "ontology" / "shapes"  # common.ttl; each dataset's own: DatasetSpec.shapes
DATASETS = ("frequentation-musees", "museofile", "geographie")


@dataclass
class Fixture:
    path: Path
    dataset: str
    expected: dict[tuple[str, str], int] = field(default_factory=dict)  # (severity, key) -> count
    messages: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Fixture:
        text = path.read_text(encoding="utf-8")
        dataset = re.search(r"^# dataset: (\S+)", text, re.M)
        assert dataset, f"{path}: no '# dataset:' line"
        fixture = cls(path, dataset.group(1))
        for severity, key, count in re.findall(r"^# expect: (\w+) (\S+)(?: (\d+))?\s*$", text, re.M):
            fixture.expected[(severity, key)] = int(count or 1)
        fixture.messages = re.findall(r"^# message: (.+?)\s*$", text, re.M)
        return fixture


def key(finding: Finding) -> str:
    """The fixture key of a result: shape local name, then '/' and the path's local name. SEMIC's property
    shapes are named by a hash: theirs are ``semic:`` and their node shape (``semic:dcat:CatalogShape``)."""
    if is_semic(finding.shape):
        shape = "semic:" + (finding.shape or "").split("#", 1)[-1].split("/", 1)[0]
    else:
        shape = re.split(r"[#/]", finding.shape or "")[-1]
    path = re.split(r"[#/]", finding.path)[-1] if finding.path else None
    return f"{shape}/{path}" if path else shape


def specs() -> dict[str, DatasetSpec]:
    return {spec.name: spec for spec in load_registry()}


def validate_trig(trig: str, dataset: str, settings: Settings, directory: Path,
                  mode: str = "fast") -> ValidationReport:
    """Load ``trig`` (+ the shipped vocabularies) in a memory store and validate ``dataset``'s graph.

    ``catalogue``: the triples of the file's /graph/catalogue, as parsed (the build validates the catalogue
    as generated, never read back from a store, which would make every integer an ``xsd:integer``)."""
    store = Store()
    prefixes = (FIXTURES / "prefixes.ttl").read_text(encoding="utf-8")
    if dataset == CATALOGUE:
        graph = NamedNode(settings.base_iri + "graph/" + CATALOGUE)
        triples = [(q.subject, q.predicate, q.object)
                   for q in parse(prefixes + trig, format=RdfFormat.TRIG) if q.graph_name == graph]
        return validate_store(OxigraphReader(store), settings, [], directory, datasets=[CATALOGUE], mode=mode,
                              catalogue=triples)
    store.load(prefixes + trig, format=RdfFormat.TRIG)
    load_vocabularies(store, settings, Minter(settings.base_iri))
    derived = stage_shapes(settings, load_registry())
    if dataset in derived:  # a derived graph (/graph/liens): its stage's shapes
        return validate_store(OxigraphReader(store), settings, [], directory, mode=mode,
                              graphs={dataset: derived[dataset]})
    return validate_store(OxigraphReader(store), settings, [specs()[dataset]], directory, mode=mode)
