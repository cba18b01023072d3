"""Which SERVICE endpoints a query may call (issue 9): the allow-list's I/O half (rdf/guard.py reads the
query; this checks the addresses).

By default the allow-list (``service_allowlist``) is empty and rdf/guard.py refuses every SERVICE. A
deployment that lists endpoints still gets these checks before each query that calls one:

* never our own endpoint: not this site's host (refused in the settings already), nor the host and port
  the request came to (a name or address of this server that the base IRI does not show);
* a listed endpoint named by a host name must resolve to public addresses only: a name that resolves
  to a loopback, private, link-local, multicast or reserved address is refused (a DNS change, or a
  mistake, must not turn the allow-list into a way into the local network). An endpoint listed with a
  literal address (``http://10.0.0.5:7878/query``) is explicitly listed: it is allowed as it is.

Oxigraph resolves the name again when it connects; the window between the two resolutions is what an
operator accepts by listing a name (resolution here is cached for ``DNS_TTL`` seconds).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from culturegraph.rdf.guard import QueryRefused

DNS_TTL = 60.0
_resolved: dict[tuple[str, int], tuple[float, tuple[str, ...]]] = {}
_lock = threading.Lock()


def resolve(host: str, port: int) -> tuple[str, ...]:
    now = time.monotonic()
    with _lock:
        cached = _resolved.get((host, port))
    if cached is not None and now - cached[0] < DNS_TTL:
        return cached[1]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = tuple(sorted({str(info[4][0]) for info in infos}))
    with _lock:
        _resolved[(host, port)] = (now, addresses)
    return addresses


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_endpoints(endpoints: Iterable[str], environ: dict[str, Any]) -> None:
    """Refuse (:class:`QueryRefused`) an endpoint that is this server or resolves to a non-public address."""
    own = {str(environ.get("HTTP_HOST", "")).lower(),
           f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}".lower()}
    for endpoint in endpoints:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.netloc.lower() in own or f"{host}:{port}" in own:
            raise QueryRefused(f"SERVICE <{endpoint}> is this endpoint itself: a query never calls its own "
                               "endpoint.", "service")
        try:
            ipaddress.ip_address(host.strip("[]"))
            continue  # a literal address in the allow-list: explicitly listed
        except ValueError:
            pass
        try:
            addresses = resolve(host, port)
        except OSError:
            raise QueryRefused(f"SERVICE <{endpoint}>: its host name does not resolve.", "service",
                               status=502) from None
        hidden = [a for a in addresses if not _public(a)]
        if hidden or not addresses:
            raise QueryRefused(f"SERVICE <{endpoint}>: its host name resolves to a non-public address "
                               f"({', '.join(hidden) or 'none'}); list the endpoint by its address to allow "
                               "it.", "service")
