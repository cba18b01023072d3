"""Abuse and privacy: the client key of the rate limit, the spam and language hold.

* The rate limit is keyed on ``client_key(address)``: an HMAC-SHA256 of the address with a random salt
  kept in the remarks store (``meta``), so the address itself is never stored, and the key cannot be
  reversed by hashing every IPv4 address without the salt.
* ``hold_reason`` says why a remark should wait for a curator instead of being published at once: a
  spam word, too many links, or a text in neither French nor English. It never refuses a remark.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# Words that, in a remark about cultural open data, mean advertising far more often than not.
SPAM_WORDS = frozenset("""
viagra cialis casino poker bitcoin crypto cryptocurrency forex loan loans porn porno escort sex xxx
seo backlinks backlink payday replica rolex pharmacy pills betting bet365 onlyfans
""".split())  # noqa: SIM905 (a list of words, one per space)
MAX_LINKS = 2
# Common words of French and English: a text of some length with none of them is in another language
# (or is gibberish) and waits for review.
STOPWORDS = frozenset("""
le la les un une des de du et est en dans pour pas que qui sur au aux ce cette il elle ne ou par
plus son sa ses avec mais nom adresse musée musee ville valeur erreur faux fausse correct correcte
date numéro numero site page bonjour merci the a an of and is in to for not that this it on with
are was wrong name address museum value error date number
""".split())  # noqa: SIM905 (a list of words, one per space)
MIN_WORDS_FOR_LANGUAGE = 6
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def client_key(address: str, salt: str) -> str:
    return hmac.new(salt.encode(), address.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def hold_reason(*texts: str) -> str:
    """Why these texts should be held for review (French, for the curator), or ``""``."""
    text = " ".join(t for t in texts if t)
    words = [w.casefold() for w in WORD.findall(text)]
    spam = sorted({w for w in words if w in SPAM_WORDS})
    if spam:
        return f"mot indésirable : {', '.join(spam)}"
    links = len(LINK.findall(text))
    if links > MAX_LINKS:
        return f"{links} liens"
    if len(words) >= MIN_WORDS_FOR_LANGUAGE and not any(w in STOPWORDS for w in words):
        return "langue non reconnue (ni français ni anglais)"
    return ""
