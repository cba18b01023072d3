"""INSEE geography (COG): communes, municipal arrondissements, départements, régions and the overseas
collectivities.

Every node is keyed by its COG code; the chain commune → département → région is derived from the
codes (``departement_of_commune`` and the département table), never from the label columns of the
other sources. Shipped table: ``tables/cog`` (INSEE COG via Etalab's decoupage-administratif).

The overseas collectivities (COM: 975 Saint-Pierre-et-Miquelon, 977, 978, 984, 986, 987, 988, 989) are
neither régions nor départements, although the COG package lists each as both (with the same code):
they are typed ``igeo:CollectiviteDOutreMer`` as in INSEE's geography ontology, at
``/id/collectivite-outre-mer/{code}``, and their communes are its direct subdivisions. Per-région
tables (``?r a igeo:Region``) therefore list the 18 régions.

Links to Wikidata come from the shipped crosswalk ``data/sources/wikidata-insee`` (matched on the INSEE
code, Wikidata P374 / P2586 / P2585, by its compiler): ``schema:sameAs``, not ``owl:sameAs``, because
the match is a third party's, not verified item by item, and owl:sameAs would entail identity (the
overseas région and its département share one item: région 01 ≡ département 971). A code of the
crosswalk that the shipped COG does not have (a COG 2026 merger) links nothing; ``crosswalk_gaps``
reports them both ways.

Populations (``population_observations``): a Data Cube ``/data/geographie/population``, one observation
per territory and year, ``kgo:populationMunicipale`` the measure, ``kgo:territoire`` and
``sdmx-dimension:refPeriod`` the dimensions, ``dcterms:source`` the INSEE table (docs/model.md §6).
Communes and arrondissements: the package's figure; départements, régions and collectivities: the sum
of their communes (the package has no figure of its own), published only when every commune has one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from culturegraph.datasets import Inputs, Triple3
from culturegraph.rdf.terms import (
    DCTERMS,
    IGEO,
    QB,
    RDFS,
    SCHEMA,
    SDMX_DIMENSION,
    WD,
    A,
    Minter,
    NamedNode,
    fr,
    integer,
    string,
    year_iri,
)
from culturegraph.sources.values import departement_of_commune

from .cog import Cog, Vintage

# The crosswalk's levels, by the kind of our IRI they link.
LEVELS = {"commune": "commune", "department": "departement", "departement": "departement", "region": "region"}


def collectivites(cog: Cog) -> set[str]:
    """Codes of the overseas collectivities: listed by the COG package as a département that is its own
    région."""
    return {code for code, dep in cog.departements.items() if dep.region == code}


def triples(inputs: Inputs, iris: Minter) -> Iterator[Triple3]:
    cog = inputs.table("cog")
    com = collectivites(cog)
    links = crosswalk(inputs)
    for code, nom in sorted(cog.regions.items()):
        if code in com:
            continue
        region = iris.id("region", code)
        yield region, A, IGEO.Region
        yield region, A, SCHEMA.AdministrativeArea
        yield from _territory(region, code, nom, links.get(("region", code)))
    for code, dep in sorted(cog.departements.items()):
        if code in com:
            node = iris.id("collectivite-outre-mer", code)
            yield node, A, IGEO.CollectiviteDOutreMer
            yield node, A, SCHEMA.AdministrativeArea
            yield from _territory(node, code, dep.nom, None)
            continue
        node = iris.id("departement", code)
        yield node, A, IGEO.Departement
        yield node, A, SCHEMA.AdministrativeArea
        yield from _territory(node, code, dep.nom, links.get(("departement", code)))
        yield node, IGEO.subdivisionDirecteDe, iris.id("region", dep.region)
        yield node, SCHEMA.containedInPlace, iris.id("region", dep.region)
    for code, commune in sorted(cog.communes.items()):
        node = iris.id("commune", code)
        if commune.type == "arrondissement-municipal" and commune.parent:
            yield node, A, IGEO.ArrondissementMunicipal
            parent = iris.id("commune", commune.parent)
        else:
            yield node, A, IGEO.Commune
            dep = departement_of_commune(code)
            parent = iris.id("collectivite-outre-mer" if dep in com else "departement", dep)
        yield node, A, SCHEMA.City
        yield from _territory(node, code, commune.nom, links.get(("commune", code)))
        yield node, IGEO.subdivisionDirecteDe, parent
        yield node, SCHEMA.containedInPlace, parent
        for postcode in commune.codes_postaux:
            yield node, SCHEMA.postalCode, string(postcode)
    yield from population_observations(cog, iris)


def territory_populations(cog: Cog) -> dict[tuple[str, str], tuple[int, Vintage]]:
    """(kind of IRI, code) → (population municipale, vintage) of every territory that has one.

    A commune or arrondissement: the package's figure. A département or collectivity: the sum of its
    communes (arrondissements left out: they are parts of a commune already counted), only when every
    one of them has a figure; a région: the sum of its départements, only when every one has a figure
    of the same year.
    """
    com = collectivites(cog)
    found: dict[tuple[str, str], tuple[int, Vintage]] = {}
    members: dict[str, list[int | None]] = {}
    for code, commune in cog.communes.items():
        dep = departement_of_commune(code)
        if commune.population is not None:
            found[("commune", code)] = (commune.population, cog.vintage(dep))
        if commune.type == "commune-actuelle":
            members.setdefault(dep, []).append(commune.population)
    for dep, figures in members.items():
        if dep in cog.departements and figures and None not in figures:
            kind = "collectivite-outre-mer" if dep in com else "departement"
            found[(kind, dep)] = (sum(f for f in figures if f is not None), cog.vintage(dep))
    for region in cog.regions:
        if region in com:
            continue
        parts = [found.get(("departement", d.code)) for d in cog.departements.values() if d.region == region]
        known = [part for part in parts if part is not None]
        if known and len(known) == len(parts) and len({v for _, v in known}) == 1:
            found[("region", region)] = (sum(n for n, _ in known), known[0][1])
    return found


def population_observations(cog: Cog, iris: Minter) -> Iterator[Triple3]:
    dataset = iris.data("geographie", "population")
    for (kind, code), (population, vintage) in sorted(territory_populations(cog).items()):
        obs = iris.data("geographie", "population", kind, code, "annee", str(vintage.year))
        yield obs, A, QB.Observation
        yield obs, QB.dataSet, dataset
        yield obs, iris.kgo.territoire, iris.id(kind, code)
        yield obs, SDMX_DIMENSION.refPeriod, year_iri(vintage.year)
        yield obs, iris.kgo.populationMunicipale, integer(population)
        yield obs, DCTERMS.source, NamedNode(vintage.source)


def _territory(node: NamedNode, code: str, nom: str, qid: str | None) -> Iterator[Triple3]:
    yield node, IGEO.codeINSEE, string(code)
    yield node, RDFS.label, fr(nom)
    yield node, IGEO.nom, fr(nom)
    if qid:
        yield node, SCHEMA.sameAs, WD[qid]


def crosswalk(inputs: Inputs) -> dict[tuple[str, str], str]:
    """(kind, INSEE code) → Wikidata QID, from the shipped crosswalk (first file first)."""
    links: dict[tuple[str, str], str] = {}
    for record in inputs.records("wikidata-insee"):
        kind = LEVELS.get(record["niveau"])
        if kind is not None and record["qid"].startswith("Q"):
            links.setdefault((kind, record["code"]), record["qid"])
    return links


@dataclass(frozen=True)
class Gaps:
    """Codes that differ between the crosswalk's COG vintage and the shipped COG (reported, not guessed)."""

    not_in_cog: list[tuple[str, str]]  # (kind, code) of the crosswalk the shipped COG does not have
    not_in_crosswalk: list[tuple[str, str]]  # (kind, code) of the shipped COG with no Wikidata item


def crosswalk_gaps(inputs: Inputs) -> Gaps:
    cog = inputs.table("cog")
    com = collectivites(cog)
    ours = ({("region", c) for c in cog.regions if c not in com}
            | {("departement", c) for c in cog.departements if c not in com}
            | {("commune", c) for c, commune in cog.communes.items() if commune.type == "commune-actuelle"})
    theirs = set(crosswalk(inputs))
    return Gaps(sorted(theirs - ours), sorted(ours - theirs))
