"""Fairness between clients of the SPARQL endpoint (issue 9): a per-client budget of queries at once and
of query-seconds per minute, past which a query is answered 429 with ``Retry-After``.

The client is its address (``REMOTE_ADDR``) — an IPv6 address by its /64, what one host or one home
usually holds —, or, when the request comes from a configured trusted proxy (``trusted_proxies``), the
nearest address of ``X-Forwarded-For`` that is not a trusted proxy itself (the ones further left are
whatever the client wrote). Query-seconds are a leaky bucket: each evaluated query adds its wall time,
which drains at ``seconds_per_minute / 60`` per second; a client whose bucket holds more than
``seconds_per_minute`` waits until it has drained below. Answers from the result cache cost nothing and
are never refused. The budget is kept per web worker process (nothing is shared between processes), so
with W workers a client whose connections reach several of them may get up to W times its budget.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

PRUNE_EVERY = 4096  # admissions between two sweeps of idle clients


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds
    message: str
    reason: str  # "concurrency" or "seconds" (metrics)


@dataclass
class _State:
    running: int = 0
    spent: float = 0.0  # seconds in the bucket at ``updated``
    updated: float = 0.0


def _networks(addresses: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(a, strict=False) for a in addresses)


class ClientBudget:
    def __init__(self, max_concurrent: int, seconds_per_minute: float, trusted_proxies: Iterable[str] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_concurrent = max_concurrent
        self.seconds_per_minute = seconds_per_minute
        self.rate = seconds_per_minute / 60.0
        self.trusted = _networks(trusted_proxies)
        self.clock = clock
        self._clients: dict[str, _State] = {}
        self._lock = threading.Lock()
        self._admitted = 0

    # who -------------------------------------------------------------------------------------------

    def client(self, environ: dict[str, Any]) -> str:
        """The client's key: its address (IPv6: its /64), through trusted proxies."""
        address = environ.get("REMOTE_ADDR") or "unknown"
        if self.trusted and self._is_trusted(address):
            forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            for hop in reversed(forwarded):
                address = hop
                if not self._is_trusted(hop):
                    break
        return _key(address)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    # how much --------------------------------------------------------------------------------------

    def admit(self, client: str) -> Refusal | None:
        """Count a query of ``client`` as running, or say why it may not run now."""
        now = self.clock()
        with self._lock:
            state = self._clients.get(client)
            if state is None:
                state = self._clients[client] = _State(updated=now)
            self._drain(state, now)
            if state.running >= self.max_concurrent:
                return Refusal(1, f"Too many queries at once from your address: {state.running} are running "
                                  f"and the limit is {self.max_concurrent} (client_max_queries). Wait for "
                                  "them to finish.", "concurrency")
            if state.spent >= self.seconds_per_minute:
                wait = max(1, math.ceil((state.spent - self.seconds_per_minute) / self.rate) + 1)
                return Refusal(wait, f"Your address used its query time: {state.spent:.1f} s of evaluation "
                                     f"in the last minute or so, and the budget is "
                                     f"{self.seconds_per_minute:g} s per minute (client_query_seconds). "
                                     f"Try again in {wait} s.", "seconds")
            state.running += 1
            self._admitted += 1
            if self._admitted % PRUNE_EVERY == 0:
                self._prune(now)
        return None

    def done(self, client: str, seconds: float) -> None:
        """A query of ``client`` admitted by :meth:`admit` has ended after ``seconds``."""
        now = self.clock()
        with self._lock:
            state = self._clients.setdefault(client, _State(updated=now))
            self._drain(state, now)
            state.running = max(0, state.running - 1)
            state.spent += max(0.0, seconds)

    def _drain(self, state: _State, now: float) -> None:
        state.spent = max(0.0, state.spent - (now - state.updated) * self.rate)
        state.updated = now

    def _prune(self, now: float) -> None:
        for key in [k for k, s in self._clients.items()
                    if s.running == 0 and s.spent <= (now - s.updated) * self.rate]:
            del self._clients[key]

    def __len__(self) -> int:
        return len(self._clients)


def _key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
