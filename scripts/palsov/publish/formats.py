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
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.files import atomic_file, sha256_of, write_atomically
from ..rdf.graph import KnowledgeGraph, sorted_ntriples
from ..rdf.io import serialized
from ..rdf.vocab import DATA_GRAPH, DESCRIPTION_GRAPH, ONTOLOGY_GRAPH, PREFIXES, WIKIDATA_GRAPH
from ..runtime.versions import palsov_version
from . import jsonld, parallel, sssom, void
from .timeline import event_order, timeline

Graphs = list[tuple[ox.NamedNode, bytes]]


def _prefix_block_end(data: bytes) -> int:
    end = 0
    while data.startswith(b"@prefix", end):
        end = data.index(b"\n", end) + 1
    return end


def _sorted_prefixes(data: bytes) -> bytes:
    """pyoxigraph writes @prefix lines in no fixed order; sort them for byte-identical builds."""
    end = _prefix_block_end(data)
    return b"".join(sorted(data[:end].splitlines(keepends=True))) + data[end:]


def turtle(quads: Iterable[ox.Triple] | Iterable[ox.Quad], prefixes: dict[str, str] | None = None) -> bytes:
    """Turtle grouped by subject, with the prefixes (default: the project's) in a fixed order."""
    return _sorted_prefixes(serialized(quads, ox.RdfFormat.TURTLE, dict(PREFIXES if prefixes is None else prefixes)))


def turtle_of(sorted_lines: bytes, prefixes: dict[str, str] | None = None) -> bytes:
    """Sorted N-Triples as Turtle grouped by subject (see `turtle`)."""
    return turtle(ox.parse(sorted_lines, format=ox.RdfFormat.N_TRIPLES), prefixes)


def _turtle(kg: KnowledgeGraph, context: dict) -> bytes:
    return turtle_of(kg.sorted_ntriples)


def _rdfxml(kg: KnowledgeGraph, context: dict) -> bytes:
    quads = ox.parse(kg.sorted_ntriples, format=ox.RdfFormat.N_TRIPLES)
    return serialized(quads, ox.RdfFormat.RDF_XML, dict(PREFIXES))


def _jsonld(kg: KnowledgeGraph, context: dict) -> bytes:
    """JSON-LD compacted with the project's context, which it carries inline (see `jsonld`)."""
    return jsonld.write_compacted(ox.parse(kg.sorted_ntriples, format=ox.RdfFormat.N_TRIPLES), context)


def _ntriples(kg: KnowledgeGraph, context: dict) -> bytes:
    return kg.sorted_ntriples


def read_graphs(kg: KnowledgeGraph) -> Graphs:
    """The dataset's named graphs as read from the files, with their sorted N-Triples lines: the
    ontology, the data and the Wikidata enrichment (any that is not empty)."""
    graphs = [
        (ONTOLOGY_GRAPH, kg.sorted_parts["ontology"]),
        (DATA_GRAPH, kg.sorted_parts["data"]),
        (WIKIDATA_GRAPH, kg.sorted_parts["enrichment"]),
    ]
    return [(graph, lines) for graph, lines in graphs if lines]


def _nquads_block(graph: ox.NamedNode, lines: bytes) -> bytes:
    """The graph's N-Triples lines with its name put before each closing dot. N-Triples escapes
    every line break inside a literal, so " .\\n" ends a line and nothing else."""
    return lines.replace(b" .\n", f" <{graph.value}> .\n".encode())


_TRIG_HEADER = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(PREFIXES.items()))


def _trig_block(graph: ox.NamedNode, lines: bytes) -> bytes:
    """The graph as grouped, sorted Turtle inside its name's braces, after a blank line."""
    turtle = turtle_of(lines)
    return f"\n<{graph.value}> {{\n".encode() + turtle[_prefix_block_end(turtle) :] + b"}\n"


