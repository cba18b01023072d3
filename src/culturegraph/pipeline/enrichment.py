"""Wikidata enrichment: the items that hold our identifiers, asked on demand, kept in a committed cache
that every build applies offline (docs/enrichment.md).

The datasets declare which of their resources carry which Wikidata property
(``DatasetSpec.identifiers``, :class:`~culturegraph.datasets.spec.ExternalIdentifier`); this module knows
none of them. Two halves:

- :func:`refresh` (``culturegraph enrich wikidata``, the only part that talks to the outside): reads the
  ids from the current build, asks the endpoint in batches (sources/fetchers/wikidata.py) and rewrites the
  cache of each property asked, with the provenance of every answer (its query's digest, date, endpoint);
  then reports the conflicts, for curators.
- :func:`resolve` (the links stage, pipeline/links.py, on every build): joins the cache with the ids the
  graph holds. A link is written only when it is unambiguous: an id held by one item, an item holding
  the ids of one resource only, a resource whose ids all lead to that item and that has no other Wikidata
  link already. Everything else is a conflict: shown to curators (``liens-candidats.csv``, the candidates
  of ``/graph/liens`` with the status *ambigu*, the enrichment's ``conflits.tsv``), never guessed.

The cache (``data/enrichment/wikidata/``): ``manifest.toml`` (per property: file, label, date, endpoint,
batch size, counts, the query template) and one ``<property>.tsv`` per property: a row per id asked and
item found (``identifiant``, ``element``, ``libelle``, ``requete``, ``date``, ``point_d_acces``; an id asked
and not found has an empty ``element``). The query of a row is the template filled with the ids of the
rows of the same ``requete`` digest, in file order: it can be recomputed and checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from culturegraph.datasets.spec import DatasetSpec, ExternalIdentifier
from culturegraph.pipeline.matching import Scored
from culturegraph.rdf import terms
from culturegraph.rdf.terms import Minter
from culturegraph.sources.fetchers.wikidata import WD, WikidataClient, query_template
from culturegraph.store.backends import reader_of
from culturegraph.store.oxigraph.home import StoreHome

FOLDER = "wikidata"
MANIFEST = "manifest.toml"
CONFLICTS = "conflits.tsv"
# The curators' decisions on these links (the links stage's table format, pipeline/links.py): written by
# hand, never by the command.
DECISIONS = "decisions.csv"
COLUMNS = ["identifiant", "element", "libelle", "requete", "date", "point_d_acces"]
CONFLICT_COLUMNS = ["propriete", "conflit", "identifiant", "element", "sujets", "detail"]
METHOD = "cross-reference"
HEADER = """# Cache of `culturegraph enrich wikidata` (docs/enrichment.md): per Wikidata property, the items
# that hold the identifiers of the graph, with the provenance of each answer. Written by the command, applied
# offline by every `culturegraph build`; refreshed only on demand. Not edited by hand: a conflict
# (conflits.tsv) is settled in Wikidata (then the property is asked again) or in decisions.csv.
"""


class EnrichmentError(Exception):
    """A cache that cannot be read or a declaration that cannot be used; the message names the file."""


def cache_dir(settings: Any) -> Path:
    return Path(settings.enrichment_dir) / FOLDER


def kind_of(prop: str) -> str:
    """The link kind of a property (``/def/type-lien/wikidata-p539``)."""
    return f"wikidata-{prop.lower()}"


# the cache ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    id: str
    item: str  # a QID, or "" when the id was asked and no item holds it
    label: str
    query: str
    date: str
    endpoint: str
    where: str  # file:line


@dataclass
class Cache:
    folder: Path
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)  # the manifest's entries
    rows: dict[str, list[Row]] = field(default_factory=dict)  # property → rows

    def answers(self, prop: str) -> dict[str, list[Row]]:
        """id → the rows found for it (an empty list: asked, not found)."""
        out: dict[str, list[Row]] = {}
        for row in self.rows.get(prop, []):
            found = out.setdefault(row.id, [])
            if row.item:
                found.append(row)
        return out


def read_cache(folder: Path) -> Cache:
    """The cache in ``folder``; an absent folder is an empty cache (nothing asked yet)."""
    cache = Cache(folder)
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return cache
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise EnrichmentError(f"{manifest}: {err}") from None
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise EnrichmentError(f"{manifest}: [properties] must be a table of properties")
    for prop, entry in properties.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise EnrichmentError(f"{manifest}: [properties.{prop}] has no `file`")
        cache.properties[prop] = entry
        cache.rows[prop] = _read_rows(folder / entry["file"])
    return cache


def _read_rows(path: Path) -> list[Row]:
    if not path.is_file():
        raise EnrichmentError(f"{path}: listed in {MANIFEST} but missing")
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != COLUMNS:
            raise EnrichmentError(f"{path}:1: header must be {chr(9).join(COLUMNS)!r}, not "
                                  f"{chr(9).join(header or [])!r}")
        for number, cells in enumerate(reader, start=2):
            if len(cells) != len(COLUMNS):
                raise EnrichmentError(f"{path}:{number}: {len(cells)} cells, {len(COLUMNS)} expected")
            value = dict(zip(COLUMNS, cells, strict=True))
            if not value["identifiant"] or (value["element"] and not _is_qid(value["element"])):
                raise EnrichmentError(f"{path}:{number}: an identifier and an item (Q…) or nothing, not "
                                      f"{value['identifiant']!r} → {value['element']!r}")
            rows.append(Row(value["identifiant"], value["element"], value["libelle"], value["requete"],
                            value["date"], value["point_d_acces"], f"{path.name}:{number}"))
    return rows


def _is_qid(text: str) -> bool:
    return text[:1] == "Q" and text[1:].isdigit() and text[1:2] != "0"


def _clean(text: str) -> str:
    """A TSV cell: no tab or line break (QUOTE_NONE keeps the file plain for a curator)."""
    return " ".join(text.split())


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def write_property(folder: Path, prop: str, label: str, rows: Sequence[Row], meta: dict[str, Any]) -> None:
    """Replace the cache of ``prop`` (its TSV and its manifest entry), other properties kept."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{prop}.tsv"
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(_clean(v) for v in (r.id, r.item, r.label, r.query, r.date, r.endpoint))
              for r in rows]
    _atomic_write(folder / name, "\n".join(lines) + "\n")
    manifest = folder / MANIFEST
    data = tomllib.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    properties = data.setdefault("properties", {})
    properties[prop] = {"file": name, "label": label, **meta}
    data["properties"] = dict(sorted(properties.items()))
    _atomic_write(manifest, HEADER + "\n" + tomli_w.dumps(data, multiline_strings=True))


