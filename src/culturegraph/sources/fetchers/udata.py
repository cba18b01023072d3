"""The udata fetcher: data.gouv.fr (and culture.data.gouv.fr, its front end for the ministry's datasets).

``GET {udata_api}/api/1/datasets/{data_gouv_id}/`` lists the dataset's ``resources``: each has an ``id``,
``title``, ``format``, ``url``, optional ``checksum`` (``{type, value}``), ``filesize`` and
``last_modified``. The entry's ``resource_id``, or else ``resource_format`` (default: the file's
``export_format``) and ``resource_title`` (a shell-style pattern, case-insensitive, default ``*``),
pick exactly one of them: none or several is an error that lists what the dataset offers.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any
from urllib.parse import quote, urljoin

from culturegraph.sources.fetchers.client import DIGESTS, FetchError, HttpClient, StatusError
from culturegraph.sources.fetchers.spec import ACCEPT, Checksum, Entry, Remote, host_of

API = "https://www.data.gouv.fr"
DATASET_PATH = "/api/1/datasets/{dataset}/"
# Where data.gouv.fr keeps uploaded files and the ministry's remote files (its object storage).
FILE_HOSTS = frozenset({"static.data.gouv.fr", "object.data.gouv.fr"})
HEX = re.compile(r"^[0-9a-fA-F]+$")
HEX_LENGTH = {"sha1": 40, "sha256": 64, "md5": 32}


def dataset_url(entry: Entry) -> str:
    dataset = entry.required("data_gouv_id", "the udata fetcher needs the dataset's data.gouv.fr id")
    return entry.base("udata_api", API) + DATASET_PATH.format(dataset=quote(dataset, safe=""))


def _describe(resource: dict[str, Any]) -> str:
    return (f"{resource.get('title')!r} (format {resource.get('format')!r}, id "
            f"{resource.get('id')}, {resource.get('url')})")


def _checksum(resource: dict[str, Any]) -> tuple[Checksum | None, str]:
    """The announced checksum if we can verify it, else a note saying why it is not verified."""
    raw = resource.get("checksum")
    if not isinstance(raw, dict) or not raw.get("value"):
        return None, ""
    kind = str(raw.get("type") or "sha1").lower()  # udata's default type is sha1
    value = str(raw["value"]).strip().lower()
    algorithm = DIGESTS.get(kind)
    if algorithm is None:
        return None, f"checksum type {kind!r} not verified"
    if not HEX.match(value) or len(value) != HEX_LENGTH[algorithm]:
        return None, f"checksum {kind}:{value!r} is not a {algorithm} digest, not verified"
    return Checksum(algorithm, value), ""


class Udata:
    """data.gouv.fr's API v1 (udata)."""

    def hosts(self, entry: Entry) -> set[str]:
        return {host_of(entry.base("udata_api", API)), *FILE_HOSTS, *entry.strings("allowed_hosts")}

    def locate(self, entry: Entry, client: HttpClient) -> Remote:
        url = dataset_url(entry)
        dataset = entry.text("data_gouv_id")
        try:
            data = client.get_json(url)
        except StatusError as err:
            if err.status in (404, 410):
                raise FetchError(f"{err} — data.gouv.fr has no dataset {dataset!r}: check `data_gouv_id` "
                                 f"in {entry.manifest_path}") from None
            raise
        resources = data.get("resources") if isinstance(data, dict) else None
        if not isinstance(resources, list):
            raise FetchError(f"GET {url}: the answer has no `resources` list (not a udata dataset?)")
        resources = [r for r in resources if isinstance(r, dict)]
        wanted_id = entry.text("resource_id")
        wanted_format = entry.text("resource_format", entry.file.export_format).lower().lstrip(".")
        pattern = entry.text("resource_title", "*")
        if wanted_id:
            matches = [r for r in resources if r.get("id") == wanted_id]
            wish = f"resource with id {wanted_id!r}"
        else:
            matches = [r for r in resources
                       if str(r.get("format") or "").lower().lstrip(".") == wanted_format
                       and fnmatch.fnmatchcase(str(r.get("title") or "").lower(), pattern.lower())]
            wish = f"resource of format {wanted_format!r} titled like {pattern!r}"
        where = f"dataset {dataset!r} ({url})"
        offered = "".join(f"\n    {_describe(r)}" for r in resources) or " none"
        if not matches:
            raise FetchError(f"no {wish} in {where}; its resources:{offered}")
        if len(matches) > 1:
            listed = "".join(f"\n    {_describe(r)}" for r in matches)
            raise FetchError(f"{len(matches)} resources match ({wish}) in {where}; narrow "
                             f"`resource_title` or set `resource_id` in {entry.manifest_path}:{listed}")
        resource = matches[0]
        href = resource.get("url")
        if not isinstance(href, str) or not href.strip():
            raise FetchError(f"resource {_describe(resource)} of {where} has no URL")
        checksum, note = _checksum(resource)
        size = resource.get("filesize")
        return Remote(
            url=urljoin(url, href.strip()),
            accept=ACCEPT.get(wanted_format, "*/*"),
            what=f"resource {resource.get('title')!r} ({resource.get('id')}) of data.gouv.fr {where}",
            checksum=checksum,
            size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            modified=str(resource.get("last_modified") or ""),
            resource_id=str(resource.get("id") or ""),
            note=note,
        )
