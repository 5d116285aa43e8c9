"""Serialising the graph to the standard RDF formats, deterministically and on every core.

Every format is written from the same byte-sorted N-Triples, parsed as it is consumed: pyoxigraph
writes Turtle, TriG and RDF/XML grouped by subject and prefixed, N-Triples and N-Quads come out
line-sorted, and our own writer compacts the JSON-LD. The graph has no blank nodes, so sorting is
enough to make two builds byte-identical, whatever the number of workers. The store is not the
source: it keeps literals in canonical form ("01" as "1", xsd:nonNegativeInteger as xsd:integer),
and an export gives what the files say.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from . import describe, jsonld, parallel
from .errors import InputError
from .graph import KnowledgeGraph, sorted_ntriples
from .namespaces import BASE, PREFIXES
from .output import atomic_file, sha256_of, write_atomically
from .timeline import event_order, timeline

ONTOLOGY_GRAPH = ox.NamedNode(BASE + "graph/ontology")
DATA_GRAPH = ox.NamedNode(BASE + "graph/data")
DESCRIPTION_GRAPH = ox.NamedNode(BASE + "graph/description")
WIKIDATA_GRAPH = ox.NamedNode(BASE + "graph/wikidata")


def _prefix_block_end(data: bytes) -> int:
    end = 0
    while data.startswith(b"@prefix", end):
        end = data.index(b"\n", end) + 1
    return end


def _sorted_prefixes(data: bytes) -> bytes:
    """pyoxigraph writes @prefix lines in no fixed order; sort them for byte-identical builds."""
    end = _prefix_block_end(data)
    return b"".join(sorted(data[:end].splitlines(keepends=True))) + data[end:]


def _turtle_of(sorted_lines: bytes) -> bytes:
    quads = ox.parse(sorted_lines, format=ox.RdfFormat.N_TRIPLES)
    return _sorted_prefixes(ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)))


def _turtle(kg: KnowledgeGraph) -> bytes:
    return _turtle_of(kg.sorted_ntriples)


def _rdfxml(kg: KnowledgeGraph) -> bytes:
    quads = ox.parse(kg.sorted_ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(quads, format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES))


def _jsonld(kg: KnowledgeGraph) -> bytes:
    """JSON-LD 1.1 compacted with the project's context, which it carries inline."""
    return jsonld.write_compacted(ox.parse(kg.sorted_ntriples, format=ox.RdfFormat.N_TRIPLES), kg.context)


def _ntriples(kg: KnowledgeGraph) -> bytes:
    return kg.sorted_ntriples


def _read_graphs(kg: KnowledgeGraph) -> list[tuple[ox.NamedNode, bytes]]:
    """The dataset's named graphs as read from the files, with their sorted N-Triples lines: the
    ontology, the data and the Wikidata enrichment (any that is not empty)."""
    graphs = [
        (ONTOLOGY_GRAPH, kg.sorted_parts["ontology"]),
        (DATA_GRAPH, kg.sorted_parts["data"]),
        (WIKIDATA_GRAPH, kg.sorted_parts["enrichment"]),
    ]
    return [(graph, lines) for graph, lines in graphs if lines]


def _graphs(kg: KnowledgeGraph) -> list[tuple[ox.NamedNode, bytes]]:
    """The graphs read, then the description of the whole, once a build has made it."""
    description = sorted_ntriples(kg.description_triples)
    return _read_graphs(kg) + ([(DESCRIPTION_GRAPH, description)] if description else [])


def _nquads_block(graph: ox.NamedNode, lines: bytes) -> bytes:
    """The graph's N-Triples lines with its name put before each closing dot. N-Triples escapes
    every line break inside a literal, so " .\\n" ends a line and nothing else."""
    return lines.replace(b" .\n", f" <{graph.value}> .\n".encode())


_TRIG_HEADER = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(PREFIXES.items()))


def _trig_block(graph: ox.NamedNode, lines: bytes) -> bytes:
    """The graph as grouped, sorted Turtle inside its name's braces, after a blank line."""
    turtle = _turtle_of(lines)
    return f"\n<{graph.value}> {{\n".encode() + turtle[_prefix_block_end(turtle) :] + b"}\n"


@dataclass(frozen=True)
class Format:
    """A whole-graph format (`merged` writes it), or a dataset format: a header, then one `block`
    per named graph."""

    name: str
    extension: str
    media_type: str
    merged: Callable[[KnowledgeGraph], bytes] | None = None
    header: bytes = b""
    block: Callable[[ox.NamedNode, bytes], bytes] | None = None

    def render(self, kg: KnowledgeGraph) -> bytes:
        return self.merged(kg) if self.merged is not None else b"".join(self.chunks(_graphs(kg)))

    def chunks(self, graphs: list[tuple[ox.NamedNode, bytes]]) -> Iterator[bytes]:
        """A dataset format's header, then each graph's block."""
        yield self.header
        for graph, lines in graphs:
            yield self.block(graph, lines)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "ttl", "text/turtle", merged=_turtle),
        Format("jsonld", "jsonld", "application/ld+json", merged=_jsonld),
        Format("ntriples", "nt", "application/n-triples", merged=_ntriples),
        Format("nquads", "nq", "application/n-quads", block=_nquads_block),
        Format("trig", "trig", "application/trig", header=_TRIG_HEADER.encode(), block=_trig_block),
        Format("rdfxml", "rdf", "application/rdf+xml", merged=_rdfxml),
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


