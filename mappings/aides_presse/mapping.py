"""Press aid → schema:Periodical titles and W3C Data Cube observations that are also schema:MonetaryGrant.

One row of a table is one title in one year. Each amount of the row (total and its parts, whatever aid
types the vintage has: ``tables/types-aide.csv``) becomes one observation of ``/data/aides-presse``
(dimensions title × year × aid type, one measure ``kgo:montant`` in euros), also a ``schema:MonetaryGrant``
of the Ministry for the title with a ``schema:MonetaryAmount``. An empty amount is unknown: no observation
(never 0); « N.c. » is an observation with a status and no amount. Copies sold go to the cube
``/data/aides-presse/diffusion`` and the published aid per copy to ``/data/aides-presse/aide-par-exemplaire``
(each its own measure and unit). The title comes from the curated table (``titles.py``); an unknown title
is still published under a slug minted from its key, flagged ``kgo:titreNonCure`` (a SHACL Warning).

The 2012-2014 tables have no year column: their year is the one of the header "Diffusion / an 2012".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyoxigraph import NamedNode

from culturegraph.rdf.terms import (
    DCTERMS,
    QB,
    RDFS,
    SCHEMA,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SKOS,
    WD,
    A,
    Minter,
    Namespace,
    bnode,
    boolean,
    decimal,
    en,
    fr,
    integer,
    slug,
    string,
    year_iri,
)
from culturegraph.sources.model import Problem, Record

from .tables import AidType, Family, Status
from .titles import Resolution, Title, TitleTable

NAME = "aides-presse"
GROUPS = "aides-presse-groupes"  # the source of the groups table, and /data/aides-presse/groupes
FUNDER = "ministere-culture"
DIFFUSION = "diffusion"  # /data/aides-presse/diffusion
PER_COPY = "aide-par-exemplaire"  # /data/aides-presse/aide-par-exemplaire
FAMILY_SCHEME = "famille-presse"
AID_SCHEME = "type-aide"
STATUS_SCHEME = "statut-montant"
ISSN_PORTAL = "https://portal.issn.org/resource/ISSN/"
ORG = Namespace("http://www.w3.org/ns/org#")
_YEAR_IN_HEADER = re.compile(r"\b((?:19|20)\d\d)\b")


def record_year(r: Record) -> int | None:
    """The ``annee`` field, else the year written in a column header ("Diffusion / an 2012")."""
    if "annee" in r:
        return int(r["annee"])
    for _, header in r.columns.values():
        match = _YEAR_IN_HEADER.search(header)
        if match:
            return int(match.group(1))
    return None


@dataclass
class TitleSeen:
    """A title as the rows of all years describe it."""

    title: Title
    record: Record  # the latest row (provenance of the title's triples)
    year: int
    source_labels: list[str] = field(default_factory=list)
    families: set[str] = field(default_factory=set)
    publishers: set[str] = field(default_factory=set)


def triples(inputs: Any, iris: Minter) -> Iterator[Any]:
    titles: TitleTable = inputs.table("titres-presse")
    families: dict[str, Family] = inputs.table("familles-presse")
    aid_types: list[AidType] = inputs.table("types-aide")
    by_code = {t.code: t for t in aid_types}
    funder = iris.id("organisation", FUNDER)
    seen: dict[str, TitleSeen] = {}
    rows: dict[tuple[str, int], Record] = {}
    used_types: dict[str, Record] = {}
    used_families: dict[str, Record] = {}

    for r in inputs.records(NAME):
        year = record_year(r)
        if year is None:
            yield r.problem("titre", r["titre"], "no year: neither an annee column nor a year in a header",
                            "row quarantined")
            continue
        resolution = titles.resolve(r["titre"], families)
        problems = list(title_problems(r, resolution))
        title = resolution.title
        first = rows.setdefault((title.slug, year), r)
        if first is not r:
            yield r.problem("titre", r["titre"], f"second row for title {title.slug!r} in {year} (first at "
                            f"line {first.line}): not published", "row quarantined")
            continue
        yield from problems
        family = r.get("famille") or resolution.glued_family
        if family is not None and family not in families:
            yield r.problem("famille", family, f"unknown press family {family!r} (not in "
                            "tables/familles.csv): not published", "value dropped")
            family = None
        yield r  # provenance: what follows comes from this row
        info = seen.setdefault(title.slug, TitleSeen(title, r, year))
        if year > info.year:  # the latest row describes the title
            info.record, info.year = r, year
        if r["titre"] not in info.source_labels:
            info.source_labels.append(r["titre"])
        if family is not None:
            info.families.add(family)
            used_families.setdefault(family, r)
        if "editeur" in r:
            info.publishers.add(r["editeur"])
        periodical = iris.id("titre-presse", title.slug)
        for aid in aid_types:
            if aid.field not in r:
                continue
            used_types.setdefault(aid.code, r)
            obs = iris.data(NAME, "titre", title.slug, "annee", str(year), AID_SCHEME, aid.code)
            yield from grant(iris, obs, iris.kgo.ObservationAidePresse, iris.dataset(NAME),
                             iris.kgo.titrePresse, periodical, funder, year, aid, r[aid.field])
        yield from circulation_and_ratios(r, iris, periodical, year, aid_types)

    groups: dict[tuple[str, int], Record] = {}
    for r in inputs.records(GROUPS):
        key = slug_of(r["groupe"])
        first = groups.setdefault((key, r["annee"]), r)
        if first is not r:
            yield r.problem("groupe", r["groupe"], f"second row for group {key!r} in {r['annee']} (first at "
                            f"line {first.line}): not published", "row quarantined")
            continue
        yield r
        org = iris.id("organisation", key)
        yield from organisation(org, r["groupe"])
        for aid in aid_types:
            if aid.field not in r:
                continue
            used_types.setdefault(aid.code, r)
            obs = iris.data(NAME, "groupe", key, "annee", str(r["annee"]), AID_SCHEME, aid.code)
            yield from grant(iris, obs, iris.kgo.ObservationAideGroupePresse, iris.data(NAME, "groupes"),
                             iris.kgo.groupePresse, org, funder, r["annee"], aid, r[aid.field])

    for info in sorted(seen.values(), key=lambda i: i.title.slug):
        yield info.record
        yield from periodical_triples(iris, info, families)
    for code, record in sorted(used_families.items()):
        yield record
        yield from family_concept(iris, families[code])
    # Every type used, with the types it is part of (the sum rule walks skos:broader in this graph).
    wanted: dict[str, Record] = {}
    for code, record in used_types.items():
        current: str | None = code
        while current is not None and current not in wanted:
            wanted[current] = record
            current = by_code[current].broader
    for code in sorted(wanted):
        yield wanted[code]
        yield from aid_type_concept(iris, by_code[code])
    records = [*rows.values(), *groups.values()]
    if any(isinstance(r.get(t.field), Status) for r in records for t in aid_types):
        yield from status_concept(iris)


def title_problems(r: Record, resolution: Resolution) -> Iterator[Problem]:
    """What the quarantine report says about a row's title (the row itself is published)."""
    title = resolution.title
    if resolution.glued_family is not None:
        if "famille" in r:
            reason = (f"the family {resolution.glued_family!r} is repeated at the end of the title: "
                      "not part of the title")
        else:
            reason = (f"the family {resolution.glued_family!r} is glued to the end of the title and the "
                      "Famille column is empty: read from the title")
        yield r.problem("titre", r["titre"], reason, "value normalised")
    if resolution.how == "first edition":
        yield r.problem("titre", r["titre"], f"title {resolution.key!r} not in tables/titres.csv: resolved "
                        f"by its first edition to {title.slug!r} ({title.label})", "value normalised")
    elif resolution.how == "minted":
        yield r.problem("titre", r["titre"], f"title {resolution.key!r} not in tables/titres.csv: published "
                        f"as /id/titre-presse/{title.slug} (add it to the table)", "value normalised")


