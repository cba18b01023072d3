"""The remarks' own embedded store: one SQLite database in WAL mode, outside ``builds/``.

Why SQLite in WAL mode: the web app runs several worker processes (Granian), each of which may write
(a visitor's remark, a curator's decision); WAL lets readers go on while one writer commits, and
``BEGIN IMMEDIATE`` with a busy timeout queues writers instead of failing (``tests/remarks``: two
processes posting at once lose nothing). Writes are rare (a few per minute at most), so one file and
one writer at a time are plenty; ``synchronous=FULL`` makes each commit durable. The graph builds never
touch this file: it lives in ``Settings.remarks_dir``, beside the store home, and ``culturegraph
remarks backup`` copies it with SQLite's online backup API (consistent while the server writes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from culturegraph.remarks.model import CLOSED, Remark

DATABASE = "remarks.sqlite"
BUSY_TIMEOUT_MS = 30_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS remark (
  id TEXT PRIMARY KEY, author_key TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL,
  target TEXT NOT NULL, dataset TEXT NOT NULL DEFAULT '', predicate TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL DEFAULT '', value_label TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL,
  text TEXT NOT NULL, proposed TEXT NOT NULL DEFAULT '', email TEXT, status TEXT NOT NULL,
  published INTEGER NOT NULL, held TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',
  reply TEXT NOT NULL DEFAULT '', client TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1, fixed_in TEXT NOT NULL DEFAULT '', extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS remark_target ON remark(target);
CREATE INDEX IF NOT EXISTS remark_status ON remark(status);
CREATE INDEX IF NOT EXISTS remark_email ON remark(email);
CREATE TABLE IF NOT EXISTS curator (
  name TEXT PRIMARY KEY, password TEXT NOT NULL, token TEXT NOT NULL DEFAULT '', created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hit (client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hit_client ON hit(client, at);
CREATE TABLE IF NOT EXISTS history (
  remark TEXT NOT NULL, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
COLUMNS = [f.name for f in fields(Remark)]
# API tokens are 32 random bytes: a fast hash is enough to keep them (nobody can search that space), and
# checking one costs a microsecond instead of scrypt's ~0.1 s and 64 MB (hostile finding F3). Tokens
# made before kept a scrypt hash: still checked, and rewritten with this one at their first good use.
TOKEN_HASH = "sha256$"
_dummy_hash: str | None = None


def _dummy() -> str:
    """One scrypt hash made once per process, checked against for unknown names (the same time as a
    known one) — never a new hash per request, which doubled the cost."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_urlsafe(16))
    return _dummy_hash


