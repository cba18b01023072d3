"""Pages in English (issue 13): the language from the switch, the cookie or Accept-Language; the headers
that keep the two languages apart in caches; the message table; the labels of the data in English.

Small in-memory stores for the negotiation; the session's real build for the labels of the vocabulary."""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path

import pytest
from jinja2.ext import babel_extract
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.datasets import load_registry
from culturegraph.web import i18n
from culturegraph.web.app import create_app
from culturegraph.web.messages_en import MESSAGES

BASE = "https://culturegraph.example/"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREF = NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TEMPLATES = Path(i18n.__file__).parent / "templates"
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def h1(body: str) -> str:
    found = H1.search(body)
    assert found is not None, body[:500]
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.fixture
def client(tmp_path: Path, web_settings):
    store = Store()
    museum = NamedNode(BASE + "id/musee/M1")
    graph = NamedNode(BASE + "graph/museofile")
    store.add(Quad(museum, LABEL, Literal("Le musée", language="fr"), graph))
    store.add(Quad(museum, LABEL, Literal("The museum", language="en"), graph))
    # A term with its French label on skos:prefLabel and its English one on rdfs:label: the language is
    # chosen before the predicate.
    term = NamedNode(BASE + "def/culture/terme")
    store.add(Quad(term, PREF, Literal("terme", language="fr"), graph))
    store.add(Quad(term, LABEL, Literal("term", language="en-GB"), graph))
    store.add(Quad(museum, NamedNode(BASE + "def/culture/relie"), term, graph))
    # Only untagged and French: an English page falls back to French, then untagged.
    only = NamedNode(BASE + "id/musee/M2")
    store.add(Quad(only, LABEL, Literal("Seulement en français", language="fr"), graph))
    store.add(Quad(only, LABEL, Literal("sans langue"), graph))
    # A version of its own: the registry memoises home-page statistics per store version, and "fixed"
    # (the default for a store handed in) is shared by every test app of the process.
    return create_app(web_settings(), store=store, version=f"i18n-{uuid.uuid4().hex[:8]}").test_client()


def get(client, path: str, **headers: str):
    headers.setdefault("Accept", "text/html")
    return client.get(path, headers=headers)


# choosing the language ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "expected"), [
    ("en", "en"), ("en-US,en;q=0.9", "en"), ("fr", "fr"), (None, "fr"), ("", "fr"),
    ("fr;q=0.3, en;q=0.8", "en"),  # q-values, not order
    ("en;q=0.2, fr;q=0.9", "fr"),
    ("fr-CA, en;q=0.5", "fr"),  # a regional French beats a less liked English (werkzeug's best_match: en)
    ("de, en;q=0.1", "en"), ("de", "fr"), ("*", "fr"), ("en;q=0", "fr"),
    ("garbage;;;q=x,\x7f, ;=;", "fr"), ("en;q=abc", "fr"), ("x" * 5000, "fr"),
])
def test_accept_language_chooses_the_home_page_language(client, header, expected) -> None:
    headers = {} if header is None else {"Accept-Language": header}
    response = get(client, "/", **headers)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == expected
    assert HTML_LANG.search(body).group(1) == expected
    title = h1(body)
    if expected == "en":
        assert title == "The knowledge graph of the French Ministry of Culture's open data"
        assert "Accueil" not in body and ">Home<" in body
    else:
        assert title == "Le graphe des données ouvertes du ministère de la Culture"
        assert ">Accueil<" in body


def test_html_varies_on_accept_language_and_cookie(client) -> None:
    for path in ("/", "/doc/musee/M1", "/sparql", "/changes", "/liens", "/doc/inconnu"):
        response = get(client, path, **{"Accept-Language": "en"})
        vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
        assert {"accept-language", "cookie"} <= vary, (path, response.headers.get("Vary"))
        assert response.headers["Content-Language"] == "en", path
    turtle = client.get("/doc/musee/M1", headers={"Accept": "text/turtle", "Accept-Language": "en"})
    assert turtle.status_code == 200
    assert "Content-Language" not in turtle.headers  # RDF does not depend on the page language
    assert "accept-language" not in turtle.headers.get("Vary", "").lower()


