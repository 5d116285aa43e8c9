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

from ..project import Project
from ..rdf.graph import KnowledgeGraph
from ..rdf.io import serialized
from ..rdf.terms import Term, nodes, subject_of
from ..rdf.vocab import (
    ID,
    OWL_SAME_AS,
    PALSOV,
    RDFS_LABEL,
    SKOS_EXACT_MATCH,
    SKOS_RELATED_MATCH,
    WIKIDATA_CANDIDATE,
    XSD_DATE,
)

_SOURCE = ID + "source/"
_LINKS = (OWL_SAME_AS, SKOS_EXACT_MATCH, SKOS_RELATED_MATCH, WIKIDATA_CANDIDATE)
_SLUG = re.compile(rf"^({re.escape(ID)}[a-z]+/[a-z0-9-]+)(.*)$")
_LABEL = RDFS_LABEL  # one label names one resource: copies get their own
_EDTF = PALSOV("edtf")
_EDTF_YEAR = re.compile(r"(?<![0-9-])([0-9]{4})")


def _copyable(triples: list[ox.Triple]) -> list[ox.Triple]:
    records = {t.subject for t in triples if subject_of(t).value.startswith(ID + "link/")}
    return [
        t
        for t in triples
        if t.predicate not in _LINKS and t.subject not in records and not subject_of(t).value.startswith(_SOURCE)
    ]


def _rename(node: Term, k: int) -> Term:
    if isinstance(node, ox.NamedNode):
        match = _SLUG.match(node.value)
        if match and not node.value.startswith(_SOURCE):
            return ox.NamedNode(f"{match.group(1)}-c{k}{match.group(2)}")
        return node
    if isinstance(node, ox.Literal) and node.datatype == XSD_DATE:
        year, rest = node.value[:4], node.value[4:]
        return ox.Literal(f"{int(year) + 4 * k:04d}{rest}", datatype=node.datatype)
    return node


def _copy(triple: ox.Triple, k: int) -> ox.Triple:
    """The triple in copy k: its resources renamed, its dates shifted, its label naming the copy."""
    subject, predicate, obj = nodes(triple)
    if predicate == _LABEL and isinstance(obj, ox.Literal):
        copied: Term = ox.Literal(f"{obj.value} (copy {k})", language=obj.language)
    elif predicate == _EDTF:
        copied = _shift_edtf(obj, k)
    else:
        copied = _rename(obj, k)
    renamed = _rename(subject, k)
    assert not isinstance(renamed, ox.Literal)
    return ox.Triple(renamed, predicate, copied)


def _shift_edtf(node: Term, k: int) -> ox.Literal:
    """The EDTF form of a shifted time span, its years shifted with its bounds."""
    return ox.Literal(_EDTF_YEAR.sub(lambda year: f"{int(year.group(1)) + 4 * k:04d}", node.value))


def copies_for(size: int, copied_triples: int, other_triples: int) -> int:
    """How many copies of the `copied_triples` make about `size` triples beside the others
    (the ontology and what is not copied: the links, their records, the source)."""
    return max(1, round((size - other_triples) / copied_triples))


def write_corpus(project: Project, size: int, folder: Path) -> Project:
    """A project in `folder` whose data are about `size` triples; returns it."""
    kg = KnowledgeGraph.read(project)
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(project.root / part, folder / part, dirs_exist_ok=True)
    (folder / "data" / "source").mkdir(parents=True, exist_ok=True)
    shutil.copy2(project.source_text, folder / "data" / "source" / "article.txt")
    copyable = _copyable(kg.data_triples)
    copied = set(copyable)  # once, not for every triple tested: 5 s at a million triples
    kept = [t for t in kg.data_triples if t not in copied]
    copies = copies_for(size, len(copyable), len(kg.ontology_triples) + len(kept))
    with (folder / "data" / "corpus.nt").open("wb") as stream:
        stream.write(serialized(kept + copyable, ox.RdfFormat.N_TRIPLES))
        for k in range(1, copies):
            stream.write(serialized([_copy(t, k) for t in copyable], ox.RdfFormat.N_TRIPLES))
    return Project(folder)
