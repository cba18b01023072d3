"""The registry: every dataset and reader, discovered once and handed to the build, the CLI and the web app.

Where datasets come from, in this order (a name seen twice is an error naming both places):

1. the shipped ``culturegraph.mappings`` package: each sub-package whose name does not start with ``_``
   and whose ``__init__`` defines ``DATASET``;
2. the ``culturegraph.datasets`` entry point group of installed distributions (an entry point names a
   :class:`~culturegraph.datasets.spec.DatasetSpec` or a module defining ``DATASET``);
3. the ``datasets`` setting (``CULTUREGRAPH_DATASETS``, ``--dataset``): importable module names or
   folders of packages (a folder holding ``__init__.py``), e.g. the toy dataset of the tests.

Readers: the modules of ``culturegraph.sources.readers`` (each defines ``READER``), the
``culturegraph.readers`` entry point group, and the ``readers`` of each dataset.

Use :func:`load_registry` (cached per settings) rather than building a :class:`Registry` by hand.
"""

from __future__ import annotations

import csv
import importlib
import importlib.metadata
import importlib.util
import pkgutil
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from culturegraph.datasets.spec import (
    DatasetSpec,
    Enricher,
    ExternalIdentifier,
    LinkRule,
    Panel,
    PropertyGroup,
    Reader,
    Stage,
    Statistic,
    TableLoader,
)
from culturegraph.rdf import prefixes
from culturegraph.sources import values
from culturegraph.sources.aliases import AliasTable
from culturegraph.sources.values import PARSERS

DATASETS_GROUP = "culturegraph.datasets"
READERS_GROUP = "culturegraph.readers"
BUILTIN_DATASETS = "culturegraph.mappings"
T = TypeVar("T")

BUILTIN_READERS = "culturegraph.sources.readers"


class RegistryError(Exception):
    """Two datasets claim the same name, source, table or format; or a dataset cannot be loaded."""


