"""Facts of the geography example queries (queries/14-*, 15-*), recomputed from the shipped tables with
the csv module (not from the COG loader or the mapping): the communes' populations of
``mappings/geographie/tables/cog/communes.csv`` and the museums of the Muséofile CSV. ``CHECKS`` is found
by tests/test_queries.py, which runs them on the full build."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from pyoxigraph import Store

from culturegraph.config import PROJECT_ROOT

COG = PROJECT_ROOT / "mappings" / "geographie" / "tables" / "cog"
MUSEOFILE = (PROJECT_ROOT / "data" / "sources" / "museofile"
             / "musees-de-france-base-museofile_ods-export_2022-01.csv")
QUERIES = PROJECT_ROOT / "queries"


def table(path: str) -> list[dict[str, str]]:
    with (COG / path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def museofile() -> list[dict[str, str]]:
    with MUSEOFILE.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def run(store: Store, name: str) -> list[dict[str, str]]:
    (path,) = QUERIES.glob(f"{name}.rq")
    result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def check_musees_par_habitant(graph: Store) -> None:
    """The Rhône, the Ain and the Lot: population = the sum of their communes in communes.csv
    (arrondissements left out), museums = the Muséofile rows of that département, the ratio per 100,000
    recomputed; every département listed once, Mayotte with its 2017 census."""
    rows = {r["codeDepartement"]: r for r in run(graph, "14-musees-par-habitant")}
    departements = [d["code"] for d in table("departements.csv") if d["region"] != d["code"]]
    assert sorted(rows) == sorted(departements) and len(rows) == 101
    museums = museofile()
    for code, name in (("69", "Rhône"), ("01", "Ain"), ("46", "Lot")):
        population = sum(int(c["population"]) for c in table("communes.csv")
                         if c["departement"] == code and c["type"] == "commune-actuelle")
        count = sum(1 for m in museums if m["dpt"] == name)
        row = rows[code]
        assert (row["departement"], int(row["population"]), int(row["musees"]), row["annee"]) == (
            name, population, count, "2023")
        ratio = (Decimal(count) * 100000 / population).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(row["pour100000"]) == ratio, (code, row["pour100000"], ratio)
    assert rows["976"]["annee"] == "2017"
    ratios = [Decimal(r["pour100000"]) for r in run(graph, "14-musees-par-habitant")]
    assert ratios == sorted(ratios, reverse=True)


CHECKS: dict[str, Callable[[Store], None]] = {
    "14-musees-par-habitant": check_musees_par_habitant,
}
