"""The vendored SEMIC shapes are the pinned release file."""

from __future__ import annotations

import hashlib

from culturegraph.config import PROJECT_ROOT
from culturegraph.validation.catalogue import SEMIC, semic_shapes

PINNED = "990d3e42721de6a4be8cc338a7171559f195e62dea89c0b56531356b78cc026f"


def test_vendored_file_is_the_pinned_release():
    path = PROJECT_ROOT / "ontology" / SEMIC
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PINNED
    assert PINNED in (path.parent / "README.md").read_text(encoding="utf-8")


def test_only_the_two_dangling_references_are_dropped():
    import rdflib
    from rdflib.namespace import SH

    raw = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / SEMIC)
    loaded = semic_shapes(PROJECT_ROOT / "ontology")
    assert len(raw) - len(loaded) == 2
    assert all((o, SH.path, None) in loaded for o in loaded.objects(None, SH.property))
