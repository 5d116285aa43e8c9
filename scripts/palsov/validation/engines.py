"""Other SHACL engines behind one interface: the data's and the shapes' triples in, our Results out.

pySHACL is the reference (`palsov validate --engine pyshacl`); pyshacl-turbo and pyrudof, two
engines written in Rust, are test dependencies, run by the tests that prove our shapes portable.
Each engine's own validation report is read back as RDF, so that every engine's results are
compared term for term.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pyoxigraph as ox

from ..errors import ShapesError
from ..rdf.io import serialized
from ..rdf.terms import Term, to_rdflib
from ..rdf.vocab import RDF_TYPE, SH
from .report import Result
from .shapes import Graph, read_path

Owner = Callable[[Term], Term]


def results_of_report(triples: Iterable[ox.Triple], owner: Owner) -> list[Result]:
    """The results of a sh:ValidationReport (only the report's own, not nested sh:detail ones)."""
    graph = Graph(triples)
    results = []
    for report in graph.subjects(RDF_TYPE, SH("ValidationReport")):
        for node in graph.objects(report, SH("result")):
            path = graph.value(node, SH("resultPath"))
            shape = graph.one(node, SH("sourceShape"))
            results.append(
                Result(
                    focus=graph.one(node, SH("focusNode")),
                    source_shape=shape,
                    component=graph.one(node, SH("sourceConstraintComponent")),
                    shape=owner(shape),
                    severity=graph.one(node, SH("resultSeverity")),
                    path=read_path(graph, path) if path is not None else None,
                    value=graph.value(node, SH("value")),
                    messages=tuple(m for m in graph.objects(node, SH("resultMessage")) if isinstance(m, ox.Literal)),
                    source_constraint=graph.value(node, SH("sourceConstraint")),
                )
            )
    return results


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return serialized(triples, ox.RdfFormat.N_TRIPLES)


_PREPARED: dict[tuple[str, str | None, tuple[tuple[str, Any], ...]], Any] = {}


def forget_prepared_queries() -> None:
    """Start the next validation from cold (a benchmark measures pySHACL as one command runs it)."""
    _PREPARED.clear()


@contextmanager
def _prepared_queries() -> Iterator[None]:
    """rdflib parses a query's text on every call, and pySHACL calls the same SHACL-SPARQL query
    once per focus node, with other bindings: 80% of its time on our data. While pySHACL runs, each
    text is parsed and translated once and the prepared query reused, as rdflib's prepareQuery
    intends (a prepared query holds no data: it is kept for the next validation too)."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    prepared = _PREPARED

    def query(
        self: Any, text: Any, initBindings: Any = None, initNs: Any = None, base: Any = None, DEBUG: bool = False
    ) -> Any:
        if isinstance(text, str):
            key = (text, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                prepared[key] = processor.translateQuery(processor.parseQuery(text), base, initNs)
            text = prepared[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    setattr(processor.SPARQLProcessor, "query", query)  # noqa: B010 (mypy refuses assigning to a method)
    try:
        yield
    finally:
        setattr(processor.SPARQLProcessor, "query", original)  # noqa: B010


def _rdflib_report(module: ModuleType, data: list[ox.Triple], shapes: list[ox.Triple], owner: Owner) -> list[Result]:
    try:
        _, report, text = module.validate(
            to_rdflib(data), shacl_graph=to_rdflib(shapes), inference="none", allow_infos=True, allow_warnings=True
        )
    except Exception as error:  # each engine has its own errors for a shapes graph it refuses
        raise ShapesError(f"{module.__name__} refuses the shapes graph: {error}") from None
    if not hasattr(report, "serialize"):  # a ValidationFailure, returned rather than raised
        raise ShapesError(f"{module.__name__} refuses the shapes graph: {text}")
    return results_of_report(
        ox.parse(report.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES), owner
    )


def pyshacl_results(data: list[ox.Triple], shapes: list[ox.Triple], owner: Owner) -> list[Result]:
    import pyshacl  # imported here: slow to import, and only this engine needs it

    with _prepared_queries():
        return _rdflib_report(pyshacl, data, shapes, owner)


def pyshacl_turbo_results(data: list[ox.Triple], shapes: list[ox.Triple], owner: Owner) -> list[Result]:
    import pyshacl_turbo

    return _rdflib_report(pyshacl_turbo, data, shapes, owner)


def pyrudof_results(data: list[ox.Triple], shapes: list[ox.Triple], owner: Owner) -> list[Result]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    try:
        rudof.read_data(_ntriples(data).decode("utf-8"), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(_ntriples(shapes).decode("utf-8"), format=pyrudof.ShaclFormat.NTriples)
        rudof.validate_shacl()
        report = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
    except Exception as error:
        raise ShapesError(f"pyrudof refuses the shapes graph: {error}") from None
    return results_of_report(ox.parse(report.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES), owner)


ENGINES: dict[str, Callable[[list[ox.Triple], list[ox.Triple], Owner], list[Result]]] = {
    "pyshacl": pyshacl_results,
    "pyshacl-turbo": pyshacl_turbo_results,
    "pyrudof": pyrudof_results,
}
