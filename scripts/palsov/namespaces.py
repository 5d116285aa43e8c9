"""The namespaces of the project and of the vocabularies it reuses, in one place."""

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
)

BASE = "https://w3id.org/palsov/"
PALSOV = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: Prefixes bound in every graph the project writes, so exports read the same everywhere.
PREFIXES: dict[str, str] = {
    "palsov": str(PALSOV),
    "actor": BASE + "id/actor/",
    "event": BASE + "id/event/",
    "stance": BASE + "id/stance/",
    "place": BASE + "id/place/",
    "period": BASE + "id/period/",
    "relation": BASE + "id/relation/",
    "mission": BASE + "id/mission/",
    "membership": BASE + "id/membership/",
    "evidence": BASE + "id/evidence/",
    "link": BASE + "id/link/",
    "inference": BASE + "id/inference/",
    "explanation": BASE + "id/explanation/",
    "document": BASE + "id/document/",
    "source": BASE + "id/source/",
    "etype": BASE + "vocab/event-type/",
    "role": BASE + "vocab/role/",
    "atype": BASE + "vocab/actor-type/",
    "issue": BASE + "vocab/issue/",
    "polarity": BASE + "vocab/polarity/",
    "precision": BASE + "vocab/time-precision/",
    "qualifier": BASE + "vocab/time-qualifier/",
    "certainty": BASE + "vocab/certainty/",
    "sem": str(SEM),
    "crm": str(CRM),
    "oa": str(OA),
    "prov": str(PROV),
    "time": str(TIME),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "schema": str(SDO),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "vann": str(VANN),
    "wd": str(WD),
    "spdx": str(SPDX),
}

SHAPES = Namespace(BASE + "shapes#")

#: Every known namespace with its prefix (the shapes' too), longest first: the most specific wins.
_BY_LENGTH = sorted({**PREFIXES, "palsovsh": str(SHAPES)}.items(), key=lambda item: -len(item[1]))


def split_iri(iri: str) -> tuple[str, str] | None:
    """(prefix, local name) of an IRI in a known namespace, else None."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            return prefix, iri[len(namespace) :]
    return None


#: PREFIX declarations of every project prefix, for the SPARQL the package writes itself.
SPARQL_PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())

__all__ = [
    "BASE",
    "CRM",
    "DCAT",
    "DCTERMS",
    "ID",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PALSOV",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SEM",
    "SH",
    "SHAPES",
    "SKOS",
    "SPARQL_PREFIXES",
    "SPDX",
    "TIME",
    "VANN",
    "VOCAB",
    "VOID",
    "WD",
    "XSD",
    "split_iri",
]
