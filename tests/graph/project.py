"""A small copy of the project for end-to-end builds: the shipped sources cut to their first rows.

``small_project(dest)`` copies data/sources (each CSV cut to its header and first ``rows`` records, cut
on record boundaries so multi-line cells stay whole), mappings/aliases, mappings/tables (the COG kept
to the communes those rows name) and ontology into ``dest``. A build of it takes a few seconds
instead of a minute, and goes through exactly the same code as the real one. (Its graph does not pass
the SHACL shapes: the cut breaks links between the files, e.g. sites of museums left out.)
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from culturegraph.config import PROJECT_ROOT, Settings, load_settings


def cut_csv(source: Path, dest: Path, rows: int) -> list[list[str]]:
    """Header + the first ``rows`` records of ``source``, byte for byte; returns the records read."""
    data = source.read_bytes()
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    records = [next(reader)]
    for _ in range(rows):
        try:
            records.append(next(reader))
        except StopIteration:
            break
    lines = data.splitlines(keepends=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(b"".join(lines[: reader.line_num]))
    return records


def small_project(dest: Path, rows: int = 40) -> Path:
    """Build ``dest`` as a project root and return it."""
    places: set[str] = set()
    for folder in sorted((PROJECT_ROOT / "data" / "sources").iterdir()):
        if not folder.is_dir():
            continue
        target = dest / "data" / "sources" / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if path.suffix == ".csv":
                header, *records = cut_csv(path, target / path.name, rows)
                for record in records:
                    places |= _places(dict(zip(header, record, strict=False)))
            else:
                shutil.copy2(path, target / path.name)
    shutil.copytree(PROJECT_ROOT / "mappings" / "aliases", dest / "mappings" / "aliases")
    shutil.copytree(PROJECT_ROOT / "mappings" / "tables", dest / "mappings" / "tables")
    shutil.copytree(PROJECT_ROOT / "ontology", dest / "ontology")
    communes = dest / "mappings" / "tables" / "cog" / "communes.csv"
    lines = communes.read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [line for line in lines[1:]
            if line.split(";")[0] in places or places & set(line.split(";")[4].split())]
    communes.write_text(lines[0] + "".join(keep), encoding="utf-8")
    return dest


# Columns holding a commune or site code (its first 5 characters are a commune) or a postcode.
PLACE_COLUMNS = ("codeInseeCommune", "IDPatrimostat", "ref_musee", "ref_deps", "code_postal", "cp_m")


def _places(record: dict[str, str]) -> set[str]:
    """Commune codes and postcodes a source row may lead to (the COG rows the small project keeps)."""
    found = set()
    for column in PLACE_COLUMNS:
        code = record.get(column, "").strip()
        if len(code) == 6 and code.isdigit():
            code = code.zfill(7)  # a site code that lost its leading zero
        if len(code) >= 5:
            found.add(code[:5])
    return found


def settings_for(project: Path, store_home: Path) -> Settings:
    return load_settings(store_home=store_home).with_(project_root=project)
