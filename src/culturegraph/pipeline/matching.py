"""The matchers of the links stage: pure functions over candidates, no store, no dataset names.

A candidate is an :class:`Item` — an IRI with its names, blocking keys (a commune code, a postcode, a
Mérimée reference…) and, when known, a point. A matcher compares the subjects of a rule with its objects
and returns every pair it considered with its score, the method that produced it, and a verdict:

- ``key``: the pair shares a key (an identifier given by both sides); score 1.
- ``name``: same key (the block) and similar names; score = name similarity.
- ``name-place``: same key **or** points within ``distance_m``, scored on the names and the distance:
  ``0.7 × names + 0.3 × nearness`` (nearness 1 at 0 m, 0 at ``distance_m``), names alone when a point
  is missing. Nearness alone never makes a link: 50 m is the width of a street in Paris, and the
  venue across it is not the museum.

Names are compared by weighted token overlap: accents, case, punctuation and French articles are
dropped, plurals folded (``postes`` = ``poste``, ``postal`` = ``poste``), and each token weighs its
inverse frequency among the objects' names, so that ``musée`` counts little and ``Zadkine`` much. The
similarity is ``0.75 × (share of the object's name found in the subject's) + 0.25 × (the converse)``,
the best over all the names of each side.

Verdicts: ``accepted`` (score ≥ ``accept``, and no other object of the same subject within ``margin``),
``ambiguous`` (score ≥ ``review`` but not accepted: for curators), ``rejected`` (the best refused
candidates, for the record). Each subject gets at most one accepted object unless ``many`` is set.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

STOPWORDS = frozenset([
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une", "sur", "sous",
    "par", "pour", "the", "of", "and",
])


@dataclass(frozen=True)
class Item:
    iri: str
    names: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()
    point: tuple[float, float] | None = None  # (latitude, longitude)


@dataclass(frozen=True)
class Scored:
    subject: str
    object: str
    score: float
    method: str  # key | name | name-place | distance
    verdict: str = "rejected"  # accepted | ambiguous | rejected
    distance_m: float | None = None
    names: float | None = None  # the name similarity, when names were compared
    detail: str = ""  # what a curator reads: "même clé 75056", "nom 0.93, 52 m"
    # Where a mapping stated by another base comes from, and when it was read (an enrichment's cache:
    # the endpoint's URL, the date of the answer); empty for the matchers' own.
    provider: str = ""
    date: str = ""


@dataclass(frozen=True)
class Thresholds:
    accept: float = 0.75
    review: float = 0.5
    margin: float = 0.05
    distance_m: float = 1000.0
    many: bool = False  # may a subject be linked to several objects (a photo to several buildings)
    keep_rejected: int = 3  # rejected candidates kept per subject (the best ones)
    near_m: float = 200.0  # a rejected candidate this near is kept whatever its name score


# names ----------------------------------------------------------------------------------------------------

def _fold(token: str) -> str:
    """Light French folding so that singular/plural and noun/adjective forms meet."""
    for suffix in ("aux", "ales", "ale", "al", "es", "s", "x", "e"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


@lru_cache(maxsize=1 << 14)
def tokens(name: str) -> tuple[str, ...]:
    """'Jardin du musée Zadkine - jardin de sculptures' → ('jardin', 'muse', 'zadkin', 'sculptur')."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", text)
    return tuple(dict.fromkeys(_fold(w) for w in words if w not in STOPWORDS and len(w) > 1))


class Weights:
    """Inverse document frequency of the tokens of a corpus of names (the objects of a rule)."""

    def __init__(self, names: Iterable[str]) -> None:
        documents = [set(tokens(n)) for n in names]
        self.total = max(len(documents), 1)
        self.frequency: Counter[str] = Counter(t for d in documents for t in d)

    def __call__(self, token: str) -> float:
        return math.log(1 + self.total / (1 + self.frequency.get(token, 0)))


def name_similarity(subject: str, obj: str, weight: Weights) -> float:
    """How much of the object's name the subject's name holds (0.75) and the converse (0.25)."""
    s, o = set(tokens(subject)), set(tokens(obj))
    if not s or not o:
        return 0.0
    common = s & o
    if not common:
        return 0.0

    def share(part: set[str], whole: set[str]) -> float:
        return sum(weight(t) for t in part) / sum(weight(t) for t in whole)

    return round(0.75 * share(common, o) + 0.25 * share(common, s), 4)


def best_names(subject: Item, obj: Item, weight: Weights) -> float:
    return max((name_similarity(a, b, weight) for a in subject.names for b in obj.names), default=0.0)


# places ----------------------------------------------------------------------------------------------------

def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius 6,371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


class _Grid:
    """Objects bucketed by a lat/lon grid of about ``size_m``, to find those near a point quickly."""

    def __init__(self, items: Sequence[Item], size_m: float) -> None:
        self.step = max(size_m, 1.0) / 111_000  # degrees of latitude
        self.cells: dict[tuple[int, int], list[Item]] = {}
        for item in items:
            if item.point is not None:
                self.cells.setdefault(self._cell(item.point), []).append(item)

    def _cell(self, point: tuple[float, float]) -> tuple[int, int]:
        return int(math.floor(point[0] / self.step)), int(math.floor(point[1] / self.step))

    def near(self, point: tuple[float, float]) -> list[Item]:
        # Longitude degrees shrink with latitude: widen the search so the cell size stays >= size_m.
        row, col = self._cell(point)
        spread = max(1, math.ceil(1 / max(math.cos(math.radians(point[0])), 0.05)))
        return [i for r in (row - 1, row, row + 1) for c in range(col - spread, col + spread + 1)
                for i in self.cells.get((r, c), ())]


