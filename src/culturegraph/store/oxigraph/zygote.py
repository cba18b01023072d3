"""The zygote of a pool of query executors: one process that holds the in-memory replica of the current
build, and forks executors from it (issue 9, finding 6).

Before, each executor was a fresh interpreter that copied the whole build into memory itself (15–21 s
of one core for the shipped build), so a query killed at the time limit, or a crash, cost that again. A
fork costs milliseconds and copies nothing: the replica's pages are shared copy-on-write. (An executor
writes to the pages it reads — Oxigraph's in-memory storage takes a lock per quad — so its private
share grows with what it reads; the pool retires an executor whose memory grew, and a fork is cheap.)

The zygote never opens the store on disk: a dumper subprocess streams the build's N-Quads into a pipe
that the zygote parses into its replica (no RocksDB threads or handles are inherited by forks, and the
N-Quads text is never held whole). It is single-threaded when it forks. Protocol over its channel
(store/oxigraph/executor.py's ``Channel``): the parent sends the ``Env``; the zygote answers
``{"ready": build id, "where": "memory"|"disk"}`` once loaded, then for each ``{"fork": True}``
answers ``{"forked": pid}`` with the parent's end of the new executor's channel, and reports
``{"exit": pid, "status": …}`` for each executor that ends (it is their parent: the pool asks it how an
executor died). It exits when its channel closes; its executors exit when theirs do.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pyoxigraph import RdfFormat, Store, parse

from culturegraph.store.oxigraph.executor import Channel, Env, Preloaded, executor_main
from culturegraph.store.oxigraph.home import BuildWatch, StoreHome
from culturegraph.store.oxigraph.replica import IN_MEMORY, log_to_stderr, one_copy_at_a_time, replica_fits

DUMP_CODE = ("import sys; from pyoxigraph import RdfFormat, Store; "
             "Store.read_only(sys.argv[1]).dump(sys.stdout.buffer, format=RdfFormat.N_QUADS)")


def load_streaming(store_dir: Path) -> Store:
    """An in-memory copy of the store in ``store_dir``, parsed from a dumper subprocess's N-Quads (blank
    node labels kept, as on the pages)."""
    dumper = subprocess.Popen([sys.executable, "-c", DUMP_CODE, str(store_dir)], stdout=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
    assert dumper.stdout is not None
    replica = Store()
    try:
        replica.bulk_extend(parse(dumper.stdout, format=RdfFormat.N_QUADS))
    finally:
        dumper.stdout.close()
        code = dumper.wait()
    if code != 0:
        raise RuntimeError(f"the dump of {store_dir} failed (exit status {code})")
    return replica


def load(home: StoreHome, env: Env) -> tuple[str | None, Store | None, str]:
    """(build id, replica or None, "memory"|"disk") for the build current now."""
    build = BuildWatch(home, interval=0).current()
    if build is None:
        return None, None, "disk"
    version, directory = build
    if env.query_store != "memory":
        return version, None, "disk"
    try:
        with one_copy_at_a_time(home.path, waiting=lambda: log_to_stderr(
                f"build {version}: waiting for another executor's copy to finish")):
            fits, why = replica_fits(directory / "store")
            if not fits:
                log_to_stderr(f"build {version} is evaluated on disk: not enough memory for a replica "
                              f"({why})")
                return version, None, "disk"
            started = time.perf_counter()
            replica = load_streaming(directory / "store")
    except Exception as err:  # noqa: BLE001 (memory, I/O, locking: stay on disk, say why)
        log_to_stderr(f"build {version} stays on disk: its replica could not be loaded ({err})")
        return version, None, "disk"
    log_to_stderr(f"build {version} {IN_MEMORY} ({len(replica):,} quads, "
                  f"{time.perf_counter() - started:.1f} s to load in the zygote; {why})")
    return version, replica, "memory"


def zygote_entry() -> None:
    """``python -c ZYGOTE_CODE FD STORE_HOME`` (store/oxigraph/executor.py starts it)."""
    fd, home = int(sys.argv[1]), StoreHome(Path(sys.argv[2]))
    channel = Channel(socket.socket(fileno=fd))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the parent decides
    try:
        env, _ = channel.recv()
    except (EOFError, OSError):
        return
    version, store, where = load(home, env)
    try:
        channel.send({"ready": version, "where": where})
    except OSError:
        return
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the select below
    while True:
        if not _reap(channel):
            return
        try:
            readable, _, _ = select.select([channel.sock.fileno(), wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 4096)
        if channel.sock.fileno() in readable:
            try:
                message, _ = channel.recv()
            except (EOFError, OSError):
                return
            if message.get("fork"):
                _fork(channel, home, env, version, store, where, (wake_r, wake_w))


def _fork(channel: Channel, home: StoreHome, env: Env, version: str | None, store: Store | None,
          where: str, wake: tuple[int, int]) -> None:
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the executor
        code = 0
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for descriptor in wake:
                os.close(descriptor)
            channel.close()
            parent_end.close()
            executor_main(Channel(child_end), env, Preloaded(home, version, store, where))  # type: ignore[arg-type]
        except BaseException:  # noqa: BLE001 (never return into the zygote's loop)
            code = 1
        finally:
            os._exit(code)
    child_end.close()
    try:
        channel.send({"forked": pid}, fd=parent_end.fileno())
    except OSError:
        os.kill(pid, signal.SIGKILL)
    finally:
        parent_end.close()


def _reap(channel: Channel) -> bool:
    """Report the executors that ended; ``False`` when the parent is gone."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            return True
        try:
            channel.send({"exit": pid, "status": os.waitstatus_to_exitcode(status)})
        except OSError:
            return False
