"""Every shape proven against the fault it exists for, in the manner of the W3C SHACL test suite.

`shapes/valid/` holds graphs that must conform. Each `shapes/invalid/*.trig` damages the minimal
valid graph (`valid/minimal.ttl`): graph `test:remove` lists triples taken out, `test:add`
triples put in, and `test:expect` the results validation must give, as sh:ValidationResult
nodes naming the focus node, the source shape (or integrity query) and the severity. A fixture
passes when validation gives exactly those (focus, shape, severity) results. A last test proves
that the fixtures, together, trip every constraint the shapes declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from palsov.edtfcheck import EDTF_CHECK
from palsov.graph import KnowledgeGraph
from palsov.parse import read_triples
from palsov.queries import saved_queries
from palsov.report import Report
from palsov.validate import Shapes, validate

from .conftest import ROOT

HERE = Path(__file__).parent / "shapes"
TEST = "https://w3id.org/palsov/test#"
SH_NS = "http://www.w3.org/ns/shacl#"
INVALID = sorted((HERE / "invalid").glob("*.trig"))
VALID = sorted((HERE / "valid").glob("*.ttl"))
#: Constraint parameters and the component each one stands for.
COMPONENTS = {
    "minCount": "MinCount",
    "maxCount": "MaxCount",
    "class": "Class",
    "datatype": "Datatype",
    "pattern": "Pattern",
    "hasValue": "HasValue",
    "in": "In",
    "languageIn": "LanguageIn",
    "uniqueLang": "UniqueLang",
    "nodeKind": "NodeKind",
    "node": "Node",
    "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "qualifiedMinCount": "QualifiedMinCount",
    "qualifiedMaxCount": "QualifiedMaxCount",
    "minInclusive": "MinInclusive",
    "maxInclusive": "MaxInclusive",
    "minLength": "MinLength",
    "or": "Or",
}


@dataclass(frozen=True)
class Fixture:
    name: str
    remove: set[ox.Triple]
    add: set[ox.Triple]
    expected: set[tuple[str, str, str]]  # (focus, shape, severity)


@cache
def shapes() -> Shapes:
    return Shapes.read(sorted((ROOT / "shapes").glob("*.ttl")))


@cache
def ontology() -> tuple[ox.Triple, ...]:
    return tuple(t for p in sorted((ROOT / "ontology").rglob("*.ttl")) for t in read_triples(p))


@cache
def base() -> frozenset[ox.Triple]:
    return frozenset(read_triples(HERE / "valid" / "minimal.ttl"))


def check(triples: set[ox.Triple] | frozenset[ox.Triple]) -> Report:
    kg = KnowledgeGraph.from_triples(list(ontology()), list(triples))
    checks = [q for q in saved_queries(ROOT / "queries") if q.is_violation_check]
    return validate(kg, shapes(), integrity_queries=checks)


def load_fixture(path: Path) -> Fixture:
    graphs: dict[str, set[ox.Quad]] = {"remove": set(), "add": set(), "expect": set()}
    with path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.TRIG):
            name = quad.graph_name.value.removeprefix(TEST) if isinstance(quad.graph_name, ox.NamedNode) else ""
            assert name in graphs, f"{path.name}: statements outside test:remove, test:add, test:expect"
            graphs[name].add(quad)
    expect = {(q.subject, q.predicate.value): q.object for q in graphs["expect"]}
    results = {s for s, p in expect if p == str(RDF.type)}
    expected = {
        (
            expect[(r, SH_NS + "focusNode")].value,
            expect[(r, SH_NS + "sourceShape")].value,
            expect[(r, SH_NS + "resultSeverity")].value.removeprefix(SH_NS),
        )
        for r in results
    }
    return Fixture(
        name=path.stem,
        remove={q.triple for q in graphs["remove"]},
        add={q.triple for q in graphs["add"]},
        expected=expected,
    )


@cache
def fixture_report(path: Path) -> tuple[Fixture, Report]:
    fixture = load_fixture(path)
    missing = fixture.remove - base()
    assert not missing, f"{path.name} removes triples the base does not have: {missing}"
    return fixture, check((base() - fixture.remove) | fixture.add)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms_without_a_result(path: Path) -> None:
    report = check(frozenset(read_triples(path)))
    assert report.results == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_trips_exactly_its_shape(path: Path) -> None:
    fixture, report = fixture_report(path)
    assert fixture.expected, f"{path.name} declares no expected result"
    found = {(r.focus, r.shape, r.severity) for r in report.results}
    assert found == fixture.expected


def declared_constraints(graph) -> set[tuple[str, str]]:
    """(shape node, component) for every constraint of every targeted shape."""
    targeted = {
        s
        for s in graph.subjects(RDF.type, SH.NodeShape)
        if any(graph.value(s, SH[t]) is not None for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf"))
    }
    declared = set()
    for shape in targeted:
        for node in (shape, *graph.objects(shape, SH.property)):
            for parameter, component in COMPONENTS.items():
                if graph.value(node, SH[parameter]) is not None:
                    declared.add((str(node), f"{SH_NS}{component}ConstraintComponent"))
        for constraint in graph.objects(shape, SH.sparql):
            identity = str(constraint) if isinstance(constraint, URIRef) else f"{SH_NS}SPARQLConstraintComponent"
            declared.add((str(constraint), identity))
    return declared


def test_the_fixtures_trip_every_constraint_of_every_shape() -> None:
    declared = declared_constraints(shapes().graph)
    assert len(declared) > 150
    tripped = {(r.source, r.component) for path in INVALID for r in fixture_report(path)[1].results}
    untested = sorted(declared - tripped)
    assert untested == [], f"{len(untested)} constraints no invalid fixture trips"


def test_every_integrity_query_is_tripped_by_a_fixture() -> None:
    checks = {q.iri for q in saved_queries(ROOT / "queries") if q.is_violation_check}
    tripped = {r.shape for path in INVALID for r in fixture_report(path)[1].results}
    assert checks <= tripped


def test_the_edtf_check_is_tripped_by_fixtures() -> None:
    """The EDTF check is Python, not a shape: prove its faults are caught as the shapes' are."""
    tripped = {path.stem for path in INVALID if EDTF_CHECK in {r.shape for r in fixture_report(path)[1].results}}
    assert {
        "edtf-set-as-interval-endpoint",
        "edtf-disagrees-with-the-bounds",
        "edtf-bound-neither-given-nor-inferred",
        "edtf-attested-interval",
        "statement-not-asserted",
    } <= tripped


