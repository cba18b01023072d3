"""The dataset's example queries: each has a bilingual title and description, runs, and answers what the
source table says (facts recomputed from the TSV with the csv module, not from the reader or the mapping)."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal

import pytest
from culturegraph.mappings.aides_presse import DATASET
from pyoxigraph import Store

from .conftest import TSV, Mapped

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


@pytest.fixture(scope="module")
def store(real: Mapped) -> Store:
    return real.store()


def run(store: Store, name: str) -> list[dict[str, str]]:
    result = store.query((QUERIES / name).read_text(encoding="utf-8"))
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def test_every_query_has_a_bilingual_title_and_description() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) == 5
    for path in files:
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        for line, key in zip(head, ("# title: ", "# description: "), strict=True):
            assert line.startswith(key), path.name
            fr, en = line.removeprefix(key).split(" | ")
            assert fr.strip() and en.strip(), path.name


def test_top_aided_titles(store: Store) -> None:
    answer = run(store, "aides-presse-01-titres-les-plus-aides.rq")
    expected = sorted(rows(), key=lambda r: -int(r[TOTAL]))[:20]
    assert [Decimal(a["total"]) for a in answer] == [Decimal(r[TOTAL]) for r in expected]
    assert (answer[0]["libelle"], answer[0]["famille"]) == ("Le Monde", "PQN")
    assert answer[2]["libelle"] == "Ouest-France"  # OUEST FRANCE -  DIMANCHE OUEST FRANCE


def test_aid_per_family(store: Store) -> None:
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


def test_share_of_postal_aid(store: Store) -> None:
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


def test_aid_per_copy_above_a_threshold(store: Store) -> None:
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


def test_a_titles_aid_over_the_years(store: Store) -> None:
    answer = run(store, "aides-presse-05-aides-d-un-titre.rq")
    monde = next(r for r in rows() if r["Titre"] == "MONDE")
    assert {(a["libelleType"], int(Decimal(a["montant"]))) for a in answer} == {
        ("Total des aides", int(monde[TOTAL])), ("Aide postale", int(monde[POSTAL])),
        ("Aides aux tiers", int(monde["Dont aides aux tiers"])),
        ("Aides directes", int(monde["Dont aides directes"]))}
    assert {a["annee"] for a in answer} == {"http://reference.data.gov.uk/id/year/2012"}


def test_the_sum_of_2012_totals_equals_the_source_column(store: Store) -> None:
    query = """PREFIX kgo: <https://culturegraph.example/def/culture/>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT (SUM(?m) AS ?total) (COUNT(?o) AS ?n) WHERE {
          ?o kgo:typeAide <https://culturegraph.example/def/type-aide/total> ;
             sdmx-dimension:refPeriod <http://reference.data.gov.uk/id/year/2012> ; kgo:montant ?m }"""
    (row,) = store.query(query)
    assert (Decimal(row["total"].value), int(row["n"].value)) == (sum(Decimal(r[TOTAL]) for r in rows()), 200)

