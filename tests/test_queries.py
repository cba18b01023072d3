"""The example queries (queries/*.rq and each dataset's ``DatasetSpec.queries``), run on the full build
and checked against the source files.

A dataset's own queries get their fact checks from its own test module: any ``tests/**/query_facts.py``
defining ``CHECKS`` (query name → check) is found here, so adding a dataset edits no shared test.

Every query must return rows (or triples) and one fact per query is recomputed here, independently of
the mappings, from the shipped CSV files read with the csv module: a query that sums the wrong thing,
keys on museum × year, turns an empty cell into 0 or counts a cumulated site twice fails here.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, QueryTriples, Store, Triple

from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.datasets import load_registry
from culturegraph.web.pages import example_files

QUERIES = PROJECT_ROOT / "queries"
SOURCES = PROJECT_ROOT / "data" / "sources"
BASE = "https://culturegraph.example/"
XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY_FILES = example_files(Settings(), load_registry())
QUERY_PATHS = {path.stem: path for path in QUERY_FILES}

Row = dict[str, Any]


# --- reading the sources, independently of culturegraph.sources ---------------------------------------

def _read(pattern: str) -> list[dict[str, str]]:
    (path,) = SOURCES.glob(pattern)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@cache
def new_file() -> list[dict[str, str]]:
    """The 2014-2023 attendance file (one row per site and year); the build publishes it for 2014+."""
    return _read("frequentation-musees/*ENTREES_ET_CATEGORIES_DE_PUBLIC*.csv")


@cache
def old_file() -> list[dict[str, str]]:
    """The 2001-2021 export; the build publishes it for 2001-2013 only."""
    return _read("frequentation-musees/*ods-export_2001-2021.csv")


@cache
def museofile() -> list[dict[str, str]]:
    return _read("museofile/*.csv")


def site_code(value: str) -> str:
    return value.strip().zfill(7)  # some exports lost the leading zero (docs/datasets.md §1)


def multi(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


# --- running the queries -------------------------------------------------------------------------

def run(graph: Store, name: str) -> QuerySolutions | QueryTriples:
    path = QUERY_PATHS[name]
    return graph.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)


def value(term: Any) -> Any:
    """A result term as a Python value: IRIs as strings, numbers as int/Decimal/float."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype == XSD + "integer":
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(term.value)
    return term.value


# Each query is evaluated once per session (some take seconds); the tests read the kept answer.
_ANSWERS: dict[tuple[int, str], list[Row] | list[Triple]] = {}


def answer(graph: Store, name: str) -> list[Row] | list[Triple]:
    key = (id(graph), name)
    if key not in _ANSWERS:
        result = run(graph, name)
        if isinstance(result, QueryTriples):
            _ANSWERS[key] = list(result)
        else:
            assert isinstance(result, QuerySolutions), f"{name} is neither SELECT nor CONSTRUCT"
            names = [v.value for v in result.variables]
            _ANSWERS[key] = [{n: value(solution[n]) for n in names} for solution in result]
    return _ANSWERS[key]


def select(graph: Store, name: str) -> list[Row]:
    rows = answer(graph, name)
    assert all(isinstance(row, dict) for row in rows), f"{name} is not a SELECT query"
    return rows  # type: ignore[return-value]


def construct(graph: Store, name: str) -> list[Triple]:
    triples = answer(graph, name)
    assert all(isinstance(t, Triple) for t in triples), f"{name} is not a CONSTRUCT query"
    return triples  # type: ignore[return-value]


def iri(kind: str, key: str) -> str:
    return f"{BASE}{kind}/{key}"


# --- one independent fact per query -----------------------------------------------------------------

