"""``culturegraph`` on the command line (click's CliRunner), on a small copy of the project built once."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pipeline.project import cut_geography, small_project  # tests/pipeline/project.py
from pyoxigraph import RdfFormat, parse

from culturegraph.cli import _query_form, main
from culturegraph.config import PROJECT_ROOT
from culturegraph.pipeline.summary import render_summary
from culturegraph.sources.read import AliasTable, read_table
from culturegraph.store.oxigraph.home import StoreHome

MUSEUMS = ("SELECT ?m ?name WHERE { ?m a <http://schema.org/Museum> ; <http://schema.org/name> ?name } "
           "ORDER BY ?m")
CONSTRUCT = ("CONSTRUCT { ?m <http://schema.org/name> ?name } WHERE { ?m a <http://schema.org/Museum> ; "
             "<http://schema.org/name> ?name }")


def run(args: list[str], env: dict[str, str | None] | None = None) -> Result:
    base = {"CULTUREGRAPH_STORE": None, "CULTUREGRAPH_BASE_IRI": None, "CULTUREGRAPH_HOME": None}
    return CliRunner().invoke(main, args, env={**base, **(env or {})})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_project(tmp_path_factory.mktemp("cli") / "project", rows=20)


@pytest.fixture(scope="module")
def store(project: Path) -> Path:
    """`culturegraph --store STORE build` of the small project (the first test of this file)."""
    store = project.parent / "store"
    with cut_geography(project):
        result = run(["--store", str(store), "build", "--no-validate", "--no-progress"],
                     env={"CULTUREGRAPH_HOME": str(project)})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("build ") and "triples per graph:" in result.stdout
    assert "SHACL: not run" in result.stdout
    assert StoreHome(store).current_build() is not None
    return store


@pytest.fixture(scope="module")
def museums(store: Path) -> list[tuple[str, str]]:
    graph = StoreHome(store).open_current()
    return [(s["m"].value, s["name"].value) for s in graph.query(MUSEUMS, use_default_graph_as_union=True)]


def query(store: Path, *args: str) -> Result:
    return run(["--store", str(store), "query", *args])


def test_build_if_needed_does_nothing(project: Path, store: Path) -> None:
    before = sorted(p.name for p in (store / "builds").iterdir())
    result = run(["--store", str(store), "build", "--if-needed"], env={"CULTUREGRAPH_HOME": str(project)})
    assert result.exit_code == 0 and "graph already built" in result.stdout
    assert sorted(p.name for p in (store / "builds").iterdir()) == before


def test_query_json(store: Path, museums) -> None:
    result = query(store, MUSEUMS, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["m", "name"]
    assert [(b["m"]["value"], b["name"]["value"]) for b in data["results"]["bindings"]] == museums
    assert len(museums) > 5


def test_query_csv_and_tsv(store: Path, museums) -> None:
    result = query(store, MUSEUMS, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["m", "name"] and [tuple(r) for r in rows[1:]] == museums
    result = query(store, MUSEUMS, "--format", "tsv")
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0] == "?m\t?name"
    assert lines[1] == f"<{museums[0][0]}>\t\"{museums[0][1]}\"@fr"
    assert len(lines) == len(museums) + 1


def test_query_xml(store: Path, museums) -> None:
    result = query(store, MUSEUMS, "--format", "xml")
    assert result.exit_code == 0, result.output
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(result.stdout_bytes)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["m", "name"]
    uris = [e.text for e in root.findall("r:results/r:result/r:binding[@name='m']/r:uri", ns)]
    assert uris == [m for m, _ in museums]


def test_query_table_is_the_default(store: Path, museums) -> None:
    for args in ([], ["--format", "table"]):
        result = query(store, MUSEUMS, *args)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[0].split() == ["m", "name"] and set(lines[1]) <= {"-", " "}
        assert lines[2].startswith(museums[0][0])
        assert lines[-1] == f"({len(museums)} rows)"
    ask = query(store, "ASK { ?m a <http://schema.org/Museum> }")
    assert ask.stdout == "true\n"


def test_query_construct_turtle(store: Path, museums, tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(CONSTRUCT, encoding="utf-8")
    for args in ([CONSTRUCT], [CONSTRUCT, "--format", "turtle"], ["--file", str(tmp_path / "q.rq")]):
        result = query(store, *args)
        assert result.exit_code == 0, result.output
        assert "@prefix schema: <http://schema.org/> ." in result.stdout  # our prefixes
        quads = parse(result.stdout_bytes, format=RdfFormat.TURTLE)
        triples = {(q.subject.value, q.object.value) for q in quads}
        assert triples == set(museums)
    ntriples = query(store, CONSTRUCT, "--format", "ntriples")
    assert len(ntriples.stdout.strip().splitlines()) == len(museums)


@pytest.mark.parametrize(("sparql", "fmt", "message"), [
    (MUSEUMS, "yaml", "'yaml' is not a query format: table, json, xml, csv, tsv (SELECT/ASK); "
                      "turtle, jsonld, ntriples, rdfxml, nquads, trig (CONSTRUCT/DESCRIBE)"),
    (MUSEUMS, "turtle", "'turtle' is not a results format"),
    (CONSTRUCT, "csv", "'csv' is not a graph format: turtle, jsonld, ntriples, rdfxml, nquads, trig"),
])
def test_query_bad_format(store: Path, sparql: str, fmt: str, message: str) -> None:
    result = query(store, sparql, "--format", fmt)
    assert result.exit_code == 2
    assert "Invalid value for --format" in result.stderr and message in result.stderr
    assert result.stdout == ""


ALL_FORMATS = ("table, json, xml, csv, tsv (SELECT/ASK); turtle, jsonld, ntriples, rdfxml, nquads, trig "
               "(CONSTRUCT/DESCRIBE)")


@pytest.mark.parametrize(("sparql", "fmt", "message"), [
    (MUSEUMS, "yaml", f"'yaml' is not a query format: {ALL_FORMATS}"),
    (MUSEUMS, "html", f"'html' is not a query format: {ALL_FORMATS}"),
    ("SELECT WHERE {", "yaml", "'yaml' is not a query format"),  # the name is checked before the query
    (MUSEUMS, "turtle", "'turtle' is not a results format: table, json, xml, csv, tsv"),
    ("ASK { ?s ?p ?o }", "nquads", "'nquads' is not a results format: table, json, xml, csv, tsv"),
    (CONSTRUCT, "csv", "'csv' is not a graph format: turtle, jsonld, ntriples, rdfxml, nquads, trig"),
    (CONSTRUCT, "table", "'table' is not a graph format"),
    ("# people\nPREFIX schema: <http://schema.org/#>\nBASE <http://x/>\ndescribe <http://x/1>", "json",
     "'json' is not a graph format"),
])
def test_bad_format_is_refused_before_the_store_is_opened(tmp_path: Path, sparql: str, fmt: str,
                                                         message: str) -> None:
    """No store at all: had the query run first, the error would be "no graph built yet" (exit 1)."""
    result = query(tmp_path / "no-store", sparql, "--format", fmt)
    assert result.exit_code == 2, result.output
    assert "Invalid value for --format" in result.stderr and message in result.stderr
    assert "no graph built yet" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "no-store").exists()


@pytest.mark.parametrize(("sparql", "fmt"), [
    (MUSEUMS, "JSON"), (MUSEUMS, "srj"), (MUSEUMS, "text/csv"), (MUSEUMS, "table"),
    (CONSTRUCT, "ttl"), (CONSTRUCT, "application/n-triples"),
    ("SELEC ?x {}", "turtle"),  # no known form: the query's syntax error is left to the store's parser
])
def test_format_names_suffixes_and_media_types_pass_to_the_query(tmp_path: Path, sparql: str,
                                                                 fmt: str) -> None:
    result = query(tmp_path / "no-store", sparql, "--format", fmt)
    assert result.exit_code == 1, result.output  # got as far as opening the store
    assert "no graph built yet" in result.stderr


@pytest.mark.parametrize(("sparql", "form"), [
    (MUSEUMS, "SELECT"), (CONSTRUCT, "CONSTRUCT"), ("ask {}", "ASK"),
    ("PREFIX : <http://x/#>\n# a comment with SELECT\nPREFIX s:<http://schema.org/>BASE<http://b/> "
     "DESCRIBE ?x WHERE {}", "DESCRIBE"),
    ("  \n\tprefix ex: <http://x/> construct WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("SELECTED ?x {}", None), ("INSERT DATA {}", None), ("", None), ("PREFIX ex: nope SELECT", None),
])
def test_query_form(sparql: str, form: str | None) -> None:
    assert _query_form(sparql) == form


def test_query_errors(store: Path) -> None:
    bad = query(store, "SELECT WHERE {")
    assert bad.exit_code == 1 and "SPARQL syntax error" in bad.stderr
    missing = query(store)
    assert missing.exit_code == 2 and "give a query, or --file FILE" in missing.stderr


def test_store_option_and_environment(store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-store"
    ask = "ASK { ?m a <http://schema.org/Museum> }"
    by_env = run(["query", ask], env={"CULTUREGRAPH_STORE": str(store)})
    assert by_env.exit_code == 0 and by_env.stdout == "true\n"
    # --store wins over the environment
    both = run(["--store", str(store), "query", ask], env={"CULTUREGRAPH_STORE": str(empty)})
    assert both.exit_code == 0 and both.stdout == "true\n"
    for result in (run(["--store", str(empty), "query", ask]),
                   run(["query", ask], env={"CULTUREGRAPH_STORE": str(empty)})):
        assert result.exit_code == 1
        assert f"no graph built yet in {empty}: run `culturegraph build`" in result.stderr


def test_validate_text(project: Path, store: Path) -> None:
    """The text report: a summary line, then each result with the file and line of its source row."""
    result = run(["--store", str(store), "validate", "--dataset", "frequentation-musees"],
                 env={"CULTUREGRAPH_HOME": str(project)})
    lines = result.stdout.splitlines()
    counts = [int(part.split()[0]) for part in lines[0].split(", ")]
    assert lines[0] == f"{counts[0]} violations, {counts[1]} warnings, {counts[2]} infos"
    assert result.exit_code == (1 if counts[0] else 0)
    results = [line for line in lines if line.split(":")[0] in ("Violation", "Warning", "Info")]
    assert len(results) == sum(counts)
    # the small project's cut breaks links (sites of museums left out): there are results, each traced
    # to the file and line of its source row
    assert results and all(".csv:" in line for line in results)


def test_validate_unknown_dataset(store: Path) -> None:
    result = run(["--store", str(store), "validate", "--dataset", "nope"])
    assert result.exit_code == 2 and "unknown dataset(s) ['nope']" in result.stderr


def summary_report(files: dict[str, dict[str, object]]) -> dict[str, object]:
    """The parts of build.build_report that render_summary reads."""
    return {"build": "b1", "triples_per_graph": {"museofile": 10}, "triples": 10, "files": files,
            "quarantine": {}, "quarantined_rows": 0, "validation": None, "datasets": {}, "seconds": 1.0,
            "phases": {"read": 0.5}}


def test_build_summary_shows_the_reader_warnings_of_each_file(tmp_path: Path) -> None:
    fixture = PROJECT_ROOT / "tests" / "fixtures" / "extra_column" / "frequentation-musees_extra-column.csv"
    aliases = PROJECT_ROOT / "mappings" / "frequentation_musees" / "aliases" / "frequentation-musees.toml"
    read = read_table(fixture, AliasTable.load(aliases), root=PROJECT_ROOT)
    entry = {"vintage": read.vintage, "rows": read.rows, "records": len(read.records),
             "quarantined_rows": read.quarantined_rows}
    quiet = render_summary(summary_report({read.file: entry}), tmp_path, 1.0).splitlines()
    loud = render_summary(summary_report({read.file: {**entry, "warnings": read.warnings}}), tmp_path,
                          1.0).splitlines()
    at = loud.index(f"  {read.file}")
    assert loud[at + 1] == "      vintage ods-2001-2021: 4 rows, 4 read, 0 quarantined"
    assert loud[at + 2] == (
        "      warning: column 'commentaire' (column 10) not mapped by vintage ods-2001-2021 of "
        "mappings/frequentation_musees/aliases/frequentation-musees.toml: not read (map it, or list it in "
        "`_ignore` of "
        "[vintages.ods-2001-2021])")
    assert loud[:at + 2] + loud[at + 3:] == quiet  # nothing else changes; no warning line without any


def test_query_file_with_a_bom(store: Path, museums, tmp_path: Path) -> None:
    """Editors on Windows save UTF-8 with a BOM: the file is still a query, and its form is known."""
    file = tmp_path / "bom.rq"
    file.write_text("\ufeffSELECT (COUNT(*) AS ?n) WHERE { ?m a <http://schema.org/Museum> }\n",
                    encoding="utf-8")
    result = query(store, "-f", str(file), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "n" and int(result.stdout.splitlines()[1]) == len(museums)
    refused = query(store, "-f", str(file), "--format", "turtle")  # the form is read through the BOM
    assert refused.exit_code == 2 and "not a results format" in refused.output


def test_datasets_add_commands_and_a_clash_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """DatasetSpec.commands: a dataset's command joins its group (made for it) or the top level; a name the
    house already has is refused, naming the dataset."""
    import click

    import culturegraph.cli as cli
    import culturegraph.datasets as datasets
    from culturegraph.datasets import Command, DatasetSpec

    @click.command("hello")
    def hello() -> None:
        click.echo("bonjour")

    @click.command("build")
    def clash() -> None:
        pass

    def registry(specs: list[DatasetSpec]) -> object:
        return lambda *args, **kwargs: specs

    monkeypatch.setattr(datasets, "load_registry", registry([DatasetSpec(
        name="salut", title={}, description={}, commands=(Command(hello, group="dire", help="Dire."),))]))
    monkeypatch.setattr(cli.main, "_found", None)
    assert run(["dire", "hello"]).output == "bonjour\n"
    assert "Dire." in run(["--help"]).output
    monkeypatch.setattr(datasets, "load_registry", registry([DatasetSpec(
        name="salut", title={}, description={}, commands=(Command(clash),))]))
    monkeypatch.setattr(cli.main, "_found", None)
    result = run(["--help"])  # the house's own commands resolve without looking at the datasets
    assert "dataset 'salut': command 'build' is defined twice" in result.output
