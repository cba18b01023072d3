"""The Heritage Days mapping on the 140 shipped records: every record mapped or quarantined, the Heritage
Days membership, timings in local time against UTC first/last dates, [lat, lon] against [lon, lat], HTML
out of the texts, personal data out of the graph (facts recomputed from the raw JSON with the json module)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest
from culturegraph.mappings.journees_patrimoine.openagenda import (
    parse_code,
    parse_datetime,
    parse_links,
    parse_registration,
    parse_timings,
)
from culturegraph.mappings.journees_patrimoine.text import edition, is_free, plain_text, prices

from .conftest import GOLDEN, Mapped, map_files, raw_records

BASE = "https://culturegraph.example/"
KGO = BASE + "def/culture/"
SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def event(uid: str) -> str:
    return f"{BASE}id/evenement/{uid}"


def test_every_record_is_mapped_or_quarantined_with_a_reason(shipped: Mapped) -> None:
    raw = raw_records()
    assert len(raw) == 140 and [r.rows for r in shipped.read] == [40, 100]  # files in name order
    assert {r.vintage for r in shipped.read} == {"api-v1"}
    events = {s.value for s, p, o in shipped.triples if p.value == RDF_TYPE and o.value == SCHEMA + "Event"
              and "#" not in s.value}
    quarantined = {p.pointer for p in shipped.problems if p.action == "row quarantined"}
    for r in raw:
        assert event(r["fields"]["uid"]) in events or quarantined, r["fields"]["uid"]
    # Measured: none is quarantined, and no value is dropped or normalised.
    assert len(events) == 140 and shipped.problems == []


def test_heritage_days_membership_is_explicit_on_every_event(shipped: Mapped) -> None:
    jep = 0
    for r in raw_records():
        title = r["fields"]["originagenda_title"]
        member = "journées européennes du patrimoine" in title.lower()
        jep += member
        (value,) = shipped.objects(event(r["fields"]["uid"]), KGO + "journeesDuPatrimoine")
        assert value.value == ("true" if member else "false"), title
        editions = {o.value for o in shipped.objects(event(r["fields"]["uid"]), SCHEMA + "superEvent")
                    if "/jep-" in o.value}
        assert editions == ({f"{BASE}id/evenement/jep-{edition(title)}"} if member else set())
    assert jep == 12


def test_timings_are_sub_events_in_local_time_and_the_span_is_utc(shipped: Mapped) -> None:
    for r in raw_records():
        f = r["fields"]
        slots = {(s["begin"], s["end"]) for s in json.loads(f["timings"])}
        subs = shipped.objects(event(f["uid"]), SCHEMA + "subEvent")
        assert len(subs) == len(slots), f["uid"]
        starts = {shipped.objects(s.value, SCHEMA + "startDate")[0].value for s in subs}
        assert starts == {b for b, _ in slots}  # as written: local time with its offset
        (start,) = shipped.objects(event(f["uid"]), SCHEMA + "startDate")
        assert start.value == f["firstdate_begin"] and start.value.endswith("+00:00")
        # The same instant: the first timing (local) is the first date (UTC).
        assert datetime.fromisoformat(min(slots)[0]) == datetime.fromisoformat(f["firstdate_begin"])


def test_points_are_latitude_then_longitude(shipped: Mapped) -> None:
    for r in raw_records():
        f, place = r["fields"], f"{BASE}id/lieu/{r['fields']['location_uid']}"
        lat, lon = f["location_coordinates"]
        assert [lon, lat] == r["geometry"]["coordinates"]
        assert Decimal(shipped.objects(place, WGS84 + "lat")[0].value) == pytest.approx(Decimal(str(lat)),
                                                                                         abs=Decimal("0.001"))
        assert Decimal(shipped.objects(place, WGS84 + "long")[0].value) == pytest.approx(
            Decimal(str(lon)), abs=Decimal("0.001"))


def test_long_descriptions_lose_their_html_and_keep_the_original(shipped: Mapped) -> None:
    longs = [o for s, p, o in shipped.triples if p.value == KGO + "descriptionLongue"]
    htmls = [o for s, p, o in shipped.triples if p.value == KGO + "descriptionHtml"]
    assert longs and htmls
    assert not any("<p>" in o.value or "<br" in o.value or "&amp;" in o.value for o in longs)
    assert all(o.datatype.value.endswith("#HTML") for o in htmls)
    assert plain_text("<h3><strong>Titre</strong></h3>\n<p></p><p>Un<br />deux &amp; trois</p>") == \
        "Titre\n\nUn\ndeux & trois"


def test_personal_data_never_enters_the_graph(shipped: Mapped) -> None:
    # The contributors of the synthetic v2.1 rows (e-mail, name, phone, position) appear nowhere, nor its
    # phone registration; the e-mail registrations of the real rows are never published as a value or a
    # link (organisers who also wrote them into their public descriptions keep their text).
    synthetic = json.loads((GOLDEN / "explore-v21-synthetique/input-journees-patrimoine.json").read_text())
    secrets = {v for row in synthetic["results"] for k, v in row.items() if k.startswith("contributor_")}
    v21 = map_files([GOLDEN / "explore-v21-synthetique/input-journees-patrimoine.json"])
    assert [r.vintage for r in v21.read] == ["explore-v21"] and len(secrets) == 6
    values = {t.value for triple in v21.triples for t in triple}
    assert not {v for v in values for s in secrets | {"06 00 00 00 00"} if s in v}
    emails = {item["value"] for r in raw_records()
              for item in json.loads(r["fields"].get("registration", "[]")) if item["type"] == "email"}
    assert len(emails) == 13
    iris = {t.value for triple in shipped.triples for t in triple if not hasattr(t, "language")}
    literals = {t.value for triple in shipped.triples for t in triple if hasattr(t, "language")}
    assert not {i for i in iris for e in emails if e in i} and not emails & literals
    assert parse_links("mailto:a@b.fr;https://c.fr") == ("https://c.fr",)


@pytest.mark.parametrize(("raw", "code"), [
    ('{"id": 1, "label": {"fr": "Programm\\u00e9"}}', 1), ("5", 5), ('{"id": 6}', 6)])
def test_embedded_codes(raw: str, code: int) -> None:
    assert parse_code(raw) == code


@pytest.mark.parametrize("raw", ['{"label": "x"}', "{not json", '{"id": "1"}'])
def test_embedded_codes_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_code(raw)


def test_embedded_lists_and_dates() -> None:
    slots = parse_timings('[{"begin": "2023-09-17T11:00:00+02:00", "end": "2023-09-17T17:00:00+02:00"}, '
                          '{"begin": "2023-09-16T19:00:00+02:00", "end": "2023-09-16T22:00:00+02:00"}, '
                          '{"begin": "2023-09-16T19:00:00+02:00", "end": "2023-09-16T22:00:00+02:00"}]')
    assert [s.begin.isoformat() for s in slots] == ["2023-09-16T19:00:00+02:00", "2023-09-17T11:00:00+02:00"]
    with pytest.raises(ValueError, match="without its offset"):
        parse_datetime("2023-09-16T19:00:00")
    with pytest.raises(ValueError, match="no begin and end"):
        parse_timings('[{"begin": "2023-09-16T19:00:00+02:00"}]')
    assert [(x.kind, x.value) for x in parse_registration(
        '[{"type": "link", "value": "https://a.fr"}, {"type": "email", "value": "x@y.fr"}]')] == \
        [("link", "https://a.fr"), ("email", "x@y.fr")]
    assert parse_links('[{"link": "https://parisitour.fr/"}]') == ("https://parisitour.fr/",)
    assert parse_links("https://a.fr;b.fr") == ("https://a.fr", "http://b.fr")


def test_conditions() -> None:
    assert is_free("Entrée libre sans réservation") is True
    assert is_free("Tarif Réduit : 15€ | Tarif Plein : 19€") is False
    assert is_free("Sur inscription") is None
    assert prices("Tarif Réduit : 15€ | Tarif Plein : 19,50 euros") == [Decimal("15"), Decimal("19.50")]


def test_two_points_that_disagree_are_not_published(tmp_path) -> None:
    doc = json.loads((GOLDEN / "jep-2025-archive/input-journees-patrimoine.json").read_text())
    # Swapped: [lat, lon] where [lon, lat] is due.
    doc["records"][0]["geometry"]["coordinates"] = [48.84, 2.29]
    path = tmp_path / "swapped.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    mapped = map_files([path])
    (problem,) = mapped.problems
    assert "disagree" in problem.reason and problem.action == "value dropped"
    assert problem.pointer == "/records/0/fields/location_coordinates/0"
    assert not [t for t in mapped.triples if t[1].value == WGS84 + "lat"]
