"""The dataset contract (``spec``) and the registry that finds datasets and readers (``registry``).

A dataset package writes ``from culturegraph.datasets import DatasetSpec`` and defines ``DATASET``.
"""

from culturegraph.datasets.registry import Registry, RegistryError, load_registry
from culturegraph.datasets.spec import (
    Catalogue,
    Command,
    DatasetSpec,
    Described,
    Emitted,
    Enricher,
    ExamplePage,
    ExternalIdentifier,
    Formats,
    Inputs,
    IriPattern,
    LinkRule,
    MappingFunction,
    Panel,
    PanelView,
    PropertyGroup,
    Reader,
    Report,
    Stage,
    StageContext,
    Statistic,
    TableLoader,
    Text,
    Triple3,
)

__all__ = [
    "Catalogue", "Command", "DatasetSpec", "Described", "Emitted", "Enricher", "ExamplePage",
    "ExternalIdentifier", "Formats", "Inputs", "IriPattern",
    "LinkRule", "MappingFunction", "Panel", "PanelView", "PropertyGroup", "Reader", "Registry",
    "RegistryError", "Report", "Stage", "StageContext", "Statistic", "TableLoader", "Text", "Triple3",
    "load_registry",
]
