"""The link rule of the press titles (run by the links stage, pipeline/links.py).

``titre-departement``: a regional, departmental or local title (families PQR, PQD, PHR) ↔ the département
it is published and sold in (``kgo:departementDiffusion``, a sub-property of ``schema:spatialCoverage``).
The tables give no place: the matcher ``name`` compares the title's label with the names of the
départements (every title with every département: one block, the key ``departement``), so a title named
after its département is found ("La Presse de la Manche", "Le Journal de la Haute-Marne" rather than the
Marne); a title named after a town, a province or a region ("Nice-Matin", "Le Maine libre", "Corse-Matin")
is not, and one named after a département it is not sold in ("Paris-Normandie", "Nord Littoral") would be
wrongly linked. The curators' table (``tables/liens-decisions.csv``) refuses and confirms those pairs;
precision and recall of the matcher alone are checked against the hand-labelled pairs of
``tables/titres-departements-etiquetes.csv`` (tests/mappings/aides_presse/test_links.py).
"""

from __future__ import annotations

from culturegraph.datasets import ExternalIdentifier, LinkRule

# The families of the regional and local press: national titles are not linked to a département.
REGIONAL_FAMILIES = ("pqr", "pqd", "phr")

TITLES = """
SELECT ?item ?name ?key WHERE {
  GRAPH ?g {
    VALUES ?famille { FAMILIES }
    ?item a schema:Periodical ; dcterms:type ?famille ; rdfs:label ?name .
  }
  BIND("departement" AS ?key)
}""".replace("FAMILIES", " ".join(f"famille-presse:{f}" for f in REGIONAL_FAMILIES))

DEPARTEMENTS = """
SELECT ?item ?name ?key WHERE {
  GRAPH ?g { ?item a igeo:Departement ; rdfs:label ?name . }
  BIND("departement" AS ?key)
}"""

RULES = (
    LinkRule(
        kind="titre-departement",
        label={"fr": "Titre de presse ↔ département de diffusion",
               "en": "Press title ↔ département it circulates in"},
        subjects=TITLES, objects=DEPARTEMENTS, predicate="kgo:departementDiffusion", matcher="name",
        accept=0.75, review=0.5, decisions="tables/liens-decisions.csv",
        subjects_dataset="aides-presse", objects_dataset="geographie",
    ),
)

# A title's ISSN (curated, tables/titres.csv), which Wikidata holds as P236: culturegraph enrich wikidata
# (docs/enrichment.md) links the title to its item. A title whose table already names its item keeps it;
# a different answer is a conflict for curators, not a second link.
IDENTIFIERS = (
    ExternalIdentifier(
        property="P236",
        subjects="SELECT ?item ?id WHERE { GRAPH ?g { ?item a schema:Periodical ; schema:issn ?id } }",
        label={"fr": "Titre de presse (ISSN)", "en": "Press title (ISSN)"},
    ),
)
