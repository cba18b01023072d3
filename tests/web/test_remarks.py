"""The report form, the permalink and the privacy notice (web/remarks.py), through Flask's test client
on a one-museum graph: CSRF, honeypot, rate limit (429 + Retry-After), every size limit, the spam hold,
nothing a user sends echoed unescaped, and the client's address never stored."""

from __future__ import annotations

import html
import re
import sqlite3
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.config import Settings, load_settings
from culturegraph.datasets import load_registry
from culturegraph.remarks.store import RemarkStore
from culturegraph.web.app import create_app
from culturegraph.web.remarks import MAX_EMAIL, MAX_PROPOSED

NAME = NamedNode("https://schema.org/name")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(store_home=tmp_path / "graph", remarks_per_window=3, remark_max_chars=200)


@pytest.fixture
def museum(settings: Settings) -> str:
    return settings.base_iri + "id/musee/M0001"


@pytest.fixture
def app(settings: Settings, museum: str) -> Flask:
    store = Store()
    graph = NamedNode(settings.base_iri + "graph/museofile")
    store.add(Quad(NamedNode(museum), NAME, Literal("Musee X", language="fr"), graph))
    # A version of its own: the home page's counts are cached per version (web/pages.py COUNTS).
    return create_app(settings, store=store, version=f"remarks-{uuid.uuid4().hex}")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def form(client: FlaskClient, museum: str) -> dict[str, str]:
    page = client.get(f"/remarques/signaler?cible={museum}")
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    value = re.search(r'name="valeur" id="v1" value="([^"]+)"', page.text)
    assert token and value
    return {"csrf": token[1], "cible": museum, "valeur": html.unescape(value[1]), "type": "error",
            "texte": "Le nom du musée est mal orthographié.", "proposition": "Musée X"}


def post(client: FlaskClient, data: dict[str, str], **changes: str):  # type: ignore[no-untyped-def]
    return client.post("/remarques/signaler", data={**data, **changes})


def stored(settings: Settings) -> RemarkStore:
    return RemarkStore(settings.remarks_dir)


def test_the_form_lists_the_values_and_posts_a_remark(client: FlaskClient, settings: Settings,
                                                      museum: str) -> None:
    data = form(client, museum)
    assert data["valeur"] == 'https://schema.org/name "Musee X"@fr'
    sent = post(client, data, courriel="anne@example.org")
    assert sent.status_code == 303
    location = sent.headers["Location"]
    assert re.search(r"/remarques/[0-9a-f]{16}\?cle=", location)
    remark = stored(settings).query()[0]
    assert (remark.target, remark.predicate, remark.value, remark.proposed, remark.dataset, remark.email) == (
        museum, NAME.value, '"Musee X"@fr', "Musée X", "museofile", "anne@example.org")
    assert remark.published and remark.motivation == "editing"
    permalink = client.get(location)
    assert permalink.status_code == 200 and "Nouvelle" in permalink.text
    assert "votre lien personnel" in permalink.text
    assert "anne@example.org" not in permalink.text  # never shown, not even to its author
    assert permalink.headers["Cache-Control"] == "no-store, private"


def test_a_resource_page_links_to_the_form(client: FlaskClient, museum: str) -> None:
    page = client.get("/doc/musee/M0001")
    assert page.status_code == 200
    assert "Signaler une erreur / proposer une correction" in page.text
    assert "remarques/signaler?cible=" in page.text


def test_each_value_has_its_report_link(client: FlaskClient, museum: str) -> None:
    """A value of the page links to the form with that value chosen (without JavaScript; remarks.js opens
    the same form in a dialog: tests/web/test_browser_remarks.py)."""
    page = client.get("/doc/musee/M0001", headers={"Accept": "text/html"})
    links = re.findall(r'<a class="signal" href="([^"]+)"', page.text)
    assert len(links) == 1 and "remarks.js" in page.text
    form_page = client.get(html.unescape(links[0]).removeprefix("http://localhost"))
    assert form_page.status_code == 200
    checked = re.search(r'name="valeur" id="v1" value="([^"]+)" checked', form_page.text)
    assert checked and html.unescape(checked[1]) == 'https://schema.org/name "Musee X"@fr'


