"""The one HTTP client of every fetcher: limits, retries, redirects kept to the hosts it was told about.

Built on urllib3 (connection pooling, separate connect/read timeouts, chunked bodies, ``Content-Length``
enforcement, ``Retry-After`` parsing). The retry loop and the redirect loop are ours, not urllib3's
``Retry``: a retry must also cover a body cut half-way (urllib3 retries only until the headers), the
waits go through an injectable ``sleep`` (tests record them), and every redirect hop is checked against
the allowed hosts *before* it is requested.

Limits (defaults in :class:`HttpPolicy`, documented in docs/sources.md): a timeout per network operation,
a number of attempts with exponential back-off, the longest ``Retry-After`` we agree to wait, a number of
redirect hops, the size of a download and of an API answer. Every failure is a :class:`FetchError` whose
message starts with the request (``GET <url> → HTTP <status>`` or ``GET <url> failed: <reason>``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

import urllib3
from tqdm import tqdm
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import IncompleteRead, InvalidHeader, ProtocolError, ReadTimeoutError
from urllib3.util import Retry

import culturegraph

USER_AGENT = (f"culturegraph/{culturegraph.__version__} (+{{site}}; Linked Open Data of the French "
              "Ministry of Culture's open data; culturegraph fetch)")  # {site}: the deployment's base IRI
CHUNK = 1 << 16
T = TypeVar("T")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Digests a portal may announce (udata: sha1, sha2, sha256, md5; "sha2" is its older name of sha256).
DIGESTS = {"sha1": "sha1", "sha256": "sha256", "sha2": "sha256", "md5": "md5"}


class FetchError(Exception):
    """A download the user must hear about. The previous file and manifest are untouched."""


class StatusError(FetchError):
    """The server answered with an error status that another attempt will not cure (404, 410, 403…)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Transient(Exception):
    """A failure another attempt may cure; ``retry_after`` is the server's own wish, in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class HttpPolicy:
    """Every limit of the client. The n-th wait is ``backoff_s * 2**(n-1)``, at most ``max_wait_s``."""

    timeout_s: float = 60.0  # to connect, and for each read of the body
    attempts: int = 4  # per request, the first one included
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    # A Retry-After beyond this is not waited for: we give up and say so.
    max_retry_after_s: float = 300.0
    max_redirects: int = 5
    max_bytes: int = 1 << 30  # a downloaded file (1 GiB); a manifest's `max_bytes` may lower or raise it
    max_api_bytes: int = 16 << 20  # an API answer (JSON)
    site: str = "https://culturegraph.example/"  # named in the User-Agent: who to tell if we misbehave
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int) -> float:
        return float(min(self.backoff_s * 2.0 ** (attempt - 1), self.max_wait_s))


@dataclass(frozen=True)
class Download:
    """A complete body in a temporary file beside its target, with its digests."""

    path: Path
    url: str  # the URL asked for (redirects, if any, end at `final_url`)
    final_url: str
    status: int
    digests: dict[str, str]  # algorithm -> hex digest; always "sha256"
    size: int

    @property
    def sha256(self) -> str:
        return self.digests["sha256"]

    @property
    def request(self) -> str:
        return f"GET {self.url} → HTTP {self.status}"


def retry_after(value: str | None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/bad."""
    if not value or not value.strip():
        return None
    try:
        return float(Retry.DEFAULT.parse_retry_after(value.strip()))
    except InvalidHeader:
        return None


def with_retries(policy: HttpPolicy, call: Callable[[], T], wait: Callable[[float], None]) -> T:
    """``call()``, again after each :class:`Transient` failure, up to ``policy.attempts`` in all: after the
    server's ``Retry-After`` when it gives one (past ``policy.max_retry_after_s``: give up and say so),
    else the policy's back-off; ``wait(seconds)`` does the waiting (injectable in tests)."""
    attempts = max(1, policy.attempts)
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Transient as err:
            if attempt == attempts:
                raise FetchError(f"{err} (gave up after {attempts} attempt{'s' * (attempts > 1)})") from None
            if err.retry_after is not None and err.retry_after > policy.max_retry_after_s:
                raise FetchError(f"{err}: the server asks to retry after {err.retry_after:.0f} s; "
                                 "try again later") from None
            wait(err.retry_after if err.retry_after is not None else policy.delay(attempt))
    raise AssertionError("unreachable")


