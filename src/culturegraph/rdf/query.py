"""Running a SPARQL query on a store and writing its result with pyoxigraph's writers."""

from __future__ import annotations

from pyoxigraph import QuerySolutions, QueryTriples, Store

from culturegraph.rdf import formats
from culturegraph.rdf.terms import DEFAULT_MINTER


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


def run_query(store: Store, sparql: str, fmt: str | None = None, *, base_iri: str | None = None) -> bytes:
    """Evaluate ``sparql`` over the union of the named graphs and serialise the result.

    ``fmt`` is a short name (``json``, ``csv``, ``turtle``…); ``None`` or ``table`` prints SELECT
    results as an aligned text table and graphs as Turtle.
    """
    result = store.query(sparql, use_default_graph_as_union=True, base_iri=base_iri)
    chosen = output_format(fmt, graph=isinstance(result, QueryTriples))
    if isinstance(result, QueryTriples):
        assert chosen is not None
        if chosen.rdf == formats.TURTLE.rdf:
            from pyoxigraph import serialize

            return serialize(result, format=chosen.rdf, prefixes=DEFAULT_MINTER.prefixes()) or b""
        return result.serialize(format=chosen.rdf) or b""
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
