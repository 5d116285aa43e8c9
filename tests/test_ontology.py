"""The ontology parses, is consistent under OWL RL, and its own terms are few and documented."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef

from palsov.project import Project
from palsov.rdf.graph import KnowledgeGraph

from .vocab import (
    BASE,
    CRM,
    DCAT,
    DCTERMS,
    OA,
    ORG,
    OWL,
    PALSOV,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SDO,
    SEM,
    SH,
    SKOS,
    SPDX,
    TIME,
    VANN,
    VOID,
    XSD,
)

FIXTURES = Path(__file__).parent / "fixtures" / "vocabularies"
CLOSED = (PROV, TIME, ORG, SKOS, DCTERMS, SDO, DCAT, VOID, OWL, RDF, RDFS, XSD, SH)
LISTED = {
    str(SEM): "sem.txt",
    str(CRM): "crm.txt",
    str(OA): "oa.txt",
    str(SPDX): "spdx.txt",
    str(VANN): "vann.txt",
}
ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def own_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(PALSOV))}


def test_every_module_parses_and_is_part_of_the_ontology(project: Project) -> None:
    modules = [p for p in project.ontology_files() if p.parent == project.ontology_dir]
    assert {p.stem for p in modules} == {
        "core",
        "event",
        "actor",
        "stance",
        "relation",
        "time",
        "provenance",
    }
    header = Graph().parse(project.ontology_dir / "core.ttl")
    ontology = URIRef(BASE + "ontology")
    imported = set(header.objects(ontology, OWL.imports))
    for path in modules:
        graph = Graph().parse(path)
        declared = set(graph.subjects(RDF.type, OWL.Ontology))
        assert len(declared) == 1, path
        if path.stem != "core":
            assert declared <= imported, f"{path} is not imported by the core module"


def test_ontology_header_is_complete(kg: KnowledgeGraph) -> None:
    ontology = URIRef(BASE + "ontology")
    for predicate in (
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.description,
        DCTERMS.title,
        VANN.preferredNamespaceUri,
    ):
        assert kg.ontology.value(ontology, predicate) is not None, predicate


def test_own_terms_are_few_labelled_defined_and_aligned(kg: KnowledgeGraph) -> None:
    terms = own_terms(kg.ontology)
    assert 10 <= len(terms) <= 40
    undocumented = []
    for term in sorted(terms):
        label = kg.ontology.value(term, RDFS.label)
        definition = kg.ontology.value(term, SKOS.definition) or kg.ontology.value(term, RDFS.comment)
        alignments = [
            o
            for p in (
                RDFS.subClassOf,
                RDFS.subPropertyOf,
                SKOS.closeMatch,
                SKOS.exactMatch,
                SKOS.relatedMatch,
            )
            for o in kg.ontology.objects(term, p)
            if isinstance(o, URIRef) and not o.startswith(str(PALSOV))
        ]
        if not (isinstance(label, Literal) and label.language == "en" and definition and alignments):
            undocumented.append(term)
        assert kg.ontology.value(term, RDFS.isDefinedBy) == URIRef(BASE + "ontology"), term
    assert undocumented == []


def test_ontology_and_data_are_consistent_under_owl_rl(kg: KnowledgeGraph) -> None:
    graph = Graph()
    for triple in kg.merged:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert [str(message) for message in graph.objects(None, ERROR)] == []
    assert list(graph.subjects(RDF.type, OWL.Nothing)) == []


def _known(term: URIRef, own: set[URIRef]) -> bool | None:
    """True or False for a term of a vocabulary we can check; None for any other namespace."""
    if term.startswith(str(PALSOV)):
        return term in own
    for namespace in CLOSED:
        if term.startswith(str(namespace)):
            return term in namespace
    for namespace, listing in LISTED.items():
        if term.startswith(namespace):
            names = (FIXTURES / listing).read_text(encoding="utf-8").split()
            return term[len(namespace) :] in names
    return None


def used_vocabulary_terms(graph: Graph) -> set[URIRef]:
    """Every predicate and class the graph uses."""
    return {p for p in graph.predicates()} | {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}


def test_every_external_term_exists_in_its_vocabulary(kg: KnowledgeGraph, project: Project) -> None:
    shapes = Graph()
    for path in project.shape_files():
        shapes.parse(path)
    own = own_terms(kg.ontology)
    terms = used_vocabulary_terms(kg.merged) | used_vocabulary_terms(shapes)
    # Objects that name terms of vocabularies: alignments, motivations, units, SHACL paths.
    for graph in (kg.merged, shapes):
        terms |= {o for o in graph.objects() if isinstance(o, URIRef) and _known(o, own) is not None}
    assert len([t for t in terms if _known(t, own)]) > 100
    unknown = sorted(t for t in terms if _known(t, own) is False)
    assert unknown == []


def test_every_namespace_used_is_declared(kg: KnowledgeGraph) -> None:
    declared = set(PREFIXES.values())
    undeclared = sorted(t for t in used_vocabulary_terms(kg.merged) if not any(t.startswith(ns) for ns in declared))
    assert undeclared == []


@pytest.mark.parametrize(
    "scheme",
    [
        "event-type",
        "role",
        "actor-type",
        "issue",
        "polarity",
        "time-precision",
        "time-qualifier",
        "certainty",
    ],
)
def test_every_concept_scheme_is_complete(kg: KnowledgeGraph, scheme: str) -> None:
    iri = URIRef(f"{BASE}vocab/{scheme}")
    assert (iri, RDF.type, SKOS.ConceptScheme) in kg.ontology
    concepts = set(kg.ontology.subjects(SKOS.inScheme, iri))
    assert concepts
    for concept in concepts:
        assert kg.ontology.value(concept, SKOS.prefLabel) is not None, concept
        assert kg.ontology.value(concept, SKOS.definition) is not None, concept
        assert ((iri, SKOS.hasTopConcept, concept) in kg.ontology) != (
            kg.ontology.value(concept, SKOS.broader) is not None
        ), concept


def test_polarity_scores_run_from_opposition_to_support(kg: KnowledgeGraph) -> None:
    scores = {
        str(c).rsplit("/", 1)[1]: float(kg.ontology.value(c, PALSOV.polarityScore))
        for c in kg.ontology.subjects(SKOS.inScheme, URIRef(f"{BASE}vocab/polarity"))
    }
    assert scores == {
        "opposition": -1.0,
        "reluctance": -0.5,
        "neutral": 0.0,
        "qualified-support": 0.5,
        "support": 1.0,
    }


def test_event_types_carry_their_cameo_mapping(kg: KnowledgeGraph) -> None:
    etype = f"{BASE}vocab/event-type/"

    def value(name: str, prop: URIRef) -> str | None:
        found = kg.ontology.value(URIRef(etype + name), prop)
        return None if found is None else str(found)

    assert value("visit", PALSOV.cameoRootCode) == "04"
    assert value("visit", PALSOV.ploverCategory) == "CONSULT"
    assert value("aid", PALSOV.cameoQuadClass) == "2"
    assert value("condemnation", PALSOV.cooperationScore) == "-1"
    assert value("invasion", PALSOV.cooperationScore) == "-2"
    assert value("founding", PALSOV.cameoRootCode) is None
    assert value("founding", PALSOV.cooperationScore) == "0"
