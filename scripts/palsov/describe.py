"""The dataset's description in VoID and DCAT, generated from the graph and the files of a build."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .graph import KnowledgeGraph
from .namespaces import BASE, DCAT, DCTERMS, OWL, PREFIXES, PROV, RDF, SPDX, VOID, XSD, split_iri
from .output import sha256_of

DATASET = BASE + "dataset"
DOWNLOADS = BASE + "dist/"
ARTICLE = "https://en.wikipedia.org/wiki/Palestine%E2%80%93Soviet_Union_relations"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
EXAMPLES = (
    "id/actor/soviet-union",
    "id/event/soviet-vote-for-the-un-partition-plan",
    "id/stance/soviet-union-on-partition-from-1947",
)
_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".rdf": "application/rdf+xml",
}


@dataclass(frozen=True)
class Distribution:
    path: Path
    media_type: str
    title: str


def distribution(path: Path, title: str) -> Distribution:
    return Distribution(path=path, media_type=_MEDIA_TYPES[path.suffix], title=title)


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(name)


def _lit(value: object, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def _short(iri: str) -> str:
    """A readable local name for a partition IRI: prefix-local, e.g. palsov-Event."""
    split = split_iri(iri)
    return f"{split[0]}-{split[1]}" if split else hashlib.sha256(iri.encode()).hexdigest()[:16]


def describe(
    kg: KnowledgeGraph, distributions: list[Distribution] = (), sparql_endpoint: str | None = None
) -> list[ox.Triple]:
    """VoID and DCAT statements about the merged graph and the given files."""
    return describe_graph(kg, sparql_endpoint) + describe_files(distributions)


def _adder(out: list[ox.Triple]) -> Callable[[ox.NamedNode, str, ox.NamedNode | ox.Literal], None]:
    def add(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subject, _n(predicate), obj))

    return add


def describe_graph(kg: KnowledgeGraph, sparql_endpoint: str | None = None) -> list[ox.Triple]:
    """The dataset: what it is, its licence and origin, and its counts and partitions."""
    store = kg.store  # counted there: no million-triple set in Python
    dataset = _n(DATASET)
    out: list[ox.Triple] = []
    add = _adder(out)

    ontology = _n(BASE + "ontology")
    header = {q.predicate.value: q.object for q in store.quads_for_pattern(ontology, None, None)}
    for kind in (VOID.Dataset, DCAT.Dataset):
        add(dataset, str(RDF.type), _n(str(kind)))
    add(
        dataset,
        str(DCTERMS.title),
        _lit("palsov: Palestine–Soviet Union relations, 1919–1991", language="en"),
    )
    add(
        dataset,
        str(DCTERMS.description),
        _lit(
            "A linked-data knowledge graph of the relations between the Palestinian national"
            " movement and the Soviet Union, 1919–1991: the events, actors and stances of the"
            " English Wikipedia article 'Palestine–Soviet Union relations', each with the"
            " verbatim passage that supports it.",
            language="en",
        ),
    )
    add(dataset, str(DCTERMS.license), _n(CC_BY_SA))
    add(
        dataset,
        str(DCTERMS.rights),
        _lit(
            "Derived from the English Wikipedia article 'Palestine–Soviet Union relations' by its "
            "contributors, CC BY-SA 4.0.",
            language="en",
        ),
    )
    add(dataset, str(DCTERMS.source), _n(ARTICLE))
    add(dataset, str(PROV.wasDerivedFrom), _n(BASE + "id/source/article"))
    add(dataset, str(DCTERMS.creator), _lit("The palsov developers"))
    add(dataset, str(OWL.versionInfo), _lit(__version__))
    add(dataset, str(DCTERMS.conformsTo), ontology)
    for source, target in (
        (str(DCTERMS.created), str(DCTERMS.issued)),
        (str(DCTERMS.modified), str(DCTERMS.modified)),
    ):
        if source in header:
            add(dataset, target, header[source])
    add(dataset, str(VOID.uriSpace), _lit(BASE + "id/"))
    for example in EXAMPLES:
        add(dataset, str(VOID.exampleResource), _n(BASE + example))
    if sparql_endpoint:
        add(dataset, str(VOID.sparqlEndpoint), _n(sparql_endpoint))

    classes = {
        row["c"].value: int(row["n"].value)
        for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    }
    properties = {
        row["p"].value: int(row["n"].value)
        for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    }
    subjects = next(iter(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
    add(dataset, str(VOID.triples), _lit(len(store), str(XSD.integer)))
    add(dataset, str(VOID.distinctSubjects), _lit(subjects, str(XSD.integer)))
    add(dataset, str(VOID.classes), _lit(len(classes), str(XSD.integer)))
    add(dataset, str(VOID.properties), _lit(len(properties), str(XSD.integer)))
    vocabularies = {ns for ns in PREFIXES.values() if any(p.startswith(ns) for p in properties)}
    for namespace in sorted(vocabularies):
        if not namespace.startswith(BASE + "id/"):
            add(dataset, str(VOID.vocabulary), _n(namespace))
    for cls, count in sorted(classes.items()):
        partition = _n(f"{DATASET}/class/{_short(cls)}")
        add(dataset, str(VOID.classPartition), partition)
        add(partition, str(VOID["class"]), _n(cls))
        add(partition, str(VOID.entities), _lit(count, str(XSD.integer)))
    for prop, count in sorted(properties.items()):
        partition = _n(f"{DATASET}/property/{_short(prop)}")
        add(dataset, str(VOID.propertyPartition), partition)
        add(partition, str(VOID.property), _n(prop))
        add(partition, str(VOID.triples), _lit(count, str(XSD.integer)))
    return out


def describe_files(distributions: list[Distribution]) -> list[ox.Triple]:
    """Each file as a DCAT distribution of the dataset: media type, size and SHA-256."""
    dataset = _n(DATASET)
    out: list[ox.Triple] = []
    add = _adder(out)
    for item in distributions:
        node = _n(f"{DATASET}/distribution/{item.path.name}")
        checksum = _n(f"{DATASET}/distribution/{item.path.name}/sha256")
        add(dataset, str(DCAT.distribution), node)
        add(dataset, str(VOID.dataDump), _n(DOWNLOADS + item.path.name))
        add(node, str(RDF.type), _n(str(DCAT.Distribution)))
        add(node, str(DCTERMS.title), _lit(item.title, language="en"))
        add(node, str(DCAT.downloadURL), _n(DOWNLOADS + item.path.name))
        add(
            node,
            str(DCAT.mediaType),
            _n("https://www.iana.org/assignments/media-types/" + item.media_type),
        )
        add(node, str(DCAT.byteSize), _lit(item.path.stat().st_size, str(XSD.nonNegativeInteger)))
        add(node, str(DCTERMS.license), _n(CC_BY_SA))
        add(node, str(SPDX.checksum), checksum)
        add(checksum, str(RDF.type), _n(str(SPDX.Checksum)))
        add(checksum, str(SPDX.algorithm), _n(str(SPDX.checksumAlgorithm_sha256)))
        add(
            checksum,
            str(SPDX.checksumValue),
            _lit(sha256_of(item.path), str(XSD.hexBinary)),
        )
    return out


def sha256sums(paths: list[Path]) -> str:
    """A SHA256SUMS manifest in the format `sha256sum -c` reads."""
    return "".join(f"{sha256_of(p)}  {p.name}\n" for p in sorted(paths))