def test_the_switch_sets_a_cookie_that_later_pages_follow(client) -> None:
    french = get(client, "/")
    switch = re.search(r'<a href="([^"]+)"[^>]*id="lang-en"', french.get_data(as_text=True))
    assert switch is not None and switch.group(1).endswith("/?lang=en")
    english = get(client, "/?lang=en")
    assert english.headers["Content-Language"] == "en"
    cookie = english.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "Path=/" in cookie and "SameSite=Lax" in cookie
    # no header: the cookie decides; and over an Accept-Language that says otherwise
    assert get(client, "/doc/musee/M1").headers["Content-Language"] == "en"
    assert get(client, "/", **{"Accept-Language": "fr"}).headers["Content-Language"] == "en"
    # the switch back to French, on a page with other parameters (kept)
    page = get(client, "/doc/musee/M1?page=1&lang=fr", **{"Accept-Language": "en"})
    assert page.headers["Content-Language"] == "fr" and "lang=fr" in page.headers["Set-Cookie"]
    assert 'href="http://localhost/doc/musee/M1?page=1&amp;lang=en"' in page.get_data(as_text=True)
    assert get(client, "/", **{"Accept-Language": "en"}).headers["Content-Language"] == "fr"


def test_a_name_keeps_the_switch_on_its_way_to_its_document(client) -> None:
    """``/id/…?lang=en`` (a link shared by someone reading in English): the 303 sets no cookie, so a
    client without cookies would land on the French document unless the Location keeps the switch."""
    response = client.get("/id/musee/M1?lang=en&page=2", headers={"Accept": "text/html"})
    assert response.status_code == 303 and "Set-Cookie" not in response.headers
    assert response.headers["Location"] == "http://localhost/doc/musee/M1?lang=en"
    followed = client.get(response.headers["Location"].removeprefix("http://localhost"),
                          headers={"Accept": "text/html"})
    assert followed.headers["Content-Language"] == "en"
    assert h1(followed.get_data(as_text=True)) == "The museum"
    for bad in ("", "?lang=de", "?lang=%3Cb%3E"):  # no switch, or not one we offer: dropped as before
        response = client.get(f"/id/musee/M1{bad}", headers={"Accept": "text/html"})
        assert response.headers["Location"] == "http://localhost/doc/musee/M1", bad
    catalogue = client.get("/catalogue?lang=en", headers={"Accept": "text/html"})
    assert catalogue.status_code == 303
    assert catalogue.headers["Location"] == "http://localhost/doc/catalogue?lang=en"


