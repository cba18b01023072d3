"""The shapes, vocabularies, labels and JSON-LD context as files: they parse, they agree with each other
and with the mappings, and the shapes are valid SHACL (pySHACL's meta-SHACL)."""

from __future__ import annotations

import json

import pytest
import rdflib
from culturegraph.mappings import frequentation_musees, geographie, museofile
from culturegraph.mappings._codes import NOTE_CODES
from pyoxigraph import RdfFormat, parse, serialize
from pyshacl import validate
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SH, SKOS

from culturegraph.catalogue.stage import registry_catalogue
from culturegraph.config import DEFAULT_BASE_IRI, PROJECT_ROOT, Settings
from culturegraph.datasets import load_registry
from culturegraph.rdf import prefixes
from culturegraph.rdf.terms import EXTERNAL_PREFIXES
from culturegraph.store.oxigraph.reader import OxigraphReader
from culturegraph.validation.prefilter import Scope, check_supported
from culturegraph.validation.shacl import load_shapes, plan

from .support import DATASETS

ONTOLOGY = PROJECT_ROOT / "ontology"
VOCABULARY_FILES = [*sorted((ONTOLOGY / "vocabularies").glob("*.ttl")), *load_registry().vocabularies(),
                    *sorted((ONTOLOGY / "labels").glob("*.ttl"))]
OBS_STATUS = "http://purl.org/linked-data/sdmx/2009/attribute#obsStatus"
DEF = f"{DEFAULT_BASE_IRI}def/"


def shapes_graph(dataset: str) -> rdflib.Graph:
    graph = load_shapes(Settings(), dataset)
    assert graph is not None
    return graph