@dataclass(frozen=True)
class Registry:
    """The datasets (in build order) and the readers by format."""

    datasets: tuple[DatasetSpec, ...]
    readers: dict[str, Reader] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # dataset name → where it was found
    # Every dataset found, when this registry is restricted (``only``): field maps, value types and
    # tables stay those of all datasets (a mapping reads tables and sources other datasets own).
    everything: tuple[DatasetSpec, ...] = ()
    # Tables the layers above derive from the datasets, kept with the registry so that they die with it
    # (a cache keyed on ``id(registry)`` handed one registry's tables to the next one allocated at the
    # same address: tests/web/test_pages.py).
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once for this registry and ``key`` (a race computes twice, harmlessly)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[no-any-return]

    @property
    def _pool(self) -> tuple[DatasetSpec, ...]:
        return self.everything or self.datasets

    # datasets ----------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[DatasetSpec]:
        return iter(self.datasets)

    def __len__(self) -> int:
        return len(self.datasets)

    def __contains__(self, name: object) -> bool:
        return any(d.name == name for d in self.datasets)

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.datasets]

    def get(self, name: str) -> DatasetSpec:
        for spec in self.datasets:
            if spec.name == name:
                return spec
        raise LookupError(f"no dataset {name!r} (datasets: {', '.join(self.names)})")

    __getitem__ = get

    def only(self, names: Iterable[str] | None) -> Registry:
        """The registry restricted to ``names`` (all when ``None``); an unknown name is an error."""
        if names is None:
            return self
        wanted = set(names)
        unknown = wanted - set(self.names)
        if unknown:
            raise LookupError(f"no dataset {', '.join(sorted(unknown))} (datasets: {', '.join(self.names)})")
        return Registry(tuple(d for d in self.datasets if d.name in wanted), self.readers, self.origins,
                        self._pool)

    def with_datasets(self, *specs: DatasetSpec) -> Registry:
        """This registry plus ``specs`` (tests)."""
        return _assemble([*self.datasets, *specs], self.readers, {**self.origins})

    # what the datasets declare, gathered -------------------------------------------------------------

    def reader(self, fmt: str) -> Reader:
        try:
            return self.readers[fmt]
        except KeyError:
            raise LookupError(f"no reader for format {fmt!r} (readers: {', '.join(sorted(self.readers))}); "
                              "a reader is a module of culturegraph.sources.readers, a "
                              f"{READERS_GROUP} entry point or a DatasetSpec.readers entry") from None

    def sources(self) -> list[str]:
        """Every source folder some dataset reads."""
        return sorted({s for d in self.datasets for s in d.sources})

    def alias_tables(self) -> dict[str, Path]:
        """Source → the field map (alias table) file of the dataset that owns it."""
        out: dict[str, Path] = {}
        for spec in self._pool:
            for source, path in spec.aliases.items():
                out[source] = spec.path(path)
        return out

    def source_folders(self) -> dict[str, Path]:
        """Source → the folder a dataset ships it in (``DatasetSpec.source_folders``)."""
        return {source: spec.path(folder) for spec in self._pool
                for source, folder in spec.source_folders.items()}

    def alias_table(self, source: str) -> Path:
        try:
            return self.alias_tables()[source]
        except KeyError:
            raise LookupError(f"no dataset declares the field map (aliases) of source {source!r}") from None

    def parsers(self) -> dict[str, Any]:
        """Every value type a field map may name: the generic ones and the datasets' own."""
        out: dict[str, Any] = dict(PARSERS)
        for spec in self._pool:
            out.update(spec.parsers)
        return out

    def load_alias_table(self, source: str) -> AliasTable:
        """The field map of ``source`` (an :class:`~culturegraph.sources.aliases.AliasTable`), typed
        with :meth:`parsers`."""
        return AliasTable.load(self.alias_table(source), parsers=self.parsers())

    def tables(self) -> dict[str, Path | TableLoader]:
        out: dict[str, Path | TableLoader] = {}
        for spec in self._pool:
            for name, table in spec.tables.items():
                out[name] = table if isinstance(table, TableLoader) else spec.path(table)
        return out

    def load_tables(self) -> dict[str, Any]:
        """Every shared table, loaded: a CSV file → list of dicts (``;``, lines starting with ``#``
        skipped); a :class:`TableLoader` → what its ``load`` returns."""
        loaded: dict[str, Any] = {}
        for spec in self._pool:
            for name, table in spec.tables.items():
                if isinstance(table, TableLoader):
                    loaded[name] = table.load(spec.path(table.path))
                else:
                    loaded[name] = read_csv_table(spec.path(table))
        return loaded

    def shapes(self) -> list[Path]:
        return [spec.path(p) for spec in self.datasets for p in spec.shapes]

    def vocabularies(self) -> list[Path]:
        return [spec.path(p) for spec in self.datasets for p in spec.vocabulary]

    def prefixes(self, base_iri: str) -> dict[str, str]:
        """The one prefix table (rdf/prefixes.py): ours, the datasets', the external ones."""
        return prefixes.table(base_iri)

    def statistics(self) -> list[tuple[DatasetSpec, Statistic]]:
        return sorted(((d, s) for d in self.datasets for s in d.statistics), key=lambda ds: ds[1].order)

    def panels(self) -> list[tuple[DatasetSpec, Panel]]:
        return sorted(((d, p) for d in self.datasets for p in d.panels), key=lambda dp: dp[1].order)

    def enrichers(self) -> list[tuple[DatasetSpec, Enricher]]:
        return [(d, e) for d in self.datasets for e in d.enrichers]

    def property_groups(self) -> list[PropertyGroup]:
        return [g for d in self.datasets for g in d.property_groups]

    def stages(self) -> list[Stage]:
        return [s for d in self.datasets for s in d.stages]

    def link_rules(self) -> list[tuple[DatasetSpec, LinkRule]]:
        """Every link rule, with the dataset declaring it (its home resolves the decisions table)."""
        return [(d, r) for d in self.datasets for r in d.links]

    def external_identifiers(self) -> list[tuple[DatasetSpec, ExternalIdentifier]]:
        """Every declared external identifier, with the dataset declaring it."""
        return [(d, i) for d in self.datasets for i in d.identifiers]

    def template_folders(self) -> dict[str, Path]:
        """Dataset name → its templates folder (Jinja names ``<name>/<file>``)."""
        return {d.name: d.path(d.templates) for d in self.datasets if d.templates is not None}

    def query_folders(self) -> dict[str, Path]:
        return {d.name: d.path(d.queries) for d in self.datasets if d.queries is not None}

    def dataset_of_graph(self, graph_iri: str, base_iri: str) -> DatasetSpec | None:
        prefix = f"{base_iri}graph/"
        if graph_iri.startswith(prefix):
            name = graph_iri[len(prefix):]
            for spec in self.datasets:
                if spec.name == name:
                    return spec
        return None


def read_csv_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";"))


# discovery ---------------------------------------------------------------------------------------------

def load_registry(extra: Iterable[str] = ()) -> Registry:
    """The registry of the shipped datasets, installed entry points and ``extra`` (module names or
    folders: the ``datasets`` setting). Cached: discovery happens once per process and setting."""
    return _load(tuple(str(e) for e in extra))


