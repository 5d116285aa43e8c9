"""`palsov validate`: the data against the SHACL shapes, the source text and the integrity queries.

pySHACL checks the core constraints. The SHACL-SPARQL constraints of the same shapes are run by
this module on the embedded store, one query per constraint with the shape's targets joined in,
instead of one rdflib query per focus node: on the real data that is the difference between
about 20 s and well under a second (see the README's performance notes). The results are the
ones the SHACL semantics defines, reported in the same form.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDFS, SH, SKOS
from rdflib.term import Node

from .edtfcheck import edtf_results
from .errors import InputError
from .graph import KnowledgeGraph
from .namespaces import SHAPES
from .parse import read_triples, to_rdflib
from .project import Project
from .queries import SavedQuery, saved_queries
from .report import Report, Result, short_name
from .shacl import CoreConstraint, compile_shapes, targets

SOURCE_FILE_CHECK = str(SHAPES) + "SourceFileCheck"
SOURCE_IRI = "https://w3id.org/palsov/id/source/article"
_SPDX = "http://spdx.org/rdf/terms#"
_SCHEMA_TEXT = "https://schema.org/text"


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    node: str  # the constraint's node in the shapes graph (an IRI, or a blank node's id)
    constraint: str
    query: str
    message: str
    severity: str


@dataclass
class Shapes:
    """The shapes graph: its core constraints (compiled to SPARQL, or for pySHACL) and its
    SHACL-SPARQL constraints."""

    graph: Graph
    core: Graph
    sparql: list[SparqlConstraint]

    @cached_property
    def compiled(self) -> list[CoreConstraint]:
        return compile_shapes(self.graph)

    @classmethod
    def read(cls, paths: Iterable[Path]) -> Shapes:
        graph = to_rdflib(t for path in paths for t in read_triples(path))
        core = Graph()
        for triple in graph:
            if triple[1] != SH.sparql:
                core.add(triple)
        return cls(graph=graph, core=core, sparql=list(_sparql_constraints(graph)))

    def owner(self, shape: Node) -> str:
        """The named shape a (possibly blank) property shape belongs to."""
        if isinstance(shape, URIRef):
            parent = self.graph.value(predicate=SH.property, object=shape)
            return str(parent) if isinstance(parent, URIRef) else str(shape)
        parent = self.graph.value(predicate=SH.property, object=shape)
        return self.owner(parent) if parent is not None else str(shape)


def _sparql_constraints(graph: Graph) -> Iterable[SparqlConstraint]:
    for shape, constraint in graph.subject_objects(SH.sparql):
        select = str(graph.value(constraint, SH.select))
        prefixes = "".join(
            f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
            for holder in graph.objects(constraint, SH.prefixes)
            for d in graph.objects(holder, SH.declare)
        )
        severity = graph.value(constraint, SH.severity) or graph.value(shape, SH.severity) or SH.Violation
        where = targets(graph, shape)
        inner = select.replace("$this", "?this")
        query = f"{prefixes}SELECT * WHERE {{\n  {where}\n  {{ {inner} }}\n}}"
        yield SparqlConstraint(
            shape=str(shape),
            node=str(constraint),
            constraint=str(constraint) if isinstance(constraint, URIRef) else str(SH.SPARQLConstraintComponent),
            query=query,
            message=str(graph.value(constraint, SH.message) or graph.value(shape, SH.message) or ""),
            severity=str(severity).rsplit("#", 1)[1],
        )


# ---------------------------------------------------------------------- running the checks


def validate(
    kg: KnowledgeGraph,
    shapes: Shapes,
    source_file: Path | None = None,
    integrity_queries: Iterable[SavedQuery] = (),
    engine: str = "sparql",
) -> Report:
    """Validate with the core constraints run as SPARQL on the embedded store (fast, and linear in
    the data) or by pySHACL over rdflib (the reference implementation); the rest is the same."""
    labels = _Labels(kg.store)
    core = _compiled_results(kg.store, shapes, labels) if engine == "sparql" else _core_results(kg, shapes, labels)
    results = [
        *core,
        *_sparql_results(kg.store, shapes, labels),
        *_source_file_results(kg.store, source_file),
        *_integrity_results(kg.store, integrity_queries, labels),
        *edtf_results(kg.store, labels.get),
    ]
    return Report(results)


def validate_project(
    project: Project, data_files: list[Path] | None = None, kg: KnowledgeGraph | None = None, engine: str = "sparql"
) -> Report:
    """The project's data (or the given files, with the ontology) against its shapes and checks."""
    kg = kg if kg is not None else KnowledgeGraph.read(project, data_files)
    return validate(
        kg,
        Shapes.read(project.shape_files()),
        source_file=project.source_text if data_files is None else None,
        integrity_queries=[q for q in saved_queries(project.queries_dir) if q.is_violation_check],
        engine=engine,
    )


