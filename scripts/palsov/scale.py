"""Synthetic corpora with the shape of the real data, for `palsov bench --sizes`.

A corpus of about N triples is the ontology plus k renamed copies of the real data: every IRI
minted under https://w3id.org/palsov/id/ gets the suffix -c<k> on its slug (so every shape's IRI
pattern still holds), every date is shifted by 4k years (so leap days and month ends stay true), the years of its EDTF
form with it,
and every label names its copy. Wikidata links, candidates and their records stay with the
original only (one item denotes one thing), and the source document is shared: every copy's
quotes point into it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox

from .graph import KnowledgeGraph
from .project import Project

_ID = "https://w3id.org/palsov/id/"
_SOURCE = _ID + "source/"
_LINKS = ("http://www.w3.org/2002/07/owl#sameAs", "https://w3id.org/palsov/ontology#wikidataCandidate")
_SLUG = re.compile(r"^(https://w3id\.org/palsov/id/[a-z]+/[a-z0-9-]+)(.*)$")
_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"  # one label names one resource: copies get their own
_EDTF = "https://w3id.org/palsov/ontology#edtf"
_EDTF_YEAR = re.compile(r"(?<![0-9-])([0-9]{4})")


def _copyable(triples: list[ox.Triple]) -> list[ox.Triple]:
    records = {t.subject for t in triples if t.subject.value.startswith(_ID + "link/")}
    return [
        t
        for t in triples
        if t.predicate.value not in _LINKS and t.subject not in records and not t.subject.value.startswith(_SOURCE)
    ]


def _rename(node: ox.NamedNode | ox.BlankNode | ox.Literal, k: int) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(node, ox.NamedNode):
        match = _SLUG.match(node.value)
        if match and not node.value.startswith(_SOURCE):
            return ox.NamedNode(f"{match.group(1)}-c{k}{match.group(2)}")
        return node
    if isinstance(node, ox.Literal) and node.datatype.value == _XSD_DATE:
        year, rest = node.value[:4], node.value[4:]
        return ox.Literal(f"{int(year) + 4 * k:04d}{rest}", datatype=node.datatype)
    return node


def _shift_edtf(node: ox.Literal, k: int) -> ox.Literal:
    """The EDTF form of a shifted time span, its years shifted with its bounds."""
    return ox.Literal(_EDTF_YEAR.sub(lambda year: f"{int(year.group(1)) + 4 * k:04d}", node.value))


def copies_for(size: int, data_triples: int, ontology_triples: int) -> int:
    return max(1, round((size - ontology_triples) / data_triples))


def write_corpus(project: Project, size: int, folder: Path) -> Project:
    """A project in `folder` whose data are about `size` triples; returns it."""
    kg = KnowledgeGraph.read(project)
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(project.root / part, folder / part, dirs_exist_ok=True)
    (folder / "data" / "source").mkdir(parents=True, exist_ok=True)
    shutil.copy2(project.source_text, folder / "data" / "source" / "article.txt")
    copyable = _copyable(kg.data_triples)
    kept = [t for t in kg.data_triples if t not in set(copyable)]
    copies = copies_for(size, len(kg.data_triples), len(kg.ontology_triples))
    with (folder / "data" / "corpus.nt").open("wb") as stream:
        stream.write(ox.serialize(kept + copyable, format=ox.RdfFormat.N_TRIPLES))
        for k in range(1, copies):
            renamed = [
                ox.Triple(
                    _rename(t.subject, k),
                    t.predicate,
                    ox.Literal(f"{t.object.value} (copy {k})", language=t.object.language)
                    if t.predicate.value == _LABEL
                    else _shift_edtf(t.object, k)
                    if t.predicate.value == _EDTF
                    else _rename(t.object, k),
                )
                for t in copyable
            ]
            stream.write(ox.serialize(renamed, format=ox.RdfFormat.N_TRIPLES))
    return Project(folder)
