"""Pure helpers of the Heritage Days mapping: texts without HTML, free entry and prices, editions."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

# Tags after which a reader expects a new line (blocks, line breaks, list items).
_BREAKS = frozenset(["br", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table",
                     "blockquote"])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:  # <br />: one line break, not two
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """'<h3><strong>Les cabarets</strong></h3>\\n<p></p><p>La 2 CV<br />Depuis…</p>' → 'Les cabarets\\n\\nLa
    2 CV\\nDepuis…': tags dropped, blocks and line breaks kept as new lines, entities decoded, runs of
    blank lines and of spaces collapsed. Markdown marks are left as they are (they read as text)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def has_html(text: str) -> bool:
    return re.search(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&[a-z]+;|&#[0-9]+;", text) is not None


_FREE = re.compile(r"\b(gratuit[es]*|entr[ée]e libre|acc[èe]s libre|free)\b", re.I)
_PAID = re.compile(r"\b(payant[es]*|tarif[s]?)\b|€|\beuros?\b", re.I)
_PRICE = re.compile(r"(\d+(?:[,.]\d{1,2})?)\s*(?:€|euros?\b)", re.I)


def is_free(conditions: str) -> bool | None:
    """True when the conditions say free entry and name no price; False when they name a price or say
    "payant"; None when they say neither (« Sur inscription »)."""
    free, paid = _FREE.search(conditions) is not None, _PAID.search(conditions) is not None
    if free and not paid:
        return True
    if paid and not free:
        return False
    return None


def prices(conditions: str) -> list[Decimal]:
    """The amounts in euros the conditions name, in order: « Tarif Réduit : 15€ | Tarif Plein : 19€ »
    → [15, 19]."""
    return [Decimal(m.replace(",", ".")) for m in _PRICE.findall(conditions)]


_EDITION = re.compile(r"journ[ée]es europ[ée]ennes du patrimoine\s+(?P<year>(?:19|20)\d\d)", re.I)
_ARCHIVE = re.compile(r"^\s*\[archive\]\s*", re.I)


def edition(agenda_title: str) -> int | None:
    """The Heritage Days edition an agenda belongs to, from its title: « [Archive] Journées européennes
    du patrimoine 2025 : Île-de-France » → 2025; another agenda → None."""
    match = _EDITION.search(agenda_title)
    return int(match["year"]) if match else None


def agenda_name(agenda_title: str) -> str:
    """The agenda's name without OpenAgenda's « [Archive] » mark (an agenda of a past season)."""
    return _ARCHIVE.sub("", agenda_title).strip()
