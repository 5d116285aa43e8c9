"""RDF terms, once: their types, how people read them, and every conversion palsov needs.

pyoxigraph's terms are palsov's terms. They write themselves in N-Triples (and so in SPARQL, Turtle
and TSV) with `str(term)`, escaped by pyoxigraph: no text is ever pasted into a query or a file by
hand. What pyoxigraph does not do is here: rdflib's terms (for pyLODE and pySHACL), SPARQL 1.1
results JSON terms (for the validation report; query results are read and written by pyoxigraph
itself), short names for people, and whether a typed literal is well formed.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .vocab import PREFIXES, XSD, XSD_BOOLEAN, XSD_STRING, split_iri

if TYPE_CHECKING:
    import rdflib

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode
#: A term as the SPARQL 1.1 results JSON format writes it: {"type": "uri", "value": "…"} …
JsonTerm = dict[str, str]


def nodes(triple: ox.Triple) -> tuple[Subject, ox.NamedNode, Term]:
    """A triple's three terms; a ValueError for an RDF-star triple term, which palsov never reads."""
    subject, obj = triple.subject, triple.object
    if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
        raise ValueError(f"an RDF-star triple term, which palsov does not read: {triple}")
    return subject, triple.predicate, obj


def subject_of(triple: ox.Triple) -> Subject:
    return nodes(triple)[0]


def object_of(triple: ox.Triple) -> Term:
    return nodes(triple)[2]


def short(term: Term) -> str:
    """A compact name for a term: prefix:name for IRIs in a known namespace, else N-Triples."""
    if isinstance(term, ox.NamedNode):
        split = split_iri(term.value)
        return f"{split[0]}:{split[1]}" if split else f"<{term.value}>"
    return str(term)


def display(term: Term) -> str:
    """A term as the text report shows a value: short names, a plain string without quotes."""
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        if term.datatype != XSD_STRING:
            return f'"{term.value}"^^{short(term.datatype)}'
        return term.value
    return short(term)


def plain(term: Term) -> str:
    """A term as a message names it: a literal by its value, an IRI by its short name."""
    return term.value if isinstance(term, ox.Literal) else short(term)


def json_term(term: Term | None) -> JsonTerm | None:
    """The term as SPARQL 1.1 results JSON writes it (a simple literal has no datatype)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    if term.datatype == XSD_STRING:
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def kind(term: Term) -> str:
    """The term's kind as SPARQL results name it: uri, bnode or literal."""
    return "uri" if isinstance(term, ox.NamedNode) else "bnode" if isinstance(term, ox.BlankNode) else "literal"


#: Datatypes whose lexical forms the embedded store checks when it casts a string to them.
CASTABLE = frozenset(
    XSD(name)
    for name in (
        "boolean",
        "integer",
        "decimal",
        "float",
        "double",
        "date",
        "dateTime",
        "time",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
    )
)
_TRUE = ox.Literal("true", datatype=XSD_BOOLEAN)


@cache
def well_formed(literal: ox.Literal) -> bool:
    """Whether a literal's lexical form is one of its datatype's (for the datatypes the store can
    cast to; any other literal is taken as it is)."""
    if literal.datatype not in CASTABLE:
        return True
    query = f"SELECT ?v (isLiteral(<{literal.datatype.value}>(STR(?v))) AS ?ok) WHERE {{}}"
    solutions = ox.Store().query(query, substitutions={ox.Variable("v"): literal})
    assert isinstance(solutions, ox.QuerySolutions)
    ok: bool = next(iter(solutions))["ok"] == _TRUE
    return ok


def to_rdflib(triples: Iterable[ox.Triple | ox.Quad]) -> rdflib.Graph:
    """An rdflib Graph of the given triples, with the project's prefixes bound (for the libraries
    that need rdflib: pyLODE, pySHACL)."""
    from rdflib import Graph  # imported when asked for: slow to import, and most commands never need it

    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    add = graph.add
    for triple in triples:
        add((_rdflib_node(triple.subject), _rdflib_node(triple.predicate), _rdflib_node(triple.object)))
    return graph


def _rdflib_node(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Node:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Triple):
        raise TypeError(f"rdflib has no RDF-star triple terms: {term}")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype == XSD_STRING:
        # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart.
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
