"""Parsing RDF files for the embedded store (pyoxigraph) and, where a library needs one, rdflib.

Every parse error becomes an InputError naming the file, the line and the cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError
from .namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})") from None


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn whatever reading the file raises into an InputError naming the file, line and cause."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not an RDF file") from None
    except SyntaxError as error:
        raise InputError(_syntax_message(path, error)) from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def _parse(stream: BinaryIO, path: Path) -> Iterator[ox.Quad]:
    return ox.parse(stream, format=rdf_format(path), base_iri=path.resolve().as_uri())


def read_triples(path: Path) -> list[ox.Triple]:
    """All triples of one file, or an InputError naming the file, line and cause."""
    with _reading(path), path.open("rb") as stream:
        return [quad.triple for quad in _parse(stream, path)]


def ntriples_of(path: Path) -> bytes:
    """The file's triples as N-Triples lines, parsed and written by pyoxigraph without building a
    Python list (about twice as quick)."""
    with _reading(path), path.open("rb") as stream:
        return ox.serialize(_parse(stream, path), format=ox.RdfFormat.N_QUADS)  # default graph: N-Triples lines


def load_file(store: ox.Store, path: Path) -> None:
    """Load one file into the store's default graph: a dataset's (TriG, N-Quads) named graphs are
    merged into it, as they are for every other stage, which reads the triples of each file."""
    fmt = rdf_format(path)
    with _reading(path):
        if fmt.supports_datasets:
            with path.open("rb") as stream:
                store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in _parse(stream, path))
        else:
            store.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())


def _syntax_message(path: Path, error: SyntaxError) -> str:
    cause = error.msg
    # pyoxigraph prefixes its message with the position we report ourselves.
    if cause.startswith("Parser error") and ": " in cause:
        cause = cause.split(": ", 1)[1]
    where = f"line {error.lineno}" if error.lineno else "unknown line"
    if error.offset:
        where += f", column {error.offset}"
    return f"{path}: {where}: {cause}"


def to_rdflib(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib Graph of the given triples, with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    add = graph.add
    for triple in triples:
        add(
            (
                _rdflib_term(triple.subject),
                _rdflib_term(triple.predicate),
                _rdflib_term(triple.object),
            )
        )
    return graph


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart.
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
