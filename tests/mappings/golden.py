"""Golden cases: real source rows in, the Turtle a mapping makes of them out (tests/golden/README.md).

A case is a folder ``tests/golden/<dataset>/<case>/`` holding ``input-<source>.<format>`` files (the
suffix names the reader: ``csv``, ``json``…; a second file of the same source is ``input-<source>-2.csv``:
files are given to the mapping in that order, preferred
first, like the manifest order in a build), optionally a ``cog/`` folder (a tiny COG replacing
``mappings/geographie/tables/cog``), and ``expected.ttl``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from culturegraph.mappings.geographie.cog import Cog
from pyoxigraph import Triple

from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.datasets import DatasetSpec, Inputs, load_registry
from culturegraph.pipeline.load import MappingRun
from culturegraph.rdf.formats import TURTLE
from culturegraph.rdf.terms import DEFAULT_MINTER
from culturegraph.rdf.write import used_prefixes, write, writer_prefixes
from culturegraph.sources.read import Problem, ReadResult, Record

GOLDEN = PROJECT_ROOT / "tests" / "golden"
# input-<source>[-<n>].<format>: the file's suffix names its reader (csv, json, geojson…).
INPUT = re.compile(r"^input-(?P<source>[a-z0-9-]+?)(?:-(?P<n>\d+))?\.(?P<format>[a-z]+)$")


@dataclass
class Output:
    turtle: str
    triples: set[Triple]
    problems: list[Problem]
    records: list[Record]
    provenance: dict[str, Record]  # subject IRI -> the row it came from, as the build's index has it


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*/*") if p.is_dir() and not p.name.startswith("."))


def spec_for(dataset: str) -> DatasetSpec:
    return load_registry().get(dataset)


@cache
def shipped_tables() -> dict[str, object]:
    return load_registry().load_tables()


def read_inputs(case: Path, sources: tuple[str, ...]) -> dict[str, list[ReadResult]]:
    found: dict[str, list[tuple[int, Path, str]]] = {}
    for path in case.glob("input-*.*"):
        match = INPUT.match(path.name)
        if match is None:
            raise ValueError(f"{path}: name inputs input-<source>.<format> or input-<source>-<n>.<format>")
        source = match["source"]
        if source not in sources:
            raise ValueError(f"{path}: {source!r} is not a source of this dataset {sources}")
        found.setdefault(source, []).append((int(match["n"] or 1), path, match["format"]))
    files = {}
    registry = load_registry()
    for source, paths in found.items():
        table = registry.load_alias_table(source)
        files[source] = [registry.reader(fmt).read(path, table, root=PROJECT_ROOT)
                         for _, path, fmt in sorted(paths)]
    return files


def run_case(case: Path) -> Output:
    """The case's inputs through the build's own mapping loop (pipeline/load.MappingRun)."""
    spec = spec_for(case.parent.name)
    files = read_inputs(case, spec.sources)
    tables = dict(shipped_tables())
    if (case / "cog").is_dir():
        tables["cog"] = Cog.load(case / "cog")
    inputs = Inputs(files=files, tables=tables)
    problems = [p for results in files.values() for r in results for p in r.problems]
    records: list[Record] = []
    run = MappingRun(spec, inputs, DEFAULT_MINTER, problems=problems, records=records)
    triples = {Triple(*t) for t in run.triples()}
    return Output(render(case, spec, triples, problems), triples, problems, records, run.provenance)


def reading_order(triples: set[Triple]) -> list[Triple]:
    """A curator's order: the focus resources (``/id/…``) first, each followed by its parts (its hash
    IRIs), then the data (``/data/…``: observations), then the concepts (``/def/…``), then anything else;
    within a subject, by predicate and object."""
    base = DEFAULT_MINTER.base

    def key(t: Triple) -> tuple[int, str, str, str, str]:
        subject = str(t.subject.value)
        path = subject[len(base):] if subject.startswith(base) else ""
        rank = {"id": 0, "data": 1, "def": 2}.get(path.split("/", 1)[0], 3) if path else 3
        resource, _, fragment = subject.partition("#")
        return rank, resource, fragment, str(t.predicate), str(t.object)

    return sorted(triples, key=key)


def render(case: Path, spec: DatasetSpec, triples: set[Triple], problems: list[Problem]) -> str:
    """Turtle with the one writer's prefixes (rdf/write.py: those used), triples in reading order, the
    quarantine on top."""
    ordered = reading_order(triples)
    used = used_prefixes(ordered, writer_prefixes(DEFAULT_MINTER.base))
    body = write(ordered, TURTLE, Settings()).decode("utf-8")
    statements = [line for line in body.splitlines() if not line.startswith("@prefix ")]
    name = case.relative_to(PROJECT_ROOT)
    out = [
        f"# Golden output of mappings/{spec.home.name}/mapping.py for the inputs in {name}/.",
        "# Regenerate: UPDATE_GOLDEN=1 .venv/bin/pytest tests/mappings/test_golden.py (then read the diff).",
    ]
    ordered_problems = sorted(problems, key=lambda p: (p.file, p.line, p.column or 0, p.reason))
    out += [f"# quarantine: {problem}" for problem in ordered_problems]
    out += [""] + [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(used.items())] + [""]
    for line in statements:  # a blank line after each subject's block
        out += [line, ""] if line.endswith(" .") else [line]
    return "\n".join(out).rstrip("\n") + "\n"
