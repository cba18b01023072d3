"""Issue 15, the curators' side: the review queue and the curators' view of the current build.

* ``/curation/connexion`` — log in (curator accounts: ``culturegraph remarks curator NAME``; passwords
  hashed by werkzeug, scrypt). Attempts count per client and per account before the password is
  checked (429 past the limits, web/auth.py).
  The session is the signed cookie of ``web/remarks.py`` (HttpOnly, SameSite=Lax, Secure off loopback).
* ``/curation`` — the queue: filter by status, dataset and kind; tick remarks and mark them spam at once.
* ``/curation/remarques/<id>`` — one remark and its history: reply, accept or reject with a reason,
  publish or withdraw, spam. Accepting a remark that proposes a value for a property writes its
  correction to its dataset's corrections table (``remarks/fixes.py``): the next build applies it, and
  the remark turns "fixed" once the build that contains it is served.
* ``/curation/validation``, ``/curation/quarantaine``, ``/curation/rapport`` — the current build's SHACL
  findings, quarantined rows and values, and the datasets' report files (the vintage overlap…); each
  finding links to its resource's page and becomes a remark in one click (``/curation/constat``).
* ``/curation/flux.atom`` — an Atom feed of the newest remarks (a curator's session, or
  ``Authorization: Bearer NAME:SECRET`` for a feed reader).

Every form carries the session's CSRF token (400 without it); every page is ``no-store, private``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request, session

from culturegraph.provenance.index import ProvenanceIndex
from culturegraph.remarks.fixes import CorrectionError, write_correction
from culturegraph.remarks.model import KINDS, STATUSES, Remark
from culturegraph.remarks.store import now
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.web import auth, context, i18n
from culturegraph.web.remarks import (
    PRIVATE,
    csrf_ok,
    dataset_of,
    page,
    page_of,
    refuse_csrf,
    remark_store,
    sync_fixed_remarks,
)

bp = Blueprint("curation", __name__)

QUEUE_PAGE = 100  # remarks per page of the queue
MAX_REASON = 2000  # characters of a reason or a reply
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"

View = TypeVar("View", bound=Callable[..., Response])


def curator() -> str | None:
    """The curator logged in on this session (``None`` if none, or if the account is gone)."""
    name = session.get("curator")
    if not isinstance(name, str) or name not in remark_store().curators():
        return None
    return name


def curators_only(view: View) -> View:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Response:
        if curator() is None:
            response = Response(b"", status=303)
            response.headers["Location"] = f"{request.url_root}curation/connexion"
            response.headers["Cache-Control"] = PRIVATE
            return response
        if request.method == "POST" and not csrf_ok():
            return refuse_csrf()
        return view(*args, **kwargs)
    return cast(View, guarded)


def _see_other(path: str) -> Response:
    response = Response(b"", status=303)
    response.headers["Location"] = request.url_root + path
    response.headers["Cache-Control"] = PRIVATE
    return response


# logging in and out -----------------------------------------------------------------------------------

@bp.route("/curation/connexion", methods=["GET", "POST"])
def login() -> Response:
    if request.method == "GET":
        return page(200, "curation/login.html", error="")
    if not csrf_ok():
        return refuse_csrf()
    name, password = request.form.get("nom", "")[:200], request.form.get("mot_de_passe", "")[:1000]
    refused = auth.login(name, password)  # 429 past the limits before any password is checked
    if refused is not None:
        return refused
    session.clear()  # a new session: no fixation
    session["curator"] = name
    session.permanent = True
    return _see_other("curation")


@bp.route("/curation/deconnexion", methods=["POST"])
def logout() -> Response:
    if not csrf_ok():
        return refuse_csrf()
    session.clear()
    return _see_other("")


# the queue --------------------------------------------------------------------------------------------

@bp.route("/curation")
@curators_only
def queue() -> Response:
    sync_fixed_remarks()
    store = remark_store()
    filters = {name: request.args.get(name) or None for name in ("status", "dataset", "kind")}
    try:
        offset = max(0, int(request.args.get("debut", "0")))
    except ValueError:
        offset = 0
    remarks = store.query(**filters, offset=offset, limit=QUEUE_PAGE, newest_first=True)  # type: ignore[arg-type]
    total = store.count(**filters)  # type: ignore[arg-type]
    return page(200, "curation/queue.html", remarks=remarks, total=total, filters=filters, offset=offset,
                step=QUEUE_PAGE, by_status=store.counts_by("status"), by_dataset=store.counts_by("dataset"),
                by_kind=store.counts_by("kind"), curator=curator(), page_of=page_of)


@bp.route("/curation/lot", methods=["POST"])
@curators_only
def bulk() -> Response:
    """Mark the ticked remarks spam (withdrawn, e-mail erased)."""
    who = curator() or ""
    if request.form.get("action") != "spam":
        return page(400, "remarks/message.html", title="Action inconnue", message="Choisissez une action.")
    for remark_id in request.form.getlist("ids")[:QUEUE_PAGE]:
        remark_store().update(remark_id, who, "spam", "en lot", status="spam", published=False)
    return _see_other("curation")


# one remark -------------------------------------------------------------------------------------------

@bp.route("/curation/remarques/<remark_id>", methods=["GET", "POST"])
@curators_only
def remark(remark_id: str) -> Response:
    store = remark_store()
    found = store.get(remark_id)
    if found is None:
        return page(404, "remarks/message.html", title="Remarque introuvable", message="Elle n'existe pas.")
    error = ""
    if request.method == "POST":
        error = _decide(found, request.form.get("action", ""), request.form.get("texte", "").strip())
        if not error:
            return _see_other(f"curation/remarques/{remark_id}")
        found = store.get(remark_id) or found
    return page(400 if error else 200, "curation/remark.html", remark=found, history=store.history(remark_id),
                error=error, page_url=page_of(found.target), curator=curator())


def _decide(remark: Remark, action: str, text: str) -> str:
    """Apply a curator's decision; the error to show, or ``""``."""
    who, store = curator() or "", remark_store()
    if len(text) > MAX_REASON:
        return i18n.gettext("Le texte dépasse %(n)s caractères.", n=MAX_REASON)
    if action == "reply":
        if not text:
            return "Écrivez la réponse."
        store.update(remark.id, who, "replied", text, reply=text)
    elif action == "accept":
        if remark.status not in ("new", "rejected"):
            return "Seule une remarque nouvelle ou rejetée peut être acceptée."
        if remark.proposed and remark.predicate:
            spec = next((s for s in context.registry() if s.name == remark.dataset), None)
            if spec is None:
                return "La remarque ne porte sur aucun jeu de données : la correction ne peut être écrite."
            try:
                write_correction(spec, remark, who, text, context.settings())
            except CorrectionError as err:
                return i18n.gettext("La correction ne peut être écrite : %(error)s.", error=err)
        store.update(remark.id, who, "accepted", text, status="accepted", reason=text, held="",
                     published=True)
    elif action == "reject":
        if not text:
            return "Donnez la raison du rejet."
        store.update(remark.id, who, "rejected", text, status="rejected", reason=text)
    elif action in ("publish", "withdraw"):
        store.update(remark.id, who, action, text, published=action == "publish", held="")
    elif action == "spam":
        store.update(remark.id, who, "spam", text, status="spam", published=False)
    else:
        return "Action inconnue."
    return ""


