"""The photo ↔ museum link rule (mappings/fonds_1418/links.py) on this dataset's graph next to the
Muséofile graph, through the links stage's own functions: the pairs it links are those whose Mérimée
reference both sides state (recomputed from the raw files: query_facts.py), each with its method and score
in the quads written to /graph/liens."""

from __future__ import annotations

from culturegraph.mappings.fonds_1418 import DATASET
from pyoxigraph import Quad, Store

from culturegraph.datasets import load_registry
from culturegraph.pipeline import links
from culturegraph.rdf.terms import DEFAULT_MINTER, Minter
from culturegraph.store.oxigraph.reader import OxigraphReader

from .conftest import fonds, map_dataset

BASE = "https://culturegraph.example/"
KIND = "photographie-musee-merimee"
PREDICATE = f"{BASE}def/culture/representeBatimentDuMusee"
# The four paths of the shipped data: photo, Mérimée reference, museum.
PATHS = {("APD0001511", "M0689"), ("APD0005130", "M5077"), ("APD0001352", "M0778"), ("APD0001408", "M0782")}


def test_photos_are_linked_to_the_museums_in_the_monuments_they_show() -> None:
    store = Store()
    store.bulk_extend(fonds().quads())
    graph = DEFAULT_MINTER.graph("museofile")
    store.bulk_extend([Quad(s, p, o, graph) for s, p, o in map_dataset("museofile").triples])
    registry = load_registry()
    (rule,) = [r for spec, r in registry.link_rules() if r.kind == KIND]
    prefixes = links.link_prefixes(registry, Minter(BASE))
    (result,) = links.compute(OxigraphReader(store), [(DATASET, rule)], prefixes, BASE)
    quads = list(links.quads([result], Minter(BASE)))
    linked = {(q.subject.value.rsplit("/", 1)[1], q.object.value.rsplit("/", 1)[1])
              for q in quads if q.predicate.value == PREDICATE}
    assert linked == PATHS
    # Each link is recorded with its method (the shared key) in /graph/liens.
    assert {q.graph_name.value for q in quads} == {f"{BASE}graph/liens"}
    methods = {q.object.value for q in quads if q.predicate.value.endswith("mapping_justification")}
    assert methods and all("semapv" in m for m in methods)
