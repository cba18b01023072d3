"""The current build as a query executor evaluates it: on disk at once, then from an in-memory replica.

Oxigraph's in-memory storage evaluates our queries several times faster than its RocksDB storage opened
read-only: on the shipped build, the endpoint benchmark's ``GROUP BY`` of attendance per région takes
22 ms in memory against 124 ms on disk (5.7×), a one-resource lookup 0.11 ms against 0.27 ms (2.4×)
(pyoxigraph 0.5.13, bench/replica_bench.py; figures in bench/README.md). On disk, each term of a
solution is decoded with a RocksDB read; in memory it is a hash-map lookup. The store on disk stays
the build's artefact and what everything else reads (pages, the CLI, ``oxigraph``): a replica is a
cache of it, keyed on the build.

:class:`ReplicatedCurrent` follows the ``current`` link of a store home like the web workers do:

* a new build is evaluated on disk **at once** (read-only, as before), and a background thread copies
  it into an in-memory store (:func:`load_replica`), while queries keep being answered;
* when the copy is complete, queries go to it and the on-disk handle is closed; a copy made of a
  build that is no longer current is thrown away;
* a replica costs about 1.5× the size of the store directory in memory (the shipped build: 300 MB on
  disk, 428 MB resident; its copy takes 15–21 s of one core), and 3× at the peak of its copy (+894 MB:
  the N-Quads text and the parser's batches); a build is replicated only while the machine has
  :data:`HEADROOM` times its store size
  available (:func:`available_memory`, which also reads a cgroup's limit), otherwise it is served from
  disk and the log says why. Executors make their copies one at a time (a lock on the store home,
  :func:`one_copy_at_a_time`), so that each one measures the memory its predecessors' replicas left
  and at most one copy runs on the machine (a copying executor still answers its own queries more
  slowly meanwhile: bench/replica_bench.py, "queries during a copy");
* the solutions of a query without ``ORDER BY`` come in the storage's order: in memory it differs from
  the order on disk (the same for every replica of a build), which SPARQL leaves open.

Each process holds its own replica: Oxigraph's in-memory storage keeps a lock per quad, which a read
takes, so pages a ``fork`` would share are copied as soon as they are read (measured: a full scan in a
forked child copied 319 MB of the 428 MB replica). The number of replicas is the number of executor
processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from pyoxigraph import RdfFormat, Store, parse

from culturegraph.config import QUERY_STORES
from culturegraph.store.oxigraph.home import BuildWatch, StoreHome

QueryStore = Literal["memory", "disk"]
# A replica takes 1.4× the store's size once loaded and 3.0× at the peak of its copy (measured:
# bench/replica_bench.py, 428 and 894 MB for a 300 MB store); keep one more store size for the rest.
HEADROOM = 4.0
# The words of the log line an executor writes when its replica answers (benchmarks wait for them).
IN_MEMORY = "is evaluated in memory"
MEMINFO, SELF_CGROUP, CGROUP_ROOT = Path("/proc/meminfo"), Path("/proc/self/cgroup"), Path("/sys/fs/cgroup")


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def available_memory() -> int | None:
    """Bytes this process may still use: ``MemAvailable`` of /proc/meminfo, or less when the process
    runs in a cgroup (v2: a container, a systemd unit) with a ``memory.max`` limit. ``None``: unknown."""
    found: list[int] = []
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        # /proc/self/cgroup on cgroup v2 is one line, "0::/path/of/the/group".
        group = CGROUP_ROOT / SELF_CGROUP.read_text().strip().split("::", 1)[1].lstrip("/")
        limit = (group / "memory.max").read_text().strip()
        if limit != "max":
            found.append(int(limit) - int((group / "memory.current").read_text()))
    except (OSError, ValueError, IndexError):
        pass
    return min(found) if found else None


def replica_fits(store_dir: Path) -> tuple[bool, str]:
    """Whether a replica of the store in ``store_dir`` may be loaded now, and why (for the log)."""
    size = directory_size(store_dir)
    available = available_memory()
    if available is None:
        return True, f"store {size / 1e6:,.0f} MB, available memory unknown"
    verdict = available >= HEADROOM * size
    return verdict, f"store {size / 1e6:,.0f} MB, {available / 1e6:,.0f} MB available (needs {HEADROOM:g}×)"


@contextlib.contextmanager
def one_copy_at_a_time(home: Path, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the store home directory (opened read-only: the server needs no
    write access), shared by every executor on the machine; released when the process dies, however it
    dies. ``waiting`` is called when another copy holds it."""
    fd = os.open(home, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks this loading thread only (the GIL is released)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def load_replica(store: Store, wanted: Callable[[], bool] = lambda: True) -> tuple[Store, int] | None:
    """An in-memory copy of ``store`` and the number of quads copied; ``None`` when ``wanted()`` turns
    false between the dump and the copy (a newer build came).

    ``dump`` runs without the GIL; ``parse`` keeps blank-node labels, which ``Store.load`` would rename,
    so that a blank node has the same label in every executor and on the pages. (Iterating
    ``quads_for_pattern`` instead blocked the other thread's queries on the same store for the whole
    copy: bench/replica_bench.py.)"""
    text = store.dump(format=RdfFormat.N_QUADS)
    if not wanted():
        return None
    replica = Store()
    replica.bulk_extend(parse(text, format=RdfFormat.N_QUADS))
    return replica, text.count(b"\n")


def log_to_stderr(message: str) -> None:
    print(f"culturegraph query executor {os.getpid()}: {message}", file=sys.stderr, flush=True)


class ReplicatedCurrent:
    """The current build of ``home`` for query evaluation, in ``mode`` ``"memory"`` (replicated when it
    fits) or ``"disk"``. :meth:`get` is called once per query, from one thread."""

    def __init__(self, home: StoreHome, mode: QueryStore = "memory",
                 log: Callable[[str], None] = log_to_stderr) -> None:
        if mode not in QUERY_STORES:
            raise ValueError(f"query store must be one of {', '.join(QUERY_STORES)}, not {mode!r}")
        self.home = home
        self.watch = BuildWatch(home)
        self.mode = mode
        self.log = log
        self._version: str | None = None
        self._disk: Store | None = None
        # (build id, replica), replaced as a whole by the loading thread: one reference, read atomically.
        self._memory: tuple[str, Store] | None = None
        self.loader: threading.Thread | None = None

    def get(self) -> tuple[Store, str, QueryStore] | None:
        """(store, build id, where it is) for the current build; ``None`` when nothing is built."""
        build = self.watch.current()
        if build is None:
            return None
        version, directory = build
        if version != self._version:
            self._disk = Store.read_only(str(directory / "store"))
            self._version = version
            self._memory = None
            if self.mode == "memory":
                self._replicate(version, directory, self._disk)
        memory = self._memory
        if memory is not None:
            if memory[0] == version:
                self._disk = None  # the replica answers from now on: close RocksDB (its cache, its files)
                return memory[1], version, "memory"
            self._memory = None  # a copy of an older build, finished after the switch: free it
        assert self._disk is not None  # kept until this build's replica answers
        return self._disk, version, "disk"

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """Wait for the current build's replica to be loaded (tests, benchmarks); whether it is."""
        self.get()  # sees the current build, and starts its copy
        if self.loader is not None:
            self.loader.join(timeout)
        got = self.get()
        return got is not None and got[2] == "memory"

    def _replicate(self, version: str, directory: Path, disk: Store) -> None:
        def current() -> bool:
            return self._version == version

        def load() -> None:
            try:
                with one_copy_at_a_time(self.home.path, waiting=lambda: self.log(
                        f"build {version}: waiting for another executor's copy to finish")):
                    if not current():  # a newer build came while this one waited for its turn
                        self.log(f"build {version}: copy given up, a newer build is current")
                        return
                    fits, why = replica_fits(directory / "store")
                    if not fits:
                        self.log(f"build {version} is evaluated on disk: not enough memory for a replica "
                                 f"({why})")
                        return
                    started = time.perf_counter()
                    copied = load_replica(disk, wanted=current)
            except Exception as err:  # noqa: BLE001 (memory, I/O, locking: stay on disk, say why)
                self.log(f"build {version} stays on disk: its replica could not be loaded ({err})")
                return
            if copied is None or not current():
                self.log(f"build {version}: copy given up, a newer build is current")
                return
            self._memory = (version, copied[0])
            self.log(f"build {version} {IN_MEMORY} ({copied[1]:,} quads, "
                     f"{time.perf_counter() - started:.1f} s to load; {why})")

        self.loader = threading.Thread(target=load, name=f"replica-{version}", daemon=True)
        self.loader.start()
