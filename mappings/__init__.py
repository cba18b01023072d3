"""The mappings: one module per dataset, rows in, triples out, no I/O.

Each module declares ``DATASET`` and ``triples(inputs, iris)``. ``culturegraph build`` finds them here.
Curated tables live in ``tables/``, column aliases per export vintage in ``aliases/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def dataset_modules() -> list[ModuleType]:
    """Every mapping module that declares a DATASET, in build order."""
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "DATASET") and hasattr(module, "triples"):
            modules.append(module)
    return sorted(modules, key=lambda m: (m.DATASET.order, m.DATASET.name))
