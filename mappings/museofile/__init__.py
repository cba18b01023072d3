"""Muséofile, the register of the Musées de France → schema:Museum at /id/musee/{ref}.

The dataset's rooms: ``mapping.py`` (register rows → triples), ``aliases/`` (field maps of the
register and of the museum/site crosswalk ``liste-musees``), ``tables/domaines.csv``, ``shapes.ttl``,
``vocabulary.ttl`` (its concept schemes). The commune of a museum is resolved with the attendance
files' sites (``mappings/_sites.py``).
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.datasets import (
    Catalogue,
    DatasetSpec,
    ExamplePage,
    ExternalIdentifier,
    IriPattern,
    PropertyGroup,
    Statistic,
)
from culturegraph.rdf.terms import DCTERMS, RDFS, SCHEMA, WGS84

from .._codes import parse_museofile_id
from .mapping import triples

# Identifiers Wikidata also holds (culturegraph enrich wikidata, docs/enrichment.md): a museum's Muséofile
# id (P539), and the Mérimée reference of the building it is housed in (P380) — the POP record of the
# monument is linked, not the museum: a museum is not its building. The 14-18 fonds declares the same
# monuments for its photographs (mappings/fonds_1418/links.py).
IDENTIFIERS = (
    ExternalIdentifier(
        property="P539",
        subjects="SELECT ?item ?id WHERE { GRAPH ?g { ?item a schema:Museum ; dcterms:identifier ?id } }",
        label={"fr": "Musée (identifiant Muséofile)", "en": "Museum (Muséofile id)"},
    ),
    ExternalIdentifier(
        property="P380",
        subjects="""SELECT ?item ?id WHERE { GRAPH ?g {
          ?museum a schema:Museum ; kgo:referenceMerimee ?id ; dcterms:relation ?item .
          FILTER(STR(?item) = CONCAT("https://pop.culture.gouv.fr/notice/merimee/", STR(?id)))
        } }""",
        label={"fr": "Monument (référence Mérimée)", "en": "Monument (Mérimée reference)"},
    ),
)

DATASET = DatasetSpec(
    name="museofile",
    title={"fr": "Musées de France (Muséofile)", "en": "Museums of France (Muséofile)"},
    description={
        "fr": "Répertoire des 1 227 Musées de France de la base Muséofile : noms, adresses, coordonnées, "
              "domaines de collection, protections, commune.",
        "en": "The register of the Musées de France (Muséofile base): names, addresses, coordinates, "
              "collection domains, heritage protection, commune.",
    },
    mapping=triples,
    home=Path(__file__).parent,
    order=20,
    sources=("museofile", "liste-musees", "frequentation-musees"),
    aliases={"museofile": "aliases/museofile.toml", "liste-musees": "aliases/liste-musees.toml"},
    parsers={"museofile_id": parse_museofile_id},
    tables={"domaines": "tables/domaines.csv", "categories": "tables/categories.csv"},
    fields={
        str(SCHEMA.name): "nomoff", str(RDFS.label): "nomoff", str(SCHEMA.alternateName): "autnom",
        str(SCHEMA.url): "url_m", str(SCHEMA.telephone): "tel_m", str(SCHEMA.latitude): "latitude",
        str(SCHEMA.longitude): "longitude", str(WGS84.lat): "latitude", str(WGS84.long): "longitude",
        str(SCHEMA.foundingDate): "an_creat", str(DCTERMS.modified): "dmaj",
        str(SCHEMA.streetAddress): "adrl1_m", str(SCHEMA.postalCode): "cp_m",
        str(SCHEMA.addressLocality): "ville_m", "kgo:domaineCollection": "dompal",
        "kgo:themeCollection": "themes", "kgo:categorieMusee": "categ", "kgo:referenceMerimee": "refmer",
        "kgo:referencePatrimoine": "refmer",
        # No schema:containedInPlace: the commune comes from the Patrimostat sites first, and from
        # cp_m + ville_m only as a last resort (mappings/_sites.py), so no one column is behind it.
        str(DCTERMS.identifier): "ref",
    },
    shapes=("shapes.ttl",),
    vocabulary=("vocabulary.ttl",),
    prefixes={"musee": "id/musee/"},
    catalogue=Catalogue(
        publisher="id/organisation/ministere-culture",
        licence="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        sources=("https://data.culture.gouv.fr/explore/dataset/musees-de-france-base-museofile/",),
        vocabularies=("http://schema.org/", "http://www.w3.org/2004/02/skos/core#"),
        example_resources=("id/musee/M0963",),
        themes=("EDUC",),
        # a register's state on one day: the shipped export's (its manifest's date, latest dmaj)
        temporal=("2022-01-14", "2022-01-14"),
        keywords={"fr": ("musée", "Musées de France", "patrimoine", "collections"),
                  "en": ("museum", "Musées de France", "heritage", "collections")},
    ),
    statistics=(Statistic("museums", {"fr": "musées", "en": "museums"}, "?x a schema:Museum", order=10),),
    iri_patterns=(IriPattern({"fr": "Musée", "en": "Museum"}, "/id/musee/{muséofile}", "id/musee/M0963"),),
    examples=(ExamplePage({"fr": "musée de Brou", "en": "Brou museum"}, "id/musee/M0963"),),
    property_groups=(
        PropertyGroup("collections", (
            "kgo:domaineCollection", "kgo:themeCollection", "kgo:categorieMusee", "kgo:historique",
            "kgo:atouts", "kgo:artistes", "kgo:personnagesPhares", "kgo:interetArchitectural",
            "kgo:protectionBatiment", "kgo:protectionEspaces", "kgo:referencePatrimoine",
            "kgo:referenceMerimee", "dcterms:relation")),
    ),
    identifiers=IDENTIFIERS,
)
