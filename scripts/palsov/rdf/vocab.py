"""Every IRI palsov names, once: the namespaces of the project and of the vocabularies it reuses, and
the terms the code uses, as pyoxigraph NamedNodes.

A `Namespace` is its IRI (a str, for prefix tables); calling it with a local name gives the term, so
`DCTERMS("title")` names dcterms:title without spelling the namespace again.
"""

from __future__ import annotations

import pyoxigraph as ox


class Namespace(str):
    """A namespace IRI; `NS("name")` is the NamedNode of the term `name` in it."""

    __slots__ = ()

    def __call__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self + name)


BASE = Namespace("https://w3id.org/palsov/")
PALSOV = Namespace(BASE + "ontology#")
ONTOLOGY = ox.NamedNode(BASE + "ontology")
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
SHAPES = Namespace(BASE + "shapes#")
QUERIES = Namespace(BASE + "queries/")
GRAPH = Namespace(BASE + "graph/")
DATASET = ox.NamedNode(BASE + "dataset")
DOWNLOADS = Namespace(BASE + "dist/")
#: The JSON-LD context, published at its own IRI (and in dist/ under the same path: context.jsonld).
CONTEXT = ox.NamedNode(BASE + "context.jsonld")

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
ORG = Namespace("http://www.w3.org/ns/org#")
SDO = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
#: Wikidata's own schema.org namespace is the http:// one.
WIKIDATA_SCHEMA = Namespace("http://schema.org/")
#: SSSOM (its slots as RDF terms), the Semantic Mapping Vocabulary (its mapping justifications) and
#: W3C EARL (test results).
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
SSSOM = Namespace("https://w3id.org/sssom/")
EARL = Namespace("http://www.w3.org/ns/earl#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

RDF_TYPE = RDF("type")
RDF_FIRST = RDF("first")
RDF_REST = RDF("rest")
RDF_NIL = RDF("nil")
RDFS_LABEL = RDFS("label")
RDFS_COMMENT = RDFS("comment")
XSD_STRING = XSD("string")
XSD_BOOLEAN = XSD("boolean")
XSD_INTEGER = XSD("integer")
XSD_DATE = XSD("date")
XSD_DATETIME = XSD("dateTime")
SKOS_PREF_LABEL = SKOS("prefLabel")
OWL_SAME_AS = OWL("sameAs")
SKOS_EXACT_MATCH = SKOS("exactMatch")
SKOS_RELATED_MATCH = SKOS("relatedMatch")
WIKIDATA_CANDIDATE = PALSOV("wikidataCandidate")

#: The named graphs of the dataset exports, in the order they are written.
ONTOLOGY_GRAPH = GRAPH("ontology")
DATA_GRAPH = GRAPH("data")
WIKIDATA_GRAPH = GRAPH("wikidata")
DESCRIPTION_GRAPH = GRAPH("description")

SOURCE_ARTICLE = ID("source/article")
#: The checks palsov runs beside the shapes, named as the shapes are.
SOURCE_FILE_CHECK = SHAPES("SourceFileCheck")
EDTF_CHECK = SHAPES("EdtfCheck")
#: The shapes graph, as SHACL-SPARQL's $shapesGraph names it inside the store.
SHAPES_GRAPH = ox.NamedNode("urn:palsov:shapes-graph")

CC_BY_SA = ox.NamedNode("https://creativecommons.org/licenses/by-sa/4.0/")
CC0 = ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")
ARTICLE = ox.NamedNode("https://en.wikipedia.org/wiki/Palestine%E2%80%93Soviet_Union_relations")
MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"

#: Prefixes bound in every graph the project writes and every query it runs, so exports read the
#: same everywhere.
PREFIXES: dict[str, str] = {
    "palsov": PALSOV,
    "actor": ID + "actor/",
    "event": ID + "event/",
    "stance": ID + "stance/",
    "place": ID + "place/",
    "period": ID + "period/",
    "relation": ID + "relation/",
    "mission": ID + "mission/",
    "membership": ID + "membership/",
    "evidence": ID + "evidence/",
    "link": ID + "link/",
    "inference": ID + "inference/",
    "explanation": ID + "explanation/",
    "document": ID + "document/",
    "source": ID + "source/",
    "etype": VOCAB + "event-type/",
    "role": VOCAB + "role/",
    "atype": VOCAB + "actor-type/",
    "issue": VOCAB + "issue/",
    "polarity": VOCAB + "polarity/",
    "precision": VOCAB + "time-precision/",
    "qualifier": VOCAB + "time-qualifier/",
    "certainty": VOCAB + "certainty/",
    "sem": SEM,
    "crm": CRM,
    "oa": OA,
    "prov": PROV,
    "time": TIME,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "schema": SDO,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
    "vann": VANN,
    "wd": WD,
    "spdx": SPDX,
    "sssom": SSSOM,
    "semapv": SEMAPV,
    "earl": EARL,
}

#: The prefixes of queries sent to Wikidata, whose schema.org is the http:// one.
WIKIDATA_PREFIXES: dict[str, str] = {
    "wd": WD,
    "wdt": WDT,
    "rdfs": RDFS,
    "skos": SKOS,
    "schema": WIKIDATA_SCHEMA,
    "owl": OWL,
}

#: Every known namespace with its prefix (the shapes' too), longest first: the most specific wins.
_BY_LENGTH = sorted({**PREFIXES, "palsovsh": SHAPES}.items(), key=lambda item: -len(item[1]))


def split_iri(iri: str) -> tuple[str, str] | None:
    """(prefix, local name) of an IRI in a known namespace, else None."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            return prefix, iri[len(namespace) :]
    return None


def prefix_declarations(prefixes: dict[str, str]) -> str:
    """PREFIX lines, for a query sent to another store (the embedded one takes `prefixes=`)."""
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in prefixes.items())
