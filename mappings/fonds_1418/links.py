"""The link rule of the photographs (run by the links stage, pipeline/links.py).

``photographie-musee-merimee``: a photograph of a protected building (its Mérimée reference, field
``LBASE``) ↔ the Musée de France housed in that building (Muséofile's ``refmer``: ``kgo:referenceMerimee``
of the museum). Both sides state the same identifier, so the matcher is ``key`` (score 1): the path
photo → Mérimée monument (the POP record both point at with ``dcterms:relation``) → museum becomes one
link ``kgo:representeBatimentDuMusee`` from the photo to the museum, recorded with its SSSOM mapping in
/graph/liens. A photograph may show a building of several museums (``many``). In the shipped data: 4
photographs (Saint-Vaast-la-Hougue, Versailles, Les Sables-d'Olonne, Noirmoutier;
docs/datasets/fonds-14-18.md).
"""

from __future__ import annotations

from culturegraph.datasets import ExternalIdentifier, LinkRule

PHOTOGRAPHS = """
SELECT ?item ?key WHERE {
  GRAPH ?g { ?item a edm:ProvidedCHO ; kgo:referenceMerimee ?key . }
}"""

MUSEUMS = """
SELECT ?item ?key ?name WHERE {
  GRAPH ?g { ?item a schema:Museum ; kgo:referenceMerimee ?key . OPTIONAL { ?item rdfs:label ?name } }
}"""

RULES = (
    LinkRule(
        kind="photographie-musee-merimee",
        label={"fr": "Photographie ↔ musée installé dans le monument photographié (référence Mérimée)",
               "en": "Photograph ↔ museum housed in the monument photographed (Mérimée reference)"},
        subjects=PHOTOGRAPHS, objects=MUSEUMS, predicate="kgo:representeBatimentDuMusee", matcher="key",
        many=True, subjects_dataset="fonds-14-18", objects_dataset="museofile",
    ),
)

# The monuments the photographs show, by their Mérimée reference (Wikidata P380): their POP records get a
# link to their Wikidata item (culturegraph enrich wikidata, docs/enrichment.md). The same property and
# label as the museums' buildings (mappings/museofile): the two declarations are pooled.
IDENTIFIERS = (
    ExternalIdentifier(
        property="P380",
        subjects="""SELECT ?item ?id WHERE { GRAPH ?g {
          ?photo a edm:ProvidedCHO ; kgo:referenceMerimee ?id ; dcterms:relation ?item .
          FILTER(STR(?item) = CONCAT("https://pop.culture.gouv.fr/notice/merimee/", STR(?id)))
        } }""",
        label={"fr": "Monument (référence Mérimée)", "en": "Monument (Mérimée reference)"},
    ),
)
