"""Compare the quads of two builds: the same graph, up to what changes at every build.

    python tools/compare_builds.py BEFORE AFTER [--show 20]

BEFORE and AFTER are each an N-Quads file (``.nq``), a store home (a folder with ``current``), a build
directory (a folder with ``store/``) or an Oxigraph directory. Exit status 0 when both hold the same
quads after normalisation, 1 when they differ (the first ``--show`` differences of each side printed).

What is normalised, and nothing else:

- the build id (``YYYYMMDDTHHMMSSZ-xxxxxx``), wherever it appears (the build activity's IRI
  ``…/data/build/<id>`` and its labels "Construction du graphe <id>") becomes ``BUILD``;
- in the provenance graph ``/graph/provenance`` only, the ``xsd:dateTime`` objects of
  ``prov:startedAtTime``, ``prov:endedAtTime`` and ``dcterms:modified`` (the clock of the build)
  become ``TIME``;
- blank-node labels (Oxigraph mints random ones when it parses the vocabularies) become a hash of
  the quads around the node, so that two isomorphic graphs compare equal.

Everything else — every data graph, the vocabularies, the provenance graph's sources, sizes and
checksums — is compared byte for byte, as N-Quads lines.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import defaultdict
from pathlib import Path

from pyoxigraph import RdfFormat, Store

BUILD_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
CLOCK = re.compile(
    r'^(\S+ <(?:http://www\.w3\.org/ns/prov#(?:startedAtTime|endedAtTime)'
    r'|http://purl\.org/dc/terms/modified)> )'
    r'"[^"]*"\^\^<http://www\.w3\.org/2001/XMLSchema#dateTime>( <[^>]*/graph/provenance> \.)$'
)
BLANK = re.compile(r"_:[A-Za-z0-9]+")


def lines_of(path: Path) -> list[str]:
    """The N-Quads lines of ``path`` (a file, a store home, a build directory or a store)."""
    if path.is_file():
        return path.read_text(encoding="utf-8").splitlines()
    store_dir = path
    if (path / "current").exists():
        store_dir = (path / "current").resolve() / "store"
    elif (path / "store").is_dir():
        store_dir = path / "store"
    store = Store.read_only(str(store_dir))
    return store.dump(format=RdfFormat.N_QUADS).decode("utf-8").splitlines()


def normalise(lines: list[str]) -> set[str]:
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        line = BUILD_ID.sub("BUILD", line)
        line = CLOCK.sub(r'\1"TIME"\2', line)
        out.append(line)
    return set(canonical_blank_nodes(out))


def canonical_blank_nodes(lines: list[str]) -> list[str]:
    """Relabel each blank node by a hash of the quads it appears in (other blank nodes masked)."""
    around: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        for label in set(BLANK.findall(line)):
            around[label].append(line)
    if not around:
        return lines
    names = {}
    for label, quads in around.items():
        masked = sorted(BLANK.sub(lambda m, lab=label: "_:SELF" if m.group(0) == lab else "_:OTHER", q)
                        for q in quads)
        names[label] = "_:h" + hashlib.sha256("\n".join(masked).encode()).hexdigest()[:16]
    return [BLANK.sub(lambda m: names[m.group(0)], line) if "_:" in line else line for line in lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--show", type=int, default=20, help="differences printed per side")
    args = parser.parse_args(argv)
    before = normalise(lines_of(args.before))
    after = normalise(lines_of(args.after))
    only_before = sorted(before - after)
    only_after = sorted(after - before)
    print(f"before: {len(before):,} quads   after: {len(after):,} quads")
    if not only_before and not only_after:
        print("same quads (build id, build clock and blank-node labels normalised)")
        return 0
    print(f"only before: {len(only_before):,}   only after: {len(only_after):,}")
    for label, rows in (("-", only_before), ("+", only_after)):
        for row in rows[: args.show]:
            print(label, row)
    return 1


if __name__ == "__main__":
    sys.exit(main())