def core_results(report: Report) -> set[tuple[str, str, str, str, str | None]]:
    """The results of core constraints (not SHACL-SPARQL, not the integrity queries or file checks)."""
    return {
        (r.focus, r.shape, r.severity, r.component, r.path)
        for r in report.results
        if r.component.endswith("ConstraintComponent") and not r.component.endswith("SPARQLConstraintComponent")
    }


@pytest.mark.parametrize("path", [*VALID, *INVALID], ids=lambda p: p.stem)
def test_the_sparql_engine_gives_pyshacls_results(path: Path) -> None:
    if path.suffix == ".trig":
        fixture = load_fixture(path)
        triples = (base() - fixture.remove) | fixture.add
    else:
        triples = frozenset(read_triples(path))
    kg = KnowledgeGraph.from_triples(list(ontology()), list(triples))
    assert core_results(validate(kg, shapes(), engine="sparql")) == core_results(
        validate(kg, shapes(), engine="pyshacl")
    )


def test_the_engines_agree_on_the_real_data(kg: KnowledgeGraph) -> None:
    sparql, reference = validate(kg, shapes(), engine="sparql"), validate(kg, shapes(), engine="pyshacl")
    assert core_results(sparql) == core_results(reference)
    assert len(core_results(sparql)) == 20  # the informational results for actors without Wikidata
