"""`palsov validate`: data against SHACL shapes, and the project's own checks of its data.

The shapes graph is checked when it is read: against the W3C's SHACL-for-SHACL shapes (SHACL
Appendix C, the copy pySHACL ships), and by the compiler, which refuses what is not well-formed
(ShapesError, exit 2) or not implemented (UnsupportedError, exit 3), naming the file, the shape and
the section of the spec. Every constraint then runs as one SPARQL query on the embedded store (see
shacl.py); `engine="pyshacl"` hands the same shapes to pySHACL instead, the reference the tests
compare against. The project adds two checks SHACL cannot express on its own: the source text in
the graph is the file the project keeps, and the integrity queries (`queries/*-violation.rq`)
match nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TypeGuard

import pyoxigraph as ox

from ..errors import DataError, PalsovError, ShapesError
from ..project import Project
from ..queries.saved import SavedQuery, saved_queries
from ..rdf.graph import KnowledgeGraph
from ..rdf.io import read_triples
from ..rdf.sparql import select
from ..rdf.terms import Term, nodes, object_of, plain, short, subject_of
from ..rdf.vocab import SH, SHAPES_GRAPH, XSD, XSD_STRING
from ..runtime import cache as kept
from ..runtime.cores import usable_cores
from ..runtime.progress import stage
from ..runtime.versions import PALSOV_VERSION
from .checks import Labels, edtf_results, integrity_results, source_file_results
from .components import CompiledConstraint, Compiler, Shape
from .report import Report, Result
from .shapes import Graph, PredicatePath, describe, path_triples, read_path


@dataclass
class Shapes:
    """A shapes graph: its triples, the file each node was read from, its compiled constraints."""

    triples: list[ox.Triple]
    files: dict[Term, Path] = field(default_factory=dict)
    cache_key: str | None = None  # where the compiled shapes are kept once made (`compiled_from`)

    @cached_property
    def graph(self) -> Graph:
        return Graph(self.triples)

    @cached_property
    def compiler(self) -> Compiler:
        return Compiler(self.graph, locate=lambda node: str(self.files.get(node, "")))

    @cached_property
    def compiled(self) -> list[CompiledConstraint]:
        """Every constraint as SPARQL, once the shapes graph has passed SHACL-for-SHACL."""
        self.check_well_formed()
        compiled = self.compiler.compile()
        if self.cache_key is not None:
            made = (self.triples, self.files, compiled, self.compiler.uses_shapes_graph)
            kept.store("shapes", self.cache_key, made)
        return compiled

    @cached_property
    def uses_shapes_graph(self) -> bool:
        """Whether a compiled query reads the shapes graph (then loaded beside the data)."""
        _ = self.compiled
        return self.compiler.uses_shapes_graph

    @classmethod
    def read(cls, paths: Iterable[Path]) -> Shapes:
        triples: list[ox.Triple] = []
        files: dict[Term, Path] = {}
        for path in paths:
            for triple in read_triples(path):
                triples.append(triple)
                files.setdefault(subject_of(triple), path)
        return cls(triples, files)

    @classmethod
    def compiled_from(cls, paths: Iterable[Path]) -> Shapes:
        """The shapes as `read(paths)` gives them, their constraints compiled (when first asked for)
        as before, or taken from the cache when they were made from the same inputs (`_made_of`):
        reading, checking and compiling take longer than validating the real data. The triples are
        kept with the compiled queries, so that the blank nodes of both are the same nodes."""
        paths = list(paths)
        key = _made_of(paths)
        found = kept.load("shapes", key)
        if found is not None:
            triples, files, compiled, uses_shapes_graph = found
            shapes = cls(triples, files)
            shapes.__dict__.update(compiled=compiled, uses_shapes_graph=uses_shapes_graph)
            return shapes
        return replace(cls.read(paths), cache_key=key)

    @cached_property
    def _shapes(self) -> dict[Term, Shape]:
        try:
            return {shape.node: shape for shape in self.compiler.read_all()}
        except PalsovError:
            return {}  # another engine may run what our compiler refuses; results keep their shapes

    def owner(self, shape: Term) -> Term:
        """The named shape a (possibly blank) shape belongs to."""
        known = self._shapes.get(shape)
        return known.owner if known is not None else shape

    def check_well_formed(self) -> None:
        """Validate the shapes graph against SHACL-for-SHACL: a result is a broken shape (exit 2)."""
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self._with_paths_as_read())
        results = list(run_compiled(store, shacl_for_shacl().compiled))
        if results:
            # The most specific first: a result on a shape's parameter (its path) over one on the
            # shape as a whole.
            first = sorted(results, key=lambda r: (r.path is None, str(r.focus)))[0]
            value = (
                f'"{first.value.value}"' if isinstance(first.value, ox.Literal) else plain(first.value or first.focus)
            )
            what = f"{first.path.text()} {value}" if first.path else "the shape"
            broken = short(first.shape) if isinstance(first.shape, ox.NamedNode) else "a shape"
            more = f" (and {len(results) - 1} more)" if len(results) > 1 else ""
            raise ShapesError(
                f"{self._file(first.focus)}shape {describe(self.graph, first.focus)} is not well-formed SHACL: "
                f"{what} breaks {broken} of SHACL-for-SHACL (SHACL Appendix C){more}"
            )

    def _with_paths_as_read(self) -> list[ox.Triple]:
        """The triples, each blank-node path written again as it is read (SHACL §2.3.1): a list
        that also carries sh:inversePath is the sequence path, as the W3C suite (path-strange-002)
        and every engine read it, and SHACL-for-SHACL then judges the rest of the shape."""
        path_nodes: set[Term] = set()
        written: list[ox.Triple] = []
        blanks = (ox.BlankNode() for _ in iter(int, 1))
        for t in self.graph.with_predicate(SH("path")):
            if isinstance(t.object, ox.BlankNode):
                try:
                    head, described = path_triples(read_path(self.graph, t.object), blanks)
                except ShapesError as error:
                    subject = subject_of(t)
                    raise ShapesError(f"{self._file(subject)}shape {short(subject)}: {error}") from None
                path_nodes |= self._reachable(t.object)
                written += [ox.Triple(t.subject, t.predicate, head), *described]
        kept = [
            t
            for t in self.triples
            if t.subject not in path_nodes and not (t.predicate == SH("path") and t.object in path_nodes)
        ]
        return kept + written

    def _reachable(self, node: Term) -> set[Term]:
        seen: set[Term] = set()
        todo = [node]
        while todo:
            current = todo.pop()
            if current in seen or not isinstance(current, ox.BlankNode):
                continue
            seen.add(current)
            todo += [o for p in self.graph.predicates(current) for o in self.graph.objects(current, p)]
        return seen

    def _file(self, node: Term) -> str:
        path = self.files.get(node)
        return f"{path}: " if path else ""


def _made_of(paths: list[Path]) -> str:
    """The SHA-256 of what checked, compiled shapes are made of: each shapes file (its path and
    bytes, in order), SHACL-for-SHACL, the code that reads, checks and compiles them (validation/
    and rdf/), and the versions of palsov, pyoxigraph and Python (whose terms and pickles they are)."""
    digest = hashlib.sha256(f"{PALSOV_VERSION} {ox.__version__} {sys.version}".encode())
    package = Path(__file__).resolve().parents[1]
    code = sorted([*(package / "validation").glob("*.py"), *(package / "rdf").glob("*.py")])
    for path in [*paths, _shacl_for_shacl_file(), *code]:
        try:
            content = path.read_bytes()
        except OSError:
            content = b"unreadable"  # read_triples says why, when the shapes are read
        digest.update(b"%d %s %d\0" % (len(str(path).encode()), str(path).encode(), len(content)))
        digest.update(content)
    return digest.hexdigest()


def _shacl_for_shacl_file() -> Path:
    spec = importlib.util.find_spec("pyshacl")
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0]) / "assets" / "shacl-shacl.ttl"


@cache
def shacl_for_shacl() -> Shapes:
    """The W3C's shapes of SHACL itself (SHACL Appendix C), from pySHACL's copy, without importing it."""
    shapes = Shapes.read([_shacl_for_shacl_file()])
    shapes.__dict__["compiled"] = shapes.compiler.compile()  # trusted: not checked against itself
    return shapes


# ---------------------------------------------------------------------- running the checks


def validate(
    kg: KnowledgeGraph,
    shapes: Shapes,
    source_file: Path | None = None,
    integrity_queries: Iterable[SavedQuery] = (),
    engine: str = "sparql",
) -> Report:
    """The data against the shapes (compiled to SPARQL on the embedded store, or by another engine),
    then the project's own checks.

    The queries run on every core: pyoxigraph lets go of the GIL while it evaluates one, so threads
    over the one store answer side by side. The report is the same, in the same order, as one
    thread's: the results are taken in the order the constraints and checks are listed."""
    labels = Labels(kg.store)
    store = kg.store
    if engine == "sparql":
        compiled = shapes.compiled
        if shapes.uses_shapes_graph:
            store.extend(ox.Quad(t.subject, t.predicate, t.object, SHAPES_GRAPH) for t in shapes.triples)
    with ThreadPoolExecutor(usable_cores(), thread_name_prefix="palsov-validate") as pool:
        checks: list[Callable[[], list[Result]]] = [
            lambda: list(integrity_results(store, integrity_queries)),
            lambda: list(edtf_results(store)),
        ]
        checked = [pool.submit(check) for check in checks]  # first: they run beside the constraints
        if engine != "sparql":
            from .engines import ENGINES

            shacl = ENGINES[engine](kg.all_triples(), shapes.triples, shapes.owner)
        else:
            shacl = _with_data_values(list(run_compiled(store, compiled, pool)), kg, shapes)
        results = [*shacl, *source_file_results(store, source_file), *(r for f in checked for r in f.result())]
    return Report([_labelled(r, labels) for r in results])