def empty_cache(folder: Path) -> None:
    """An empty but valid cache: a manifest with no property."""
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / MANIFEST, HEADER + "\n[properties]\n")


# what the graph holds --------------------------------------------------------------------------------------

@dataclass
class Declared:
    """Every declaration of one property, pooled."""

    prop: str
    declarations: list[tuple[DatasetSpec, ExternalIdentifier]]

    @property
    def label(self) -> dict[str, str]:
        return dict(self.declarations[0][1].label)

    @property
    def predicate(self) -> str:
        return self.declarations[0][1].predicate

    @property
    def datasets(self) -> list[str]:
        return sorted({spec.name for spec, _ in self.declarations})


def declared(identifiers: Iterable[tuple[DatasetSpec, ExternalIdentifier]]) -> dict[str, Declared]:
    out: dict[str, Declared] = {}
    for spec, ident in identifiers:
        found = out.setdefault(ident.property, Declared(ident.property, []))
        if found.declarations and ident.predicate != found.predicate:
            raise EnrichmentError(f"dataset {spec.name}, identifier {ident.property}: predicate "
                                  f"{ident.predicate} differs from {found.predicate} of dataset "
                                  f"{found.declarations[0][0].name}: one property, one link predicate")
        found.declarations.append((spec, ident))
    return out


def _prefixed(query: str, prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes.items())) + query