def check_frequentation_musee(graph: Store) -> None:
    """Brou's yearly totals, 2001-2023, equal the source rows of its sites (new file 2014+, old before)."""
    rows = select(graph, "01-frequentation-musee")
    sites = {site_code(r["IDPatrimostat"]) for r in new_file() if r["IDMuseofile"] == "M0963"}
    expected: Counter[int] = Counter()
    for r in new_file():
        if site_code(r["IDPatrimostat"]) in sites and r["total"]:
            expected[int(r["annee"])] += int(r["total"])
    for r in old_file():
        if site_code(r["ref_musee"]) in sites and int(r["annee"]) < 2014 and r["total"]:
            expected[int(r["annee"])] += int(r["total"])
    assert expected[2014] == 94648  # the sample row quoted in docs/datasets.md §1a
    assert {r["annee"]: r["total"] for r in rows} == dict(expected)
    assert [r["annee"] for r in rows] == list(range(2001, 2024))
    assert all(r["statuts"] in (None, "") for r in rows)


def check_top10_musees_region(graph: Store) -> None:
    """Auvergne-Rhône-Alpes 2019: the ten largest museums (sites summed per Muséofile id), in order."""
    rows = select(graph, "02-top10-musees-region")
    totals: Counter[str] = Counter()
    for r in new_file():
        if r["annee"] == "2019" and r["region"] == "Auvergne-Rhône-Alpes" and r["total"]:
            key = r["IDMuseofile"] or site_code(r["IDPatrimostat"])
            totals[key] += int(r["total"])
    expected = [(iri("id/musee", k) if k.startswith("M") else iri("id/site", k), t)
                for k, t in totals.most_common(10)]
    assert [(r["musee"], r["total"]) for r in rows] == expected
    assert [r["total"] for r in rows] == sorted((r["total"] for r in rows), reverse=True)
    confluences = next(r for r in rows if r["musee"] == iri("id/musee", "M7042"))
    assert confluences["sites"] == 2  # two sites, one of them cumulated into the other (0)


def check_domaines_par_departement(graph: Store) -> None:
    """Museums of the Ain with the Ethnologie domain: as many as Muséofile rows of the Ain listing it."""
    rows = select(graph, "03-domaines-par-departement")
    by_key = {(r["codeDepartement"], r["domaine"]): r["musees"] for r in rows}
    for departement, code in (("Ain", "01"), ("Seine-Maritime", "76")):
        for domain in ("Ethnologie", "Beaux-arts"):
            expected = sum(1 for m in museofile()
                           if m["dpt"] == departement and domain.lower() in
                           [d.lower() for d in multi(m["dompal"])])
            assert by_key[(code, domain)] == expected, (departement, domain)
    assert all(r["musees"] > 0 for r in rows)


def check_sites_chiffres_cumules(graph: Store) -> None:
    """Every lien_avec row of the 2014-2023 file without a figure of its own (all counts empty or 0) is
    a cumulated site-year; a linked site that always has its own figures is not listed."""
    rows = select(graph, "04-sites-chiffres-cumules")
    found = {(r["site"], r["siteSupport"]): r for r in rows}
    counts = ("payant", "gratuit", "total", "individuel", "scolaires", "groupes_hors_scolaires",
              "moins_18_ans_hors_scolaires", "_18_25_ans")
    cumulated: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    own_figures: set[tuple[str, str]] = set()
    for r in new_file():
        carrier = r["lien_avec"].strip()
        if not carrier or site_code(carrier) == site_code(r["IDPatrimostat"]):
            continue
        pair = (iri("id/site", site_code(r["IDPatrimostat"])), iri("id/site", site_code(carrier)))
        if any(r[c] and int(r[c]) > 0 for c in counts):
            own_figures.add(pair)
        else:
            cumulated[pair].add(int(r["annee"]))
    assert cumulated and set(cumulated) <= set(found)
    for pair, years in cumulated.items():
        assert found[pair]["annees"] >= len(years), pair
        assert found[pair]["premiereAnnee"] <= min(years) and found[pair]["derniereAnnee"] >= max(years)
    rodin_meudon = (iri("id/site", "9204802"), iri("id/site", "7510703"))
    assert rodin_meudon in own_figures and rodin_meudon not in found
    # The old export's groups ("observations") appear too: Compiègne's car museum, 2002-2013 included.
    compiegne = found[(iri("id/site", "6015903"), iri("id/site", "6015901"))]
    assert compiegne["premiereAnnee"] <= 2002 and compiegne["derniereAnnee"] == 2023


