"""The shapes graph as SHACL reads it: pyoxigraph terms, indexed, with SHACL property paths (§2.3.1).

Small and immutable like the terms themselves: the compiler asks for a node's values, a list's
members and a path's structure, and nothing here needs rdflib.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import ShapesError
from ..rdf.terms import Term, nodes, short, subject_of
from ..rdf.vocab import RDF_FIRST, RDF_NIL, RDF_REST, SH


def _order(term: Term) -> str:
    return str(term)


class Graph:
    """The triples of a graph, indexed by subject and predicate and by predicate and object."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = sorted(set(triples), key=str)
        self._objects: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
        self._subjects: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
        self._by_predicate: dict[Term, list[ox.Triple]] = defaultdict(list)
        self._predicates: dict[Term, list[ox.NamedNode]] = defaultdict(list)
        for t in self.triples:
            subject, predicate, obj = nodes(t)
            self._objects[(subject, predicate)].append(obj)
            self._subjects[(predicate, obj)].append(subject)
            self._by_predicate[predicate].append(t)
            if predicate not in self._predicates[subject]:
                self._predicates[subject].append(predicate)

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return self._objects.get((subject, predicate), [])

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def one(self, subject: Term, predicate: ox.NamedNode) -> Term:
        """The value a node must have: a ValueError naming what is missing."""
        found = self.value(subject, predicate)
        if found is None:
            raise ValueError(f"{subject} has no {short(predicate)}")
        return found

    def subjects(self, predicate: ox.NamedNode, obj: Term | None = None) -> list[Term]:
        if obj is None:
            return sorted({subject_of(t) for t in self._by_predicate.get(predicate, [])}, key=_order)
        return self._subjects.get((predicate, obj), [])

    def with_predicate(self, predicate: ox.NamedNode) -> list[ox.Triple]:
        return self._by_predicate.get(predicate, [])

    def predicates(self, subject: Term) -> list[ox.NamedNode]:
        return self._predicates.get(subject, [])

    def items(self, head: Term) -> list[Term]:
        """The members of an RDF list, or ValueError if the node is not a well-formed list."""
        members: list[Term] = []
        seen = set()
        node = head
        while node != RDF_NIL:
            first, rest = self.objects(node, RDF_FIRST), self.objects(node, RDF_REST)
            if node in seen or len(first) != 1 or len(rest) != 1 or (members and isinstance(node, ox.NamedNode)):
                raise ValueError(f"{node} is not a well-formed RDF list")
            seen.add(node)
            members.append(first[0])
            node = rest[0]
        return members

    def is_list(self, node: Term) -> bool:
        try:
            self.items(node)
        except ValueError:
            return False
        return True


def describe(graph: Graph, node: Term, path_text: str | None = None) -> str:
    """A node as a person can find it in a shapes graph: a blank property shape by its path and the
    shape holding it, e.g. [sh:path ex:name] of ex:PersonShape."""
    if not isinstance(node, ox.BlankNode):
        return short(node)
    path = graph.value(node, SH("path"))
    parents = graph.subjects(SH("property"), node)
    if path is None:
        return f"[a blank node] of {describe(graph, parents[0])}" if parents else short(node)
    shown = path_text or (short(path) if not isinstance(path, ox.BlankNode) else "(a complex path)")
    return f"[sh:path {shown}]" + (f" of {describe(graph, parents[0])}" if parents else "")


# ------------------------------------------------------------------------------------ paths


@dataclass(frozen=True)
class Path:
    """A SHACL property path (§2.3.1): the SPARQL property path it stands for, and its RDF form."""

    def sparql(self) -> str:
        raise NotImplementedError

    def text(self) -> str:
        """The path as people read it: SPARQL syntax with prefixed names."""
        raise NotImplementedError


@dataclass(frozen=True)
class PredicatePath(Path):
    iri: ox.NamedNode

    def sparql(self) -> str:
        return str(self.iri)

    def text(self) -> str:
        return short(self.iri)


@dataclass(frozen=True)
class InversePath(Path):
    path: Path

    def sparql(self) -> str:
        return f"^({self.path.sparql()})"

    def text(self) -> str:
        return f"^{_group(self.path)}"


@dataclass(frozen=True)
class SequencePath(Path):
    members: tuple[Path, ...]

    def sparql(self) -> str:
        return "(" + "/".join(m.sparql() for m in self.members) + ")"

    def text(self) -> str:
        return " / ".join(_group(m) for m in self.members)


