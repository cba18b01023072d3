"""``culturegraph export edm``: the fonds as EDM RDF/XML, the serialisation Europeana's aggregators ingest.

The export is read from the current build (never from the source files: what is exported is what was
validated). It keeps the EDM classes and, for each, the properties the EDM profile knows: the provided
objects, their aggregations and web resources, and the contextual entities they refer to (agents, time
spans, places, concepts), with the communes of the geography dataset as ``edm:Place`` and the providers as
``foaf:Organization``, both with their ``skos:prefLabel``; the schema.org, RiC-O and house statements of
the graph are left out. Literals are written as plain (or language-tagged) literals, as the EDM XML
schema expects: ``dcterms:created "1917-06"`` keeps the source's precision in its text.

One file (``-o fonds.xml``; standard output by default), or one file per record (``--par-notice DIR``:
``DIR/<ref>.xml``, each holding its record's contextual entities too).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import click
from pyoxigraph import Literal, NamedNode, Triple

from culturegraph.config import Settings
from culturegraph.datasets import Command
from culturegraph.rdf.terms import DCTERMS, FOAF, RDF, RDFS, SKOS, WGS84, A, Minter
from culturegraph.store.oxigraph.home import NoStoreError, StoreHome

from .mapping import DC, EDM, NAME, ORE

# The properties kept per EDM class (EDM Definition v5.2.8 and Europeana's EDM XML schema).
KEEP: dict[NamedNode, frozenset[NamedNode]] = {
    EDM.ProvidedCHO: frozenset({
        DC.identifier, DC.title, DC.description, DC.creator, DC.subject, DC.type, DC.rights,
        DCTERMS.created, DCTERMS.spatial, DCTERMS.temporal, DCTERMS.isPartOf, DCTERMS.medium,
        DCTERMS.relation, DCTERMS.references, DCTERMS.contributor, DCTERMS.identifier, EDM.type,
        EDM.isRelatedTo}),
    ORE.Aggregation: frozenset({EDM.aggregatedCHO, EDM.isShownAt, EDM.isShownBy, EDM.object,
                                EDM.dataProvider, EDM.provider, EDM.rights}),
    EDM.WebResource: frozenset(),
    EDM.Agent: frozenset({SKOS.prefLabel, SKOS.altLabel, SKOS.note, FOAF.name}),
    EDM.Place: frozenset({SKOS.prefLabel, SKOS.altLabel, WGS84.lat, WGS84.long, DCTERMS.isPartOf}),
    EDM.TimeSpan: frozenset({SKOS.prefLabel, EDM.begin, EDM.end}),
    SKOS.Concept: frozenset({SKOS.prefLabel, SKOS.inScheme}),
}
# The house's organisations and the geography dataset's communes, made contextual entities.
CONTEXT = """
SELECT ?node ?label ?kind WHERE {
  { SELECT DISTINCT ?node WHERE { GRAPH <DATASET_GRAPH> { ?x ?p ?node . FILTER (isIRI(?node)) } } }
  ?node rdfs:label ?label . FILTER (LANG(?label) = "fr")
  { ?node a <http://rdf.insee.fr/def/geo#Commune> BIND("place" AS ?kind) }
  UNION { ?node a <http://rdf.insee.fr/def/geo#ArrondissementMunicipal> BIND("place" AS ?kind) }
  UNION { ?node a foaf:Organization BIND("organisation" AS ?kind) }
}"""


def edm_triples(store: Any, iris: Minter) -> list[Triple]:
    """The EDM view of ``/graph/fonds-14-18`` in ``store`` (a pyoxigraph Store of a build)."""
    graph = iris.graph(NAME)
    rows = list(store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"))
    types: dict[Any, set[NamedNode]] = {}
    for row in rows:
        if row["p"] == A:
            types.setdefault(row["s"], set()).add(row["o"])
    kept: list[Triple] = []
    for row in rows:
        subject, predicate, obj = row["s"], row["p"], row["o"]
        classes = types.get(subject, set()) & KEEP.keys()
        if not classes:
            continue
        if predicate == A:
            if obj in KEEP:
                kept.append(Triple(subject, A, obj))
        elif any(predicate in KEEP[c] for c in classes):
            kept.append(Triple(subject, predicate, _plain(obj)))
    query = CONTEXT.replace("DATASET_GRAPH", graph.value)
    prefixes = f"PREFIX rdfs: <{RDFS}>\nPREFIX foaf: <{FOAF}>\n"
    for row in store.query(prefixes + query, use_default_graph_as_union=True):
        kind = EDM.Place if row["kind"].value == "place" else FOAF.Organization
        kept += [Triple(row["node"], A, kind), Triple(row["node"], SKOS.prefLabel, row["label"])]
    return list(dict.fromkeys(kept))


def _plain(term: Any) -> Any:
    """A typed literal as a plain one (EDM's XML schema types none); IRIs and tagged literals as they are."""
    if isinstance(term, Literal) and term.language is None:
        return Literal(term.value)
    return term


def per_record(triples: list[Triple]) -> dict[str, list[Triple]]:
    """Each provided object's ref → its statements, its aggregation's, and those of every entity they
    reach (web resources, agents, time spans, places, concepts, organisations)."""
    by_subject: dict[Any, list[Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    aggregations = {t.object: t.subject for t in triples if t.predicate == EDM.aggregatedCHO}
    records: dict[str, list[Triple]] = {}
    chos: list[Any] = [t.subject for t in triples if t.predicate == A and t.object == EDM.ProvidedCHO]
    for cho in chos:
        seen: dict[Any, None] = {}
        todo: list[Any] = [cho] + ([aggregations[cho]] if cho in aggregations else [])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen[node] = None
            for t in by_subject.get(node, []):
                if t.predicate != A and t.object in by_subject and t.object not in seen:
                    todo.append(t.object)
        records[cho.value.rsplit("/", 1)[1]] = [t for node in seen for t in by_subject.get(node, [])]
    return records


# Europeana's EDM XML schema wants typed node elements (``<edm:ProvidedCHO rdf:about=…>``), not
# ``rdf:Description`` with ``rdf:type``, which is what the house's RDF/XML writer (pyoxigraph) makes: this
# is a writer of that one profile. Entities in the order of Europeana's samples.
ORDER = (EDM.ProvidedCHO, EDM.WebResource, EDM.Agent, EDM.Place, EDM.TimeSpan, SKOS.Concept,
         FOAF.Organization, ORE.Aggregation)
NAMESPACES = {"rdf": str(RDF), "dc": str(DC), "dcterms": str(DCTERMS), "edm": str(EDM), "ore": str(ORE),
              "skos": str(SKOS), "foaf": str(FOAF), "wgs84_pos": str(WGS84)}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def write_edm(triples: Iterable[Triple]) -> bytes:
    """EDM RDF/XML: one typed element per entity, its properties as child elements."""
    for prefix, namespace in NAMESPACES.items():
        ElementTree.register_namespace(prefix, namespace)
    statements = list(triples)
    by_subject: dict[Any, list[Triple]] = {}
    for t in statements:
        by_subject.setdefault(t.subject, []).append(t)
    kind: dict[Any, Any] = {t.subject: t.object for t in statements if t.predicate == A and t.object in ORDER}
    root = ElementTree.Element(f"{{{RDF}}}RDF")
    for cls in ORDER:
        for subject in sorted((s for s, k in kind.items() if k == cls), key=lambda s: s.value):
            node = ElementTree.SubElement(root, _qname(cls), {f"{{{RDF}}}about": subject.value})
            statements_of: list[Any] = by_subject[subject]
            for t in sorted(statements_of, key=lambda t: (t.predicate.value, str(t.object))):
                if t.predicate == A:
                    continue
                child = ElementTree.SubElement(node, _qname(t.predicate))
                if isinstance(t.object, Literal):
                    child.text = t.object.value
                    if t.object.language:
                        child.set(XML_LANG, t.object.language)
                else:
                    child.set(f"{{{RDF}}}resource", t.object.value)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _qname(iri: NamedNode) -> str:
    for namespace in NAMESPACES.values():
        if iri.value.startswith(namespace):
            return f"{{{namespace}}}{iri.value[len(namespace):]}"
    raise ValueError(f"no namespace of the EDM profile for {iri.value}")


@click.command("edm")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write one file (default: stdout).")
@click.option("--par-notice", "per_record_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write one file per record, DIR/<ref>.xml.")
@click.pass_obj
def export_edm(settings: Settings, output: Path | None, per_record_dir: Path | None) -> None:
    """The 1914-1918 photographic fonds as EDM RDF/XML (Europeana), from the current graph."""
    if output and per_record_dir:
        raise click.UsageError("give --output or --par-notice, not both")
    try:
        store = StoreHome(settings.store_home).open_current()
    except NoStoreError as err:
        raise click.ClickException(str(err)) from None
    triples = edm_triples(store, Minter(settings.base_iri))
    if per_record_dir is not None:
        per_record_dir.mkdir(parents=True, exist_ok=True)
        records = per_record(triples)
        for ref, statements in sorted(records.items()):
            (per_record_dir / f"{ref}.xml").write_bytes(write_edm(statements))
        click.echo(f"{len(records)} records written to {per_record_dir}", err=True)
        return
    body = write_edm(triples)
    if output is not None:
        output.write_bytes(body)
        click.echo(f"{len(per_record(triples))} records written to {output}", err=True)
    else:
        sys.stdout.buffer.write(body)


COMMANDS = (Command(export_edm, group="export", help="Export a dataset in a format its aggregators take."),)
