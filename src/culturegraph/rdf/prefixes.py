"""The one prefix table: every writer (CLI, /sparql, documents, golden files, the validation report,
JSON-LD contexts) takes its prefixes from :func:`table`.

Ours come first — ``kgo:`` (the project ontology, ``def/culture/``) and the datasets' own
(``DatasetSpec.prefixes``, registered by the registry when it is assembled) — then the external
vocabularies. A prefix IRI without a scheme is relative to the base IRI of the deployment.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

EXTERNAL: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "igeo": "http://rdf.insee.fr/def/geo#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
    "wd": "http://www.wikidata.org/entity/",
    "year": "http://reference.data.gov.uk/id/year/",
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
}

HOUSE: dict[str, str] = {"kgo": "def/culture/"}  # relative to the base IRI

# Prefixes no writer uses: ``cg:`` (the bare base) would turn every path into a local name
# (``cg:graph\/museofile``), less readable than the IRI.
NOT_FOR_WRITERS = frozenset({"cg"})

_datasets: dict[str, str] = {}


def register(prefixes: Mapping[str, str]) -> None:
    """Add datasets' prefixes (the registry calls this once per dataset it assembles)."""
    for name, iri in prefixes.items():
        if name in EXTERNAL or name in HOUSE:
            raise ValueError(f"prefix {name!r} is already the house's ({(EXTERNAL | HOUSE)[name]})")
        _datasets[name] = iri
    table.cache_clear()


def resolve(iri: str, base_iri: str) -> str:
    return iri if "://" in iri else base_iri + iri


@lru_cache(maxsize=16)
def _table(base_iri: str, datasets: tuple[tuple[str, str], ...]) -> dict[str, str]:
    ours = {name: resolve(iri, base_iri) for name, iri in (*HOUSE.items(), *datasets)}
    return {**ours, **EXTERNAL}


@lru_cache(maxsize=16)
def table(base_iri: str) -> dict[str, str]:
    """Every prefix, ours first, for the deployment whose base is ``base_iri`` (a fresh copy is cheap:
    callers must not modify it)."""
    return _table(base_iri, tuple(_datasets.items()))


def for_writers(base_iri: str) -> dict[str, str]:
    return {k: v for k, v in table(base_iri).items() if k not in NOT_FOR_WRITERS}


def expand(key: str, base_iri: str) -> str:
    """``<IRI>``, ``prefix:local`` or a path relative to the base → IRI."""
    if key.startswith("<") and key.endswith(">"):
        return key[1:-1]
    prefix, colon, local = key.partition(":")
    prefixes = table(base_iri)
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return resolve(key, base_iri)
