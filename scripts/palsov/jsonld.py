"""JSON-LD: the project's versioned context, and JSON-LD written straight from triples.

`expand` builds expanded JSON-LD (pyld frames it for the timeline); `write_compacted` writes the
document compacted with the project's context in one pass — what pyld's compaction gives, in a tenth of
the time (pyld's RDF conversion and compaction grow to minutes at a million triples). The tests
expand its output with pyld and compare the graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
CONTEXT_VERSION = "0.1.0"


def context_path(ontology_dir: Path) -> Path:
    return ontology_dir / "context" / f"palsov-{CONTEXT_VERSION}.jsonld"


@cache
def load_context(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: the JSON-LD context is missing") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: line {error.lineno}: not JSON ({error.msg})") from None
    return document["@context"]


def _node_id(node: ox.NamedNode | ox.BlankNode) -> str:
    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"


def _term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    if isinstance(node, ox.NamedNode):
        return {"@id": node.value}
    if isinstance(node, ox.BlankNode):
        return {"@id": f"_:{node.value}"}
    value = {"@value": node.value}
    if node.language:
        value["@language"] = node.language
    elif node.datatype.value != _XSD_STRING:
        value["@type"] = node.datatype.value
    return value


def expand(triples: Iterable[ox.Triple]) -> list[dict]:
    """Expanded JSON-LD (one node object per subject) of the triples, in a stable order."""
    nodes: dict[str, dict] = {}
    for triple in sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))):
        subject = _term(triple.subject)["@id"]
        node = nodes.setdefault(subject, {"@id": subject})
        if triple.predicate.value == _RDF_TYPE and not isinstance(triple.object, ox.Literal):
            node.setdefault("@type", []).append(_term(triple.object)["@id"])
        else:
            node.setdefault(triple.predicate.value, []).append(_term(triple.object))
    return list(nodes.values())


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


class _Compactor:
    """Compaction with the project's context: term names for the predicates it defines (with their
    type or language coercion), compact IRIs with its prefixes for everything else."""

    def __init__(self, context: dict) -> None:
        self.prefixes = sorted(
            (
                (name, value)
                for name, value in context.items()
                if isinstance(value, str) and not name.startswith("@") and value.endswith(("/", "#", ":"))
            ),
            key=lambda item: -len(item[1]),
        )
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
        for name, namespace in self.prefixes:
            if name == prefix:
                return namespace + local
        return value

    def iri(self, value: str) -> str:
        found = self._memo.get(value)
        if found is None:
            found = self._memo[value] = self._compact_iri(value)
        return found

    def _compact_iri(self, value: str) -> str:
        for name, namespace in self.prefixes:
            if (
                value.startswith(namespace)
                and len(value) > len(namespace)
                and not value[len(namespace) :].startswith("//")
            ):
                return f"{name}:{value[len(namespace) :]}"
        return value

    def node(self, subject: str, triples: list[ox.Triple]) -> dict:
        node: dict = {"id": subject}
        groups: dict[str, list] = {}
        for t in triples:
            obj = t.object
            if t.predicate.value == _RDF_TYPE and not isinstance(obj, ox.Literal):
                groups.setdefault("type", []).append(self.class_terms.get(obj.value) or self.iri(_node_id(obj)))
                continue
            if isinstance(obj, ox.Literal):
                kind = f"@language:{obj.language}" if obj.language else obj.datatype.value
            else:
                kind = "@id"
            term = self.terms.get((t.predicate.value, kind))
            if term is not None:
                value = self.iri(_node_id(obj)) if kind == "@id" else obj.value
                groups.setdefault(term, []).append(value)
                continue
            key = self.iri(t.predicate.value)
            if kind == "@id":
                value = {"@id": self.iri(_node_id(obj))}
            elif obj.language:
                value = {"@value": obj.value, "@language": obj.language}
            elif kind == _XSD_STRING:
                value = obj.value
            else:
                value = {"@value": obj.value, "@type": self.iri(kind)}
            groups.setdefault(key, []).append(value)
        if "type" in groups:
            found = groups.pop("type")
            node["type"] = found[0] if len(found) == 1 else sorted(found)
        for key in sorted(groups):
            found = groups[key]
            node[key] = found[0] if len(found) == 1 else sorted(found, key=lambda v: json.dumps(v, sort_keys=True))
        return node


def write_compacted(sorted_triples: Iterable[ox.Triple], context: dict) -> bytes:
    """The compacted document written node by node from triples sorted by subject, so that a
    million triples never stand in memory as one JSON structure."""
    compactor = _Compactor(context)
    context_text = json.dumps(_ordered(context), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    chunks = [f'{{\n  "@context": {context_text},\n  "@graph": ['.encode()]
    group: list[ox.Triple] = []
    first = True

    def flush() -> None:
        # One node a line: readable, and json's C encoder (which indenting would turn off).
        nonlocal first
        node = compactor.node(compactor.iri(_node_id(group[0].subject)), group)
        text = json.dumps(node, ensure_ascii=False)
        chunks.append((("\n    " if first else ",\n    ") + text).encode())
        first = False

    for triple in sorted_triples:
        if group and triple.subject != group[0].subject:
            flush()
            group = []
        group.append(triple)
    if group:
        flush()
    chunks.append(b"\n  ]\n}\n")
    return b"".join(chunks)
