"""INSEE geography (COG): communes, municipal arrondissements, départements and régions.

The dataset's rooms: ``mapping.py`` (COG tables → triples, Wikidata links), ``cog.py`` (the ``cog``
table every mapping may read), ``tables/cog/`` (the shipped COG), ``aliases/wikidata-insee.toml`` (the
crosswalk INSEE code → Wikidata item, ``data/sources/wikidata-insee``), ``shapes.ttl``. Its dataset
node is made from the spec: no vocabulary file.
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.datasets import Catalogue, DatasetSpec, ExamplePage, IriPattern, Statistic, TableLoader

from .cog import Cog
from .mapping import triples

DATASET = DatasetSpec(
    name="geographie",
    title={"fr": "Géographie administrative (COG)", "en": "Administrative geography (COG)"},
    description={
        "fr": "Communes, arrondissements municipaux, départements et régions du Code officiel "
              "géographique de l'INSEE, reliés commune → département → région.",
        "en": "Communes, municipal arrondissements, départements and régions of INSEE's official "
              "geographic code, linked commune → département → région.",
    },
    sources=("wikidata-insee",),
    aliases={"wikidata-insee": "aliases/wikidata-insee.toml"},
    mapping=triples,
    home=Path(__file__).parent,
    order=10,
    tables={"cog": TableLoader("tables/cog", Cog.load)},
    shapes=("shapes.ttl",),
    prefixes={"commune": "id/commune/", "departement": "id/departement/", "region": "id/region/",
              "collectivite": "id/collectivite-outre-mer/"},
    catalogue=Catalogue(
        licence="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        # INSEE COG via Etalab (tables/cog/SOURCE.md); the Wikidata crosswalk (data/sources/wikidata-insee)
        sources=("https://www.npmjs.com/package/@etalab/decoupage-administratif",
                 "https://github.com/phil2strass/geo-api"),
        vocabularies=("http://rdf.insee.fr/def/geo#", "http://schema.org/"),
        example_resources=("id/commune/01053",),
        themes=("REGI",),
        keywords={"fr": ("commune", "département", "région", "code officiel géographique"),
                  "en": ("commune", "département", "region", "official geographic code")},
    ),
    statistics=(Statistic("communes", {"fr": "communes", "en": "communes"}, "?x a igeo:Commune", order=40),),
    iri_patterns=(IriPattern({"fr": "Commune, département, région", "en": "Commune, département, région"},
                             "/id/commune/{cog}…", "id/departement/01"),),
    examples=(ExamplePage({"fr": "Bourg-en-Bresse", "en": "Bourg-en-Bresse"}, "id/commune/01053"),),
)
