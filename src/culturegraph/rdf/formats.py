"""THE table of formats: media types, file suffixes, short names and pyoxigraph formats.

Everything that negotiates, names or writes a format asks this module: the CLI ``--format``, the
SPARQL endpoint (results and graphs) and the linked-data documents (suffix URLs, ``Link`` headers). A
new format is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    name: str  # short name: ?format=, --format
    media_type: str  # what we send in Content-Type (without charset)
    suffix: str  # document URL suffix (/doc/<kind>/<key>.ttl)
    label: str
    aliases: tuple[str, ...] = ()  # other media types clients send for it
    rdf: RdfFormat | None = None
    results: QueryResultsFormat | None = None
    datasets: bool = False  # can hold named graphs (N-Quads, TriG)
    text: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# Graph formats (CONSTRUCT/DESCRIBE, documents). Order = preference when the client does not care.
TURTLE = Format("turtle", "text/turtle", "ttl", "Turtle", ("application/x-turtle", "application/turtle"),
                rdf=RdfFormat.TURTLE)
JSON_LD = Format("jsonld", "application/ld+json", "jsonld", "JSON-LD", ("application/json",),
                 rdf=RdfFormat.JSON_LD)
N_TRIPLES = Format("ntriples", "application/n-triples", "nt", "N-Triples", ("text/plain",),
                   rdf=RdfFormat.N_TRIPLES)
RDF_XML = Format("rdfxml", "application/rdf+xml", "rdf", "RDF/XML", ("application/xml", "text/xml"),
                 rdf=RdfFormat.RDF_XML)
N_QUADS = Format("nquads", "application/n-quads", "nq", "N-Quads", ("text/x-nquads",),
                 rdf=RdfFormat.N_QUADS, datasets=True)
TRIG = Format("trig", "application/trig", "trig", "TriG", ("application/x-trig",), rdf=RdfFormat.TRIG,
              datasets=True)
HTML = Format("html", "text/html", "html", "HTML", ("application/xhtml+xml",))

GRAPH_FORMATS = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, N_QUADS, TRIG)
DOCUMENT_FORMATS = (HTML, TURTLE, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)

# SPARQL results formats (SELECT/ASK). JSON first: the default of the endpoint.
RESULTS_JSON = Format("json", "application/sparql-results+json", "srj", "SPARQL JSON",
                      ("application/json",), results=QueryResultsFormat.JSON)
RESULTS_XML = Format("xml", "application/sparql-results+xml", "srx", "SPARQL XML",
                     ("application/xml", "text/xml"), results=QueryResultsFormat.XML)
RESULTS_CSV = Format("csv", "text/csv", "csv", "CSV", (), results=QueryResultsFormat.CSV)
RESULTS_TSV = Format("tsv", "text/tab-separated-values", "tsv", "TSV", (), results=QueryResultsFormat.TSV)
RESULTS_FORMATS = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)

_ALL = (*GRAPH_FORMATS, *RESULTS_FORMATS, HTML)


def by_name(name: str, among: tuple[Format, ...] = _ALL) -> Format | None:
    """A format by short name, suffix or media type (``ttl``, ``turtle``, ``text/turtle``)."""
    key = name.strip().lower()
    for fmt in among:
        if key in (fmt.name, fmt.suffix) or key in fmt.media_types:
            return fmt
    return None


def by_suffix(suffix: str, among: tuple[Format, ...] = DOCUMENT_FORMATS) -> Format | None:
    for fmt in among:
        if fmt.suffix == suffix.lower():
            return fmt
    return None
