"""VoID: what each named graph holds (statistics, partitions, examples) and how it links out (linksets).

Statistics are SPARQL aggregates on the graph (evaluated in the store, no term leaves it):

``void:triples`` = ``COUNT(*)``; ``void:distinctSubjects``/``void:distinctObjects`` = distinct ``?s``/``?o``;
``void:properties`` = distinct predicates; ``void:classes`` = distinct objects of ``rdf:type``;
``void:entities`` = distinct IRI subjects (blank nodes are parts of the entities they hang from);
``void:classPartition`` (each class: its entities) and ``void:propertyPartition`` (each property: its
triples).

Linksets count, per graph and predicate, the triples whose object is an IRI of a known external
dataset (:data:`TARGETS`: Wikidata, POP, INSEE, Europeana …). They are counted on the graph's N-Quads
dump, one pass of a regular expression over its lines, because the store cannot test an IRI's prefix
without decoding every term (9 s for the attendance graph, against 1 s here). Links between our own
datasets (the links graph) are counted in SPARQL by the graph each end is typed in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from culturegraph.catalogue.dumps import open_text

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Target:
    """An external dataset our IRIs link to, known by the namespaces of its IRIs."""

    key: str  # /data/externe/<key>
    title: str
    homepage: str
    namespaces: tuple[str, ...]


TARGETS: tuple[Target, ...] = (
    Target("wikidata", "Wikidata", "https://www.wikidata.org/",
           ("http://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/")),
    Target("pop", "POP — la plateforme ouverte du patrimoine", "https://pop.culture.gouv.fr/",
           ("https://pop.culture.gouv.fr/notice/",)),
    Target("insee", "INSEE — référentiel géographique", "https://rdf.insee.fr/",
           ("http://id.insee.fr/",)),
    Target("europeana", "Europeana", "https://www.europeana.eu/",
           ("http://data.europeana.eu/", "https://www.europeana.eu/item/")),
    Target("bnf", "data.bnf.fr", "https://data.bnf.fr/", ("http://data.bnf.fr/", "https://data.bnf.fr/")),
    Target("viaf", "VIAF", "https://viaf.org/", ("http://viaf.org/viaf/", "https://viaf.org/viaf/")),
    Target("idref", "IdRef", "https://www.idref.fr/", ("http://www.idref.fr/", "https://www.idref.fr/")),
    Target("isni", "ISNI", "https://isni.org/", ("https://isni.org/isni/", "http://isni.org/isni/")),
    Target("geonames", "GeoNames", "https://www.geonames.org/",
           ("http://sws.geonames.org/", "https://sws.geonames.org/")),
    Target("aat", "Getty AAT", "https://www.getty.edu/research/tools/vocabularies/aat/",
           ("http://vocab.getty.edu/aat/",)),
    Target("data-culture", "data.culture.fr — thésaurus du ministère de la Culture",
           "http://data.culture.fr/thesaurus/", ("http://data.culture.fr/thesaurus/",)),
    Target("openagenda", "OpenAgenda", "https://openagenda.com/", ("https://openagenda.com/",)),
    Target("issn", "ISSN Portal", "https://portal.issn.org/", ("https://portal.issn.org/resource/ISSN/",)),
)


@dataclass
class GraphStatistics:
    name: str
    graph: str
    triples: int = 0
    entities: int = 0
    classes: int = 0
    properties: int = 0
    distinct_subjects: int = 0
    distinct_objects: int = 0
    class_partition: dict[str, int] = field(default_factory=dict)  # class IRI → entities
    property_partition: dict[str, int] = field(default_factory=dict)  # property IRI → triples
    examples: list[str] = field(default_factory=list)
    # (predicate IRI, target key) → triples
    external_links: dict[tuple[str, str], int] = field(default_factory=dict)
    # (predicate IRI, subject graph name, object graph name) → triples (links graphs only)
    internal_links: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def figures(self) -> dict[str, int]:
        """The figures a change report compares."""
        return {"triples": self.triples, "entities": self.entities, "classes": self.classes,
                "properties": self.properties, "distinctSubjects": self.distinct_subjects,
                "distinctObjects": self.distinct_objects,
                **{f"entities of <{c}>": n for c, n in sorted(self.class_partition.items())}}

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "graph": self.graph, "triples": self.triples, "entities": self.entities,
            "classes": self.classes, "properties": self.properties,
            "distinct_subjects": self.distinct_subjects, "distinct_objects": self.distinct_objects,
            "class_partition": self.class_partition, "property_partition": self.property_partition,
            "examples": self.examples,
            "external_links": [[p, t, n] for (p, t), n in sorted(self.external_links.items())],
            "internal_links": [[p, s, o, n] for (p, s, o), n in sorted(self.internal_links.items())],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GraphStatistics:
        return cls(
            name=data["name"], graph=data["graph"], triples=data["triples"], entities=data["entities"],
            classes=data["classes"], properties=data["properties"],
            distinct_subjects=data["distinct_subjects"], distinct_objects=data["distinct_objects"],
            class_partition=dict(data["class_partition"]),
            property_partition=dict(data["property_partition"]),
            examples=list(data["examples"]),
            external_links={(p, t): n for p, t, n in data["external_links"]},
            internal_links={(p, s, o): n for p, s, o, n in data["internal_links"]},
        )


def _number(result: Any, var: str = "n") -> int:
    for solution in result:
        value = solution[var]
        return int(value.value) if value is not None else 0
    return 0


def graph_statistics(reader: Any, name: str, graph: str, examples: int = 3) -> GraphStatistics:
    """The VoID figures of ``graph`` (``reader``: a GraphReader or a pyoxigraph store)."""
    g = f"<{graph}>"
    stats = GraphStatistics(name, graph)
    for solution in reader.query(
            "SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_) "
            f"WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"):
        stats.triples = int(solution["t"].value)
        stats.distinct_subjects = int(solution["s_"].value)
        stats.distinct_objects = int(solution["o_"].value)
    stats.entities = _number(reader.query(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}"))
    stats.property_partition = {
        s["p"].value: int(s["n"].value) for s in reader.query(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} GROUP BY ?p")}
    stats.properties = len(stats.property_partition)
    stats.class_partition = {
        s["c"].value: int(s["n"].value) for s in reader.query(
            f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {g} {{ ?s a ?c }} }} GROUP BY ?c")}
    stats.classes = len(stats.class_partition)
    # Examples: an IRI of each of the most frequent classes (our own IRIs first).
    for cls in sorted(stats.class_partition, key=lambda c: (-stats.class_partition[c], c))[:examples]:
        query = f"SELECT ?s WHERE {{ GRAPH {g} {{ ?s a <{cls}> }} FILTER(isIRI(?s)) }} LIMIT 1"
        for s in reader.query(query):
            if s["s"].value not in stats.examples:
                stats.examples.append(s["s"].value)
    return stats


# external links ----------------------------------------------------------------------------------------

def _link_pattern(targets: Iterable[Target]) -> tuple[re.Pattern[bytes], dict[bytes, str]]:
    owner = {ns.encode(): t.key for t in targets for ns in t.namespaces}
    alternatives = b"|".join(re.escape(ns) for ns in sorted(owner, key=len, reverse=True))
    # An N-Quads line: subject (IRI or blank node, no space in either), predicate IRI, object.
    return re.compile(rb"(?:<[^>]*>|_:\S+) <([^>]*)> <(" + alternatives + rb")"), owner


def external_links(nquads_gz: Path, targets: Iterable[Target] = TARGETS) -> dict[tuple[str, str], int]:
    """(predicate, target key) → triples of the dump whose object is an IRI of that target."""
    pattern, owner = _link_pattern(targets)
    match = pattern.match
    counts: Counter[tuple[bytes, bytes]] = Counter()
    with open_text(nquads_gz) as f:
        for line in f:
            m = match(line)
            if m is not None:
                counts[m.group(1, 2)] += 1  # type: ignore[index]
    return {(p.decode(), owner[ns]): n for (p, ns), n in sorted(counts.items())}


def internal_links(reader: Any, links_graph: str,
                   graph_names: dict[str, str]) -> dict[tuple[str, str, str], int]:
    """(predicate, subject's graph, object's graph) → triples of ``links_graph`` joining two resources
    typed in other graphs (each end counted in the graph that types it)."""
    others = [g for g in graph_names if g != links_graph]
    if not others:
        return {}
    among = ", ".join(f"<{g}>" for g in others)
    query = f"""
        SELECT ?p ?gs ?go (COUNT(*) AS ?n) WHERE {{
          SELECT DISTINCT ?s ?p ?o ?gs ?go WHERE {{
            GRAPH <{links_graph}> {{ ?s ?p ?o FILTER(isIRI(?o) && ?p != <{RDF_TYPE}>) }}
            GRAPH ?gs {{ ?s a ?ts }} GRAPH ?go {{ ?o a ?to }}
            FILTER(?gs IN ({among}) && ?go IN ({among}))
          }}
        }} GROUP BY ?p ?gs ?go"""
    out = {}
    for s in reader.query(query):
        out[(s["p"].value, graph_names[s["gs"].value], graph_names[s["go"].value])] = int(s["n"].value)
    return out
