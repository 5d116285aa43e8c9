"""The knowledge graph: its ontology, data and Wikidata enrichment, each file read and parsed once,
served to every stage.

Nothing is read until a stage asks. A command that needs only the embedded store (validate, stats,
query) has the store parse the files itself, the quickest way into it. A command that writes the
graph needs both the files' N-Triples, which every export is written from, and the store: `build`
has them made at once, on two threads where there are two cores (`parse_and_load`: the store
parses the files while they are parsed into N-Triples); else, and in `export`, the store is loaded
from the N-Triples, so that each file is parsed once.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from ..runtime.cores import usable_cores
from .io import load_file, parse_file, read_triples, serialized
from .terms import to_rdflib

if TYPE_CHECKING:
    import rdflib

#: The parts of the graph, in the order the dataset exports write them.
PARTS = ("ontology", "data", "enrichment")


class GraphSources(Protocol):
    """Where a graph's files are: a project (palsov.project.Project) or anything laid out like one."""

    def ontology_files(self) -> list[Path]: ...

    def data_files(self) -> list[Path]: ...

    def enrichment_files(self) -> list[Path]: ...


@dataclass
class KnowledgeGraph:
    """The ontology, the data and any Wikidata enrichment, kept apart and merged on demand."""

    ontology_files: list[Path] = field(default_factory=list)
    data_files: list[Path] = field(default_factory=list)
    enrichment_files: list[Path] = field(default_factory=list)
    #: Triples handed over instead of files (tests, synthetic data): ontology, data, enrichment.
    given: dict[str, list[ox.Triple]] | None = None
    _sha256: dict[Path, str] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def read(cls, sources: GraphSources, data_files: list[Path] | None = None) -> KnowledgeGraph:
        return cls(
            ontology_files=sources.ontology_files(),
            data_files=data_files if data_files is not None else sources.data_files(),
            enrichment_files=sources.enrichment_files(),
        )

    @classmethod
    def from_triples(
        cls, ontology: Iterable[ox.Triple], data: Iterable[ox.Triple], enrichment: Iterable[ox.Triple] = ()
    ) -> KnowledgeGraph:
        return cls(given={"ontology": list(ontology), "data": list(data), "enrichment": list(enrichment)})

    @property
    def files(self) -> dict[str, list[Path]]:
        return {"ontology": self.ontology_files, "data": self.data_files, "enrichment": self.enrichment_files}

    @cached_property
    def parsed(self) -> dict[str, bytes]:
        """Each part's N-Triples, its files read and parsed once, in their order (and each file's
        SHA-256 kept). Once the exports have sorted a large part, its lines as read are let go: the
        sorted lines hold the same triples. The ontology's are kept, for the libraries that read it
        in order (pyLODE writes its page in the order it is given the triples)."""
        parts = {}
        for name, paths in self.files.items():
            files = [parse_file(path) for path in paths]
            self._sha256.update({file.path: file.sha256 for file in files})
            parts[name] = b"".join(file.ntriples for file in files)
        return parts

    def parse_and_load(self) -> None:
        """The files' N-Triples and the store, made at once: with more than one core, the store
        reads and parses the files on a thread of its own while this one parses them into
        N-Triples (pyoxigraph lets go of the GIL while it loads). On two cores that took a build's
        reading from 0.47–0.59 s to 0.29–0.33 s at 160k triples; on one, the store is loaded from
        the N-Triples. A file that does not parse is refused as by either alone."""
        if self.given is not None or self._parsed_yet() or "store" in self.__dict__ or usable_cores() < 2:
            _ = self.parsed, self.store
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="palsov-load") as pool:
            loading = pool.submit(lambda: self.store)
            _ = self.parsed
            loading.result()

    def _parsed_yet(self) -> bool:
        return "parsed" in self.__dict__

    @cached_property
    def store(self) -> ox.Store:
        """The merged graph in the embedded store's default graph."""
        store = ox.Store()
        if self.given is not None:
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.all_triples())
        elif self._parsed_yet():
            for name in PARTS:
                store.load(self._lines(name), format=ox.RdfFormat.N_TRIPLES)
        else:
            for paths in self.files.values():
                for path in paths:
                    load_file(store, path)
        return store

    @cached_property
    def sorted_parts(self) -> dict[str, bytes]:
        """Each part (ontology, data, enrichment) as N-Triples, one line per distinct triple, in
        byte order. Serialised and sorted as bytes, it costs seconds, not minutes, at a million
        triples; the named-graph exports write the parts, the others their merge."""
        if self.given is not None:
            return {name: sorted_ntriples(triples) for name, triples in self.given.items()}
        parts = {}
        for name in PARTS:
            parts[name] = _sorted_lines(self.parsed[name])
            if name != "ontology":
                del self.parsed[name]
        return parts

    @cached_property
    def sorted_ntriples(self) -> bytes:
        """The merged graph as N-Triples, distinct lines in byte order: the order every export writes."""
        merged = heapq.merge(*(part.splitlines(keepends=True) for part in self.sorted_parts.values()))
        return b"".join(line for line, _ in itertools.groupby(merged))

    def triples(self, part: str) -> list[ox.Triple]:
        """One part's triples (read from what was parsed, never from the files again)."""
        if self.given is not None:
            return self.given[part]
        return [quad.triple for quad in ox.parse(self._lines(part), format=ox.RdfFormat.N_TRIPLES)]

    def _lines(self, part: str) -> bytes:
        """A part's N-Triples: as read, or sorted once the exports have sorted it."""
        return self.parsed[part] if part in self.parsed else self.sorted_parts[part]

    @cached_property
    def ontology_triples(self) -> list[ox.Triple]:
        return self.triples("ontology")

    @cached_property
    def data_triples(self) -> list[ox.Triple]:
        return self.triples("data")

    @cached_property
    def enrichment_triples(self) -> list[ox.Triple]:
        return self.triples("enrichment")

    def all_triples(self) -> list[ox.Triple]:
        """The merged graph: ontology, data and any Wikidata enrichment. Before anything has parsed
        the files into N-Triples, straight from the files: `describe` and `search` need nothing
        else, and parsing them into N-Triples first would take them twice as long."""
        if self.given is None and not self._parsed_yet():
            return [triple for paths in self.files.values() for path in paths for triple in read_triples(path)]
        return [*self.ontology_triples, *self.data_triples, *self.enrichment_triples]

    def sha256(self, part: str) -> dict[Path, str]:
        """The SHA-256 of each file of a part, as it was read."""
        _ = self.parsed
        return {path: self._sha256[path] for path in self.files[part]}

    @cached_property
    def ontology(self) -> rdflib.Graph:
        return to_rdflib(self.ontology_triples)

    @cached_property
    def data(self) -> rdflib.Graph:
        return to_rdflib(self.data_triples)

    @cached_property
    def merged(self) -> rdflib.Graph:
        return to_rdflib(self.all_triples())


def sorted_ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return _sorted_lines(serialized(triples, ox.RdfFormat.N_TRIPLES))


def _sorted_lines(data: bytes) -> bytes:
    return b"".join(sorted(set(data.splitlines(keepends=True))))
