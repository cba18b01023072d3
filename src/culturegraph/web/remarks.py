"""Issue 15, the visitors' side: report an error on any resource, follow one's remark, the privacy notice.

* ``/remarques/signaler?cible=IRI[&valeur=P TERM]`` — "Signaler une erreur / proposer une correction":
  the value concerned (the resource's properties and values, from the graph served), a kind, a text,
  optionally a proposed value and an e-mail. A plain HTML form (works without JavaScript; with it,
  ``static/remarks.js`` adds a "signaler" link beside each value of a resource page that preselects it).
  The POST is refused without the session's CSRF token (400); a filled honeypot field is thanked and
  dropped; past ``remarks_per_window`` remarks per ``remarks_window_s`` from one client (a salted hash of
  its address) the answer is 429 with ``Retry-After``; texts are at most ``remark_max_chars``. A remark
  with a spam word, too many links or in neither French nor English is held for review, not published.
  Then 303 to its permalink.
* ``/remarques/<id>?cle=KEY`` — the permalink: the remark's status and the curator's reply for its
  author (the key is the author's secret); without the key, only a published remark.
* ``/remarques/`` — the published remarks; ``/remarques/confidentialite`` — the RGPD notice.

The remarks' store, the session (signed cookie: HttpOnly, SameSite=Lax, Secure except on loopback
hosts) and the CSRF tokens are set up here for the curation pages too (``init_app``).
"""

from __future__ import annotations

import hmac
import math
import re
import secrets
import sqlite3
import threading
import time
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from pyoxigraph import Literal, NamedNode

from culturegraph.config import Settings
from culturegraph.rdf import formats
from culturegraph.rdf.terms import RDFS, SCHEMA, SKOS, Minter
from culturegraph.remarks.abuse import client_key, hold_reason
from culturegraph.remarks.annotation import LIVE_FILE, write_published_graph
from culturegraph.remarks.fixes import corrections_of, sync_fixed
from culturegraph.remarks.model import KINDS, STATUSES, Remark
from culturegraph.remarks.store import DATABASE, RemarkStore, now
from culturegraph.remarks.table import REMARKS_GRAPH
from culturegraph.store.oxigraph.live import LiveGraph
from culturegraph.web import context, i18n, sparql
from culturegraph.web.urls import local_url, short_name

bp = Blueprint("remarks", __name__)

STORE = "culturegraph.remarks"
MAX_EMAIL = 254
MAX_PROPOSED = 1000
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# C0 controls other than tab and line breaks, DEL, and the non-characters XML 1.0 cannot carry: a remark
# is published in HTML, JSON-LD, N-Triples and the curators' Atom feed, and a NUL makes the feed invalid.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
HONEYPOT = "site_web"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
PRIVATE = "no-store, private"


# the store, the session, CSRF -----------------------------------------------------------------------

# How often a worker compares the published remarks with /graph/remarques's file, before a query (one
# SQLite read of the published remarks' ids and versions).
LIVE_CHECK_S = 1.0


class LiveRemarks:
    """``/graph/remarques`` between builds (issue 15): before a query, at most every :data:`LIVE_CHECK_S`
    seconds per worker, the published remarks are written to the live graph's file if they changed
    (remarks/annotation.py ``write_published_graph``); the executors replace the graph from it
    (store/oxigraph/live.py). Returns the published remarks' fingerprint ("" before any remark)."""

    def __init__(self, settings: Settings) -> None:
        self.directory = settings.remarks_dir
        self.base = settings.base_iri
        self.path = self.directory / LIVE_FILE
        self._lock = threading.Lock()
        self._checked = -math.inf
        self._fingerprint = ""
        self._store: RemarkStore | None = None

    def graph(self) -> LiveGraph:
        return LiveGraph(self.base + "graph/" + REMARKS_GRAPH, str(self.path))

    def fresh(self) -> bool:
        """Whether a call would only return the fingerprint (checked less than LIVE_CHECK_S ago)."""
        return time.monotonic() - self._checked < LIVE_CHECK_S

    def __call__(self) -> str:
        with self._lock:
            now_s = time.monotonic()
            if now_s - self._checked < LIVE_CHECK_S:
                return self._fingerprint
            self._checked = now_s
            if self._store is None:
                if not (self.directory / DATABASE).is_file():
                    return ""  # no remark was ever made: the build's snapshot (empty) stands
                self._store = RemarkStore(self.directory)
            try:
                self._fingerprint = write_published_graph(self._store, self.base, self.path)
            except (OSError, sqlite3.Error) as err:  # the graph must keep answering: say so, keep the last
                current_app.logger.warning("remarks: %s not refreshed: %s", self.path, err)
            return self._fingerprint


