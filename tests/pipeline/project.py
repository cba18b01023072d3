"""A small copy of the project for end-to-end builds: the shipped sources cut to their first rows.

``small_project(dest)`` copies data/sources (each CSV cut to its header and first ``rows`` records, cut
on record boundaries so multi-line cells stay whole) and ontology into ``dest``; the datasets (their
field maps, tables — the whole COG — shapes) are the shipped packages. A build of it takes a few seconds
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
    for folder in sorted((PROJECT_ROOT / "data" / "sources").iterdir()):
        if not folder.is_dir():
            continue
        target = dest / "data" / "sources" / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if path.suffix == ".csv":
                cut_csv(path, target / path.name, rows)
            else:
                shutil.copy2(path, target / path.name)
    shutil.copytree(PROJECT_ROOT / "ontology", dest / "ontology")
    return dest


def settings_for(project: Path, store_home: Path) -> Settings:
    return load_settings(store_home=store_home).with_(project_root=project)