@dataclass(frozen=True)
class AlternativePath(Path):
    members: tuple[Path, ...]

    def sparql(self) -> str:
        return "(" + "|".join(m.sparql() for m in self.members) + ")"

    def text(self) -> str:
        return " | ".join(_group(m) for m in self.members)


@dataclass(frozen=True)
class RepeatedPath(Path):
    """sh:zeroOrMorePath (*), sh:oneOrMorePath (+) or sh:zeroOrOnePath (?)."""

    path: Path
    modifier: str

    def sparql(self) -> str:
        return f"({self.path.sparql()}){self.modifier}"

    def text(self) -> str:
        return f"{_group(self.path)}{self.modifier}"


def _group(path: Path) -> str:
    return path.text() if isinstance(path, PredicatePath | InversePath | RepeatedPath) else f"({path.text()})"


_REPEATS = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}
_PATH_PREDICATES = {SH(name) for name in ("inversePath", "alternativePath", *_REPEATS)}


def read_path(graph: Graph, node: Term, _seen: frozenset[Term] = frozenset()) -> Path:
    """The path a shapes-graph node stands for, or a ShapesError saying why it is not one (§2.3.1)."""
    if isinstance(node, ox.Literal):
        raise ShapesError(f"the path {node} is a literal; a SHACL path is an IRI or a blank node (SHACL §2.3.1)")
    if isinstance(node, ox.NamedNode):
        if node == RDF_NIL:
            raise ShapesError("the path is an empty list; a sequence path has at least two members (SHACL §2.3.1.2)")
        return PredicatePath(node)
    if node in _seen:
        raise ShapesError(f"the path {node} contains itself (SHACL §2.3.1)")
    seen = _seen | {node}
    if graph.objects(node, RDF_FIRST):
        try:
            members = graph.items(node)
        except ValueError as error:
            raise ShapesError(f"the sequence path {node}: {error} (SHACL §2.3.1.2)") from None
        if len(members) < 2:
            raise ShapesError(f"the sequence path {node} has fewer than two members (SHACL §2.3.1.2)")
        return SequencePath(tuple(read_path(graph, m, seen) for m in members))
    kinds = [p for p in graph.predicates(node) if p in _PATH_PREDICATES]
    if len(kinds) != 1 or len(graph.objects(node, kinds[0])) != 1:
        raise ShapesError(f"the blank node {node} is not a SHACL path: it needs exactly one path triple (SHACL §2.3.1)")
    kind = kinds[0]
    (argument,) = graph.objects(node, kind)
    name = kind.value.removeprefix(SH)
    if name == "inversePath":
        return InversePath(read_path(graph, argument, seen))
    if name == "alternativePath":
        try:
            members = graph.items(argument)
        except ValueError as error:
            raise ShapesError(f"the alternative path {node}: {error} (SHACL §2.3.1.3)") from None
        if len(members) < 2:
            raise ShapesError(f"the alternative path {node} has fewer than two members (SHACL §2.3.1.3)")
        return AlternativePath(tuple(read_path(graph, m, seen) for m in members))
    return RepeatedPath(read_path(graph, argument, seen), _REPEATS[name])


def path_triples(path: Path, fresh: Iterable[ox.BlankNode]) -> tuple[Term, list[ox.Triple]]:
    """The node standing for a path and the triples describing it, as SHACL writes paths (§2.3.1)."""
    blanks = iter(fresh)
    triples: list[ox.Triple] = []

    def write(p: Path) -> Term:
        if isinstance(p, PredicatePath):
            return p.iri
        node = next(blanks)
        if isinstance(p, InversePath):
            triples.append(ox.Triple(node, SH("inversePath"), write(p.path)))
        elif isinstance(p, RepeatedPath):
            name = {v: k for k, v in _REPEATS.items()}[p.modifier]
            triples.append(ox.Triple(node, SH(name), write(p.path)))
        elif isinstance(p, SequencePath | AlternativePath):
            members = [write(m) for m in p.members]
            head = node if isinstance(p, SequencePath) else next(blanks)
            if isinstance(p, AlternativePath):
                triples.append(ox.Triple(node, SH("alternativePath"), head))
            cell: ox.NamedNode | ox.BlankNode = head
            for index, member in enumerate(members):
                triples.append(ox.Triple(cell, RDF_FIRST, member))
                rest = RDF_NIL if index == len(members) - 1 else next(blanks)
                triples.append(ox.Triple(cell, RDF_REST, rest))
                cell = rest
        else:
            raise TypeError(f"not a SHACL path: {p}")
        return node

    return write(path), triples
