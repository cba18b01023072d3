"""Muséofile → schema:Museum at /id/musee/{ref} (docs/model.md).

One museum per register row: names, address, coordinates (schema:geo, WGS84 and a GeoSPARQL WKT point),
web site, telephone, collection domains, themes and categories as SKOS concepts of our schemes,
Mérimée references, creation year, the POP notice, and its commune (resolved in ``_sites``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from culturegraph.datasets import Emitted, Inputs
from culturegraph.rdf.terms import (
    ADMS,
    DCTERMS,
    POP,
    RDFS,
    SCHEMA,
    SKOS,
    A,
    Minter,
    NamedNode,
    en,
    fr,
    gyear,
    located_at,
    slug,
    string,
    xsd_date,
)
from culturegraph.sources.model import Problem, Record
from culturegraph.sources.values import is_web_iri

from .._sites import resolve_sites

# Free-text fields kept as French descriptions, each under its own property (curators asked which is which).
TEXTS = {
    "hist": "historique", "atout": "atouts", "artiste": "artistes", "phare": "personnagesPhares",
    "interet": "interetArchitectural", "prot_bat": "protectionBatiment", "prot_esp": "protectionEspaces",
}
# A concept met in the data: (scheme, French label, broader concept, English label).
Concept = tuple[str, str, NamedNode | None, str]


@dataclass
class CodeLists:
    """The curated tables (tables/domaines.csv, tables/categories.csv: source spelling's slug → concept)
    and what the museums brought in: the concepts and, per concept, the source spellings other than its
    label (skos:hiddenLabel: a search finds "Ethnonolgie" or "maison des Illustres", a page never shows
    it)."""

    domaines: dict[str, tuple[str, str, str]]
    categories: dict[str, tuple[str, str, str, str]]  # slug → (code, parent code, label fr, label en)
    concepts: dict[NamedNode, Concept] = dataclass_field(default_factory=dict)
    hidden: dict[NamedNode, set[str]] = dataclass_field(default_factory=dict)

    def variant(self, concept: NamedNode, value: str) -> None:
        if value != self.concepts[concept][1]:
            self.hidden.setdefault(concept, set()).add(value)
MERIMEE = re.compile(r"^(PA|IA|EA|AC|MH|PM)\d{8}$")
# The registers of the heritage references of ``refmer`` (not all Mérimée): prefix → concept of
# /def/registre-patrimoine (vocabulary.ttl). Only the Mérimée ones have a record to link to (POP).
REGISTERS = {
    "PA": ("Mérimée : monument historique", "Mérimée: historic monument"),
    "IA": ("Mérimée : inventaire général du patrimoine culturel",
           "Mérimée: general inventory of cultural heritage"),
    "EA": ("Mérimée : édifice labellisé", "Mérimée: labelled building"),
    "SPR": ("Site patrimonial remarquable", "Remarkable heritage site"),
    "MI": ("Maison des Illustres", "House of the Illustrious"),
    "JAR": ("Jardin remarquable", "Remarkable garden"),
    "ACR": ("Architecture contemporaine remarquable", "Remarkable contemporary architecture"),
    "DN": ("Domaine national", "National estate"),
}
MERIMEE_REGISTERS = {"PA", "IA", "EA"}


def triples(inputs: Inputs, iris: Minter) -> Iterator[Emitted]:
    places = resolve_sites(inputs)
    lists = CodeLists(
        domaines={row["variante"]: (row["code"], row["label_fr"], row["label_en"])
                  for row in inputs.tables["domaines"]},
        categories={row["variante"]: (row["code"], row["parent"], row["label_fr"], row["label_en"])
                    for row in inputs.tables["categories"]})
    concepts = lists.concepts
    seen: dict[str, Record] = {}
    first_use: dict[NamedNode, Record] = {}  # the row that brought each concept in (provenance)
    for museum in inputs.records("museofile"):
        ref = museum["ref"]
        if ref in seen:
            yield _duplicate(museum, seen[ref])
            continue
        seen[ref] = museum
        yield museum  # provenance: what follows comes from this row
        yield from museum_triples(museum, iris, places.museum_commune.get(ref), lists)
        for concept in concepts.keys() - first_use.keys():
            first_use[concept] = museum
    origin: Record | None = None
    for concept, (scheme, label, broader, label_en) in concepts.items():
        if first_use[concept] is not origin:
            origin = first_use[concept]
            yield origin
        yield concept, A, SKOS.Concept
        yield concept, SKOS.inScheme, iris.scheme(scheme)
        yield concept, SKOS.prefLabel, fr(label)
        if label_en:
            yield concept, SKOS.prefLabel, en(label_en)
        for variant in sorted(lists.hidden.get(concept, ())):
            yield concept, SKOS.hiddenLabel, fr(variant)
        if broader is not None:
            yield concept, SKOS.broader, broader
        else:
            yield concept, SKOS.topConceptOf, iris.scheme(scheme)


def museum_triples(r: Record, iris: Minter, commune: str | None, lists: CodeLists) -> Iterator[Emitted]:
    ref = r["ref"]
    m = iris.id("musee", ref)
    kgo = iris.kgo
    yield m, A, SCHEMA.Museum
    yield m, DCTERMS.identifier, string(ref)
    name = r.get("nomoff") or r.get("autnom")  # one register row has no official name
    if name:
        yield m, RDFS.label, fr(name)
        yield m, SCHEMA.name, fr(name)
    else:
        # M1136 has neither name: a label to show, but no schema:name (we do not know its name)
        where = f" ({r['ville_m']})" if "ville_m" in r else ""
        yield m, RDFS.label, fr(f"Musée de France {ref}{where}")
    if "autnom" in r and r["autnom"] != name:
        yield m, SCHEMA.alternateName, fr(r["autnom"])
    ident = NamedNode(f"{m.value}#identifiant-museofile")
    yield m, ADMS.identifier, ident
    yield ident, A, ADMS.Identifier
    yield ident, SKOS.notation, string(ref)
    yield ident, DCTERMS.creator, iris.id("organisation", "ministere-culture")
    yield ident, ADMS.schemaAgency, string("Ministère de la Culture, Service des musées de France")
    yield m, SCHEMA.sameAs, POP[f"museo/{ref}"]
    yield from _address(r, m, iris, commune)
    yield from _location(r, m)
    if "url_m" in r:
        # A damaged address stays text (the shapes' Warning "Site web mal formé"), never a link.
        yield m, SCHEMA.url, NamedNode(r["url_m"]) if is_web_iri(r["url_m"]) else string(r["url_m"])
    if "tel_m" in r:
        yield m, SCHEMA.telephone, string(r["tel_m"])
    if "an_creat" in r:
        yield m, SCHEMA.foundingDate, gyear(r["an_creat"])
    if "dmaj" in r:
        yield m, DCTERMS.modified, xsd_date(r["dmaj"])
    concepts = lists.concepts
    for value in r.get("dompal", []):
        code, label_fr, label_en = lists.domaines.get(slug(value), (slug(value), value, ""))
        if not code:
            continue
        concept = iris.concept("domaine-collection", code)
        concepts.setdefault(concept, ("domaine-collection", label_fr, None, label_en))
        lists.variant(concept, value)
        yield m, kgo.domaineCollection, concept
    for value in r.get("themes", []):
        for concept in _hierarchy("theme-collection", value, iris, concepts):
            yield m, kgo.themeCollection, concept
    for label in _categories(r.get("categ")):
        yield from _category(r, m, label, iris, lists)
    for reference in r.get("refmer", []):
        yield from _heritage_reference(r, m, reference.strip().upper(), iris, lists)
    for field, prop in TEXTS.items():
        if field in r:
            yield m, kgo[prop], fr(r[field])


def _address(r: Record, m: NamedNode, iris: Minter, commune: str | None) -> Iterator[Emitted]:
    if commune:
        yield m, SCHEMA.containedInPlace, iris.id("commune", commune)
    parts = [r.get(f) for f in ("adrl1_m", "lieu_m", "cp_m", "ville_m")]
    if not any(parts):
        return
    address = NamedNode(f"{m.value}#adresse")
    yield m, SCHEMA.address, address
    yield address, A, SCHEMA.PostalAddress
    street = ", ".join(p for p in (r.get("adrl1_m"), r.get("lieu_m")) if p)
    if street:
        yield address, SCHEMA.streetAddress, string(street)
    if "cp_m" in r:
        yield address, SCHEMA.postalCode, string(r["cp_m"])
    if "ville_m" in r:
        yield address, SCHEMA.addressLocality, string(r["ville_m"])
    yield address, SCHEMA.addressCountry, string("FR")


def _location(r: Record, m: NamedNode) -> Iterator[Emitted]:
    lat, lon = r.get("latitude"), r.get("longitude")
    if (lat is None or lon is None) and "geolocalisation" in r:
        lat, lon = r["geolocalisation"]
    if lat is None or lon is None:
        return
    yield from located_at(m, lat, lon)


def _hierarchy(
    scheme: str, value: str, iris: Minter, concepts: dict[NamedNode, Concept]
) -> list[NamedNode]:
    """'Arts décoratifs : Mobilier, Céramique' → the concepts 'Mobilier' and 'Céramique', both narrower
    than 'Arts décoratifs'; 'Ecomusée' (no sub-terms) → the concept 'Ecomusée'. Every sub-term is kept:
    a museum listing Mobilier and Céramique must be found by either. (A sub-term that itself holds a
    comma, 'Manuscrits, incunables', comes out as two concepts.)"""
    domain, _, subs = (p.strip() for p in value.partition(":"))
    if not slug(domain):
        return []
    parent = iris.concept(scheme, slug(domain))
    concepts.setdefault(parent, (scheme, domain, None, ""))
    children = []
    for name in (s.strip() for s in subs.split(",")):
        if not slug(name):
            continue
        child = iris.concept(scheme, f"{slug(domain)}--{slug(name)}")
        concepts.setdefault(child, (scheme, name, parent, ""))
        children.append(child)
    return children or [parent]


def _heritage_reference(r: Record, m: NamedNode, reference: str, iris: Minter,
                        lists: CodeLists) -> Iterator[Emitted]:
    """A reference of ``refmer``, typed by its register: an identifier node (``kgo:referencePatrimoine``,
    ``dcterms:type`` its register, ``skos:notation`` the code; not an ``adms:Identifier``, which this
    dataset keeps for its museums' own Muséofile ids), and for a
    Mérimée reference also ``kgo:referenceMerimee`` and the POP record (``dcterms:relation`` on the
    museum, ``rdfs:seeAlso`` on the identifier). A prefix of no known register is kept untyped and said
    in the quarantine."""
    prefix = re.match(r"[A-Z]*", reference).group(0)  # type: ignore[union-attr]
    fragment = reference if re.fullmatch(r"[A-Z0-9]+", reference) else slug(reference)
    node = NamedNode(f"{m.value}#patrimoine-{fragment}")
    yield m, iris.kgo.referencePatrimoine, node
    yield node, SKOS.notation, string(reference)
    labels = REGISTERS.get(prefix)
    if labels is None:
        column, header = r.columns["refmer"]
        yield Problem(r.file, r.line, column, header, reference,
                      f"unknown heritage register {prefix!r} (mappings/museofile/mapping.py REGISTERS)",
                      "value kept untyped")
        return
    register = iris.concept("registre-patrimoine", prefix)
    lists.concepts.setdefault(register, ("registre-patrimoine", labels[0], None, labels[1]))
    yield node, DCTERMS.type, register
    if prefix in MERIMEE_REGISTERS:
        yield m, iris.kgo.referenceMerimee, string(reference)
        if MERIMEE.match(reference):
            yield m, DCTERMS.relation, POP[f"merimee/{reference}"]
            yield node, RDFS.seeAlso, POP[f"merimee/{reference}"]


def _category(r: Record, m: NamedNode, label: str, iris: Minter, lists: CodeLists) -> Iterator[Emitted]:
    """One category of ``categ`` through the curated table: its concept (and the broader one), the
    source spelling kept as a hidden label; a value the table says is no category ("-", a sentence that
    strayed into the column) is dropped, one the table does not know is kept as its own concept; both
    are said in the quarantine for the curators."""
    found = lists.categories.get(slug(label))
    column, header = r.columns["categ"]
    if found is None:
        yield Problem(r.file, r.line, column, header, label,
                      "category not in mappings/museofile/tables/categories.csv",
                      "value kept as a new concept")
        for concept in _hierarchy("categorie-musee", label, iris, lists.concepts):
            yield m, iris.kgo.categorieMusee, concept
        return
    code, parent_code, label_fr, label_en = found
    if code == "-":
        yield Problem(r.file, r.line, column, header, label,
                      "not a museum category (tables/categories.csv)", "value dropped")
        return
    parent = None
    if parent_code:
        parent = iris.concept("categorie-musee", parent_code)
        top = next(row for row in lists.categories.values() if row[0] == parent_code)
        lists.concepts.setdefault(parent, ("categorie-musee", top[2], None, top[3]))
    concept = iris.concept("categorie-musee", code)
    lists.concepts.setdefault(concept, ("categorie-musee", label_fr, parent, label_en))
    lists.variant(concept, label)
    yield m, iris.kgo.categorieMusee, concept


def _categories(text: str | None) -> list[str]:
    """'Maison musée. Maison des Illustres.' → ['Maison musée', 'Maison des Illustres']; some rows use
    ';' instead ('Ecomusée;Musée de site')."""
    if not text:
        return []
    return [p.strip() for p in re.split(r"\.\s*|;", text) if slug(p)]


def _duplicate(record: Record, first: Record) -> Problem:
    return record.problem("ref", record["ref"], f"duplicate Muséofile id (first at line {first.line})",
                          "row quarantined")
