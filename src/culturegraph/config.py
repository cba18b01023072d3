"""Configuration: one home for paths, the base IRI and limits. Defaults work offline from a checkout.

Every setting can come from the environment (``CULTUREGRAPH_*``) or the CLI; nothing else reads the
environment.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

# The canonical base the shipped ontology, shapes and golden files are written with. A deployment
# under another domain sets CULTUREGRAPH_BASE_IRI; files are rebased when loaded (see ``rebase``).
DEFAULT_BASE_IRI = "https://culturegraph.example/"

PACKAGE = Path(__file__).resolve().parent
# The shipped files — data/sources/, ontology/, queries/ — are read under the project root: the checkout
# (src/culturegraph/ is two levels below it), or, for an installed package (``pip install .``), the copy
# the wheel carries in culturegraph/shipped/. CULTUREGRAPH_HOME points elsewhere (one setting).
_CHECKOUT = PACKAGE.parents[1]
SHIPPED = PACKAGE / "shipped"
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "ontology").is_dir()
PROJECT_ROOT = _CHECKOUT if IN_CHECKOUT else SHIPPED


def _default_store() -> Path:
    """``var/graph`` of the checkout; for an installed package, ``$XDG_DATA_HOME/culturegraph/graph``
    (``~/.local/share/culturegraph/graph``): never inside site-packages."""
    if IN_CHECKOUT:
        return _CHECKOUT / "var" / "graph"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser().resolve() / "culturegraph" / "graph"


# Where the SPARQL executors evaluate (store/oxigraph/replica.py): an in-memory replica of the build,
# or the store.
QUERY_STORES = ("memory", "disk")
# Issue 9, connections: (setting, variable, lowest, highest). Granian takes whole milliseconds up to 60 s
# for the header timeout.
CONNECTION_LIMITS = (
    ("header_timeout_s", "CULTUREGRAPH_HEADER_TIMEOUT", 0.001, 60),
    ("body_timeout_s", "CULTUREGRAPH_BODY_TIMEOUT", 0.001, 3600),
    ("send_timeout_s", "CULTUREGRAPH_SEND_TIMEOUT", 0.001, 3600),
    ("max_body_bytes", "CULTUREGRAPH_MAX_BODY_BYTES", 1024, 1 << 40),
    ("max_connections", "CULTUREGRAPH_MAX_CONNECTIONS", 16, 1_000_000),
    ("page_threads", "CULTUREGRAPH_PAGE_THREADS", 1, 1024),
    ("query_threads", "CULTUREGRAPH_QUERY_THREADS", 1, 1024),
    ("max_pending_queries", "CULTUREGRAPH_MAX_PENDING_QUERIES", 1, 1_000_000),
)


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message names the setting and its variable."""


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


Number = TypeVar("Number", int, float)


def _env_number(name: str, default: Number, parse: Callable[[str], Number], what: str) -> Number:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return parse(value)
    except ValueError:
        raise SettingsError(f"{name} must be {what}, not {value!r}") from None


# --- issue 9, queries: the variables of the query limits, their bounds, and their checks ----------------
# (setting, variable, lowest, highest, parse)
QUERY_LIMITS: tuple[tuple[str, str, float, float, Callable[[str], float]], ...] = (
    ("query_max_depth", "CULTUREGRAPH_QUERY_MAX_DEPTH", 1, 10_000, int),
    ("query_max_nodes", "CULTUREGRAPH_QUERY_MAX_NODES", 1, 1_000_000, int),
    ("query_timeout_floor_s", "CULTUREGRAPH_QUERY_TIMEOUT_FLOOR", 0, 3600, float),
    ("query_memory_mb", "CULTUREGRAPH_QUERY_MEMORY_MB", 16, 1 << 24, int),
    ("max_result_bytes", "CULTUREGRAPH_MAX_RESULT_BYTES", 1024, 1 << 50, int),
    ("client_max_queries", "CULTUREGRAPH_CLIENT_MAX_QUERIES", 1, 100_000, int),
    ("client_query_seconds", "CULTUREGRAPH_CLIENT_QUERY_SECONDS", 0.001, 1e9, float),
    # logins and API tokens (web/auth.py): failures per client, per account, and their window
    ("auth_failures_per_client", "CULTUREGRAPH_AUTH_FAILURES_PER_CLIENT", 1, 1_000_000, int),
    ("auth_failures_per_account", "CULTUREGRAPH_AUTH_FAILURES_PER_ACCOUNT", 1, 1_000_000, int),
    ("auth_window_s", "CULTUREGRAPH_AUTH_WINDOW_S", 1, 30 * 86400, int),
)
QUERY_LISTS = (("service_allowlist", "CULTUREGRAPH_SERVICE_ALLOWLIST"),
               ("trusted_proxies", "CULTUREGRAPH_TRUSTED_PROXIES"))