def validate_project(
    project: Project,
    data_files: list[Path] | None = None,
    kg: KnowledgeGraph | None = None,
    engine: str = "sparql",
    queries: list[SavedQuery] | None = None,
) -> Report:
    """The project's data (or the given files, with the ontology) against its shapes and checks;
    the graph and the saved queries are read here unless they have been already."""
    kg = kg if kg is not None else KnowledgeGraph.read(project, data_files)
    queries = queries if queries is not None else saved_queries(project.queries_dir)
    with stage("validating the data against the shapes and the checks"):
        return validate(
            kg,
            Shapes.compiled_from(project.shape_files()),
            source_file=project.source_text if data_files is None else None,
            integrity_queries=[q for q in queries if q.is_violation_check],
            engine=engine,
        )


def validate_files(shape_files: list[Path], data_files: list[Path], engine: str = "sparql") -> Report:
    """Any data against any shapes graph, as pySHACL's command line does: nothing of the project."""
    return validate(KnowledgeGraph(data_files=data_files), Shapes.compiled_from(shape_files), engine=engine)


# ---------------------------------------------------------------------- validate, then act


class NotConforming(DataError):
    """Data that failed validation, with its report, and what was therefore not done."""

    def __init__(self, report: Report, withheld: str) -> None:
        super().__init__(f"the data does not conform; {withheld}")
        self.report = report


