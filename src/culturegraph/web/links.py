"""``/liens``: the link report of the build being served (issue 12), a public page.

The links stage (pipeline/links.py) returns a report that the build keeps in ``report.json``
(``datasets.liens``) and writes as ``liens-candidats.csv`` in the build's directory; this page shows it:
counts by kind of link and verdict, then, for each kind, the ambiguous candidates (for curators to
decide), the curators' decisions applied, and the rejected candidates, each with links to both
resources' pages, its method, score and what the matcher saw. A curator records a decision in the
committed decisions table of the dataset that declares the rule (``LinkRule.decisions``); the page
gives the table's path and, for each candidate, the line to add. The next build applies it before the
matcher.

``/liens.csv`` is ``liens-candidats.csv`` as the build wrote it; ``/liens.json`` the report itself.
Everything shown comes from files and the graph: autoescaped by Jinja.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file
from pyoxigraph import NamedNode

from culturegraph.config import PROJECT_ROOT
from culturegraph.datasets import Registry
from culturegraph.pipeline import links as stage
from culturegraph.store.oxigraph.home import StoreHome
from culturegraph.web import context, i18n, urls
from culturegraph.web.describe import Describer
from culturegraph.web.http import plain_text

bp = Blueprint("links", __name__)

CACHE_CONTROL = "public, max-age=300"
# The verdicts as the page names them (French msgids: web/messages_en.py translates them).
VERDICT_LABELS = {"confirmed": "confirmés", "accepted": "acceptés", "refused": "refusés",
                  "ambiguous": "ambigus", "rejected": "rejetés"}
SHOWN = ("ambiguous", "confirmed", "refused", "rejected")  # the lists of candidates, in this order
DECISION_WORDS = {"confirmed": "confirmé", "refused": "refusé"}


def _build() -> Path | None:
    return StoreHome(context.settings().store_home).current_build()


def read_report(build: Path | None) -> dict[str, Any] | None:
    """The links part of the build's ``report.json`` (``None``: no build, no report, or a build made
    without the links stage)."""
    if build is None or not (build / "report.json").is_file():
        return None
    try:
        report = json.loads((build / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = (report.get("datasets") or {}).get(stage.GRAPH)
    return found if isinstance(found, dict) else None


def decision_tables(registry: Registry) -> dict[str, dict[str, str]]:
    """Kind → the decisions table a curator edits: its path in the repository and its dataset."""
    out: dict[str, dict[str, str]] = {}
    for spec, rule in registry.link_rules():
        if rule.decisions is None or rule.kind in out:
            continue
        path = spec.path(rule.decisions)
        try:
            shown = str(path.resolve().relative_to(PROJECT_ROOT.resolve()))
        except ValueError:
            shown = str(path)
        out[rule.kind] = {"path": shown, "dataset": spec.name}
    return out


def _relative(iri: str, base: str) -> str:
    """``iri`` relative to the base when it is under it (as the decisions tables write it)."""
    return iri[len(base):] if iri.startswith(base) else iri


def _resource(iri: str, describer: Describer, base: str) -> dict[str, Any]:
    label = describer.label(NamedNode(iri)) if iri.startswith(("http://", "https://")) else None
    return {"iri": iri, "href": urls.local_url(iri, base, request.url_root), "label": label,
            "short": _relative(iri, base)}


def view(report: dict[str, Any], tables: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """What the page shows per kind: its counts and its candidates with both resources resolved;
    ``tables``: :func:`decision_tables`."""
    settings = context.settings()
    base = settings.base_iri
    describer = Describer(context.reader(), base, languages=i18n.label_languages())
    today = datetime.now(UTC).date().isoformat()
    kinds = []
    for name, kind in sorted(report.get("kinds", {}).items()):
        lists = {}
        for verdict in SHOWN:
            rows = []
            for row in kind.get(verdict, []):
                subject, obj = str(row.get("sujet", "")), str(row.get("objet", ""))
                line = ";".join((name, _relative(subject, base), _relative(obj, base),
                                 DECISION_WORDS["confirmed"], today, ""))
                rows.append({"subject": _resource(subject, describer, base),
                             "object": _resource(obj, describer, base), "score": row.get("score"),
                             "method": row.get("methode", ""), "detail": row.get("detail", ""),
                             "line": line})
            lists[verdict] = rows
        counts = kind.get("counts", {})
        kinds.append({"name": name, "label": i18n.text(kind.get("label"), name),
                      "datasets": kind.get("datasets", []), "predicates": kind.get("predicates", []),
                      "matchers": kind.get("matchers", []), "subjects": kind.get("subjects", 0),
                      "objects": kind.get("objects", 0), "links": kind.get("links", 0),
                      "counts": {v: counts.get(v, 0) for v in stage.VERDICTS},
                      "methods": kind.get("methods", {}), "lists": lists, "table": tables.get(name)})
    return kinds


@bp.route("/liens")
def link_report() -> Response:
    build = _build()
    report = read_report(build)
    tables = decision_tables(context.registry())
    kinds = view(report, tables) if report is not None else []
    totals = {v: sum(k["counts"][v] for k in kinds) for v in stage.VERDICTS}
    body = render_template(
        "links.html", build=build.name if build is not None else None, report=report, kinds=kinds,
        totals=totals, verdicts=stage.VERDICTS, verdict_labels=VERDICT_LABELS, shown=SHOWN,
        measures=stage.MEASURE, tables=sorted({(t["path"], t["dataset"]) for t in tables.values()}),
        has_csv=build is not None and (build / stage.CANDIDATES_FILE).is_file(),
        candidates_file=stage.CANDIDATES_FILE)
    response = Response(body, status=200, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.route("/liens.csv")
def link_candidates_csv() -> Response:
    build = _build()
    path = build / stage.CANDIDATES_FILE if build is not None else None
    if path is None or not path.is_file():
        return plain_text(404, f"Not Found: the build being served has no {stage.CANDIDATES_FILE}.")
    response = send_file(path, mimetype="text/csv", as_attachment=True, download_name=stage.CANDIDATES_FILE,
                         conditional=True, max_age=300)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


@bp.route("/liens.json")
def link_report_json() -> Response:
    report = read_report(_build())
    if report is None:
        return plain_text(404, "Not Found: the build being served has no link report.")
    body = json.dumps(report, ensure_ascii=False, indent=1)
    response = Response(body, status=200, content_type="application/json; charset=utf-8")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
