"""The result of `palsov link check`, kept: each link's outcome against the endpoint on the date its
answer was retrieved, as W3C EARL assertions about the link's record, in data/wikidata/link-checks.ttl
(replaced by each run). A link corroborated offline by two sources is upgraded by a passing check:
the SSSOM mapping set and the README say how."""

from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from ..rdf.files import locked, write_durably
from ..rdf.graph import KnowledgeGraph
from ..rdf.io import serialized
from ..rdf.sparql import select
from ..rdf.vocab import DCTERMS, EARL, ID, PREFIXES, RDF_TYPE, WD, XSD_DATETIME
from .check import CheckRun

#: The test every link is put to: what `palsov link check` compares (see `check.problems`).
LINK_CHECK = ID("test/wikidata-link-check")
_DESCRIPTION = (
    "palsov link check: the item exists and is not a redirect; its labels agree with ours or with those its "
    "verification record gives; its classes fit the resource's type; its dates do not contradict ours; "
    "no other resource is linked to it."
)


def records(kg: KnowledgeGraph) -> dict[tuple[str, str], str]:
    """(resource, QID) -> the IRI of the oa:identifying record of that link."""
    found = {}
    for row in select(
        kg.store,
        "SELECT ?r ?item ?record { ?record oa:motivatedBy oa:identifying ; oa:hasTarget ?r ; oa:hasBody ?item }",
    ):
        item = row["item"].value
        if item.startswith(WD):
            found[(row["r"].value, item[len(WD) :])] = row["record"].value
    return found


def assertions(run: CheckRun, kg: KnowledgeGraph) -> list[ox.Triple]:
    """Each checked link's outcome (earl:passed, or earl:failed with the problems) as triples."""
    by_link = records(kg)
    problems: dict[str, list[str]] = {}
    for finding in run.findings:
        problems.setdefault(finding.resource, []).append(finding.problem)
    when = ox.Literal(run.retrieved, datatype=XSD_DATETIME)
    triples = [
        ox.Triple(LINK_CHECK, RDF_TYPE, EARL("TestCase")),
        ox.Triple(LINK_CHECK, DCTERMS("title"), ox.Literal("palsov link check", language="en")),
        ox.Triple(LINK_CHECK, DCTERMS("description"), ox.Literal(_DESCRIPTION, language="en")),
    ]
    for resource in run.linked:
        assert resource.item is not None
        subject = by_link.get((resource.iri, resource.item), resource.iri)
        assertion, result = ox.NamedNode(f"{subject}/check"), ox.NamedNode(f"{subject}/check/result")
        found = problems.get(resource.iri, [])
        said = f"wd:{resource.item} agrees with {resource.label!r}" if not found else "; ".join(found)
        triples += [
            ox.Triple(assertion, RDF_TYPE, EARL("Assertion")),
            ox.Triple(assertion, EARL("subject"), ox.NamedNode(subject)),
            ox.Triple(assertion, EARL("test"), LINK_CHECK),
            ox.Triple(assertion, EARL("mode"), EARL("automatic")),
            ox.Triple(assertion, EARL("result"), result),
            ox.Triple(result, RDF_TYPE, EARL("TestResult")),
            ox.Triple(result, EARL("outcome"), EARL("failed" if found else "passed")),
            ox.Triple(result, DCTERMS("date"), when),
            ox.Triple(result, DCTERMS("source"), ox.NamedNode(run.endpoint)),
            ox.Triple(result, DCTERMS("description"), ox.Literal(said, language="en")),
        ]
    return triples


def record(project: Project, kg: KnowledgeGraph, run: CheckRun) -> str:
    """Write the run's results to data/wikidata/link-checks.ttl (whole, durably, under the data lock)."""
    body = serialized(sorted(assertions(run, kg), key=str), ox.RdfFormat.TURTLE, PREFIXES)
    header = (
        f"# palsov link check: every Wikidata link's result against {run.endpoint}, as retrieved {run.retrieved}\n"
        "# (W3C EARL). Written by `palsov link check`, replaced by each run; an offline run reproduces it from\n"
        "# data/wikidata/cache/.\n"
    )
    path = project.link_check_file
    with locked(project.data_dir):
        write_durably(path, header.encode() + body)
    return str(path)