def test_a_bad_switch_or_cookie_is_ignored(client) -> None:
    response = get(client, "/?lang=de<script>", **{"Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"
    assert "Set-Cookie" not in response.headers
    assert "<script>" not in response.get_data(as_text=True)
    # the switch keeps the page's plain parameters, never markup (not even URL-encoded)
    body = get(client, "/doc/musee/M1?page=1&x=%3Cb%3Enope").get_data(as_text=True)
    assert "nope" not in body and "page=1&amp;lang=" in body
    client.set_cookie("lang", "xx")
    assert get(client, "/").headers["Content-Language"] == "fr"


def test_etags_differ_by_language_and_never_304_the_other_language(client) -> None:
    fr = get(client, "/doc/musee/M1", **{"Accept-Language": "fr"})
    en = get(client, "/doc/musee/M1", **{"Accept-Language": "en"})
    assert fr.headers["ETag"] != en.headers["ETag"]
    again = get(client, "/doc/musee/M1", **{"Accept-Language": "en", "If-None-Match": fr.headers["ETag"]})
    assert again.status_code == 200 and h1(again.get_data(as_text=True)) == "The museum"
    same = get(client, "/doc/musee/M1", **{"Accept-Language": "en", "If-None-Match": en.headers["ETag"]})
    assert same.status_code == 304
    assert "accept-language" in same.headers.get("Vary", "").lower()
    # the RDF variants have one ETag whatever the language
    ttl = [client.get("/doc/musee/M1.ttl", headers={"Accept-Language": lang}).headers["ETag"]
           for lang in ("fr", "en")]
    assert ttl[0] == ttl[1]


# the labels of the data --------------------------------------------------------------------------------

def test_labels_of_the_data_in_the_page_language(client) -> None:
    en = get(client, "/doc/musee/M1", **{"Accept-Language": "en"}).get_data(as_text=True)
    fr = get(client, "/doc/musee/M1", **{"Accept-Language": "fr"}).get_data(as_text=True)
    assert h1(en) == "The museum" and "<title>The museum · culturegraph</title>" in en
    assert h1(fr) == "Le musée"
    # the linked term: rdfs:label@en-GB on an English page, skos:prefLabel@fr on a French one
    assert ">term</a>" in en and ">terme</a>" in fr
    # the values of rdfs:label: the page's language first
    assert en.index('<span lang="en">The museum</span>') < en.index('<span lang="fr">Le musée</span>')
    assert fr.index('<span lang="fr">Le musée</span>') < fr.index('<span lang="en">The museum</span>')
    # no English label: French, before the untagged one
    assert h1(get(client, "/doc/musee/M2", **{"Accept-Language": "en"}).get_data(as_text=True)) == \
        "Seulement en français"


def test_english_labels_of_the_real_vocabulary(settings, graph) -> None:
    """A term of the shipped ontology with different French and English labels shows each in its page."""
    rows = list(graph.query(f"""
        SELECT ?term ?fr ?en WHERE {{
          GRAPH ?g {{ ?term <http://www.w3.org/2000/01/rdf-schema#label> ?fr, ?en . }}
          FILTER(STRSTARTS(STR(?term), "{BASE}def/culture/") && LANG(?fr) = "fr" && LANG(?en) = "en"
                 && STR(?fr) != STR(?en))
        }} ORDER BY ?term LIMIT 1"""))
    assert rows, "the ontology has terms labelled in French and English"
    term, label_fr, label_en = rows[0]["term"].value, rows[0]["fr"].value, rows[0]["en"].value
    client = create_app(settings, store=graph).test_client()
    path = "/doc/" + term[len(BASE):]
    english = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.8"})
    french = client.get(path, headers={"Accept": "text/html", "Accept-Language": "fr-FR"})
    assert h1(english.get_data(as_text=True)) == label_en
    assert h1(french.get_data(as_text=True)) == label_fr
    # the dataset-declared texts too: the home page's statistics and dataset titles in English
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    titles = [spec.title["en"] for spec in load_registry(settings.datasets) if spec.title.get("en")]
    assert titles and all(t.replace("'", "&#39;") in home for t in titles)


# the message table ---------------------------------------------------------------------------------------

def template_messages() -> dict[str, str]:
    """Every msgid of the house templates, as Jinja's own extractor (the one Babel uses) finds it."""
    found: dict[str, str] = {}
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    for path in sorted(TEMPLATES.rglob("*.html")):
        with path.open("rb") as f:
            for line, _, message, _ in babel_extract(f, ("_", "gettext", "ngettext"), [], options):
                for text in message if isinstance(message, tuple) else (message,):
                    if text:
                        found.setdefault(text, f"{path.relative_to(TEMPLATES)}:{line}")
    return found


def test_every_template_message_has_an_english_translation() -> None:
    messages = template_messages()
    assert len(messages) > 150
    missing = {m: where for m, where in messages.items() if m not in MESSAGES}
    assert missing == {}


def python_messages(*modules: object) -> list[str]:
    """The French messages the views hand to the templates (``msg()`` translates them at run time):
    literal ``title=``/``message=``/``error=`` of ``page(…)``, ``errors.append("…")``, the first argument
    of ``i18n.gettext(…)``, the literal returns of the curators' ``_decide``."""
    found: list[str] = []
    for module in modules:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))  # type: ignore[attr-defined]
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                literals = [a for a in node.args[:1] if isinstance(a, ast.Constant)]
                if name == "page":
                    found += [k.value.value for k in node.keywords if k.arg in ("title", "message", "error")
                              and isinstance(k.value, ast.Constant)]
                elif name == "append" and getattr(node.func.value, "id", "") == "errors" \
                        or name == "gettext":
                    found += [a.value for a in literals]
            elif isinstance(node, ast.FunctionDef) and node.name == "_decide":
                found += [r.value.value for r in ast.walk(node)
                          if isinstance(r, ast.Return) and isinstance(r.value, ast.Constant)]
    return [m for m in found if isinstance(m, str) and m]