def held(reader: Any, group: Declared, prefixes: dict[str, str]) -> dict[str, set[str]]:
    """Our resource → the ids of ``group``'s property it holds (every declaration's query pooled)."""
    out: dict[str, set[str]] = defaultdict(set)
    for spec, ident in group.declarations:
        try:
            solutions = reader.query(_prefixed(ident.subjects, prefixes), union_default_graph=True)
        except (SyntaxError, ValueError, OSError) as err:
            raise EnrichmentError(f"dataset {spec.name}, identifier {ident.property}: {err}") from None
        for row in solutions:
            item, value = row["item"], row["id"]
            if item is not None and value is not None and value.value.strip():
                out[item.value].add(value.value.strip())
    return dict(out)


def existing(reader: Any, predicate: str, liens_graph: str,
             memo: dict[str, dict[str, set[str]]] | None = None) -> dict[str, set[str]]:
    """Resource → the Wikidata items the graph already links it to with ``predicate`` (a dataset's own
    links, e.g. the geography's crosswalk; not the links stage's graph, which this very step writes).
    ``memo``: one query per predicate for several properties (1.4 s each on the shipped graph)."""
    if memo is not None and predicate in memo:
        return memo[predicate]
    query = (f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} FILTER(?g != <{liens_graph}>) "
             f'FILTER(STRSTARTS(STR(?o), "{WD}Q")) }}')
    out: dict[str, set[str]] = defaultdict(set)
    for row in reader.query(query):
        out[row["s"].value].add(row["o"].value.removeprefix(WD))
    if memo is not None:
        memo[predicate] = dict(out)
    return dict(out)


# conflicts -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    property: str
    kind: str  # plusieurs-elements | element-partage | plusieurs-identifiants | autre-lien
    id: str
    item: str
    subjects: tuple[str, ...]
    detail: str

    def row(self) -> dict[str, str]:
        return {"propriete": self.property, "conflit": self.kind, "identifiant": self.id,
                "element": self.item, "sujets": " ".join(self.subjects), "detail": self.detail}


@dataclass
class Resolution:
    """What the cache of one property gives on the graph's resources."""

    property: str
    links: list[tuple[str, Row]] = field(default_factory=list)  # (our resource, the cache row)
    conflicts: list[Conflict] = field(default_factory=list)
    candidates: list[tuple[str, Row, Conflict]] = field(default_factory=list)  # not linked, for curators
    already: int = 0  # resources the graph already links to the same item (confirmed, not restated)
    absent: list[str] = field(default_factory=list)  # ids asked that no item holds
    not_asked: list[str] = field(default_factory=list)  # ids of the graph the cache has not asked (yet)
    subjects: int = 0

    def counts(self) -> dict[str, int]:
        return {"ressources": self.subjects, "liens": len(self.links), "deja_lies": self.already,
                "conflits": len(self.conflicts), "absents": len(self.absent),
                "non_demandes": len(self.not_asked)}


def resolve(prop: str, subjects: dict[str, set[str]], answers: dict[str, list[Row]],
            linked: dict[str, set[str]]) -> Resolution:
    """Join the graph's ids (``subjects``: resource → ids) with the cache (``answers``: id → rows) and
    the links the graph already has (``linked``: resource → QIDs). Pure: the build and the command use
    it alike."""
    result = Resolution(prop, subjects=len(subjects))
    holders: dict[str, set[str]] = defaultdict(set)  # QID → our resources whose ids lead to it
    ids = sorted({i for values in subjects.values() for i in values})
    for value in ids:
        if value not in answers:
            result.not_asked.append(value)
        elif not answers[value]:
            result.absent.append(value)
    for subject, values in subjects.items():
        for value in values:
            for row in answers.get(value, []):
                holders[row.item].add(subject)
    for subject in sorted(subjects):
        rows = [row for value in sorted(subjects[subject]) for row in answers.get(value, [])]
        if not rows:
            continue
        items = sorted({row.item for row in rows})
        conflict: Conflict | None = None
        for value in sorted(subjects[subject]):
            several = sorted({row.item for row in answers.get(value, [])})
            if len(several) > 1:
                conflict = Conflict(prop, "plusieurs-elements", value, " ".join(several), (subject,),
                                    f"l'identifiant {value} est porté par {len(several)} éléments Wikidata "
                                    f"({', '.join(several)})")
                break
        if conflict is None and len(items) > 1:
            conflict = Conflict(prop, "plusieurs-identifiants", " ".join(sorted(subjects[subject])),
                                " ".join(items), (subject,),
                                f"les identifiants de la ressource mènent à {len(items)} éléments "
                                f"({', '.join(items)})")
        if conflict is None:
            others = sorted(holders[items[0]] - {subject})
            if others:
                # One conflict per shared item, whichever of its resources comes first.
                shared = sorted(holders[items[0]])
                shared_ids = sorted({v for s in shared for v in subjects[s]
                                     if any(r.item == items[0] for r in answers.get(v, []))})
                conflict = Conflict(prop, "element-partage", " ".join(shared_ids), items[0], tuple(shared),
                                    f"l'élément {items[0]} porte les identifiants de {len(shared)} "
                                    f"ressources ({', '.join(shared_ids)})")
        if conflict is None:
            have = linked.get(subject, set())
            if items[0] in have:
                result.already += 1
                continue
            if have:
                conflict = Conflict(prop, "autre-lien", " ".join(sorted(subjects[subject])), items[0],
                                    (subject,),
                                    f"le graphe relie déjà la ressource à {', '.join(sorted(have))}, "
                                    f"Wikidata donne {items[0]}")
        if conflict is None:
            result.links.append((subject, rows[0]))
            continue
        if not any(c.kind == conflict.kind and c.id == conflict.id and c.item == conflict.item
                   for c in result.conflicts):
            result.conflicts.append(conflict)
        seen: set[str] = set()
        for row in rows:
            if row.item not in seen:
                seen.add(row.item)
                result.candidates.append((subject, row, conflict))
    return result