def _token_hash(secret: str) -> str:
    return TOKEN_HASH + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class RemarkStore:
    """The remarks, curators and rate-limit hits of ``directory/remarks.sqlite``. Each call opens its own
    connection (cheap; safe across threads and worker processes)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DATABASE
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA synchronous=FULL")
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken at once (``BEGIN IMMEDIATE``): writers queue, none fails midway."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # meta: the secret key, the address salt, the last build synced -----------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def secret(self, key: str) -> str:
        """A random secret made once and shared by every worker (session signing, address salt)."""
        with self._write() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if row:
                return row["value"]
            value = secrets.token_hex(32)
            db.execute("INSERT INTO meta VALUES (?, ?)", (key, value))
            return value

    # remarks ------------------------------------------------------------------------------------------

    def add(self, remark: Remark, client: str = "", who: str = "visitor") -> tuple[Remark, str]:
        """Store a new remark; returns it and the author's key (the secret of its permalink)."""
        author_key = secrets.token_urlsafe(18)
        row = self._row(remark)
        with self._write() as db:
            db.execute(f"INSERT INTO remark ({', '.join(row)}, author_key, client) VALUES "
                       f"({', '.join('?' for _ in row)}, ?, ?)", (*row.values(), author_key, client))
            db.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?)",
                       (remark.id, remark.created, who, "created", remark.held))
        return remark, author_key

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(8)

    @staticmethod
    def _row(remark: Remark) -> dict[str, Any]:
        row = {name: getattr(remark, name) for name in COLUMNS}
        row["published"] = int(remark.published)
        row["extra"] = json.dumps(remark.extra, ensure_ascii=False)
        return row

    @staticmethod
    def _remark(row: sqlite3.Row) -> Remark:
        values = {name: row[name] for name in COLUMNS}
        values["published"] = bool(values["published"])
        values["extra"] = json.loads(values["extra"] or "{}")
        return Remark(**values)

    def get(self, remark_id: str) -> Remark | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM remark WHERE id = ?", (remark_id,)).fetchone()
        return self._remark(row) if row else None

    def by_author_key(self, remark_id: str, author_key: str) -> Remark | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM remark WHERE id = ?", (remark_id,)).fetchone()
        if row is None or not secrets.compare_digest(row["author_key"], author_key):
            return None
        return self._remark(row)

    def update(self, remark_id: str, who: str, action: str, note: str = "", *,
               if_version: int | None = None, **changes: Any) -> Remark | None:
        """Change a remark (a new version); ``None`` if it is gone or ``if_version`` is not its version.
        Reaching a closed status erases the author's e-mail (kept only until the remark is closed)."""
        if "published" in changes:
            changes["published"] = int(changes["published"])
        if "extra" in changes:
            changes["extra"] = json.dumps(changes["extra"], ensure_ascii=False)
        if changes.get("status") in CLOSED:
            changes["email"] = None
        with self._write() as db:
            row = db.execute("SELECT version FROM remark WHERE id = ?", (remark_id,)).fetchone()
            if row is None or (if_version is not None and row["version"] != if_version):
                return None
            sets = ", ".join(f"{name} = ?" for name in changes)
            db.execute(f"UPDATE remark SET {sets + ', ' if sets else ''}version = version + 1, modified = ? "
                       "WHERE id = ?", (*changes.values(), now(), remark_id))
            db.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?)", (remark_id, now(), who, action, note))
            updated = db.execute("SELECT * FROM remark WHERE id = ?", (remark_id,)).fetchone()
        return self._remark(updated)

    def delete(self, remark_id: str, who: str, *, if_version: int | None = None) -> bool:
        with self._write() as db:
            row = db.execute("SELECT version FROM remark WHERE id = ?", (remark_id,)).fetchone()
            if row is None or (if_version is not None and row["version"] != if_version):
                return False
            db.execute("DELETE FROM remark WHERE id = ?", (remark_id,))
            db.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?)", (remark_id, now(), who, "deleted", ""))
        return True

    def query(self, *, published: bool | None = None, target: str | None = None,
              status: str | None = None, dataset: str | None = None, kind: str | None = None,
              offset: int = 0, limit: int | None = None, newest_first: bool = False) -> list[Remark]:
        where, args = self._filters(published, target, status, dataset, kind)
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT * FROM remark{where} ORDER BY rowid {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        with self._connect() as db:
            return [self._remark(r) for r in db.execute(sql, args)]

    def count(self, *, published: bool | None = None, target: str | None = None,
              status: str | None = None, dataset: str | None = None, kind: str | None = None) -> int:
        where, args = self._filters(published, target, status, dataset, kind)
        with self._connect() as db:
            return int(db.execute(f"SELECT COUNT(*) FROM remark{where}", args).fetchone()[0])

    def published_fingerprint(self) -> str:
        """Changes whenever the published remarks do (one published, withdrawn, deleted or changed: every
        change of a remark raises its version): a hash of the published remarks' ids and versions."""
        digest = hashlib.sha256()
        with self._connect() as db:
            for row in db.execute("SELECT id, version FROM remark WHERE published = 1 ORDER BY id"):
                digest.update(f"{row[0]}:{row[1]};".encode())
        return digest.hexdigest()[:16]

    def counts_by(self, column: str, *, published: bool | None = None) -> dict[str, int]:
        if column not in ("status", "dataset", "kind"):
            raise ValueError(column)
        where, args = self._filters(published, None, None, None, None)
        with self._connect() as db:
            return {r[0]: r[1] for r in db.execute(
                f"SELECT {column}, COUNT(*) FROM remark{where} GROUP BY {column}", args)}

    @staticmethod
    def _filters(published: bool | None, target: str | None, status: str | None, dataset: str | None,
                 kind: str | None) -> tuple[str, list[Any]]:
        clauses, args = [], []
        for column, value in (("published", None if published is None else int(published)),
                              ("target", target), ("status", status), ("dataset", dataset), ("kind", kind)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args

    def history(self, remark_id: str) -> list[dict[str, str]]:
        with self._connect() as db:
            return [dict(r) for r in db.execute(
                "SELECT at, who, action, note FROM history WHERE remark = ? ORDER BY rowid", (remark_id,))]

    # privacy: a person's remarks by e-mail ------------------------------------------------------------

    def by_email(self, email: str) -> list[Remark]:
        with self._connect() as db:
            return [self._remark(r) for r in db.execute(
                "SELECT * FROM remark WHERE lower(email) = lower(?) ORDER BY rowid", (email.strip(),))]

    def erase_email(self, email: str, who: str) -> int:
        """Erase a person's remarks (their text and address), keep nothing that names them."""
        with self._write() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM remark WHERE lower(email) = lower(?)",
                                            (email.strip(),))]
            for remark_id in ids:
                db.execute("DELETE FROM remark WHERE id = ?", (remark_id,))
                db.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?)",
                           (remark_id, now(), who, "erased", "at the author's request"))
        return len(ids)

    # rate limit ---------------------------------------------------------------------------------------

    def hit(self, client: str, limit: int, window_s: float) -> float:
        """Count one request of ``client`` (a salted hash) if it is within ``limit`` per ``window_s``;
        returns 0 when counted, else the seconds until the oldest hit of the window expires."""
        at = time.time()
        with self._write() as db:
            db.execute("DELETE FROM hit WHERE at < ?", (at - window_s,))
            rows = db.execute("SELECT at FROM hit WHERE client = ? ORDER BY at", (client,)).fetchall()
            if len(rows) >= limit:
                return max(1.0, rows[0]["at"] + window_s - at)
            db.execute("INSERT INTO hit VALUES (?, ?)", (client, at))
        return 0.0

    def waiting(self, client: str, limit: int, window_s: float) -> float:
        """Like ``hit`` without counting: 0 if ``client`` is under ``limit`` hits per ``window_s``, else the
        seconds until the oldest hit of the window expires."""
        at = time.time()
        with self._connect() as db:
            rows = db.execute("SELECT at FROM hit WHERE client = ? AND at >= ? ORDER BY at",
                              (client, at - window_s)).fetchall()
        if len(rows) >= limit:
            return max(1.0, rows[0]["at"] + window_s - at)
        return 0.0

    def forget(self, *clients: str) -> None:
        """Drop the hits of these keys (a good login clears its failures)."""
        with self._write() as db:
            db.executemany("DELETE FROM hit WHERE client = ?", [(c,) for c in clients])

    # curators -----------------------------------------------------------------------------------------

    def add_curator(self, name: str, password: str) -> None:
        """Create or reset a curator (werkzeug's salted scrypt hash; the password itself is never kept)."""
        if not name or len(password) < 12:
            raise ValueError("a curator needs a name and a password of 12 characters or more")
        with self._write() as db:
            db.execute("INSERT INTO curator VALUES (?, ?, '', ?) ON CONFLICT(name) DO UPDATE SET "
                       "password = excluded.password", (name, generate_password_hash(password), now()))

    def check_curator(self, name: str, password: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT password FROM curator WHERE name = ?", (name,)).fetchone()
        if row is None:
            check_password_hash(_dummy(), password)  # the same time for unknown names
            return False
        return check_password_hash(row["password"], password)

    def new_token(self, name: str) -> str:
        """A new API token for ``name`` (the protocol's writes); only its hash is kept."""
        token = secrets.token_urlsafe(32)
        with self._write() as db:
            found = db.execute("UPDATE curator SET token = ? WHERE name = ?",
                               (_token_hash(token), name)).rowcount
        if not found:
            raise LookupError(f"no curator named {name!r}")
        return f"{name}:{token}"

    def check_token(self, token: str) -> str | None:
        """The curator a ``name:secret`` token belongs to, or ``None``."""
        name, _, secret = token.partition(":")
        with self._connect() as db:
            row = db.execute("SELECT token FROM curator WHERE name = ?", (name,)).fetchone()
        if row is None or not row["token"] or not secret:
            return None
        kept: str = row["token"]
        if kept.startswith(TOKEN_HASH):
            return name if hmac.compare_digest(kept, _token_hash(secret)) else None
        if not check_password_hash(kept, secret):  # a token made before TOKEN_HASH
            return None
        with self._write() as db:
            db.execute("UPDATE curator SET token = ? WHERE name = ? AND token = ?",
                       (_token_hash(secret), name, kept))
        return name

    def curators(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT name FROM curator ORDER BY name")]

    # backup -------------------------------------------------------------------------------------------

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the database (SQLite's online backup), while the server keeps writing.
        ``destination``: a file (``*.sqlite``) or a folder (made if need be) to put a dated copy in."""
        destination = Path(destination)
        if destination.is_dir() or not destination.suffix:
            destination = destination / f"remarks-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.sqlite"
        destination.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(destination)
        try:
            with self._connect() as db:
                db.backup(target)
        finally:
            target.close()
        return destination
