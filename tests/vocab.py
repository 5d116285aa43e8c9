"""The package's namespaces as rdflib namespaces, for the tests that read the graph with rdflib:
the W3C's and schema.org's are rdflib's own (closed: an unknown term is an error), the others are
built from palsov.rdf.vocab, where every IRI of the package is named once."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, VOID, XSD

from palsov.rdf import vocab

BASE = str(vocab.BASE)
PREFIXES = vocab.PREFIXES
PALSOV = Namespace(vocab.PALSOV)
SEM = Namespace(vocab.SEM)
CRM = Namespace(vocab.CRM)
OA = Namespace(vocab.OA)
VANN = Namespace(vocab.VANN)
WD = Namespace(vocab.WD)
SPDX = Namespace(vocab.SPDX)

__all__ = [
    "BASE",
    "CRM",
    "DCAT",
    "DCTERMS",
    "OA",
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
    "SKOS",
    "SPDX",
    "TIME",
    "VANN",
    "VOID",
    "WD",
    "XSD",
]