def _core_results(kg: KnowledgeGraph, shapes: Shapes, labels: _Labels) -> Iterable[Result]:
    import pyshacl  # imported here: only the reference engine needs it, and it is slow to import

    # The ontology and the vocabularies are part of the data graph: value checks such as
    # "the polarity is a concept of its scheme" read the schemes' triples.
    _, report, _ = pyshacl.validate(
        kg.merged, shacl_graph=shapes.core, inference="none", allow_infos=True, allow_warnings=True
    )
    # Only the report's own results: pyshacl also types the nested sh:detail results of sh:node.
    for node in report.objects(None, SH.result):
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        message = report.value(node, SH.resultMessage)
        yield Result(
            shape=shapes.owner(report.value(node, SH.sourceShape)),
            focus=str(focus),
            focus_label=labels.get(str(focus)),
            severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[1],
            message=str(message) if message is not None else "",
            path=_path_text(report, path),
            value=_value_text(value),
            component=str(report.value(node, SH.sourceConstraintComponent)),
            source=str(report.value(node, SH.sourceShape)),
        )


def _compiled_results(store: ox.Store, shapes: Shapes, labels: _Labels) -> Iterable[Result]:
    for constraint in shapes.compiled:
        solutions = store.query(constraint.query)
        has_value = any(v.value == "value" for v in solutions.variables)
        for solution in solutions:
            focus = solution["this"].value
            value = solution["value"] if has_value else None
            yield Result(
                shape=constraint.shape,
                focus=focus,
                focus_label=labels.get(focus),
                severity=constraint.severity,
                message=constraint.message,
                path=constraint.path,
                value=None if value is None or isinstance(value, ox.BlankNode) else _ox_text(value),
                component=constraint.component,
                source=constraint.node,
            )


def _sparql_results(store: ox.Store, shapes: Shapes, labels: _Labels) -> Iterable[Result]:
    for constraint in shapes.sparql:
        try:
            solutions = store.query(constraint.query)
        except SyntaxError as error:
            cause = error.msg.splitlines()[0]
            raise InputError(f"{constraint.shape}: its SPARQL constraint does not parse ({cause})") from None
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            bindings = {name: solution[name] for name in names if solution[name] is not None}
            focus = bindings["this"].value
            yield Result(
                shape=constraint.shape,
                focus=focus,
                focus_label=labels.get(focus),
                severity=constraint.severity,
                message=_fill(constraint.message, bindings),
                path=bindings["path"].value if "path" in bindings else None,
                value=_ox_text(bindings["value"]) if "value" in bindings else None,
                component=constraint.constraint,
                source=constraint.node,
            )


def _fill(template: str, bindings: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    def replace(match: re.Match[str]) -> str:
        term = bindings.get(match.group(1))
        return _ox_text(term) if term is not None else match.group(0)

    return re.sub(r"\{[?$](\w+)\}", replace, template.replace("{$this}", "{?this}"))


def _ox_text(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    return short_name(term.value) if isinstance(term, ox.NamedNode) else term.value


def _path_text(graph: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{inverse}"
    items = list(graph.items(path))
    return " / ".join(str(i) for i in items) if items else str(path)


def _value_text(value: Node | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, URIRef):
        return short_name(str(value))
    if isinstance(value, BNode):
        return None
    return str(value)


def _source_file_results(store: ox.Store, source_file: Path | None) -> Iterable[Result]:
    """The source text in the graph must be the file the project keeps, character for character."""
    if source_file is None:
        return
    source = ox.NamedNode(SOURCE_IRI)
    text = source_file.read_text(encoding="utf-8")

    def fail(message: str, value: str | None = None) -> Result:
        return Result(
            shape=SOURCE_FILE_CHECK,
            focus=SOURCE_IRI,
            message=message,
            value=value,
            component=SOURCE_FILE_CHECK,
            focus_label="the source article",
        )

    in_graph = [q.object.value for q in store.quads_for_pattern(source, ox.NamedNode(_SCHEMA_TEXT), None)]
    if in_graph != [text]:
        yield fail(f"The text of the source in the graph (schema:text) differs from {source_file}.")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    recorded = [
        q.object.value
        for checksum in store.quads_for_pattern(source, ox.NamedNode(_SPDX + "checksum"), None)
        for q in store.quads_for_pattern(checksum.object, ox.NamedNode(_SPDX + "checksumValue"), None)
    ]
    if recorded != [digest]:
        yield fail(
            f"The SHA-256 recorded for the source does not match {source_file} ({digest}).",
            value=", ".join(recorded) or None,
        )


def _integrity_results(store: ox.Store, queries: Iterable[SavedQuery], labels: _Labels) -> Iterable[Result]:
    for query in queries:
        solutions = store.query(query.text)
        names = {variable.value for variable in solutions.variables}
        for solution in solutions:
            focus = solution["focus"]
            message = solution["message"] if "message" in names else None
            yield Result(
                shape=query.iri,
                focus=focus.value if focus is not None else "",
                focus_label=labels.get(focus.value) if focus is not None else None,
                message=message.value if message is not None else query.summary,
                component=query.iri,
            )


class _Labels:
    """English labels of focus nodes, looked up once each."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._cache: dict[str, str | None] = {}

    def get(self, iri: str) -> str | None:
        if iri not in self._cache:
            self._cache[iri] = self._lookup(iri)
        return self._cache[iri]

    def _lookup(self, iri: str) -> str | None:
        if not iri.startswith(("http://", "https://")):
            return None
        node = ox.NamedNode(iri)
        for predicate in (RDFS.label, SKOS.prefLabel):
            for quad in self._store.quads_for_pattern(node, ox.NamedNode(str(predicate)), None):
                return quad.object.value
        return None
