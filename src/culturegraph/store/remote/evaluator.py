""":class:`~culturegraph.store.base.TimedEvaluator` for a remote store: the endpoint's requests are sent to it
with the time limit as the HTTP read timeout, and its reply goes through the same writer as a local
evaluation (``store/oxigraph/executor.evaluate``), so formats, JSON-LD and errors are the same.

The remote server keeps evaluating a query we stopped waiting for unless it has a limit of its own:
run ``oxigraph serve --timeout-s`` with the same limit (docs/serving.md)."""

from __future__ import annotations

import re
from typing import Any

from culturegraph.store.oxigraph.executor import Env, InProcessExecutor, Job, Outcome, evaluate, timed_out
from culturegraph.store.remote.client import RemoteSyntaxError, RemoteTimeout
from culturegraph.store.remote.reader import RemoteReader


class _TimedQueries:
    """What ``evaluate`` calls ``store.query`` on: the remote reader, with this request's time limit."""

    def __init__(self, reader: RemoteReader, timeout: float) -> None:
        self.reader, self.timeout, self.timed_out = reader, timeout, False

    def query(self, query: str, *, base_iri: str | None = None, use_default_graph_as_union: bool = False,
              default_graph: list[Any] | None = None, named_graphs: list[Any] | None = None,
              prefixes: dict[str, str] | None = None) -> Any:
        added = 0  # lines put before the query: the remote store's error positions are moved back
        if prefixes:
            # The pre-declared prefixes (rdf/sparql_syntax.py) as PREFIX lines: the query's own come after
            # them, and a later declaration of a prefix wins.
            query = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + query
            added += len(prefixes)
        if base_iri:
            # The protocol has no base parameter: a BASE line resolves the query's relative IRIs the same way,
            # and a BASE of the query's own, coming later, still wins.
            query = f"BASE <{base_iri}>\n{query}"
            added += 1
        try:
            return self.reader.client.query(
                query, union_default_graph=use_default_graph_as_union, timeout=self.timeout,
                default_graph=None if default_graph is None else [g.value for g in default_graph],
                named_graphs=None if named_graphs is None else [g.value for g in named_graphs])
        except RemoteTimeout:
            self.timed_out = True
            raise
        except RemoteSyntaxError as err:
            # The same short message as a local evaluation (rdf/sparql_syntax.explain reads "error at
            # L:C"), at the position in the query the client sent.
            raise RemoteSyntaxError(_moved_back(str(err), added)) from None


_POSITION = re.compile(r"(\d+):(\d+)")


def _moved_back(message: str, lines: int) -> str:
    """``message`` with its first ``line:column`` (Oxigraph's "error at 12:5") ``lines`` lines earlier."""
    def move(match: re.Match[str]) -> str:
        line = int(match.group(1)) - lines
        return f"{max(line, 1)}:{match.group(2)}"
    return _POSITION.sub(move, message, count=1)


class RemoteEvaluator(InProcessExecutor):
    """Evaluates in the remote store, in the request's thread (the wait is on a socket, not on the GIL);
    like the in-process executor, it has no children to start, warm or close."""

    enforces_timeout = True  # on our side: the reply is abandoned at the limit

    def __init__(self, reader: RemoteReader, env: Env) -> None:
        super().__init__(None, env)
        self.reader = reader

    def version(self) -> str | None:
        return self.reader.version

    def run(self, job: Job, timeout: float) -> Outcome:
        queries = _TimedQueries(self.reader, timeout)
        outcome = evaluate(queries, self.reader.version, job, self.env)  # type: ignore[arg-type]
        return timed_out(timeout) if queries.timed_out else outcome
