"""The Opendatasoft fetcher: the Explore API v2.1 export of a whole dataset.

``GET {portal}/api/explore/v2.1/catalog/datasets/{portal_dataset_id}/exports/{export_format}?{query}``,
where the query (delimiter, list separator, BOM, or an ODSQL ``where``/``select``) is the entry's
``export_query``, else the query string of its ``url``, else the CSV default below. Still run by
OpenAgenda's portal (public.opendatasoft.com); the ministry's portal moved to udata. Exports carry no
checksum: the download is checked by its format (see ``check.py``) only.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from culturegraph.sources.fetchers.client import HttpClient
from culturegraph.sources.fetchers.spec import ACCEPT, Entry, Remote, host_of

EXPORT_PATH = "/api/explore/v2.1/catalog/datasets/{dataset}/exports/{format}"
# Used when an entry has neither `export_query` nor a URL to take the query string from.
DEFAULT_QUERY = {"csv": "delimiter=%3B&list_separator=%3B&quote_all=false&with_bom=true"}


def export_url(entry: Entry) -> str:
    """The export URL of ``entry`` (``--portal`` replaces the manifest's ``portal``)."""
    dataset = entry.required("portal_dataset_id", "the Opendatasoft fetcher needs the portal's dataset id")
    export_format = entry.file.export_format
    path = EXPORT_PATH.format(dataset=quote(dataset, safe=""), format=quote(export_format, safe=""))
    query = entry.text("export_query") or (urlsplit(entry.file.url).query if entry.file.url
                                           else DEFAULT_QUERY.get(export_format, ""))
    base = entry.base("portal")
    return f"{base}{path}?{query}" if query else f"{base}{path}"


class Opendatasoft:
    """An Opendatasoft portal's Explore API v2.1."""

    def hosts(self, entry: Entry) -> set[str]:
        return {host_of(entry.base("portal")), *entry.strings("allowed_hosts")}

    def locate(self, entry: Entry, client: HttpClient) -> Remote:
        url = export_url(entry)
        dataset = entry.text("portal_dataset_id")
        return Remote(url=url, accept=ACCEPT.get(entry.file.export_format, "*/*"),
                      what=f"Opendatasoft export of dataset {dataset!r}")
