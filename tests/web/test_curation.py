"""The curators' queue (web/curation.py) through Flask's test client: login (hashed passwords, CSRF,
rate limit on failures), every page refused without a session, filters, bulk spam, decisions, an
accepted proposed value written to the dataset's corrections table, the build's findings pages with
"turn into a remark", the Atom feed, and the CLI that makes curators and tokens."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, Quad, Store

from culturegraph.cli import main as cli
from culturegraph.config import Settings, load_settings
from culturegraph.datasets import DatasetSpec, Registry
from culturegraph.provenance.index import write_provenance_index
from culturegraph.remarks.model import Remark
from culturegraph.remarks.store import RemarkStore, now
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.web.app import create_app

NAME = NamedNode("https://schema.org/name")
PASSWORD = "un mot de passe assez long"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(store_home=tmp_path / "graph", remarks_per_window=3, auth_failures_per_client=3,
                         auth_failures_per_account=5)


@pytest.fixture
def spec(tmp_path: Path) -> DatasetSpec:
    (tmp_path / "museofile").mkdir()
    return DatasetSpec(name="museofile", title={"fr": "Muséofile"}, description={"fr": "Musées"},
                       home=tmp_path / "museofile")


@pytest.fixture
def museum(settings: Settings) -> str:
    return settings.base_iri + "id/musee/M0001"


@pytest.fixture
def app(settings: Settings, museum: str, spec: DatasetSpec) -> Flask:
    store = Store()
    store.add(Quad(NamedNode(museum), NAME, Literal("Musee X", language="fr"),
                   NamedNode(settings.base_iri + "graph/museofile")))
    # A version of its own: the home page's counts are cached per version (web/pages.py COUNTS).
    version = f"curation-{uuid.uuid4().hex}"
    return create_app(settings, store=store, registry=Registry((spec,)), version=version)


@pytest.fixture
def store(settings: Settings) -> RemarkStore:
    made = RemarkStore(settings.remarks_dir)
    made.add_curator("marie", PASSWORD)
    return made


def token_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found[1]


def login(client: FlaskClient, address: str = "127.0.0.1") -> None:
    reply = client.post("/curation/connexion", data={"csrf": token_of(client, "/curation/connexion"),
                                                     "nom": "marie", "mot_de_passe": PASSWORD},
                        environ_base={"REMOTE_ADDR": address})
    assert reply.status_code == 303 and reply.headers["Location"].endswith("/curation")


def add(store: RemarkStore, museum: str, **fields: object) -> Remark:
    stamp = now()
    values: dict[str, object] = {"target": museum, "kind": "error", "text": "Nom mal orthographié",
                                 "created": stamp, "modified": stamp, "dataset": "museofile", **fields}
    return store.add(Remark(id=store.new_id(), **values))[0]  # type: ignore[arg-type]


def test_every_page_needs_a_curator(app: Flask, store: RemarkStore, museum: str) -> None:
    client = app.test_client()
    remark = add(store, museum)
    for path in ("/curation", f"/curation/remarques/{remark.id}", "/curation/validation",
                 "/curation/quarantaine", "/curation/rapport"):
        reply = client.get(path)
        assert reply.status_code == 303 and reply.headers["Location"].endswith("/curation/connexion"), path
    assert client.post("/curation/lot", data={"action": "spam", "ids": remark.id}).status_code == 303
    assert client.get("/curation/flux.atom").status_code == 401
    shortcuts = (("/validation", "validation"), ("/quarantine", "quarantaine"), ("/rapport", "rapport"))
    for short, page in shortcuts:
        assert client.get(short).headers["Location"].endswith(f"/curation/{page}")
    home = client.get("/")
    assert "/validation" in home.text and "/quarantine" in home.text  # the home page links them now
    assert store.get(remark.id).status == "new"  # type: ignore[union-attr]


def test_login(app: Flask, store: RemarkStore) -> None:
    client = app.test_client()
    no_csrf = client.post("/curation/connexion", data={"nom": "marie", "mot_de_passe": PASSWORD})
    assert no_csrf.status_code == 400
    csrf = token_of(client, "/curation/connexion")
    wrong = [client.post("/curation/connexion", data={"csrf": csrf, "nom": "marie", "mot_de_passe": "faux"})
             for _ in range(4)]
    assert [r.status_code for r in wrong] == [401, 401, 401, 429]  # remarks_per_window=3 failures
    assert "Retry-After" in wrong[-1].headers
    other = app.test_client()
    login(other, "192.0.2.1")  # another address: this one is past its limit
    cookie = other.get_cookie("culturegraph_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert other.get("/curation").status_code == 200
    logout = other.post("/curation/deconnexion", data={"csrf": token_of(other, "/curation")})
    assert logout.status_code == 303
    assert other.get("/curation").status_code == 303


def attempt(client: FlaskClient, name: str, password: str, address: str = "127.0.0.1") -> int:
    csrf = token_of(client, "/curation/connexion")
    return client.post("/curation/connexion", data={"csrf": csrf, "nom": name, "mot_de_passe": password},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_past_the_login_limit_a_right_password_is_not_checked(app: Flask, store: RemarkStore,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile finding F2: the limit is checked before the password, so a right guess after the 429s
    gets 429 too and logs nobody in (the 429 computes no hash)."""
    client = app.test_client()
    assert [attempt(client, "marie", f"faux {i}") for i in range(3)] == [401, 401, 401]
    checked: list[str] = []
    real = RemarkStore.check_curator
    monkeypatch.setattr(RemarkStore, "check_curator",
                        lambda self, name, password: checked.append(name) or real(self, name, password))
    assert attempt(client, "marie", PASSWORD) == 429
    assert checked == []
    assert client.get("/curation").status_code == 303  # not logged in
    # Another address is not limited, and a good login clears the account's count.
    assert attempt(app.test_client(), "marie", PASSWORD, "192.0.2.7") == 303


