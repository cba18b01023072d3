"""The docs stay true (in the style of Datasette's test_docs.py): every module of src/ is named in
docs/architecture.md, every setting (its environment variable) in docs/serving.md, every file the docs
or the code cite as ``docs/<name>.md`` exists, and no file cites a path outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from culturegraph.config import PROJECT_ROOT

SRC = PROJECT_ROOT / "src" / "culturegraph"
ARCHITECTURE = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SERVING = (PROJECT_ROOT / "docs" / "serving.md").read_text(encoding="utf-8")
CONFIG = (SRC / "config.py").read_text(encoding="utf-8")
MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py")
TEXT_FILES = [p for folder in ("src", "mappings", "tests", "bench", "tools", "docs", "queries", "ontology")
              for p in (PROJECT_ROOT / folder).rglob("*")
              if p.is_file() and p.suffix in {".py", ".md", ".toml", ".ttl", ".rq", ".html"}
              and "artifacts" not in p.parts] + [PROJECT_ROOT / "README.md"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_module_is_named_in_the_architecture(path: Path) -> None:
    assert f"`{path.name}`" in ARCHITECTURE or str(path.relative_to(SRC.parent)) in ARCHITECTURE, (
        f"docs/architecture.md does not name {path.relative_to(PROJECT_ROOT)}")


def test_every_package_is_a_room_of_the_architecture() -> None:
    for package in sorted(p.parent for p in SRC.rglob("__init__.py") if p.parent != SRC):
        assert f"src/culturegraph/{package.relative_to(SRC)}/" in ARCHITECTURE or \
            f"`{package.name}/`" in ARCHITECTURE, package


def test_every_setting_is_documented() -> None:
    variables = sorted(set(re.findall(r'"(CULTUREGRAPH_[A-Z_]+)"', CONFIG)))
    assert len(variables) >= 6
    missing = [v for v in variables if f"`{v}`" not in SERVING]
    assert missing == []


def test_cited_docs_exist() -> None:
    cited = {m for p in TEXT_FILES for m in re.findall(r"docs/([a-z-]+\.md)", p.read_text(encoding="utf-8"))}
    assert cited and all((PROJECT_ROOT / "docs" / name).is_file() for name in cited), cited


DOCUMENTS = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md")),
             PROJECT_ROOT / "tests" / "golden" / "README.md", PROJECT_ROOT / "bench" / "README.md",
             PROJECT_ROOT / "queries" / "README.md"]
CITED_PATH = re.compile(r"(?:src/culturegraph|mappings|tests|bench|tools|ontology|queries|data/sources)/"
                        r"[A-Za-z0-9_./-]*[A-Za-z0-9_/]")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_cited_paths_exist(document: Path) -> None:
    """A path the documentation names (``mappings/geographie/tables/cog``, ``src/culturegraph/…py``)
    exists; patterns (``mappings/<dataset>/``) are not paths."""
    text = document.read_text(encoding="utf-8")
    missing = sorted({m.group(0) for m in CITED_PATH.finditer(text)
                      if text[m.end():m.end() + 1] not in "<{*" and not (PROJECT_ROOT / m.group(0)).exists()})
    assert missing == []


def test_no_file_cites_a_path_outside_the_repository() -> None:
    pattern = re.compile(r"/work/|\.\./shared/|shared/design/|(?<![\w/])(?:anchors|perf-baseline)\.md")
    hits = [str(p.relative_to(PROJECT_ROOT)) for p in TEXT_FILES
            if p.name != "test_docs.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []
