"""Page panels of press aid (filled in against the house's web hooks)."""

from __future__ import annotations

from culturegraph.datasets import Enricher, Panel

ENRICHERS: tuple[Enricher, ...] = ()
PANELS: tuple[Panel, ...] = ()
