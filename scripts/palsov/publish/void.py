"""The dataset's description in VoID and DCAT, generated from the graph and the files of a build."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..rdf.files import sha256_of
from ..rdf.io import rdf_format
from ..rdf.sparql import count, select
from ..rdf.vocab import (
    ARTICLE,
    CC_BY_SA,
    CONTEXT,
    DATASET,
    DCAT,
    DCTERMS,
    DOWNLOADS,
    ID,
    MEDIA_TYPES,
    ONTOLOGY,
    OWL,
    PREFIXES,
    PROV,
    RDF_TYPE,
    SOURCE_ARTICLE,
    SPDX,
    VOID,
    XSD,
    XSD_INTEGER,
    split_iri,
)
from ..runtime.versions import palsov_version

MANIFEST = "SHA256SUMS"  # in dist/: every file of the build but the site and the w3id rules, by SHA-256
EXAMPLES = (
    "actor/soviet-union",
    "event/soviet-vote-for-the-un-partition-plan",
    "stance/soviet-union-on-partition-from-1947",
)


@dataclass(frozen=True)
class Distribution:
    path: Path
    media_type: str
    title: str
    #: The JSON-LD context a JSON-LD file is compacted with (its terms and prefixes), if any.
    context: ox.NamedNode | None = None


def distribution(path: Path, title: str) -> Distribution:
    """A file of the build as a distribution, with the media type of its format; a JSON-LD file
    names the context it is compacted with (and carries inline)."""
    media_type = rdf_format(path).media_type
    context = CONTEXT if media_type == ox.RdfFormat.JSON_LD.media_type else None
    return Distribution(path=path, media_type=media_type, title=title, context=context)


def _literal(value: object, datatype: ox.NamedNode | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(str(value), language=language)
    return ox.Literal(str(value), datatype=datatype) if datatype else ox.Literal(str(value))


def _short(iri: str) -> str:
    """A readable local name for a partition IRI: prefix-local, e.g. palsov-Event."""
    split = split_iri(iri)
    return f"{split[0]}-{split[1]}" if split else hashlib.sha256(iri.encode()).hexdigest()[:16]


def describe(
    store: ox.Store, distributions: Iterable[Distribution] = (), sparql_endpoint: str | None = None
) -> list[ox.Triple]:
    """VoID and DCAT statements about the merged graph and the given files."""
    return describe_graph(store, sparql_endpoint) + describe_files(distributions)


def describe_graph(store: ox.Store, sparql_endpoint: str | None = None) -> list[ox.Triple]:
    """The dataset: what it is, its licence and origin, and its counts and partitions (counted in
    the store: no million-triple set in Python)."""
    out: list[ox.Triple] = []

    def add(subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subject, predicate, obj))

    header = {q.predicate: q.object for q in store.quads_for_pattern(ONTOLOGY, None, None)}
    for kind in (VOID("Dataset"), DCAT("Dataset")):
        add(DATASET, RDF_TYPE, kind)
    add(DATASET, DCTERMS("title"), _literal("palsov: Palestine–Soviet Union relations, 1919–1991", language="en"))
    add(
        DATASET,
        DCTERMS("description"),
        _literal(
            "A linked-data knowledge graph of the relations between the Palestinian national"
            " movement and the Soviet Union, 1919–1991: the events, actors and stances of the"
            " English Wikipedia article 'Palestine–Soviet Union relations', each with the"
            " verbatim passage that supports it.",
            language="en",
        ),
    )
    add(DATASET, DCTERMS("license"), CC_BY_SA)
    add(
        DATASET,
        DCTERMS("rights"),
        _literal(
            "Derived from the English Wikipedia article 'Palestine–Soviet Union relations' by its "
            "contributors, CC BY-SA 4.0.",
            language="en",
        ),
    )
    add(DATASET, DCTERMS("source"), ARTICLE)
    add(DATASET, PROV("wasDerivedFrom"), SOURCE_ARTICLE)
    add(DATASET, DCTERMS("creator"), _literal("The palsov developers"))
    add(DATASET, OWL("versionInfo"), _literal(palsov_version()))
    add(DATASET, DCTERMS("conformsTo"), ONTOLOGY)
    for source, target in ((DCTERMS("created"), DCTERMS("issued")), (DCTERMS("modified"), DCTERMS("modified"))):
        found = header.get(source)
        if isinstance(found, ox.NamedNode | ox.Literal):
            add(DATASET, target, found)
    add(DATASET, VOID("uriSpace"), _literal(ID))
    for example in EXAMPLES:
        add(DATASET, VOID("exampleResource"), ID(example))
    if sparql_endpoint:
        add(DATASET, VOID("sparqlEndpoint"), ox.NamedNode(sparql_endpoint))

    classes = {
        row["c"].value: int(row["n"].value)
        for row in select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
        if isinstance(row["c"], ox.NamedNode) and isinstance(row["n"], ox.Literal)
    }
    properties = {
        row["p"].value: int(row["n"].value)
        for row in select(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
        if isinstance(row["p"], ox.NamedNode) and isinstance(row["n"], ox.Literal)
    }
    subjects = count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    add(DATASET, VOID("triples"), _literal(len(store), XSD_INTEGER))
    add(DATASET, VOID("distinctSubjects"), _literal(subjects, XSD_INTEGER))
    add(DATASET, VOID("classes"), _literal(len(classes), XSD_INTEGER))
    add(DATASET, VOID("properties"), _literal(len(properties), XSD_INTEGER))
    vocabularies = {ns for ns in PREFIXES.values() if any(p.startswith(ns) for p in properties)}
    for namespace in sorted(vocabularies):
        if not namespace.startswith(ID):
            add(DATASET, VOID("vocabulary"), ox.NamedNode(namespace))
    for cls, number in sorted(classes.items()):
        partition = ox.NamedNode(f"{DATASET.value}/class/{_short(cls)}")
        add(DATASET, VOID("classPartition"), partition)
        add(partition, VOID("class"), ox.NamedNode(cls))
        add(partition, VOID("entities"), _literal(number, XSD_INTEGER))
    for prop, number in sorted(properties.items()):
        partition = ox.NamedNode(f"{DATASET.value}/property/{_short(prop)}")
        add(DATASET, VOID("propertyPartition"), partition)
        add(partition, VOID("property"), ox.NamedNode(prop))
        add(partition, VOID("triples"), _literal(number, XSD_INTEGER))
    return out


def describe_files(distributions: Iterable[Distribution]) -> list[ox.Triple]:
    """Each file as a DCAT distribution of the dataset: media type, size and SHA-256."""
    out: list[ox.Triple] = []

    def add(subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subject, predicate, obj))

    for item in distributions:
        node = ox.NamedNode(f"{DATASET.value}/distribution/{item.path.name}")
        checksum = ox.NamedNode(f"{DATASET.value}/distribution/{item.path.name}/sha256")
        add(DATASET, DCAT("distribution"), node)
        add(DATASET, VOID("dataDump"), DOWNLOADS(item.path.name))
        add(node, RDF_TYPE, DCAT("Distribution"))
        add(node, DCTERMS("title"), _literal(item.title, language="en"))
        add(node, DCAT("downloadURL"), DOWNLOADS(item.path.name))
        add(node, DCAT("mediaType"), MEDIA_TYPES(item.media_type))
        add(node, DCAT("byteSize"), _literal(item.path.stat().st_size, XSD("nonNegativeInteger")))
        add(node, DCTERMS("license"), CC_BY_SA)
        add(node, SPDX("checksum"), checksum)
        add(checksum, RDF_TYPE, SPDX("Checksum"))
        add(checksum, SPDX("algorithm"), SPDX("checksumAlgorithm_sha256"))
        add(checksum, SPDX("checksumValue"), _literal(sha256_of(item.path), XSD("hexBinary")))
        if item.context is not None:
            add(node, DCTERMS("conformsTo"), item.context)
    return out


def describe_context(path: Path, versioned: Path, version: str) -> list[ox.Triple]:
    """The JSON-LD context as a resource of its own, at its IRI: not a distribution (it holds none
    of the dataset's triples) but what the JSON-LD distributions conform to (`dcterms:conformsTo`),
    with its version, the download of that version, licence and SHA-256."""
    checksum = ox.NamedNode(f"{DATASET.value}/context/sha256")
    about: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (CONTEXT, RDF_TYPE, DCTERMS("Standard")),
        (CONTEXT, DCTERMS("title"), _literal("The palsov JSON-LD context", language="en")),
        (
            CONTEXT,
            DCTERMS("description"),
            _literal(
                "The terms and prefixes palsov's JSON-LD is compacted with: one short key per property"
                " (the property's own name: holder, issue, polarity, certainty …), dates typed"
                " xsd:date, compact IRIs for resources and concepts. JSON-LD 1.0 and 1.1.",
                language="en",
            ),
        ),
        (CONTEXT, DCTERMS("format"), MEDIA_TYPES(ox.RdfFormat.JSON_LD.media_type)),
        (CONTEXT, DCTERMS("license"), CC_BY_SA),
        (CONTEXT, OWL("versionInfo"), _literal(version)),
        (CONTEXT, DCTERMS("hasVersion"), DOWNLOADS(versioned.name)),
        (CONTEXT, DCTERMS("isPartOf"), DATASET),
        (CONTEXT, SPDX("checksum"), checksum),
        (checksum, RDF_TYPE, SPDX("Checksum")),
        (checksum, SPDX("algorithm"), SPDX("checksumAlgorithm_sha256")),
        (checksum, SPDX("checksumValue"), _literal(sha256_of(path), XSD("hexBinary"))),
    ]
    return [ox.Triple(*triple) for triple in about]


def sha256sums(paths: list[Path]) -> str:
    """A SHA256SUMS manifest in the format `sha256sum -c` reads."""
    return "".join(f"{sha256_of(p)}  {p.name}\n" for p in sorted(paths))


def downloads(dist: Path) -> list[Path]:
    """The build's downloads in `dist`: the files its manifest lists, and the manifest (none
    before a build). What other commands leave in dist/ is not the build's, and is not listed."""
    manifest = dist / MANIFEST
    if not manifest.is_file():
        return []
    names = [line.split("  ", 1)[1] for line in manifest.read_text(encoding="utf-8").splitlines() if "  " in line]
    return sorted([*(dist / name for name in names if (dist / name).is_file()), manifest])


__all__ = [
    "Distribution",
    "describe",
    "describe_context",
    "describe_files",
    "describe_graph",
    "distribution",
    "downloads",
    "sha256sums",
]