def grant(iris: Minter, obs: NamedNode, kind: NamedNode, dataset: NamedNode, dimension: NamedNode,
          funded: NamedNode, funder: NamedNode, year: int, aid: AidType,
          value: Decimal | Status) -> Iterator[Any]:
    """One observation of a cube of grants (``dimension``: the title, or the group, it funds)."""
    kgo = iris.kgo
    yield obs, A, QB.Observation
    yield obs, A, kind
    yield obs, A, SCHEMA.MonetaryGrant
    yield obs, QB.dataSet, dataset
    yield obs, dimension, funded
    yield obs, SDMX_DIMENSION.refPeriod, year_iri(year)
    yield obs, kgo.typeAide, iris.concept(AID_SCHEME, aid.code)
    yield obs, SCHEMA.funder, funder
    yield obs, SCHEMA.fundedItem, funded
    if isinstance(value, Status):
        yield obs, SDMX_ATTRIBUTE.obsStatus, iris.concept(STATUS_SCHEME, str(value))
        return
    amount = decimal(value)
    yield obs, kgo.montant, amount
    path = obs.value.split(f"/data/{NAME}/", 1)[1]  # titre/le-monde/annee/2012/type-aide/total
    money = bnode("montant_" + path.replace("/annee/", "_").replace(f"/{AID_SCHEME}/", "_"))
    yield obs, SCHEMA.amount, money
    yield money, A, SCHEMA.MonetaryAmount
    yield money, SCHEMA.value, amount
    yield money, SCHEMA.currency, string("EUR")


