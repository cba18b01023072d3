"""Value types of the OpenAgenda → Opendatasoft field map (``DatasetSpec.parsers``).

The exports hold several fields as JSON *inside a string*: ``status`` and ``attendancemode`` (an object
``{"id": 1, "label": {"fr": …}}``), ``timings`` (a list of ``{"begin", "end"}`` in local time with its
offset), ``registration`` (a list of ``{"type": "link"|"email"|"phone", "value"}``) and ``links``
(a list of ``{"link"}``). A v2.1 export or a CSV may give the same as plain text: a bare code, or a
``;``-joined list of addresses. Each parser raises ``ValueError`` with a reason a curator can read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from culturegraph.sources.values import parse_url


@dataclass(frozen=True)
class Timing:
    """One slot of an event, in the local time the agenda gives (with its offset)."""

    begin: datetime
    end: datetime


@dataclass(frozen=True)
class Registration:
    kind: str  # link | email | phone
    value: str


def _json(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"{what}: not JSON ({err.msg} at character {err.pos}): {raw[:80]!r}") from None


def parse_datetime(raw: str) -> datetime:
    """'2023-09-16T17:00:00+00:00' → an aware datetime; a time without its offset is refused (it could
    be UTC or local time: the exports mix both)."""
    text = raw.strip().replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date and time: {raw!r}") from None
    if value.tzinfo is None:
        raise ValueError(f"a date and time without its offset (UTC or local time?): {raw!r}")
    return value


def parse_code(raw: str) -> int:
    """``{"id": 1, "label": {…}}`` (a JSON string) or a bare ``1`` → 1."""
    text = raw.strip()
    if text.isdigit():
        return int(text)
    value = _json(text, "status or attendance mode")
    code = value.get("id") if isinstance(value, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        raise ValueError(f"no integer `id` in {raw[:80]!r}")
    return code


def parse_timings(raw: str) -> tuple[Timing, ...]:
    """``[{"begin": "…+02:00", "end": "…+02:00"}, …]`` → timings sorted by their beginning, each kept
    once."""
    value = _json(raw.strip(), "timings")
    if not isinstance(value, list):
        raise ValueError(f"timings: a JSON list of {{begin, end}}, not {raw[:80]!r}")
    out: dict[tuple[datetime, datetime], Timing] = {}
    for i, slot in enumerate(value):
        if not isinstance(slot, dict) or not isinstance(slot.get("begin"), str) \
                or not isinstance(slot.get("end"), str):
            raise ValueError(f"timings: slot {i} has no begin and end: {json.dumps(slot)[:80]}")
        # A slot ending before it begins (« 20:00 → 00:00 », midnight meant as the next day?) is kept
        # as written: the shapes warn about it (a curator decides), the reader does not guess.
        begin, end = parse_datetime(slot["begin"]), parse_datetime(slot["end"])
        out.setdefault((begin, end), Timing(begin, end))
    return tuple(sorted(out.values(), key=lambda t: (t.begin, t.end)))


def parse_registration(raw: str) -> tuple[Registration, ...]:
    """``[{"type": "link", "value": "https://…"}, …]``; plain text (a CSV cell) is one link or address."""
    text = raw.strip()
    if not text.startswith("["):
        return tuple(Registration("email" if "@" in part and "://" not in part else "link", part.strip())
                     for part in text.split(";") if part.strip())
    value = _json(text, "registration")
    out = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise ValueError(f"registration: item {i} has no value: {json.dumps(item)[:80]}")
        kind = str(item.get("type", "link"))
        if kind not in ("link", "email", "phone"):
            raise ValueError(f"registration: unknown type {kind!r} (link, email, phone)")
        out.append(Registration(kind, item["value"].strip()))
    return tuple(out)


def parse_links(raw: str) -> tuple[str, ...]:
    """``[{"link": "https://…"}]`` or ``https://a;https://b`` → the web addresses (``mailto:`` and
    ``tel:`` entries left out)."""
    text = raw.strip()
    if text.startswith("["):
        value = _json(text, "links")
        listed = value if isinstance(value, list) else []
        items = [i.get("link") if isinstance(i, dict) else i for i in listed]
        parts = [i for i in items if isinstance(i, str)]
    else:
        parts = text.split(";")
    # An e-mail address or a phone number among the links is not a web page (and may be a person's own).
    return tuple(parse_url(p) for p in parts if p.strip() and not re.match(r"\s*(mailto|tel):", p, re.I)
                 and "@" not in p.split("/")[0])


PARSERS = {
    "openagenda_datetime": parse_datetime,
    "openagenda_code": parse_code,
    "openagenda_timings": parse_timings,
    "openagenda_registration": parse_registration,
    "openagenda_links": parse_links,
}