#: Longest first, so that the workers finish together.
_COST_ORDER = ("jsonld", "trig", "rdfxml", "turtle", "nquads", "ntriples")


def export_all(
    kg: KnowledgeGraph,
    folder: Path,
    timeline_query: str | None = None,
    stem: str = "palsov",
    workers: int | None = None,
) -> list[Path]:
    """Every format, the context, the timeline and the description, on up to `workers` cores.

    While the parent sorts the N-Triples, a worker asks the store for what needs only the store
    (the events' order, the graph's counts). Every format then renders from the sorted lines, and
    the timeline frames the JSON-LD once it is written. The description gives the size and
    checksum of the other files, so the dataset files (TriG, N-Quads), which carry it as their
    last named graph, are written up to it alongside the rest and it is appended at the end.
    Each file appears whole or not at all.
    """
    paths = {f.name: folder / f"{stem}.{f.extension}" for f in FORMATS.values()}
    context = folder / f"palsov-context-{jsonld.CONTEXT_VERSION}.jsonld"
    timeline_path = folder / "timeline.jsonld"
    description_path = folder / "void.ttl"
    write_atomically(context, jsonld.dumps({"@context": kg.context}))
    _ = kg.store  # loaded once, before any worker starts
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=".export-", dir=folder)))
        unfinished = {name: stack.enter_context(atomic_file(paths[name])) for name, f in FORMATS.items() if f.block}
        pool = stack.enter_context(parallel.Workers(workers))  # left first: every child ends before cleanup
        # The timeline needs both the events' order (from the store) and the JSON-LD written.
        frame = partial(_write_timeline, paths["jsonld"], scratch / "order.json", timeline_path)
        start_timeline = partial(pool.start, frame, then=partial(sha256_of, timeline_path))
        timeline_ready = [parallel.Countdown(2, start_timeline)] if timeline_query else []
        pool.start(partial(_ask_the_store, kg, timeline_query, scratch), then=partial(_run_all, timeline_ready))
        _ = kg.sorted_ntriples, kg.sorted_parts  # made once, here; every worker started from now on sees them
        for name in _COST_ORDER:
            if name in unfinished:
                pool.start(partial(_write_graphs, FORMATS[name], kg, unfinished[name]))
                continue
            # Checksummed as each file is done, while the others work.
            then = [partial(sha256_of, paths[name]), *(timeline_ready if name == "jsonld" else [])]
            pool.start(partial(export, kg, name, paths[name]), then=partial(_run_all, then))
        pool.wait()
        distributions = [
            describe.distribution(paths[name], f"The merged graph ({name})") for name, f in FORMATS.items() if f.merged
        ]
        if timeline_query:
            distributions.append(describe.distribution(timeline_path, "The timeline, framed JSON-LD"))
        about_graph = [q.triple for q in ox.parse(path=scratch / "graph.nt", format=ox.RdfFormat.N_TRIPLES)]
        kg.description_triples = about_graph + describe.describe_files(distributions)
        description = sorted_ntriples(kg.description_triples)
        for name, path in unfinished.items():
            with path.open("ab") as stream:
                stream.write(FORMATS[name].block(DESCRIPTION_GRAPH, description))
    void = ox.serialize(sorted(kg.description_triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    write_atomically(description_path, _sorted_prefixes(void))
    merged = [paths[name] for name, f in FORMATS.items() if f.merged]
    dataset = [paths[name] for name, f in FORMATS.items() if f.block]
    return [*merged, context, *([timeline_path] if timeline_query else []), description_path, *dataset]


def _run_all(steps: list[Callable[[], object]]) -> None:
    for step in steps:
        step()


def _ask_the_store(kg: KnowledgeGraph, timeline_query: str | None, scratch: Path) -> None:
    """What the export needs of the store alone, handed over in files: the graph's description
    (counts, partitions) and the events' order."""
    (scratch / "graph.nt").write_bytes(ox.serialize(describe.describe_graph(kg), format=ox.RdfFormat.N_TRIPLES))
    if timeline_query:
        (scratch / "order.json").write_text(json.dumps(event_order(kg, timeline_query)), encoding="utf-8")


def _write_timeline(compacted: Path, order: Path, path: Path) -> None:
    document = timeline(json.loads(compacted.read_bytes()), json.loads(order.read_bytes()))
    write_atomically(path, jsonld.dumps_graph(document["@context"], document["@graph"]))


def _write_graphs(fmt: Format, kg: KnowledgeGraph, path: Path) -> None:
    """The file up to its description graph: the header and the graphs read from files."""
    with path.open("wb") as stream:
        stream.writelines(fmt.chunks(_read_graphs(kg)))
