"""Reading input files: RDF for the embedded store (pyoxigraph) and, where a library needs one,
rdflib; the folders they are found in; text files.

Every failure becomes an InputError naming the file, the line where there is one, and the cause:
a syntax error, a file that is not a regular file (a FIFO would block the read for ever), a
symbolic-link loop, an unreadable folder, a literal longer than the parser's limit, an RDF/XML
file whose entities would expand past any sensible size, a literal with a character that RDF/XML
cannot carry.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError
from .namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})") from None


def _cause(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if error.errno == errno.ENOENT:
        return "no such file"
    return error.strerror or str(error)


def regular_file(path: Path) -> None:
    """An InputError unless the path names a regular file (through any symbolic links)."""
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"{path}: {_cause(error)}") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        mode = status.st_mode
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise InputError(f"{path}: is {kind}, not a regular file")


def files_under(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The regular files with these suffixes anywhere under the folder, sorted, symbolic links
    followed. Unlike a glob, it says what it cannot read: an unreadable folder, a link loop, a
    folder reached twice, a name with one of the suffixes that is not a regular file."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()

    def walk(current: Path) -> None:
        status = current.stat()
        if (status.st_dev, status.st_ino) in visited:
            raise InputError(f"{current}: a symbolic link leads back to a folder above it (a loop)")
        visited.add((status.st_dev, status.st_ino))
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as error:
            raise InputError(f"{current}: cannot read the folder ({_cause(error)})") from None
        for entry in entries:
            path = Path(entry.path)
            try:
                mode = os.stat(path).st_mode
            except OSError as error:
                if error.errno == errno.ENOENT and not path.name.endswith(suffixes):
                    continue  # a dangling link that is none of ours
                raise InputError(f"{path}: {_cause(error)}") from None
            if stat.S_ISDIR(mode):
                walk(path)
            elif path.name.endswith(suffixes):
                regular_file(path)
                found.append(path)

    if folder.exists():
        walk(folder)
    return sorted(found)


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file, or one line saying why it cannot be read."""
    regular_file(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: {what} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read {what} ({_cause(error)})") from None


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn whatever reading the file raises into an InputError naming the file, line and cause."""
    regular_file(path)
    if rdf_format(path) is ox.RdfFormat.RDF_XML:
        _refuse_entity_expansion(path)
    try:
        yield
    except SyntaxError as error:
        raise InputError(_syntax_message(path, error)) from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except MemoryError as error:  # pyoxigraph's parser holds one token at most 16 MiB long
        if "buffer maximal size" not in str(error):
            raise
        raise InputError(
            f"{path}: a literal or IRI longer than 16 MiB, more than the parser reads; shorten or split it"
        ) from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({_cause(error)})") from None


def _parse(stream: BinaryIO, path: Path) -> Iterator[ox.Quad]:
    return ox.parse(stream, format=rdf_format(path), base_iri=path.resolve().as_uri())


def read_triples(path: Path) -> list[ox.Triple]:
    """All triples of one file, or an InputError naming the file, line and cause."""
    with _reading(path), path.open("rb") as stream:
        return [quad.triple for quad in _parse(stream, path)]


def ntriples_of(path: Path) -> bytes:
    """The file's triples as N-Triples lines, parsed and written by pyoxigraph without building a
    Python list (about twice as quick). These are what every export is written from, so a literal
    that one of the formats cannot carry is refused here."""
    with _reading(path), path.open("rb") as stream:
        lines = ox.serialize(_parse(stream, path), format=ox.RdfFormat.N_QUADS)  # default graph: N-Triples lines
    _refuse_unwritable(lines, path)
    return lines


def load_file(store: ox.Store, path: Path) -> None:
    """Load one file into the store's default graph: a dataset's (TriG, N-Quads) named graphs are
    merged into it, as they are for every other stage, which reads the triples of each file."""
    fmt = rdf_format(path)
    with _reading(path):
        if fmt.supports_datasets:
            with path.open("rb") as stream:
                store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in _parse(stream, path))
        else:
            store.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri())


#: A character XML 1.0 cannot carry, even as a character reference (the C0 controls but tab, line
#: feed and carriage return; U+FFFE, U+FFFF), as pyoxigraph's N-Triples escapes it: `\uXXXX`, the
#: only characters it writes so.
_NOT_IN_XML = re.compile(rb"\\u(000[0-8BCEF]|001[0-9A-F]|FFF[EF])")


def _refuse_unwritable(lines: bytes, path: Path) -> None:
    match = None
    position = lines.find(b"\\u")  # a search at memory speed; the pattern is tried only where it finds one
    while position >= 0 and match is None:
        start = position
        while start > 0 and lines[start - 1] == 0x5C:  # the backslashes before it
            start -= 1
        if (position - start) % 2 == 0:  # an escape, not an escaped backslash followed by "u"
            match = _NOT_IN_XML.match(lines, position)
        position = lines.find(b"\\u", position + 2)
    if match is None:
        return
    code = int(match.group(1), 16)
    char = chr(code)
    text = path.read_bytes().decode("utf-8", errors="replace")
    escapes = re.compile(rf"{re.escape(char)}|\\u{code:04x}|\\U{code:08x}", re.I)
    found = escapes.search(text)
    where = f"line {text.count(chr(10), 0, found.start()) + 1}: " if found else ""
    raise InputError(
        f"{path}: {where}a literal holds U+{code:04X}, a control character that RDF/XML (XML 1.0) cannot "
        "carry even escaped; remove it"
    )


_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s%]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.S)
_EXPANSION_LIMIT = 16 << 20


def _refuse_entity_expansion(path: Path) -> None:
    """RDF/XML may declare entities (`&rdf;` for a namespace is common); refuse those that expand
    without bound, the "billion laughs": entities in entities, external and parameter entities,
    and more than 16 MiB of replacement text in all."""
    data = path.read_bytes()
    doctype = data.find(b"<!DOCTYPE")
    if doctype < 0:
        return
    expanded = 0
    for match in _ENTITY.finditer(data, doctype):
        parameter, name, value = match.groups()
        if parameter or value in (b"SYSTEM", b"PUBLIC"):
            kind = "a parameter entity" if parameter else "an external entity"
            raise InputError(f"{path}: the XML declares {kind} ({name.decode(errors='replace')}), which palsov refuses")
        if b"&" in value or b"%" in value:
            raise InputError(
                f"{path}: the XML entity {name.decode(errors='replace')} refers to other entities; palsov refuses "
                "entities that expand into entities (the billion-laughs attack)"
            )
        expanded += data.count(b"&" + name + b";") * len(value)
    if expanded > _EXPANSION_LIMIT:
        raise InputError(f"{path}: the XML entities would expand to {expanded >> 20} MiB of text; palsov refuses that")


def _syntax_message(path: Path, error: SyntaxError) -> str:
    cause = error.msg
    # pyoxigraph prefixes its message with the position we report ourselves.
    if cause.startswith("Parser error") and ": " in cause:
        cause = cause.split(": ", 1)[1]
    where = f"line {error.lineno}" if error.lineno else "unknown line"
    if error.offset:
        where += f", column {error.offset}"
    return f"{path}: {where}: {cause}"


def to_rdflib(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib Graph of the given triples, with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    add = graph.add
    for triple in triples:
        add(
            (
                _rdflib_term(triple.subject),
                _rdflib_term(triple.predicate),
                _rdflib_term(triple.object),
            )
        )
    return graph


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart.
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
