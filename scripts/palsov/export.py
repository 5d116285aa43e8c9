"""Serialising the merged graph to the standard RDF formats, deterministically.

pyoxigraph writes every format but JSON-LD from statements sorted by subject, predicate and
object, so Turtle and TriG come out grouped by subject and prefixed, and N-Triples and N-Quads
line-sorted; rdflib compacts the JSON-LD. The graph has no blank nodes, so sorting is enough to
make two builds byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import describe, jsonld
from .errors import InputError
from .graph import KnowledgeGraph, sorted_ntriples
from .namespaces import BASE, PREFIXES
from .output import write_atomically
from .timeline import timeline

ONTOLOGY_GRAPH = ox.NamedNode(BASE + "graph/ontology")
DATA_GRAPH = ox.NamedNode(BASE + "graph/data")
DESCRIPTION_GRAPH = ox.NamedNode(BASE + "graph/description")
WIKIDATA_GRAPH = ox.NamedNode(BASE + "graph/wikidata")


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    render: Callable[[KnowledgeGraph], bytes]


def _sorted_prefixes(data: bytes) -> bytes:
    """pyoxigraph writes @prefix lines in no fixed order; sort them for byte-identical builds."""
    lines = data.splitlines(keepends=True)
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix")), len(lines))
    return b"".join(sorted(lines[:count]) + lines[count:])


def _turtle(kg: KnowledgeGraph) -> bytes:
    data = ox.serialize(kg.sorted_triples(), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return _sorted_prefixes(data)


def _rdfxml(kg: KnowledgeGraph) -> bytes:
    return ox.serialize(kg.sorted_triples(), format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES))


def _jsonld(kg: KnowledgeGraph) -> bytes:
    """JSON-LD 1.1 compacted with the project's context, which it carries inline."""
    return jsonld.write_compacted(kg.sorted_triples(), kg.context)


def _ntriples(kg: KnowledgeGraph) -> bytes:
    return kg.sorted_ntriples


def _parts(kg: KnowledgeGraph) -> list[tuple[ox.NamedNode, bytes]]:
    """Each named graph of the dataset with its sorted N-Triples lines, graphs by name."""
    parts = [
        (ONTOLOGY_GRAPH, kg.sorted_parts["ontology"]),
        (DATA_GRAPH, kg.sorted_parts["data"]),
        (WIKIDATA_GRAPH, kg.sorted_parts["enrichment"]),
        (DESCRIPTION_GRAPH, sorted_ntriples(kg.description_triples)),
    ]
    return sorted(((graph, lines) for graph, lines in parts if lines), key=lambda p: p[0].value)


def _nquads(kg: KnowledgeGraph) -> bytes:
    out = []
    for graph, lines in _parts(kg):
        suffix = f"<{graph.value}> .\n".encode()
        out.extend(line[:-2] + suffix for line in lines.splitlines(keepends=True))
    return b"".join(out)


def _trig(kg: KnowledgeGraph) -> bytes:
    """The prefixes once, then each named graph as a block of grouped, sorted Turtle."""
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(PREFIXES.items()))
    blocks = [header.encode()]
    for graph, lines in _parts(kg):
        triples = [q.triple for q in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)]
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
        body = b"".join(line for line in turtle.splitlines(keepends=True) if not line.startswith(b"@prefix"))
        blocks.append(f"<{graph.value}> {{\n".encode() + body + b"}\n")
    return b"\n".join(blocks)


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


#: The formats that hold named graphs: the ontology, the data and the dataset description apart.
DATASET_FORMATS = ("trig", "nquads")


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format {name!r} (known: {', '.join(FORMATS)})") from None


def export(kg: KnowledgeGraph, format_name: str, out: Path) -> Path:
    write_atomically(out, get_format(format_name).render(kg))
    return out


def export_all(kg: KnowledgeGraph, folder: Path, timeline_query: str | None = None, stem: str = "palsov") -> list[Path]:
    """Every format; the merged-graph files first, so that the description can give their sizes
    and checksums, then the dataset files (TriG, N-Quads) that carry the description itself."""
    merged = [f for f in FORMATS.values() if f.name not in DATASET_FORMATS]
    written = [export(kg, f.name, folder / f"{stem}.{f.extension}") for f in merged]
    distributions = [
        describe.distribution(p, f"The merged graph ({f.name})") for p, f in zip(written, merged, strict=True)
    ]
    context = folder / f"palsov-context-{jsonld.CONTEXT_VERSION}.jsonld"
    write_atomically(context, jsonld.dumps({"@context": kg.context}))
    written.append(context)
    timeline_path = folder / "timeline.jsonld"
    if timeline_query:
        write_atomically(timeline_path, jsonld.dumps(timeline(kg, timeline_query)))
        written.append(timeline_path)
        distributions.append(describe.distribution(timeline_path, "The timeline, framed JSON-LD"))
    kg.description_triples = describe.describe(kg, distributions)
    description_path = folder / "void.ttl"
    write_atomically(
        description_path,
        _sorted_prefixes(
            ox.serialize(
                sorted(kg.description_triples, key=str),
                format=ox.RdfFormat.TURTLE,
                prefixes=dict(PREFIXES),
            )
        ),
    )
    written.append(description_path)
    written += [export(kg, name, folder / f"{stem}.{FORMATS[name].extension}") for name in DATASET_FORMATS]
    return written
