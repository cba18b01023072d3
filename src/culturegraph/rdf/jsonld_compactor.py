"""Compact JSON-LD: pyoxigraph's expanded JSON-LD + our context, cheaply (SPARQL results, documents).

pyoxigraph 0.5 writes *expanded* JSON-LD only (full IRIs, every value an array of objects). A full
JSON-LD compaction (rdflib's) costs several times pyoxigraph's serialisation (figures below), so this
module does the part of the JSON-LD 1.1 compaction algorithm that a flat, expanded document of
node objects needs, and nothing clever:

* property keys become a term of the context when the term is *safe* (no ``@container`` other than
  ``@set``, no ``@reverse``, no scoped ``@context``, no ``@nest``), otherwise a compact IRI
  (``schema:name``) when a prefix applies, otherwise stay absolute;
* a term with ``"@container": "@language"`` (``"name": {"fr": …, "en": …}``) is used when every value
  of the property is a language-tagged string; otherwise the property keeps its compact IRI;
* ``rdf:type`` with IRI objects becomes ``@type`` (same triples on expansion);
* ``@id`` values stay absolute IRIs (issue 13: an application follows them as they are, with no
  context to expand them against; blank nodes keep their ``_:`` label);
* value objects collapse to a bare value only when expansion gives the same value back: plain strings
  under a term without coercion (and no default ``@language``), a ``@type``-coerced literal of that
  datatype, an ``{"@id"}`` under a ``"@type": "@id"`` term; integers (``xsd:integer`` and its
  derived types) in canonical form below 2^53 and booleans become JSON numbers and ``true``/``false``
  when the term's coercion is that datatype (or none, for ``xsd:integer`` and ``xsd:boolean``), the
  JSON-LD 1.1 "native types" that read back to the same literal. Decimals stay strings: a JSON number
  with a fraction reads back as an ``xsd:double`` in exponent form, not as the ``xsd:decimal`` it was;
* single-element arrays are unwrapped.

:func:`frame` shapes a document around its main resource (the linked-data documents, issue 13): one
node object per resource, the main one at the top, each other node embedded where it is first
referenced — forwards (its hash parts, blank nodes, linked resources' labels) or, for the resources
pointing at it (observations of a site, the document itself), under ``@reverse`` — and whatever stays
unreachable under the main resource's ``@included``; a nested blank node referenced nowhere else loses
its ``_:`` label.

The ``@context`` of the output is either a URL (the published ``/context.jsonld`` of the linked-data
documents: ``context_url``) or *inline*, holding only the definitions the document uses with IRIs
written in full: a SPARQL result stands alone (no fetch of a remote context) and stays small.
``tests/web/test_sparql.py`` round-trips documents through rdflib's JSON-LD parser.

Every JSON-LD we write goes through it — SPARQL results, the linked-data documents and the page's
embedded JSON-LD (:func:`culturegraph.rdf.jsonld.compact`), with the one context
(:func:`culturegraph.rdf.jsonld.context`). Why not rdflib's compaction: measured on the built graph,
57,057 triples of /graph/museofile took 9.2 s there and 1.8 s here (pyoxigraph's expanded serialisation
alone: 0.84 s); one museum's DESCRIBE (18 triples) 1.12 ms vs 0.24 ms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_BOOLEAN = XSD + "boolean"
# xsd:integer and the types derived from it: their canonical lexical forms are JSON integers.
INTEGER_TYPES = frozenset(XSD + t for t in (
    "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))
SAFE_INTEGER = 2**53  # beyond it a JavaScript client's JSON.parse rounds the number
# Characters a prefix IRI must end with for a JSON-LD 1.1 processor to use the term as a prefix.
GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    coerce: str | None = None  # "@id", "@vocab" or a datatype IRI
    language: str | None = None
    definition: Any = None  # what goes into the output @context (IRIs expanded)


@dataclass
class Context:
    """The parts of a JSON-LD context the compactor uses."""

    prefixes: dict[str, str] = field(default_factory=dict)  # prefix name -> namespace IRI
    terms: dict[str, Term] = field(default_factory=dict)  # property IRI -> safe term for keys
    language_maps: dict[str, Term] = field(default_factory=dict)  # property IRI -> @language container term
    type_terms: dict[str, Term] = field(default_factory=dict)  # class IRI -> any term with that @id
    names: set[str] = field(default_factory=set)  # every defined name (a CURIE must not shadow one)
    language: str | None = None  # the context's default @language
    version: float | None = None

    def __post_init__(self) -> None:
        # Longest namespace first, so that the most specific prefix wins.
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))

    @classmethod
    def from_prefixes(cls, prefixes: dict[str, str]) -> Context:
        return cls(prefixes={k: v for k, v in prefixes.items() if v.endswith(GEN_DELIMS)},
                   names=set(prefixes))

    @classmethod
    def from_document(cls, document: Any, fallback_prefixes: dict[str, str] | None = None) -> Context:
        """Read a context document (``{"@context": {...}}``, a bare context object, or a list of them;
        remote references are ignored). ``fallback_prefixes`` fill prefixes the context lacks."""
        raw: dict[str, Any] = {}
        for part in _context_objects(document):
            raw.update(part)
        ctx = cls()
        ctx.language = raw.get("@language") if isinstance(raw.get("@language"), str) else None
        version = raw.get("@version")
        ctx.version = float(version) if isinstance(version, (int, float)) else None
        definitions = {k: v for k, v in raw.items() if not k.startswith("@")}
        ctx.names = set(definitions)
        # Prefixes first: term IRIs may be compact IRIs using them.
        for name, value in definitions.items():
            if ":" in name or "/" in name:
                continue
            iri = value if isinstance(value, str) else value.get("@id") if isinstance(value, dict) else None
            if not isinstance(iri, str):
                continue
            iri = _expand(iri, definitions)
            is_prefix = (isinstance(value, str) and iri.endswith(GEN_DELIMS)) or (
                isinstance(value, dict) and value.get("@prefix") is True)
            if is_prefix:
                ctx.prefixes[name] = iri
        for name, iri in (fallback_prefixes or {}).items():
            if name not in ctx.names and iri.endswith(GEN_DELIMS):
                ctx.prefixes[name] = iri
                ctx.names.add(name)
        for name, value in sorted(definitions.items(), key=lambda kv: (len(kv[0]), kv[0])):
            term = _term(name, value, definitions)
            if term is None:
                continue
            ctx.type_terms.setdefault(term.iri, term)
            if _is_language_map(value):
                ctx.language_maps.setdefault(term.iri, term)
            elif _safe_for_keys(value):
                current = ctx.terms.get(term.iri)
                # Prefer a term without coercion: more values collapse predictably.
                plain = not (term.coerce or term.language)
                if current is None or plain and (current.coerce or current.language):
                    ctx.terms[term.iri] = term
        ctx.__post_init__()
        return ctx

    # IRI compaction ---------------------------------------------------------------------------------

    def curie(self, iri: str) -> tuple[str, str | None]:
        """``(compact IRI or the IRI, prefix used)``."""
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                suffix = iri[len(namespace):]
                candidate = f"{prefix}:{suffix}"
                if suffix.startswith("//") or candidate in self.names:
                    continue
                return candidate, prefix
        return iri, None


class _Compactor:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.used: dict[str, Any] = {}  # name -> output definition

    def vocab(self, iri: str, for_type: bool = False) -> str:
        """A key or a ``@type`` value: a term when safe, else a compact IRI."""
        if for_type:
            term = self.ctx.type_terms.get(iri)
            if term is not None:
                # The whole definition: the same name may also be a property key with a coercion.
                self.used[term.name] = term.definition
                return term.name
        return self.iri(iri)

    def iri(self, iri: str) -> str:
        compact, prefix = self.ctx.curie(iri)
        if prefix is not None:
            self.used[prefix] = self.ctx.prefixes[prefix]
        return compact

    def node(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, values in node.items():
            if key == "@id":
                out["@id"] = values
            elif key == "@type":
                out["@type"] = _one([self.vocab(v, for_type=True) for v in values])
            elif key == "@graph":
                out["@graph"] = [self.node(n) for n in values]
            elif key == "@included":
                out["@included"] = [self.node(n) for n in values]
            elif key == "@reverse":
                out["@reverse"] = {self.iri(p): _one([self.value(v, None) for v in vs])
                                   for p, vs in values.items()}
            elif key.startswith("@"):
                out[key] = values
            elif key == RDF_TYPE and all(set(v) == {"@id"} for v in values):
                types = [self.vocab(v["@id"], for_type=True) for v in values]
                existing = out.get("@type")
                merged = ([existing] if isinstance(existing, str) else existing or []) + types
                out["@type"] = _one(merged)
            elif key in self.ctx.language_maps and all(_language_string(v) for v in values):
                term = self.ctx.language_maps[key]
                self.used[term.name] = term.definition
                by_language: dict[str, list[str]] = {}
                for v in values:
                    by_language.setdefault(v["@language"], []).append(v["@value"])
                out[term.name] = {lang: _one(texts) for lang, texts in by_language.items()}
            else:
                term = self.ctx.terms.get(key)  # type: ignore[assignment]
                if term is not None:
                    self.used[term.name] = term.definition
                    out[term.name] = _one([self.value(v, term) for v in values])
                else:
                    out[self.iri(key)] = _one([self.value(v, None) for v in values])
        return out

    def value(self, value: dict[str, Any], term: Term | None) -> Any:
        coerce = term.coerce if term else None
        language = term.language if term else None
        if "@id" in value and len(value) == 1:
            ref = value["@id"]
            return ref if coerce == "@id" and not ref.startswith("_:") else {"@id": ref}
        if "@value" not in value:
            return self.node(value)
        literal = value["@value"]
        datatype = value.get("@type")
        lang = value.get("@language")
        if lang is not None:
            if coerce is None and language == lang and "@direction" not in value:
                return literal
            return value
        if datatype is None or datatype == XSD_STRING:
            if coerce is None and language is None and self.ctx.language is None and isinstance(literal, str):
                return literal
            return {"@value": literal}
        native = _native(literal, datatype, coerce)
        if native is not None:
            return native
        if coerce == datatype:
            return literal
        return {"@value": literal, "@type": self.vocab(datatype, for_type=True)}


def compact(expanded: list[dict[str, Any]] | dict[str, Any], ctx: Context, *, focus: str | None = None,
            context_url: str | None = None) -> dict[str, Any]:
    """Compact an expanded JSON-LD document (a list of node objects, as pyoxigraph writes); with
    ``focus`` (an IRI), :func:`frame` it around that resource first. ``context_url``: the ``@context``
    is that URL (a published document holding ``ctx``'s definitions) instead of an inline object."""
    nodes = expanded if isinstance(expanded, list) else [expanded]
    if focus is not None:
        nodes = frame(nodes, focus)
    compactor = _Compactor(ctx)
    graph = [compactor.node(n) for n in nodes]
    inline: dict[str, Any] = {}
    if ctx.version is not None:
        inline["@version"] = ctx.version
    if ctx.language is not None:
        inline["@language"] = ctx.language
    inline.update(sorted(compactor.used.items()))
    out: dict[str, Any] = {"@context": context_url if context_url is not None else inline}
    if len(graph) == 1:
        out.update(graph[0])
    else:
        out["@graph"] = graph
    return out


def compact_bytes(expanded: bytes, ctx: Context, *, focus: str | None = None,
                  context_url: str | None = None) -> bytes:
    """pyoxigraph's JSON-LD bytes → compact JSON-LD bytes (UTF-8, no ASCII escaping)."""
    document = json.loads(expanded) if expanded.strip() else []
    compacted = compact(document, ctx, focus=focus, context_url=context_url)
    return json.dumps(compacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# framing ----------------------------------------------------------------------------------------------

def frame(nodes: list[dict[str, Any]], focus: str) -> list[dict[str, Any]]:
    """Expanded node objects → the same statements as a tree rooted at ``focus`` (first), then the
    nodes it does not reach. Node objects of one subject are merged first (pyoxigraph may write a
    subject several times). Breadth first: a node is embedded at its first reference, forwards (an
    object ``{"@id"}`` replaced by the node) or backwards (a node pointing at an embedded one goes under
    the latter's ``@reverse``, without the pointing property); every other reference stays ``{"@id"}``.
    A node that only names itself (no property) is not embedded, nor a class (``rdf:type``). What stays
    unreachable (labels of the properties and classes used) goes under the main node's ``@included``.
    A nested blank node that nothing else references loses its ``@id``."""
    merged: dict[str, dict[str, Any]] = {}
    for node in nodes:
        ident = node.get("@id")
        if not isinstance(ident, str) or "@graph" in node:
            return nodes  # not a flat document of node objects: leave it as it is
        into = merged.setdefault(ident, {"@id": ident})
        for key, values in node.items():
            if key == "@id":
                continue
            bucket = into.setdefault(key, [])
            bucket.extend(v for v in values if v not in bucket)
    if focus not in merged:
        return list(merged.values())
    pointing: dict[str, list[tuple[str, str]]] = {}  # object id -> [(subject id, property)]
    for ident, node in merged.items():
        for key, values in node.items():
            if key.startswith("@"):
                continue
            for v in values:
                if isinstance(v, dict) and set(v) == {"@id"}:
                    pointing.setdefault(v["@id"], []).append((ident, key))
    placed = {focus}
    queue = [focus]
    left: dict[str, int] = {}  # embedded blank node -> the references to it that stay {"@id"}
    while queue:
        ident = queue.pop(0)
        node = merged[ident]
        for key, values in list(node.items()):
            if key.startswith("@") or key == RDF_TYPE:  # a class stays a reference (@type)
                continue
            for i, v in enumerate(values):
                ref = v.get("@id") if isinstance(v, dict) and set(v) == {"@id"} else None
                if ref in merged and ref not in placed and len(merged[ref]) > 1:
                    placed.add(ref)
                    values[i] = merged[ref]
                    queue.append(ref)
                    left[ref] = len(pointing.get(ref, [])) - 1
        for subject, key in pointing.get(ident, []):
            if subject in placed:
                continue
            placed.add(subject)
            child = merged[subject]
            kept = [v for v in child[key] if v != {"@id": ident}]
            if kept:
                child[key] = kept
            else:
                del child[key]
            node.setdefault("@reverse", {}).setdefault(key, []).append(child)
            queue.append(subject)
            left[subject] = len(pointing.get(subject, []))
    for ident, references in left.items():
        # A blank node nested where it is used, and referenced nowhere else, needs no label: "_:b0"
        # would only show an application a name that means nothing (JSON-LD 1.1 framing prunes them too).
        if ident.startswith("_:") and references == 0:
            del merged[ident]["@id"]
    rest = [n for i, n in merged.items() if i not in placed]
    if rest:  # JSON-LD 1.1: more node objects, beside the main one's tree
        merged[focus]["@included"] = rest
    return [merged[focus]]


# helpers --------------------------------------------------------------------------------------------

def _language_string(value: dict[str, Any]) -> bool:
    return (isinstance(value.get("@value"), str) and isinstance(value.get("@language"), str)
            and "@direction" not in value and "@type" not in value)


def _native(literal: Any, datatype: str, coerce: str | None) -> int | bool | None:
    """The JSON number or boolean that expands back to this literal, if there is one."""
    if datatype in INTEGER_TYPES and coerce in (datatype, None if datatype == XSD_INTEGER else datatype):
        try:
            number = int(literal)
        except (TypeError, ValueError):
            return None
        return number if str(number) == literal and abs(number) < SAFE_INTEGER else None
    if datatype == XSD_BOOLEAN and coerce in (XSD_BOOLEAN, None) and literal in ("true", "false"):
        return literal == "true"
    return None


def _one(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _context_objects(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, list):
        return [obj for part in document for obj in _context_objects(part)]
    if isinstance(document, dict):
        if "@context" in document:
            return _context_objects(document["@context"])
        return [document]
    return []  # a remote context reference: not fetched


def _expand(value: str, definitions: dict[str, Any]) -> str:
    """Expand a compact IRI or a term used inside the context itself."""
    if value.startswith("@"):
        return value
    if ":" in value:
        prefix, suffix = value.split(":", 1)
        if suffix.startswith("//") or prefix == "_":
            return value
        target = definitions.get(prefix)
        iri = target if isinstance(target, str) else target.get("@id") if isinstance(target, dict) else None
        if isinstance(iri, str) and iri != value:
            return _expand(iri, definitions) + suffix
        return value
    target = definitions.get(value)
    if isinstance(target, str) and target != value:
        return _expand(target, definitions)
    return value


def _term(name: str, value: Any, definitions: dict[str, Any]) -> Term | None:
    if isinstance(value, str):
        iri = _expand(value, definitions)
        return Term(name, iri, definition=iri) if ":" in iri else None
    if not isinstance(value, dict) or "@reverse" in value:
        return None
    raw_iri = value.get("@id", name if ":" in name else None)
    if not isinstance(raw_iri, str):
        return None
    iri = _expand(raw_iri, definitions)
    if ":" not in iri or iri.startswith("@"):
        return None
    coerce = value.get("@type")
    if isinstance(coerce, str) and coerce not in ("@id", "@vocab", "@json", "@none"):
        coerce = _expand(coerce, definitions)
    if coerce in ("@json", "@none", "@vocab"):
        return None
    language = value.get("@language") if isinstance(value.get("@language"), str) else None
    definition: dict[str, Any] = {"@id": iri}
    if coerce:
        definition["@type"] = coerce
    if language:
        definition["@language"] = language
    if value.get("@container") in ("@set", "@language"):
        definition["@container"] = value["@container"]
    return Term(name, iri, coerce, language, definition)


def _is_language_map(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("@container") == "@language" and "@type" not in value
            and not any(k in value for k in ("@reverse", "@context", "@nest")))


def _safe_for_keys(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if not isinstance(value, dict):
        return False
    if any(k in value for k in ("@reverse", "@context", "@nest")):
        return False
    container = value.get("@container")
    if value.get("@language", "") is None:  # "@language": null resets the default language: skip
        return False
    return container in (None, "@set", ["@set"])
