"""The pages' language: French by default, English when the reader asks for it (issue 13).

**Which language.** In this order: an explicit switch (``?lang=en`` or ``?lang=fr`` on any page: the link
at the top of every page, no JavaScript), which also sets the ``lang`` cookie for the next pages; else the
cookie; else ``Accept-Language``, parsed by werkzeug (``request.accept_languages``) and matched on the
primary subtag, best quality first (``fr-CA, en;q=0.5`` is French); else French. Werkzeug's own
``LanguageAccept.best_match`` is not used: it prefers an exact tag anywhere in the header to a regional
variant of a better-liked language, and so answers ``en`` to ``fr-CA, en;q=0.5``.

**Headers.** Every HTML response carries ``Content-Language`` and ``Vary: Accept-Language, Cookie`` (the
same URL serves either language, by header or by cookie); ``<html lang>`` says the same. Resource
documents and the catalogue put the language in their HTML ETag (web/resources.py, web/catalogue.py), so
a conditional request never gets a 304 for the other language's page. RDF documents do not depend on the
language.

**Messages.** The house templates are written in French and mark their text for translation with the
gettext calls of Jinja's ``i18n`` extension (``{{ _("…") }}``, ``{% trans %}…{% endtrans %}``, trimmed);
the English translations are a message table, :mod:`culturegraph.web.messages_en` (French msgid →
English). Why a table and not Flask-Babel with a compiled ``.mo`` catalogue: two languages and a few
hundred messages, no plural forms beyond what the templates spell out, and no extra dependency nor a
compile step in the build, the wheel and CI; the templates use the standard gettext syntax, so a
catalogue can replace the table without touching them (``tests/web/test_i18n.py`` extracts every
msgid with Jinja's own extractor and checks that the table translates it).

**Data and datasets.** The labels of the data are chosen in the page's language (``@en``, then ``@fr``,
then untagged: web/describe.py); a dataset's ``Text`` values (titles, property groups, statistics,
examples) with :func:`text`. Panel templates of the datasets see ``lang`` (``"fr"`` or ``"en"``),
``text(mapping)`` and ``tr(fr, en)`` (docs/architecture.md, "Page panels"); the text a panel's
``context`` computes goes through its view's ``number``, ``date``, ``time`` and ``text`` (web/l10n.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from flask import Flask, Response, g, has_request_context, request
from markupsafe import Markup

from culturegraph.web import l10n
from culturegraph.web.messages_en import MESSAGES

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
COOKIE = "lang"
SWITCH = "lang"  # the query parameter
COOKIE_MAX_AGE = 365 * 24 * 3600
NAMES = {"fr": "Français", "en": "English"}
TRANSLATIONS: dict[str, Mapping[str, str]] = {"en": MESSAGES}


def negotiate(accept_languages: object) -> str:
    """The language of ``request.accept_languages`` (werkzeug's parsed header, best quality first):
    the first entry with q > 0 whose primary subtag we offer; ``*`` or nothing we offer: French."""
    for value, quality in accept_languages:  # type: ignore[attr-defined]
        if quality <= 0:
            continue
        primary = str(value).split("-", 1)[0].split("_", 1)[0].strip().lower()
        if primary in LANGUAGES:
            return primary
        if primary == "*":
            return DEFAULT
    return DEFAULT


def choose() -> tuple[str, str]:
    """(language, how it was chosen: ``switch``, ``cookie`` or ``header``) for this request."""
    asked = request.args.get(SWITCH, "")
    if asked in LANGUAGES:
        return asked, "switch"
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie, "cookie"
    return negotiate(request.accept_languages), "header"


def current() -> str:
    """The language of the page being made (French outside a request)."""
    if not has_request_context():
        return DEFAULT
    found = g.get("lang")
    if found is None:
        found, how = choose()
        g.lang, g.lang_from = found, how
    return str(found)


def label_languages(lang: str | None = None) -> tuple[str, ...]:
    """The order in which labels of the data are preferred (web/describe.py)."""
    lang = lang or current()
    return ("en", "fr", "") if lang == "en" else ("fr", "en", "")


def gettext(message: str, **variables: object) -> str:
    """``message`` (French) in the page's language; ``%(name)s`` placeholders filled from ``variables``."""
    table = TRANSLATIONS.get(current())
    text = table.get(message, message) if table else message
    return text % variables if variables else text


def msg(message: object) -> str:
    """A message chosen at run time (a status, a kind, an error the view sets) in the page's language, as
    plain text: the template escapes it. Templates use this, never ``_()``, for what is not a literal:
    Jinja's ``_()`` marks its result safe and %-formats it."""
    text = str(message) if message is not None else ""
    table = TRANSLATIONS.get(current())
    return table.get(text, text) if table else text


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or the plural (French: 0 and 1 are singular), in the page's language, unformatted:
    Jinja's i18n extension fills the ``%(count)s`` of a ``{% trans count=… %}`` block itself."""
    chosen = singular if n == 1 or (current() == "fr" and n == 0) else plural
    table = TRANSLATIONS.get(current())
    return table.get(chosen, chosen) if table else chosen


def _lookup(message: str) -> str:
    """Jinja's ``_()``: the message in the page's language, unformatted (Jinja formats it)."""
    table = TRANSLATIONS.get(current())
    return table.get(message, message) if table else message


def text(mapping: Mapping[str, str] | None, default: str = "") -> str:
    """A dataset's ``Text`` (language → string) in the page's language, else French, else any."""
    if not mapping:
        return default
    lang = current()
    return mapping.get(lang) or mapping.get(DEFAULT) or next(iter(mapping.values()), default) or default


def tr(fr: str, en: str | None = None) -> Markup:
    """For datasets' panel templates: ``tr("Aides à la presse", "Press aid")``. The text is escaped
    (``&``, ``<``, ``>``, ``"``) but its apostrophes are left as they are, so that a French text comes
    out of ``tr()`` exactly as it would written in the template (``l'événement``, not
    ``l&#39;événement``); attributes in templates are double-quoted."""
    chosen = str(l10n.choose(fr, en, current()))
    text = chosen.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    return Markup(text)


def number(value: int | float | Decimal | None) -> str:
    """A figure as the page's language writes it: ``6 382`` in French, ``6,382`` in English
    (web/l10n.py, the one formatter of numbers and dates)."""
    return l10n.number(value, current())


PLAIN_PARAMETER = re.compile(r"[\w.:/@%+-]{0,200}")


def switch_url(lang: str) -> str:
    """This page with ``?lang=…``: the language switch. The page's other parameters are kept when they
    are plain words, numbers or IRIs (``page=2``, ``status=new``, ``cible=https://…``); anything else
    (markup, quotes) is left out rather than echoed back, even URL-encoded."""
    args = [(k, v) for k, v in request.args.items(multi=True)
            if k != SWITCH and PLAIN_PARAMETER.fullmatch(k) and PLAIN_PARAMETER.fullmatch(v)]
    args.append((SWITCH, lang))
    return f"{request.base_url}?{urlencode(args)}"


def carry_switch(path: str) -> str:
    """``path`` with this request's language switch (``?lang=en``) when it carries a valid one: a name's
    303 to its document keeps the language asked for, as a client without cookies (curl, a link shared
    in a mail) never gets the cookie (no cookie on a redirect: :func:`headers`)."""
    asked = request.args.get(SWITCH, "") if has_request_context() else ""
    return f"{path}?{urlencode([(SWITCH, asked)])}" if asked in LANGUAGES else path


def switcher() -> Markup:
    """The links to the other language, for the page header (plain links: no JavaScript)."""
    lang = current()
    links = []
    for other in LANGUAGES:
        if other == lang:
            continue
        href = Markup.escape(switch_url(other))
        links.append(Markup('<a href="{}" hreflang="{}" lang="{}" rel="alternate" class="lang-switch" '
                            'id="lang-{}">{}</a>').format(href, other, other, other, NAMES[other]))
    return Markup(" ").join(links)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.install_gettext_callables(_lookup, ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.globals.update(text=text, tr=tr, msg=msg, number=number, language_switch=switcher,
                                 language_url=switch_url)
    app.context_processor(lambda: {"lang": current()})
    app.before_request(_settle)
    app.after_request(headers)


def _settle() -> None:
    """Choose the language before the view runs (a before_request hook must return ``None``)."""
    current()


def headers(response: Response) -> Response:
    """``Content-Language`` and ``Vary`` on HTML; the cookie when the switch was used."""
    redirect = 300 <= response.status_code < 400 and response.status_code != 304
    if response.mimetype != "text/html" or redirect:  # a redirect's empty body is in no language
        return response
    lang = current()
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    if g.get("lang_from") == "switch" and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response
