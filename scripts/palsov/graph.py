"""The knowledge graph of a project: its ontology and data, read once, served to every stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .jsonld import context_path, load_context
from .namespaces import PREFIXES
from .parse import read_triples, to_rdflib
from .project import Project


@dataclass
class KnowledgeGraph:
    """The triples of the ontology files and of the data files, kept apart and merged on demand."""

    ontology_triples: list[ox.Triple]
    data_triples: list[ox.Triple]
    data_files: list[Path] = field(default_factory=list)
    #: The JSON-LD context its JSON-LD documents are compacted with.
    context: dict = field(default_factory=lambda: dict(PREFIXES))
    #: Facts fetched from Wikidata for the linked items (a named graph of their own).
    enrichment_triples: list[ox.Triple] = field(default_factory=list)
    #: The dataset's VoID/DCAT description, once a build has made it (a named graph of its own).
    description_triples: list[ox.Triple] = field(default_factory=list)

    @classmethod
    def read(cls, project: Project, data_files: list[Path] | None = None) -> KnowledgeGraph:
        files = data_files if data_files is not None else project.data_files()
        return cls(
            ontology_triples=[t for p in project.ontology_files() for t in read_triples(p)],
            data_triples=[t for p in files for t in read_triples(p)],
            data_files=files,
            enrichment_triples=[t for p in project.enrichment_files() for t in read_triples(p)],
            context=load_context(context_path(project.ontology_dir)),
        )

    @cached_property
    def store(self) -> ox.Store:
        """The merged graph in the embedded store's default graph."""
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.all_triples())
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
    def sorted_triples(self) -> list[ox.Triple]:
        """The merged graph without duplicates, by subject, predicate and object: the order every
        export writes, computed once for all of them."""
        return sorted(set(self.all_triples()), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def all_triples(self) -> list[ox.Triple]:
        """The merged graph: ontology, data and any Wikidata enrichment."""
        return [*self.ontology_triples, *self.data_triples, *self.enrichment_triples]
