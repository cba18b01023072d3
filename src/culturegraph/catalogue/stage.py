"""The catalogue stage of the pipeline: after every other graph is loaded, describe the build.

In a real build (one with a build id and a directory), in this order:

1. the dumps of every named graph and of the whole graph (``dumps/``, :mod:`.dumps`), with the
   fingerprints of each graph for the change report made in the same pass;
2. the VoID statistics of each graph (``statistics.json``, :mod:`.void`), linksets counted on the dumps;
3. the change report against the build being served (``changes.json``, :mod:`.changes`); the served
   build's own report joins the history in ``<store>/changes/`` (it was switched in: it is served);
4. the DCAT-AP catalogue (:mod:`.dcat`) from the registry — whatever datasets it holds — and the derived
   graphs found in the store, written as ``catalogue.nt`` (what ``/catalogue`` serves and the catalogue
   shapes check, exactly as generated) and loaded into ``/graph/catalogue`` for SPARQL.

A build into a memory store (tests) has no directory: only the statistics and the catalogue are made.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from culturegraph.catalogue import changes
from culturegraph.catalogue.dcat import CATALOGUE_GRAPH, Entry, catalogue_triples
from culturegraph.catalogue.dumps import FOLDER, NQUADS, read_manifest, write_dumps
from culturegraph.catalogue.void import GraphStatistics, external_links, graph_statistics, internal_links
from culturegraph.datasets import Catalogue

STATISTICS = "statistics.json"
CATALOGUE_FILE = "catalogue.nt"
ISSUED = "issued"  # in <store>/changes/: when this deployment first published its catalogue
CORE_DERIVED = ("vocabulaires", "provenance")  # derived graphs that hold no links between datasets

# The derived graphs' catalogue entries (a dataset's stage may add a graph: a generic entry then).
DERIVED: dict[str, tuple[dict[str, str], dict[str, str], Catalogue]] = {
    "vocabulaires": (
        {"fr": "Vocabulaires de culturegraph", "en": "culturegraph vocabularies"},
        {"fr": "L'ontologie du projet, les listes de codes (SKOS), les structures Data Cube et les libellés "
               "français et anglais des termes externes utilisés.",
         "en": "The project's ontology, its code lists (SKOS), the Data Cube structures and the French and "
               "English labels of the external terms used."},
        Catalogue(themes=("EDUC", "TECH"), keywords={"fr": ("ontologie", "vocabulaire", "SKOS"),
                                                    "en": ("ontology", "vocabulary", "SKOS")})),
    "provenance": (
        {"fr": "Provenance des constructions", "en": "Provenance of the builds"},
        {"fr": "PROV-O de la construction du graphe : fichiers sources (somme SHA-256, date, portail), "
               "version du logiciel et des correspondances, heures de début et de fin.",
         "en": "PROV-O of the graph's build: source files (SHA-256 checksum, date, portal), software and "
               "mapping versions, start and end times."},
        Catalogue(themes=("EDUC", "GOVE"), keywords={"fr": ("provenance", "PROV-O"),
                                                    "en": ("provenance", "PROV-O")})),
    "liens": (
        {"fr": "Liens entre les jeux de données", "en": "Links between the datasets"},
        {"fr": "Les liens calculés entre les ressources des jeux de données (lieux, musées, monuments, "
               "communes), avec leur méthode et leur score.",
         "en": "The links computed between the datasets' resources (venues, museums, monuments, communes), "
               "with their method and score."},
        Catalogue(themes=("EDUC",), keywords={"fr": ("liens", "alignement"), "en": ("links", "alignment")})),
}


def graph_names(reader: Any, base_iri: str) -> list[str]:
    """The names of the named graphs under ``<base>graph/`` (the catalogue's own excluded)."""
    prefix = base_iri + "graph/"
    names = {s["g"].value[len(prefix):] for s in reader.query("SELECT ?g WHERE { GRAPH ?g { } }")
             if s["g"].value.startswith(prefix)}
    return sorted(names - {CATALOGUE_GRAPH})


def entries_of(names: Iterable[str], registry: Iterable[Any]) -> list[Entry]:
    """The registry's datasets (in its order) that have a graph, then the derived graphs."""
    names = list(names)
    specs = {spec.name: spec for spec in registry}
    entries = [Entry(s.name, s.title, s.description, s.catalogue) for s in specs.values() if s.name in names]
    for name in names:
        if name in specs:
            continue
        title, description, catalogue = DERIVED.get(name, (
            {"fr": f"Graphe dérivé « {name} »", "en": f"Derived graph “{name}”"},
            {"fr": f"Le graphe nommé {name}, écrit par une étape de la construction.",
             "en": f"The named graph {name}, written by a stage of the build."}, None))
        entries.append(Entry(name, title, description, catalogue))
    return entries


def registry_catalogue(registry: Iterable[Any], base_iri: str, prefixes: Mapping[str, str]) -> list[Triple]:
    """The catalogue of the registry's datasets alone — what their specs declare, without dumps,
    statistics or derived graphs (the tests of the datasets' shapes and vocabularies read it)."""
    specs = list(registry)
    triples = catalogue_triples(entries_of([s.name for s in specs], specs), [], {}, base=base_iri,
                                prefixes=prefixes, build_id="memory", modified=datetime.now(UTC))
    return [Triple(*t) for t in triples]


def read_statistics(build: Path | None) -> dict[str, GraphStatistics]:
    path = build / STATISTICS if build is not None else None
    if path is None or not path.is_file():
        return {}
    return {s["name"]: GraphStatistics.from_json(s) for s in json.loads(path.read_text(encoding="utf-8"))}


def read_catalogue(build: Path) -> list[Triple] | None:
    """The catalogue of a build, as generated (None when the build has none)."""
    path = build / CATALOGUE_FILE
    if not path.is_file():
        return None
    return [q.triple for q in parse(path=str(path), format=RdfFormat.N_TRIPLES)]


def issued_date(store_home: Path, now: datetime, write: bool) -> str:
    path = store_home / changes.FOLDER / ISSUED
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(now.isoformat(), encoding="utf-8")
        return now.isoformat()


def describe_build(ctx: Any, previous_build: Path | None, prefixes: Mapping[str, str]) -> None:
    """Run the stage on ``ctx`` (:class:`culturegraph.datasets.StageContext`, plus ``target`` and
    ``started``); ``previous_build``: the directory of the build being served, if any."""
    settings, iris = ctx.settings, ctx.iris
    base = settings.base_iri
    reader = ctx.reader()
    directory: Path | None = ctx.target.directory if ctx.build_id else None
    now = datetime.now(UTC)
    seconds = getattr(ctx.loaded, "seconds", {})
    names = graph_names(reader, base)
    graphs = {n: iris.graph(n) for n in names}

    t0 = time.perf_counter()
    dumps = []
    fingerprints: dict[str, changes.Fingerprint] = {}
    if directory is not None:
        def observer(name: str) -> Any:
            fingerprints[name] = changes.Fingerprint()
            return fingerprints[name].observe

        dumps = write_dumps(reader, list(graphs.items()), directory, dict(prefixes), observer=observer)
        for name, fingerprint in fingerprints.items():
            fingerprint.write(directory, name)
    t1 = time.perf_counter()

    stats = {n: graph_statistics(reader, n, g.value) for n, g in graphs.items()}
    known = {g.value: n for n, g in graphs.items()}
    specs = {spec.name for spec in ctx.registry}
    for name, graph in graphs.items():
        if directory is not None:
            stats[name].external_links = external_links(directory / FOLDER / f"{name}.{NQUADS.suffix}")
        if name not in specs and name not in CORE_DERIVED:
            stats[name].internal_links = internal_links(reader, graph.value, known)
    t2 = time.perf_counter()

    if directory is not None:
        (directory / STATISTICS).write_text(
            json.dumps([s.to_json() for s in stats.values()], indent=1, ensure_ascii=False), encoding="utf-8")
        previous = previous_build if previous_build is not None and previous_build != directory else None
        if previous is not None:
            changes.publish(previous, settings.store_home)
        usable = previous if previous is not None and changes.has_fingerprints(previous) else None
        all_graphs = {**{n: iris.graph(n).value for n in read_statistics(usable)}, **known_names(graphs)}
        report = changes.compare_builds(
            usable, directory, all_graphs, build_id=ctx.build_id,
            previous_id=usable.name if usable is not None else None, date=ctx.started or now,
            statistics=stats, previous_statistics=read_statistics(usable))
        changes.write_report(directory, report)
    t3 = time.perf_counter()

    issued = issued_date(settings.store_home, now, write=directory is not None)
    triples = catalogue_triples(entries_of(names, ctx.registry), dumps or [], stats, base=base,
                                prefixes=prefixes, build_id=ctx.build_id or "memory",
                                modified=ctx.started or now, issued=issued)
    items = [Triple(*t) for t in triples]
    if directory is not None:
        serialize(items, str(directory / CATALOGUE_FILE), format=RdfFormat.N_TRIPLES)
    graph = iris.graph(CATALOGUE_GRAPH)
    ctx.load(Quad(t.subject, t.predicate, t.object, graph) for t in items)
    seconds.update({"dumps": t1 - t0, "statistics": t2 - t1, "changes": t3 - t2,
                    "catalogue": time.perf_counter() - t3})


def known_names(graphs: Mapping[str, NamedNode]) -> dict[str, str]:
    return {n: g.value for n, g in graphs.items()}


__all__ = ["CATALOGUE_FILE", "DERIVED", "STATISTICS", "describe_build", "entries_of", "graph_names",
           "read_catalogue", "read_manifest", "read_statistics", "registry_catalogue"]
