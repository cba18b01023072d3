"""Facts of the Heritage Days example queries, recomputed from the shipped files with the json and csv
modules (OpenAgenda records, Muséofile, the attendance files, the 14-18 GeoJSON, the press-aid table) and
the committed hand-made tables (the hand-labelled venue ↔ museum pairs, the curators' decisions), never
from the readers, the mappings or the matcher. ``CHECKS`` is found by tests/test_queries.py (full build);
tests/mappings/journees_patrimoine/test_queries.py runs them on the session's build too: the queries need
/graph/liens and every dataset's graph."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from culturegraph.mappings.journees_patrimoine import DATASET, HOME
from pyoxigraph import Store

ROOT = HOME.parents[1]
SOURCES = ROOT / "data/sources"
QUERIES = DATASET.path(DATASET.queries or "queries")
BASE = "https://culturegraph.example/"
GRAPH = BASE + "graph/"
JEP_AGENDA = "journées européennes du patrimoine"


def run(store: Store, name: str, text: str | None = None) -> list[dict[str, str]]:
    query = text if text is not None else (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def key(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


# --- the sources, read without culturegraph.sources ---------------------------------------------------

@cache
def events() -> tuple[dict[str, Any], ...]:
    """The ``fields`` of every shipped OpenAgenda record (API v1 responses)."""
    found: list[dict[str, Any]] = []
    for path in sorted((SOURCES / "journees-patrimoine").glob("*.json")):
        found += [r["fields"] for r in json.loads(path.read_text(encoding="utf-8"))["records"]]
    return tuple(found)


def is_jep(fields: dict[str, Any]) -> bool:
    """The agenda says it: « Journées européennes du patrimoine 2023 : Île-de-France », « [Archive] … »."""
    return JEP_AGENDA in (fields.get("originagenda_title") or "").lower()


def _csv(path_glob: str, folder: str, delimiter: str = ";") -> list[dict[str, str]]:
    (path,) = (SOURCES / folder).glob(path_glob)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def _hand_table(name: str) -> list[dict[str, str]]:
    with (HOME / "tables" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter=";"))


def venue_museums() -> dict[str, str]:
    """Venue id → Muséofile id: the hand-labelled « oui » pairs, less what the curators refused."""
    refused = {(r["sujet"], r["objet"]) for r in _hand_table("liens-decisions.csv")
               if r["type"] == "lieu-musee" and r["decision"] == "refusé"}
    return {key(r["sujet"]): key(r["objet"]) for r in _hand_table("lieux-musees-etiquetes.csv")
            if r["meme"] == "oui" and (r["sujet"], r["objet"]) not in refused}


def last_attendance(museums: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Muséofile id → (last year with a figure, the sum over its sites that year): the 2014-2023 file from
    2014, the 2001-2021 export before (as the build publishes them); an empty cell is no figure."""
    wanted = set(museums)
    new = _csv("*ENTREES_ET_CATEGORIES_DE_PUBLIC*.csv", "frequentation-musees")
    old = _csv("*ods-export_2001-2021.csv", "frequentation-musees")
    sites: dict[str, set[str]] = defaultdict(set)
    for r in new:
        if r["IDMuseofile"] in wanted:
            sites[r["IDMuseofile"]].add(r["IDPatrimostat"].strip().zfill(7))
    for r in old:
        if r["id_museofile"] in wanted:
            sites[r["id_museofile"]].add(r["ref_musee"].strip().zfill(7))
    figures: dict[str, Counter[int]] = defaultdict(Counter)
    owner = {site: museum for museum, codes in sites.items() for site in codes}
    for rows, keep in ((new, lambda year: year >= 2014), (old, lambda year: year < 2014)):
        for r in rows:
            site = (r.get("IDPatrimostat") or r.get("ref_musee") or "").strip().zfill(7)
            year = int(r["annee"])
            if site in owner and keep(year) and r["total"].strip():
                figures[owner[site]][year] += int(r["total"])
    return {museum: (max(years), years[max(years)]) for museum, years in figures.items() if years}


def museofile_of(departement_name: str) -> dict[str, str]:
    return {r["ref"]: r["nomoff"] for r in _csv("*.csv", "museofile") if r["dpt"] == departement_name}


def war_photos() -> list[dict[str, Any]]:
    """The published photographs (with a caption) of both 14-18 extracts."""
    found = []
    for path in sorted((SOURCES / "fonds-14-18").glob("*.geojson")):
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
        found += [f["properties"] for f in document["features"]
                  if (f["properties"].get("text") or "").strip()]
    return found


# --- the checks ------------------------------------------------------------------------------------

def check_events_in_museums(store: Store) -> None:
    """Every event held at a venue that is (part of) a Musée de France, with the museum's last known
    attendance; none of the 12 Heritage Days events of the extract is in a Musée de France."""
    answer = run(store, "journees-patrimoine-01-evenements-musees-de-france")
    venues = venue_museums()
    expected = {(e["uid"], venues[e["location_uid"]]) for e in events() if e.get("location_uid") in venues}
    assert {(key(a["evenement"]), key(a["musee"])) for a in answer} == expected and len(expected) == 13
    jep = {e["uid"]: is_jep(e) for e in events()}
    assert all((a["jep"] == "true") == jep[key(a["evenement"])] for a in answer)
    assert not any(jep[uid] for uid, _ in expected)  # so the FILTER (?jep) line gives no row here
    attendance = last_attendance(venues.values())
    for a in answer:
        year, total = attendance[key(a["musee"])]
        assert (int(a["annee"]), int(a["entrees"])) == (year, total), a
    # The musée Bourdelle's 2023 cell is empty: its last known figure is 2022's, not an invented 0.
    bourdelle = {(int(a["annee"]), int(a["entrees"])) for a in answer if key(a["musee"]) == "M1103"}
    assert bourdelle == {(2022, 34481)}