def test_every_message_of_the_views_has_an_english_translation() -> None:
    from culturegraph.pipeline import links as stage
    from culturegraph.remarks.model import KINDS, STATUSES
    from culturegraph.web import auth, curation, links, pages, remarks

    messages = python_messages(remarks, curation, auth)
    assert len(messages) > 30
    wanted = [*messages, *KINDS.values(), *STATUSES.values(), *links.VERDICT_LABELS.values(),
              *stage.MEASURE.values(), *pages.CURATOR_LINKS.values()]
    assert [m for m in wanted if m not in MESSAGES] == []


def test_tr_escapes_markup_but_keeps_apostrophes(client) -> None:
    with client.application.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(i18n.tr("l'été", 'the "<b>" & co')) == "the &#34;&lt;b&gt;&#34; &amp; co"
    with client.application.test_request_context("/"):
        assert str(i18n.tr("l'été <i>", "summer")) == "l'été &lt;i&gt;"


def test_translations_keep_their_placeholders() -> None:
    placeholder = re.compile(r"%\(\w+\)s")
    wrong = [k for k, v in MESSAGES.items()
             if sorted(placeholder.findall(k)) != sorted(placeholder.findall(v))]
    assert wrong == []


def test_no_french_words_left_untranslated_in_english_house_pages(client) -> None:
    """A sample of French words that only an untranslated house string would put on an English page
    (the data of this store has none of them)."""
    for path in ("/", "/sparql", "/doc/musee/M1", "/liens", "/doc/inconnu", "/changes"):
        body = get(client, path, **{"Accept-Language": "en"}).get_data(as_text=True)
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        for word in ("Télécharger", "Accueil", "Propriété", "Ressource", "triplets", "Rapport", "Aucun"):
            assert word not in text, (path, word)


def test_dataset_panels_in_english(settings, graph) -> None:
    """The datasets' panel templates follow the page's language (tr() and lang, docs/architecture.md):
    a museum's attendance panel, an event's panel, a photograph's panel."""
    def first(kind: str) -> str:
        query = f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a <http://schema.org/{kind}> }} }} ORDER BY ?x LIMIT 1"
        return next(iter(graph.query(query)))["x"].value

    event, photo = first("Event"), first("Photograph")
    client = create_app(settings, store=graph).test_client()
    cases = [("/doc/musee/M0963", "h-frequentation", "Fréquentation", "Attendance"),
             ("/doc/" + event[len(BASE) + 3:], "h-evenement", "L'événement", "The event"),
             ("/doc/" + photo[len(BASE) + 3:], "h-photographie", "La photographie", "The photograph")]
    for path, heading, french, english in cases:
        pages = {lang: client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
                 for lang in ("fr", "en")}
        for lang, expected in (("fr", french), ("en", english)):
            assert pages[lang].status_code == 200, path
            found = re.search(rf'<h2 id="{heading}">(.*?)</h2>', pages[lang].get_data(as_text=True), re.S)
            assert found is not None, (path, heading)
            assert re.sub(r"<[^>]+>", "", found.group(1)).strip().startswith(expected)
    en = pages["en"].get_data(as_text=True)
    assert "Date taken" in en or "Caption" in en


def test_the_changes_page_in_english(toy_builds) -> None:
    settings, registry, _, _ = toy_builds
    client = create_app(settings, registry=registry).test_client()
    english = client.get("/changes", headers={"Accept-Language": "en"}).get_data(as_text=True)
    french = client.get("/changes", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "triples added" in english and "Changes from one build to the next" in english
    assert "triplets ajoutés" in french and "triplets ajoutés" not in english


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_footer_claims_no_licence_for_every_page(client, lang) -> None:
    """Some datasets state no licence (their catalogue entry says so): the footer sends to the catalogue
    and no page asserts rel="license"."""
    body = get(client, f"/?lang={lang}").get_data(as_text=True)
    footer = body[body.index('<footer class="site-footer">'):]
    assert 'rel="external license"' not in body and "license" not in footer
    assert 'href="http://localhost/catalogue">catalogue</a>' in footer
    assert ("Licence Ouverte" in footer) and (("sous sa licence" in footer) == (lang == "fr"))
