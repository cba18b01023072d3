"""Running a SPARQL query on a store (``culturegraph query``) and writing its result: graphs with the one
writer (rdf/write.py: the same Turtle prefixes and compacted JSON-LD as ``/sparql``), results with
pyoxigraph's results serialisers or as a text table."""

from __future__ import annotations

from pyoxigraph import QuerySolutions, QueryTriples, Store

from culturegraph.config import Settings
from culturegraph.rdf import formats
from culturegraph.rdf.sparql_syntax import explain
from culturegraph.rdf.write import write, writer_prefixes


class QueryFormatError(ValueError):
    pass


def format_names(graph: bool) -> list[str]:
    """The ``fmt`` names offered for a graph (CONSTRUCT/DESCRIBE) or a results (SELECT/ASK) query."""
    if graph:
        return [f.name for f in formats.GRAPH_FORMATS]
    return ["table"] + [f.name for f in formats.RESULTS_FORMATS]


def output_format(fmt: str | None, graph: bool) -> formats.Format | None:
    """The format a result is written in: ``None`` for the text table (SELECT/ASK, ``fmt`` ``None`` or
    ``table``), Turtle for a graph by default. Raises :class:`QueryFormatError` naming the choices; the
    CLI calls it before evaluating, once it knows the query's form."""
    if not graph and (fmt is None or fmt.strip().lower() == "table"):
        return None
    offered = formats.GRAPH_FORMATS if graph else formats.RESULTS_FORMATS
    chosen = formats.by_name(fmt or ("turtle" if graph else "json"), offered)
    if chosen is None:
        raise QueryFormatError(f"{fmt!r} is not a {'graph' if graph else 'results'} format: "
                               + ", ".join(format_names(graph)))
    return chosen


def run_query(store: Store, sparql: str, fmt: str | None = None, *, base_iri: str | None = None,
              settings: Settings | None = None) -> bytes:
    """Evaluate ``sparql`` over the union of the named graphs and serialise the result.

    ``fmt`` is a short name (``json``, ``csv``, ``turtle``…); ``None`` or ``table`` prints SELECT
    results as an aligned text table and graphs as Turtle.
    """
    settings = settings or (Settings(base_iri=base_iri) if base_iri else Settings())
    declared = writer_prefixes(settings.base_iri)
    try:
        result = store.query(sparql, use_default_graph_as_union=True, base_iri=base_iri or settings.base_iri,
                             prefixes=declared)
    except SyntaxError as err:  # the endpoint's short message, with the likely fix
        raise SyntaxError(explain(sparql, err, declared)) from None
    chosen = output_format(fmt, graph=isinstance(result, QueryTriples))
    if isinstance(result, QueryTriples):
        assert chosen is not None
        return write(result, chosen, settings)
    if chosen is None and isinstance(result, QuerySolutions):
        return table(result).encode("utf-8")
    if chosen is None:
        return b"true" if bool(result) else b"false"
    return result.serialize(format=chosen.results) or b""


def table(solutions: QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(s[name]) for name in names] for s in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    return str(value).replace("\n", " ")[:120]