def _query_settings_from_env() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, variable, _low, _high, parse in QUERY_LIMITS:
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                found[name] = parse(value)
            except ValueError:
                raise SettingsError(f"{variable} must be {'an integer' if parse is int else 'a number'}, "
                                    f"not {value!r}") from None
    for name, variable in QUERY_LISTS:
        items = os.environ.get(variable, "").replace(",", " ").split()
        if items:
            found[name] = tuple(items)
    return found


def _check_query_limits(settings: Settings) -> None:
    import ipaddress

    for name, variable, low, high, parse in QUERY_LIMITS:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not low <= value <= high or (parse is int and not isinstance(value, int)):
            raise SettingsError(f"{name} ({variable}) must be {'an integer' if parse is int else 'a number'} "
                                f"between {low:g} and {high:g}, not {value!r}")
    own = urlsplit(settings.base_iri)
    for iri in settings.service_allowlist:
        parts = urlsplit(iri)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.fragment:
            raise SettingsError(f"service_allowlist (CULTUREGRAPH_SERVICE_ALLOWLIST) takes absolute http(s) "
                                f"IRIs without user info or fragment, not {iri!r}")
        if parts.hostname == own.hostname:
            raise SettingsError(f"service_allowlist (CULTUREGRAPH_SERVICE_ALLOWLIST): {iri!r} is on this "
                                f"site's own host ({own.hostname}): an endpoint never queries itself")
    for address in settings.trusted_proxies:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            raise SettingsError(f"trusted_proxies (CULTUREGRAPH_TRUSTED_PROXIES) takes IP addresses or "
                                f"networks, not {address!r}") from None
