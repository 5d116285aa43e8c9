"""The knowledge graph of a project: its ontology and data, read once, served to every stage."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .jsonld import context_path, load_context
from .namespaces import PREFIXES
from .parse import load_file, ntriples_of, read_triples, to_rdflib
from .project import Project


@dataclass
class KnowledgeGraph:
    """The ontology, the data and any Wikidata enrichment, kept apart and merged on demand.

    Read from a project, nothing is parsed until a stage asks: the embedded store loads the files
    itself (the quickest way into it), and the triples are parsed into Python only for the stages
    that need them (exports, JSON-LD, the rdflib-based reference validation).
    """

    ontology_files: list[Path] = field(default_factory=list)
    data_files: list[Path] = field(default_factory=list)
    enrichment_files: list[Path] = field(default_factory=list)
    #: The JSON-LD context its JSON-LD documents are compacted with.
    context: dict = field(default_factory=lambda: dict(PREFIXES))
    #: The dataset's VoID/DCAT description, once a build has made it (a named graph of its own).
    description_triples: list[ox.Triple] = field(default_factory=list)
    #: Triples handed over instead of files (tests, synthetic data): ontology, data, enrichment.
    given: dict[str, list[ox.Triple]] | None = None

    @classmethod
    def read(cls, project: Project, data_files: list[Path] | None = None) -> KnowledgeGraph:
        return cls(
            ontology_files=project.ontology_files(),
            data_files=data_files if data_files is not None else project.data_files(),
            enrichment_files=project.enrichment_files(),
            context=load_context(context_path(project.ontology_dir)),
        )

    @classmethod
    def from_triples(
        cls, ontology: list[ox.Triple], data: list[ox.Triple], enrichment: list[ox.Triple] = ()
    ) -> KnowledgeGraph:
        return cls(given={"ontology": list(ontology), "data": list(data), "enrichment": list(enrichment)})

    def _part(self, name: str, files: list[Path]) -> list[ox.Triple]:
        return self.given[name] if self.given is not None else [t for p in files for t in read_triples(p)]

    @cached_property
    def ontology_triples(self) -> list[ox.Triple]:
        return self._part("ontology", self.ontology_files)

    @cached_property
    def data_triples(self) -> list[ox.Triple]:
        return self._part("data", self.data_files)

    @cached_property
    def enrichment_triples(self) -> list[ox.Triple]:
        return self._part("enrichment", self.enrichment_files)

    @cached_property
    def store(self) -> ox.Store:
        """The merged graph in the embedded store's default graph."""
        store = ox.Store()
        if self.given is not None:
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.all_triples())
        else:
            for path in [*self.ontology_files, *self.data_files, *self.enrichment_files]:
                load_file(store, path)
        return store

    @cached_property
    def ontology(self) -> Graph:
        return to_rdflib(self.ontology_triples)

    @cached_property
    def data(self) -> Graph:
        return to_rdflib(self.data_triples)

    @cached_property
    def merged(self) -> Graph:
        return to_rdflib(self.all_triples())

    @cached_property
    def sorted_parts(self) -> dict[str, bytes]:
        """Each part (ontology, data, enrichment) as N-Triples, one line per distinct triple, in
        byte order. Serialised and sorted as bytes, it costs seconds, not minutes, at a million
        triples; the named-graph exports write the parts, the others their merge."""
        if self.given is not None:
            return {name: sorted_ntriples(triples) for name, triples in self.given.items()}
        files = {"ontology": self.ontology_files, "data": self.data_files, "enrichment": self.enrichment_files}
        return {name: _sorted_lines(b"".join(ntriples_of(p) for p in paths)) for name, paths in files.items()}

    @cached_property
    def sorted_ntriples(self) -> bytes:
        """The merged graph as N-Triples, distinct lines in byte order: the order every export writes."""
        merged = heapq.merge(*(part.splitlines(keepends=True) for part in self.sorted_parts.values()))
        return b"".join(line for line, _ in itertools.groupby(merged))

    def all_triples(self) -> list[ox.Triple]:
        """The merged graph: ontology, data and any Wikidata enrichment."""
        return [*self.ontology_triples, *self.data_triples, *self.enrichment_triples]


def sorted_ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return _sorted_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _sorted_lines(data: bytes) -> bytes:
    return b"".join(sorted(set(data.splitlines(keepends=True))))
