"""Facts of the press aid example queries, recomputed from the shipped TSV with the csv module (not from the
reader or the mapping). ``CHECKS`` is found by tests/test_queries.py, which runs them on the full build; this
dataset's own tests/mappings/aides_presse/test_queries.py runs them on the mapped table alone."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from culturegraph.mappings.aides_presse import DATASET, HOME
from pyoxigraph import Store

TSV = (HOME.parents[1] / "data/sources/aides-presse"
       / "aides-presse-2012-200-titres-les-plus-aides_extraction-pdf.tsv")
QUERIES = DATASET.path(DATASET.queries or "queries")
FAMILIES = {"PQN": "Presse quotidienne nationale", "PQR": "Presse quotidienne régionale",
            "GRAND PUBLIC": "Presse magazine grand public", "GROUPEMENTS":
            "Presse des groupements (associations, mutuelles, syndicats)"}
TOTAL, POSTAL, COPIES = "Total des aides en €", "Dont postale", "Diffusion / an 2012"


def rows() -> list[dict[str, str]]:
    with TSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def family(row: dict[str, str]) -> str:
    if row["Famille"]:
        return row["Famille"]
    return "GROUPEMENTS" if row["Titre"].endswith(" GROUPEMENTS") else ""


def run(store: Store, name: str) -> list[dict[str, str]]:
    # As the endpoint evaluates: the default graph is the union of the named graphs.
    result = store.query((QUERIES / name).read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def check_top_aided_titles(store: Store) -> None:
    answer = run(store, "aides-presse-01-titres-les-plus-aides.rq")
    expected = sorted(rows(), key=lambda r: -int(r[TOTAL]))[:20]
    assert [Decimal(a["total"]) for a in answer] == [Decimal(r[TOTAL]) for r in expected]
    assert (answer[0]["libelle"], answer[0]["famille"]) == ("Le Monde", "PQN")
    assert answer[2]["libelle"] == "Ouest-France"  # OUEST FRANCE -  DIMANCHE OUEST FRANCE


def check_aid_per_family(store: Store) -> None:
    answer = {a["famille"]: a for a in run(store, "aides-presse-02-aides-par-famille.rq")}
    per_family: dict[str, list[int]] = defaultdict(list)
    for r in rows():
        per_family[family(r)].append(int(r[TOTAL]))
    year_total = sum(sum(v) for v in per_family.values())
    for code, label in FAMILIES.items():
        assert int(Decimal(answer[label]["aides"])) == sum(per_family[code])
        assert int(answer[label]["titres"]) == len(per_family[code])
        assert float(answer[label]["partPourcent"]) == round(1000 * sum(per_family[code]) / year_total) / 10
    assert int(answer["(sans famille)"]["titres"]) == 3  # epresse.fr, 20minutes.fr, slate.fr


def check_share_of_postal_aid(store: Store) -> None:
    answer = {a["famille"]: a for a in run(store, "aides-presse-03-part-aide-postale.rq")}
    for code, label in FAMILIES.items():
        selected = [r for r in rows() if family(r) == code]
        total = sum(int(r[TOTAL]) for r in selected)
        postal = sum(int(r[POSTAL]) for r in selected if r[POSTAL].strip())
        found = (int(Decimal(answer[label]["aides"])), int(Decimal(answer[label]["postale"])))
        assert found == (total, postal)
        assert float(answer[label]["partPostalePourcent"]) == round(1000 * postal / total) / 10
    groupements = answer["Presse des groupements (associations, mutuelles, syndicats)"]
    assert float(groupements["partPostalePourcent"]) == 100


def check_aid_per_copy_above_a_threshold(store: Store) -> None:
    answer = run(store, "aides-presse-04-aide-par-exemplaire.rq")
    eligible = [r for r in rows() if r[COPIES].strip() and int(r[COPIES]) > 1_000_000]
    ranked = sorted(eligible, key=lambda r: -int(r[TOTAL]) / int(r[COPIES]))[:25]
    assert [round(Decimal(a["aideParExemplaire"]), 4) for a in answer] == [
        round(Decimal(r[TOTAL]) / Decimal(r[COPIES]), 4) for r in ranked]
    first = ranked[0]
    assert answer[0]["libelle"] == "L'Humanité" and first["Titre"] == "HUMANITE"
    published = Decimal(first["Aides totales par exemplaire en €"].replace(",", "."))
    assert Decimal(answer[0]["ratioPublie"]) == published
    assert all(int(a["exemplaires"]) > 1_000_000 for a in answer)


def check_a_titles_aid_over_the_years(store: Store) -> None:
    answer = run(store, "aides-presse-05-aides-d-un-titre.rq")
    monde = next(r for r in rows() if r["Titre"] == "MONDE")
    assert {(a["libelleType"], int(Decimal(a["montant"]))) for a in answer} == {
        ("Total des aides", int(monde[TOTAL])), ("Aide postale", int(monde[POSTAL])),
        ("Aides aux tiers", int(monde["Dont aides aux tiers"])),
        ("Aides directes", int(monde["Dont aides directes"]))}
    assert {a["annee"] for a in answer} == {"http://reference.data.gov.uk/id/year/2012"}


CHECKS: dict[str, Callable[[Store], None]] = {
    "aides-presse-01-titres-les-plus-aides": check_top_aided_titles,
    "aides-presse-02-aides-par-famille": check_aid_per_family,
    "aides-presse-03-part-aide-postale": check_share_of_postal_aid,
    "aides-presse-04-aide-par-exemplaire": check_aid_per_copy_above_a_threshold,
    "aides-presse-05-aides-d-un-titre": check_a_titles_aid_over_the_years,
}
