"""``data/sources/<source>/manifest.toml``: what each shipped file is, where it came from, its checksum."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

MANIFEST = "manifest.toml"


@dataclass
class SourceFile:
    name: str
    url: str = ""
    fetch: bool = False  # may `culturegraph fetch` replace it with the portal's current export?
    # Is the file in the checkout? ``shipped = false``: declared so that `culturegraph fetch <source>` can
    # download it (no copy could be shipped); the build reads it once it is there and skips it until then.
    shipped: bool = True
    export_format: str = "csv"
    date: str = ""
    sha256: str = ""
    bytes: int = 0
    note: str = ""
    format: str = ""  # the reader of this file, when not the manifest's ``format``
    # The page of what this file is a copy or extraction of, when that is not the manifest's portal dataset
    # (a third party's extraction of a PDF published elsewhere): its prov:wasDerivedFrom.
    origin: str = ""
    retrieved: str = ""  # the day the copy was retrieved (YYYY-MM-DD), when known apart from ``date``
    # Any other key of the entry (what a fetcher needs, what it recorded: docs/sources.md), kept as written.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, data: dict[str, Any]) -> SourceFile:
        known = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{k: v for k, v in data.items() if k in known},
                   extra={k: v for k, v in data.items() if k not in known})

    def to_toml(self) -> dict[str, Any]:
        # no empty `format`, `origin`, `retrieved`; no `shipped = true` (the defaults: manifests stay as
        # written)
        data = {k: v for k, v in asdict(self).items()
                if not (k in ("format", "origin", "retrieved") and not v) and not (k == "shipped" and v)}
        extra = data.pop("extra")
        return {**data, **extra}


@dataclass
class Manifest:
    folder: Path
    source: str
    title: str
    portal: str
    portal_dataset_id: str
    licence: str
    licence_url: str
    attribution: str
    files: list[SourceFile]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        """The reader of the source's files (``format = "json"`` in the manifest; ``csv`` by default)."""
        return str(self.extra.get("format", "csv"))

    def format_of(self, file: SourceFile) -> str:
        return file.format or self.format

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        data = tomllib.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = [SourceFile.from_toml(f) for f in data.pop("files", [])]
        known = {k: data.pop(k, "") for k in ("source", "title", "portal", "portal_dataset_id",
                                             "licence", "licence_url", "attribution")}
        return cls(folder=folder, files=files, extra=data, **known)

    def path(self, file: SourceFile) -> Path:
        return self.folder / file.name

    def page_of(self, file: SourceFile) -> str:
        """The page a file was derived from: its own ``origin``, else the manifest's portal dataset."""
        return file.origin or f"{self.portal}/explore/dataset/{self.portal_dataset_id}/"

    def save(self) -> None:
        """Write atomically (temp file + rename)."""
        data: dict[str, Any] = {
            "source": self.source, "title": self.title, "portal": self.portal,
            "portal_dataset_id": self.portal_dataset_id, "licence": self.licence,
            "licence_url": self.licence_url, "attribution": self.attribution, **self.extra,
            "files": [f.to_toml() for f in self.files],
        }
        tmp = self.folder / f".{MANIFEST}.tmp"
        with tmp.open("wb") as f:
            f.write(tomli_w.dumps(data).encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(self.folder / MANIFEST)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifests(sources_dir: Path) -> dict[str, Manifest]:
    return {folder.name: Manifest.load(folder)
            for folder in sorted(sources_dir.iterdir()) if (folder / MANIFEST).is_file()}
