"""``culturegraph fetch``: download the portals' current files into ``data/sources``, safely.

Every ``fetch = true`` entry of a source's ``manifest.toml`` names its portal kind (``portal_kind``,
default ``udata``); :data:`FETCHERS` maps the kind to the fetcher that finds the remote file — udata
(data.gouv.fr, where the ministry's datasets now live) or Opendatasoft (Explore API v2.1 exports, still
run by OpenAgenda's portal). The dataset ids and resource patterns are the manifest's, so a new
dataset or a new year is a manifest entry, not code (docs/sources.md lists the keys).

Then, the same for every kind: the file is streamed through the one :class:`HttpClient` (timeouts,
retries with back-off, ``Retry-After``, size cap, redirects only to allowed hosts) into a temporary file
beside the target, verified against the portal's checksum when it announces one, checked whole and
readable for its format (``check.py``), and only then swapped in while the manifest is rewritten (url,
date, sha256, bytes, and the portal's checksum and date). A failed or doubtful download leaves the
previous file and manifest exactly as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from culturegraph.config import Settings
from culturegraph.sources.fetchers.check import checker_for
from culturegraph.sources.fetchers.client import FetchError, HttpClient, HttpPolicy, retry_after
from culturegraph.sources.fetchers.install import install, save_entry
from culturegraph.sources.fetchers.opendatasoft import Opendatasoft
from culturegraph.sources.fetchers.spec import Entry, Fetcher, Remote
from culturegraph.sources.fetchers.udata import Udata
from culturegraph.sources.manifest import Manifest, SourceFile, load_manifests, sha256_file

__all__ = ["DEFAULT_KIND", "FETCHERS", "FetchError", "HttpPolicy", "fetch_sources", "retry_after"]

# portal kind (a manifest's `portal_kind`) -> its fetcher
FETCHERS: dict[str, Fetcher] = {"udata": Udata(), "opendatasoft": Opendatasoft()}
DEFAULT_KIND = "udata"  # the ministry's datasets are on data.gouv.fr since its portal moved
ID_KEYS = ("portal_dataset_id", "data_gouv_id")  # a source may be named by these ids too


def fetcher_for(entry: Entry) -> Fetcher:
    kind = entry.text("portal_kind", DEFAULT_KIND)
    fetcher = FETCHERS.get(kind)
    if fetcher is None:
        raise FetchError(f"{entry.manifest_path}: unknown `portal_kind` {kind!r} for {entry.file.name} "
                         f"(known: {', '.join(sorted(FETCHERS))})")
    return fetcher


def refreshed_by_default(manifest: Manifest, file: SourceFile) -> bool:
    """Does a bare `culturegraph fetch` take this file? A ``shipped = false`` file only once it has been
    downloaded: until then it is fetched when its source is named (its header may be one we have not seen)."""
    return file.fetch and (file.shipped or manifest.path(file).is_file())


def select_manifests(manifests: dict[str, Manifest], names: list[str]) -> list[Manifest]:
    """The manifests named by source folder or dataset id; all fetchable ones if none is named."""
    fetchable = {folder for folder, m in manifests.items() if any(f.fetch for f in m.files)}
    if not names:
        return [manifests[folder] for folder in sorted(fetchable)
                if any(refreshed_by_default(manifests[folder], f) for f in manifests[folder].files)]
    by_name: dict[str, str] = {}
    ids: dict[str, list[str]] = {}
    for folder, manifest in manifests.items():
        by_name[folder] = folder
        for file in manifest.files:
            for key in ID_KEYS:
                value = Entry(manifest, file).get(key)
                if isinstance(value, str) and value:
                    by_name.setdefault(value, folder)
                    if value not in ids.setdefault(folder, []):
                        ids[folder].append(value)
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(f"{folder} ({', '.join(ids.get(folder, [])) or 'no dataset id'})"
                          for folder in sorted(fetchable))
        raise FetchError(f"unknown source(s): {', '.join(unknown)}; known: {known}")
    chosen: list[str] = []
    for name in names:
        folder = by_name[name]
        if folder not in fetchable:
            raise FetchError(f"{name}: no file in data/sources/{folder}/manifest.toml is marked "
                             "`fetch = true`")
        if folder not in chosen:
            chosen.append(folder)
    return [manifests[folder] for folder in chosen]


def _portal_record(remote: Remote) -> dict[str, object]:
    """What the manifest keeps of the portal's own description (None removes a stale key)."""
    return {"portal_checksum": str(remote.checksum) if remote.checksum else None,
            "portal_modified": remote.modified or None,
            "portal_resource_id": remote.resource_id or None}


