"""The datasets' panels in the page's language (issue 13): the dates, times, figures and sentences the
panels compute in Python (mappings/*/panels.py, pages.py) follow the page's language through their view
(web/l10n.py), on real resource pages of the session's shipped build, in French and in English.

Expected values come from the source files (json and csv modules); the names of months and weekdays are
this test's own tables, not the formatter's."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Store

from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.web.app import create_app

HOST = "http://127.0.0.1:5000"
SOURCES = PROJECT_ROOT / "data" / "sources"
NNBSP = "\u202f"  # the French thousands separator
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FRENCH_WORDS = re.compile(r"\b(?:" + "|".join(FR_MONTHS + FR_DAYS) + r")\b", re.I)


@pytest.fixture(scope="module")
def client(settings: Settings, graph: Store) -> FlaskClient:
    return create_app(settings, store=graph).test_client()


def page(client: FlaskClient, path: str, lang: str) -> str:
    """The page asked for with ``Accept-Language`` (no switch, so no cookie carried to the next one)."""
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang}, base_url=HOST,
                          follow_redirects=True)
    assert response.status_code == 200, path
    assert response.headers["Content-Language"] == lang
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


def plain(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()  # not \u202f


def column(html: str, table_class: str, index: int) -> list[str]:
    """The text of the ``index``-th cell of every body row of the table of that class."""
    table = re.search(rf'<table class="{table_class}".*?</table>', html, re.S)
    assert table, table_class
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>", 1)[1], re.S)
    return [plain(re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)[index]) for r in rows]


def cells(table_html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", table_html, re.S)
    return [[plain(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


# the oracles ---------------------------------------------------------------------------------------------

def day(moment: datetime, lang: str) -> str:
    if lang == "en":
        return f"{EN_DAYS[moment.weekday()]} {moment.day} {EN_MONTHS[moment.month - 1]} {moment.year}"
    return f"{FR_DAYS[moment.weekday()]} {moment.day} {FR_MONTHS[moment.month - 1]} {moment.year}"


def clock(moment: datetime, lang: str) -> str:
    if lang == "en":
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{moment.hour} h {moment.minute:02d}"


def timing(begin: str, end: str, lang: str) -> str:
    """A same-day timing with its offset, e.g. ``samedi 16 septembre 2023, 11 h 00 – 12 h 00 (UTC+2)``."""
    start, finish = datetime.fromisoformat(begin), datetime.fromisoformat(end)
    assert start.date() == finish.date() and start.utcoffset() == finish.utcoffset()
    hours = int(start.utcoffset().total_seconds() // 3600)  # type: ignore[union-attr]
    return f"{day(start, lang)}, {clock(start, lang)} – {clock(finish, lang)} (UTC+{hours})"


def span(begin: str, end: str, lang: str) -> str:
    """The first and last dates of an event as its lists show them (UTC, as the source gives them)."""
    start, finish = datetime.fromisoformat(begin), datetime.fromisoformat(end)
    assert start.utcoffset() == finish.utcoffset() and not start.utcoffset()
    last = clock(finish, lang)
    if start.date() != finish.date():
        last = f"{day(finish, lang)}, {last}"
    return f"{day(start, lang)}, {clock(start, lang)} – {last} (UTC)"


def figure(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", "," if lang == "en" else NNBSP)


def event(uid: str) -> dict:
    for path in sorted((SOURCES / "journees-patrimoine").glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8"))["records"]:
            if record["fields"]["uid"] == uid:
                return record["fields"]
    raise AssertionError(uid)


def photo(ref: str) -> dict:
    for path in sorted((SOURCES / "fonds-14-18").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8-sig"))["features"]:
            if feature["properties"]["ref"] == ref:
                return feature["properties"]
    raise AssertionError(ref)


def csv_rows(folder: str, pattern: str, delimiter: str) -> list[dict[str, str]]:
    (path,) = (SOURCES / folder).glob(pattern)
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


# Heritage Days ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_events_dates_and_timings(client: FlaskClient, lang: str) -> None:
    raw = event("14611243")  # four timings on Saturday 16 September 2023, local time (+02:00)
    timings = json.loads(raw["timings"])
    found = section(page(client, "/id/evenement/14611243", lang), "h-evenement")
    sessions = re.search(r'<dd class="seances"><ul>(.*?)</ul>', found, re.S)
    assert sessions, found
    assert [plain(li) for li in re.findall(r"<li>(.*?)</li>", sessions.group(1))] == \
        [timing(t["begin"], t["end"], lang) for t in timings]
    dates = re.search(r'<dd class="dates">(.*?)(?: <span class="periode">|</dd>)', found, re.S)
    assert dates, found
    first, last = datetime.fromisoformat(timings[0]["begin"]), datetime.fromisoformat(timings[-1]["end"])
    assert plain(dates.group(1)) == f"{day(first, lang)}, {clock(first, lang)} – {clock(last, lang)} (UTC+2)"
    expected = {"fr": "samedi 16 septembre 2023, 11 h 00 – 12 h 00 (UTC+2)",
                "en": "Saturday 16 September 2023, 11:00 – 12:00 (UTC+2)"}
    assert timing(timings[0]["begin"], timings[0]["end"], lang) == expected[lang]  # the oracle itself


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_event_over_two_days(client: FlaskClient, lang: str) -> None:
    raw = event("82600000")
    timings = json.loads(raw["timings"])
    found = section(page(client, "/id/evenement/82600000", lang), "h-evenement")
    first, last = datetime.fromisoformat(timings[0]["begin"]), datetime.fromisoformat(timings[-1]["end"])
    span = f"{day(first, lang)}, {clock(first, lang)} – {day(last, lang)}, {clock(last, lang)} (UTC+2)"
    assert span == {"fr": "samedi 16 septembre 2023, 19 h 00 – dimanche 17 septembre 2023, 17 h 00 (UTC+2)",
                    "en": "Saturday 16 September 2023, 19:00 – Sunday 17 September 2023, 17:00 (UTC+2)"}[lang]
    assert span in plain(found)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_venues_events_and_museum_link(client: FlaskClient, lang: str) -> None:
    venue = "44609940"
    html = page(client, f"/id/lieu/{venue}", lang)
    found = section(html, "h-lieu-evenements")
    link = re.search(r'<small class="lien">\((.*?)\)</small>', found, re.S)
    assert link, found
    word = {"fr": "lien méthode", "en": "link method"}[lang]
    decimal = {"fr": ",", "en": "."}[lang]
    assert re.fullmatch(rf"{word} name-place, score (0{decimal}[0-9]{{2}}|1{decimal}00), [0-9]+ m",
                        plain(link.group(1))), plain(link.group(1))
    raw = {e["uid"]: e for e in (event(uid) for uid in re.findall(r'/doc/evenement/([0-9]+)"', found))}
    assert raw and all(e["location_uid"] == venue for e in raw.values())
    whens = column(found, "evenements", 1)
    assert whens == [span(e["firstdate_begin"], e["lastdate_end"], lang) for e in raw.values()]
    assert any(" – " in w for w in whens)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_museums_events(client: FlaskClient, lang: str) -> None:
    found = section(page(client, "/id/musee/M1115", lang), "h-musee-evenements")
    uids = re.findall(r'/doc/evenement/([0-9]+)"', found)
    assert len(uids) == 3
    assert column(found, "evenements", 1) == \
        [span(event(uid)["firstdate_begin"], event(uid)["lastdate_end"], lang) for uid in uids]


# the 1914-1918 photographs -----------------------------------------------------------------------------

PHOTO_DATES = {  # ref: (its DATPV in the source, French, English)
    "APD0001511": ("1916.02.22", "22 février 1916 (précision : jour)", "22 February 1916 (precision: day)"),
    "APZ0007782": ("1919.02", "février 1919 (précision : mois)", "February 1919 (precision: month)"),
    "AP62T0159016": ("1917", "1917 (précision : année seulement)", "1917 (precision: year only)"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("ref", sorted(PHOTO_DATES))
def test_a_photos_date_and_its_precision(client: FlaskClient, ref: str, lang: str) -> None:
    source, fr, en = PHOTO_DATES[ref]
    assert photo(ref)["date"] == source
    found = section(page(client, f"/id/photographie/{ref}", lang), "h-photographie")
    date = re.search(r'<dd class="date">(.*?)</dd>', found, re.S)
    assert date, found
    assert plain(date.group(1)) == (en if lang == "en" else fr)


def _dated(ref_date: str, lang: str) -> tuple[str, str]:
    """(date, precision) of a DATPV ``yyyy.mm.dd`` / ``yyyy.mm`` / ``yyyy``, as the tables show it."""
    parts = [int(p) for p in ref_date.split(".")]
    months = EN_MONTHS if lang == "en" else FR_MONTHS
    if len(parts) == 3:
        return f"{parts[2]} {months[parts[1] - 1]} {parts[0]}", {"fr": "jour", "en": "day"}[lang]
    if len(parts) == 2:
        return f"{months[parts[1] - 1]} {parts[0]}", {"fr": "mois", "en": "month"}[lang]
    return str(parts[0]), {"fr": "année seulement", "en": "year only"}[lang]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_agents_photos_by_date(client: FlaskClient, lang: str) -> None:
    found = section(page(client, "/id/agent/selince", lang), "h-photos-agent")
    refs = re.findall(r'/doc/photographie/([A-Z0-9]+)"', found)
    assert refs
    shown = list(zip(column(found, "photos", 0), column(found, "photos", 1), strict=True))
    assert shown == [_dated(photo(ref)["date"], lang) for ref in refs]
    title = re.search(r'<title id="photos-agent-chart-title">(.*?)</title>', found)
    assert title and plain(title.group(1)) == {"fr": "Photographies par année de prise de vue",
                                               "en": "Photographs by year taken"}[lang]
    bar = re.search(r'<rect class="bar"[^>]*data-category="([0-9]{4})"><title>([^<]*)</title>', found)
    assert bar, found
    count = sum(photo(ref)["date"].startswith(bar.group(1)) for ref in refs)
    expected = {"fr": f"photographies, {bar.group(1)} : {count}",
                "en": f"photographs, {bar.group(1)}: {count}"}
    assert unescape(bar.group(2)) == expected[lang]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_museums_building_photos_by_date(client: FlaskClient, lang: str) -> None:
    found = section(page(client, "/id/musee/M0689", lang), "h-photos-batiment-musee")  # Tatihou
    (ref,) = re.findall(r'/doc/photographie/([A-Z0-9]+)"', found)
    assert ref == "APD0001511"
    assert (column(found, "photos", 0), column(found, "photos", 1)) == \
        ({"fr": ["22 février 1916"], "en": ["22 February 1916"]}[lang], {"fr": ["jour"], "en": ["day"]}[lang])


# press aid ------------------------------------------------------------------------------------------------

def press_rows() -> list[dict[str, str]]:
    return csv_rows("aides-presse", "*.tsv", "\t")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_titles_aid_in_euros(client: FlaskClient, lang: str) -> None:
    row = next(r for r in press_rows() if r["Titre"] == "MONDE")
    found = section(page(client, "/id/titre-presse/le-monde", lang), "h-aides-presse")
    aid, circulation = re.findall(r"<table.*?</table>", found, re.S)
    (year, total, *_) = cells(aid)[1]
    assert (year, total) == ("2012", f"{figure(int(row['Total des aides en €']), lang)} €")
    if lang == "fr":
        assert total == f"{int(row['Total des aides en €']):,} €".replace(",", NNBSP)
    else:
        assert total == f"{int(row['Total des aides en €']):,} €"
    head, body = cells(circulation)[:2]
    assert head[1] == {"fr": "Exemplaires diffusés", "en": "Copies sold"}[lang]
    per_copy = row["Aides totales par exemplaire en €"]  # "0,193": the source writes French decimals
    assert body[1:3] == [figure(int(row["Diffusion / an 2012"]), lang),
                         (per_copy if lang == "fr" else per_copy.replace(",", ".")) + " €"]
    assert head[2].endswith({"fr": " par exemplaire", "en": " per copy"}[lang])
    bar = re.search(r'<rect class="bar"[^>]*data-category="2012"><title>([^<]*)</title>', found)
    assert bar and unescape(bar.group(1)).endswith(
        {"fr": " : ", "en": ": "}[lang] + f"{figure(int(row['Total des aides en €']), lang)} €")
    title = re.search(r'<title id="aides-chart-title">(.*?)</title>', found)
    assert title and plain(title.group(1)) == {"fr": "Aides par type, 2012", "en": "Aid by type, 2012"}[lang]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_familys_totals_in_euros(client: FlaskClient, lang: str) -> None:
    rows = [r for r in press_rows() if r["Famille"] == "PQN"]
    found = section(page(client, "/def/famille-presse/pqn", lang), "h-titres-famille")
    totals = sorted((int(r["Total des aides en €"]) for r in rows), reverse=True)
    table = re.search(r"<table.*?</table>", found, re.S)
    assert table
    assert [r[1] for r in cells(table.group(0))[1:]] == [f"{figure(t, lang)} €" for t in totals]
    assert f"{figure(sum(totals), lang)} €." in plain(found)


# attendance -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_sites_attendance_figures(client: FlaskClient, lang: str) -> None:
    rows = [r for r in csv_rows("frequentation-musees", "*2014-2023.csv", ";")
            if r["IDPatrimostat"] == "0105301"]
    found = page(client, "/id/site/0105301", lang)  # the musée de Brou
    table = found[found.index('class="observations"'):]
    years = dict(re.findall(r'<th scope="row">(\d{4})</th>(.*?)</tr>', table))
    first = next(r for r in rows if r["annee"] == "2014")
    assert int(first["total"]) >= 1000
    assert figure(int(first["total"]), lang) in plain(years["2014"])
    assert figure(int(first["payant"]), lang) in plain(years["2014"])
    ticks = re.findall(r'<text x="[0-9.]+" y="[0-9.]+" text-anchor="end">([^<]*)</text>', found)
    assert len(ticks) == 5 and ticks[0] == "0"
    assert all(t == figure(int(t.replace(",", "").replace(NNBSP, "")), lang) for t in ticks)
    assert any(len(t) > 3 for t in ticks)  # a grouped figure among them
    title = re.search(r'<title id="chart-title">(.*?)</title>', found)
    assert title and plain(title.group(1)).startswith({"fr": "Entrées totales par an, ",
                                                       "en": "Total admissions per year, "}[lang])


# completeness: an English page of each panel kind --------------------------------------------------------

# What the panels' Python wrote in French before issue 13 (and must not write on an English page).
FRENCH_ONLY = ("confirmé par les conservateurs", "à décider par les conservateurs", "méthode ", " h 0",
               " h 3", "précision :", "année seulement", "Exemplaires diffusés", "par exemplaire",
               "Aides par type", "Barres des montants", "Photographies par année", "Une barre par année",
               "Entrées totales", NNBSP, "° O", " : ")
EVENT_DATA = (r'<span class="periode">.*?</span>', r'<span lang="fr">.*?</span>', r"<a [^>]*>.*?</a>")
PHOTO_DATA = (r'<dd class="legende">.*?</dd>', r"<a [^>]*>.*?</a>", r'<p class="images">.*?</p>')
LINKS = (r"<a [^>]*>.*?</a>",)
PANELS = [  # (page, the panel's heading id, what the data itself writes there: left out of the check)
    ("/id/evenement/14611243", "h-evenement", EVENT_DATA),
    ("/id/evenement/82600000", "h-evenement", EVENT_DATA),
    ("/id/lieu/44609940", "h-lieu-evenements", (*LINKS, r"<title>.*?</title>")),
    ("/id/musee/M1115", "h-musee-evenements", LINKS),
    ("/id/photographie/APD0001511", "h-photographie", PHOTO_DATA),
    ("/id/photographie/AP62T0159016", "h-photographie", PHOTO_DATA),
    ("/id/agent/selince", "h-photos-agent", LINKS),
    ("/id/musee/M0689", "h-photos-batiment-musee", LINKS),
    ("/id/titre-presse/le-monde", "h-aides-presse", ()),
    ("/def/famille-presse/pqn", "h-titres-famille", LINKS),
    ("/id/site/0105301", "h-frequentation", ()),
]


@pytest.mark.parametrize(("path", "heading", "data"), PANELS, ids=[f"{p}#{h}" for p, h, _ in PANELS])
def test_an_english_panel_writes_no_french_of_its_own(client: FlaskClient, path: str, heading: str,
                                                      data: tuple[str, ...]) -> None:
    found = section(page(client, path, "en"), heading)
    for pattern in data:
        found = re.sub(pattern, "", found, flags=re.S)
    text = unescape(found)
    assert not FRENCH_WORDS.findall(plain(found)), FRENCH_WORDS.findall(plain(found))
    leftover = [phrase for phrase in FRENCH_ONLY if phrase in text]
    assert not leftover, leftover
    # the same panel in French does write them (the check can fail)
    french = unescape(section(page(client, path, "fr"), heading))
    assert FRENCH_WORDS.search(french) or any(phrase in french for phrase in FRENCH_ONLY)
