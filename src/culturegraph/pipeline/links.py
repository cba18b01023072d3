"""The links stage: the derived graph ``/graph/liens`` that joins the datasets, with the method and score
of every link, so that links can be recomputed and audited.

Each dataset declares its link rules (``DatasetSpec.links``, :class:`~culturegraph.datasets.spec.LinkRule`):
two SPARQL queries (subjects, objects) and a matcher (pipeline/matching.py). The stage, after every
dataset is loaded:

1. reads the curators' table of each rule (confirmed and refused pairs) and applies it **first**: a
   confirmed pair is linked, a refused one is never proposed again, whatever the matcher says;
2. runs the matcher on the other pairs;
3. writes, into ``/graph/liens``, the link itself (``<subject> <predicate> <object>``) for every accepted
   or confirmed pair, and one *mapping* per candidate considered — accepted, confirmed, refused,
   ambiguous or rejected — as SSSOM does in RDF: an ``owl:Axiom`` naming the triple (``owl:annotatedSource``
   / ``owl:annotatedProperty`` / ``owl:annotatedTarget``), its justification (a SEMAPV term), score,
   measure and, for a refusal, ``sssom:predicate_modifier "Not"``; plus a ``void:Linkset`` per kind;
4. returns the link report (counts by kind and verdict, ambiguous and rejected candidates), which the
   build report keeps and the page ``/liens`` shows.

Why SSSOM rather than the Alignment format (``align:Cell``): SSSOM describes one mapping with its own
justification, score, tool and author (the Alignment format puts the method on the whole alignment), it
has a word for a refused mapping (``predicate_modifier Not``), a vocabulary of methods (SEMAPV), and a TSV
form that curators can read; its RDF form is plain OWL axiom annotation, readable without SSSOM tools.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from culturegraph.datasets.spec import DatasetSpec, LinkRule, Stage, StageContext
from culturegraph.pipeline import enrichment
from culturegraph.pipeline.matching import Item, Scored, Thresholds, match
from culturegraph.rdf import terms
from culturegraph.rdf.terms import (
    DCTERMS,
    OWL,
    RDFS,
    SKOS,
    SSSOM,
    VOID,
    XSD,
    A,
    Minter,
    Namespace,
    decimal,
    fr,
    string,
)

GRAPH = "liens"
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
JUSTIFICATION = {
    "key": SEMAPV.LexicalMatching,  # the same code on both sides, after normalisation
    "name": SEMAPV.LexicalSimilarityThresholdMatching,
    "name-place": SEMAPV.CompositeMatching,  # names and distance together
    "declared": SEMAPV.UnspecifiedMatching,  # stated by a dataset from its source's own identifier
    # The same identifier on our resource and on a Wikidata item (the enrichment's cache): a
    # cross-reference held by another base.
    "cross-reference": SEMAPV.DatabaseCrossReference,
    "curator": SEMAPV.ManualMappingCuration,
}
MEASURE = {
    "key": "égalité de clé (1.0)",
    "name": "recouvrement pondéré des mots des noms (idf), même clé",
    "name-place": "0.7 × recouvrement pondéré des noms + 0.3 × proximité (1 à 0 m, 0 à la distance "
                  "de la règle)",
    "declared": "lien déclaré par le jeu de données (1.0)",
    "cross-reference": "même identifiant sur la ressource et sur l'élément Wikidata (1.0)",
    "curator": "décision des conservateurs (1.0)",
}
VERDICTS = ("confirmed", "accepted", "refused", "ambiguous", "rejected")
STATUS = {"confirmed": "confirme", "accepted": "accepte", "refused": "refuse", "ambiguous": "ambigu",
          "rejected": "rejete"}
DECISIONS = {"confirmé": "confirmed", "confirme": "confirmed", "confirmed": "confirmed",
             "refusé": "refused", "refuse": "refused", "refused": "refused"}


class LinkError(Exception):
    """A link rule or a curators' table that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Decision:
    kind: str
    subject: str
    object: str
    verdict: str  # confirmed | refused
    date: str
    reason: str
    where: str  # file:line