def remark_store() -> RemarkStore:
    """This app's remarks store (opened at first use, in the worker: never before a fork)."""
    store = current_app.extensions.get(STORE)
    if store is None:
        store = current_app.extensions[STORE] = RemarkStore(context.settings().remarks_dir)
    return store


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its key kept in the remarks store (shared by every worker), read
    only by requests that carry the cookie or need a session (the remarks' and curators' pages)."""

    def get_signing_serializer(self, app: Flask) -> Any:
        if not app.secret_key:
            with app.app_context():
                app.secret_key = remark_store().secret("session-key")
        return super().get_signing_serializer(app)

    def open_session(self, app: Flask, request: Any) -> Any:
        if self.get_cookie_name(app) not in request.cookies and not request.path.startswith(SESSION_PATHS):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if not session.modified and not session:
            return
        super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure everywhere but on a loopback host (a developer's http://127.0.0.1), unless the setting
        ``secure_cookie`` (CULTUREGRAPH_SECURE_COOKIE) says "on" (a TLS proxy that forwards to the
        loopback address with its own Host) or "off"."""
        choice = context.settings().secure_cookie
        if choice != "auto":
            return choice == "on"
        return request.host.rsplit(":", 1)[0] not in LOOPBACK or request.scheme == "https"


SESSION_PATHS = ("/remarques", "/curation")