def circulation_and_ratios(r: Record, iris: Minter, periodical: NamedNode, year: int,
                           aid_types: list[AidType]) -> Iterator[Any]:
    """Copies sold, and the published aid per copy sold. A circulation of 0 with no ratio is how the
    2012 table writes a circulation it does not have (titles whose circulation is not certified, such
    as Le Canard enchaîné): not published. A ratio of an aid whose amount is empty (unknown) is not one."""
    kgo = iris.kgo
    slug_ = periodical.value.rsplit("/", 1)[-1]
    ratios = [t for t in aid_types if t.per_copy_field is not None and t.per_copy_field in r]
    copies = r.get("diffusion")
    if copies is not None:
        if copies == 0 and not ratios:
            yield r.problem("diffusion", "0", "circulation 0 and no aid per copy: the table's way of "
                            "writing a circulation it does not have, not a count: not published",
                            "value dropped")
        else:
            obs = iris.data(NAME, DIFFUSION, "titre", slug_, "annee", str(year))
            yield obs, A, QB.Observation
            yield obs, A, kgo.ObservationDiffusionPresse
            yield obs, QB.dataSet, iris.data(NAME, DIFFUSION)
            yield obs, kgo.titrePresse, periodical
            yield obs, SDMX_DIMENSION.refPeriod, year_iri(year)
            yield obs, kgo.exemplairesDiffuses, integer(copies)
    for aid in ratios:
        assert aid.per_copy_field is not None
        value = r[aid.per_copy_field]
        if not isinstance(r.get(aid.field), Decimal):
            yield r.problem(aid.per_copy_field, str(value), f"aid per copy of {aid.code!r}, whose amount is "
                            "empty (unknown): not published", "value dropped")
            continue
        obs = iris.data(NAME, PER_COPY, "titre", slug_, "annee", str(year), AID_SCHEME, aid.code)
        yield obs, A, QB.Observation
        yield obs, A, kgo.ObservationAideParExemplaire
        yield obs, QB.dataSet, iris.data(NAME, PER_COPY)
        yield obs, kgo.titrePresse, periodical
        yield obs, SDMX_DIMENSION.refPeriod, year_iri(year)
        yield obs, kgo.typeAide, iris.concept(AID_SCHEME, aid.code)
        yield obs, kgo.aideParExemplaire, decimal(value)


