"""The registry: datasets and readers discovered once, from the shipped package, entry points and folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturegraph.datasets import DatasetSpec, Reader, RegistryError, load_registry
from culturegraph.datasets.registry import Registry, _assemble


def _folder(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text(body, encoding="utf-8")
    return folder


def test_readers_are_found_by_format() -> None:
    registry = load_registry()
    assert {"csv", "json"} <= set(registry.readers)
    with pytest.raises(LookupError, match="no reader for format 'xml'"):
        registry.reader("xml")


def test_a_dataset_folder_is_discovered(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "extra_ds", (
        "from pathlib import Path\n"
        "from culturegraph.datasets import DatasetSpec\n"
        "DATASET = DatasetSpec(name='extra', title={'fr': 'x'}, description={'fr': 'y'},\n"
        "                      home=Path(__file__).parent, shapes=('shapes.ttl',), order=99)\n"))
    registry = load_registry([str(folder)])
    assert registry.get("extra").order == 99
    assert registry.names[-1] == "extra"
    assert registry.shapes()[-1] == folder / "shapes.ttl"
    assert registry.origins["extra"] == str(folder)


def test_a_folder_without_dataset_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "nothing_here", "X = 1\n")
    with pytest.raises(RegistryError, match="defines no DATASET"):
        load_registry([str(folder)])


def test_two_owners_of_one_source_field_map_are_refused() -> None:
    a = DatasetSpec("a", {"fr": "a"}, {"fr": "a"}, aliases={"src": "a.toml"})
    b = DatasetSpec("b", {"fr": "b"}, {"fr": "b"}, aliases={"src": "b.toml"})
    with pytest.raises(RegistryError, match="'src' declared by both a and b"):
        _assemble([a, b], {}, {})


def test_a_dataset_brings_its_reader() -> None:
    def read(path, table, *, root=None):  # pragma: no cover - never called
        raise AssertionError

    reader = Reader("toy-format", read)
    spec = DatasetSpec("t", {"fr": "t"}, {"fr": "t"}, readers=(reader,))
    registry = load_registry().with_datasets(spec)
    assert registry.reader("toy-format") is reader
    assert isinstance(registry.only(["t"]), Registry)
    with pytest.raises(LookupError, match="no dataset nope"):
        registry.only(["nope"])
