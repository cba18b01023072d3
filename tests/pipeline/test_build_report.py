"""The build report's phases: each stage timed under its own name (the time line of `culturegraph
build` once printed every stage as "vocabularies"), none counted twice."""

from __future__ import annotations

from culturegraph.datasets.registry import load_registry
from culturegraph.pipeline.stages import stages_of


def test_every_stage_has_its_own_phase_and_the_phases_fit_the_build(built):
    phases = built.report["phases"]
    stages = [s.name for s in stages_of(load_registry())]
    assert list(phases)[:2] == ["read", "map_load"]
    # the catalogue stage times its parts (dumps, statistics, changes, catalogue) itself
    assert set(stages) <= set(phases), set(stages) - set(phases)
    assert {"dumps", "statistics", "changes"} <= set(phases)
    assert sum(phases.values()) <= built.report["seconds"]
