"""The link rules of the Heritage Days venues (run by the links stage, pipeline/links.py).

``lieu-musee``: a venue (``/id/lieu/…``) ↔ the Musée de France it is, or is part of (its garden, its
courtyard): ``kgo:lieuMusee``. OpenAgenda gives no Muséofile id, so the matcher ``name-place`` compares
the venue's names (``schema:name`` and the other names of its rows) with the museum's (``schema:name``,
``schema:alternateName``), among the museums of the same commune (the key: the commune IRI) or within
``distance_m`` of the venue's point; nearness alone never links. Paris is one commune (75056) for both
sides, so in Paris the names and the distance decide. Precision and recall are checked against the
hand-labelled pairs of ``tables/lieux-musees-etiquetes.csv`` (tests/mappings/journees_patrimoine/
test_links.py); curators confirm and refuse pairs in ``tables/liens-decisions.csv``.

``lieu-commune``: a located resource of any dataset that states no commune (no ``schema:containedInPlace``)
but has a postal address ↔ the commune of that address: its town name against the communes' names, in
the block of the postcode's département (``75010`` → 75; ``97411`` → 974). OpenAgenda leaves
``location_insee`` empty for 12 of the 140 shipped records. Where a commune is stated it is not
restated. Museum ↔ attendance site links are already stated by the attendance dataset where its museum
list names the site's museum (``dcterms:isPartOf``); some sites have none: no rule for them here yet.
"""

from __future__ import annotations

from culturegraph.datasets import LinkRule

# Both names of a venue are compared: one row per name.
VENUES_ALL_NAMES = """
SELECT ?item ?name ?key ?lat ?lon WHERE {
  ?item a schema:Place .
  FILTER (STRSTARTS(STR(?item), STR(lieu:)))
  { ?item schema:name ?name } UNION { ?item schema:alternateName ?name }
  OPTIONAL { ?item schema:containedInPlace ?key }
  OPTIONAL { ?item wgs84:lat ?lat ; wgs84:long ?lon }
}"""

MUSEUMS = """
SELECT ?item ?name ?key ?lat ?lon WHERE {
  ?item a schema:Museum .
  { ?item schema:name ?name } UNION { ?item schema:alternateName ?name }
  OPTIONAL { ?item schema:containedInPlace ?key }
  OPTIONAL { ?item wgs84:lat ?lat ; wgs84:long ?lon }
}"""

LOCATED_WITHOUT_COMMUNE = """
SELECT ?item ?name ?key WHERE {
  ?item schema:address ?address .
  ?address schema:postalCode ?postcode ; schema:addressLocality ?name .
  FILTER NOT EXISTS { ?item schema:containedInPlace ?commune }
  BIND (IF(STRSTARTS(?postcode, "97"), SUBSTR(?postcode, 1, 3), SUBSTR(?postcode, 1, 2)) AS ?code)
  BIND (IF(?code = "20", "2A", ?code) AS ?key)
}"""

COMMUNES = """
SELECT ?item ?name ?key WHERE {
  ?item a igeo:Commune ; rdfs:label ?name ; igeo:subdivisionDirecteDe ?departement .
  ?departement a igeo:Departement ; igeo:codeINSEE ?key .
}"""

RULES = (
    LinkRule(
        kind="lieu-musee",
        label={"fr": "Lieu d'événement ↔ musée de France", "en": "Event venue ↔ Musée de France"},
        subjects=VENUES_ALL_NAMES, objects=MUSEUMS, predicate="kgo:lieuMusee", matcher="name-place",
        accept=0.75, review=0.5, distance_m=500.0, decisions="tables/liens-decisions.csv",
        subjects_dataset="journees-patrimoine", objects_dataset="museofile",
    ),
    LinkRule(
        kind="lieu-commune",
        label={"fr": "Ressource située ↔ commune de son adresse",
               "en": "Located resource ↔ commune of its address"},
        subjects=LOCATED_WITHOUT_COMMUNE, objects=COMMUNES, predicate="schema:containedInPlace",
        matcher="name", accept=0.9, review=0.5, decisions="tables/liens-decisions.csv",
        subjects_dataset="journees-patrimoine", objects_dataset="geographie",
    ),
)