def check_musees_sans_frequentation(graph: Store) -> None:
    """No listed museum has a figure under its Muséofile id in either source file."""
    rows = select(graph, "05-musees-sans-frequentation")
    with_figures = {r["IDMuseofile"] for r in new_file() if r["total"]}
    with_figures |= {r["id_museofile"] for r in old_file() if r["total"]}
    refs = {m["ref"] for m in museofile()}
    listed = {r["musee"].rsplit("/", 1)[1] for r in rows}
    assert listed and listed <= refs
    assert not listed & with_figures
    assert "M0963" not in listed
    # A museum whose site only ever had F (fermé) in the old export: listed, with its status, not as 0.
    statuses = {r["musee"].rsplit("/", 1)[1]: r["statuts"] for r in rows}
    assert statuses.get("M0950") == "F"


def check_gratuit_payant_region(graph: Store) -> None:
    """Auvergne-Rhône-Alpes 2019: paying and free sums over the site rows that have both figures."""
    rows = select(graph, "06-gratuit-payant-region")
    row = next(r for r in rows if r["region"] == iri("id/region", "84") and r["annee"] == 2019)
    payant = gratuit = sites = 0
    for r in new_file():
        if (r["annee"] == "2019" and r["region"] == "Auvergne-Rhône-Alpes"
                and r["payant"] and r["gratuit"]):
            payant, gratuit, sites = payant + int(r["payant"]), gratuit + int(r["gratuit"]), sites + 1
    assert (row["payants"], row["gratuits"], row["sites"]) == (payant, gratuit, sites)
    assert float(row["partGratuitPct"]) == pytest.approx(100 * gratuit / (payant + gratuit), abs=0.05)
    assert len({r["region"] for r in rows}) >= 13


def check_totaux_nationaux(graph: Store) -> None:
    """2019 (new file) and 2005 (old export): sum of the total column and number of rows with a figure."""
    rows = {r["annee"]: r for r in select(graph, "07-totaux-nationaux")}
    assert sorted(rows) == list(range(2001, 2024))
    for year, source, column in ((2019, new_file(), "annee"), (2005, old_file(), "annee")):
        figures = [int(r["total"]) for r in source if r[column] == str(year) and r["total"]]
        assert rows[year]["total"] == sum(figures)
        assert rows[year]["sitesAvecChiffre"] == len(figures)
        assert rows[year]["sitesNonNuls"] == sum(1 for f in figures if f > 0)
    assert rows[2019]["total"] == 65_933_388