def init_app(app: Flask) -> None:
    app.session_interface = Sessions()
    app.config.update(SESSION_COOKIE_NAME="culturegraph_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=8))
    app.context_processor(lambda: {"csrf_token": csrf_token, "remark_panel": remark_panel,
                                   "remark_counts": remark_counts, "KINDS": KINDS, "STATUSES": STATUSES})


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok() -> bool:
    sent, kept = request.form.get("csrf", ""), session.get("csrf", "")
    return bool(sent) and bool(kept) and hmac.compare_digest(sent, kept)


def refuse_csrf() -> Response:
    return page(400, "remarks/message.html", title="Formulaire expiré",
                message="Ce formulaire a expiré ou ne vient pas de ce site (jeton CSRF absent ou faux). "
                        "Rechargez la page et recommencez.")


def page(status: int, template: str, **variables: Any) -> Response:
    response = Response(render_template(template, **variables), status=status,
                        content_type=formats.HTML.content_type)
    response.headers["Cache-Control"] = PRIVATE
    return response


def client() -> str:
    """The client's rate-limit key: a salted hash of its address (IPv6: its /64), read through the
    trusted proxies as the SPARQL budget reads it (web/budget.py); the address itself is never kept."""
    budget = sparql.service().budget
    address = budget.client(request.environ) if budget is not None else request.remote_addr or ""
    return client_key(address, remark_store().secret("address-salt"))


def too_many(kind: str) -> Response | None:
    """429 with Retry-After when this client went past its limit of ``kind`` requests."""
    settings = context.settings()
    wait = remark_store().hit(f"{kind}:{client()}", settings.remarks_per_window, settings.remarks_window_s)
    if not wait:
        return None
    response = page(429, "remarks/message.html", title="Trop de remarques",
                    message=i18n.gettext("Vous avez envoyé beaucoup de remarques en peu de temps. Réessayez "
                                         "dans %(n)s secondes.", n=int(wait) + 1))
    response.headers["Retry-After"] = str(int(wait) + 1)
    return response


# what the graph says about a target -----------------------------------------------------------------

def dataset_of(target: str) -> str:
    """The dataset whose graph describes ``target`` ("" if none)."""
    settings = context.settings()
    try:
        node = NamedNode(target)
    except ValueError:
        return ""
    iris = Minter(settings.base_iri)
    graphs = {iris.graph(spec.name).value: spec.name for spec in context.registry()}
    for quad in context.reader().quads(subject=node):
        name = graphs.get(getattr(quad.graph_name, "value", ""))
        if name:
            return name
    return ""


def values_of(target: NamedNode) -> list[dict[str, str]]:
    """The resource's properties and values as a form lists them (property label, value, its key)."""
    reader = context.reader()
    labels: dict[str, str] = {}

    def label(iri: str) -> str:
        if iri not in labels:
            found = [q.object for p in (RDFS.label, SKOS.prefLabel, SCHEMA.name)
                     for q in reader.quads(subject=NamedNode(iri), predicate=p)]
            french = [t.value for t in found if isinstance(t, Literal) and t.language in ("fr", None)]
            labels[iri] = french[0] if french else short_name(iri)
        return labels[iri]

    out, seen = [], set()
    for quad in reader.quads(subject=target):
        key = f"{quad.predicate.value} {quad.object}"
        if key in seen:
            continue
        seen.add(key)
        obj = quad.object
        shown = label(obj.value) if isinstance(obj, NamedNode) else getattr(obj, "value", str(obj))
        out.append({"key": key, "property": label(quad.predicate.value), "predicate": quad.predicate.value,
                    "value": shown})
    out.sort(key=lambda v: (v["property"].casefold(), v["value"].casefold()))
    return out


def remark_panel(iri: str) -> dict[str, Any]:
    """What a resource page shows of its remarks: the report link, published remarks, corrections."""
    try:
        remarks = remark_store().query(published=True, target=iri, limit=20, newest_first=True)
        count = remark_store().count(published=True, target=iri)
    except Exception:  # the remarks' store must never break a page of the graph
        remarks, count = [], 0
    corrections = corrections_of(context.reader(), context.settings().base_iri, iri)
    # A dataset's page (/data/<name>) counts the remarks on all of its resources, with a link to them.
    dataset, dataset_count = dataset_of_page(iri), 0
    if dataset is not None:
        try:
            dataset_count = remark_store().count(published=True, dataset=dataset)
        except Exception:
            dataset_count = 0
    return {"report": f"{request.url_root}remarques/signaler?cible={quote(iri, safe='')}",
            "remarks": remarks, "count": count, "corrections": corrections,
            "dataset": dataset, "dataset_count": dataset_count,
            "dataset_list": f"{request.url_root}remarques/?jeu={quote(dataset or '', safe='')}",
            "link": lambda r: f"{request.url_root}remarques/{r.id}"}


def dataset_of_page(iri: str) -> str | None:
    """The registry's dataset whose node (/data/<name>) this IRI is, if it is one."""
    iris = Minter(context.settings().base_iri)
    return next((spec.name for spec in context.registry() if iris.dataset(spec.name).value == iri), None)


def remark_counts() -> dict[str, Any]:
    """The home page's counts: published remarks, how many were fixed, per dataset (its title)."""
    try:
        store = remark_store()
        per_dataset = store.counts_by("dataset", published=True)
        fixed = store.counts_by("status", published=True).get("fixed", 0)
    except Exception:  # the remarks' store must never break a page of the graph
        return {"total": 0, "fixed": 0, "datasets": []}
    titles = {spec.name: i18n.text(spec.title, spec.name) for spec in context.registry()}
    datasets = [(name, titles.get(name, name), n) for name, n in sorted(per_dataset.items()) if name]
    return {"total": sum(per_dataset.values()), "fixed": fixed, "datasets": datasets}


def page_of(iri: str) -> str | None:
    return local_url(iri, context.settings().base_iri, request.url_root)


def sync_fixed_remarks() -> None:
    """Remarks whose fix is in the build being served turn "fixed" (once per new build)."""
    try:
        sync_fixed(remark_store(), context.reader(), context.settings().base_iri)
    except Exception:  # no build yet
        return


# the report form --------------------------------------------------------------------------------------

@bp.route("/remarques/signaler", methods=["GET", "POST"])
def report() -> Response:
    settings = context.settings()
    target = (request.values.get("cible") or "").strip()
    if not target.startswith(settings.base_iri) or len(target) > 2000:
        return page(404, "remarks/message.html", title="Ressource inconnue",
                    message="On ne peut signaler une erreur que sur une ressource de ce graphe.")
    try:
        node = NamedNode(target)
    except ValueError:
        abort(404)
    if not context.reader().exists(node):
        return page(404, "remarks/message.html", title="Ressource inconnue",
                    message="Cette ressource n'est pas dans le graphe publié.")
    values = values_of(node)
    form = {"valeur": request.values.get("valeur", ""), "type": request.values.get("type", "error"),
            "texte": request.values.get("texte", ""), "proposition": request.values.get("proposition", ""),
            "courriel": request.values.get("courriel", "")}
    variables = {"target": target, "page_url": page_of(target), "values": values, "form": form,
                 "max_chars": settings.remark_max_chars, "errors": []}
    if request.method == "GET":
        return page(200, "remarks/report.html", **variables)
    if not csrf_ok():
        return refuse_csrf()
    if request.form.get(HONEYPOT):
        return page(200, "remarks/message.html", title="Merci", message="Merci pour votre remarque.")
    limited = too_many("remark")
    if limited is not None:
        return limited
    errors = _check(form, {v["key"] for v in values}, settings.remark_max_chars)
    if errors:
        return page(400, "remarks/report.html", **{**variables, "errors": errors})
    predicate, _, value = form["valeur"].partition(" ")
    label = next((v["value"] for v in values if v["key"] == form["valeur"]), "")
    held = hold_reason(form["texte"], form["proposition"])
    stamp = now()
    remark = Remark(id=remark_store().new_id(), target=target, kind=form["type"], text=form["texte"].strip(),
                    created=stamp, modified=stamp, published=not held, predicate=predicate, value=value,
                    value_label=label, proposed=form["proposition"].strip(), dataset=dataset_of(target),
                    email=form["courriel"].strip() or None, held=held)
    remark, key = remark_store().add(remark, client=client())
    response = Response(b"", status=303)
    response.headers["Location"] = f"{request.url_root}remarques/{remark.id}?cle={key}"
    response.headers["Cache-Control"] = PRIVATE
    return response


def _check(form: dict[str, str], keys: set[str], max_chars: int) -> list[str]:
    errors = []
    if form["type"] not in KINDS:
        errors.append("Choisissez le type de remarque.")
    if form["valeur"] and form["valeur"] not in keys:
        errors.append("La valeur choisie n'est plus dans le graphe : choisissez-en une autre.")
    if not form["texte"].strip():
        errors.append("Décrivez le problème en quelques mots.")
    if len(form["texte"]) > max_chars:
        errors.append(i18n.gettext("Le texte dépasse %(n)s caractères.", n=max_chars))
    if len(form["proposition"]) > MAX_PROPOSED:
        errors.append(i18n.gettext("La valeur proposée dépasse %(n)s caractères.", n=MAX_PROPOSED))
    if any(CONTROL.search(form[name]) for name in ("texte", "proposition")):
        errors.append("Le texte contient des caractères de contrôle (invisibles) : retirez-les.")
    email = form["courriel"].strip()
    if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        errors.append("L'adresse électronique n'est pas valide.")
    return errors


# the permalink, the list, the notice --------------------------------------------------------------------

@bp.route("/remarques/<remark_id>")
def remark_page(remark_id: str) -> Response:
    sync_fixed_remarks()
    store = remark_store()
    key = request.args.get("cle", "")
    remark = store.by_author_key(remark_id, key) if key else store.get(remark_id)
    author = bool(key) and remark is not None
    if remark is None or (not author and not remark.published):
        return page(404, "remarks/message.html", title="Remarque introuvable",
                    message="Cette remarque n'existe pas, ou elle n'est pas publiée.")
    return page(200, "remarks/remark.html", remark=remark, author=author, page_url=page_of(remark.target),
                annotation=f"{request.url_root}annotations/{remark.id}")


@bp.route("/remarques/")
def remark_list() -> Response:
    """The published remarks, newest first; ``?jeu=<dataset>`` keeps those of one dataset's resources."""
    sync_fixed_remarks()
    titles = {spec.name: i18n.text(spec.title, spec.name) for spec in context.registry()}
    dataset = request.args.get("jeu") or None
    if dataset is not None and dataset not in titles:
        return page(404, "remarks/message.html", title="Jeu de données inconnu",
                    message="Aucun jeu de données de ce graphe ne porte ce nom.")
    store = remark_store()
    remarks = store.query(published=True, dataset=dataset, newest_first=True, limit=200)
    return page(200, "remarks/list.html", remarks=remarks, page_of=page_of,
                total=store.count(published=True, dataset=dataset),
                dataset=dataset, dataset_title=titles.get(dataset or ""))


@bp.route("/remarques/confidentialite")
def privacy() -> Response:
    return page(200, "remarks/privacy.html")