def require_conforming(report: Report, withheld: str, strict: bool = False) -> None:
    """The one policy of every command that acts on validated data (build, serve, load, link
    accept): act only on data with no violation (and no warning, when strict); otherwise exit 1,
    the report on standard error and one line saying what was left undone."""
    if not report.passes(strict):
        raise NotConforming(report, withheld)


Solutions = tuple[set[str], list[ox.QuerySolution]]


def _solutions(store: ox.Store, item: CompiledConstraint) -> Solutions:
    """The constraint's query answered to the end (in a worker thread: see `validate`)."""
    constraint, shape = item.constraint, item.shape
    try:
        solutions = select(store, item.query, prefixes={})
        return {v.value for v in solutions.variables}, list(solutions)
    except SyntaxError as error:
        cause = error.msg.splitlines()[0]
        raise ShapesError(
            f"shape {shape.name}: {constraint.component.label}: its query does not parse ({cause})"
        ) from None
    except OSError as error:
        raise PalsovError(f"shape {shape.name}: {constraint.component.label}: {error}") from None


def run_compiled(
    store: ox.Store, compiled: Iterable[CompiledConstraint], pool: Executor | None = None
) -> Iterator[Result]:
    """The results of the compiled constraints, in their order; their queries run on the `pool`'s
    threads when one is given, all at once (an error is raised where one thread would raise it)."""
    items = list(compiled)
    answered = (pool.map if pool is not None else map)(lambda item: _solutions(store, item), items)
    for item, (names, solutions) in zip(items, answered, strict=True):
        constraint, shape = item.constraint, item.shape
        is_sparql = constraint.component.name == "SPARQL" or hasattr(constraint.component, "validators")
        messages = item.messages
        for solution in solutions:
            focus = solution["this"]
            if focus is None:
                continue
            value = solution["value"] if "value" in names else None
            if value is None and is_sparql and shape.path is None:
                value = focus
            path = shape.path
            bound_path = solution["path"] if "path" in names else None
            if isinstance(bound_path, ox.NamedNode):
                path = PredicatePath(bound_path)
            filled = messages
            if is_sparql or "lang" in names:
                bindings = {n: solution[n] for n in names if solution[n] is not None}
                filled = tuple(_fill(m, bindings, constraint.arguments) for m in messages)
            yield Result(
                focus=focus,
                source_shape=shape.node,
                component=constraint.component.iri,
                shape=shape.owner,
                severity=shape.severity,
                path=path,
                value=value,
                messages=filled,
                source_constraint=constraint.key if constraint.component.name == "SPARQL" else None,
            )


