"""The remarks' own store (remarks/store.py): SQLite in WAL mode, outside builds/, never losing a remark
that was accepted — not to a writer killed mid-write, not to several processes writing at once, not to
a rebuild."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from culturegraph.config import load_settings
from culturegraph.remarks.model import Remark
from culturegraph.remarks.store import RemarkStore, now

TARGET = "https://culturegraph.example/id/musee/M0001"


def remark(store: RemarkStore, text: str = "Le nom est faux.", **fields: object) -> Remark:
    stamp = now()
    values: dict[str, object] = {"target": TARGET, "kind": "error", "text": text, "created": stamp,
                                 "modified": stamp, **fields}
    return Remark(id=store.new_id(), **values)  # type: ignore[arg-type]


def test_wal_mode_and_schema(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path / "remarks")
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"remark", "curator", "hit", "history", "meta"} <= tables


def test_add_get_update_history(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path)
    added, key = store.add(remark(store, email="a@example.org", proposed="Musée X", predicate="p"))
    assert store.get(added.id) == added
    assert store.by_author_key(added.id, key) == added
    assert store.by_author_key(added.id, key + "x") is None
    assert store.update(added.id, "cur", "replied", if_version=2, reply="Merci") is None  # stale version
    replied = store.update(added.id, "cur", "replied", if_version=1, reply="Merci")
    assert replied is not None and replied.version == 2 and replied.reply == "Merci"
    assert replied.email == "a@example.org"  # kept while the remark is open
    closed = store.update(added.id, "cur", "rejected", status="rejected", reason="déjà juste")
    assert closed is not None and closed.email is None  # erased when the remark is closed
    assert [h["action"] for h in store.history(added.id)] == ["created", "replied", "rejected"]


def test_queries_counts_and_filters(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path)
    for i in range(5):
        store.add(remark(store, f"remarque {i}", dataset="museofile" if i % 2 else "presse",
                         published=i != 4))
    assert store.count() == 5 and store.count(published=True) == 4
    assert store.count(dataset="museofile") == 2
    assert [r.text for r in store.query(offset=1, limit=2)] == ["remarque 1", "remarque 2"]
    assert store.query(newest_first=True, limit=1)[0].text == "remarque 4"
    assert store.counts_by("dataset") == {"museofile": 2, "presse": 3}
    with pytest.raises(ValueError):
        store.counts_by("text; DROP TABLE remark")


def test_rate_limit_window(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path)
    assert [store.hit("c", 3, 60) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = store.hit("c", 3, 60)
    assert 1.0 <= wait <= 60
    assert store.hit("other", 3, 60) == 0.0  # per client
    assert store.hit("d", 1, 0.2) == 0.0
    time.sleep(0.3)
    assert store.hit("d", 1, 0.2) == 0.0  # the window slid


def test_curators_passwords_and_tokens(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path)
    with pytest.raises(ValueError):
        store.add_curator("marie", "court")
    store.add_curator("marie", "un mot de passe long")
    assert store.check_curator("marie", "un mot de passe long")
    assert not store.check_curator("marie", "un mot de passe faux")
    assert not store.check_curator("personne", "un mot de passe long")
    with sqlite3.connect(store.path) as db:
        kept = db.execute("SELECT password FROM curator").fetchone()[0]
    assert "un mot de passe long" not in kept and kept.startswith(("scrypt:", "pbkdf2:"))
    token = store.new_token("marie")
    assert store.check_token(token) == "marie"
    assert store.check_token(token + "x") is None and store.check_token("marie:") is None
    with pytest.raises(LookupError):
        store.new_token("personne")


def test_export_and_erase_by_email(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path)
    store.add(remark(store, "un", email="Anne@Example.org"))
    store.add(remark(store, "deux", email="anne@example.org"))
    store.add(remark(store, "trois", email="paul@example.org"))
    assert [r.text for r in store.by_email("anne@example.org ")] == ["un", "deux"]
    assert store.erase_email("ANNE@example.org", "cli") == 2
    assert [r.text for r in store.query()] == ["trois"]
    with sqlite3.connect(store.path) as db:
        assert not db.execute("SELECT 1 FROM remark WHERE text IN ('un', 'deux')").fetchall()


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    store = RemarkStore(tmp_path / "live")
    for i in range(20):
        store.add(remark(store, f"r{i}"))
    copy = store.backup(tmp_path / "backups")
    assert copy.parent == tmp_path / "backups" and copy.suffix == ".sqlite"
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM remark").fetchone()[0] == 20
    assert store.backup(tmp_path / "one.sqlite") == tmp_path / "one.sqlite"


def test_the_store_lives_outside_builds(tmp_path: Path) -> None:
    settings = load_settings(store_home=tmp_path / "graph")
    assert settings.remarks_dir == tmp_path / "graph-remarks"
    assert not settings.remarks_dir.is_relative_to(settings.store_home)
    assert load_settings(store_home=tmp_path / "g", remarks_home=tmp_path / "r").remarks_dir == tmp_path / "r"


# several writers, and a writer killed mid-write -------------------------------------------------------

def _writer(directory: str, name: str, n: int) -> None:
    store = RemarkStore(Path(directory))
    for i in range(n):
        store.add(remark(store, f"{name}-{i}"))


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    RemarkStore(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    writers = [ctx.Process(target=_writer, args=(str(tmp_path), f"w{k}", 60)) for k in range(3)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
        assert w.exitcode == 0
    texts = {r.text for r in RemarkStore(tmp_path).query()}
    assert texts == {f"w{k}-{i}" for k in range(3) for i in range(60)}


KILLED_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from culturegraph.remarks.model import Remark
    from culturegraph.remarks.store import RemarkStore, now
    store = RemarkStore(Path(sys.argv[1]))
    i = 0
    while True:
        r, _ = store.add(Remark(id=store.new_id(), target="urn:x", kind="error", text=f"k{i}",
                                created=now(), modified=now()))
        print(r.id, flush=True)  # acknowledged: the commit returned
        i += 1
""")


def test_a_writer_killed_mid_write_loses_no_acknowledged_remark(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                               text=True, start_new_session=True)
    assert process.stdout is not None
    acknowledged = [process.stdout.readline().strip() for _ in range(150)]
    os.kill(process.pid, signal.SIGKILL)  # in the middle of its next transaction
    process.wait(10)
    acknowledged += [line.strip() for line in process.stdout.read().splitlines() if line.strip()]
    store = RemarkStore(tmp_path)  # reopening recovers from the WAL
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = {r.id for r in store.query()}
    assert set(acknowledged) <= kept
    assert len(kept) - len(acknowledged) <= 1  # at most the one whose commit had not returned yet
