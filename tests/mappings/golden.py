"""Golden cases: real source rows in, the Turtle a mapping makes of them out (tests/golden/README.md).

A case is a folder ``tests/golden/<dataset>/<case>/`` holding ``input-<source>.csv`` files (a second file
of the same source is ``input-<source>-2.csv``: files are given to the mapping in that order, preferred
first, like the manifest order in a build), optionally a ``cog/`` folder (a tiny COG replacing
``mappings/tables/cog``), and ``expected.ttl``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from culturegraph.mappings import dataset_modules
from pyoxigraph import RdfFormat, Triple, serialize

from culturegraph.config import PROJECT_ROOT, Settings
from culturegraph.graph.build import load_tables
from culturegraph.graph.dataset import Cog, Inputs
from culturegraph.rdf.terms import DEFAULT_MINTER
from culturegraph.sources.read import AliasTable, Problem, ReadResult, Record, read_table

GOLDEN = PROJECT_ROOT / "tests" / "golden"
INPUT = re.compile(r"^input-(?P<source>[a-z0-9-]+?)(?:-(?P<n>\d+))?\.csv$")


@dataclass
class Output:
    turtle: str
    triples: set[Triple]
    problems: list[Problem]
    records: list[Record]
    provenance: dict[str, Record]  # subject IRI -> the row it came from, as the build's index has it


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*/*") if p.is_dir() and not p.name.startswith("."))


def module_for(dataset: str) -> ModuleType:
    for module in dataset_modules():
        if module.DATASET.name == dataset:
            return module
    raise LookupError(f"no mapping module for dataset {dataset!r}")


@cache
def shipped_cog() -> Cog:
    return Cog.load(PROJECT_ROOT / "mappings" / "tables" / "cog")


@cache
def shipped_tables() -> dict[str, list[dict[str, str]]]:
    return load_tables(Settings())


def read_inputs(case: Path, sources: tuple[str, ...]) -> dict[str, list[ReadResult]]:
    found: dict[str, list[tuple[int, Path]]] = {}
    for path in case.glob("input-*.csv"):
        match = INPUT.match(path.name)
        if match is None:
            raise ValueError(f"{path}: name inputs input-<source>.csv or input-<source>-<n>.csv")
        source = match["source"]
        if source not in sources:
            raise ValueError(f"{path}: {source!r} is not a source of this dataset {sources}")
        found.setdefault(source, []).append((int(match["n"] or 1), path))
    files = {}
    for source, paths in found.items():
        table = AliasTable.load(PROJECT_ROOT / "mappings" / "aliases" / f"{source}.toml")
        files[source] = [read_table(path, table, root=PROJECT_ROOT) for _, path in sorted(paths)]
    return files


def run_case(case: Path) -> Output:
    module = module_for(case.parent.name)
    files = read_inputs(case, module.DATASET.sources)
    cog = Cog.load(case / "cog") if (case / "cog").is_dir() else shipped_cog()
    inputs = Inputs(files=files, cog=cog, tables=shipped_tables())
    problems = [p for results in files.values() for r in results for p in r.problems]
    triples: set[Triple] = set()
    records: list[Record] = []
    provenance: dict[str, Record] = {}
    for item in module.triples(inputs, DEFAULT_MINTER):
        if isinstance(item, Record):
            records.append(item)
        elif isinstance(item, Problem):
            problems.append(item)
        else:
            triples.add(Triple(*item))
            if records:  # what build.build_into does: the first row a subject follows
                provenance.setdefault(item[0].value, records[-1])
    return Output(render(case, module, triples, problems), triples, problems, records, provenance)


def prefixes(triples: set[Triple]) -> dict[str, str]:
    """Our prefixes that these triples use. ``cg:`` (the bare base) is left out: it would turn every
    observation IRI into ``cg:data\\/frequentation-musees\\/…``, which nobody can read."""
    iris = {str(term.value) for t in triples for term in (t.subject, t.predicate, t.object)
            if term.__class__.__name__ == "NamedNode"}
    iris |= {str(t.object.datatype.value) for t in triples if hasattr(t.object, "datatype")}
    return {name: ns for name, ns in DEFAULT_MINTER.prefixes().items()
            if name != "cg" and any(iri.startswith(ns) for iri in iris)}


def render(case: Path, module: ModuleType, triples: set[Triple], problems: list[Problem]) -> str:
    """Turtle with our prefixes, triples sorted (subject, predicate, object), the quarantine on top."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    used = prefixes(triples)
    body = (serialize(ordered, format=RdfFormat.TURTLE, prefixes=used) or b"").decode("utf-8")
    statements = [line for line in body.splitlines() if not line.startswith("@prefix ")]
    name = case.relative_to(PROJECT_ROOT)
    out = [
        f"# Golden output of mappings/{module.__name__.rsplit('.', 1)[-1]}.py for the inputs in {name}/.",
        "# Regenerate: UPDATE_GOLDEN=1 .venv/bin/pytest tests/mappings/test_golden.py (then read the diff).",
    ]
    ordered_problems = sorted(problems, key=lambda p: (p.file, p.line, p.column or 0, p.reason))
    out += [f"# quarantine: {problem}" for problem in ordered_problems]
    out += [""] + [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(used.items())] + [""]
    for line in statements:  # a blank line after each subject's block
        out += [line, ""] if line.endswith(" .") else [line]
    return "\n".join(out).rstrip("\n") + "\n"