def periodical_triples(iris: Minter, info: TitleSeen, families: dict[str, Family]) -> Iterator[Any]:
    kgo = iris.kgo
    title = info.title
    s = iris.id("titre-presse", title.slug)
    yield s, A, SCHEMA.Periodical
    yield s, RDFS.label, fr(title.label)
    yield s, SCHEMA.name, fr(title.label)
    for label in info.source_labels:
        yield s, kgo.libelleSource, string(label)
    codes = info.families or ({title.family} if title.family in families else set())
    for code in sorted(c for c in codes if c is not None):
        yield s, DCTERMS.type, iris.concept(FAMILY_SCHEME, families[code].slug)
    for edition in title.editions:
        yield s, kgo.editionRegroupee, fr(edition)
    if title.issn:
        yield s, SCHEMA.issn, string(title.issn)
        yield s, SCHEMA.sameAs, NamedNode(ISSN_PORTAL + title.issn)
    if title.wikidata:
        yield s, SCHEMA.sameAs, WD[title.wikidata]
    if title.truncated:
        yield s, kgo.titreTronque, boolean(True)
    if not title.curated:
        yield s, kgo.titreNonCure, boolean(True)
    if title.note:
        yield s, SKOS.editorialNote, fr(title.note)
    for name in sorted(info.publishers):
        org = iris.id("organisation", slug_of(name))
        yield s, SCHEMA.publisher, org
        yield from organisation(org, name)


def organisation(org: NamedNode, name: str) -> Iterator[Any]:
    """A publishing company or a press group, known by its name only (no SIREN in the tables)."""
    yield org, A, SCHEMA.Organization
    yield org, A, ORG.Organization
    yield org, RDFS.label, fr(name)
    yield org, SCHEMA.name, fr(name)


def slug_of(name: str) -> str:
    return slug(name) or "organisation"


def family_concept(iris: Minter, family: Family) -> Iterator[Any]:
    c = iris.concept(FAMILY_SCHEME, family.slug)
    scheme = iris.scheme(FAMILY_SCHEME)
    yield c, A, SKOS.Concept
    yield c, SKOS.inScheme, scheme
    yield c, SKOS.topConceptOf, scheme
    yield c, SKOS.notation, string(family.code)
    yield c, SKOS.prefLabel, fr(family.label_fr)
    yield c, SKOS.prefLabel, en(family.label_en)
    yield c, RDFS.label, fr(family.label_fr)
    yield c, RDFS.label, en(family.label_en)


def aid_type_concept(iris: Minter, aid: AidType) -> Iterator[Any]:
    c = iris.concept(AID_SCHEME, aid.code)
    scheme = iris.scheme(AID_SCHEME)
    yield c, A, SKOS.Concept
    yield c, SKOS.inScheme, scheme
    if aid.broader is None:
        yield c, SKOS.topConceptOf, scheme
    else:
        yield c, SKOS.broader, iris.concept(AID_SCHEME, aid.broader)
    yield c, SKOS.notation, string(aid.code)
    yield c, SKOS.prefLabel, fr(aid.label_fr)
    yield c, SKOS.prefLabel, en(aid.label_en)
    yield c, RDFS.label, fr(aid.label_fr)
    yield c, RDFS.label, en(aid.label_en)
    yield c, SKOS.definition, fr(aid.definition_fr)
    yield c, SKOS.definition, en(aid.definition_en)


def status_concept(iris: Minter) -> Iterator[Any]:
    c = iris.concept(STATUS_SCHEME, "nc")
    scheme = iris.scheme(STATUS_SCHEME)
    yield c, A, SKOS.Concept
    yield c, SKOS.inScheme, scheme
    yield c, SKOS.topConceptOf, scheme
    yield c, SKOS.notation, string("N.c.")
    yield c, SKOS.prefLabel, fr("Non communicable")
    yield c, SKOS.prefLabel, en("Not communicable")
    yield c, RDFS.label, fr("Non communicable")
    yield c, RDFS.label, en("Not communicable")