@dataclass(frozen=True)
class Format:
    """A whole-graph format (`merged` writes it), or a dataset format: a header, then one `block`
    per named graph. Its file extension and media type are pyoxigraph's for its RdfFormat."""

    name: str
    rdf_format: ox.RdfFormat
    merged: Callable[[KnowledgeGraph, dict], bytes] | None = None
    header: bytes = b""
    block: Callable[[ox.NamedNode, bytes], bytes] | None = None

    @property
    def extension(self) -> str:
        return self.rdf_format.file_extension

    @property
    def media_type(self) -> str:
        return self.rdf_format.media_type

    def render(self, kg: KnowledgeGraph, context: dict, description: list[ox.Triple]) -> bytes:
        """The whole file: the merged graph, or the named graphs read and then the description."""
        if self.merged is not None:
            return self.merged(kg, context)
        return b"".join(self.chunks([*read_graphs(kg), (DESCRIPTION_GRAPH, sorted_ntriples(description))]))

    def chunks(self, graphs: Graphs) -> Iterator[bytes]:
        """A dataset format's header, then each graph's block."""
        assert self.block is not None, self.name
        yield self.header
        for graph, lines in graphs:
            if lines:
                yield self.block(graph, lines)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", ox.RdfFormat.TURTLE, merged=_turtle),
        Format("jsonld", ox.RdfFormat.JSON_LD, merged=_jsonld),
        Format("ntriples", ox.RdfFormat.N_TRIPLES, merged=_ntriples),
        Format("nquads", ox.RdfFormat.N_QUADS, block=_nquads_block),
        Format("trig", ox.RdfFormat.TRIG, header=_TRIG_HEADER.encode(), block=_trig_block),
        Format("rdfxml", ox.RdfFormat.RDF_XML, merged=_rdfxml),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format {name!r} (known: {', '.join(FORMATS)})") from None


def exported(kg: KnowledgeGraph, format_name: str, context: dict) -> bytes:
    """One format of the graph, as `palsov export` gives it: the dataset formats carry the
    dataset's description (counts, partitions, licence) as the build's do, without the list of
    the build's files."""
    fmt = get_format(format_name)
    refuse_unwritable(kg)
    description = [] if fmt.merged is not None else void.describe_graph(kg.store)
    return fmt.render(kg, context, description)


def export(kg: KnowledgeGraph, format_name: str, out: Path, context: dict) -> Path:
    write_atomically(out, exported(kg, format_name, context))
    return out


#: A character XML 1.0 cannot carry, even as a character reference (the C0 controls but tab, line
#: feed and carriage return; U+FFFE, U+FFFF), as pyoxigraph's N-Triples escapes it: `\uXXXX`, the
#: only characters it writes so.
_NOT_IN_XML = re.compile(rb"\\u(000[0-8BCEF]|001[0-9A-F]|FFF[EF])")


def refuse_unwritable(kg: KnowledgeGraph) -> None:
    """Every export is written from the same N-Triples: a literal one of the formats (RDF/XML)
    cannot carry is refused before any is written, naming the file and line it comes from."""
    for part, lines in kg.sorted_parts.items():
        match = _first_unwritable(lines)
        if match is None:
            continue
        code = int(match.group(1), 16)
        char = chr(code)
        escapes = re.compile(rf"{re.escape(char)}|\\u{code:04x}|\\U{code:08x}", re.I)
        where = ""
        for path in kg.files[part]:
            text = path.read_bytes().decode("utf-8", errors="replace")
            found = escapes.search(text)
            if found:
                where = f"{path}: line {text.count(chr(10), 0, found.start()) + 1}: "
                break
        raise InputError(
            f"{where}a literal holds U+{code:04X}, a control character that RDF/XML (XML 1.0) cannot "
            "carry even escaped; remove it"
        )


def _first_unwritable(lines: bytes) -> re.Match[bytes] | None:
    position = lines.find(b"\\u")  # a search at memory speed; the pattern is tried only where it finds one
    while position >= 0:
        start = position
        while start > 0 and lines[start - 1] == 0x5C:  # the backslashes before it
            start -= 1
        if (position - start) % 2 == 0:  # an escape, not an escaped backslash followed by "u"
            match = _NOT_IN_XML.match(lines, position)
            if match is not None:
                return match
        position = lines.find(b"\\u", position + 2)
    return None


#: Longest first, so that the workers finish together.
_COST_ORDER = ("jsonld", "trig", "rdfxml", "turtle", "nquads", "ntriples")