def test_without_csrf_token_the_post_is_refused(client: FlaskClient, settings: Settings, museum: str) -> None:
    data = form(client, museum)
    assert post(client, data, csrf="").status_code == 400
    assert post(client, data, csrf="forged").status_code == 400
    other = client.application.test_client()  # a session of its own: the token of another is no good
    assert other.post("/remarques/signaler", data=data).status_code == 400
    assert stored(settings).count() == 0


def test_the_honeypot_is_thanked_and_dropped(client: FlaskClient, settings: Settings, museum: str) -> None:
    reply = post(client, form(client, museum), site_web="http://spam.example")
    assert reply.status_code == 200 and "Merci" in reply.text
    assert stored(settings).count() == 0


def test_past_the_limit_429_with_retry_after(client: FlaskClient, settings: Settings, museum: str) -> None:
    data = form(client, museum)
    assert [post(client, data).status_code for _ in range(3)] == [303, 303, 303]
    refused = post(client, data)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= settings.remarks_window_s + 1
    assert stored(settings).count() == 3
    other = client.post("/remarques/signaler", data=data, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303  # the limit is per client


def test_the_address_is_never_stored(client: FlaskClient, settings: Settings, museum: str) -> None:
    client.post("/remarques/signaler", data=form(client, museum),
                environ_base={"REMOTE_ADDR": "198.51.100.23"})
    raw = Path(stored(settings).path).read_bytes()
    for wal in Path(settings.remarks_dir).glob("*-wal"):
        raw += wal.read_bytes()
    assert b"198.51.100.23" not in raw
    with sqlite3.connect(stored(settings).path) as db:
        client_key = db.execute("SELECT client FROM remark").fetchone()[0]
    assert re.fullmatch(r"[0-9a-f]{64}", client_key)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("texte", "x" * 201, "Le texte dépasse 200 caractères"),
    ("texte", "   ", "Décrivez le problème"),
    ("proposition", "x" * (MAX_PROPOSED + 1), f"dépasse {MAX_PROPOSED} caractères"),
    ("courriel", "pas-une-adresse", "adresse électronique n'est pas valide"),
    ("courriel", "a@" + "b" * MAX_EMAIL + ".fr", "adresse électronique n'est pas valide"),
    ("type", "insult", "Choisissez le type"),
    ("valeur", 'https://schema.org/name "Autre"@fr', "plus dans le graphe"),
    ("texte", "Le nom\x00 est faux", "caractères de contrôle"),  # a NUL would make the Atom feed invalid XML
    ("proposition", "Mus\x1bée X", "caractères de contrôle"),
])
def test_every_field_limit(client: FlaskClient, settings: Settings, museum: str, field: str, value: str,
                           message: str) -> None:
    """Each limit refuses the remark with its message and stores nothing."""
    reply = post(client, form(client, museum), **{field: value})
    assert reply.status_code == 400
    assert message in html.unescape(reply.text)
    assert stored(settings).count() == 0


def test_only_resources_of_the_graph(client: FlaskClient, museum: str) -> None:
    assert client.get("/remarques/signaler?cible=https://evil.example/x").status_code == 404
    assert client.get(f"/remarques/signaler?cible={museum}9").status_code == 404
    assert client.get("/remarques/signaler").status_code == 404


def test_a_script_remark_is_shown_inert(client: FlaskClient, settings: Settings, museum: str) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sent = post(client, form(client, museum), texte=f"Faux nom {script}", proposition=script)
    assert sent.status_code == 303
    pages = [client.get(sent.headers["Location"]), client.get("/remarques/"), client.get("/doc/musee/M0001")]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
    echoed = post(client, form(client, museum), texte="", proposition=script)  # the form shown again
    assert echoed.status_code == 400 and "<script>alert" not in echoed.text


def test_spam_is_held_not_published(client: FlaskClient, settings: Settings, museum: str) -> None:
    sent = post(client, form(client, museum), texte="Best casino bonus, visit now")
    held = stored(settings).query()[0]
    assert not held.published and held.held.startswith("mot indésirable")
    assert client.get(sent.headers["Location"]).status_code == 200  # its author sees it
    public = sent.headers["Location"].split("?")[0]
    assert client.get(public).status_code == 404  # nobody else
    assert held.target not in client.get("/remarques/").text


