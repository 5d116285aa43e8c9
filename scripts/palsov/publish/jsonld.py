"""JSON-LD: the project's versioned context, and JSON-LD written straight from triples.

`Compactor` compacts one node at a time with the project's context; `write_compacted` writes the
whole graph with it in one pass, what a JSON-LD processor's compaction gives in a tenth of the time
(pyld's RDF conversion and compaction grow to minutes at a million triples). The tests expand the
output with pyld (as JSON-LD 1.1 and as 1.0) and compare the graph.

The context is published at its own IRI (`rdf.vocab.CONTEXT`, written to dist/ as `CONTEXT_FILE`)
for documents that reference it; the dumps carry the same object inline, so that they read offline
and no processor fetches anything to read them. It declares no `@version`: it uses no JSON-LD 1.1
feature, and a 1.0 processor refuses a context that declares 1.1.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from functools import cache
from operator import attrgetter
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.io import read_text
from ..rdf.vocab import BASE, CONTEXT, RDF_TYPE, XSD_STRING

_RDF_TYPE = RDF_TYPE.value
_XSD_STRING = XSD_STRING.value
CONTEXT_VERSION = "0.1.0"
#: The context's file in dist/: its IRI's path under the base, so that a copy of dist/ published at
#: the base serves it at its IRI.
CONTEXT_FILE = CONTEXT.value.removeprefix(BASE)
#: The same context under its version, a download that never changes.
VERSIONED_CONTEXT_FILE = f"palsov-context-{CONTEXT_VERSION}.jsonld"


def context_path(ontology_dir: Path) -> Path:
    return ontology_dir / "context" / f"palsov-{CONTEXT_VERSION}.jsonld"


@cache
def load_context(path: Path) -> dict:
    """The context of a context document, checked for what the compaction relies on: one line
    naming the file and the term otherwise."""
    if not path.exists():
        raise InputError(f"{path}: the JSON-LD context is missing")
    try:
        document = json.loads(read_text(path, "the JSON-LD context"))
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: line {error.lineno}: not JSON ({error.msg})") from None
    context = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(context, dict):
        raise InputError(f'{path}: not a JSON-LD context document (an object with an "@context" object)')
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        if isinstance(definition, dict):
            keys = ("@id", "@type", "@language", "@container", "@reverse")
            wrong = [k for k in keys if k in definition and not isinstance(definition[k], str)]
            if ("@id" not in definition and "@reverse" not in definition) or wrong:
                cause = f"{wrong[0]} is not a string" if wrong else "it has no @id"
                raise InputError(f"{path}: the term definition of {term!r} is malformed ({cause})")
        elif not isinstance(definition, str):
            kind = type(definition).__name__
            raise InputError(f"{path}: the term {term!r} maps to a {kind}, not an IRI or a term definition")
    return context


def _node_id(node: object) -> str:
    if isinstance(node, ox.NamedNode):
        return node.value
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    raise TypeError(f"not a node of the graph: {node}")


def dumps(document: dict | list) -> bytes:
    """JSON with "@context", "id" and "type" first, every other key sorted: stable, readable."""
    return (json.dumps(_ordered(document), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_FIRST = ("@context", "id", "@id", "type", "@type")


def _ordered(value: object) -> object:
    if isinstance(value, dict):
        keys = [k for k in _FIRST if k in value] + sorted(k for k in value if k not in _FIRST)
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


_ID_TYPES = ("@id", "@vocab")


class Compactor:
    """Compaction with the project's context: term names for the predicates it defines (with their
    type or language coercion), compact IRIs with its prefixes for everything else, and the
    context's aliases "id" and "type" for @id and @type, as a JSON-LD processor writes them."""

    def __init__(self, context: dict) -> None:
        prefixes = [
            (name, value)
            for name, value in context.items()
            if isinstance(value, str) and not name.startswith("@") and value.endswith(("/", "#", ":"))
        ]
        self.by_prefix = dict(prefixes)
        self.namespaces: dict[str, str] = {}  # of two prefixes for one namespace, the first declared
        for name, namespace in prefixes:
            self.namespaces.setdefault(namespace, name)
        self._memo: dict[str, str] = {}
        self.class_terms: dict[str, str] = {}
        self.terms: dict[tuple[str, str], str] = {}  # (predicate IRI, value kind) -> term
        for name, definition in context.items():
            if name.startswith("@") or name in ("id", "type"):
                continue
            if isinstance(definition, str):
                iri = self.expand(definition)
                if not definition.endswith(("/", "#")):
                    # A simple term: a class name for "type", or a property with plain string values.
                    self.class_terms.setdefault(iri, name)
                    self.terms.setdefault((iri, _XSD_STRING), name)
                continue
            if "@reverse" in definition or "@container" in definition:
                continue
            iri = self.expand(definition["@id"])
            if "@language" in definition:
                kind = "@language:" + definition["@language"]
            elif definition.get("@type") in _ID_TYPES:
                kind = "@id"
            elif "@type" in definition:
                kind = self.expand(definition["@type"])
            else:
                kind = _XSD_STRING
            self.terms.setdefault((iri, kind), name)

    def expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        namespace = self.by_prefix.get(prefix)
        return value if namespace is None else namespace + local

    def iri(self, value: str) -> str:
        found = self._memo.get(value)
        if found is None:
            found = self._memo[value] = self._compact_iri(value)
        return found

    def _compact_iri(self, value: str) -> str:
        """The longest namespace the IRI starts with, tried at each "/", "#" or ":" from the right."""
        end = len(value)
        while end > 0:
            cut = max(value.rfind("/", 0, end), value.rfind("#", 0, end), value.rfind(":", 0, end)) + 1
            if cut == 0:
                break
            name = self.namespaces.get(value[:cut])
            if name is not None and cut < len(value) and not value.startswith("//", cut):
                return f"{name}:{value[cut:]}"
            end = cut - 1
        return value

    def node(self, subject: str, statements: list[ox.Triple | ox.Quad]) -> dict:
        node: dict = {"id": subject}
        groups: dict[str, list] = {}
        terms = self.terms
        for statement in statements:
            obj = statement.object
            predicate = statement.predicate.value
            value: str | dict[str, str]
            if isinstance(obj, ox.Literal):
                language = obj.language
                kind = "@language:" + language if language else obj.datatype.value
                term = terms.get((predicate, kind))
                if term is not None:
                    value = obj.value
                else:
                    term = self.iri(predicate)
                    if language:
                        value = {"@value": obj.value, "@language": language}
                    elif kind == _XSD_STRING:
                        value = obj.value
                    else:
                        value = {"@value": obj.value, "type": self.iri(kind)}
            elif predicate == _RDF_TYPE:
                term = "type"
                node_id = _node_id(obj)
                value = self.class_terms.get(node_id) or self.iri(node_id)
            else:
                term = terms.get((predicate, "@id"))
                value = self.iri(_node_id(obj))
                if term is None:
                    term = self.iri(predicate)
                    value = {"id": value}
            found = groups.get(term)
            if found is None:
                groups[term] = [value]
            else:
                found.append(value)
        if "type" in groups:  # first, then the other keys in order
            found = groups.pop("type")
            node["type"] = found[0] if len(found) == 1 else sorted(found)
        for key in sorted(groups):
            found = groups[key]
            node[key] = found[0] if len(found) == 1 else sorted(found, key=_sort_key)
        return node


def _sort_key(value: str | dict) -> tuple[str, ...]:
    """Values of one key in a stable order: plain strings by text, value objects by their members."""
    return (value,) if isinstance(value, str) else tuple(f"{k}={v}" for k, v in sorted(value.items()))


def write_compacted(sorted_statements: Iterable[ox.Triple | ox.Quad], context: dict) -> bytes:
    """The compacted document written node by node from statements sorted by subject, so that a
    million triples never stand in memory as one JSON structure."""
    compactor = Compactor(context)
    nodes = (
        compactor.node(compactor.iri(_node_id(subject)), list(statements))
        for subject, statements in itertools.groupby(sorted_statements, key=attrgetter("subject"))
    )
    return dumps_graph(context, nodes)


def dumps_graph(context: dict, nodes: Iterable[dict]) -> bytes:
    """A document of the context, indented, and its nodes, one a line: readable, and written by
    json's C encoder (which indenting would turn off) in a tenth of the time."""
    context_text = json.dumps(_ordered(context), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    lines = ",\n    ".join(map(json.JSONEncoder(ensure_ascii=False).encode, nodes))
    return f'{{\n  "@context": {context_text},\n  "@graph": [\n    {lines}\n  ]\n}}\n'.encode()