def detail(prop: str, row: Row) -> str:
    return (f"Wikidata {prop} = « {row.id} » ({row.query}, {row.date}, {row.endpoint}; "
            f"cache {row.where})")


def scored(resolution: Resolution) -> list[Scored]:
    """The links stage's candidates: the links (accepted) and the conflicts (ambiguous: for curators)."""
    prop = resolution.property
    out = [Scored(subject, WD + row.item, 1.0, METHOD, "accepted", detail=detail(prop, row),
                  provider=row.endpoint, date=row.date) for subject, row in resolution.links]
    out += [Scored(subject, WD + row.item, 1.0, METHOD, "ambiguous",
                   detail=f"conflit {conflict.kind} : {conflict.detail} — {detail(prop, row)}",
                   provider=row.endpoint, date=row.date)
            for subject, row, conflict in resolution.candidates]
    return out


@dataclass
class Applied:
    """One property applied on the graph: the links stage turns it into a rule's result."""

    group: Declared
    resolution: Resolution
    predicate: str  # expanded IRI

    @property
    def kind(self) -> str:
        return kind_of(self.group.prop)


def apply(reader: Any, identifiers: Iterable[tuple[DatasetSpec, ExternalIdentifier]],
          prefixes: dict[str, str], folder: Path, liens_graph: str) -> list[Applied]:
    """Every declared property whose cache has answers, resolved on the graph (offline)."""
    cache = read_cache(folder)
    out = []
    memo: dict[str, dict[str, set[str]]] = {}
    for prop, group in sorted(declared(identifiers).items()):
        if prop not in cache.properties:
            continue
        predicate = _expand(group.predicate, prefixes)
        resolution = resolve(prop, held(reader, group, prefixes), cache.answers(prop),
                             existing(reader, predicate, liens_graph, memo))
        out.append(Applied(group, resolution, predicate))
    return out


def _expand(curie: str, prefixes: dict[str, str]) -> str:
    iri = terms.expand(curie, prefixes)
    if iri == curie:  # neither <IRI> nor a CURIE of a known prefix
        raise EnrichmentError(f"predicate {curie!r}: unknown prefix {curie.partition(':')[0]!r}")
    return iri


# the refresh (culturegraph enrich wikidata) ----------------------------------------------------------------

@dataclass
class Refreshed:
    property: str
    asked: int
    batches: int
    resolution: Resolution