def vocabularies() -> rdflib.Graph:
    """The vocabulary files and the dataset nodes the build makes from the specs (the catalogue's)."""
    g = rdflib.Graph()
    for path in VOCABULARY_FILES:
        g.parse(path, format="turtle")
    nodes = registry_catalogue(load_registry(), DEFAULT_BASE_IRI, prefixes.for_writers(DEFAULT_BASE_IRI))
    g.parse(data=serialize(nodes, format=RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return g


@pytest.mark.parametrize("dataset", DATASETS)
def test_shapes_pass_meta_shacl(dataset):
    conforms, _, text = validate(rdflib.Graph(), shacl_graph=shapes_graph(dataset), meta_shacl=True)
    assert conforms, text


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_shape_is_bilingual_with_a_severity(dataset):
    g = shapes_graph(dataset)
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(g.objects(None, SH.property))
    assert len(shapes) > 10
    for shape in shapes:
        assert g.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        names = {n.language for n in g.objects(shape, SH.name)}
        assert names == {"fr", "en"}, (shape, names)
        # The message sits on the shape, or on its SPARQL constraint, or (node shapes that only gather
        # property shapes) on each of those.
        holders = [shape, *g.objects(shape, SH.sparql)]
        languages = {m.language for h in holders for m in g.objects(h, SH.message)}
        if not languages and (shape, RDF.type, SH.NodeShape) in g:
            assert not set(g.predicates(shape)) & {SH.pattern, SH["or"], SH["in"], SH.sparql}, shape
            continue
        assert languages == {"fr", "en"}, (shape, languages)


@pytest.mark.parametrize("dataset", DATASETS)
def test_fast_mode_runs_every_shape_with_a_pre_filter(dataset):
    """Targets, SPARQL constraints and every shape's compiled pre-filter run on Oxigraph (an empty store
    here): no shape falls back to validating all its targets, which would cost minutes on the cube."""
    from pyoxigraph import Store

    from culturegraph.rdf.terms import Minter

    shapes = shapes_graph(dataset)
    check_supported(shapes)
    work = plan(shapes, Scope(OxigraphReader(Store()), Minter(), dataset), dataset)
    assert work.unfiltered == []
    assert work.focus == set() and work.findings == []
    assert not set(work.shapes.objects(None, SH.target)) and not set(work.shapes.objects(None, SH.sparql))


def test_code_lists_agree_with_shapes_and_mappings():
    vocab = vocabularies()
    shapes = shapes_graph("frequentation-musees")

    def in_list(path: str) -> set[str]:
        prop = next(s for s in shapes.subjects(SH.path, rdflib.URIRef(path)) if (s, SH["in"], None) in shapes)
        return {str(v) for v in Collection(shapes, shapes.value(prop, SH["in"]))}

    def scheme(name: str) -> set[str]:
        return {str(c) for c in vocab.subjects(SKOS.inScheme, rdflib.URIRef(f"{DEF}{name}"))}

    codes = frequentation_musees.mapping.CATEGORIES.values()
    categories = {f"{DEF}categorie-public/{code}" for code in codes}
    assert in_list(f"{DEF}culture/categoriePublic") == scheme("categorie-public") == categories
    mapping = frequentation_musees.mapping
    statuses = {f"{DEF}statut-observation/{code}"
                for code in (*NOTE_CODES.values(), *mapping.DERIVED_STATUSES)}
    assert in_list(OBS_STATUS) == scheme("statut-observation") == statuses
    origins = {f"{DEF}origine-statut/{rule}" for rule in mapping.STATUS_ORIGINS}
    assert in_list(f"{DEF}culture/origineStatut") == scheme("origine-statut") == origins
    for concept in categories | statuses | origins:
        c = rdflib.URIRef(concept)
        assert {label.language for label in vocab.objects(c, SKOS.prefLabel)} == {"fr", "en"}
        assert {d.language for d in vocab.objects(c, SKOS.definition)} == {"fr", "en"}
        assert vocab.value(c, SKOS.notation) is not None


def test_data_cube_structure():
    vocab = vocabularies()
    qb = rdflib.Namespace("http://purl.org/linked-data/cube#")
    dataset = rdflib.URIRef(f"{DEFAULT_BASE_IRI}data/frequentation-musees")
    dsd = vocab.value(dataset, qb.structure)
    assert dsd == rdflib.URIRef(f"{DEF}dsd/frequentation-musees")
    components = list(vocab.objects(dsd, qb.component))
    dimensions = {str(vocab.value(c, qb.dimension)) for c in components if vocab.value(c, qb.dimension)}
    assert dimensions == {f"{DEF}culture/site", f"{DEF}culture/categoriePublic",
                          "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"}
    measures = {str(vocab.value(c, qb.measure)) for c in components if vocab.value(c, qb.measure)}
    assert measures == {f"{DEF}culture/nombreEntrees"}
    unit = next(c for c in components
                if vocab.value(c, qb.attribute) == rdflib.URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"))
    assert vocab.value(unit, qb.componentAttachment) == qb.DataSet
    assert vocab.value(dataset, rdflib.URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"))


@pytest.mark.parametrize("module", [museofile, frequentation_musees, geographie],
                         ids=lambda m: m.DATASET.name)
def test_dataset_nodes_repeat_the_mapping_titles(module):
    vocab = vocabularies()
    node = rdflib.URIRef(f"{DEFAULT_BASE_IRI}data/{module.DATASET.name}")
    titles = {t.language: str(t) for t in vocab.objects(node, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert titles == module.DATASET.title
    descriptions = {d.language: str(d)
                    for d in vocab.objects(node, rdflib.URIRef("http://purl.org/dc/terms/description"))}
    assert descriptions == module.DATASET.description


@pytest.mark.parametrize("path", VOCABULARY_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_vocabulary_files_load_like_the_build_and_labels_are_bilingual(path):
    # The build parses them with pyoxigraph (pipeline/stages.py load_vocabularies).
    text = path.read_text(encoding="utf-8")
    triples = list(parse(text, format=RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI))
    assert triples
    g = rdflib.Graph().parse(path, format="turtle")
    for subject in set(g.subjects(RDFS.label, None)):
        assert {label.language for label in g.objects(subject, RDFS.label)} == {"fr", "en"}, subject


def _unlabelled_terms(graph, catalogue: bool) -> list[str]:
    """Classes and predicates of the built graph (the catalogue graph's, or all others') without labels."""
    keep = "FILTER (STRENDS(STR(?g), '/graph/catalogue'))" if catalogue else \
        "FILTER (!STRENDS(STR(?g), '/graph/catalogue'))"
    query = ("SELECT DISTINCT ?term WHERE { { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } } "
             f"{keep} }}")
    terms = {row["term"].value for row in graph.query(query)}
    labelled = {str(s) for s in vocabularies().subjects(RDFS.label, None)}
    ours = rdflib.Graph().parse(ONTOLOGY / "culturegraph.ttl")
    labelled |= {str(s) for s in ours.subjects(RDFS.label, None)}
    return sorted(terms - labelled)


def test_labels_cover_the_terms_the_data_uses(graph):
    """Every class and predicate of the built graph has a French and an English label."""
    assert _unlabelled_terms(graph, catalogue=False) == []


def test_labels_cover_the_terms_the_catalogue_uses(graph):
    assert _unlabelled_terms(graph, catalogue=True) == []


def test_json_ld_context():
    context = json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    for prefix, namespace in EXTERNAL_PREFIXES.items():
        assert context[prefix] == namespace, prefix
    assert context["kgo"] == f"{DEF}culture/"
    sample = rdflib.Graph().parse(format="turtle", data=f"""
        @prefix schema: <http://schema.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix kgo: <{DEF}culture/> . @prefix qb: <http://purl.org/linked-data/cube#> .
        <{DEFAULT_BASE_IRI}id/musee/M0963> a schema:Museum ; rdfs:label "musée de Brou"@fr , "Brou"@en ;
            schema:name "musée de Brou"@fr ; schema:sameAs <https://pop.culture.gouv.fr/notice/museo/M0963> ;
            schema:latitude 46.196 ; schema:containedInPlace <{DEFAULT_BASE_IRI}id/commune/01053> .
        <{DEFAULT_BASE_IRI}data/x> a qb:Observation ; kgo:nombreEntrees 12 ;
            qb:dataSet <{DEFAULT_BASE_IRI}data/y> .
    """)
    compacted = json.loads(sample.serialize(format="json-ld", context=context))
    museum = next(n for n in compacted["@graph"] if n["@id"] == "musee:M0963")
    assert museum["label"] == {"fr": "musée de Brou", "en": "Brou"}
    assert museum["containedInPlace"] == "commune:01053"
    back = rdflib.Graph().parse(data=json.dumps(compacted), format="json-ld")
    assert isomorphic(back, sample)
