"""Tracing results to source cells: predicates named as IRIs, <IRIs> or CURIEs in DatasetSpec.fields,
subject-dependent fields through the mapping's resolver, hash IRIs through their base resource."""

from __future__ import annotations

from types import SimpleNamespace

from culturegraph.provenance.index import (
    ProvenanceIndex,
    SourceFields,
    field_resolvers,
    write_provenance_index,
)
from culturegraph.rdf.terms import expand
from culturegraph.sources.read import Record
from culturegraph.validation.shacl import Finding, trace

BASE = "https://culturegraph.example/"
PREFIXES = {"kgo": f"{BASE}def/culture/", "schema": "http://schema.org/"}
FILE = "data/sources/frequentation-musees/f.csv"


def record(line: int) -> Record:
    columns = {"site": (1, "IDPatrimostat"), "commune": (11, "codeInseeCommune"), "payant": (13, "payant"),
               "total": (15, "total")}
    return Record("frequentation-musees", "v", FILE, line, {}, columns)


def index(tmp_path) -> ProvenanceIndex:
    row = record(12)
    result = SimpleNamespace(file=FILE, records=[row])
    loaded = SimpleNamespace(
        provenance={f"{BASE}id/site/0105301": row, f"{BASE}data/o/0105301/2014/total": row},
        sources={"frequentation-musees": SimpleNamespace(results=[result])},
    )
    write_provenance_index(tmp_path / "provenance.sqlite", loaded)
    return ProvenanceIndex(tmp_path / "provenance.sqlite")


def finding(focus: str, path: str | None) -> Finding:
    return Finding("frequentation-musees", "Violation", focus, path, None, "fr", "en", None, None)


def test_expand():
    assert expand("<http://schema.org/name>", PREFIXES) == "http://schema.org/name"
    assert expand("kgo:site", PREFIXES) == f"{BASE}def/culture/site"
    assert expand("http://schema.org/name", PREFIXES) == "http://schema.org/name"
    assert expand("nope:x", PREFIXES) == "nope:x"


def test_trace_fields_in_every_form(tmp_path):
    fields = {"frequentation-musees": {"<http://schema.org/containedInPlace>": "commune", "kgo:site": "site",
                                       "kgo:nombreEntrees": "<categorie>"}}
    found = [
        finding(f"{BASE}id/site/0105301", "http://schema.org/containedInPlace"),
        finding(f"{BASE}data/o/0105301/2014/total", f"{BASE}def/culture/site"),
        finding(f"{BASE}data/o/0105301/2014/total", f"{BASE}def/culture/nombreEntrees"),
        finding(f"{BASE}id/site/0105301#geo", None),
        finding(f"{BASE}id/site/9999999", "http://schema.org/containedInPlace"),
    ]
    resolver_calls = []

    def resolver(subject: str, predicate: str) -> str | None:
        resolver_calls.append((subject, predicate))
        return subject.rsplit("/", 1)[-1]  # the category code is the field here

    trace(found, index(tmp_path), SourceFields.build(fields, PREFIXES, {"frequentation-musees": resolver}))
    assert [(f.file, f.line, f.column, f.header) for f in found] == [
        (FILE, 12, 11, "codeInseeCommune"),
        (FILE, 12, 1, "IDPatrimostat"),
        (FILE, 12, 15, "total"),
        (FILE, 12, None, None),
        (None, None, None, None),
    ]
    assert resolver_calls == [(f"{BASE}data/o/0105301/2014/total", f"{BASE}def/culture/nombreEntrees")]
    assert found[0].where == f"{FILE}:12, column 11 (codeInseeCommune)"
    assert found[4].where == "(no source row)"


def test_placeholder_without_resolver_gives_the_row_only(tmp_path):
    fields = {"frequentation-musees": {"kgo:nombreEntrees": "<categorie>"}}
    f = finding(f"{BASE}data/o/0105301/2014/total", f"{BASE}def/culture/nombreEntrees")
    trace([f], index(tmp_path), SourceFields.build(fields, PREFIXES))
    assert (f.line, f.column) == (12, None)


def test_field_resolvers_are_the_mappings_source_field_hooks():
    from culturegraph.mappings import frequentation_musees

    # Only for the datasets asked for, and only the mappings that define the hook.
    assert field_resolvers([frequentation_musees.DATASET]) == {
        "frequentation-musees": frequentation_musees.source_field}
    assert field_resolvers([]) == {}


def test_a_row_of_another_source_has_no_column_for_the_datasets_fields(tmp_path):
    """Field names are per source: ``commune`` is the INSEE code in the attendance files and the town's
    name in the crosswalk. A site known only from the crosswalk is traced to its row there, not to that
    homonymous column."""
    crosswalk = "data/sources/liste-musees/l.csv"
    row = Record("liste-musees", "v", crosswalk, 193, {}, {"commune": (4, "commune")})
    loaded = SimpleNamespace(
        provenance={f"{BASE}id/site/3417910": row},
        sources={"liste-musees": SimpleNamespace(results=[SimpleNamespace(file=crosswalk, records=[row])])},
    )
    write_provenance_index(tmp_path / "provenance.sqlite", loaded)
    fields = {"frequentation-musees": {"<http://schema.org/containedInPlace>": "commune"}}
    with ProvenanceIndex(tmp_path / "provenance.sqlite") as idx:
        traced = finding(f"{BASE}id/site/3417910", "http://schema.org/containedInPlace")
        own = {"frequentation-musees": "frequentation-musees"}
        scoped = SourceFields.build(fields, PREFIXES, own_sources=own)
        trace([traced], idx, scoped)
        unscoped = finding(f"{BASE}id/site/3417910", "http://schema.org/containedInPlace")
        trace([unscoped], idx, SourceFields.build(fields, PREFIXES))
    assert (traced.file, traced.line, traced.column) == (crosswalk, 193, None)
    assert (unscoped.line, unscoped.column) == (193, 4)  # what the source scope prevents
