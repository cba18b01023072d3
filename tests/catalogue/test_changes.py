"""The change report between two builds: counts made by hand on two small graphs, the history kept,
and the Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from culturegraph.catalogue import changes
from culturegraph.catalogue.dumps import write_dumps
from culturegraph.catalogue.void import graph_statistics

EX = "http://example.org/cg-test/"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
A = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
THING = NamedNode(f"{EX}def/Thing")


def thing(i: int) -> NamedNode:
    return NamedNode(f"{EX}id/thing/{i}")


def graph(name: str) -> NamedNode:
    return NamedNode(f"{EX}graph/{name}")


def write_build(path, quads, build_id):
    store = Store()
    store.extend(quads)
    names = sorted({q.graph_name.value.rsplit("/", 1)[1] for q in quads})
    fingerprints: dict[str, changes.Fingerprint] = {}

    def observer(name):
        fingerprints[name] = changes.Fingerprint()
        return fingerprints[name].observe

    write_dumps(store, [(n, graph(n)) for n in names], path, {}, observer=observer)
    for name, fp in fingerprints.items():
        fp.write(path, name)
    stats = {n: graph_statistics(store, n, graph(n).value) for n in names}
    return stats


def old_quads():
    g = graph("things")
    quads = []
    for i in range(10):  # 10 things, 3 triples each
        quads += [Quad(thing(i), A, THING, g), Quad(thing(i), LABEL, Literal(f"chose {i}", language="fr"), g),
                  Quad(thing(i), NamedNode(f"{EX}def/part"), BlankNode(f"part{i}"), g)]
    quads.append(Quad(BlankNode("part0"), LABEL, Literal("partie"), g))
    quads.append(Quad(thing(0), LABEL, Literal("gone"), graph("old")))
    return quads


def new_quads():
    g = graph("things")
    quads = []
    for i in range(2, 13):  # things 0 and 1 vanish, 10, 11 and 12 appear
        label = f"chose {i}" if i != 5 else "chose cinq"  # one label changed
        quads += [Quad(thing(i), A, THING, g), Quad(thing(i), LABEL, Literal(label, language="fr"), g),
                  # blank nodes relabelled: the same triples
                  Quad(thing(i), NamedNode(f"{EX}def/part"), BlankNode(f"b{i * 7}"), g)]
    quads.append(Quad(thing(2), LABEL, Literal("new"), graph("new")))
    return quads


def test_counts_by_hand(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old_stats = write_build(old, old_quads(), "b1")
    new_stats = write_build(new, new_quads(), "b2")
    names = {n: graph(n).value for n in ("things", "old", "new")}
    report = changes.compare_builds(old, new, names, build_id="b2", previous_id="b1",
                                    date=datetime(2026, 12, 3, tzinfo=UTC), statistics=new_stats,
                                    previous_statistics=old_stats)
    by_graph = {g["name"]: g for g in report["graphs"]}
    things = by_graph["things"]
    # removed: things 0, 1 (3 triples each), the old label of 5, the blank part's label; the part
    # triples of 2..9 are the same modulo their blank labels
    assert things["removed"] == 6 + 1 + 1
    # added: things 10, 11, 12 (3 each) and the new label of 5
    assert things["added"] == 9 + 1
    assert (things["triples_before"], things["triples_after"]) == (31, 33)
    assert things["appeared"] == 3 and things["vanished"] == 2
    assert things["appeared_examples"] == [thing(i).value for i in (10, 11, 12)]
    assert things["vanished_examples"] == [thing(i).value for i in (0, 1)]
    assert by_graph["old"] | {} == by_graph["old"] and by_graph["old"]["removed"] == 1
    assert by_graph["old"]["added"] == 0 and by_graph["old"]["vanished"] == 1
    assert by_graph["new"]["added"] == 1 and by_graph["new"]["appeared"] == 1
    assert report["totals"] == {"added": 11, "removed": 9, "appeared": 4, "vanished": 3}
    figures = {(f["graph"], f["figure"]): (f["before"], f["after"]) for f in report["figures"]}
    assert figures[("things", "triples")] == (31, 33)
    assert figures[("things", "entities")] == (10, 11)
    assert figures[("things", f"entities of <{THING.value}>")] == (10, 11)
    assert ("things", "classes") not in figures  # unchanged figures are not listed


def test_first_build_reports_everything_added(tmp_path):
    new = tmp_path / "new"
    stats = write_build(new, new_quads(), "b2")
    report = changes.compare_builds(None, new, {"things": graph("things").value}, build_id="b2",
                                    previous_id=None, date=datetime.now(UTC), statistics=stats,
                                    previous_statistics={})
    assert report["graphs"][0]["added"] == 33 and report["graphs"][0]["removed"] == 0


def test_history_keeps_the_last_builds_and_feeds_them(tmp_path):
    home = tmp_path / "home"
    for i in range(5):
        build = tmp_path / f"2026120{i}T000000Z-abc{i:03d}"
        build.mkdir()
        changes.write_report(build, {
            "build": build.name, "previous": None, "date": f"2026-12-0{i + 1}T00:00:00+00:00", "graphs": [],
            "figures": [], "totals": {"added": i, "removed": 0, "appeared": 0, "vanished": 0}})
        changes.publish(build, home, keep=3)
    kept = changes.history(home)
    assert [r["build"] for r in kept] == [f"2026120{i}T000000Z-abc{i:03d}" for i in (4, 3, 2)]
    assert changes.report_of(home, "../etc/passwd") is None
    feed = ET.fromstring(changes.atom(kept, feed_url="http://x/changes.atom", page_url="http://x/changes",
                                      title="<culturegraph> & changes"))
    ns = {"a": changes.ATOM}
    assert feed.find("a:title", ns).text == "<culturegraph> & changes"
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 3
    assert entries[0].find("a:updated", ns).text == "2026-12-05T00:00:00+00:00"


def test_the_feed_of_a_first_build_has_no_before(tmp_path):
    new = tmp_path / "new"
    stats = write_build(new, new_quads(), "b2")
    report = changes.compare_builds(None, new, {"things": graph("things").value}, build_id="b2",
                                    previous_id=None, date=datetime.now(UTC), statistics=stats,
                                    previous_statistics={})
    assert report["figures"] and all(f["before"] is None for f in report["figures"])
    feed = ET.fromstring(changes.atom([report], feed_url="http://x/changes.atom", page_url="http://x/changes",
                                      title="changes"))
    text = feed.find("a:entry/a:summary", {"a": changes.ATOM}).text
    assert "None" not in text
    assert any(line.startswith("things classes: ") and line.endswith(" (new)") for line in text.splitlines())
    assert changes.figure_change(3, 5) == "3 → 5" and changes.figure_change(3, None) == "3 (gone)"