# --- end of issue 9, queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Where things are and how the graph is published."""

    base_iri: str = DEFAULT_BASE_IRI
    project_root: Path = PROJECT_ROOT
    store_home: Path = field(default_factory=_default_store)
    # SPARQL endpoint limits
    query_timeout_s: float = 30.0
    max_query_bytes: int = 1_000_000
    # --- issue 9, queries (docs/serving.md, "Operating a public endpoint"; rdf/guard.py, web/budget.py,
    # store/oxigraph/executor.py). Each has a CULTUREGRAPH_* variable: QUERY_LIMITS below. ---------
    # Brackets open at once, and operators + keywords, in a query (400 past them; rdf/guard.py).
    query_max_depth: int = 100
    query_max_nodes: int = 10_000
    # A client's timeout= below this is raised to it (a timeout kills an executor: it is not free).
    query_timeout_floor_s: float = 1.0
    # Memory an executor may take for one query on top of what it holds (its replica), MiB (then 503).
    query_memory_mb: int = 2048
    # Largest result, bytes (then an explicit error, never a truncated 200).
    max_result_bytes: int = 100_000_000
    # Endpoints SERVICE may call (absolute http(s) IRIs, space- or comma-separated); empty: none.
    service_allowlist: tuple[str, ...] = ()
    # Per client (its address, or X-Forwarded-For from a trusted proxy): queries at once, and seconds of
    # evaluation per minute (then 429 + Retry-After).
    client_max_queries: int = 4
    client_query_seconds: float = 60.0
    # Addresses of reverse proxies whose X-Forwarded-For names the client (space- or comma-separated).
    trusted_proxies: tuple[str, ...] = ()
    # Failed logins and bad API tokens (web/auth.py): per client and per curator account in a window,
    # then 429 without computing any hash.
    auth_failures_per_client: int = 5
    auth_failures_per_account: int = 20
    auth_window_s: int = 600
    # --- end of issue 9, queries ------------------------------------------------------------------------
    # Query executor processes per web worker (web/sparql.py): the queries a worker runs at once.
    query_executors: int = 2
    # Where the executors evaluate: "memory" (an in-memory replica of the build, loaded in the background
    # when the machine has room for it; several times faster) or "disk" (store/oxigraph/replica.py).
    query_store: str = "memory"
    # Builds kept beside the current one, so that readers still on an older one keep working.
    keep_builds: int = 2
    # Datasets beyond the shipped ones and installed entry points (datasets/registry.py): importable
    # module names or package folders.
    datasets: tuple[str, ...] = ()
    # A remote SPARQL store to publish to and read from (store/backends.py): the root URL of a server with
    # the SPARQL 1.1 Protocol at <url>/query and the Graph Store Protocol at <url>/store (oxigraph serve).
    # Empty: the embedded Oxigraph store under store_home.
    store_url: str = ""
    # --- issue 9, connections (docs/serving.md, "Operating a public endpoint"; web/front.py) ---------
    # Seconds a connection may take to send a request's headers; also how long an idle keep-alive
    # connection stays open (Granian's HTTP/1 header read timeout covers both).
    header_timeout_s: float = 10.0
    # Seconds a client may take to send a request body (then 408, connection closed).
    body_timeout_s: float = 10.0
    # Seconds a streamed response may wait for a client that does not read (then the connection is cut).
    send_timeout_s: float = 30.0
    # Largest request body, bytes (413 past it): a form-encoded query of max_query_bytes, percent-encoded.
    max_body_bytes: int = 4 << 20
    # Open connections per worker process (Granian's backpressure): idle ones are cheap, in Rust.
    max_connections: int = 10_000
    # Request threads per worker: pages and files, and SPARQL requests (waiting on the executors), apart.
    page_threads: int = 8
    query_threads: int = 16
    # SPARQL requests a worker holds (running and waiting for a thread) before answering 503 busy.
    max_pending_queries: int = 64
    # Hosts whose Host header links and Location may be built from (host or host:port, comma-separated);
    # any other Host gets links from base_iri. Empty: base_iri's host and the loopback names.
    allowed_hosts: tuple[str, ...] = ()
    # One line per request on stderr (production server).
    access_log: bool = True
    # The session cookie's Secure flag: "auto" (set unless the request is plain http to a loopback host),
    # "on" (always: behind a TLS proxy that forwards to 127.0.0.1 without the public Host), "off".
    secure_cookie: str = "auto"
    # --- end of issue 9, connections ---------------------------------------------------------------
    # --- issue 15, remarks (docs/remarks.md; src/culturegraph/remarks/) ---------------------------
    # The remarks' own store (SQLite in WAL mode), its secret key and its backups: outside builds/.
    # None: beside the store home, never in it (a rebuild prunes builds/) — see ``remarks_dir``.
    remarks_home: Path | None = None
    # Remarks one client (a salted hash of its address) may send per window, then 429 + Retry-After.
    remarks_per_window: int = 5
    remarks_window_s: int = 600
    # Longest remark text and proposed value, characters (the form and the protocol refuse longer).
    remark_max_chars: int = 4000
    # Where the corrections tables are written and read: None, each dataset's own (committed) table
    # (``DatasetSpec.corrections``); a folder, ``<folder>/<dataset>.csv`` (an installed, read-only
    # package; a test that must not touch the checkout).
    corrections_home: Path | None = None
    # --- end of issue 15 ---------------------------------------------------------------------------

    def __post_init__(self) -> None:
        # bool is an int: refuse it too (a flag passed where a count was meant).
        if isinstance(self.query_executors, bool) or not isinstance(self.query_executors, int) \
                or self.query_executors < 1:
            raise SettingsError(f"query_executors (CULTUREGRAPH_QUERY_EXECUTORS) must be an integer >= 1, "
                                f"not {self.query_executors!r}")
        if self.query_store not in QUERY_STORES:
            raise SettingsError(f"query_store (CULTUREGRAPH_QUERY_STORE, --query-store) must be one of "
                                f"{', '.join(QUERY_STORES)}, not {self.query_store!r}")
        remote = urlsplit(self.store_url)
        if self.store_url and (remote.scheme not in ("http", "https") or not remote.netloc
                               or remote.query or remote.fragment):
            raise SettingsError(f"store_url (CULTUREGRAPH_STORE_URL, --store-url) must be an http(s) URL "
                                f"without query or fragment, or empty, not {self.store_url!r}")
        base = urlsplit(self.base_iri)
        # Every IRI we mint starts with it, and it is dereferenced: an absolute http(s) IRI, a folder.
        if base.scheme not in ("http", "https") or not base.netloc or base.query or base.fragment \
                or not self.base_iri.endswith("/") or any(c in self.base_iri for c in ' <>"{}|\\^`'):
            raise SettingsError(f"base_iri (CULTUREGRAPH_BASE_IRI, --base-iri) must be an absolute http(s) "
                                f"IRI ending with '/', without query or fragment, not {self.base_iri!r}")
        if not math.isfinite(self.query_timeout_s) or self.query_timeout_s <= 0:
            raise SettingsError(f"query_timeout_s (CULTUREGRAPH_QUERY_TIMEOUT, --timeout) must be a positive "
                                f"number of seconds, not {self.query_timeout_s!r}")
        self._check_connections()
        _check_query_limits(self)  # issue 9, queries
        for name, low in (("remarks_per_window", 1), ("remarks_window_s", 1), ("remark_max_chars", 100)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise SettingsError(f"{name} (CULTUREGRAPH_{name.upper()}) must be an integer >= {low}, "
                                    f"not {value!r}")

    def _check_connections(self) -> None:
        """Issue 9, connections: the limits of web/front.py (each has a CULTUREGRAPH_* variable)."""
        for name, variable, low, high in CONNECTION_LIMITS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or not low <= value <= high:
                raise SettingsError(f"{name} ({variable}) must be a number between {low:g} and {high:g}, "
                                    f"not {value!r}")
        if self.secure_cookie not in ("auto", "on", "off"):
            raise SettingsError(f"secure_cookie (CULTUREGRAPH_SECURE_COOKIE) must be auto, on or off, "
                                f"not {self.secure_cookie!r}")
        for host in self.allowed_hosts:
            if not re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?", host):
                raise SettingsError(f"allowed_hosts (CULTUREGRAPH_ALLOWED_HOSTS) takes host or host:port "
                                    f"names, not {host!r}")

    @property
    def sources_dir(self) -> Path:
        return self.project_root / "data" / "sources"

    @property
    def enrichment_dir(self) -> Path:
        """The committed caches of ``culturegraph enrich`` (``wikidata/``), applied by every build."""
        return self.project_root / "data" / "enrichment"

    @property
    def remarks_dir(self) -> Path:
        """Issue 15: the remarks' store. ``remarks_home`` if set; else ``var/remarks`` beside the default
        store home (``$XDG_DATA_HOME/culturegraph/remarks`` for an installed package), or
        ``<store home>-remarks`` beside any other store home (each test home gets its own)."""
        if self.remarks_home is not None:
            return self.remarks_home
        if self.store_home == _default_store():
            return self.store_home.parent / "remarks"
        return self.store_home.parent / f"{self.store_home.name}-remarks"

    @property
    def ontology_dir(self) -> Path:
        return self.project_root / "ontology"

    @property
    def queries_dir(self) -> Path:
        return self.project_root / "queries"

    def rebase(self, text: str) -> str:
        """Rewrite a shipped file written against the default base IRI to this deployment's base."""
        if self.base_iri == DEFAULT_BASE_IRI:
            return text
        return text.replace(DEFAULT_BASE_IRI, self.base_iri)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _connection_settings() -> dict[str, Any]:
    """Issue 9, connections: the CULTUREGRAPH_* variables of CONNECTION_LIMITS, allowed hosts, access log."""
    defaults = Settings.__dataclass_fields__
    found: dict[str, Any] = {}
    for name, variable, _low, _high in CONNECTION_LIMITS:
        default: Any = defaults[name].default
        if isinstance(default, int):
            found[name] = _env_number(variable, default, int, "an integer")
        else:
            found[name] = _env_number(variable, float(default), float, "a number")
    hosts = os.environ.get("CULTUREGRAPH_ALLOWED_HOSTS", "")
    found["allowed_hosts"] = tuple(h.strip().lower() for h in hosts.split(",") if h.strip())
    log = os.environ.get("CULTUREGRAPH_ACCESS_LOG", "").strip().lower()
    if log:
        if log not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise SettingsError(f"CULTUREGRAPH_ACCESS_LOG must be on or off, not {log!r}")
        found["access_log"] = log in ("1", "true", "yes", "on")
    secure = os.environ.get("CULTUREGRAPH_SECURE_COOKIE", "").strip().lower()
    if secure:
        found["secure_cookie"] = secure
    return found


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, then explicit overrides (CLI options); ``None`` means unset."""
    base = os.environ.get("CULTUREGRAPH_BASE_IRI", DEFAULT_BASE_IRI)
    if not base.endswith("/"):
        base += "/"
    settings = Settings(
        base_iri=base,
        project_root=_env_path("CULTUREGRAPH_HOME", PROJECT_ROOT),
        store_home=_env_path("CULTUREGRAPH_STORE", _default_store()),
        query_timeout_s=_env_number("CULTUREGRAPH_QUERY_TIMEOUT", 30.0, float, "a number of seconds"),
        query_executors=_env_number("CULTUREGRAPH_QUERY_EXECUTORS", 2, int, "an integer"),
        query_store=os.environ.get("CULTUREGRAPH_QUERY_STORE", "memory"),
        store_url=os.environ.get("CULTUREGRAPH_STORE_URL", ""),
        datasets=tuple(d.strip() for d in os.environ.get("CULTUREGRAPH_DATASETS", "").split(os.pathsep)
                       if d.strip()),
        **_connection_settings(),
        **_query_settings_from_env(),  # issue 9, queries
        remarks_home=_env_path("CULTUREGRAPH_REMARKS", Path()) if os.environ.get("CULTUREGRAPH_REMARKS")
        else None,
        corrections_home=_env_path("CULTUREGRAPH_CORRECTIONS", Path())
        if os.environ.get("CULTUREGRAPH_CORRECTIONS") else None,
        remarks_per_window=_env_number("CULTUREGRAPH_REMARKS_PER_WINDOW", 5, int, "an integer"),
        remarks_window_s=_env_number("CULTUREGRAPH_REMARKS_WINDOW_S", 600, int, "an integer"),
        remark_max_chars=_env_number("CULTUREGRAPH_REMARK_MAX_CHARS", 4000, int, "an integer"),
    )
    given = {k: v for k, v in overrides.items() if v is not None}
    for name in ("store_home", "remarks_home", "corrections_home"):
        if name in given:
            given[name] = Path(str(given[name])).expanduser().resolve()
    if "base_iri" in given and not str(given["base_iri"]).endswith("/"):
        given["base_iri"] = f"{given['base_iri']}/"
    return settings.with_(**given) if given else settings
