"""Press aid on the pages: a title's aid by type and year (table and bar chart, circulation and aid per
copy), and a press family's titles with their totals.

:func:`enrich` (an :class:`~culturegraph.datasets.Enricher`) reads the grants of a ``schema:Periodical``
(and writes them into its RDF document), or the titles of a family concept; :func:`title_panel` and
:func:`family_panel` turn them into the ``templates/`` panels, with the generic chart and table pieces of
``culturegraph.web.charts`` and ``_charts.html``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyoxigraph import NamedNode

from culturegraph.datasets import Described, Enricher, Formats, Panel, PanelView
from culturegraph.rdf.terms import SCHEMA, SDMX_ATTRIBUTE, SDMX_DIMENSION, Minter, decimal_of, year_of
from culturegraph.store.base import GraphReader
from culturegraph.web.charts import bar_chart

from .mapping import AID_SCHEME, FAMILY_SCHEME

KEY = "aides-presse"  # of the enricher's values in Described.data
TYPE_ORDER = ("total", "postale", "tiers", "directes", "pluralisme", "pluralisme-hebdomadaires",
              "pluralisme-ultramarins", "services-en-ligne", "portage", "exemplaire-poste-porte",
              "investissement", "distribution-pqn", "modernisation-sociale", "exceptionnelle")


@dataclass(frozen=True)
class Grant:
    iri: NamedNode
    year: int
    type: NamedNode
    amount: Decimal | None
    status: NamedNode | None


@dataclass
class TitleAid:
    grants: list[Grant] = field(default_factory=list)
    copies: dict[int, int] = field(default_factory=dict)  # year → copies sold
    per_copy: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # (year, type IRI) → € per copy
    query: str = ""


@dataclass
class FamilyTitles:
    totals: dict[str, dict[int, Decimal]] = field(default_factory=dict)  # title IRI → year → total
    query: str = ""


def grants_query(title: NamedNode, base: str) -> str:
    kgo = Minter(base).kgo
    return (f"PREFIX kgo: <{kgo.iri}>\nPREFIX sdmx-dimension: <{SDMX_DIMENSION.iri}>\n"
            f"PREFIX sdmx-attribute: <{SDMX_ATTRIBUTE.iri}>\n"
            "SELECT ?obs ?annee ?type ?montant ?statut WHERE {\n"
            f"  ?obs a kgo:ObservationAidePresse ; kgo:titrePresse <{title.value}> ;\n"
            "       sdmx-dimension:refPeriod ?annee ; kgo:typeAide ?type .\n"
            "  OPTIONAL { ?obs kgo:montant ?montant }\n  OPTIONAL { ?obs sdmx-attribute:obsStatus ?statut }\n"
            "}\nORDER BY ?annee ?type")


def family_query(family: NamedNode, base: str) -> str:
    iris = Minter(base)
    return (f"PREFIX kgo: <{iris.kgo.iri}>\nPREFIX sdmx-dimension: <{SDMX_DIMENSION.iri}>\n"
            "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "SELECT ?titre ?annee ?total WHERE {\n"
            f"  ?titre dcterms:type <{family.value}> .\n"
            f"  ?obs kgo:titrePresse ?titre ; kgo:typeAide <{iris.concept(AID_SCHEME, 'total').value}> ;\n"
            "       sdmx-dimension:refPeriod ?annee ; kgo:montant ?total .\n"
            "}\nORDER BY ?annee DESC(?total)")


def enrich(reader: GraphReader, desc: Described) -> None:
    base = desc.iri.value.split("/id/", 1)[0].split("/def/", 1)[0] + "/"
    iris = Minter(base)
    kgo = iris.kgo
    if SCHEMA.Periodical in set(desc.types()):
        aid = TitleAid(query=grants_query(desc.iri, base))
        for row in reader.query(aid.query, union_default_graph=True):
            year = year_of(row["annee"])
            if year is None or not isinstance(row["type"], NamedNode) \
                    or not isinstance(row["obs"], NamedNode):
                continue
            status = row["statut"] if isinstance(row["statut"], NamedNode) else None
            aid.grants.append(Grant(row["obs"], year, row["type"], decimal_of(row["montant"]), status))
            desc.related += reader.quads(row["obs"])
            if row["type"] not in desc.linked:
                desc.linked.append(row["type"])
            if status is not None and status not in desc.linked:
                desc.linked.append(status)
        for q in reader.quads(None, kgo.titrePresse, desc.iri):
            obs = q.subject
            if not isinstance(obs, NamedNode):
                continue
            year = next((year_of(x.object) for x in reader.quads(obs, SDMX_DIMENSION.refPeriod)), None)
            if year is None:
                continue
            for x in reader.quads(obs, kgo.exemplairesDiffuses):
                if (value := decimal_of(x.object)) is not None:
                    aid.copies[year] = int(value)
            for x in reader.quads(obs, kgo.aideParExemplaire):
                kind = next((t.object for t in reader.quads(obs, kgo.typeAide)), None)
                if (value := decimal_of(x.object)) is not None and isinstance(kind, NamedNode):
                    aid.per_copy[(year, kind.value)] = value
        if aid.grants:
            desc.data[KEY] = aid
    elif desc.iri.value.startswith(iris.scheme(FAMILY_SCHEME).value + "/"):
        family = FamilyTitles(query=family_query(desc.iri, base))
        for row in reader.query(family.query, union_default_graph=True):
            year, total = year_of(row["annee"]), decimal_of(row["total"])
            if year is None or total is None or not isinstance(row["titre"], NamedNode):
                continue
            family.totals.setdefault(row["titre"].value, {})[year] = total
            if row["titre"] not in desc.linked:
                desc.linked.append(row["titre"])
        if family.totals:
            desc.data[KEY] = family


def _type_key(iri: str) -> tuple[int, str]:
    code = iri.rsplit("/", 1)[-1]
    return (TYPE_ORDER.index(code) if code in TYPE_ORDER else len(TYPE_ORDER), code)


def euros(fmt: Formats, value: Decimal) -> str:
    """``549 268 €`` (French) or ``549,268 €`` (English): ``fmt`` is the panel's view."""
    return fmt.number(value) + " €"