def check_statuts_par_annee(graph: Store) -> None:
    """Status codes per year as in the old export's note column; 2019: zeros as in the new file, and a
    status for every site-year of the new file without a figure of its own, every site it lists in other
    years but not in 2019, and every other known site (old export, museum list)."""
    rows = {r["annee"]: r for r in select(graph, "08-statuts-par-annee")}
    for year in (2005, 2013):
        notes = Counter(r["note"] for r in old_file() if r["annee"] == str(year))
        assert (rows[year]["fermes"], rows[year]["nonCommuniques"], rows[year]["retires"]) == (
            notes["F"], notes["NC"], notes["R"])
        assert rows[year]["cumules"] == rows[year]["avantAppellation"] == 0
    zeros = sum(1 for r in new_file() if r["annee"] == "2019" and r["total"] == "0")
    assert rows[2019]["aZero"] == zeros > 0
    counts = ("payant", "gratuit", "total", "individuel", "scolaires", "groupes_hors_scolaires",
              "moins_18_ans_hors_scolaires", "_18_25_ans")
    listed = {site_code(r["IDPatrimostat"]) for r in new_file()}
    in_2019 = [r for r in new_file() if r["annee"] == "2019"]
    without_figures = {site_code(r["IDPatrimostat"]) for r in in_2019
                       if not any(r[c] and int(r[c]) > 0 for c in counts)}
    missing = listed - {site_code(r["IDPatrimostat"]) for r in in_2019}
    known = {site_code(r["ref_musee"]) for r in old_file()}
    known |= {site_code(r["ref_deps"]) for r in _read("liste-musees/*.csv") if r["ref_deps"].strip()}
    statuses = sum(rows[2019][k] for k in ("fermes", "nonCommuniques", "retires", "cumules",
                                           "avantAppellation"))
    assert statuses == len(without_figures) + len(missing) + len(known - listed)
    closed = {site_code(r["IDPatrimostat"]) for r in in_2019 if r["anneefermeture"].isdigit()
              and int(r["anneefermeture"]) <= 2019} & without_figures
    assert rows[2019]["fermes"] >= len(closed) > 0
    cumulated = {site_code(r["IDPatrimostat"]) for r in in_2019 if r["lien_avec"].strip()
                 and site_code(r["lien_avec"]) != site_code(r["IDPatrimostat"])} & without_figures
    assert rows[2019]["cumules"] >= len(cumulated) > 0


def check_musees_merimee(graph: Store) -> None:
    """One row per (museum, heritage reference) of Muséofile, typed by its prefix's register; a POP link
    exactly for the well-formed Mérimée ones (PA, IA, EA)."""
    rows = select(graph, "09-musees-merimee")
    expected = {(m["ref"], ref.upper()) for m in museofile() for ref in multi(m["refmer"])}
    assert {(r["musee"].rsplit("/", 1)[1], r["reference"]) for r in rows} == expected
    well_formed = re.compile(r"^(PA|IA|EA)\d{8}$")
    registers = Counter()
    for r in rows:
        prefix = re.match(r"[A-Z]*", r["reference"]).group(0)  # type: ignore[union-attr]
        assert r["registre"] == f"{BASE}def/registre-patrimoine/{prefix}", r
        registers[prefix] += 1
        if well_formed.match(r["reference"]):
            assert r["notice"] == f"https://pop.culture.gouv.fr/notice/merimee/{r['reference']}"
        else:
            assert r["notice"] is None
        assert r["noticeMusee"] == "https://pop.culture.gouv.fr/notice/museo/" + r["musee"].rsplit("/", 1)[1]
    assert registers["SPR"] > registers["PA"] > registers["IA"] > registers["MI"] > 0  # 649, 499, 202, 44


def check_musees_proximite(graph: Store) -> None:
    """Museums within 5 km of place Bellecour: same set as a haversine on Muséofile's coordinates."""
    rows = select(graph, "10-musees-proximite")
    lat0, long0 = 45.7578, 4.8320

    def haversine(lat: float, long: float) -> float:
        p1, p2 = math.radians(lat0), math.radians(lat)
        dp, dl = p2 - p1, math.radians(long - long0)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0 * math.asin(math.sqrt(a))

    distances = {m["ref"]: haversine(float(m["latitude"]), float(m["longitude"]))
                 for m in museofile() if m["latitude"] and m["longitude"]}
    # Away from the 5 km edge, the equirectangular approximation and the haversine agree.
    inside = {ref for ref, d in distances.items() if d < 4.95}
    listed = {r["musee"].rsplit("/", 1)[1]: r["distanceKm"] for r in rows}
    assert inside <= set(listed) and all(distances[ref] < 5.05 for ref in listed)
    assert {"M1031", "M7042", "M1036"} <= inside  # Beaux-Arts, Confluences, Lugdunum
    for ref, km in listed.items():
        assert float(km) == pytest.approx(distances[ref], abs=0.02)
    assert [r["distanceKm"] for r in rows] == sorted(r["distanceKm"] for r in rows)


