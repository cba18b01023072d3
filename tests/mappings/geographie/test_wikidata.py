"""The shipped crosswalk INSEE code → Wikidata item (data/sources/wikidata-insee) against the shipped COG:
what links, and the codes that differ between the two COG vintages (reported, not guessed)."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache

from culturegraph.mappings.geographie.mapping import collectivites, crosswalk, crosswalk_gaps, triples

from culturegraph.config import PROJECT_ROOT
from culturegraph.datasets import Inputs, load_registry
from culturegraph.rdf.terms import DEFAULT_MINTER, IGEO, SCHEMA, WD, A

SOURCE = PROJECT_ROOT / "data" / "sources" / "wikidata-insee"


@cache
def shipped() -> Inputs:
    registry = load_registry()
    table = registry.load_alias_table("wikidata-insee")
    manifest = tomllib.loads((SOURCE / "manifest.toml").read_text(encoding="utf-8"))
    files = [registry.reader("csv").read(SOURCE / f["name"], table, root=PROJECT_ROOT)
             for f in manifest["files"]]
    return Inputs(files={"wikidata-insee": files}, tables=registry.load_tables())


def test_the_copies_are_the_files_the_manifest_describes() -> None:
    manifest = tomllib.loads((SOURCE / "manifest.toml").read_text(encoding="utf-8"))
    for f in manifest["files"]:
        data = (SOURCE / f["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"], f["name"]
        assert len(data) == f["bytes"], f["name"]


def test_every_row_is_read() -> None:
    inputs = shipped()
    assert not [p for r in inputs.files["wikidata-insee"] for p in r.problems]
    assert [len(r.records) for r in inputs.files["wikidata-insee"]] == [37_262, 119]


def test_the_overseas_collectivities_are_neither_regions_nor_departements() -> None:
    inputs = shipped()
    assert collectivites(inputs.table("cog")) == {"975", "977", "978", "984", "986", "987", "988", "989"}
    out = list(triples(inputs, DEFAULT_MINTER))
    regions = {s for s, p, o in out if p == A and o == IGEO.Region}
    assert len(regions) == 18
    assert len({s for s, p, o in out if p == A and o == IGEO.Departement}) == 101
    assert len({s for s, p, o in out if p == A and o == IGEO.CollectiviteDOutreMer}) == 8
    spm = DEFAULT_MINTER.id("collectivite-outre-mer", "975")
    assert (DEFAULT_MINTER.id("commune", "97502"), IGEO.subdivisionDirecteDe, spm) in out


def test_links_from_the_crosswalk() -> None:
    inputs = shipped()
    out = {(s, o) for s, p, o in triples(inputs, DEFAULT_MINTER) if p == SCHEMA.sameAs}
    iris = DEFAULT_MINTER
    assert (iris.id("commune", "69123"), WD.Q456) in out
    assert (iris.id("commune", "75056"), WD.Q90) in out
    assert (iris.id("departement", "75"), WD.Q124881945) in out  # not the commune's item
    # The overseas région and its département share one item (schema:sameAs states no identity).
    assert (iris.id("region", "01"), WD.Q17012) in out and (iris.id("departement", "971"), WD.Q17012) in out
    links = crosswalk(inputs)
    assert sum(1 for kind, _ in links if kind == "commune") == 34_875
    # at most one item per territory, and cantons and arrondissements are not linked
    assert len({s for s, _ in out}) == len(out)


def test_codes_that_differ_between_the_vintages_are_reported() -> None:
    gaps = crosswalk_gaps(shipped())
    # measured on the shipped files: COG 2026 (crosswalk) against the shipped COG tables
    assert all(kind == "commune" for kind, _ in gaps.not_in_cog + gaps.not_in_crosswalk), gaps
    # Measured: every code of the crosswalk is in the shipped COG (no merger between the vintages), and the
    # shipped COG's communes with no item are exactly the 94 communes of the overseas collectivities
    # (the crosswalk's COG list holds the communes of type COM only, not those of 975, 977, 978, 98x).
    assert gaps.not_in_cog == []
    cog = shipped().table("cog")
    com = collectivites(cog)
    assert len(gaps.not_in_crosswalk) == 94
    assert all(cog.communes[code].departement in com for _, code in gaps.not_in_crosswalk)