@cache
def _load(extra: tuple[str, ...]) -> Registry:
    found: list[tuple[DatasetSpec, str]] = []
    found += [(spec, where) for spec, where in _builtin_datasets()]
    for ep in _entry_points(DATASETS_GROUP):
        found.append((_spec_of(ep.load(), f"entry point {ep.name} ({ep.value})"), f"entry point {ep.value}"))
    for item in extra:
        module = _import_extra(item)
        found.append((_spec_of(module, item), item))
    readers: dict[str, Reader] = {}
    origins: dict[str, str] = {}
    for reader, where in _builtin_readers():
        _add_reader(readers, origins, reader, where)
    for ep in _entry_points(READERS_GROUP):
        _add_reader(readers, origins, _reader_of(ep.load(), ep.value), f"entry point {ep.value}")
    specs = []
    for spec, where in found:
        if spec.name in origins and not origins[spec.name].startswith("reader "):
            raise RegistryError(f"dataset {spec.name!r} found twice: {origins[spec.name]} and {where}")
        origins[spec.name] = where
        specs.append(spec)
    return _assemble(specs, readers, origins)


def _assemble(specs: list[DatasetSpec], readers: dict[str, Reader], origins: dict[str, str]) -> Registry:
    readers = dict(readers)
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise RegistryError(f"dataset {spec.name!r} declared twice")
        seen[spec.name] = spec.name
        for reader in spec.readers:
            if reader.format in readers and readers[reader.format] is not reader:
                raise RegistryError(f"format {reader.format!r}: dataset {spec.name} brings a reader, "
                                    "and there is one already")
            readers[reader.format] = reader
    _unique(specs, "source field map (aliases)", lambda s: s.aliases)
    _unique(specs, "table", lambda s: s.tables)
    _unique(specs, "value type", lambda s: s.parsers)
    _unique(specs, "source folder", lambda s: s.source_folders)
    for spec in specs:
        prefixes.register(spec.prefixes)
        values.register(dict(spec.parsers))
    ordered = sorted(specs, key=lambda s: (s.order, s.name))
    return Registry(tuple(ordered), readers, origins)


def _unique(specs: list[DatasetSpec], what: str, keys: Any) -> None:
    owner: dict[str, str] = {}
    for spec in specs:
        for key in keys(spec):
            if key in owner:
                raise RegistryError(f"{what} {key!r} declared by both {owner[key]} and {spec.name}")
            owner[key] = spec.name


def _builtin_datasets() -> Iterator[tuple[DatasetSpec, str]]:
    try:
        package = importlib.import_module(BUILTIN_DATASETS)
    except ImportError:  # pragma: no cover - the mappings are part of the install
        return
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or not info.ispkg:
            continue
        module = importlib.import_module(f"{BUILTIN_DATASETS}.{info.name}")
        if isinstance(getattr(module, "DATASET", None), DatasetSpec):
            yield module.DATASET, f"{BUILTIN_DATASETS}.{info.name}"


def _builtin_readers() -> Iterator[tuple[Reader, str]]:
    package = importlib.import_module(BUILTIN_READERS)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{BUILTIN_READERS}.{info.name}")
        reader = getattr(module, "READER", None)
        if isinstance(reader, Reader):
            yield reader, f"{BUILTIN_READERS}.{info.name}"


def _add_reader(readers: dict[str, Reader], origins: dict[str, str], reader: Reader, where: str) -> None:
    key = f"reader {reader.format}"
    if reader.format in readers:
        raise RegistryError(f"format {reader.format!r} has two readers: {origins[key]} and {where}")
    readers[reader.format] = reader
    origins[key] = where


def _entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=group), key=lambda ep: ep.name)


def _spec_of(obj: object, where: str) -> DatasetSpec:
    spec = obj if isinstance(obj, DatasetSpec) else getattr(obj, "DATASET", None)
    if not isinstance(spec, DatasetSpec):
        raise RegistryError(f"{where}: defines no DATASET (a culturegraph.datasets.DatasetSpec)")
    return spec


def _reader_of(obj: object, where: str) -> Reader:
    reader = obj if isinstance(obj, Reader) else getattr(obj, "READER", None)
    if not isinstance(reader, Reader):
        raise RegistryError(f"{where}: defines no READER (a culturegraph.datasets.Reader)")
    return reader


def _import_extra(item: str) -> ModuleType:
    """A module name, or a package folder (imported under a private name, relative imports working)."""
    path = Path(item).expanduser()
    if path.is_dir():
        init = path / "__init__.py"
        if not init.is_file():
            raise RegistryError(f"{path}: a dataset folder holds an __init__.py defining DATASET")
        name = f"culturegraph_dataset_{path.resolve().name.replace('-', '_')}"
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(path)])
        if spec is None or spec.loader is None:  # pragma: no cover
            raise RegistryError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return module
    try:
        return importlib.import_module(item)
    except ImportError as err:
        raise RegistryError(f"dataset {item!r}: neither a folder nor an importable module ({err})") from None