def export_all(
    kg: KnowledgeGraph,
    folder: Path,
    context: dict,
    timeline_query: str | None = None,
    stem: str = "palsov",
    workers: int | None = None,
) -> list[Path]:
    """Every format, the context, the timeline and the description, on up to `workers` cores.

    The sorted N-Triples are made here, before any worker starts, and every format renders from
    them in a child; while the first children write, this process asks the store what needs only
    the store (the graph's counts and partitions, the events' order), and the timeline frames the
    JSON-LD once both it and the order are there. The description gives the size and checksum of
    the other files, so the dataset files (TriG, N-Quads), which carry it as their last named
    graph, are written up to it alongside the rest and it is appended at the end. Each file
    appears whole or not at all.
    """
    paths = {f.name: folder / f"{stem}.{f.extension}" for f in FORMATS.values()}
    context_path = folder / jsonld.CONTEXT_FILE
    versioned_context_path = folder / jsonld.VERSIONED_CONTEXT_FILE
    timeline_path = folder / "timeline.jsonld"
    description_path = folder / "void.ttl"
    refuse_unwritable(kg)
    _ = kg.sorted_ntriples  # made here, once, before any worker forks: every worker shares it
    context_document = jsonld.dumps({"@context": context})
    write_atomically(context_path, context_document)
    write_atomically(versioned_context_path, context_document)
    store = kg.store
    order: list[str] = []
    with contextlib.ExitStack() as stack:
        unfinished = {name: stack.enter_context(atomic_file(paths[name])) for name, f in FORMATS.items() if f.block}
        pool = stack.enter_context(parallel.Workers(workers))  # left first: every child ends before cleanup
        # The timeline needs both the events' order (from the store) and the JSON-LD written.
        frame = partial(_write_timeline, paths["jsonld"], order, timeline_path)
        timeline_ready: list[Callable[[], object]] = [
            parallel.Countdown(2, partial(pool.start, frame, then=partial(sha256_of, timeline_path)))
        ]
        tasks: list[tuple[Callable[[], object], Callable[[], object] | None]] = []
        for name in _COST_ORDER:
            if name in unfinished:
                tasks.append((partial(_write_graphs, FORMATS[name], kg, unfinished[name]), None))
            else:
                # Checksummed as each file is done, while the others work.
                then: list[Callable[[], object]] = [
                    partial(sha256_of, paths[name]),
                    *(timeline_ready if timeline_query and name == "jsonld" else []),
                ]
                tasks.append((partial(_write_merged, FORMATS[name], kg, context, paths[name]), partial(_run_all, then)))
        while tasks and pool.has_room():
            pool.start(*tasks.pop(0))
        about_graph = void.describe_graph(store)
        mapping_set = sssom.write(store, folder, palsov_version())
        if timeline_query:
            order += event_order(store, timeline_query)
            timeline_ready[0]()
        for task in tasks:
            pool.start(*task)
        pool.wait()
        distributions = [
            void.distribution(paths[name], f"The merged graph ({name})") for name, f in FORMATS.items() if f.merged
        ]
        if timeline_query:
            distributions.append(void.distribution(timeline_path, "The timeline, framed JSON-LD"))
        distributions.append(
            void.Distribution(mapping_set, sssom.MEDIA_TYPE, "The Wikidata links and candidates, an SSSOM mapping set")
        )
        about_context = void.describe_context(context_path, versioned_context_path, jsonld.CONTEXT_VERSION)
        description = about_graph + about_context + void.describe_files(distributions)
        lines = sorted_ntriples(description)
        for name, path in unfinished.items():
            with path.open("ab") as stream:
                stream.write(_block(FORMATS[name], DESCRIPTION_GRAPH, lines))
    void_turtle = serialized(sorted(description, key=str), ox.RdfFormat.TURTLE, dict(PREFIXES))
    write_atomically(description_path, _sorted_prefixes(void_turtle))
    merged = [paths[name] for name, f in FORMATS.items() if f.merged]
    dataset = [paths[name] for name, f in FORMATS.items() if f.block]
    contexts = [context_path, versioned_context_path]
    timelines = [timeline_path] if timeline_query else []
    return [*merged, *contexts, *timelines, mapping_set, description_path, *dataset]


def _block(fmt: Format, graph: ox.NamedNode, lines: bytes) -> bytes:
    assert fmt.block is not None, fmt.name
    return fmt.block(graph, lines)


def _run_all(steps: list[Callable[[], object]]) -> None:
    for step in steps:
        step()


def _write_merged(fmt: Format, kg: KnowledgeGraph, context: dict, path: Path) -> None:
    write_atomically(path, fmt.render(kg, context, []))


def _write_timeline(compacted: Path, order: list[str], path: Path) -> None:
    import json

    document = timeline(json.loads(compacted.read_bytes()), order)
    write_atomically(path, jsonld.dumps_graph(document["@context"], document["@graph"]))


def _write_graphs(fmt: Format, kg: KnowledgeGraph, path: Path) -> None:
    """The file up to its description graph: the header and the graphs read from files."""
    with path.open("wb") as stream:
        stream.writelines(fmt.chunks(read_graphs(kg)))