# findings of the current build ------------------------------------------------------------------------

def _build_dir() -> Path | None:
    return StoreHome(context.settings().store_home).current_build()


@bp.route("/curation/validation")
@curators_only
def validation() -> Response:
    build = _build_dir()
    path = build / "validation.json" if build else None
    data: dict[str, Any] = {}
    if path is not None and path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    findings = data.get("findings", [])[:2000]
    return page(200, "curation/validation.html", findings=findings, summary=data.get("summary"),
                total=len(data.get("findings", [])), build=build.name if build else None, page_of=page_of)


@bp.route("/curation/quarantaine")
@curators_only
def quarantine() -> Response:
    build = _build_dir()
    rows: list[dict[str, str]] = []
    path = build / "quarantine.csv" if build else None
    if path is not None and path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    shown = rows[:5000]
    targets = _quarantine_targets(build, shown) if build is not None else {}
    return page(200, "curation/quarantine.html", rows=[(r, targets.get(_place(r))) for r in shown],
                total=len(rows), build=build.name if build else None, page_of=page_of)


Place = tuple[str, int | None, str | None]  # a record: file, line, JSON pointer


def _place(row: dict[str, str]) -> Place:
    line = row.get("line") or ""
    return row.get("file", ""), int(line) if line.isdigit() else None, row.get("pointer") or None


