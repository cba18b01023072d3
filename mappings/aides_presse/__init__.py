"""Press aid ("Aides à la presse"): the ministry's tables of aided press titles as linked data.

Everything this dataset contributes is declared here (docs/datasets/aides-presse.md tells the model):
the field map of its source, the curated tables, the mapping, shapes, vocabulary, prefixes, catalogue
entry, report, home-page counts, page panels, example queries and the title ↔ département link rule.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from culturegraph.datasets import (
    Catalogue,
    DatasetSpec,
    ExamplePage,
    IriPattern,
    PropertyGroup,
    Report,
    Statistic,
    TableLoader,
)

from . import links, mapping, panels, report
from .tables import load_aid_types, load_families, load_titles, parse_montant

HOME = Path(__file__).parent
NAME = mapping.NAME

# An observation IRI of each cube, whatever the base: the aid type tells the column of a figure.
_MONEY = re.compile(rf"/data/{NAME}/titre/[^/]+/annee/[0-9]+/type-aide/(?P<code>[^/#?]+)$")
_PER_COPY = re.compile(
    rf"/data/{NAME}/{mapping.PER_COPY}/titre/[^/]+/annee/[0-9]+/type-aide/(?P<code>[^/#?]+)$")


@cache
def _fields_by_type() -> dict[str, tuple[str, str | None]]:
    return {t.code: (t.field, t.per_copy_field) for t in load_aid_types(HOME / "tables/types-aide.csv")}


def source_field(subject: str, predicate: str) -> str | None:
    """The column behind an amount (``kgo:montant``) or an aid per copy (``kgo:aideParExemplaire``): the
    field of the observation's aid type (tables/types-aide.csv)."""
    if predicate.endswith("/def/culture/montant") and (match := _MONEY.search(subject)):
        return _fields_by_type().get(match["code"], (None, None))[0]
    if predicate.endswith("/def/culture/aideParExemplaire") and (match := _PER_COPY.search(subject)):
        return _fields_by_type().get(match["code"], (None, None))[1]
    return None


DATASET = DatasetSpec(
    name=NAME,
    title={"fr": "Aides à la presse", "en": "State aid to the press"},
    description={
        "fr": "Montants des aides de l'État aux titres de presse, par titre, année et type d'aide (2012 : "
              "les 200 titres les plus aidés), avec la diffusion et l'aide par exemplaire, en cube de "
              "données W3C ; chaque montant est aussi une subvention schema:MonetaryGrant du ministère.",
        "en": "State aid to press titles, per title, year and aid type (2012: the 200 most-aided titles), "
              "with copies sold and aid per copy, as a W3C Data Cube; each amount is also a "
              "schema:MonetaryGrant of the Ministry.",
    },
    mapping=mapping.triples,
    home=HOME,
    order=40,
    sources=(NAME, mapping.GROUPS),
    aliases={NAME: "aliases/aides-presse.toml", mapping.GROUPS: "aliases/aides-presse-groupes.toml"},
    parsers={"montant": parse_montant},
    tables={
        "titres-presse": TableLoader("tables/titres.csv", load_titles),
        "familles-presse": TableLoader("tables/familles.csv", load_families),
        "types-aide": TableLoader("tables/types-aide.csv", load_aid_types),
    },
    fields={
        "rdfs:label": "titre", "schema:name": "titre", "kgo:libelleSource": "titre",
        "kgo:titrePresse": "titre",
        "dcterms:type": "famille", "schema:publisher": "editeur", "kgo:exemplairesDiffuses": "diffusion",
        "kgo:montant": "<montant>", "kgo:aideParExemplaire": "<aide par exemplaire>",
    },
    source_field=source_field,
    shapes=("shapes.ttl",),
    vocabulary=("vocabulary.ttl",),
    prefixes={
        "titre-presse": "id/titre-presse/", "famille-presse": "def/famille-presse/",
        "type-aide": "def/type-aide/", "org": "http://www.w3.org/ns/org#", "cv": "http://data.europa.eu/m8g/",
    },
    catalogue=Catalogue(
        types=("qb:DataSet",),
        publisher="id/organisation/ministere-culture",
        licence="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        sources=("https://data.culture.gouv.fr/explore/dataset/aides-a-la-presse-classement-des-titres-de-presse-aides/",
                 "https://www.data.gouv.fr/fr/datasets/montants-d-aides-pour-les-200-titres-de-presse-les-plus-aides/"),
        temporal=("2012", "2012"),
        # public grants to press titles: economy (the amounts) and culture (the press)
        themes=("ECON", "EDUC"),
        vocabularies=("http://purl.org/linked-data/cube#", "http://schema.org/",
                      "http://www.w3.org/2004/02/skos/core#"),
        example_resources=("id/titre-presse/le-monde",),
        keywords={"fr": ("presse", "aides à la presse", "subventions"),
                  "en": ("press", "press aid", "grants")},
        extra=(("qb:structure", "def/dsd/aides-presse"),
               ("sdmx-attribute:unitMeasure", "http://publications.europa.eu/resource/authority/currency/EUR")),
    ),
    report=Report(compute=report.compute, summary=report.summary),
    statistics=(
        Statistic("titres-presse", {"fr": "titres de presse aidés", "en": "aided press titles"},
                  "?x a schema:Periodical ; ^schema:fundedItem ?grant .", order=40),
        # Euros to titles: the sum of the "total" observations (the parts are in it already); groups
        # have their own cube and are not added (their aid is that of their titles).
        Statistic("euros-titres-presse", {"fr": "d'aides à la presse versées à ces titres",
                                          "en": "of press aid paid to these titles"},
                  "?x a kgo:ObservationAidePresse ; kgo:typeAide type-aide:total ; kgo:montant ?montant",
                  order=41, sum="?montant", unit="€"),
        Statistic("observations-aides-presse", {"fr": "observations d'aide à la presse",
                                                "en": "press aid observations"},
                  "?x a kgo:ObservationAidePresse", order=42),
    ),
    iri_patterns=(
        IriPattern({"fr": "Titre de presse", "en": "Press title"}, "/id/titre-presse/{slug}",
                   "id/titre-presse/le-monde"),
        IriPattern({"fr": "Aide à un titre (observation)", "en": "Aid to a title (observation)"},
                   "/data/aides-presse/titre/{slug}/annee/{année}/type-aide/{type}",
                   "data/aides-presse/titre/le-monde/annee/2012/type-aide/total"),
        IriPattern({"fr": "Famille de presse", "en": "Press family"}, "/def/famille-presse/{code}",
                   "def/famille-presse/pqn"),
    ),
    examples=(
        ExamplePage({"fr": "Le Monde : aides 2012", "en": "Le Monde: 2012 aid"}, "id/titre-presse/le-monde"),
        ExamplePage({"fr": "Famille : presse quotidienne régionale", "en": "Family: regional daily press"},
                    "def/famille-presse/pqr"),
    ),
    property_groups=(
        PropertyGroup("identite", ("kgo:libelleSource", "kgo:editionRegroupee", "schema:issn",
                                   "kgo:titreTronque",
                                   "kgo:titreNonCure")),
    ),
    enrichers=panels.ENRICHERS,
    panels=panels.PANELS,
    templates="templates",
    queries="queries",
    links=links.RULES,
    identifiers=links.IDENTIFIERS,
)