def fetch_entry(settings: Settings, entry: Entry, policy: HttpPolicy, *, progress: bool = False,
                today: date | None = None) -> str:
    """Fetch one manifest entry; a result line, or :class:`FetchError` with everything left as it was."""
    manifest, file, label = entry.manifest, entry.file, entry.label
    fetcher = fetcher_for(entry)
    check = checker_for(settings, entry)
    target = manifest.path(file)
    with HttpClient(policy, fetcher.hosts(entry)) as client:
        remote = fetcher.locate(entry, client)
        portal = _portal_record(remote)
        note = f" ({remote.note})" if remote.note else ""
        on_disk = sha256_file(target) if target.exists() else None
        if (remote.checksum is not None and file.extra.get("portal_checksum") == str(remote.checksum)
                and on_disk == file.sha256):
            return (f"{label}: unchanged (the portal's {remote.checksum.algorithm} is the one recorded), "
                    "not downloaded")
        digests = (remote.checksum.algorithm,) if remote.checksum else ()
        got = client.download(remote.url, manifest.folder, file.name, accept=remote.accept, digests=digests,
                              max_bytes=entry.max_bytes(), progress=progress)
    try:
        if remote.checksum is not None and got.digests[remote.checksum.algorithm] != remote.checksum.value:
            raise FetchError(f"{got.request}: the body's {remote.checksum.algorithm} is "
                             f"{got.digests[remote.checksum.algorithm]}, but {remote.what} announces "
                             f"{remote.checksum.value}: refused (corrupt, or changed during the download; "
                             "try again later)")
        if on_disk == got.sha256:
            record = {"sha256": got.sha256, "bytes": got.size, **portal}
            current = {key: file.extra.get(key) for key in portal} | {"sha256": file.sha256,
                                                                       "bytes": file.bytes}
            if current == record:
                return f"{label}: unchanged (sha256 {got.sha256[:12]}…, {got.size:,} bytes){note}"
            # Same bytes as on disk, but the manifest disagrees with them: correct the manifest only.
            save_entry(manifest, file, record)
            return f"{label}: unchanged (sha256 {got.sha256[:12]}…); manifest corrected{note}"
        checked = check(got.path, f"{got.request}: body")
        previous = file.bytes
        install(manifest, file, got.path, {"sha256": got.sha256, "bytes": got.size, "url": got.url,
                                           "date": (today or date.today()).isoformat(), **portal})
    finally:
        got.path.unlink(missing_ok=True)
    verified = f", {remote.checksum.algorithm} verified" if remote.checksum else ""
    # no file on disk before: a `shipped = false` file fetched for the first time
    change = f"updated ({previous:,} → " if on_disk is not None else "downloaded ("
    return (f"{label}: {change}{got.size:,} bytes, sha256 {got.sha256[:12]}…{verified}"
            f"{checked.summary}) from {got.url}{note}"
            + (f"\n  warning: {checked.warning}" if checked.warning else ""))


def fetch_sources(settings: Settings, sources: list[str], *, portal: str | None = None,
                  timeout: float = 60.0, retries: int = 4, progress: bool = False,
                  backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                  today: date | None = None) -> list[str]:
    """Fetch every ``fetch = true`` file of the named sources (if none: of all sources, but not the
    ``shipped = false`` files never downloaded); one result line per file.

    ``portal`` replaces the base URL of every entry's portal API (a mirror, a test server).
    ``retries`` is the number of attempts per request. Every selected file is tried even if one
    fails; then :class:`FetchError` lists the failures (and what did succeed).
    """
    manifests = load_manifests(settings.sources_dir)
    chosen = select_manifests(manifests, sources)
    policy = HttpPolicy(timeout_s=timeout, attempts=retries, backoff_s=backoff, sleep=sleep,
                        site=settings.base_iri)
    results: list[str] = []
    failures: list[str] = []
    for manifest in chosen:
        for file in manifest.files:
            if not file.fetch or (not sources and not refreshed_by_default(manifest, file)):
                continue
            entry = Entry(manifest, file, portal)
            try:
                results.append(fetch_entry(settings, entry, policy, progress=progress, today=today))
            except FetchError as err:
                failures.append(f"{entry.label}: {err}; previous file and manifest kept")
    if failures:
        done = "".join(f"\n  {line}" for line in results)
        raise FetchError(f"{len(failures)} of {len(failures) + len(results)} file(s) not fetched:"
                         + "".join(f"\n  {line}" for line in failures)
                         + (f"\nfetched:{done}" if done else ""))
    return results
