"""A territory's population on its page: the figure of the population cube, its year and its sources,
and for a département, a région or an overseas collectivity what the graph locates in it per 100,000
inhabitants.

:func:`enrich` (an :class:`~culturegraph.datasets.Enricher`) reads the cube's latest observation of a
commune, municipal arrondissement, département, région or collectivity (``/data/geographie/population``,
mapping.py ``population_observations``), writes it into the resource's RDF document and counts, by
``rdf:type``, the resources of the other datasets whose ``schema:containedInPlace`` is one of the
territory's communes or arrondissements. The count names no type: this dataset knows no museum, it
counts whatever the graph places in a commune (Musées de France, Patrimostat sites, Heritage Days
venues today), so the panel's figures follow the datasets the graph holds. :func:`population_panel`
turns them into ``templates/population.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pyoxigraph import Literal, NamedNode

from culturegraph.datasets import Described, Enricher, Panel, PanelView
from culturegraph.rdf.terms import DCTERMS, IGEO, QB, SCHEMA, SDMX_DIMENSION, Minter, int_of, year_of
from culturegraph.store.base import GraphReader, PerVersion

KEY = "population"  # of the enricher's values in Described.data
# The territories that have a population in the cube, and those whose figure is the sum of their
# communes' (mapping.territory_populations): the package gives none of its own for these.
TERRITORIES = (IGEO.Commune, IGEO.ArrondissementMunicipal, IGEO.Departement, IGEO.Region,
               IGEO.CollectiviteDOutreMer)
SUMMED = (IGEO.Departement, IGEO.Region, IGEO.CollectiviteDOutreMer)
PER = 100_000  # inhabitants


@dataclass(frozen=True)
class Located:
    """Resources of one type located in the territory (through their commune)."""

    type: NamedNode
    count: int
    per_100000: Decimal


@dataclass
class Population:
    observation: NamedNode
    population: int
    year: int
    cube: NamedNode
    sources: list[NamedNode]  # the observation's dcterms:source: the INSEE table
    packages: list[tuple[NamedNode, str]]  # the cube's sources that carry a version: the COG package
    summed: bool  # a département's, région's or collectivity's: the sum of its communes'
    query: str
    located: list[Located] = field(default_factory=list)
    located_query: str = ""


def population_query(territory: NamedNode, base: str) -> str:
    """The territory's population observations, latest first (the panel shows the first)."""
    kgo = Minter(base).kgo
    return (f"PREFIX kgo: <{kgo.iri}>\nPREFIX sdmx-dimension: <{SDMX_DIMENSION.iri}>\n"
            f"PREFIX qb: <{QB.iri}>\nPREFIX dcterms: <{DCTERMS.iri}>\n"
            "SELECT ?observation ?annee ?population ?cube ?source WHERE {\n"
            f"  ?observation kgo:territoire <{territory.value}> ; qb:dataSet ?cube ;\n"
            "    sdmx-dimension:refPeriod ?annee ; kgo:populationMunicipale ?population .\n"
            "  OPTIONAL { ?observation dcterms:source ?source }\n"
            "}\nORDER BY DESC(?annee) ?source")


def located_query(territory: NamedNode) -> str:
    """Resources of the graph whose commune (or municipal arrondissement) is in the territory, counted
    by type; the territories themselves (they have an INSEE code, and are contained in their parent)
    are not counted."""
    # From the territory down (^…+: 4 ms for the Rhône, 0.1 s for Auvergne-Rhône-Alpes on the shipped
    # build), not from the resources up (0.6 s for any territory: the path is then tried from each one).
    return (f"PREFIX igeo: <{IGEO.iri}>\nPREFIX schema: <{SCHEMA.iri}>\n"
            "SELECT ?type (COUNT(DISTINCT ?ressource) AS ?nombre) WHERE {\n"
            f"  <{territory.value}> ^igeo:subdivisionDirecteDe+ ?commune .\n"
            "  ?ressource schema:containedInPlace ?commune ; a ?type .\n"
            "  FILTER NOT EXISTS { ?ressource igeo:codeINSEE ?code }\n"
            "}\nGROUP BY ?type\nORDER BY DESC(?nombre) ?type")


