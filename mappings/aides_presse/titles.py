"""Press titles: the normalised key of a title as the ministry writes it, and its resolution through the
curated table ``tables/titres.csv`` (key → stable slug, display label, family, ISSN, Wikidata id).

The tables write titles in upper case, without their article (``MONDE`` is Le Monde), with editions
bundled in one row (``OUEST FRANCE -  DIMANCHE OUEST FRANCE``), sometimes with the family repeated at the
end (``SUD OUEST - SUD OUEST DIMANCHE PQR``) or glued there while the Famille column is empty
(``MEDECINS SANS FRONTIERES INFO GROUPEMENTS``), and sometimes cut by the PDF extraction
(``JOURNAL DE LA HAUTE``). The key makes spellings of one title meet (accents, case, dashes, spaces,
hyphens inside a name and leading articles do not count); the table says which title a key is. A title
the table does not know still gets a deterministic slug (never a crash), and the mapping says so in the
quarantine report.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from culturegraph.rdf.terms import slug
from culturegraph.sources.values import collapse

ARTICLES = ("LES ", "LE ", "LA ", "L'")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# A hyphen with a space on at least one side separates editions ("METRONEWS -Toutes editions"); one
# inside a word does not ("LA LOI-LE QUOTIDIEN").
_EDITIONS = re.compile(r"\s+-\s*|\s*-\s+")
# Words a title does not end with: the PDF extraction cut it there ("JOURNAL DE LA HAUTE",
# "DES COMMUNES DES").
_CUT_WORDS = {"DE", "DU", "DES", "LA", "LE", "LES", "L'", "D'", "ET", "AU", "AUX", "EN", "SUR", "HAUTE",
              "BASSE", "SAINT", "SAINTE"}
_ISSN = re.compile(r"^[0-9]{4}-[0-9]{3}[0-9X]$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


def _strip_article(part: str) -> str:
    for article in ARTICLES:
        if part.startswith(article) and len(part) > len(article):
            return part[len(article):].lstrip()
    return part


def title_key(raw: str) -> str:
    """Upper case, no accents, one kind of dash, single spaces, no leading article on each edition:
    ``"Le Dauphiné Libéré – Le Dauphiné libéré Dimanche"`` →
    ``"DAUPHINE LIBERE - DAUPHINE LIBERE DIMANCHE"``."""
    text = _DASHES.sub("-", raw).replace("\u2019", "'").replace("`", "'")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = collapse(text.upper())
    # Within an edition a hyphen is a space ("NICE-MATIN" is "NICE MATIN").
    parts = [_strip_article(collapse(p.replace("-", " "))) for p in _EDITIONS.split(text)]
    return " - ".join(p for p in parts if p)


def editions(key: str) -> list[str]:
    return key.split(" - ")


def glued_family(key: str, families: Iterable[str]) -> tuple[str, str | None]:
    """``("SUD OUEST - SUD OUEST DIMANCHE PQR", [… "PQR" …])`` →
    ``("SUD OUEST - SUD OUEST DIMANCHE", "PQR")``:
    the key without a family code written at its end, and that code (``None`` when there is none)."""
    for code in sorted(families, key=len, reverse=True):
        tail = " " + title_key(code)
        if key.endswith(tail) and len(key) > len(tail):
            return key[: -len(tail)].rstrip(" -"), code
    return key, None


def looks_truncated(key: str) -> bool:
    """A title ending on a word no title ends with (``… DE LA HAUTE``, ``… DES``)."""
    last = editions(key)[-1].split(" ")[-1]
    return last in _CUT_WORDS or last.endswith("'")


def issn_ok(issn: str) -> bool:
    """ISSN pattern and check digit (ISO 3297: weights 8…2, modulo 11, X for 10)."""
    if not _ISSN.match(issn):
        return False
    digits = issn.replace("-", "")
    total = sum(int(c) * (8 - i) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


@dataclass(frozen=True)
class Title:
    """A press title as the curated table describes it (or as minted for an unknown one)."""

    slug: str
    label: str  # display label, with its article ("Le Monde")
    family: str | None = None  # code of /def/famille-presse (as in the Famille column)
    editions: tuple[str, ...] = ()  # editions or titles the ministry's figures bundle with it
    issn: str | None = None
    wikidata: str | None = None
    truncated: bool = False  # the source cut the title (see ``note``)
    note: str = ""
    curated: bool = True


@dataclass(frozen=True)
class Resolution:
    """What the key of one source title resolved to, and how."""

    title: Title
    key: str
    how: str  # "table" | "first edition" | "minted"
    glued_family: str | None = None  # a family code written at the end of the title


@dataclass
class TitleTable:
    """``tables/titres.csv`` loaded: key (and other keys) → :class:`Title`."""

    by_key: dict[str, Title]
    slugs: dict[str, Title] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]], source: str = "tables/titres.csv") -> TitleTable:
        by_key: dict[str, Title] = {}
        slugs: dict[str, Title] = {}
        for n, row in enumerate(rows, start=1):
            where = f"{source}, entry {n} ({row.get('cle', '')!r})"
            issn = (row.get("issn") or "").strip() or None
            wikidata = (row.get("wikidata") or "").strip() or None
            if issn is not None and not issn_ok(issn):
                raise ValueError(f"{where}: {issn!r} is not a valid ISSN (pattern or check digit)")
            if wikidata is not None and not _WIKIDATA.match(wikidata):
                raise ValueError(f"{where}: {wikidata!r} is not a Wikidata item id (Q…)")
            title_slug = row["slug"].strip()
            if slug(title_slug) != title_slug:
                raise ValueError(f"{where}: slug {title_slug!r} is not a slug "
                                 "(lower-case ASCII, digits, hyphens)")
            title = Title(
                slug=title_slug, label=row["libelle"].strip(),
                family=(row.get("famille") or "").strip() or None,
                editions=tuple(e.strip() for e in (row.get("editions") or "").split("|") if e.strip()),
                issn=issn, wikidata=wikidata, truncated=(row.get("tronque") or "").strip() == "oui",
                note=(row.get("note") or "").strip(),
            )
            if title_slug in slugs:
                raise ValueError(f"{where}: slug {title_slug!r} given twice (one row per title; "
                                 "other spellings go in autres_cles)")
            slugs[title_slug] = title
            keys = [row["cle"], *(k for k in (row.get("autres_cles") or "").split("|") if k.strip())]
            for key in keys:
                normal = title_key(key)
                if normal != key.strip():
                    raise ValueError(f"{where}: key {key!r} is not normalised (should be {normal!r})")
                if normal in by_key:
                    raise ValueError(f"{where}: key {normal!r} already names {by_key[normal].slug!r}")
                by_key[normal] = title
        return cls(by_key, slugs)

    def resolve(self, raw: str, families: Iterable[str] = ()) -> Resolution:
        """The title behind a source title: by its key; else by its key without a family glued at its
        end; else by its first edition; else a slug minted from the key (deterministic, never one of
        the table's slugs)."""
        key = title_key(raw)
        if key in self.by_key:
            return Resolution(self.by_key[key], key, "table")
        bare, family = glued_family(key, families)
        if bare in self.by_key:
            return Resolution(self.by_key[bare], bare, "table", family)
        first = editions(bare)[0]
        if first in self.by_key:
            return Resolution(self.by_key[first], bare, "first edition", family)
        return Resolution(self.mint(bare), bare, "minted", family)

    def mint(self, key: str) -> Title:
        minted = slug(key) or "titre"
        if minted in self.slugs:  # a curated title already has it: keep both apart, deterministically
            minted += "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
        return Title(slug=minted, label=collapse(key), truncated=looks_truncated(key), curated=False)