# matching ---------------------------------------------------------------------------------------------------

def match(
    method: str, subjects: Sequence[Item], objects: Sequence[Item], thresholds: Thresholds = Thresholds(),
    exclude: frozenset[tuple[str, str]] = frozenset(),
) -> list[Scored]:
    """Every pair considered, scored, with its verdict. ``exclude``: pairs already decided (curators)."""
    if method not in MATCHERS:
        raise ValueError(f"unknown matcher {method!r} (matchers: {', '.join(MATCHERS)})")
    by_key: dict[str, list[Item]] = {}
    for item in objects:
        for key in item.keys:
            by_key.setdefault(key, []).append(item)
    weight = Weights(n for o in objects for n in o.names)
    grid = _Grid(objects, thresholds.distance_m) if method == "name-place" else None
    out: list[Scored] = []
    for subject in subjects:
        candidates: dict[str, Item] = {}
        for key in subject.keys:
            for item in by_key.get(key, ()):
                candidates[item.iri] = item
        if grid is not None and subject.point is not None:
            for item in grid.near(subject.point):
                candidates.setdefault(item.iri, item)
        scored = [MATCHERS[method](subject, item, weight, thresholds) for item in candidates.values()
                  if (subject.iri, item.iri) not in exclude and item.iri != subject.iri]
        out.extend(decide([s for s in scored if s is not None], thresholds))
    return out


def _key(subject: Item, obj: Item, weight: Weights, t: Thresholds) -> Scored | None:
    shared = sorted(subject.keys & obj.keys)
    return Scored(subject.iri, obj.iri, 1.0, "key", detail=f"même clé {shared[0]}") if shared else None


def _name(subject: Item, obj: Item, weight: Weights, t: Thresholds) -> Scored | None:
    shared = sorted(subject.keys & obj.keys)
    if not shared:
        return None
    names = best_names(subject, obj, weight)
    return Scored(subject.iri, obj.iri, names, "name", names=names,
                  detail=f"nom {names:.2f}, clé {shared[0]}")


def _name_place(subject: Item, obj: Item, weight: Weights, t: Thresholds) -> Scored | None:
    names = best_names(subject, obj, weight)
    shared = sorted(subject.keys & obj.keys)
    far = distance_m(subject.point, obj.point) if subject.point and obj.point else None
    if far is not None and far > t.distance_m and not shared:
        return None
    if far is None:
        score, where = names, (f"même commune {shared[0]}" if shared else "")
    else:
        nearness = max(0.0, 1 - far / t.distance_m)
        score = 0.7 * names + 0.3 * nearness
        where = f"{far:.0f} m" + (f", même commune {shared[0]}" if shared else "")
    return Scored(subject.iri, obj.iri, round(score, 4), "name-place", distance_m=far, names=names,
                  detail=f"nom {names:.2f}, {where}".rstrip(", "))


MATCHERS = {"key": _key, "name": _name, "name-place": _name_place}


def decide(scored: list[Scored], t: Thresholds) -> list[Scored]:
    """Verdicts for the candidates of one subject."""
    if not scored:
        return []
    ranked = sorted(scored, key=lambda s: (-s.score, s.object))
    out: list[Scored] = []
    if t.many:
        accepted = [s for s in ranked if s.score >= t.accept]
    else:
        best = ranked[0]
        rivals = [s for s in ranked[1:] if s.score >= t.accept and best.score - s.score < t.margin]
        accepted = [best] if best.score >= t.accept and not rivals else []
    accepted_objects = {s.object for s in accepted}
    rejected_kept = 0
    for s in ranked:
        if s.object in accepted_objects:
            out.append(_with(s, "accepted"))
        elif s.score >= t.review:
            out.append(_with(s, "ambiguous"))
        elif rejected_kept < t.keep_rejected and (
                (s.names or 0) > 0 or (s.distance_m is not None and s.distance_m <= t.near_m)):
            rejected_kept += 1
            out.append(_with(s, "rejected"))
    return out


def _with(s: Scored, verdict: str) -> Scored:
    return Scored(s.subject, s.object, s.score, s.method, verdict, s.distance_m, s.names, s.detail)


@dataclass
class Evaluation:
    """Precision and recall of accepted links against hand-labelled pairs."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0


def evaluate(results: Iterable[Scored], labelled: Iterable[tuple[str, str, bool]]) -> Evaluation:
    accepted = {(s.subject, s.object) for s in results if s.verdict == "accepted"}
    out = Evaluation()
    for subject, obj, same in labelled:
        linked = (subject, obj) in accepted
        if linked and same:
            out.true_positive += 1
        elif linked:
            out.false_positive += 1
            out.errors.append(f"false positive: {subject} ↔ {obj}")
        elif same:
            out.false_negative += 1
            out.errors.append(f"false negative: {subject} ↔ {obj}")
        else:
            out.true_negative += 1
    return out
