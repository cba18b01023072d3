"""The provenance of source files and graphs (issue 14): a file's origin is its own manifest entry's, a
graph's sources are the files actually read, dates are typed and retrieval is said apart from issue."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from pyoxigraph import Literal, NamedNode

from culturegraph.config import Settings
from culturegraph.provenance.prov import build_provenance, file_dates
from culturegraph.rdf.terms import DCTERMS, PROV, XSD
from culturegraph.sources.manifest import Manifest, SourceFile

BASE = "http://example.org/"
PORTAL_PAGE = "https://portal.example/explore/dataset/tables/"
ORIGIN = "https://www.data.gouv.fr/fr/datasets/montants/"


def manifest(tmp_path, source, files):
    folder = tmp_path / source
    folder.mkdir()
    for f in files:
        (folder / f.name).write_text("a\tb\n", encoding="utf-8")
    return Manifest(folder=folder, source=source, title=source, portal="https://portal.example",
                    portal_dataset_id="tables", licence="Licence Ouverte", licence_url="", attribution="x",
                    files=files)


def provenance(tmp_path):
    extraction = SourceFile(name="extraction.tsv", date="2013-12-21", origin=ORIGIN, retrieved="2024-03-02")
    fetched = SourceFile(name="export.csv", date="2026-12-01",
                         extra={"portal_modified": "2026-11-20T10:00:00"})
    read = {"presse": SimpleNamespace(manifest=manifest(tmp_path, "presse", [extraction, fetched])),
            # a declared source none of whose files is there (shipped = false, not fetched): nothing read
            "groupes": SimpleNamespace(manifest=manifest(tmp_path, "groupes", []))}
    spec = SimpleNamespace(name="presse", sources=("presse", "groupes"), home=tmp_path / "nowhere")
    loaded = SimpleNamespace(sources=read, datasets=[spec])
    quads = build_provenance(Settings(base_iri=BASE), "b1", datetime.now(UTC), loaded)  # type: ignore[arg-type]
    return {(q.subject, q.predicate, q.object) for q in quads}


def test_a_file_is_derived_from_its_own_origin_and_a_graph_from_what_was_read(tmp_path):
    triples = provenance(tmp_path)
    extraction = NamedNode(f"{BASE}data/source/presse/extraction.tsv")
    export = NamedNode(f"{BASE}data/source/presse/export.csv")
    assert (extraction, PROV.wasDerivedFrom, NamedNode(ORIGIN)) in triples
    assert (extraction, PROV.wasDerivedFrom, NamedNode(PORTAL_PAGE)) not in triples
    assert (export, PROV.wasDerivedFrom, NamedNode(PORTAL_PAGE)) in triples
    graph, dataset = NamedNode(f"{BASE}graph/presse"), NamedNode(f"{BASE}data/presse")
    sources = {o.value for s, p, o in triples if s == graph and p == DCTERMS.source}
    assert sources == {ORIGIN, PORTAL_PAGE}  # nothing of "groupes": none of its files was read
    derived = {o.value for s, p, o in triples if s == dataset and p == PROV.wasDerivedFrom}
    assert derived == {ORIGIN, PORTAL_PAGE}


def test_dates_are_typed_and_retrieval_is_not_issue(tmp_path):
    triples = provenance(tmp_path)
    extraction = NamedNode(f"{BASE}data/source/presse/extraction.tsv")
    export = NamedNode(f"{BASE}data/source/presse/export.csv")
    assert (extraction, DCTERMS.issued, Literal("2013-12-21", datatype=XSD.date)) in triples
    retrieval = NamedNode(extraction.value + "#recuperation")
    assert (extraction, PROV.wasGeneratedBy, retrieval) in triples
    assert (retrieval, DCTERMS.date, Literal("2024-03-02", datatype=XSD.date)) in triples
    # a fetched file: `date` is the fetch's day, the portal's modification its issue
    assert (export, DCTERMS.issued, Literal("2026-11-20", datatype=XSD.date)) in triples
    assert (NamedNode(export.value + "#recuperation"), DCTERMS.date,
            Literal("2026-12-01", datatype=XSD.date)) in triples
    assert file_dates(SourceFile(name="x", date="2022-01-14")) == ("2022-01-14", "")
