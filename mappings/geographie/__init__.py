"""INSEE geography (COG): communes, municipal arrondissements, départements and régions.

The dataset's rooms: ``mapping.py`` (COG tables → triples, Wikidata links), ``cog.py`` (the ``cog``
table every mapping may read), ``tables/cog/`` (the shipped COG), ``aliases/wikidata-insee.toml`` (the
crosswalk INSEE code → Wikidata item, ``data/sources/wikidata-insee``), ``shapes.ttl``,
``vocabulary.ttl`` (the population cube: its data set, structure and terms), ``pages.py`` (a
territory's population on its page: enricher and panel) with its ``templates/``. Its dataset node is
made from the spec.
"""

from __future__ import annotations

from pathlib import Path

from culturegraph.datasets import (
    Catalogue,
    DatasetSpec,
    ExamplePage,
    ExternalIdentifier,
    IriPattern,
    LinkRule,
    Statistic,
    TableLoader,
)

from .cog import Cog
from .mapping import triples
from .pages import ENRICHERS, PANELS

# The crosswalk's schema:sameAs to Wikidata, declared to the links stage so that /graph/liens records each
# one with its method (a declared link, from the crosswalk's INSEE code: SEMAPV UnspecifiedMatching, score
# 1.0) and its VoID linkset, like every other link of the graph. Declared for the territories the graph's
# resources are in (the communes of its museums and sites, or the commune of their arrondissement) and
# every département, région and overseas collectivity: all 34,875 communes would add 525,000 quads to
# /graph/liens and, measured on this machine under load, 13 s to the links stage and 66 s to its
# validation on every build. The other communes' links are the same schema:sameAs, with the crosswalk's
# provenance (data/sources/wikidata-insee/manifest.toml), without an SSSOM record.
WIKIDATA_LINKS = LinkRule(
    kind="territoire-wikidata",
    label={"fr": "Commune, département, région ↔ élément Wikidata",
           "en": "Commune, département, région ↔ Wikidata item"},
    subjects="""SELECT DISTINCT ?item ?target WHERE {
      GRAPH ?g {
        ?item schema:sameAs ?target ; igeo:codeINSEE ?code .
        FILTER(STRSTARTS(STR(?target), "http://www.wikidata.org/entity/Q"))
      }
      {
        VALUES ?type { igeo:Departement igeo:Region igeo:CollectiviteDOutreMer }
        GRAPH ?g { ?item a ?type }
      } UNION {
        VALUES ?kind { schema:Museum kgo:SitePatrimostat }
        GRAPH ?h { ?place a ?kind ; schema:containedInPlace ?item }
      } UNION {
        GRAPH ?h { ?place a schema:Museum ; schema:containedInPlace ?arrondissement }
        GRAPH ?g { ?arrondissement a igeo:ArrondissementMunicipal ; igeo:subdivisionDirecteDe ?item }
      }
    }""",
    objects="",
    predicate="schema:sameAs",
    matcher="declared",
    subjects_dataset="geographie",
)

# The same links refreshed from Wikidata itself (culturegraph enrich wikidata, docs/enrichment.md): the
# INSEE code of a commune (P374; the municipal arrondissements have theirs), of a département (P2586), of
# a région (P2585). An answer that agrees with the crosswalk adds nothing (counted as confirmed); one that
# differs is a conflict for curators; a territory the crosswalk misses gets its link.
IDENTIFIERS = (
    ExternalIdentifier(
        property="P374",
        subjects="""SELECT ?item ?id WHERE {
          VALUES ?type { igeo:Commune igeo:ArrondissementMunicipal }
          GRAPH ?g { ?item a ?type ; igeo:codeINSEE ?id } }""",
        label={"fr": "Commune (code INSEE)", "en": "Commune (INSEE code)"},
    ),
    ExternalIdentifier(
        property="P2586",
        subjects="SELECT ?item ?id WHERE { GRAPH ?g { ?item a igeo:Departement ; igeo:codeINSEE ?id } }",
        label={"fr": "Département (code INSEE)", "en": "Département (INSEE code)"},
    ),
    ExternalIdentifier(
        property="P2585",
        subjects="SELECT ?item ?id WHERE { GRAPH ?g { ?item a igeo:Region ; igeo:codeINSEE ?id } }",
        label={"fr": "Région (code INSEE)", "en": "Région (INSEE code)"},
    ),
)


DATASET = DatasetSpec(
    name="geographie",
    title={"fr": "Géographie administrative (COG)", "en": "Administrative geography (COG)"},
    description={
        "fr": "Communes, arrondissements municipaux, départements et régions du Code officiel "
              "géographique de l'INSEE (2026), reliés commune → département → région, avec leur "
              "population municipale (INSEE, populations de référence 2023 ; Mayotte 2017 ; collectivités "
              "d'outre-mer à leur dernier recensement) : celle des communes telle que le paquet "
              "@etalab/decoupage-administratif 6.0.0 la donne, celle des départements, régions et "
              "collectivités calculée comme la somme de leurs communes.",
        "en": "Communes, municipal arrondissements, départements and régions of INSEE's official "
              "geographic code (2026), linked commune → département → région, with their municipal "
              "population (INSEE, reference populations 2023; Mayotte 2017; overseas collectivities at "
              "their latest census): the communes' as the @etalab/decoupage-administratif 6.0.0 package "
              "gives it, the départements', régions' and collectivities' computed as the sum of their "
              "communes'.",
    },
    sources=("wikidata-insee",),
    aliases={"wikidata-insee": "aliases/wikidata-insee.toml"},
    mapping=triples,
    home=Path(__file__).parent,
    order=10,
    tables={"cog": TableLoader("tables/cog", Cog.load)},
    shapes=("shapes.ttl",),
    vocabulary=("vocabulary.ttl",),
    links=(WIKIDATA_LINKS,),
    identifiers=IDENTIFIERS,
    prefixes={"commune": "id/commune/", "departement": "id/departement/", "region": "id/region/",
              "collectivite": "id/collectivite-outre-mer/"},
    catalogue=Catalogue(
        licence="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        # INSEE COG via Etalab (tables/cog/SOURCE.md); the Wikidata crosswalk (data/sources/wikidata-insee)
        sources=("https://www.npmjs.com/package/@etalab/decoupage-administratif/v/6.0.0",
                 "https://www.insee.fr/fr/statistiques/8680726?sommaire=8681011",
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
    enrichers=ENRICHERS,
    panels=PANELS,
    templates="templates",
)