def _chart_texts(fmt: Formats, years: list[int]) -> tuple[str, str]:
    """The aid chart's title and description in the page's language."""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    if len(years) > 1:
        title = fmt.text(f"Aides par type et par année, {span}", f"Aid by type and year, {span}")
    else:
        title = fmt.text(f"Aides par type, {span}", f"Aid by type, {span}")
    return title, fmt.text("Barres des montants d'aide par type d'aide et par année ; les valeurs sont dans "
                           "le tableau ci-dessous.",
                           "Bars of the aid amounts by kind of aid and year; the values are in the table "
                           "below.")


def title_panel(view: PanelView) -> Mapping[str, Any] | None:
    aid = view.description.data.get(KEY)
    if not isinstance(aid, TitleAid):
        return None
    types = sorted({g.type.value for g in aid.grants}, key=_type_key)
    years = sorted({g.year for g in aid.grants})
    cells: dict[int, dict[str, str]] = defaultdict(dict)
    amounts: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for g in aid.grants:
        if g.amount is not None:
            cells[g.year][g.type.value] = euros(view, g.amount)
            amounts[view.label(g.type.value)][str(g.year)] = g.amount
        elif g.status is not None:
            cells[g.year][g.type.value] = f"({view.label(g.status.value)})"
    columns = [view.value(NamedNode(t)) for t in types]
    rows = [(str(y), [cells[y].get(t, "") for t in types]) for y in years]
    title, description = _chart_texts(view, years)
    chart = bar_chart([str(y) for y in years], {label: amounts[label] for label in
                                               [view.label(t) for t in types] if label in amounts},
                      title=title, description=description, unit="€", fmt=view.number)
    per_copy_types = sorted({t for _, t in aid.per_copy}, key=_type_key)
    circulation = [(str(y), [view.number(aid.copies[y]) if y in aid.copies else ""]
                    + [euros(view, aid.per_copy[(y, t)]) if (y, t) in aid.per_copy else ""
                       for t in per_copy_types])
                   for y in sorted(set(aid.copies) | {y for y, _ in aid.per_copy})]
    return {
        "columns": columns, "rows": rows, "chart": chart,
        "circulation_columns": [view.text("Exemplaires diffusés", "Copies sold")]
        + [view.text(f"{view.label(t)} par exemplaire", f"{view.label(t)} per copy") for t in per_copy_types],
        "circulation": circulation, "query_url": view.query_url(aid.query),
    }


def family_panel(view: PanelView) -> Mapping[str, Any] | None:
    family = view.description.data.get(KEY)
    if not isinstance(family, FamilyTitles):
        return None
    years = sorted({y for totals in family.totals.values() for y in totals})
    latest = years[-1]
    ordered = sorted(family.totals.items(),
                     key=lambda item: (-item[1].get(latest, Decimal(0)), view.label(item[0])))
    rows = [(view.value(NamedNode(title)), [euros(view, totals[y]) if y in totals else "" for y in years])
            for title, totals in ordered]
    sums = {y: sum((t[y] for t in family.totals.values() if y in t), Decimal(0)) for y in years}
    return {
        "columns": [str(y) for y in years], "rows": rows, "count": len(family.totals),
        "sums": [euros(view, sums[y]) for y in years], "query_url": view.query_url(family.query),
    }


ENRICHERS: tuple[Enricher, ...] = (Enricher(KEY, enrich),)
PANELS: tuple[Panel, ...] = (
    Panel("aides-titre", "aides-titre.html", title_panel, order=40),
    Panel("titres-famille", "titres-famille.html", family_panel, order=40),
)
