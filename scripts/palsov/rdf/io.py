"""Reading input files: the folders they are found in, text files, and RDF in every format pyoxigraph
reads, each file read and parsed once.

Every failure becomes an InputError naming the file, the line where there is one, and the cause:
a syntax error, a file that is not a regular file (a FIFO would block the read for ever), a
symbolic-link loop, an unreadable folder, a literal longer than the parser's limit, an RDF/XML
file whose entities would expand past any sensible size. This is the one error mapping of input.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError

#: The one table of RDF formats: a file's extension names its format (pyoxigraph's own table, and
#: .owl for RDF/XML), and each format knows its media type (`RdfFormat.media_type`).
_EXTRA_EXTENSIONS = {"owl": ox.RdfFormat.RDF_XML}
READABLE = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".owl", ".jsonld")


def rdf_format(path: Path) -> ox.RdfFormat:
    extension = path.suffix.lower().removeprefix(".")
    found = _EXTRA_EXTENSIONS.get(extension) or (ox.RdfFormat.from_extension(extension) if extension else None)
    if found is None or path.suffix.lower() not in READABLE:
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {', '.join(sorted(READABLE))})")
    return found


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


def read_bytes(path: Path, what: str = "") -> bytes:
    """A regular file's bytes, or one line saying why it cannot be read."""
    regular_file(path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read{f' {what}' if what else ''} ({_cause(error)})") from None


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file, or one line saying why it cannot be read."""
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: {what} is not UTF-8 text ({error.reason} at byte {error.start})") from None


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn whatever parsing the file raises into an InputError naming the file, line and cause."""
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


def serialized(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """The triples or quads written in a format by pyoxigraph, as bytes."""
    data = ox.serialize(items, format=format, prefixes=prefixes)
    assert data is not None  # no output named: the bytes are returned
    return data


@dataclass(frozen=True)
class ParsedFile:
    """One RDF file, read once and parsed once: its triples as N-Triples lines (a dataset's named
    graphs merged into the default graph, as every stage reads them) and the SHA-256 of its bytes."""

    path: Path
    ntriples: bytes
    sha256: str


def _checked_bytes(path: Path) -> tuple[bytes, ox.RdfFormat]:
    fmt = rdf_format(path)
    data = read_bytes(path)
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_entity_expansion(path, data)
    return data, fmt


def parse_file(path: Path) -> ParsedFile:
    """The file's triples as N-Triples, parsed and written by pyoxigraph without building a Python
    list; an InputError naming the file, line and cause."""
    data, fmt = _checked_bytes(path)
    with _reading(path):
        quads = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
        if fmt.supports_datasets:
            lines = serialized((quad.triple for quad in quads), ox.RdfFormat.N_TRIPLES)
        else:  # quads of the default graph are written as N-Triples lines
            lines = serialized(quads, ox.RdfFormat.N_QUADS)
    import hashlib  # here: loading a store (stats, query, describe) needs no digest, and hashlib is 2 ms

    return ParsedFile(path, lines, hashlib.sha256(data).hexdigest())


def load_file(store: ox.Store, path: Path) -> None:
    """Load one file into the store's default graph, parsed by the store itself (the quickest way
    into it): a dataset's (TriG, N-Quads) named graphs are merged into it."""
    data, fmt = _checked_bytes(path)
    with _reading(path):
        if fmt.supports_datasets:
            quads = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
            store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        else:
            store.load(data, format=fmt, base_iri=path.resolve().as_uri())


def read_triples(path: Path) -> list[ox.Triple]:
    """All triples of one file, or an InputError naming the file, line and cause."""
    data, fmt = _checked_bytes(path)
    with _reading(path):
        return [quad.triple for quad in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]


_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s%]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.S)
_EXPANSION_LIMIT = 16 << 20


def _refuse_entity_expansion(path: Path, data: bytes) -> None:
    """RDF/XML may declare entities (`&rdf;` for a namespace is common); refuse those that expand
    without bound, the "billion laughs": entities in entities, external and parameter entities,
    and more than 16 MiB of replacement text in all."""
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
