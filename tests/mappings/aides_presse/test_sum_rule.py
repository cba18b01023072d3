"""The sum rule of shapes.ttl (apsh:SumOfParts) on the real table and on a total a test makes wrong: run
through the build's own pieces (reader, mapping loop, provenance index, validation), so a mismatch is
reported on the total's observation with both values and the difference, traced to its row and column."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from culturegraph.mappings.aides_presse import DATASET
from pyoxigraph import Quad, Store

from culturegraph.config import Settings, load_settings
from culturegraph.datasets import Inputs, load_registry
from culturegraph.pipeline.load import MappingRun, SourceRead
from culturegraph.pipeline.stages import load_vocabularies
from culturegraph.provenance.index import write_provenance_index
from culturegraph.rdf.terms import Minter
from culturegraph.validation.shacl import Finding, validate_store

from .conftest import TSV, read

SUM_RULE = "https://culturegraph.example/shapes/aides-presse#SumOfParts"
OBSERVATION = "https://culturegraph.example/data/aides-presse/titre/{}/annee/2012/type-aide/{}"


@pytest.fixture(scope="module")
def settings() -> Settings:
    os.environ.pop("CULTUREGRAPH_BASE_IRI", None)
    return load_settings()


def validate(path: Path, settings: Settings, directory: Path) -> list[Finding]:
    """``path`` (a file of the 2012 layout) read, mapped, loaded and validated as a build does."""
    iris = Minter(settings.base_iri)
    result = read(path)
    inputs = Inputs({DATASET.name: [result]}, load_registry().load_tables())
    run = MappingRun(DATASET, inputs, iris)
    store = Store()
    graph = iris.graph(DATASET.name)
    store.bulk_extend([Quad(s, p, o, graph) for s, p, o in run.triples()])
    load_vocabularies(store, settings, iris)
    loaded = SimpleNamespace(provenance=run.provenance,
                             sources={DATASET.name: SourceRead(None, [result])})  # type: ignore[arg-type]
    write_provenance_index(directory / "provenance.sqlite", loaded)  # type: ignore[arg-type]
    return validate_store(store, settings, [DATASET], directory).findings


def test_the_real_table_adds_up(settings: Settings, tmp_path: Path) -> None:
    findings = validate(TSV, settings, tmp_path)
    assert [f for f in findings if f.severity == "Violation"] == []
    assert [f for f in findings if f.shape == SUM_RULE] == []


def test_a_wrong_total_is_reported_with_both_values_and_traced_to_its_cell(settings: Settings,
                                                                           tmp_path: Path) -> None:
    lines = TSV.read_bytes().split(b"\n")
    assert lines[1].startswith(b"1\tMONDE\tPQN\t18685441\t5139613\t10285418\t3260410\t")
    # Le Monde's total one euro short, and Le Figaro's postal aid 100 € too high (line 3 of the file).
    lines[1] = lines[1].replace(b"\t18685441\t", b"\t18685440\t", 1)
    fields = lines[2].split(b"\t")
    assert fields[1] == b"FIGARO", fields
    postal = int(fields[4])
    fields[4] = str(postal + 100).encode()
    lines[2] = b"\t".join(fields)
    (tmp_path / "aides-presse").mkdir()  # a source's files are in its folder (columns are traced there)
    wrong = tmp_path / "aides-presse" / "aides-presse-faux.tsv"
    wrong.write_bytes(b"\n".join(lines[:6]) + b"\n")
    findings = sorted((f for f in validate(wrong, settings, tmp_path) if f.shape == SUM_RULE),
                      key=lambda f: f.focus)
    assert [(f.severity, f.focus) for f in findings] == [
        ("Warning", OBSERVATION.format("le-figaro", "total")),
        ("Warning", OBSERVATION.format("le-monde", "total")),
    ]
    figaro, monde = findings
    # GROUP_CONCAT gives the parts in the evaluation's order: compared as a set.
    found = re.fullmatch(r"Le montant publié \(18685440 €\) diffère de la somme de ses parties (.+) "
                         r"\(18685441 €\) : écart de -1 €\.", monde.message_fr)
    assert found and sorted(found[1].split(" + ")) == ["directes", "postale", "tiers"], monde.message_fr
    assert re.fullmatch(r"The published amount \(18685440 €\) differs from the sum of its parts .+ "
                        r"\(18685441 €\): a difference of -1 €\.", monde.message_en), monde.message_en
    assert "écart de -100 €" in figaro.message_fr
    assert (monde.file, monde.line, monde.column, monde.header) == (str(wrong), 2, 4, "Total des aides en €")
    assert (figaro.line, figaro.column) == (3, 4)
    assert monde.where.endswith(":2, column 4 (Total des aides en €)")