def _commune(fields: dict[str, Any]) -> str:
    """The commune an event is counted in: location_insee, or Paris for a Paris postcode (the only
    records without location_insee are in Paris); '' when neither is given."""
    if fields.get("location_insee"):
        return str(fields["location_insee"])
    if str(fields.get("location_postalcode") or "").startswith("75"):
        return "75056"
    return ""


def check_events_per_commune(store: Store) -> None:
    answer = {a["code"]: (int(a["evenements"]), int(a["evenementsJep"]), int(a["lieux"]))
              for a in run(store, "journees-patrimoine-02-evenements-par-commune")}
    counts: dict[str, list[set[str]]] = defaultdict(lambda: [set(), set(), set()])
    for e in events():
        commune = counts[_commune(e)]
        commune[0].add(e["uid"])
        if is_jep(e):
            commune[1].add(e["uid"])
        if _commune(e):
            commune[2].add(e["location_uid"])
    assert answer == {code: tuple(len(s) for s in sets) for code, sets in counts.items()}
    assert answer["75056"][:2] == (118, 10) and answer[""] == (3, 0, 0)  # the Hippodrome, no postcode
    assert sum(n for n, _, _ in answer.values()) == len(events()) == 140


def check_reduced_mobility(store: Store) -> None:
    answer = run(store, "journees-patrimoine-03-accessibles-mobilite-reduite")
    codes = {e["uid"]: {c.strip() for c in (e.get("accessibility") or "").split(";") if c.strip()}
             for e in events()}
    expected = {uid for uid, found in codes.items() if "mi" in found}
    assert {key(a["evenement"]) for a in answer} == expected and len(expected) == 43
    assert len(answer) == len(expected)  # one row per event
    for a in answer:
        assert len(a["accessibilites"].split(" ; ")) == len(codes[key(a["evenement"])]), a
    jep = [key(a["evenement"]) for a in answer if a["jep"] == "true"]
    assert set(jep) == {e["uid"] for e in events() if is_jep(e) and e["uid"] in expected}
    assert jep == [key(a["evenement"]) for a in answer[:len(jep)]]  # the Heritage Days first


def check_a_departement_across_datasets(store: Store) -> None:
    """Yvelines (78): rows of four datasets, each part equal to its own source; the press part (none is
    circulated in Île-de-France) is checked on Seine-Maritime (76), where the curators placed
    Paris-Normandie."""
    name = "journees-patrimoine-04-un-departement-tous-les-jeux"
    answer = run(store, name)
    parts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for a in answer:
        parts[a["graphe"].removeprefix(GRAPH)].append(a)
    assert set(parts) == {"museofile", "frequentation-musees", "journees-patrimoine", "fonds-14-18"}

    museums = museofile_of("Yvelines")
    assert {key(a["ressource"]) for a in parts["museofile"]} == set(museums) and len(museums) == 18
    assert all(a["quoi"] == "musée" for a in parts["museofile"])
    attendance = last_attendance(museums)
    assert {key(a["ressource"]): (int(a["date"]), int(a["valeur"])) for a in parts["frequentation-musees"]} \
        == attendance
    assert attendance["M5077"][1] > 8_000_000  # Versailles

    jep = {e["uid"] for e in events() if is_jep(e) and str(e.get("location_insee") or "").startswith("78")}
    assert {key(a["ressource"]) for a in parts["journees-patrimoine"]} == jep == {"62171099"}  # Chatou

    photos = {p["ref"] for p in war_photos() if str(p.get("INSEE") or "").zfill(5).startswith("78")}
    assert {key(a["ressource"]) for a in parts["fonds-14-18"]} == photos and len(photos) == 3

    # The parts come in order, a museum's attendance right after the museum.
    order = [a["quoi"] for a in answer]
    assert order.index("événement des Journées du patrimoine") > order.index("musée")
    for i, a in enumerate(answer):
        if a["graphe"] == GRAPH + "frequentation-musees":
            assert answer[i - 1]["ressource"] == a["ressource"] and answer[i - 1]["quoi"] == "musée"

    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8").replace('"78"', '"76"')
    press = [a for a in run(store, name, text) if a["graphe"] == GRAPH + "aides-presse"]
    (row,) = [r for r in _csv("*.tsv", "aides-presse", "\t") if r["Titre"] == "PARIS NORMANDIE"]
    assert [(key(a["ressource"]), a["date"], int(a["valeur"])) for a in press] \
        == [("paris-normandie", "2012", int(row["Total des aides en €"]))]


CHECKS: dict[str, Callable[[Store], None]] = {
    "journees-patrimoine-01-evenements-musees-de-france": check_events_in_museums,
    "journees-patrimoine-02-evenements-par-commune": check_events_per_commune,
    "journees-patrimoine-03-accessibles-mobilite-reduite": check_reduced_mobility,
    "journees-patrimoine-04-un-departement-tous-les-jeux": check_a_departement_across_datasets,
}
