"""Dumps: each named graph and the whole graph as downloadable files, written by the build next to the store.

For every named graph ``/graph/<name>`` (but the catalogue, which describes the dumps and is served at
``/catalogue``), in ``<build>/dumps/``::

    <name>.nq.gz     N-Quads (the graph name on every line), gzip
    <name>.ttl.gz    Turtle (the graph's triples), gzip
    <name>.trig.gz   TriG (one graph block), gzip

and ``culturegraph.{nq,ttl,trig}.gz`` for the whole graph, plus ``dumps.json``: file, graph, format,
bytes, SHA-256 and statement count of each file (what the catalogue publishes and the server serves).

Nothing is held in memory: each graph is written once by the store's own writer (N-Triples, in Rust) to a
temporary file, and every dump is streamed from it. The Turtle is written by pyoxigraph's writer; the
TriG is that Turtle inside ``<graph> { … }`` (a TriG graph block holds Turtle's triple statements), which
saves a second serialisation. The whole-graph files are the per-graph gzip files one after the other: a
gzip file may hold several members (RFC 1952 §2.2) and ``gzip -d``/``zcat``/Python/zlib read them as one
stream; N-Quads, Turtle and TriG documents may be concatenated (prefixes may be declared again). The gzip
headers carry no time or file name, so the same graph gives the same bytes — and the same checksum and
ETag — in the next build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from pyoxigraph import NamedNode, RdfFormat, Store, parse, serialize

WHOLE = "culturegraph"  # name of the whole-graph dumps (and of the dataset /data/culturegraph)
MANIFEST = "dumps.json"
FOLDER = "dumps"
COMPRESSLEVEL = 6  # zlib's default: level 1 saves little time here (the store's writer dominates)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DumpFormat:
    name: str  # nquads | turtle | trig
    suffix: str  # file name suffix
    media_type: str  # of the content (the file itself is gzip)
    eu_file_type: str  # code of the EU file-type authority table (dct:format)
    label: str


NQUADS = DumpFormat("nquads", "nq.gz", "application/n-quads", "RDF_N_QUADS", "N-Quads")
TURTLE = DumpFormat("turtle", "ttl.gz", "text/turtle", "RDF_TURTLE", "Turtle")
TRIG = DumpFormat("trig", "trig.gz", "application/trig", "RDF_TRIG", "TriG")
FORMATS = (NQUADS, TURTLE, TRIG)
COMPRESS_MEDIA_TYPE = "application/gzip"


def format_named(name: str) -> DumpFormat:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise LookupError(f"no dump format {name!r}")


@dataclass(frozen=True)
class Dump:
    """One file of ``dumps/``."""

    file: str  # museofile.nq.gz
    name: str  # the graph's name, or WHOLE
    graph: str | None  # the graph IRI (None: the whole graph)
    format: str  # DumpFormat.name
    bytes: int
    sha256: str
    statements: int  # triples (quads for the whole N-Quads/TriG) in it

    @property
    def dump_format(self) -> DumpFormat:
        return format_named(self.format)


def dumps_dir(build: Path) -> Path:
    return build / FOLDER


Observer = Callable[[str], Callable[[list[bytes]], None] | None]


def write_dumps(reader: Any, graphs: Iterable[tuple[str, NamedNode]], build: Path,
                prefixes: dict[str, str], observer: Observer | None = None) -> list[Dump]:
    """Write the dumps of ``graphs`` (name, IRI) read from ``reader`` into ``build/dumps``; returns them.

    ``reader`` is a pyoxigraph store or a GraphReader.
    ``observer(name)`` may return a function given each block of the graph's N-Triples lines (the
    change report's fingerprints are made so, in the same pass)."""
    folder = dumps_dir(build)
    tmp = folder / ".tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    dumps: list[Dump] = []
    per_format: dict[str, list[Dump]] = {f.name: [] for f in FORMATS}
    try:
        for name, graph in graphs:
            triples = tmp / f"{name}.nt"
            _write_ntriples(reader, graph, triples)
            observe = observer(name) if observer else None
            n = _nquads(triples, graph, folder / f"{name}.{NQUADS.suffix}", observe)
            turtle = tmp / f"{name}.ttl"
            with triples.open("rb") as f:
                serialize(parse(f, format=RdfFormat.N_TRIPLES), turtle, format=RdfFormat.TURTLE,
                          prefixes=prefixes)
            _compress(turtle, folder / f"{name}.{TURTLE.suffix}")
            _trig(turtle, graph, folder / f"{name}.{TRIG.suffix}")
            triples.unlink()
            turtle.unlink()
            for fmt in FORMATS:
                dump = _describe(folder / f"{name}.{fmt.suffix}", name, graph.value, fmt, n)
                dumps.append(dump)
                per_format[fmt.name].append(dump)
        for fmt in FORMATS:
            parts = per_format[fmt.name]
            whole = folder / f"{WHOLE}.{fmt.suffix}"
            with whole.open("wb") as out:
                for part in parts:
                    with (folder / part.file).open("rb") as f:
                        shutil.copyfileobj(f, out, _CHUNK)
            dumps.append(_describe(whole, WHOLE, None, fmt, sum(p.statements for p in parts)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (folder / MANIFEST).write_text(json.dumps([asdict(d) for d in dumps], indent=1), encoding="utf-8")
    return dumps


def read_manifest(build: Path) -> list[Dump]:
    """The dumps of a build (empty when it has none)."""
    path = dumps_dir(build) / MANIFEST
    if not path.is_file():
        return []
    return [Dump(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def open_text(path: Path) -> IO[bytes]:
    """A dump's content, decompressed (every member of the gzip file)."""
    return gzip.GzipFile(path, "rb")  # type: ignore[return-value]


# writing ------------------------------------------------------------------------------------------------

def _write_ntriples(reader: Any, graph: NamedNode, path: Path) -> None:
    """The graph's triples as N-Triples, by the store's own writer when the reader is over a pyoxigraph
    store (15 % faster than a CONSTRUCT), else by a CONSTRUCT any GraphReader answers."""
    store = reader if isinstance(reader, Store) else getattr(reader, "store", None)
    if isinstance(store, Store):
        store.dump(str(path), RdfFormat.N_TRIPLES, from_graph=graph)
        return
    result = reader.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    result.serialize(str(path), RdfFormat.N_TRIPLES)


@contextmanager
def _gzip(path: Path) -> Iterator[gzip.GzipFile]:
    # No file name and no time in the header: the same content gives the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=COMPRESSLEVEL, mtime=0) as out:
        yield out


def _line_blocks(path: Path) -> Iterator[list[bytes]]:
    with path.open("rb") as f:
        while lines := f.readlines(_CHUNK):
            yield lines


def _nquads(triples: Path, graph: NamedNode, dest: Path,
            observe: Callable[[list[bytes]], None] | None) -> int:
    """N-Triples → N-Quads (each line ends ``<s> <p> <o> .``: the graph goes before the dot)."""
    suffix = f" <{graph.value}> .\n".encode()
    n = 0
    with _gzip(dest) as out:
        for lines in _line_blocks(triples):
            if not lines[-1].endswith(b" .\n"):
                raise ValueError(f"{triples}: not N-Triples as the store writes it "
                                 f"(a line ends {lines[-1][-20:]!r})")
            if observe is not None:
                observe(lines)
            out.write(b"".join(line[:-3] + suffix for line in lines))
            n += len(lines)
    return n


def _compress(source: Path, dest: Path) -> None:
    with _gzip(dest) as out, source.open("rb") as f:
        shutil.copyfileobj(f, out, _CHUNK)


def _trig(turtle: Path, graph: NamedNode, dest: Path) -> None:
    """The Turtle's prefix lines, then its statements inside the graph's block."""
    with _gzip(dest) as out, turtle.open("rb") as f:
        line = f.readline()
        while line.startswith(b"@prefix "):
            out.write(line)
            line = f.readline()
        out.write(f"<{graph.value}> {{\n".encode())
        out.write(line)
        shutil.copyfileobj(f, out, _CHUNK)
        out.write(b"}\n")


def _describe(path: Path, name: str, graph: str | None, fmt: DumpFormat, statements: int) -> Dump:
    return Dump(file=path.name, name=name, graph=graph, format=fmt.name, bytes=path.stat().st_size,
                sha256=sha256_of(path), statements=statements)