def check_scolaires_departement(graph: Store) -> None:
    """School groups of the Rhône and the Bouches-du-Rhône, 2019 and 2022, from the new file."""
    rows = {r["code"]: r for r in select(graph, "11-scolaires-departement")}
    for departement in ("13", "69"):
        for year in (2019, 2022):
            figures = [int(r["scolaires"]) for r in new_file()
                       if r["annee"] == str(year) and r["scolaires"]
                       and r["codeInseeCommune"].startswith(departement)]
            assert rows[departement][f"scolaires{year}"] == sum(figures)
            assert rows[departement][f"sites{year}"] == len(figures)
    rhone = rows["69"]
    change = 100 * (rhone["scolaires2022"] - rhone["scolaires2019"]) / rhone["scolaires2019"]
    assert float(rhone["evolutionPct"]) == pytest.approx(change, abs=0.05)


def check_fiche_musee(graph: Store) -> None:
    """Brou's card: its name, its 2014 figure from the source row, its commune and région labels."""
    triples = construct(graph, "12-fiche-musee")
    facts = {(t.subject.value, t.predicate.value, value(t.object)) for t in triples}
    brou = iri("id/musee", "M0963")
    (row,) = [r for r in new_file() if r["IDPatrimostat"] == "0105301" and r["annee"] == "2014"]
    observation = iri("data/frequentation-musees", "site/0105301/annee/2014/public/total")
    assert (brou, "http://schema.org/name", "musée de Brou") in facts
    assert (observation, BASE + "def/culture/nombreEntrees", int(row["total"])) in facts
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert (iri("id/commune", "01053"), label, "Bourg-en-Bresse") in facts
    assert (iri("id/region", "84"), label, "Auvergne-Rhône-Alpes") in facts
    domains = {o for s, p, o in facts if s == brou and p == BASE + "def/culture/domaineCollection"}
    (museum,) = [m for m in museofile() if m["ref"] == "M0963"]
    assert len(domains) == len(multi(museum["dompal"]))


def check_musees_multisites(graph: Store) -> None:
    """Museums with several sites in the 2014-2023 file are all listed, with that many sites at least."""
    rows = select(graph, "13-musees-multisites")
    counted = {r["musee"].rsplit("/", 1)[1]: r["nombreSites"] for r in rows}
    sites: defaultdict[str, set[str]] = defaultdict(set)
    for r in new_file():
        if r["IDMuseofile"]:
            sites[r["IDMuseofile"]].add(site_code(r["IDPatrimostat"]))
    several = {museum: len(codes) for museum, codes in sites.items() if len(codes) > 1}
    assert several and set(several) <= set(counted)
    assert all(counted[museum] >= n for museum, n in several.items())
    assert counted["M5026"] == 6
    marine = [r for r in rows if r["musee"] == iri("id/musee", "M5026")]
    assert {r["code"] for r in marine} == sites["M5026"]


def check_croissance_sites(graph: Store) -> None:
    """The growth ranking recomputed from the 2014-2023 file, without the sites the graph flags with a
    perimeter change inside 2019-2023; the Muséum's site 7510508 (a gallery until 2019, the whole Muséum
    from 2020) tops the unfiltered ranking and is not in the answer."""
    rows = select(graph, "16-croissance-sites")
    totals: defaultdict[str, dict[int, int]] = defaultdict(dict)
    for r in new_file():
        if r["total"].strip():
            totals[site_code(r["IDPatrimostat"])][int(r["annee"])] = int(r["total"])
    growth = {site: years[2023] - years[2019] for site, years in totals.items()
              if years.get(2019, 0) > 0 and 2023 in years}
    flagged = {
        str(s["site"].value).rsplit("/", 1)[1]
        for s in graph.query(  # type: ignore[union-attr]
            "PREFIX kgo: <https://culturegraph.example/def/culture/> "
            "SELECT DISTINCT ?site WHERE { ?site kgo:changementPerimetre ?y "
            "FILTER(xsd:integer(STR(?y)) > 2019 && xsd:integer(STR(?y)) <= 2023) }",
            use_default_graph_as_union=True,
            prefixes={"xsd": XSD},
        )
    }
    unfiltered = sorted(growth, key=growth.__getitem__, reverse=True)
    assert unfiltered[0] == "7510508" and "7510508" in flagged
    expected = [site for site in unfiltered if site not in flagged][:20]
    assert [r["site"].rsplit("/", 1)[1] for r in rows] == expected
    assert [r["hausse"] for r in rows] == [growth[site] for site in expected]
    assert all(r["changement"] is None for r in rows)


