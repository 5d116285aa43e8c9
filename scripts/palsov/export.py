"""Serialising the merged graph to the standard RDF formats, deterministically.

pyoxigraph writes every format but JSON-LD from statements sorted by subject, predicate and
object, so Turtle and TriG come out grouped by subject and prefixed, and N-Triples and N-Quads
line-sorted; rdflib compacts the JSON-LD. The graph has no blank nodes, so sorting is enough to
make two builds byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .graph import KnowledgeGraph
from .namespaces import BASE, PREFIXES
from .output import write_atomically

ONTOLOGY_GRAPH = ox.NamedNode(BASE + "graph/ontology")
DATA_GRAPH = ox.NamedNode(BASE + "graph/data")


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    render: Callable[[KnowledgeGraph], bytes]


def _sorted_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    return sorted(
        set(kg.all_triples()), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )


def _sorted_prefixes(data: bytes) -> bytes:
    """pyoxigraph writes @prefix lines in no fixed order; sort them for byte-identical builds."""
    lines = data.splitlines(keepends=True)
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix")), len(lines))
    return b"".join(sorted(lines[:count]) + lines[count:])


def _turtle(kg: KnowledgeGraph) -> bytes:
    data = ox.serialize(_sorted_triples(kg), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return _sorted_prefixes(data)


def _rdfxml(kg: KnowledgeGraph) -> bytes:
    return ox.serialize(_sorted_triples(kg), format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES))


def _jsonld(kg: KnowledgeGraph) -> bytes:
    text = kg.merged.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    document = json.loads(text)
    nodes = document.get("@graph", [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda item: json.dumps(item, sort_keys=True))
    document["@graph"] = sorted(nodes, key=lambda node: node.get("@id", ""))
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _sorted_lines(data: bytes) -> bytes:
    return b"".join(sorted(data.splitlines(keepends=True)))


def _ntriples(kg: KnowledgeGraph) -> bytes:
    return _sorted_lines(ox.serialize(set(kg.all_triples()), format=ox.RdfFormat.N_TRIPLES))


def _named_quads(kg: KnowledgeGraph) -> list[ox.Quad]:
    quads = {ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH) for t in kg.ontology_triples}
    quads |= {ox.Quad(t.subject, t.predicate, t.object, DATA_GRAPH) for t in kg.data_triples}
    return sorted(
        quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )


def _nquads(kg: KnowledgeGraph) -> bytes:
    return _sorted_lines(ox.serialize(_named_quads(kg), format=ox.RdfFormat.N_QUADS))


def _trig(kg: KnowledgeGraph) -> bytes:
    data = ox.serialize(_named_quads(kg), format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
    return _sorted_prefixes(data)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "ttl", "text/turtle", _turtle),
        Format("jsonld", "jsonld", "application/ld+json", _jsonld),
        Format("ntriples", "nt", "application/n-triples", _ntriples),
        Format("nquads", "nq", "application/n-quads", _nquads),
        Format("trig", "trig", "application/trig", _trig),
        Format("rdfxml", "rdf", "application/rdf+xml", _rdfxml),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format {name!r} (known: {', '.join(FORMATS)})") from None


def export(kg: KnowledgeGraph, format_name: str, out: Path) -> Path:
    write_atomically(out, get_format(format_name).render(kg))
    return out


def export_all(kg: KnowledgeGraph, folder: Path, stem: str = "palsov") -> list[Path]:
    return [export(kg, f.name, folder / f"{stem}.{f.extension}") for f in FORMATS.values()]
