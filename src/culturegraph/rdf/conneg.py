"""Content negotiation, driven by the format table (``culturegraph.rdf.formats``).

Werkzeug parses ``Accept`` (q-values, wildcards, specificity); this module only decides which of *our*
formats a request gets: an explicit ``format=`` parameter or URL suffix first, then ``Accept``, then
the default. ``None`` means 406.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from culturegraph.rdf.formats import Format, by_name


class UnknownFormat(ValueError):
    """``format=`` named something we do not offer."""


def negotiate(accept: MIMEAccept, offered: tuple[Format, ...], default: Format,
              explicit: str | None = None) -> Format | None:
    """The format to answer with, or ``None`` when the client accepts none of ``offered``."""
    if explicit:
        chosen = by_name(explicit, offered)
        if chosen is None:
            raise UnknownFormat(explicit)
        return chosen
    if not accept or not accept.values():
        return default
    # Every media type we answer to, primary type first, so a tie goes to the first offered format.
    candidates: list[str] = [default.media_type]
    for fmt in offered:
        candidates += [m for m in fmt.media_types if m not in candidates]
    best = accept.best_match(candidates)
    if best is None:
        return None
    # `*/*` (or `text/*` …) with equal quality: prefer the default over the table order.
    if accept.quality(default.media_type) >= accept.quality(best):
        return default
    for fmt in offered:
        if best in fmt.media_types:
            return fmt
    return None


def offered_list(offered: tuple[Format, ...]) -> str:
    return ", ".join(f.media_type for f in offered)
