"""Content negotiation, driven by the format table (``culturegraph.rdf.formats``).

Werkzeug parses ``Accept`` (q-values, wildcards, specificity); this module only decides which of *our*
formats a request gets: an explicit ``format=`` parameter or URL suffix first, then ``Accept``, then
the default. ``None`` means 406.
"""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.datastructures import MIMEAccept

from culturegraph.rdf.formats import Format, by_name


class UnknownFormat(ValueError):
    """``format=`` named something we do not offer."""


# Media ranges of one Accept header that are looked at (web/security.py also cuts the header itself to
# MAX_NEGOTIATION_HEADER bytes before anything parses it): a real client sends fewer than 20.
MAX_RANGES = 64


def bare(accept: MIMEAccept) -> MIMEAccept:
    """``accept`` without media-type parameters (hostile finding F1). Werkzeug 3 matches parameters
    strictly, so ``text/turtle;charset=utf-8`` matched nothing and got 406. ``charset`` means nothing to
    our choice (we always answer UTF-8, RFC 9110 §12.5.1 lets a server ignore what it does not use);
    JSON-LD's ``profile`` (``…#compacted``, ``…#expanded``) is a hint: we serve one JSON-LD form,
    compacted with an inline context, which a client asking for the expanded form expands itself. Of a
    range named twice (with different parameters), the highest quality counts. At most MAX_RANGES."""
    qualities: dict[str, float] = {}
    for value, quality in list(accept)[:MAX_RANGES]:
        media = value.split(";", 1)[0].strip().lower()
        if media and quality > qualities.get(media, -1.0):
            qualities[media] = quality
    return MIMEAccept(list(qualities.items()))


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
    accept = bare(accept)
    named = set(accept.values())
    # Every media type we answer to, primary type first, so a tie goes to the first offered format. An
    # alias only when the client names it: ``application/*`` means "an application type", and must
    # not pick HTML through its alias application/xhtml+xml (hostile finding F10), nor ``text/*``
    # SPARQL XML through text/xml.
    candidates: list[str] = [default.media_type]
    for fmt in offered:
        candidates += [m for m in fmt.media_types
                       if m not in candidates and (m == fmt.media_type or m in named)]
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


def shown(value: str, limit: int = 100) -> str:
    """``value`` (a parameter, a header) as an error message may quote it (hostile finding F4): the
    characters of media types, names and numbers as they are, every other one percent-encoded, at most
    ``limit`` characters of it. Nothing a client sent comes back raw, even in text/plain."""
    cut = value[:limit]
    return quote(cut, safe="/+*;=,.:-_ ") + ("…" if len(value) > limit else "")


def offered_list(offered: tuple[Format, ...]) -> str:
    return ", ".join(f.media_type for f in offered)
