"""Each shape against small valid and invalid graphs (tests/validation/fixtures, README there)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from culturegraph.validation.catalogue import is_semic

from .support import FIXTURES, SHAPES, Fixture, key, validate_trig

CASES = sorted(FIXTURES.glob("*/*.trig"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(path, project_settings, tmp_path):
    fixture = Fixture.read(path)
    report = validate_trig(path.read_text(encoding="utf-8"), fixture.dataset, project_settings, tmp_path)
    found = Counter((f.severity, key(f)) for f in report.findings)
    assert dict(found) == fixture.expected, "\n".join(
        f"{f.severity} {key(f)} {f.focus} {f.value!r}: {f.message_en}" for f in report.findings)
    assert report.conforms[fixture.dataset] == (not any(sev == "Violation" for sev, _ in found))
    for text in fixture.messages:
        assert any(text in f.message_fr or text in f.message_en for f in report.findings), text
    # Every result carries both messages, each in its own language, and the shape's names. SEMIC's shapes
    # (the catalogue's, vendored as published) have neither messages (both are pySHACL's English one) nor
    # French names.
    for f in report.findings:
        assert f.message_fr and f.message_en, f
        assert "{?" not in f.message_fr + f.message_en and "{$" not in f.message_fr + f.message_en, f
        if not is_semic(f.shape):
            assert f.message_fr != f.message_en and f.shape_name_fr and f.shape_name_en, f
    written = json.loads((tmp_path / "validation.json").read_text(encoding="utf-8"))
    assert len(written["findings"]) == len(report.findings)


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fast_mode_finds_what_plain_pyshacl_finds(path, project_settings, tmp_path):
    """The build's fast mode (targets, SPARQL and pre-filters on Oxigraph, pySHACL on the candidates)
    against plain pySHACL on the whole graph: the same results, messages included."""
    fixture = Fixture.read(path)
    text = path.read_text(encoding="utf-8")

    def results(mode):
        (tmp_path / mode).mkdir()
        report = validate_trig(text, fixture.dataset, project_settings, tmp_path / mode, mode)
        return sorted((f.severity, key(f), f.focus, f.value or "", f.message_fr, f.message_en,
                       f.shape_name_fr or "") for f in report.findings)

    assert results("fast") == results("pyshacl")


def test_every_dataset_has_valid_and_invalid_fixtures():
    from culturegraph.datasets import load_registry

    datasets = {p.parent.name for p in CASES}
    # every dataset of the registry, the links stage's graph and the catalogue
    assert datasets == {spec.name for spec in load_registry()} | {"liens", "catalogue"}
    for dataset in datasets:
        fixtures = [Fixture.read(p) for p in CASES if p.parent.name == dataset]
        assert any(not f.expected for f in fixtures), f"{dataset}: no valid fixture"
        assert any(f.expected for f in fixtures), f"{dataset}: no invalid fixture"


def test_every_shape_is_exercised():
    """Every named shape of our shapes files (the catalogue's too) gives a result in at least one fixture."""
    assert _shapes_without_fixture() == set()


def _shapes_without_fixture() -> set[str]:
    import rdflib
    from rdflib.namespace import RDF, SH

    shapes = rdflib.Graph()
    for path in SHAPES.glob("*.ttl"):  # ours; SEMIC's (shapes/vendor/) are exercised, not all covered
        shapes.parse(path, format="turtle")
    def local(node: rdflib.term.Node) -> str:
        return str(node).rsplit("#", 1)[-1]

    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)
             if isinstance(s, rdflib.URIRef)}
    covered = {k.split("/")[0] for p in CASES for (_, k) in Fixture.read(p).expected}
    # A node shape whose checks all sit in named property shapes is covered through them.
    covered |= {local(s) for s in named
                if any(local(p) in covered for p in shapes.objects(s, SH.property))}
    return {local(s) for s in named} - covered
