"""Regenerate mappings/geographie/tables/cog/*.csv from Etalab's `@etalab/decoupage-administratif` npm
package.

    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python tools/cog_tables.py package/data mappings/geographie/tables/cog

Kept: current communes and the municipal arrondissements of Paris, Lyon and Marseille.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def main(data: Path, out: Path) -> None:
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    with (out / "communes.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "type", "departement", "codes_postaux", "commune_parente"])
        for c in communes:
            if c["type"] in ("commune-actuelle", "arrondissement-municipal"):
                writer.writerow([c["code"], c["nom"], c["type"], c.get("departement", ""),
                                 " ".join(c.get("codesPostaux", [])), c.get("commune", "")])
    departements = json.loads((data / "departements.json").read_text(encoding="utf-8"))
    with (out / "departements.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "region", "chef_lieu"])
        for d in departements:
            writer.writerow([d["code"], d["nom"], d["region"], d["chefLieu"]])
    regions = json.loads((data / "regions.json").read_text(encoding="utf-8"))
    with (out / "regions.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "nom", "chef_lieu"])
        for r in regions:
            writer.writerow([r["code"], r["nom"], r["chefLieu"]])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
