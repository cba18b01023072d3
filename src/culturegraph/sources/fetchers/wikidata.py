"""A polite client of a Wikidata SPARQL endpoint: which items hold these identifiers?

Used by ``culturegraph enrich wikidata`` (pipeline/enrichment.py); knows no dataset, only a Wikidata
property and a list of identifier values. Built on SPARQLWrapper, with the house's rules of conduct
around it (the same :class:`~culturegraph.sources.fetchers.client.HttpPolicy` as ``culturegraph fetch``):

- **batches**: the ids go in ``VALUES`` blocks of ``batch_size`` (default :data:`BATCH_SIZE`, 200: a
  query of a few kilobytes that the Wikidata Query Service answers in well under a second, and 175
  requests for the 34,875 communes), sent by POST (a long query does not fit a GET URL);
- **a User-Agent** naming the project, its version, the deployment and a contact (Wikimedia's User-Agent
  policy: an anonymous client is throttled first);
- **a rate limit**: at least ``min_interval_s`` (default :data:`MIN_INTERVAL_S`, 1 s) between the starts
  of two requests — the query service allows 60 s of query time per minute and per client, and five
  queries at once; this client sends one at a time;
- **retries** on 429, 5xx and timeouts (a lost connection too), waiting ``Retry-After`` when the server
  sends one (delta-seconds or an HTTP date), else ``backoff_s × 2^(n-1)`` (at most ``max_wait_s``); a
  ``Retry-After`` longer than ``max_retry_after_s`` is not waited for: we give up and say so.

The waits and the clock are injectable (tests record them instead of sleeping). ``truthy`` statements
only (``wdt:``): the best-ranked values, so a deprecated identifier does not come back.
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

import culturegraph
from culturegraph.sources.fetchers.client import FetchError, HttpPolicy, Transient, retry_after, with_retries

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
BATCH_SIZE = 200
MIN_INTERVAL_S = 1.0
WD = "http://www.wikidata.org/entity/"
# {values}: the ids of one batch as SPARQL string literals. The prefixes are declared (WDQS pre-declares
# them, another endpoint may not); the French label only helps a curator read the cache.
QUERY_TEMPLATE = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?id ?item ?label WHERE {{
  VALUES ?id {{ {values} }}
  ?item wdt:{property} ?id .
  OPTIONAL {{ ?item rdfs:label ?label . FILTER(LANG(?label) = "fr") }}
}}"""
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


def user_agent(contact: str) -> str:
    """``culturegraph/<version> (<contact>; …) SPARQLWrapper/<version>``: who we are and whom to tell."""
    import SPARQLWrapper as sparqlwrapper  # only for its version

    return (f"culturegraph/{culturegraph.__version__} ({contact}; Linked Open Data of the French Ministry "
            f"of Culture's open data; culturegraph enrich wikidata) "
            f"SPARQLWrapper/{sparqlwrapper.__version__}")


@dataclass(frozen=True)
class Answer:
    """One item holding one of the ids asked, and the query that said so."""

    id: str
    item: str  # a QID: "Q1234"
    label: str
    query: str  # "sha256:" + the first 16 hex digits of the query text


@dataclass(frozen=True)
class Batch:
    """One request: the ids it asked, its query text and what came back."""

    ids: tuple[str, ...]
    query: str
    digest: str
    answers: tuple[Answer, ...]