def test_login_failures_count_per_account_too(app: Flask, store: RemarkStore) -> None:
    """Guesses spread over many addresses: past auth_failures_per_account (5) of one name, 429 for that
    name from any address, the right password included; other names are not affected."""
    for i in range(5):
        assert attempt(app.test_client(), "marie", "faux", f"198.51.100.{i}") == 401
    assert attempt(app.test_client(), "marie", PASSWORD, "198.51.100.99") == 429
    store.add_curator("jean", PASSWORD)
    assert attempt(app.test_client(), "jean", PASSWORD, "198.51.100.98") == 303


def test_a_good_login_clears_its_failures(app: Flask, store: RemarkStore) -> None:
    client = app.test_client()
    assert [attempt(client, "marie", "faux") for _ in range(2)] == [401, 401]
    assert attempt(client, "marie", PASSWORD) == 303
    assert [attempt(app.test_client(), "marie", "faux") for _ in range(3)] == [401, 401, 401]


def test_unknown_names_cost_one_hash_not_two(store: RemarkStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile finding F3: the same-time hash for unknown names is made once, not per request."""
    import culturegraph.remarks.store as module

    store.check_curator("personne", "x")  # the process's dummy hash exists from here on
    made: list[str] = []
    real = module.generate_password_hash
    monkeypatch.setattr(module, "generate_password_hash",
                        lambda password: made.append(password) or real(password))
    assert not store.check_curator("personne", "x") and not store.check_curator("nul", "y")
    assert made == []


def test_tokens_are_cheap_to_check_and_metered(app: Flask, store: RemarkStore) -> None:
    """Hostile finding F3: an API token (32 random bytes) is kept as SHA-256, so a bogus Bearer costs
    no scrypt; past auth_failures_per_client bad tokens, 429 with no token checked (even a good one)."""
    import time

    token = store.new_token("marie")
    with sqlite3.connect(store.path) as db:
        kept = db.execute("SELECT token FROM curator WHERE name = 'marie'").fetchone()[0]
    assert kept.startswith("sha256$")
    started = time.perf_counter()
    for _ in range(20):
        assert store.check_token("marie:faux") is None
    assert store.check_token(token) == "marie"
    assert time.perf_counter() - started < 0.5  # 21 scrypt checks take > 2 s
    client = app.test_client()
    codes = [client.get("/curation/flux.atom", headers={"Authorization": "Bearer marie:faux"}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    limited = client.get("/curation/flux.atom", headers={"Authorization": f"Bearer {token}"})
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert app.test_client().get("/curation/flux.atom", environ_base={"REMOTE_ADDR": "192.0.2.9"},
                                 headers={"Authorization": f"Bearer {token}"}).status_code == 200
    write = client.post("/annotations/", data=b"{}", content_type="application/ld+json",
                        headers={"Authorization": "Bearer marie:faux"})
    assert write.status_code == 429


def test_a_token_made_before_is_still_good_and_rewritten(store: RemarkStore) -> None:
    from werkzeug.security import generate_password_hash

    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE curator SET token = ? WHERE name = 'marie'", (generate_password_hash("ancien"),))
    assert store.check_token("marie:autre") is None
    assert store.check_token("marie:ancien") == "marie"
    with sqlite3.connect(store.path) as db:
        kept = db.execute("SELECT token FROM curator WHERE name = 'marie'").fetchone()[0]
    assert kept.startswith("sha256$")
    assert store.check_token("marie:ancien") == "marie"


def test_secure_cookie_setting(settings: Settings, museum: str, spec: DatasetSpec) -> None:
    """Hostile finding F11: behind a TLS proxy that forwards to 127.0.0.1 with its own Host, the cookie
    would lose Secure: CULTUREGRAPH_SECURE_COOKIE=on keeps it."""
    for choice, secure in (("on", True), ("auto", False), ("off", False)):
        app = create_app(settings.with_(secure_cookie=choice), store=Store(), registry=Registry((spec,)),
                         version=f"cookie-{uuid.uuid4().hex}")
        client = app.test_client()
        client.get("/curation/connexion")
        cookie = client.get_cookie("culturegraph_session")
        assert cookie is not None and cookie.secure is secure, choice


def test_secure_cookie_off_loopback(app: Flask, store: RemarkStore) -> None:
    client = app.test_client()
    client.get("/curation/connexion", base_url="https://culturegraph.example")
    cookie = client.get_cookie("culturegraph_session", domain="culturegraph.example")
    assert cookie is not None and cookie.secure


def test_queue_filters_and_bulk_spam(app: Flask, store: RemarkStore, museum: str) -> None:
    client = app.test_client()
    login(client)
    a = add(store, museum, text="première <b>remarque</b>")
    b = add(store, museum, kind="question", text="deuxième")
    c = add(store, museum, dataset="presse", text="troisième")
    page = client.get("/curation")
    assert all(r.id in page.text for r in (a, b, c)) and "&lt;b&gt;remarque" in page.text
    page = client.get("/curation?kind=question")
    assert b.id in page.text and a.id not in page.text
    page = client.get("/curation?dataset=presse")
    assert c.id in page.text and a.id not in page.text
    csrf = token_of(client, "/curation")
    assert client.post("/curation/lot", data={"action": "spam", "ids": [a.id, c.id]}).status_code == 400
    assert client.post("/curation/lot", data={"csrf": csrf, "action": "spam", "ids": [a.id, c.id]}) \
        .status_code == 303
    assert [store.get(r.id).status for r in (a, b, c)] == ["spam", "new", "spam"]  # type: ignore[union-attr]
    assert not store.get(a.id).published  # type: ignore[union-attr]
    assert c.id in client.get("/curation?status=spam").text


def test_accepting_a_proposed_value_writes_the_correction(app: Flask, store: RemarkStore, museum: str,
                                                          spec: DatasetSpec) -> None:
    client = app.test_client()
    login(client)
    remark = add(store, museum, predicate=NAME.value, value='"Musee X"@fr', proposed="Musée X",
                 email="anne@example.org")
    path = f"/curation/remarques/{remark.id}"
    csrf = token_of(client, path)
    assert client.post(path, data={"action": "accept", "texte": "orthographe"}).status_code == 400
    reply = client.post(path, data={"csrf": csrf, "action": "reply", "texte": "Merci, nous regardons."})
    assert reply.status_code == 303
    assert client.post(path, data={"csrf": csrf, "action": "reject", "texte": ""}).status_code == 400
    accept = {"csrf": csrf, "action": "accept", "texte": "orthographe"}
    assert client.post(path, data=accept).status_code == 303
    accepted = store.get(remark.id)
    assert accepted is not None and accepted.status == "accepted"
    assert accepted.reply == "Merci, nous regardons."
    assert accepted.email == "anne@example.org"  # kept until the remark is closed (fixed)
    with (spec.home / "corrections.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["annotation"], r["subject"], r["predicate"], r["value"], r["corrected"], r["curator"],
             r["reason"]) for r in rows] == [
        (remark.id, museum, NAME.value, '"Musee X"@fr', '"Musée X"@fr', "marie", "orthographe")]
    again = client.post(path, data={"csrf": csrf, "action": "accept", "texte": "encore"})
    assert again.status_code == 400  # accepted once
    history = [h["action"] for h in store.history(remark.id)]
    assert history == ["created", "replied", "accepted"]


def test_a_correction_that_cannot_be_written_is_refused(app: Flask, store: RemarkStore, museum: str) -> None:
    client = app.test_client()
    login(client)
    remark = add(store, museum, predicate=NAME.value, value=f"<{museum}>", proposed="pas une IRI")
    path = f"/curation/remarks/{remark.id}".replace("remarks", "remarques")
    reply = client.post(path, data={"csrf": token_of(client, path), "action": "accept", "texte": ""})
    assert reply.status_code == 400 and "IRI" in reply.text
    assert store.get(remark.id).status == "new"  # type: ignore[union-attr]


def test_findings_pages_and_finding_to_remark(app: Flask, store: RemarkStore, settings: Settings,
                                              museum: str) -> None:
    home = StoreHome(settings.store_home)
    build = home.new_build("20260101T000000Z-test01")
    (build / "store").mkdir()  # what makes a build servable
    (build / "validation.json").write_text(json.dumps({"summary": {}, "findings": [{
        "dataset": "museofile", "severity": "Violation", "focus": museum, "path": NAME.value,
        "value": "Musee X", "value_term": '"Musee X"@fr', "message_fr": "Nom <i>invalide</i>",
        "file": "data/sources/museofile/m.csv", "line": 7}]}), encoding="utf-8")
    with (build / "quarantine.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["file", "line", "column", "header", "value", "reason", "action", "pointer"],
                                 ["m.csv", "9", "", "ville", "<script>", "bad", "value dropped", ""]])
    (build / "frequentation_musees-overlap.csv").write_text("annee,musee\n2019,M0001\n", encoding="utf-8")
    home.switch(home.finish(build))
    client = app.test_client()
    login(client)
    page = client.get("/curation/validation")
    assert page.status_code == 200 and "Nom &lt;i&gt;invalide&lt;/i&gt;" in page.text
    assert "/doc/musee/M0001" in page.text and "En faire une remarque" in page.text
    quarantine = client.get("/curation/quarantaine")
    assert "&lt;script&gt;" in quarantine.text and "<script>" not in quarantine.text.split("<main")[1]
    assert "frequentation_musees-overlap.csv" in client.get("/curation/rapport").text
    made = client.post("/curation/constat", data={
        "csrf": token_of(client, "/curation/validation"), "cible": museum, "propriete": NAME.value,
        "valeur": '"Musee X"@fr', "libelle": "Musee X", "texte": "Nom invalide"})
    assert made.status_code == 303
    remark = store.query(newest_first=True, limit=1)[0]
    assert (remark.origin, remark.target, remark.predicate, remark.dataset, remark.published) == (
        "finding", museum, NAME.value, "museofile", False)


def test_a_quarantined_row_becomes_a_remark_about_the_resource_its_record_made(
        app: Flask, store: RemarkStore, settings: Settings, museum: str) -> None:
    home = StoreHome(settings.store_home)
    build = home.new_build("20260101T000000Z-test02")
    (build / "store").mkdir()
    source = "data/sources/museofile/m.csv"
    made = {museum: (source, 9), f"{museum}#adresse": (source, 9),
            settings.base_iri + "data/frequentation/site/X/annee/2020": (source, 9),
            settings.base_iri + "id/musee/M0002": (source, 10)}
    records = {iri: SimpleNamespace(file=f, line=n, vintage="v", pointer=None, feature=None)
               for iri, (f, n) in made.items()}
    write_provenance_index(build / "provenance.sqlite", SimpleNamespace(provenance=records, sources={}))
    with (build / "quarantine.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["file", "line", "column", "header", "value", "reason", "action", "pointer"],
                                 [source, "9", "4", "ville", "Pariss", "unknown town", "value dropped", ""],
                                 [source, "11", "", "", "", "no identifier", "row quarantined", ""]])
    home.switch(home.finish(build))
    client = app.test_client()
    login(client)
    quarantine = client.get("/curation/quarantaine").text
    rows = quarantine.split("<tbody>")[1].split("</tr>")
    # The record of line 9 made the museum (chosen before its #adresse and an observation); line 11 made
    # nothing, so it offers no form.
    assert "/doc/musee/M0001" in rows[0] and "En faire une remarque" in rows[0]
    assert "En faire une remarque" not in rows[1] and "rien produit" in rows[1]
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', rows[0]))
    assert form["cible"] == museum and form["libelle"] == "Pariss"
    reply = client.post("/curation/constat", data=form)
    assert reply.status_code == 303
    remark = store.query(newest_first=True, limit=1)[0]
    assert (remark.origin, remark.target, remark.dataset) == ("finding", museum, "museofile")
    assert not remark.published
    assert "ligne 9" in remark.text and "Pariss" in remark.text and "unknown town" in remark.text


def test_atom_feed(app: Flask, store: RemarkStore, museum: str) -> None:
    add(store, museum, text="un & deux <trois>")
    client = app.test_client()
    token = store.new_token("marie")
    wrong = client.get("/curation/flux.atom", headers={"Authorization": "Bearer marie:faux"})
    assert wrong.status_code == 401
    feed = client.get("/curation/flux.atom", headers={"Authorization": f"Bearer {token}"})
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}content") for e in entries] == ["un & deux <trois>"]


def test_cli_curator_token_backup_export_erase(tmp_path: Path, museum: str) -> None:
    runner = CliRunner()
    home = ["--store", str(tmp_path / "graph")]
    made = runner.invoke(cli, [*home, "remarks", "curator", "paul"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    short = runner.invoke(cli, [*home, "remarks", "curator", "jean", "--password", "court"])
    assert short.exit_code != 0 and "12 characters" in short.output
    store = RemarkStore(load_settings(store_home=tmp_path / "graph").remarks_dir)
    assert store.check_curator("paul", PASSWORD)
    token = runner.invoke(cli, [*home, "remarks", "token", "paul"])
    assert token.exit_code == 0 and store.check_token(token.output.strip()) == "paul"
    assert runner.invoke(cli, [*home, "remarks", "token", "personne"]).exit_code != 0
    add(store, museum, email="anne@example.org", text="à effacer")
    exported = runner.invoke(cli, [*home, "remarks", "export", "--email", "anne@example.org"])
    assert json.loads(exported.output)[0]["text"] == "à effacer"
    backup = runner.invoke(cli, [*home, "remarks", "backup", str(tmp_path / "copies")])
    assert backup.exit_code == 0 and Path(backup.output.strip()).is_file()
    erased = runner.invoke(cli, [*home, "remarks", "erase", "--email", "anne@example.org"])
    assert erased.output.startswith("1 remark") and store.count() == 0