@dataclass
class RuleResult:
    rule: LinkRule
    dataset: str
    predicate: str
    scored: list[Scored] = field(default_factory=list)
    subjects: int = 0
    objects: int = 0

    def counts(self) -> dict[str, int]:
        found = Counter(s.verdict for s in self.scored)
        return {v: found.get(v, 0) for v in VERDICTS}

    def links(self) -> list[Scored]:
        return [s for s in self.scored if s.verdict in ("accepted", "confirmed")]


# reading ------------------------------------------------------------------------------------------------

def read_decisions(path: Path, base_iri: str) -> list[Decision]:
    """The curators' table: ``type;sujet;objet;decision;date;raison`` (``;``-separated, ``#`` comments).
    Subjects and objects are IRIs or paths relative to the base IRI (``id/lieu/82785002``)."""
    if not path.is_file():
        raise LinkError(f"{path}: curators' table not found")
    out: list[Decision] = []
    with path.open(encoding="utf-8", newline="") as f:
        lines = [(n, line) for n, line in enumerate(f, start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        return out
    reader = csv.reader([line for _, line in lines], delimiter=";")
    header = [h.strip() for h in next(reader)]
    wanted = ["type", "sujet", "objet", "decision"]
    missing = [w for w in wanted if w not in header]
    if missing:
        raise LinkError(f"{path}:{lines[0][0]}: header lacks {', '.join(missing)} "
                        "(expected type;sujet;objet;decision;date;raison)")
    for (number, _), cells in zip(lines[1:], reader, strict=True):
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        verdict = DECISIONS.get(row.get("decision", "").lower())
        if verdict is None:
            raise LinkError(f"{path}:{number}: decision {row.get('decision')!r} is neither 'confirmé' "
                            "nor 'refusé'")
        if not row.get("sujet") or not row.get("objet") or not row.get("type"):
            raise LinkError(f"{path}:{number}: type, sujet and objet are required")
        out.append(Decision(row["type"], _absolute(row["sujet"], base_iri), _absolute(row["objet"], base_iri),
                            verdict, row.get("date", ""), row.get("raison", ""), f"{path.name}:{number}"))
    return out


def _absolute(iri: str, base_iri: str) -> str:
    return iri if "://" in iri else base_iri + iri.lstrip("/")


def items(solutions: Iterable[Any], *, with_target: bool = False) -> list[Item]:
    """Group query solutions by ``?item``: names, keys and the first point; ``?target`` as keys when
    ``with_target`` (declared links)."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in solutions:
        item = row["item"]
        if item is None:
            continue
        entry = grouped.setdefault(item.value, {"names": [], "keys": set(), "point": None})
        name = row["name"]  # None when unbound or not selected
        if name is not None and name.value not in entry["names"]:
            entry["names"].append(name.value)
        key = row["target" if with_target else "key"]
        if key is not None:
            entry["keys"].add(key.value)
        lat, lon = row["lat"], row["lon"]
        if entry["point"] is None and lat is not None and lon is not None:
            with contextlib.suppress(ValueError):
                entry["point"] = (float(lat.value), float(lon.value))
    return [Item(iri, tuple(e["names"]), frozenset(e["keys"]), e["point"]) for iri, e in grouped.items()]


# the stage -----------------------------------------------------------------------------------------------

def sparql_prefixes(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes.items()))


def expand(curie: str, prefixes: dict[str, str]) -> str:
    iri = terms.expand(curie, prefixes)
    if iri == curie:  # neither <IRI> nor a CURIE of a known prefix
        raise LinkError(f"predicate {curie!r}: unknown prefix {curie.partition(':')[0]!r}")
    return iri


def select(reader: Any, query: str, prefixes: dict[str, str], where: str) -> list[Any]:
    try:
        return list(reader.query(sparql_prefixes(prefixes) + query, union_default_graph=True))
    except (SyntaxError, ValueError, OSError) as err:
        raise LinkError(f"{where}: {err}") from None


def curators(decisions: Iterable[Decision]) -> list[Scored]:
    """The curators' decisions as scored pairs (score 1.0, method ``curator``, their verdict), the reason
    and where it was decided as the detail: for a rule's pairs and for the enrichment's alike."""
    return [Scored(d.subject, d.object, 1.0, "curator", d.verdict,
                   detail=f"{d.reason} ({d.where}{', ' + d.date if d.date else ''})") for d in decisions]


def compute(
    reader: Any, rules: Iterable[tuple[DatasetSpec, LinkRule]], prefixes: dict[str, str], base_iri: str,
) -> list[RuleResult]:
    """Run every rule: the curators' decisions first, then the matcher on what they left."""
    results = []
    for spec, rule in rules:
        where = f"dataset {spec.name}, link rule {rule.kind}"
        predicate = expand(rule.predicate, prefixes)
        table = read_decisions(spec.path(rule.decisions), base_iri) if rule.decisions else []
        decisions = [d for d in table if d.kind == rule.kind]
        result = RuleResult(rule, spec.name, predicate)
        if rule.matcher == "declared":
            subjects = items(select(reader, rule.subjects, prefixes, where), with_target=True)
            objects = [Item(o) for o in sorted({k for s in subjects for k in s.keys})]
            subjects = [Item(s.iri, s.names, s.keys, s.point) for s in subjects]
        else:
            subjects = items(select(reader, rule.subjects, prefixes, where))
            objects = items(select(reader, rule.objects, prefixes, where))
        result.subjects, result.objects = len(subjects), len(objects)
        decided = {(d.subject, d.object): d for d in decisions}
        resolved = {d.subject for d in decisions if d.verdict == "confirmed"} if not rule.many else set()
        result.scored += curators(decisions)
        todo = [s for s in subjects if s.iri not in resolved]
        thresholds = Thresholds(accept=rule.accept, review=rule.review, distance_m=rule.distance_m,
                                many=rule.many or rule.matcher == "declared")
        if rule.matcher == "declared":
            result.scored += [Scored(s.iri, key, 1.0, "declared", "accepted",
                                     detail="déclaré par le jeu de données")
                              for s in todo for key in sorted(s.keys) if (s.iri, key) not in decided]
        else:
            result.scored += match(rule.matcher, todo, objects, thresholds, frozenset(decided))
        results.append(result)
    return results


def cell_iri(iris: Minter, kind: str, subject: str, obj: str) -> NamedNode:
    digest = hashlib.sha1(f"{subject} {obj}".encode()).hexdigest()[:12]
    return iris.data(GRAPH, kind, digest)


def quads(results: Iterable[RuleResult], iris: Minter) -> Iterator[Quad]:
    graph = iris.graph(GRAPH)
    kgo = iris.kgo
    links = iris.dataset(GRAPH)

    def q(s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> Quad:
        return Quad(s, p, o, graph)

    yield q(links, A, VOID.Dataset)
    yield q(links, RDFS.label, fr("Liens entre les jeux de données"))
    results = list(results)
    by_kind: dict[str, list[RuleResult]] = {}
    for result in results:
        by_kind.setdefault(result.rule.kind, []).append(result)
    for name, group in by_kind.items():
        first = group[0].rule
        kind = iris.concept("type-lien", name)
        linkset = iris.data(GRAPH, name)
        yield q(kind, A, SKOS.Concept)
        yield q(kind, SKOS.inScheme, iris.scheme("type-lien"))
        for lang, text in first.label.items():
            yield q(kind, SKOS.prefLabel, Literal(text, language=lang))
        yield q(linkset, A, VOID.Linkset)
        yield q(linkset, RDFS.label, fr(first.label.get("fr", name)))
        yield q(linkset, DCTERMS.subject, kind)
        yield q(links, VOID.subset, linkset)
        for result in group:
            yield q(linkset, VOID.linkPredicate, NamedNode(result.predicate))
            for target, dataset in ((VOID.subjectsTarget, result.rule.subjects_dataset),
                                    (VOID.objectsTarget, result.rule.objects_dataset)):
                if dataset:
                    yield q(linkset, target, iris.dataset(dataset))
        made = {(s.subject, s.object) for r in group for s in r.links()}
        yield q(linkset, VOID.triples, Literal(str(len(made)), datatype=XSD.integer))
    for result in results:
        rule = result.rule
        kind = iris.concept("type-lien", rule.kind)
        predicate = NamedNode(result.predicate)
        linkset = iris.data(GRAPH, rule.kind)
        for s in result.scored:
            subject, obj = NamedNode(s.subject), NamedNode(s.object)
            if s.verdict in ("accepted", "confirmed"):
                yield q(subject, predicate, obj)
            cell = cell_iri(iris, rule.kind, s.subject, s.object)
            yield q(cell, A, OWL.Axiom)
            yield q(cell, A, kgo.CandidatLien)
            yield q(cell, OWL.annotatedSource, subject)
            yield q(cell, OWL.annotatedProperty, predicate)
            yield q(cell, OWL.annotatedTarget, obj)
            yield q(cell, VOID.inDataset, linkset)
            yield q(cell, kgo.typeLien, kind)
            yield q(cell, kgo.statutLien, iris.concept("statut-lien", STATUS[s.verdict]))
            method = "curator" if s.method == "curator" else s.method
            yield q(cell, kgo.methodeLien, iris.concept("methode-lien", method))
            yield q(cell, SSSOM.mapping_justification, JUSTIFICATION[method])
            yield q(cell, SSSOM.similarity_score, Literal(repr(float(s.score)), datatype=XSD.double))
            yield q(cell, SSSOM.similarity_measure, string(MEASURE[method]))
            yield q(cell, SSSOM.mapping_tool, string("culturegraph, étape des liens"))
            if s.verdict == "refused":
                yield q(cell, SSSOM.predicate_modifier, string("Not"))
            if s.distance_m is not None:
                yield q(cell, kgo.distanceMetres, decimal(round(s.distance_m, 1)))
            if s.detail:
                yield q(cell, RDFS.comment, fr(s.detail))
            if s.provider:
                yield q(cell, SSSOM.mapping_provider, NamedNode(s.provider))
            if s.date:
                yield q(cell, SSSOM.mapping_date, Literal(s.date, datatype=XSD.date))


def report(results: Iterable[RuleResult], limit: int = 200) -> dict[str, Any]:
    """Counts by kind and verdict, and the ambiguous and rejected candidates (best first)."""
    by_kind: dict[str, list[RuleResult]] = {}
    for result in results:
        by_kind.setdefault(result.rule.kind, []).append(result)
    kinds = {}
    for name, group in by_kind.items():
        scored = [s for r in group for s in r.scored]

        def rows(verdict: str, _scored: list[Scored] = scored) -> list[dict[str, Any]]:
            chosen = sorted((s for s in _scored if s.verdict == verdict), key=lambda s: (-s.score, s.subject))
            return [{"sujet": s.subject, "objet": s.object, "score": round(s.score, 4), "methode": s.method,
                     "detail": s.detail} for s in chosen[:limit]]

        counts = Counter(s.verdict for s in scored)
        kinds[name] = {
            "label": dict(group[0].rule.label), "datasets": sorted({r.dataset for r in group}),
            "predicates": sorted({r.predicate for r in group}),
            "matchers": [r.rule.matcher for r in group],
            "subjects": sum(r.subjects for r in group), "objects": sum(r.objects for r in group),
            "links": len({(s.subject, s.object) for r in group for s in r.links()}),
            "counts": {v: counts.get(v, 0) for v in VERDICTS},
            "methods": dict(Counter(s.method for r in group for s in r.links())),
            "ambiguous": rows("ambiguous"), "rejected": rows("rejected"), "refused": rows("refused"),
            "confirmed": rows("confirmed"),
        }
    return {"kinds": kinds, "links": sum(k["links"] for k in kinds.values())}


def summary_lines(report: dict[str, Any]) -> list[str]:
    """What ``culturegraph build`` prints about the links."""
    lines = [f"links: {report.get('links', 0):,} written (/graph/liens; candidates for curators in "
             f"{CANDIDATES_FILE})"]
    for name, kind in report.get("kinds", {}).items():
        counts = kind["counts"]
        lines.append(f"  {name:<24} {kind['links']:>6,} links, {counts['ambiguous']:,} ambiguous, "
                     f"{counts['confirmed']:,} confirmed, {counts['refused']:,} refused, "
                     f"{counts['rejected']:,} rejected")
    return lines


CANDIDATES_FILE = "liens-candidats.csv"
CANDIDATE_COLUMNS = ["type", "statut", "sujet", "objet", "score", "methode", "detail"]


def candidate_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``liens-candidats.csv`` (the build directory): the candidates a curator looks at —
    ambiguous first, then the decisions applied and the rejected ones (at most ``report``'s limit per
    kind and verdict)."""
    rows = []
    for verdict in ("ambiguous", "confirmed", "refused", "rejected"):
        for name, kind in report.get("kinds", {}).items():
            for row in kind.get(verdict, []):
                rows.append({"type": name, "statut": verdict, "sujet": row["sujet"], "objet": row["objet"],
                             "score": row["score"], "methode": row["methode"], "detail": row["detail"]})
    return rows


def enriched(reader: Any, registry: Any, prefixes: dict[str, str], settings: Any,
             iris: Minter) -> list[RuleResult]:
    """The links of the Wikidata enrichment's committed cache (pipeline/enrichment.py), one result per
    property, written and reported like every rule's: the links, and the conflicts as ambiguous
    candidates for curators."""
    identifiers = registry.external_identifiers()
    if not identifiers:
        return []
    folder = enrichment.cache_dir(settings)
    applied = enrichment.apply(reader, identifiers, prefixes, folder, iris.graph(GRAPH).value)
    table = folder / enrichment.DECISIONS
    decisions = read_decisions(table, iris.base) if applied and table.is_file() else []
    results = []
    for one in applied:
        group = one.group
        label = {lang: f"{text} ↔ élément Wikidata ({group.prop})" if lang == "fr"
                 else f"{text} ↔ Wikidata item ({group.prop})" for lang, text in group.label.items()}
        rule = LinkRule(kind=one.kind, label=label, subjects=group.declarations[0][1].subjects, objects="",
                        predicate=group.predicate, matcher=enrichment.METHOD, many=False,
                        subjects_dataset=group.datasets[0] if len(group.datasets) == 1 else None)
        result = RuleResult(rule, ", ".join(group.datasets), one.predicate,
                            scored=decided(enrichment.scored(one.resolution),
                                           [d for d in decisions if d.kind == one.kind]))
        result.subjects = one.resolution.subjects
        results.append(result)
    return results


def decided(scored: list[Scored], decisions: list[Decision]) -> list[Scored]:
    """The curators' decisions over an enrichment's candidates, as over a rule's: a confirmed pair is
    linked (a conflict settled here rather than in Wikidata), and the other candidates of its subject
    dropped; a refused pair is recorded as refused and never linked."""
    if not decisions:
        return scored
    pairs = {(d.subject, d.object) for d in decisions}
    settled = {d.subject for d in decisions if d.verdict == "confirmed"}
    kept = [s for s in scored if (s.subject, s.object) not in pairs and s.subject not in settled]
    return curators(decisions) + kept


def run(ctx: StageContext) -> None:
    prefixes = link_prefixes(ctx.registry, ctx.iris)
    results = compute(ctx.reader(), ctx.registry.link_rules(), prefixes, ctx.iris.base)
    results += enriched(ctx.reader(), ctx.registry, prefixes, ctx.settings, ctx.iris)
    ctx.load(quads(results, ctx.iris))
    reports = getattr(ctx.loaded, "reports", None)
    if isinstance(reports, dict):
        reports[GRAPH] = report(results)


def link_prefixes(registry: Any, iris: Minter) -> dict[str, str]:
    """The prefixes a rule's queries and predicate may use: the one prefix table (ours, the datasets',
    the external ones)."""
    return dict(registry.prefixes(iris.base))


STAGE = Stage(name=GRAPH, run=run, order=40, graph=GRAPH, shapes=("shapes/liens.ttl",))
