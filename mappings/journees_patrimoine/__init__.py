"""Heritage Days (Journées européennes du patrimoine, JEP) and public OpenAgenda events as linked data.

Everything this dataset contributes is declared here (docs/datasets/journees-patrimoine.md tells the
model): the field map of its source (one for every layout of OpenAgenda → Opendatasoft rows), its value
types, the mapping, shapes, vocabulary, prefixes, catalogue entry, home-page counts, page panels,
example queries and the link rules of its venues.
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.datasets import Catalogue, DatasetSpec, ExamplePage, IriPattern, PropertyGroup, Statistic

from . import links, mapping, panels
from .openagenda import PARSERS

HOME = Path(__file__).parent
NAME = mapping.NAME

DATASET = DatasetSpec(
    name=NAME,
    title={"fr": "Journées européennes du patrimoine", "en": "European Heritage Days"},
    description={
        "fr": "Événements des Journées européennes du patrimoine et autres événements publics d'OpenAgenda "
              "(schema:Event), avec leurs séances, leurs lieux (schema:Place, commune, coordonnées), leur "
              "accessibilité, leurs conditions d'accès et leur édition.",
        "en": "European Heritage Days events and other public OpenAgenda events (schema:Event), with their "
              "timings, venues (schema:Place, commune, coordinates), accessibility, conditions of entry "
              "and edition.",
    },
    mapping=mapping.triples,
    home=HOME,
    order=50,
    sources=(NAME,),
    aliases={NAME: "aliases/journees-patrimoine.toml"},
    parsers=PARSERS,
    fields={
        "rdfs:label": "title_fr", "schema:name": "title_fr", "schema:description": "description_fr",
        "kgo:descriptionLongue": "longdescription_fr", "kgo:descriptionHtml": "longdescription_fr",
        "schema:startDate": "firstdate_begin", "schema:endDate": "lastdate_end",
        "schema:subEvent": "timings", "schema:eventStatus": "status",
        "schema:eventAttendanceMode": "attendancemode", "schema:keywords": "keywords_fr",
        "dcterms:subject": "keywords_fr", "kgo:accessibilite": "accessibility",
        "schema:offers": "conditions_fr", "schema:typicalAgeRange": "age_min",
        "schema:image": "image", "schema:superEvent": "originagenda_title",
        "kgo:journeesDuPatrimoine": "originagenda_title", "schema:location": "location_uid",
        "schema:sameAs": "canonicalurl", "dcterms:modified": "updatedat",
        "schema:containedInPlace": "location_insee", "schema:geo": "latitude", "wgs84:lat": "latitude",
        "wgs84:long": "longitude", "schema:address": "location_address", "schema:url": "location_website",
        "schema:telephone": "location_phone", "kgo:quartier": "location_district",
        "kgo:accesLieu": "location_access_fr", "kgo:periodeAffichee": "daterange_fr",
    },
    shapes=("shapes.ttl",),
    vocabulary=("vocabulary.ttl",),
    prefixes={
        "evenement": "id/evenement/", "lieu": "id/lieu/", "agenda": "id/agenda/",
        "mot-cle-evenement": "def/mot-cle-evenement/", "accessibilite": "def/accessibilite/",
    },
    catalogue=Catalogue(
        types=(),
        licence=None,
        rights={"fr": "Licence non indiquée : ni les réponses de l'API copiées ni leur dépôt d'origine n'en "
                      "déclarent une (non vérifiée auprès d'OpenAgenda ; voir le manifeste de la source).",
                "en": "Licence not stated: neither the copied API responses nor the repository they come "
                      "from declare one (not checked with OpenAgenda; see the source's manifest)."},
        sources=("https://public.opendatasoft.com/explore/dataset/evenements-publics-openagenda/",
                 "https://www.data.gouv.fr/fr/datasets/5369978fa3a729239d204d11/"),
        temporal=("2014", "2026"),
        vocabularies=("http://schema.org/", "http://www.w3.org/2004/02/skos/core#",
                      "http://www.opengis.net/ont/geosparql#"),
        example_resources=("id/evenement/82600000", "id/lieu/44609940"),
        themes=("EDUC",),  # EU data themes: cultural events and the heritage places they open
        keywords={"fr": ("Journées européennes du patrimoine", "événements", "OpenAgenda", "lieux"),
                  "en": ("European Heritage Days", "events", "OpenAgenda", "venues")},
    ),
    statistics=(
        Statistic("evenements", {"fr": "événements (dont Journées du patrimoine)",
                                 "en": "events (Heritage Days among them)"},
                  "?x a schema:Event ; kgo:journeesDuPatrimoine ?jep .", order=50),
        Statistic("evenements-jep", {"fr": "événements des Journées européennes du patrimoine",
                                     "en": "European Heritage Days events"},
                  "?x a schema:Event ; kgo:journeesDuPatrimoine true .", order=51),
        Statistic("lieux-evenements", {"fr": "lieux d'événements", "en": "event venues"},
                  "?e kgo:journeesDuPatrimoine ?jep ; schema:location ?x . ?x a schema:Place .", order=52),
    ),
    iri_patterns=(
        IriPattern({"fr": "Événement", "en": "Event"}, "/id/evenement/{uid}", "id/evenement/82600000"),
        IriPattern({"fr": "Lieu d'un événement", "en": "Event venue"}, "/id/lieu/{location_uid}",
                   "id/lieu/44609940"),
        IriPattern({"fr": "Édition des Journées du patrimoine", "en": "Heritage Days edition"},
                   "/id/evenement/jep-{année}", "id/evenement/jep-2023"),
        IriPattern({"fr": "Agenda OpenAgenda", "en": "OpenAgenda agenda"}, "/id/agenda/{uid}",
                   "id/agenda/4350114"),
    ),
    examples=(
        ExamplePage({"fr": "Les cabarets de Montmartre (JEP 2023)", "en": "Montmartre's cabarets (EHD 2023)"},
                    "id/evenement/82600000"),
        ExamplePage({"fr": "Lieu : musée Zadkine", "en": "Venue: Musée Zadkine"}, "id/lieu/44609940"),
    ),
    property_groups=(
        PropertyGroup("evenement", ("schema:startDate", "schema:endDate", "kgo:periodeAffichee",
                                    "schema:eventStatus", "kgo:complet", "schema:eventAttendanceMode",
                                    "schema:superEvent", "kgo:journeesDuPatrimoine", "schema:location",
                                    "schema:offers", "schema:isAccessibleForFree", "schema:typicalAgeRange",
                                    "kgo:accessibilite"),
                      {"fr": "Événement", "en": "Event"}, order=15),
    ),
    enrichers=panels.ENRICHERS,
    panels=panels.PANELS,
    templates="templates",
    queries="queries",
    links=links.RULES,
)
