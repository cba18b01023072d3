"""A small copy of the project for end-to-end builds: the shipped sources cut to their first rows.

``small_project(dest)`` copies data/sources (each CSV cut to its header and first ``rows`` records, cut
on record boundaries so multi-line cells stay whole) and ontology into ``dest``; the datasets (their
field maps, tables, shapes) are the shipped packages. It also writes ``dest/tables/cog``: the shipped
COG cut to every département and région and to the communes the cut files can refer to (by INSEE code,
the 5-character prefix of a Patrimostat site code, a postcode, or a name), with the Wikidata crosswalk cut
to match. The whole COG (35,000 communes, 90 % of a small build's triples) made each build and
validation of the small project about five times slower and checked nothing more: the cut files name a
few dozen communes. Builds use the cut COG only inside ``cut_geography(project)``; they go through
exactly the same code as the real one. (Its graph does not pass the SHACL shapes: the cut breaks links
between the files, e.g. sites of museums left out.)
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from culturegraph.config import PROJECT_ROOT, Settings, load_settings
from culturegraph.datasets.spec import TableLoader
from culturegraph.rdf.terms import slug

COG = PROJECT_ROOT / "mappings" / "geographie" / "tables" / "cog"
CROSSWALK = "wikidata-insee"  # the source that lists every code: not a reference to any commune
CODE = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{2}|2[AB])[0-9]{3}")  # at the start of a token


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
    cells: set[str] = set()
    crosswalk: list[tuple[Path, Path]] = []
    for folder in sorted((PROJECT_ROOT / "data" / "sources").iterdir()):
        if not folder.is_dir():
            continue
        target = dest / "data" / "sources" / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if folder.name == CROSSWALK and path.suffix == ".tsv":
                crosswalk.append((path, target / path.name))
            elif path.suffix == ".csv":
                cells.update(cell for record in cut_csv(path, target / path.name, rows) for cell in record)
            else:
                shutil.copy2(path, target / path.name)
                if path.suffix in (".tsv", ".json", ".geojson"):
                    cells.update(re.split(r"[\t\n\"]", path.read_text(encoding="utf-8", errors="replace")))
    kept = cut_cog(cells, dest / "tables" / "cog")
    for path, target in crosswalk:
        cut_crosswalk(path, target, kept)
    shutil.copytree(PROJECT_ROOT / "ontology", dest / "ontology")
    return dest


def cut_cog(cells: set[str], dest: Path) -> set[str]:
    """The COG with every département and région and the communes ``cells`` may name: by code (or the
    code a token starts with: a Patrimostat site code), by a postcode (then every commune of that
    postcode, so that a lookup stays as ambiguous as on the whole COG), by name (every commune of that
    name, or whose name starts with it and a hyphen: a lookup of a commune merged since); the parent
    and the municipal arrondissements of a kept commune. Returns the kept commune codes."""
    codes = {m for cell in cells for m in CODE.findall(cell)}
    names = {slug(cell) for cell in cells if cell and not cell[:1].isdigit()}
    dest.mkdir(parents=True)
    for path in COG.iterdir():  # every table but the communes, whole
        if path.name != "communes.csv":
            shutil.copy2(path, dest / path.name)
    with (COG / "communes.csv").open(encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    rows = list(csv.DictReader(lines, delimiter=";"))
    kept = {r["code"] for r in rows if codes.intersection([r["code"], *r["codes_postaux"].split()])
            or names.intersection(prefixes(slug(r["nom"])))}
    kept |= {r["commune_parente"] for r in rows if r["code"] in kept and r["commune_parente"]}
    kept |= {r["code"] for r in rows if r["commune_parente"] in kept}
    with (dest / "communes.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(lines[0])
        f.writelines(line for line, r in zip(lines[1:], rows, strict=True) if r["code"] in kept)
    return kept


def prefixes(name: str) -> list[str]:
    """``vaux-andigny`` → ``vaux``, ``vaux-andigny``."""
    parts = name.split("-")
    return ["-".join(parts[:i]) for i in range(1, len(parts) + 1)]


def cut_crosswalk(source: Path, dest: Path, communes: set[str]) -> None:
    """The Wikidata crosswalk without the rows of communes the cut COG left out (the other levels kept)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split("\t")
    level, code = (header.index(n) for n in (("level_code", "admin_code") if "level_code" in header
                                              else ("level", "insee_code")))
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.rstrip("\r\n").split("\t")
        if cells[level] != "commune" or cells[code] in communes:
            out.append(line)
    dest.write_text("".join(out), encoding="utf-8")


@contextmanager
def cut_geography(project: Path) -> Iterator[None]:
    """While inside: the geography dataset reads ``project``'s cut COG (``small_project``) instead of the
    shipped one. Kept to the builds themselves, never for a whole test module: a session build of the
    shipped data started meanwhile would get the cut COG."""
    from culturegraph.mappings.geographie import DATASET

    shipped = DATASET.tables["cog"]
    assert isinstance(shipped, TableLoader)
    DATASET.tables["cog"] = TableLoader(project / "tables" / "cog", shipped.load)
    try:
        yield
    finally:
        DATASET.tables["cog"] = shipped


def settings_for(project: Path, store_home: Path) -> Settings:
    return load_settings(store_home=store_home).with_(project_root=project)
