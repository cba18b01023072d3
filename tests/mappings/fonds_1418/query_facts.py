"""Facts of the 14-18 fonds example queries, recomputed from the shipped GeoJSON files with the json module
(and the Muséofile CSV with the csv module), not from the reader or the mapping. ``CHECKS`` is found by
tests/test_queries.py, which runs them on the full build; tests/mappings/fonds_1418/test_queries.py runs
them on this dataset's graph next to the geography and Muséofile graphs.

The published records are those with a caption (the others are quarantined: the EDM minimum)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from culturegraph.mappings.fonds_1418 import DATASET, HOME
from pyoxigraph import Store

ROOT = HOME.parents[1]
SOURCE = ROOT / "data/sources/fonds-14-18"
EXTRACTS = ("fond_guerre_extrait-100-photos_champs-complets.geojson",
            "fond_guerre_extrait-48-photos_2016.geojson")
MUSEOFILE = ROOT / "data/sources/museofile/musees-de-france-base-museofile_ods-export_2022-01.csv"
QUERIES = DATASET.path(DATASET.queries or "queries")
PHOTO = "https://culturegraph.example/id/photographie/"


def properties(extract: str | None = None) -> list[dict[str, Any]]:
    """The properties of the published features (with a caption), of one extract or both."""
    found = []
    for name in EXTRACTS if extract is None else (extract,):
        document = json.loads((SOURCE / name).read_bytes().decode("utf-8-sig"))
        found += [f["properties"] for f in document["features"]
                  if (f["properties"].get("text") or "").strip()]
    return found


def run(store: Store, name: str) -> list[dict[str, str]]:
    result = store.query((QUERIES / name).read_text(encoding="utf-8"), use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def ref(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def check_photos_per_photographer(store: Store) -> None:
    answer = {a["nom"]: (a["genre"], int(a["photos"]))
              for a in run(store, "fonds-14-18-01-photos-par-photographe.rq")}
    expected: Counter[str] = Counter()
    for p in properties():
        for part in {re.sub(r"\s*\(.*\)$", "", x.strip()) for x in p["author"].split(";") if x.strip()}:
            expected[part] += 1
    assert {name: count for name, (_, count) in answer.items()} == dict(expected)
    assert answer["Brissy, Edouard"][0] == "personne" and answer["Opérateur D"][0] == "code d'opérateur"
    # Opérateur D is Brissy's and Sélince's code: it counts the photographs of both.
    assert answer["Opérateur D"][1] == answer["Brissy, Edouard"][1] + answer["Sélince"][1]


def check_photos_of_a_commune(store: Store) -> None:
    answer = run(store, "fonds-14-18-02-photos-d-une-commune.rq")
    expected = {p["ref"] for p in properties() if p["commune"] == "Angers"}
    assert {ref(a["photo"]) for a in answer} == expected and len(expected) == 2
    dates = {ref(a["photo"]): a["date"] for a in answer}
    raw = {p["ref"]: p["date"] for p in properties() if p["ref"] in expected}
    assert dates == {r: d.replace(".", "-") for r, d in raw.items()}


def check_photos_of_a_departement(store: Store) -> None:
    """Oise (60): the 2018 extract's records whose INSEE code (its zero restored) is in 60; the 2016 extract
    has no code, and its only candidate (Mortefontaine: one in the Aisne, one in the Oise) is not placed."""
    answer = run(store, "fonds-14-18-03-photos-d-un-departement.rq")
    expected = {p["ref"] for p in properties(EXTRACTS[0]) if p["INSEE"].zfill(5).startswith("60")}
    assert {ref(a["photo"]) for a in answer} == expected and len(expected) == 12
    assert "APD0002754" in expected  # Coye-la-Forêt, whose `dep` says 75


def check_monuments_that_are_museums(store: Store) -> None:
    answer = run(store, "fonds-14-18-04-monuments-musees.rq")
    with MUSEOFILE.open(encoding="utf-8-sig", newline="") as f:
        museums: dict[str, set[str]] = {}
        for row in csv.DictReader(f, delimiter=";"):
            for reference in re.findall(r"\b(?:PA|IA)[0-9A-Z]{8}\b", row["refmer"]):
                museums.setdefault(reference, set()).add(row["ref"])
    expected = {(p["ref"], reference, museum) for p in properties()
                for reference in p.get("LBASE", "").split(";") if reference.strip() in museums
                for museum in museums[reference.strip()]}
    assert {(ref(a["photo"]), a["merimee"], ref(a["musee"])) for a in answer} == expected
    assert len(expected) == 4  # Tatihou, Versailles, Sables-d'Olonne (Sainte-Croix), Noirmoutier


def check_photos_per_month_of_1917(store: Store) -> None:
    answer = {a["mois"]: int(a["photos"]) for a in run(store, "fonds-14-18-05-photos-par-mois-1917.rq")}
    expected = Counter(p["date"][:7].replace(".", "-") if len(p["date"]) >= 7 else "mois inconnu"
                       for p in properties() if p["date"].startswith("1917"))
    assert answer == dict(expected)
    assert answer["mois inconnu"] == 4 and answer["1917-03"] == 6


CHECKS: dict[str, Callable[[Store], None]] = {
    "fonds-14-18-01-photos-par-photographe": check_photos_per_photographer,
    "fonds-14-18-02-photos-d-une-commune": check_photos_of_a_commune,
    "fonds-14-18-03-photos-d-un-departement": check_photos_of_a_departement,
    "fonds-14-18-04-monuments-musees": check_monuments_that_are_museums,
    "fonds-14-18-05-photos-par-mois-1917": check_photos_per_month_of_1917,
}
