"""Museum attendance 2001–2023 → a W3C Data Cube of Patrimostat sites × years × public categories.

The dataset's rooms: ``mapping.py`` (attendance rows → sites and observations; the vintage-overlap
report), ``aliases/`` (the field map of the attendance exports), ``shapes.ttl``, ``vocabulary.ttl``
(the DSD and code lists), ``pages.py`` (a museum's or a site's attendance: enricher, table and chart
panels) with its ``templates/``.
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.datasets import (
    Catalogue,
    DatasetSpec,
    Enricher,
    ExamplePage,
    IriPattern,
    Panel,
    PropertyGroup,
    Report,
    Statistic,
)
from culturegraph.rdf.terms import DCTERMS, QB, RDFS, SCHEMA, SDMX_ATTRIBUTE, SDMX_DIMENSION

from .._codes import parse_note_code, parse_patrimostat
from .mapping import NAME, report, report_files, report_summary, source_field, triples
from .pages import attendance_panel, enrich

DATASET = DatasetSpec(
    name=NAME,
    title={"fr": "Fréquentation des Musées de France", "en": "Attendance of the Musées de France"},
    description={
        "fr": "Entrées annuelles des sites Patrimostat des Musées de France, 2001-2023, par catégorie "
              "de public (payant, gratuit, total, scolaires…), en cube de données W3C.",
        "en": "Yearly admissions of the Patrimostat sites of the Musées de France, 2001-2023, per "
              "public category (paying, free, total, school groups…), as a W3C Data Cube.",
    },
    mapping=triples,
    home=Path(__file__).parent,
    order=30,
    sources=("frequentation-musees", "liste-musees", "museofile"),
    aliases={"frequentation-musees": "aliases/frequentation-musees.toml"},
    parsers={"note_code": parse_note_code, "patrimostat": parse_patrimostat},
    fields={
        "kgo:nombreEntrees": "<categorie>", "kgo:site": "site", str(SDMX_DIMENSION.refPeriod): "annee",
        "kgo:chiffresCumulesDans": "lien_avec", "kgo:inclutChiffresDe": "regroupement",
        str(RDFS.comment): "regroupement",
        str(SDMX_ATTRIBUTE.obsStatus): "note", str(RDFS.label): "nom", str(DCTERMS.isPartOf): "museofile",
        str(SCHEMA.containedInPlace): "commune", "kgo:dateAppellation": "date_appellation",
        "kgo:ferme": "ferme", "kgo:anneeFermeture": "annee_fermeture",
    },
    source_field=source_field,
    shapes=("shapes.ttl",),
    vocabulary=("vocabulary.ttl",),
    prefixes={"site": "id/site/"},
    catalogue=Catalogue(
        types=("qb:DataSet",),
        publisher="id/organisation/ministere-culture",
        licence="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        sources=("https://data.culture.gouv.fr/explore/dataset/frequentation-des-musees-de-france/",),
        temporal=("2001", "2023"),
        themes=("EDUC", "SOCI"),
        keywords={"fr": ("fréquentation", "musée", "entrées", "statistiques"),
                  "en": ("attendance", "museum", "admissions", "statistics")},
        vocabularies=("http://purl.org/linked-data/cube#", "http://schema.org/",
                      "http://www.w3.org/2004/02/skos/core#"),
        extra=(("qb:structure", "def/dsd/frequentation-musees"),
               ("sdmx-attribute:unitMeasure", "def/unite-mesure/entree")),
    ),
    report=Report(report, report_summary, report_files),
    statistics=(
        Statistic("sites", {"fr": "sites Patrimostat", "en": "Patrimostat sites"}, "?x a kgo:SitePatrimostat",
                  order=20),
        Statistic("observations", {"fr": "observations de fréquentation", "en": "attendance observations"},
                  "?x a kgo:ObservationFrequentation", order=30),
    ),
    iri_patterns=(
        IriPattern({"fr": "Site Patrimostat", "en": "Patrimostat site"}, "/id/site/{code}",
                   "id/site/0105301"),
        IriPattern({"fr": "Ontologie, listes de codes", "en": "Ontology, code lists"}, "/def/…",
                   "def/culture/nombreEntrees"),
        IriPattern({"fr": "Jeu de données, observation", "en": "Dataset, observation"}, "/data/{jeu}[/…]",
                   "data/frequentation-musees/site/0105301/annee/2014/public/payant"),
    ),
    examples=(ExamplePage({"fr": "son site Patrimostat", "en": "its Patrimostat site"}, "id/site/0105301"),),
    property_groups=(
        PropertyGroup("identite", ("kgo:dateAppellation", "kgo:ferme", "kgo:anneeFermeture")),
        PropertyGroup("statistiques", (
            "kgo:nombreEntrees", "kgo:site", str(SDMX_DIMENSION.refPeriod), "kgo:categoriePublic",
            str(SDMX_ATTRIBUTE.obsStatus), str(QB.dataSet), "kgo:chiffresCumulesDans",
            "kgo:inclutChiffresDe")),
    ),
    enrichers=(Enricher("attendance", enrich),),
    panels=(Panel("attendance", "attendance.html", attendance_panel),),
    templates="templates",
)