def _quarantine_targets(build: Path, rows: list[dict[str, str]]) -> dict[Place, str]:
    """The resource each quarantined row is about, for "turn into a remark": of the subjects its record
    made (the provenance index), a thing (/id/…) before an observation, a resource before its hash
    parts. A quarantined row that made nothing has no target (its form is not offered)."""
    index = build / "provenance.sqlite"
    if not index.is_file():
        return {}
    things = context.settings().base_iri + "id/"
    with ProvenanceIndex(index) as provenance:
        made = provenance.subjects_of_records(_place(r) for r in rows)
    return {place: min(iris, key=lambda i: ("#" in i, not i.startswith(things), len(i), i))
            for place, iris in made.items()}


@bp.route("/curation/rapport")
@curators_only
def build_report() -> Response:
    build = _build_dir()
    report: dict[str, Any] = {}
    tables: dict[str, list[dict[str, str]]] = {}
    if build is not None:
        if (build / "report.json").is_file():
            report = json.loads((build / "report.json").read_text(encoding="utf-8"))
        for path in sorted(build.glob("*.csv")):
            if path.name != "quarantine.csv":
                with path.open(encoding="utf-8", newline="") as f:
                    tables[path.name] = list(csv.DictReader(f))[:2000]
    return page(200, "curation/report.html", report=report, tables=tables,
                build=build.name if build else None)


@bp.route("/validation")
@bp.route("/quarantine")
@bp.route("/rapport")
def findings_shortcut() -> Response:
    """The paths the home page links to (``pages._curator_links``): the curators' pages."""
    where = {"/validation": "validation", "/quarantine": "quarantaine", "/rapport": "rapport"}[request.path]
    return _see_other(f"curation/{where}")


@bp.route("/curation/constat", methods=["POST"])
@curators_only
def finding_to_remark() -> Response:
    """A finding of the build, turned into a remark in the queue (origin "finding")."""
    target = request.form.get("cible", "").strip()
    text = request.form.get("texte", "").strip()[:context.settings().remark_max_chars]
    if not target.startswith(context.settings().base_iri) or not text:
        return page(400, "remarks/message.html", title="Constat incomplet",
                    message="Un constat a besoin d'une ressource de ce graphe et d'un texte.")
    stamp = now()
    made = Remark(id=remark_store().new_id(), target=target, kind="error", text=text, created=stamp,
                  modified=stamp, published=False, predicate=request.form.get("propriete", "")[:2000],
                  value=request.form.get("valeur", "")[:2000],
                  value_label=request.form.get("libelle", "")[:2000],
                  dataset=dataset_of(target), origin="finding", held="constat de la construction")
    remark_store().add(made, who=curator() or "")
    return _see_other(f"curation/remarques/{made.id}")


# the feed ---------------------------------------------------------------------------------------------

@bp.route("/curation/flux.atom")
def feed() -> Response:
    allowed = curator() is not None or auth.bearer_curator() is not None
    if not allowed:
        response = Response("Le flux des remarques est réservé aux conservateurs.", status=401,
                            content_type="text/plain; charset=utf-8")
        response.headers["WWW-Authenticate"] = 'Bearer realm="curation"'
        return response
    remarks = remark_store().query(newest_first=True, limit=FEED_SIZE)
    root = request.url_root
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text
        return element

    top = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    sub(top, "id", f"{root}curation/flux.atom")
    sub(top, "title", "Remarques des utilisateurs")
    sub(top, "updated", remarks[0].modified if remarks else now())
    sub(sub(top, "author"), "name", "culturegraph")
    sub(top, "link", rel="self", href=f"{root}curation/flux.atom")
    for r in remarks:  # ElementTree escapes every text and attribute
        entry = sub(top, "entry")
        sub(entry, "id", f"{root}annotations/{r.id}")
        sub(entry, "title", f"{KINDS.get(r.kind, r.kind)} ({STATUSES.get(r.status, r.status)}) : {r.target}")
        sub(entry, "updated", r.modified)
        sub(entry, "published", r.created)
        sub(entry, "link", rel="alternate", type="text/html", href=f"{root}curation/remarques/{r.id}")
        sub(entry, "content", r.text, type="text")
    body = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    response = Response(body, content_type="application/atom+xml; charset=utf-8")
    response.headers["Cache-Control"] = PRIVATE
    return response