def query_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def literal(value: str) -> str:
    """A SPARQL string literal (the ids are ours, but a quote or a backslash must not break the query)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _check(prop: str) -> str:
    if not prop[1:].isdigit() or prop[:1] != "P":
        raise ValueError(f"{prop!r} is not a Wikidata property id (P followed by digits)")
    return prop


def query_template(prop: str) -> str:
    """The query of ``prop`` with ``{values}`` left to fill (what the cache's manifest records)."""
    return QUERY_TEMPLATE.format(property=_check(prop), values="{values}")


def batch_query(prop: str, ids: Sequence[str]) -> str:
    return QUERY_TEMPLATE.format(property=_check(prop), values=" ".join(literal(i) for i in ids))


@dataclass
class WikidataClient:
    """SELECT queries to ``endpoint`` under ``policy`` (timeouts, attempts, back-off, Retry-After, the
    waits) and ``min_interval_s`` between requests."""

    endpoint: str = DEFAULT_ENDPOINT
    contact: str = "https://culturegraph.example/"
    policy: HttpPolicy = field(default_factory=HttpPolicy)
    min_interval_s: float = MIN_INTERVAL_S
    batch_size: int = BATCH_SIZE
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    requests: int = 0  # sent, retries included
    waited_s: float = 0.0  # asked of ``sleep``: rate limit and retries
    _last: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, not {self.batch_size}")
        if self.min_interval_s < 0:
            raise ValueError(f"minimum interval must be >= 0 s, not {self.min_interval_s}")

    @property
    def user_agent(self) -> str:
        return user_agent(self.contact)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.waited_s += seconds
            self.policy.sleep(seconds)

    def _pace(self) -> None:
        """Wait until ``min_interval_s`` has passed since the last request started."""
        if self._last is not None:
            self._wait(self._last + self.min_interval_s - self.clock())
        self._last = self.clock()

    def _once(self, text: str) -> dict[str, Any]:
        self._pace()
        self.requests += 1
        sparql = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        sparql.setReturnFormat(JSON)
        sparql.setOnlyConneg(True)  # the Accept header only: no `format=`/`output=` parameters added
        # setTimeout() keeps whole seconds only; urlopen takes any number (tests use a fraction).
        sparql.timeout = self.policy.timeout_s  # type: ignore[assignment]
        sparql.setQuery(text)
        where = f"POST {self.endpoint}"
        try:
            result = sparql.query().convert()
        except urllib.error.HTTPError as err:
            if err.code in RETRIED_STATUSES:
                raise Transient(f"{where} → HTTP {err.code}", retry_after(err.headers.get("Retry-After"))) \
                    from None
            raise FetchError(f"{where} → HTTP {err.code} {err.reason}") from None
        except EndPointInternalError as err:  # SPARQLWrapper's name for a 500 (the headers are lost)
            raise Transient(f"{where} → HTTP 500: {str(err).splitlines()[0]}", None) from None
        except TimeoutError:
            raise Transient(f"{where} timed out after {self.policy.timeout_s:g} s", None) from None
        except urllib.error.URLError as err:
            raise Transient(f"{where} failed: {err.reason}", None) from None
        except (ConnectionError, OSError) as err:
            raise Transient(f"{where} failed: {err}", None) from None
        except SPARQLWrapperException as err:
            raise FetchError(f"{where}: {str(err).splitlines()[0]}") from None
        if not isinstance(result, dict) or "results" not in result:
            raise FetchError(f"{where}: not a SPARQL JSON result")
        return result

    def select(self, text: str) -> list[dict[str, str]]:
        """The rows of a SELECT (variable → value), after the retries the policy allows."""
        def wait(seconds: float) -> None:
            self._wait(seconds)
            # A Retry-After already covers the rate limit: do not add the interval on top of it.
            self._last = None

        result = with_retries(self.policy, lambda: self._once(text), wait)
        return [{name: cell.get("value", "") for name, cell in row.items()}
                for row in result["results"].get("bindings", [])]

    def lookup(self, prop: str, ids: Iterable[str]) -> Iterator[Batch]:
        """The items holding ``prop`` = each of ``ids`` (deduplicated, sorted), one batch at a time."""
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), self.batch_size):
            chunk = tuple(wanted[start:start + self.batch_size])
            text = batch_query(prop, chunk)
            digest = query_digest(text)
            asked = set(chunk)
            answers: dict[tuple[str, str], Answer] = {}
            for row in self.select(text):
                item = row.get("item", "")
                if row.get("id") in asked and item.startswith(WD + "Q"):
                    qid = item.removeprefix(WD)
                    # An item with two French labels comes back twice: one answer, the first label.
                    answers.setdefault((row["id"], qid), Answer(row["id"], qid, row.get("label", ""), digest))
            yield Batch(chunk, text, digest, tuple(answers[key] for key in sorted(answers)))
