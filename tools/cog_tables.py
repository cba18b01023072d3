"""Regenerate mappings/geographie/tables/cog/*.csv from Etalab's `@etalab/decoupage-administratif` npm
package, at the pinned version and checksum (tables/cog/SOURCE.md):

    npm pack @etalab/decoupage-administratif@6.0.0
    python tools/cog_tables.py etalab-decoupage-administratif-6.0.0.tgz mappings/geographie/tables/cog

The tarball is read as it is (no unpacking) and refused when its SHA-256 is not the pinned one, so that
the tables cannot silently come from another vintage. Kept: current communes and the municipal
arrondissements of Paris, Lyon and Marseille, with their population municipale as the package gives it
(départements and régions: the package has no figure; the mapping sums their communes). The year and
INSEE table of each population are not in the package's data: they are the curated
``population-millesimes.csv`` beside the tables, checked here to cover every commune with a figure.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
KEPT = ("commune-actuelle", "arrondissement-municipal")


def read_package(tarball: Path) -> dict[str, list[dict[str, Any]]]:
    """The package's data/*.json, after checking the tarball is the pinned one."""
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{tarball}: SHA-256 {digest}, expected {SHA256} ({PACKAGE}@{VERSION}); "
                         "a new version is a new vintage: update VERSION, SHA256 and SOURCE.md together")
    data: dict[str, list[dict[str, Any]]] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        manifest = json.load(_member(archive, "package/package.json"))
        if (manifest["name"], manifest["version"]) != (PACKAGE, VERSION):
            raise SystemExit(f"{tarball}: holds {manifest['name']}@{manifest['version']}")
        for name in ("communes", "departements", "regions"):
            data[name] = json.load(_member(archive, f"package/data/{name}.json"))
    return data


def _member(archive: tarfile.TarFile, name: str) -> Any:
    handle = archive.extractfile(name)
    if handle is None:
        raise SystemExit(f"{archive.name}: no file {name}")
    return handle


def vintages(path: Path) -> dict[str, str]:
    """Territory code (a département or overseas collectivity, ``*`` for the others) → population year."""
    with path.open(encoding="utf-8", newline="") as f:
        return {r["territoire"]: r["annee"] for r in csv.DictReader(f, delimiter=";")}


def main(tarball: Path, out: Path) -> None:
    data = read_package(tarball)
    years = vintages(out / "population-millesimes.csv")
    with (out / "communes.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "type", "departement", "codes_postaux", "commune_parente",
                         "population"])
        for c in data["communes"]:
            if c["type"] not in KEPT:
                continue
            population = c.get("population")
            if population is not None and not (isinstance(population, int) and population >= 0):
                raise SystemExit(f"{tarball}: commune {c['code']}: population {population!r}")
            if population is not None and c.get("departement", "") not in years and "*" not in years:
                raise SystemExit(f"population-millesimes.csv: no year for commune {c['code']}")
            writer.writerow([c["code"], c["nom"], c["type"], c.get("departement", ""),
                             " ".join(c.get("codesPostaux", [])), c.get("commune", ""),
                             "" if population is None else population])
    with (out / "departements.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "region", "chef_lieu"])
        for d in data["departements"]:
            writer.writerow([d["code"], d["nom"], d["region"], d["chefLieu"]])
    with (out / "regions.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "chef_lieu"])
        for r in data["regions"]:
            writer.writerow([r["code"], r["nom"], r["chefLieu"]])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
