"""What one manifest entry asks a fetcher for, what a fetcher answers, and the contract between them.

A fetcher reads its keys through :class:`Entry`: a key of the ``[[files]]`` entry wins over the same key at
the top of the manifest, so one manifest can hold files of several datasets (the Heritage Days, one
dataset per year) or of several portals. The keys of each fetcher are documented in docs/sources.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from culturegraph.sources.fetchers.client import FetchError, HttpClient
from culturegraph.sources.manifest import Manifest, SourceFile

# What we ask for, by export format; */* last: a portal may label a CSV application/octet-stream.
ACCEPT = {"csv": "text/csv, */*;q=0.5", "json": "application/json, */*;q=0.5",
          "geojson": "application/geo+json, application/json;q=0.9, */*;q=0.5"}
MANIFEST_KEYS = frozenset(f.name for f in fields(Manifest)) - {"folder", "files", "extra"}


@dataclass(frozen=True)
class Entry:
    """One ``fetch = true`` file of a manifest, with the base URL given on the command line, if any."""

    manifest: Manifest
    file: SourceFile
    base_override: str | None = None  # `--portal`: replaces the API's base URL (mirrors, tests)

    @property
    def label(self) -> str:
        return f"{self.manifest.folder.name}/{self.file.name}"

    @property
    def manifest_path(self) -> Path:
        return self.manifest.folder / "manifest.toml"

    def get(self, key: str, default: Any = None) -> Any:
        """The file's own value of ``key``, else the manifest's, else ``default``."""
        if key in self.file.extra:
            return self.file.extra[key]
        if hasattr(self.file, key) and key != "extra":
            value = getattr(self.file, key)
            if value not in ("", None):
                return value
        if key in MANIFEST_KEYS:
            value = getattr(self.manifest, key)
            return value if value not in ("", None) else default
        return self.manifest.extra.get(key, default)

    def text(self, key: str, default: str = "") -> str:
        value = self.get(key, default)
        if not isinstance(value, str):
            raise FetchError(f"{self.manifest_path}: `{key}` of {self.file.name} must be a string, "
                             f"not {value!r}")
        return value

    def required(self, key: str, why: str) -> str:
        value = self.text(key)
        if not value:
            raise FetchError(f"{self.manifest_path}: no `{key}` for {self.file.name} ({why})")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FetchError(f"{self.manifest_path}: `{key}` must be a list of strings, not {value!r}")
        return value

    def base(self, key: str, default: str = "") -> str:
        """The API's base URL (``--portal`` if given), without a trailing slash."""
        base = self.base_override or self.text(key, default)
        if not base:
            raise FetchError(f"{self.manifest_path}: no `{key}` (the portal's base URL) for {self.file.name}")
        return base.rstrip("/")

    def max_bytes(self) -> int | None:
        value = self.get("max_bytes")
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise FetchError(f"{self.manifest_path}: `max_bytes` must be a positive integer, not {value!r}")
        return value


@dataclass(frozen=True)
class Checksum:
    algorithm: str  # a hashlib name: sha1, sha256, md5
    value: str  # lower-case hex

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.value}"


@dataclass(frozen=True)
class Remote:
    """The file a fetcher found for an entry: where to GET it, and what the portal says of it."""

    url: str
    accept: str
    what: str  # names it in messages: "resource 'X.csv' (id) of data.gouv.fr dataset <id>"
    checksum: Checksum | None = None  # announced by the portal; the download must match it
    size: int | None = None  # announced by the portal (informative: it may be stale)
    modified: str = ""  # the portal's last modification date of the file
    resource_id: str = ""
    note: str = ""  # e.g. "checksum type 'crc' not verified"


class Fetcher(Protocol):
    """Finds, for a manifest entry, the remote file to download. One per portal kind (``FETCHERS``)."""

    def hosts(self, entry: Entry) -> set[str]:
        """The hosts this entry's downloads may go to (the API's, the portal's file hosts)."""
        ...

    def locate(self, entry: Entry, client: HttpClient) -> Remote:
        """The remote file of ``entry`` (may ask the portal's API through ``client``)."""
        ...


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
