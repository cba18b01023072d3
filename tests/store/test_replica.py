"""store/oxigraph/replica.py: the in-memory replica a query executor evaluates on, and how it follows
builds."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QueryResultsFormat, Store

from culturegraph.store.oxigraph import replica
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.store.oxigraph.replica import ReplicatedCurrent, load_replica

EX = "http://example.org/cg-test/"
LABELS = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
QUERIES = (
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 50",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"SELECT ?b ?o WHERE {{ <{EX}id/thing/3> <{EX}def/adresse> ?b . ?b ?p ?o }} ORDER BY ?o",
)


def with_blank_nodes(quads: list[Quad]) -> list[Quad]:
    """``quads`` plus an address (a blank node, as our mappings make for hash-less parts) per subject."""
    graph = NamedNode(f"{EX}graph/things")
    extra = []
    for i in range(5):
        address = BlankNode(f"adresse{i}")
        extra += [Quad(NamedNode(f"{EX}id/thing/{i}"), NamedNode(f"{EX}def/adresse"), address, graph),
                  Quad(address, LABELS, Literal(f"{i} rue de Valois"), graph)]
    return quads + extra


def answers(store: Store) -> list[bytes]:
    return [store.query(q, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
            for q in QUERIES]


@pytest.fixture
def home(tmp_path: Path, make_home, generated_quads) -> StoreHome:
    return make_home(tmp_path / "home", with_blank_nodes(list(generated_quads(200))))


def test_replica_holds_the_same_quads_and_blank_node_labels(home: StoreHome) -> None:
    disk = home.open_current()
    memory, quads = load_replica(disk)
    assert quads == len(disk) == len(memory) == 2010
    assert set(memory) == set(disk)  # blank nodes keep their labels (Store.load would rename them)
    assert answers(memory) == answers(disk)


def test_follows_the_current_build_from_disk_to_memory(home: StoreHome, tmp_path: Path, make_home) -> None:
    logged: list[str] = []
    current = ReplicatedCurrent(home, "memory", log=logged.append)
    store, version, _where = current.get()
    assert version == home.version()
    assert current.wait_loaded(30)
    store, version, where = current.get()
    assert where == "memory" and isinstance(store, Store)
    assert answers(store) == answers(home.open_current())
    assert len(logged) == 1 and f"build {version} is evaluated in memory (2,010 quads" in logged[0]

    # A rebuild: the new build is answered at once (its store on disk), then from its own replica.
    marker = Quad(NamedNode(f"{EX}rebuilt"), LABELS, Literal("B"), NamedNode(f"{EX}graph/b"))
    second = make_home(tmp_path / "other", [marker], build_id="20000102T000000Z-test01")
    home.switch(second.current_build())
    current.watch.interval = 0  # see the switch at once
    store, version, _where = current.get()
    assert version == "20000102T000000Z-test01"
    assert len(store) == 1  # never the previous build's replica
    assert current.wait_loaded(30)
    store, version, where = current.get()
    assert (where, version, len(store)) == ("memory", "20000102T000000Z-test01", 1)


def test_disk_mode_never_replicates(home: StoreHome) -> None:
    logged: list[str] = []
    current = ReplicatedCurrent(home, "disk", log=logged.append)
    assert not current.wait_loaded(1)
    assert current.loader is None and logged == []
    assert current.get()[2] == "disk"


def test_a_switch_during_a_copy_throws_the_stale_copy_away(home: StoreHome, tmp_path: Path, make_home,
                                                           monkeypatch) -> None:
    release = threading.Event()
    real_load = replica.load_replica

    def slow_load(store: Store, wanted):
        release.wait(30)  # the copy of build A is "in progress" until released
        return real_load(store, wanted)

    monkeypatch.setattr(replica, "load_replica", slow_load)
    logged: list[str] = []
    current = ReplicatedCurrent(home, "memory", log=logged.append)
    current.watch.interval = 0
    first = current.get()
    assert first is not None and first[2] == "disk"
    copying_a = current.loader
    marker = Quad(NamedNode(f"{EX}rebuilt"), LABELS, Literal("B"), NamedNode(f"{EX}graph/b"))
    home.switch(make_home(tmp_path / "other", [marker], build_id="20000102T000000Z-test01").current_build())
    store, version, where = current.get()  # build B at once, on disk; its copy waits for A's to end
    assert (version, where, len(store)) == ("20000102T000000Z-test01", "disk", 1)
    release.set()
    copying_a.join(30)
    assert any(f"build {first[1]}: copy given up, a newer build is current" in line for line in logged)
    assert current.wait_loaded(30)
    store, version, where = current.get()
    assert (version, where, len(store)) == ("20000102T000000Z-test01", "memory", 1)


def test_available_memory_reads_a_cgroup_limit(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "meminfo").write_text("MemTotal: 4000000 kB\nMemAvailable: 3000000 kB\n")
    (tmp_path / "self-cgroup").write_text("0::/system.slice/culturegraph.service\n")
    group = tmp_path / "cgroup" / "system.slice" / "culturegraph.service"
    group.mkdir(parents=True)
    (group / "memory.max").write_text("1073741824\n")
    (group / "memory.current").write_text("73741824\n")
    monkeypatch.setattr(replica, "MEMINFO", tmp_path / "meminfo")
    monkeypatch.setattr(replica, "SELF_CGROUP", tmp_path / "self-cgroup")
    monkeypatch.setattr(replica, "CGROUP_ROOT", tmp_path / "cgroup")
    assert replica.available_memory() == 1_000_000_000  # the cgroup's room, below MemAvailable
    (group / "memory.max").write_text("max\n")
    assert replica.available_memory() == 3_000_000 * 1024
    monkeypatch.setattr(replica, "MEMINFO", tmp_path / "missing")
    assert replica.available_memory() is None


def test_a_build_too_big_for_the_memory_stays_on_disk(home: StoreHome, monkeypatch) -> None:
    store_size = replica.directory_size(home.current_build() / "store")
    monkeypatch.setattr(replica, "available_memory", lambda: int(store_size * replica.HEADROOM) - 1)
    logged: list[str] = []
    current = ReplicatedCurrent(home, "memory", log=logged.append)
    assert not current.wait_loaded(5)
    assert len(logged) == 1 and "evaluated on disk: not enough memory for a replica" in logged[0]


def test_a_failed_load_stays_on_disk_and_says_why(home: StoreHome, monkeypatch) -> None:
    def fail(store: Store, wanted) -> tuple[Store, int]:
        raise MemoryError("cannot allocate")

    monkeypatch.setattr(replica, "load_replica", fail)
    logged: list[str] = []
    current = ReplicatedCurrent(home, "memory", log=logged.append)
    assert not current.wait_loaded(5)
    store, _version, where = current.get()
    assert where == "disk" and answers(store) == answers(home.open_current())
    assert len(logged) == 1
    assert "stays on disk: its replica could not be loaded (cannot allocate)" in logged[0]


def test_nothing_built() -> None:
    assert ReplicatedCurrent(StoreHome(Path("/nonexistent/home"))).get() is None


def test_unknown_mode() -> None:
    with pytest.raises(ValueError, match="memory, disk"):
        ReplicatedCurrent(StoreHome(Path("/nonexistent/home")), "ssd")  # type: ignore[arg-type]


def test_copies_are_made_one_at_a_time(home: StoreHome) -> None:
    """While another process holds the store home's copy lock, no replica is loaded; once that process
    is gone (killed: it never unlocks), it is."""
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(home.path)!r}, os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('locked', flush=True); sys.stdin.readline()")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        logged: list[str] = []
        current = ReplicatedCurrent(home, "memory", log=logged.append)
        assert current.get()[2] == "disk"
        assert not current.wait_loaded(1.0)  # waiting for its turn
        assert current.loader is not None and current.loader.is_alive()
        assert logged == [f"build {home.version()}: waiting for another executor's copy to finish"]
        holder.kill()  # a holder that dies (a query past its time limit) releases the lock too
        assert current.wait_loaded(30)
    finally:
        holder.kill()
        holder.wait()
