"""INSEE geography (COG): communes, municipal arrondissements, départements and régions.

Every node is keyed by its COG code; the chain commune → département → région is derived from the
codes (``departement_of_commune`` and the département table), never from the label columns of the
other sources. Shipped table: ``tables/cog`` (INSEE COG via Etalab's decoupage-administratif).
"""

from __future__ import annotations

from collections.abc import Iterator

from culturegraph.datasets import Inputs, Triple3
from culturegraph.rdf.terms import IGEO, RDFS, SCHEMA, A, Minter, fr, string
from culturegraph.sources.values import departement_of_commune


def triples(inputs: Inputs, iris: Minter) -> Iterator[Triple3]:
    cog = inputs.table("cog")
    for code, nom in sorted(cog.regions.items()):
        region = iris.id("region", code)
        yield region, A, IGEO.Region
        yield region, A, SCHEMA.AdministrativeArea
        yield region, IGEO.codeINSEE, string(code)
        yield region, RDFS.label, fr(nom)
        yield region, IGEO.nom, fr(nom)
    for code, dep in sorted(cog.departements.items()):
        node = iris.id("departement", code)
        yield node, A, IGEO.Departement
        yield node, A, SCHEMA.AdministrativeArea
        yield node, IGEO.codeINSEE, string(code)
        yield node, RDFS.label, fr(dep.nom)
        yield node, IGEO.nom, fr(dep.nom)
        yield node, IGEO.subdivisionDirecteDe, iris.id("region", dep.region)
        yield node, SCHEMA.containedInPlace, iris.id("region", dep.region)
    for code, commune in sorted(cog.communes.items()):
        node = iris.id("commune", code)
        if commune.type == "arrondissement-municipal" and commune.parent:
            yield node, A, IGEO.ArrondissementMunicipal
            parent = iris.id("commune", commune.parent)
        else:
            yield node, A, IGEO.Commune
            parent = iris.id("departement", departement_of_commune(code))
        yield node, A, SCHEMA.City
        yield node, IGEO.codeINSEE, string(code)
        yield node, RDFS.label, fr(commune.nom)
        yield node, IGEO.nom, fr(commune.nom)
        yield node, IGEO.subdivisionDirecteDe, parent
        yield node, SCHEMA.containedInPlace, parent
        for postcode in commune.codes_postaux:
            yield node, SCHEMA.postalCode, string(postcode)