def test_privacy_notice(client: FlaskClient) -> None:
    page = client.get("/remarques/confidentialite")
    assert page.status_code == 200
    assert "effacée dès que la remarque est close" in page.text and "jamais conservée" in page.text


def test_counts_on_the_home_page(client: FlaskClient, settings: Settings, museum: str) -> None:
    data = form(client, museum)
    post(client, data)
    post(client, data, texte="Best casino bonus, visit now")  # held: not counted
    home = client.get("/")
    assert home.status_code == 200
    counts = home.text.split('class="remark-counts"')[1].split("</div>")[0]
    assert "<strong>1</strong> remarque des utilisateurs" in counts
    title = next(spec.title["fr"] for spec in load_registry() if spec.name == "museofile")
    link = '<a href="http://localhost/remarques/?jeu=museofile">'
    assert f"<li>{link}{title}</a> : <strong>1</strong></li>" in html.unescape(counts)


def test_counts_per_dataset(settings: Settings, museum: str) -> None:
    """A dataset's page counts the published remarks on its resources and links to them; the list
    filtered by dataset holds those and only those; an unknown dataset is a 404 that echoes nothing."""
    store = Store()
    graph = NamedNode(settings.base_iri + "graph/museofile")
    dataset = NamedNode(settings.base_iri + "data/museofile")
    store.add(Quad(NamedNode(museum), NAME, Literal("Musee X", language="fr"), graph))
    store.add(Quad(dataset, NAME, Literal("Muséofile", language="fr"), graph))
    client = create_app(settings, store=store, version=f"remarks-{uuid.uuid4().hex}").test_client()
    data = form(client, museum)
    post(client, data)
    post(client, data, texte="Le nom est en majuscules sans accent.")
    page = client.get("/data/museofile", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200
    panel = page.text.split('class="dataset-remarks"')[1].split("</p>")[0]
    assert "<strong>2</strong> remarques publiées" in panel and "remarques/?jeu=museofile" in panel
    mine = client.get("/remarques/?jeu=museofile")
    assert mine.status_code == 200 and "2 remarques publiées sur les ressources" in mine.text
    assert mine.text.count('<tr><td>') == 2
    other = client.get("/remarques/?jeu=aides-presse")
    assert other.status_code == 200 and "0 remarque publiée" in other.text and "<tr><td>" not in other.text
    unknown = client.get("/remarques/?jeu=%3Cb%3Enope")
    assert unknown.status_code == 404 and "<b>nope" not in unknown.text and "nope" not in unknown.text


def test_graph_remarques_follows_publication(client: FlaskClient, settings: Settings, museum: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """/graph/remarques in SPARQL changes when a remark is published or withdrawn, without a build
    (web/remarks.py LiveRemarks → store/oxigraph/live.py); the result cache and the ETag follow."""
    monkeypatch.setattr("culturegraph.web.remarks.LIVE_CHECK_S", 0.0)
    query = {"query": f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{settings.base_iri}graph/remarques> "
                      "{ ?a a <http://www.w3.org/ns/oa#Annotation> } }"}

    def annotations() -> tuple[int, str]:
        answer = client.get("/sparql", query_string=query, headers={"Accept": "text/csv"})
        assert answer.status_code == 200
        return int(answer.text.split()[1]), answer.headers["ETag"]

    none, tag0 = annotations()
    assert none == 0
    data = form(client, museum)
    post(client, data)
    post(client, data, texte="Le musée a fermé en 2019.")
    two, tag2 = annotations()
    assert two == 2 and tag2 != tag0
    store = stored(settings)
    first = store.query(published=True)[0]
    store.update(first.id, "curator", "withdrawn", published=False)
    one, tag1 = annotations()
    assert one == 1 and tag1 not in (tag0, tag2)
    text = (settings.remarks_dir / "graphe-remarques.nt").read_text()
    assert first.id not in text and "@" not in text.replace("@fr", "")  # no e-mail, ever