def refresh(reader: Any, identifiers: Iterable[tuple[DatasetSpec, ExternalIdentifier]],
            prefixes: dict[str, str], folder: Path, client: WikidataClient, liens_graph: str,
            only: Sequence[str] = (), today: str | None = None) -> list[Refreshed]:
    """Ask ``client`` for the items holding the ids the graph (``reader``) has, property by property
    (``only``: these properties), and rewrite their cache. A failure leaves the cache of the property
    being asked untouched (the properties done before it are written)."""
    groups = declared(identifiers)
    unknown = sorted(set(only) - set(groups))
    if unknown:
        raise EnrichmentError(f"no dataset declares {', '.join(unknown)} (declared: "
                              f"{', '.join(sorted(groups)) or 'none'})")
    date = today or dt.datetime.now(dt.UTC).date().isoformat()
    done = []
    memo: dict[str, dict[str, set[str]]] = {}
    for prop, group in sorted(groups.items()):
        if only and prop not in only:
            continue
        subjects = held(reader, group, prefixes)
        ids = sorted({i for values in subjects.values() for i in values})
        rows: list[Row] = []
        batches = 0
        for batch in client.lookup(prop, ids):
            batches += 1
            found = {a.id for a in batch.answers}
            for value in batch.ids:
                answers = [a for a in batch.answers if a.id == value]
                rows += [Row(value, a.item, a.label, batch.digest, date, client.endpoint, "")
                         for a in answers]
                if value not in found:
                    rows.append(Row(value, "", "", batch.digest, date, client.endpoint, ""))
        meta = {"retrieved": date, "endpoint": client.endpoint, "batch_size": client.batch_size,
                "batches": batches, "asked": len(ids), "answered": len({r.id for r in rows if r.item}),
                "datasets": group.datasets, "query_template": query_template(prop)}
        write_property(folder, prop, group.label.get("fr", prop), rows, meta)
        cache = read_cache(folder)
        predicate = _expand(group.predicate, prefixes)
        resolution = resolve(prop, subjects, cache.answers(prop),
                             existing(reader, predicate, liens_graph, memo))
        done.append(Refreshed(prop, len(ids), batches, resolution))
    write_conflicts(folder, reader, groups, prefixes, liens_graph, memo)
    return done


def write_conflicts(folder: Path, reader: Any, groups: dict[str, Declared], prefixes: dict[str, str],
                    liens_graph: str, memo: dict[str, dict[str, set[str]]] | None = None) -> list[Conflict]:
    """``conflits.tsv``: the conflicts of every cached property on the graph, for curators."""
    cache = read_cache(folder)
    conflicts: list[Conflict] = []
    for prop, group in sorted(groups.items()):
        if prop in cache.properties:
            predicate = _expand(group.predicate, prefixes)
            conflicts += resolve(prop, held(reader, group, prefixes), cache.answers(prop),
                                 existing(reader, predicate, liens_graph, memo)).conflicts
    lines = ["\t".join(CONFLICT_COLUMNS)]
    lines += ["\t".join(_clean(c.row()[k]) for k in CONFLICT_COLUMNS) for c in conflicts]
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / CONFLICTS, "\n".join(lines) + "\n")
    return conflicts


@dataclass
class Outcome:
    """What ``culturegraph enrich wikidata`` did: per property, and the conflicts written."""

    refreshed: list[Refreshed]
    conflicts: list[Conflict]
    folder: Path
    requests: int
    waited_s: float


def refresh_current(settings: Any, registry: Any, client: WikidataClient, only: Sequence[str] = (),
                    today: str | None = None) -> Outcome:
    """:func:`refresh` on the current build of ``settings``' store home (the ids the published graph
    holds; run ``culturegraph build`` first), into the project's cache."""
    store = StoreHome(settings.store_home).open_current()
    reader = reader_of(store)
    prefixes = dict(registry.prefixes(settings.base_iri))
    liens = Minter(settings.base_iri).graph("liens").value
    folder = cache_dir(settings)
    done = refresh(reader, registry.external_identifiers(), prefixes, folder, client, liens, only, today)
    conflicts = read_conflicts(folder)
    return Outcome(done, conflicts, folder, client.requests, client.waited_s)


def read_conflicts(folder: Path) -> list[Conflict]:
    path = folder / CONFLICTS
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Conflict(r["propriete"], r["conflit"], r["identifiant"], r["element"], tuple(r["sujets"].split()),
                     r["detail"]) for r in rows]