CHECKS: dict[str, Callable[[Store], None]] = {
    "01-frequentation-musee": check_frequentation_musee,
    "02-top10-musees-region": check_top10_musees_region,
    "03-domaines-par-departement": check_domaines_par_departement,
    "04-sites-chiffres-cumules": check_sites_chiffres_cumules,
    "05-musees-sans-frequentation": check_musees_sans_frequentation,
    "06-gratuit-payant-region": check_gratuit_payant_region,
    "07-totaux-nationaux": check_totaux_nationaux,
    "08-statuts-par-annee": check_statuts_par_annee,
    "09-musees-merimee": check_musees_merimee,
    "10-musees-proximite": check_musees_proximite,
    "11-scolaires-departement": check_scolaires_departement,
    "12-fiche-musee": check_fiche_musee,
    "13-musees-multisites": check_musees_multisites,
    "16-croissance-sites": check_croissance_sites,
}


def _dataset_checks() -> dict[str, Callable[[Store], None]]:
    """``CHECKS`` of every ``tests/**/query_facts.py`` (the datasets' own fact checks)."""
    found: dict[str, Callable[[Store], None]] = {}
    for path in sorted((PROJECT_ROOT / "tests").rglob("query_facts.py")):
        spec = importlib.util.spec_from_file_location(f"query_facts_{path.parent.name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        clash = set(found) & set(module.CHECKS)
        assert not clash, f"{path}: query names checked twice: {sorted(clash)}"
        found.update(module.CHECKS)
    return found


CHECKS.update(_dataset_checks())


# --- tests -------------------------------------------------------------------------------------

HEADER_TITLE = re.compile(r"^# title: (?P<fr>[^|]+?) \| (?P<en>[^|]+)$")
HEADER_DESCRIPTION = re.compile(r"^# description: (?P<fr>.+?) \| (?P<en>.+)$")


def test_there_are_enough_examples() -> None:
    assert len(QUERY_FILES) >= 10


def test_every_query_has_a_fact_check() -> None:
    assert {path.stem for path in QUERY_FILES} == set(CHECKS)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_header(path: Path) -> None:
    """Line 1 `# title: fr | en`, line 2 `# description: fr | en` (parsed by the query UI)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert HEADER_TITLE.match(lines[0]), lines[0]
    assert HEADER_DESCRIPTION.match(lines[1]), lines[1]
    comments = [line for line in lines[2:] if line.startswith("#") and line.strip("# ")]
    assert comments, "explain the tricky parts in comment lines after the header"
    body = "\n".join(line for line in lines if not line.startswith("#"))
    assert re.search(r"^PREFIX ", body, re.MULTILINE)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_ui_reads_the_header(path: Path) -> None:
    """The query page's parser finds the same French and English title and description."""
    from culturegraph.web.pages import parse_example

    example = parse_example(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    title = HEADER_TITLE.match(lines[0])
    description = HEADER_DESCRIPTION.match(lines[1])
    assert title and description
    assert (example.title, example.title_en) == (title["fr"], title["en"].strip())
    assert (example.description, example.description_en) == (description["fr"], description["en"].strip())


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_returns_results(graph: Store, path: Path) -> None:
    assert answer(graph, path.stem), f"{path.name} returned nothing"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_query_fact(graph: Store, name: str) -> None:
    CHECKS[name](graph)
