"""Populations of the COG territories: the regeneration tool (pinned package, checksum), the shipped
tables, the sums the mapping publishes for départements and régions, and the vintages."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import shutil
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
from culturegraph.mappings.geographie.cog import Cog
from culturegraph.mappings.geographie.mapping import territory_populations

from culturegraph.config import PROJECT_ROOT

COG = PROJECT_ROOT / "mappings" / "geographie" / "tables" / "cog"


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cog_tables", PROJECT_ROOT / "tools" / "cog_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tarball(path: Path, version: str, communes: list[dict[str, object]]) -> Path:
    """A package tarball shaped like npm's (``package/…``), with the given communes."""
    files = {
        "package/package.json": {"name": "@etalab/decoupage-administratif", "version": version},
        "package/data/communes.json": communes,
        "package/data/departements.json": [{"code": "01", "nom": "Ain", "region": "84", "chefLieu": "01053"}],
        "package/data/regions.json": [{"code": "84", "nom": "Auvergne-Rhône-Alpes", "chefLieu": "69123"}],
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, content in files.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


COMMUNES = [
    {"code": "01053", "nom": "Bourg-en-Bresse", "type": "commune-actuelle", "departement": "01",
     "codesPostaux": ["01000"], "population": 42372},
    {"code": "01004", "nom": "Ambérieu-en-Bugey", "type": "commune-actuelle", "departement": "01",
     "codesPostaux": ["01500"]},
    {"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee", "departement": "01", "population": 5},
]


def test_the_tool_writes_the_population_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tool()
    path = tarball(tmp_path / "package.tgz", module.VERSION, COMMUNES)
    monkeypatch.setattr(module, "SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    out = tmp_path / "cog"
    out.mkdir()
    shutil.copy2(COG / "population-millesimes.csv", out)
    module.main(path, out)
    assert (out / "communes.csv").read_text(encoding="utf-8").splitlines() == [
        "code;nom;type;departement;codes_postaux;commune_parente;population",
        "01053;Bourg-en-Bresse;commune-actuelle;01;01000;;42372",
        "01004;Ambérieu-en-Bugey;commune-actuelle;01;01500;;",  # no figure: empty, not 0
    ]
    cog = Cog.load(out)
    assert cog.communes["01053"].population == 42372 and cog.communes["01004"].population is None
    # A commune without a figure: no sum for its département (it would be too low).
    assert ("departement", "01") not in territory_populations(cog)


def test_the_tool_refuses_another_tarball(tmp_path: Path) -> None:
    module = tool()
    path = tarball(tmp_path / "package.tgz", module.VERSION, COMMUNES)
    with pytest.raises(SystemExit, match=r"package\.tgz: SHA-256 [0-9a-f]{64}, expected " + module.SHA256):
        module.main(path, tmp_path)


def test_the_tool_refuses_a_negative_population(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tool()
    path = tarball(tmp_path / "package.tgz", module.VERSION, [{**COMMUNES[0], "population": -1}])
    monkeypatch.setattr(module, "SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    shutil.copy2(COG / "population-millesimes.csv", tmp_path)
    with pytest.raises(SystemExit, match="commune 01053: population -1"):
        module.main(path, tmp_path)


def test_one_version_everywhere() -> None:
    """The version and checksum the tool pins are the ones SOURCE.md and the vocabulary cite."""
    module = tool()
    source = (COG / "SOURCE.md").read_text(encoding="utf-8")
    assert f"{module.PACKAGE}@{module.VERSION}" in source and module.SHA256 in source
    vocabulary = (PROJECT_ROOT / "mappings" / "geographie" / "vocabulary.ttl").read_text(encoding="utf-8")
    cited = set(re.findall(r"npmjs\.com/package/@etalab/decoupage-administratif/v/([0-9.]+)>", vocabulary))
    assert cited == {module.VERSION}


def test_a_bad_population_in_the_table_names_the_line(tmp_path: Path) -> None:
    for name in ("departements.csv", "regions.csv", "population-millesimes.csv"):
        shutil.copy2(COG / name, tmp_path)
    (tmp_path / "communes.csv").write_text(
        "code;nom;type;departement;codes_postaux;commune_parente;population\n"
        "01053;Bourg-en-Bresse;commune-actuelle;01;01000;;42372\n"
        "01004;Ambérieu-en-Bugey;commune-actuelle;01;01500;;15 934\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"communes\.csv:3: population '15 934'"):
        Cog.load(tmp_path)


@pytest.fixture(scope="module")
def shipped() -> Cog:
    return Cog.load(COG)


def test_every_shipped_commune_has_a_population_but_the_uninhabited(shipped: Cog) -> None:
    missing = sorted(code for code, c in shipped.communes.items() if c.population is None)
    # The TAAF's five districts and Clipperton: no permanent population, no figure in the package.
    assert missing == ["98411", "98412", "98413", "98414", "98415", "98901"]


def test_sums_and_vintages(shipped: Cog) -> None:
    found = territory_populations(shipped)
    rhone = sum(c.population or 0 for c in shipped.communes.values()
                if c.departement == "69" and c.type == "commune-actuelle")
    assert found[("departement", "69")][0] == rhone == 1914667
    assert found[("commune", "69123")][0] == 519127  # Lyon = the sum of its 9 arrondissements
    assert sum(found[("commune", f"6938{i}")][0] for i in range(1, 10)) == 519127
    # INSEE's published figure for France without Mayotte on 1 January 2023, rounded to the thousand:
    # 68,094,000. The sum of the régions but Mayotte's must agree (an external check of the sums).
    france = sum(n for (kind, code), (n, _) in found.items() if kind == "region" and code != "06")
    assert abs(france - 68_094_000) < 500
    years = {(kind, code): v.year for (kind, code), (_, v) in found.items() if kind != "commune"}
    assert years[("departement", "976")] == years[("region", "06")] == 2017
    com = "collectivite-outre-mer"
    assert (years[(com, "987")], years[(com, "988")]) == (2022, 2025)
    assert ("collectivite-outre-mer", "984") not in found and ("collectivite-outre-mer", "989") not in found
    assert sum(1 for kind, _ in found if kind == "region") == 18
    assert sum(1 for kind, _ in found if kind == "departement") == 101