def enrich(reader: GraphReader, desc: Described) -> None:
    types = set(desc.types())
    if not types.intersection(TERRITORIES):
        return
    query = population_query(desc.iri, desc.base)
    rows = list(reader.query(query, union_default_graph=True))
    first = next((r for r in rows if year_of(r["annee"]) is not None and int_of(r["population"]) is not None
                  and isinstance(r["observation"], NamedNode) and isinstance(r["cube"], NamedNode)), None)
    if first is None:
        return
    observation, cube = first["observation"], first["cube"]
    sources = list(dict.fromkeys(r["source"] for r in rows
                                 if r["observation"] == observation and isinstance(r["source"], NamedNode)))
    packages = []
    for q in reader.quads(cube, DCTERMS.source):
        if isinstance(q.object, NamedNode) and q.object not in sources:
            version = next((v.object.value for v in reader.quads(q.object, SCHEMA.version)
                            if isinstance(v.object, Literal)), None)
            if version is not None:
                packages.append((q.object, version))
    population = Population(
        observation=observation, population=int_of(first["population"]) or 0,
        year=year_of(first["annee"]) or 0, cube=cube, sources=sources,
        packages=sorted(set(packages), key=lambda p: p[0].value),
        summed=bool(types.intersection(SUMMED)), query=query)
    if population.summed and population.population > 0:
        population.located_query = located_query(desc.iri)
        for kind, count in _located(reader, desc.iri, population.located_query):
            population.located.append(Located(kind, count, per_100000(count, population.population)))
            desc.linked.append(kind)
    # The observation's link to the territory (kgo:territoire) is one of the territory's inverse links,
    # which the document pages: written here too, it would be on every page, beyond the page's size.
    desc.related += [q for q in reader.quads(observation) if q.object != desc.iri]
    desc.linked += [observation, cube, *sources, *(p for p, _ in population.packages)]
    desc.data[KEY] = population


# The counts by type, per build and territory: the query walks every commune of the territory (0.1 to
# 0.35 s for a région on the shipped build, against some 30 ms for the rest of its page), and its
# answer changes only with the build.
_LOCATED = PerVersion(max_entries=512)  # more than the départements, régions and collectivities


def _located(reader: GraphReader, territory: NamedNode, query: str) -> tuple[tuple[NamedNode, int], ...]:
    def ask() -> tuple[tuple[NamedNode, int], ...]:
        rows = ((row["type"], int_of(row["nombre"])) for row in reader.query(query, union_default_graph=True))
        return tuple((kind, count) for kind, count in rows if isinstance(kind, NamedNode) and count)

    return _LOCATED.get(reader.version, territory.value, ask)  # type: ignore[no-any-return]


def per_100000(count: int, population: int) -> Decimal:
    """``count`` for 100,000 inhabitants, to two decimals (as queries/14 rounds it)."""
    return (Decimal(count) * PER / Decimal(population)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def population_panel(view: PanelView) -> Mapping[str, Any] | None:
    population = view.description.data.get(KEY)
    if not isinstance(population, Population):
        return None
    return {
        "population": population.population, "year": population.year,
        "observation": view.value(population.observation), "cube": view.value(population.cube),
        "sources": [view.value(s) for s in population.sources],
        # the version, unless the source's label already says it
        "packages": [(v, "" if version in v.text else version)
                     for v, version in ((view.value(p), version) for p, version in population.packages)],
        "summed": population.summed,
        # per 100,000 to two decimals as computed (0,70, not 0,7: a column of figures of one precision)
        "located": [(view.value(x.type), x.count, x.per_100000, view.number(x.per_100000, 2))
                    for x in population.located],
        "query_url": view.query_url(population.query),
        "located_query_url": view.query_url(population.located_query) if population.located_query else "",
    }


ENRICHERS: tuple[Enricher, ...] = (Enricher(KEY, enrich),)
PANELS: tuple[Panel, ...] = (Panel(KEY, "population.html", population_panel, order=30),)