class _StoredForms:
    """The data's own form of the literals the store keeps by value ("2.0"^^xsd:decimal is stored
    as "2"), so that a result's focus node and sh:value are the terms of the data graph, as SHACL
    reports them: looked up among the objects of the focus node's predicate, and the shapes'
    literal sh:targetNode values."""

    def __init__(self, kg: KnowledgeGraph, shapes: Shapes) -> None:
        self._objects: dict[tuple[Term, Term], list[ox.Literal]] = {}
        for t in kg.all_triples():
            subject, predicate, obj = nodes(t)
            if _by_value(obj):
                self._objects.setdefault((subject, predicate), []).append(obj)
        targets = [t.object for t in shapes.graph.with_predicate(SH("targetNode")) if _by_value(t.object)]
        self._targets = {_stored_form(t): t for t in targets}

    def focus(self, stored: Term) -> Term:
        return self._targets.get(stored, stored)

    def value(self, result: Result) -> Term | None:
        if result.value == result.focus:
            return self.focus(result.value)
        if not (_by_value(result.value) and isinstance(result.path, PredicatePath)):
            return result.value
        candidates = [
            o for o in self._objects.get((result.focus, result.path.iri), []) if _stored_form(o) == result.value
        ]
        return candidates[0] if len(candidates) == 1 else result.value


def _by_value(term: object) -> TypeGuard[ox.Literal]:
    """A literal the store may keep in another form than it was written in."""
    return (
        isinstance(term, ox.Literal)
        and term.datatype.value.startswith(XSD)
        and term.datatype not in (XSD_STRING, XSD("anyURI"))
    )


def _stored_form(literal: ox.Literal) -> Term:
    store = ox.Store()
    store.add(ox.Quad(SHAPES_GRAPH, SHAPES_GRAPH, literal))
    return object_of(next(iter(store)).triple)


def _with_data_values(results: list[Result], kg: KnowledgeGraph, shapes: Shapes) -> list[Result]:
    if not any(_by_value(r.value) or _by_value(r.focus) for r in results):
        return results
    forms = _StoredForms(kg, shapes)
    return [replace(r, focus=forms.focus(r.focus), value=forms.value(r)) for r in results]


def _fill(template: ox.Literal, bindings: dict[str, Term], arguments: dict[str, Term]) -> ox.Literal:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        term = bindings.get(name)
        if term is None:
            term = next((v for k, v in arguments.items() if re.split(r"[#/]", k)[-1] == name), None)
        return plain(term) if term is not None else match.group(0)

    text = re.sub(r"\{[?$](\w+)\}", replace, template.value)
    return ox.Literal(text, language=template.language) if template.language else ox.Literal(text)


def _labelled(result: Result, labels: Labels) -> Result:
    label = labels.get(result.focus)
    if label is None:
        return result
    return replace(result, focus_label=label)


__all__ = [
    "NotConforming",
    "Shapes",
    "require_conforming",
    "run_compiled",
    "validate",
    "validate_files",
    "validate_project",
]