def _reason(err: BaseException) -> str:
    """The useful part of a urllib3 error (its cause, not the pool's repr)."""
    if isinstance(err, ReadTimeoutError):
        return "timed out"
    cause = getattr(err, "reason", None) or (err.args[1] if isinstance(err, ProtocolError)
                                              and len(err.args) > 1 else None)
    text = str(cause or err) or type(err).__name__
    return text


class HttpClient:
    """GET with the policy's limits, only to ``allowed_hosts`` (host names, compared case-insensitively)."""

    def __init__(self, policy: HttpPolicy, allowed_hosts: Iterable[str]) -> None:
        self.policy = policy
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.user_agent = USER_AGENT.format(site=policy.site)
        self._timeout = urllib3.Timeout(connect=policy.timeout_s, read=policy.timeout_s)
        self._direct = urllib3.PoolManager(timeout=self._timeout, retries=False)
        self._proxies = getproxies()  # http_proxy/https_proxy/no_proxy, as urllib and curl read them
        self._via: dict[str, urllib3.ProxyManager] = {}

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in (self._direct, *self._via.values()):
            pool.clear()

    def _pool_for(self, url: str) -> urllib3.PoolManager:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        host = parts.hostname or ""
        if not proxy or _loopback(host) or proxy_bypass(host):
            return self._direct
        if proxy not in self._via:
            self._via[proxy] = urllib3.ProxyManager(proxy, timeout=self._timeout, retries=False)
        return self._via[proxy]

    def check_host(self, url: str, what: str) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise FetchError(f"{what} {url!r} is not an http(s) URL")
        if host not in self.allowed_hosts:
            allowed = ", ".join(sorted(self.allowed_hosts))
            raise FetchError(f"{what} {url} is on host {host!r}, not one of the allowed hosts "
                             f"({allowed}); list it in `allowed_hosts` of the manifest if it is trusted")

    # -- one attempt ---------------------------------------------------------------------------------

    def _open(self, url: str, accept: str) -> tuple[urllib3.BaseHTTPResponse, str]:
        """The response to GET ``url`` after redirects (body not read yet) and the URL that gave it."""
        current = url
        self.check_host(current, "GET")
        for _hop in range(self.policy.max_redirects + 1):
            try:
                response = self._pool_for(current).urlopen("GET", current, redirect=False,
                                                           preload_content=False,
                                              headers={"User-Agent": self.user_agent, "Accept": accept})
            except (Urllib3Error, OSError) as err:
                raise Transient(f"GET {current} failed: {_reason(err)}") from None
            if response.status not in REDIRECTS:
                return response, current
            location = response.headers.get("Location", "")
            response.drain_conn()
            response.release_conn()
            if not location:
                raise FetchError(f"GET {current} → HTTP {response.status} without a Location header")
            target = urljoin(current, location)
            if urlsplit(current).scheme == "https" and urlsplit(target).scheme != "https":
                raise FetchError(f"GET {current} → HTTP {response.status}: refused redirect from https to "
                                 f"{target}")
            self.check_host(target, f"GET {current} → HTTP {response.status}: redirect to")
            current = target
        raise FetchError(f"GET {url}: more than {self.policy.max_redirects} redirects (last {current})")

    def _status(self, response: urllib3.BaseHTTPResponse, url: str) -> None:
        """Raise for an error status: transient (429, 5xx) or not; the API's own message is quoted."""
        if response.status < 400:
            return
        message = f"GET {url} → HTTP {response.status} {response.reason or ''}".rstrip()
        try:
            body = response.read(4096, decode_content=True)
        except (Urllib3Error, OSError):
            body = b""
        response.release_conn()
        detail = _api_message(body)
        if detail:
            message += f": {detail}"
        if response.status == 429 or response.status >= 500:
            raise Transient(message, retry_after(response.headers.get("Retry-After")))
        raise StatusError(message, response.status)

    def _get_json(self, url: str) -> Any:
        response, final = self._open(url, "application/json")
        self._status(response, url)
        limit = self.policy.max_api_bytes
        try:
            body = response.read(limit + 1, decode_content=True)
        except (Urllib3Error, OSError) as err:
            raise Transient(f"GET {url} → HTTP {response.status}: answer interrupted: "
                             f"{_reason(err)}") from None
        finally:
            response.release_conn()
        if len(body) > limit:
            raise FetchError(f"GET {url} → HTTP {response.status}: answer larger than {limit:,} bytes")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise FetchError(f"GET {url} → HTTP {response.status}: not JSON ({kind}): {err}") from None

    def _download(self, url: str, folder: Path, name: str, accept: str, digests: tuple[str, ...],
                  max_bytes: int, progress: bool) -> Download:
        response, final = self._open(url, accept)
        self._status(response, url)
        status = response.status
        header = response.headers.get("Content-Length", "")
        expected = int(header) if header.strip().isdigit() else None
        if expected is not None and expected > max_bytes:
            response.release_conn()
            raise FetchError(f"GET {url} → HTTP {status}: {expected:,} bytes announced, more than the limit "
                             f"of {max_bytes:,} (`max_bytes`)")
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        tmp = Path(tmp_name)
        hashes = {algorithm: hashlib.new(algorithm) for algorithm in {"sha256", *digests}}
        size = 0
        done = False
        try:
            with os.fdopen(fd, "wb") as out, tqdm(total=expected, unit="B", unit_scale=True,
                                                  unit_divisor=1024, desc=name[:40], leave=False,
                                                  disable=not progress) as bar:
                while True:
                    try:
                        chunk = response.read1(CHUNK)  # what has arrived: smooth progress, partial counts
                    except (Urllib3Error, OSError) as err:
                        cause = err.args[1] if isinstance(err, ProtocolError) and len(err.args) > 1 else err
                        if isinstance(cause, IncompleteRead) and expected is not None:
                            raise Transient(f"GET {url} → HTTP {status}: body truncated: received {size} of "
                                             f"the {expected} bytes announced by Content-Length") from None
                        raise Transient(f"GET {url} → HTTP {status}: download interrupted after {size} "
                                         f"bytes: {_reason(err)}") from None
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"GET {url} → HTTP {status}: body larger than the limit of "
                                         f"{max_bytes:,} bytes (`max_bytes`)")
                    out.write(chunk)
                    for digest in hashes.values():
                        digest.update(chunk)
                    bar.update(len(chunk))
                out.flush()
                os.fsync(out.fileno())
            if expected is not None and size != expected:
                raise Transient(f"GET {url} → HTTP {status}: body truncated: received {size} of the "
                                 f"{expected} bytes announced by Content-Length")
            done = True
        finally:
            response.release_conn()
            if not done:
                tmp.unlink(missing_ok=True)
        return Download(path=tmp, url=url, final_url=final, status=status, size=size,
                        digests={algorithm: h.hexdigest() for algorithm, h in hashes.items()})

    # -- with retries --------------------------------------------------------------------------------

    def _retrying(self, call: Callable[[], T]) -> T:
        return with_retries(self.policy, call, self.policy.sleep)

    def get_json(self, url: str) -> Any:
        """The decoded JSON answer of GET ``url``."""
        return self._retrying(lambda: self._get_json(url))

    def download(self, url: str, folder: Path, name: str, *, accept: str = "*/*",
                 digests: tuple[str, ...] = (), max_bytes: int | None = None,
                 progress: bool = False) -> Download:
        """GET ``url`` into a temporary file of ``folder``, hashed with sha256 and ``digests``."""
        limit = self.policy.max_bytes if max_bytes is None else max_bytes
        return self._retrying(lambda: self._download(url, folder, name, accept, digests, limit, progress))


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _api_message(body: bytes) -> str:
    """A short, printable message from an error answer: the JSON ``message``/``error`` if any."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    if isinstance(data, dict):
        for key in ("message", "error", "error_code"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())[:300]
    return ""
