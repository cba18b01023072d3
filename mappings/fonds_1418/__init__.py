"""The 1914–1918 photographic fonds of the base Mémoire as Europeana-ready linked data (issue 11).

Everything this dataset contributes is declared here (docs/datasets/fonds-14-18.md tells the model): the
field map of its source (two GeoJSON extracts and the portal's CSV export, one table), the old régions
table, the mapping, shapes, vocabulary, prefixes, catalogue entry, home-page counts, page panels,
example queries, the photo ↔ monument ↔ museum link rule and the ``export edm`` command.
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.datasets import (
    Catalogue,
    DatasetSpec,
    ExamplePage,
    IriPattern,
    PropertyGroup,
    Statistic,
    TableLoader,
)

from . import export, links, mapping, panels
from .dates import parse_date_memoire
from .places import load_old_regions

HOME = Path(__file__).parent
NAME = mapping.NAME

DATASET = DatasetSpec(
    name=NAME,
    title={"fr": "Photographies : fonds de la guerre 1914-1918",
           "en": "Photographs: the 1914-1918 war fonds"},
    description={
        "fr": "Photographies de la Section photographique de l'armée et des services alliés (1915-1920), "
              "extrait de la base Mémoire : chaque photographie en objet patrimonial Europeana (EDM) avec "
              "son agrégation, ses opérateurs, sa date à la précision de la source, sa commune et les "
              "monuments Mérimée qu'elle montre.",
        "en": "Photographs of the French army's photographic section and allied services (1915-1920), an "
              "extract of the base Mémoire: each photograph an Europeana (EDM) cultural heritage object "
              "with its aggregation, operators, date at the source's precision, commune and the Mérimée "
              "monuments it shows.",
    },
    mapping=mapping.triples,
    home=HOME,
    order=45,
    sources=(NAME,),
    aliases={NAME: "aliases/fonds-14-18.toml"},
    parsers={"date_memoire": parse_date_memoire},
    tables={"anciennes-regions-fonds-14-18": TableLoader("tables/anciennes-regions.csv", load_old_regions)},
    fields={
        "dc:identifier": "ref", "schema:identifier": "ref", "dc:title": "leg", "schema:name": "leg",
        "rdfs:label": "leg", "dc:creator": "autp", "schema:creator": "autp", "dcterms:created": "datpv",
        "dcterms:spatial": "com", "dc:subject": "serie", "dcterms:medium": "typdoc", "dc:rights": "copy",
        "dcterms:relation": "lbase", "kgo:referenceMerimee": "lbase", "edm:isRelatedTo": "lbase",
        "schema:about": "lbase", "edm:isShownBy": "video", "edm:object": "img", "schema:image": "video",
        "schema:thumbnailUrl": "img", "edm:isShownAt": "ref", "wgs84:lat": "point", "wgs84:long": "point",
        "kgo:scoreGeocodage": "accuracy",
    },
    shapes=("shapes.ttl",),
    vocabulary=("vocabulary.ttl",),
    prefixes={
        "edm": "http://www.europeana.eu/schemas/edm/", "ore": "http://www.openarchives.org/ore/terms/",
        "rico": "https://www.ica.org/standards/RiC/ontology#", "dc": "http://purl.org/dc/elements/1.1/",
        "aat": "http://vocab.getty.edu/aat/", "photographie": "id/photographie/", "agent": "id/agent/",
    },
    catalogue=Catalogue(
        publisher="id/organisation/ministere-culture",
        licence="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        sources=("https://www.data.gouv.fr/fr/datasets/photographies-fonds-de-la-guerre-14-18-2/",),
        temporal=("1915", "1920"),
        vocabularies=("http://www.europeana.eu/schemas/edm/", "http://www.openarchives.org/ore/terms/",
                      "https://www.ica.org/standards/RiC/ontology#", "http://schema.org/",
                      "http://www.w3.org/2004/02/skos/core#"),
        example_resources=("id/photographie/APTH002060",),
        themes=("EDUC",),  # EU data themes: heritage photographs are culture
        keywords={"fr": ("photographie", "Première Guerre mondiale", "base Mémoire", "Europeana"),
                  "en": ("photography", "First World War", "base Mémoire", "Europeana")},
    ),
    statistics=(
        Statistic("photographies-1418", {"fr": "photographies de la guerre 1914-1918",
                                         "en": "photographs of the 1914-1918 war"},
                  "?x a edm:ProvidedCHO , schema:Photograph", order=60),
    ),
    iri_patterns=(
        IriPattern({"fr": "Photographie", "en": "Photograph"}, "/id/photographie/{REF}",
                   "id/photographie/APTH002060"),
        IriPattern({"fr": "Agrégation EDM", "en": "EDM aggregation"}, "/id/aggregation/{REF}",
                   "id/aggregation/APTH002060"),
        IriPattern({"fr": "Opérateur, photographe", "en": "Operator, photographer"}, "/id/agent/{slug}",
                   "id/agent/brissy-edouard"),
    ),
    examples=(
        ExamplePage({"fr": "Soissons, la cathédrale en 1918", "en": "Soissons cathedral in 1918"},
                    "id/photographie/APTH002060"),
        ExamplePage({"fr": "Edouard Brissy, opérateur D", "en": "Edouard Brissy, operator D"},
                    "id/agent/brissy-edouard"),
    ),
    property_groups=(
        PropertyGroup("photographie", ("dc:title", "dc:creator", "dcterms:created", "dcterms:temporal",
                                       "dcterms:spatial", "dc:subject", "dcterms:medium", "dc:type",
                                       "edm:type", "dc:rights", "dcterms:relation", "dcterms:isPartOf"),
                      {"fr": "La photographie", "en": "The photograph"}, order=20),
    ),
    enrichers=panels.ENRICHERS,
    panels=panels.PANELS,
    templates="templates",
    queries="queries",
    links=links.RULES,
    identifiers=links.IDENTIFIERS,
    commands=export.COMMANDS,
)
