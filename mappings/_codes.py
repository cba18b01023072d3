"""Value types of the museum sources' field maps: Muséofile ids, Patrimostat site codes, status codes.

Declared as ``DatasetSpec.parsers`` by the datasets whose field maps use them (the generic types live in
``culturegraph.sources.values``).
"""

from __future__ import annotations

import re

from culturegraph.sources.values import collapse, commune_based_code

NOTE_CODES = {"F": "F", "NC": "NC", "R": "R"}


def parse_note_code(raw: str) -> str:
    """Attendance status codes of the 2001-2021 export: F (fermé), NC (non communiqué), R (retiré)."""
    text = collapse(raw).upper().rstrip(".")
    if text in NOTE_CODES:
        return NOTE_CODES[text]
    raise ValueError(f"unknown note code {raw!r} (expected F, NC or R)")


def parse_museofile_id(raw: str) -> str:
    text = collapse(raw).upper()
    if re.fullmatch(r"M\d{4}", text):
        return text
    raise ValueError(f"not a Muséofile id (M + 4 digits): {raw!r}")


def parse_patrimostat(raw: str) -> str:
    """DEPS/Patrimostat site code: 5-character commune code + 2 digits ('0105301', Corsica '2A00401');
    some exports lost the leading zero ('810501' = '0810501')."""
    return commune_based_code(raw, 7, "not a Patrimostat code (7 characters)")
