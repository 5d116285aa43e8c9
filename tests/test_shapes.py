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
from rdflib.namespace import RDF

from palsov.queries.saved import saved_queries
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.io import read_triples
from palsov.rdf.vocab import EDTF_CHECK, PREFIXES, RDF_TYPE, SH, XSD_BOOLEAN, XSD_INTEGER
from palsov.validation.engines import results_of_report
from palsov.validation.report import Report, severity_name
from palsov.validation.shapes import Graph, read_path
from palsov.validation.validate import Shapes, validate

from . import jena
from .conftest import ROOT, unlinked_actors

HERE = Path(__file__).parent / "shapes"
TEST = "https://w3id.org/palsov/test#"
SH_NS = "http://www.w3.org/ns/shacl#"
INVALID = sorted((HERE / "invalid").glob("*.trig"))
VALID = sorted((HERE / "valid").glob("*.ttl"))


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
    assert found_results(report) == fixture.expected


def test_the_turtle_report_of_each_invalid_fixture_is_a_standard_report() -> None:
    """Every invalid fixture's report, written as Turtle and parsed again, is a sh:ValidationReport
    whose results are the expected ones, with RDF terms (not display strings) and SHACL paths."""
    for path in INVALID:
        fixture, report = fixture_report(path)
        turtle = report.to_turtle().encode("utf-8")
        parsed = Graph(q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
        (node,) = parsed.subjects(RDF_TYPE, SH("ValidationReport"))
        assert parsed.value(node, SH("conforms")) == ox.Literal("false", datatype=XSD_BOOLEAN)
        found, terms = set(), []
        for result in parsed.objects(node, SH("result")):
            focus, severity = parsed.value(result, SH("focusNode")), parsed.value(result, SH("resultSeverity"))
            value, path_node = parsed.value(result, SH("value")), parsed.value(result, SH("resultPath"))
            result_path = read_path(parsed, path_node) if path_node is not None else None
            component = parsed.value(result, SH("sourceConstraintComponent"))
            owners = owners_in_report(parsed.value(result, SH("sourceShape")), result_path, component)
            key = {(focus.value, owner, severity.value.removeprefix(SH_NS)) for owner in owners} & fixture.expected
            assert key, (path.name, focus, owners)
            found |= key
            terms.append((focus, value, result_path))
        assert found == fixture.expected, path.name
        assert sorted(terms, key=str) == sorted(((r.focus, r.value, r.path) for r in report.results), key=str)


def owners_in_report(source: ox.NamedNode | ox.BlankNode, path, component: ox.NamedNode) -> set[str]:
    """The named shapes a result's sh:sourceShape may belong to: a named one's owner, or for a blank
    property shape of the report, the owners of the shapes graph's property shapes with its path and
    its constraint's component."""
    if isinstance(source, ox.NamedNode):
        return {shapes().owner(source).value}
    return {
        c.shape.owner.value
        for c in shapes().compiled
        if isinstance(c.shape.node, ox.BlankNode) and c.shape.path == path and c.constraint.component.iri == component
    }


def found_results(report: Report) -> set[tuple[str, str, str]]:
    return {(r.focus.value, r.shape.value, severity_name(r.severity)) for r in report.results}


def constraint_key(shape: ox.NamedNode | ox.BlankNode, component, source) -> tuple[str, str, str]:
    return (str(shape), component.value, str(source or ""))


#: SHACL core's parameters (§4), each the key of its constraint component; sh:property has no results
#: of its own, and a qualified count's component is named by its count.
CORE_PARAMETERS = (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "qualifiedMinCount", "qualifiedMaxCount",
    "closed", "hasValue", "in",
)  # fmt: skip
#: Values with which a constraint can have no result (SHACL §4.2.1, §4.4.5, §4.8.1).
NEVER_FAILS = {
    ("minCount", str(ox.Literal("0", datatype=XSD_INTEGER))),
    ("qualifiedMinCount", str(ox.Literal("0", datatype=XSD_INTEGER))),
    ("uniqueLang", str(ox.Literal("false", datatype=XSD_BOOLEAN))),
    ("closed", str(ox.Literal("false", datatype=XSD_BOOLEAN))),
}


def declared_constraints() -> set[tuple[str, str, str]]:
    """Every constraint of every shape that validates focus nodes, read from the shapes graph as
    SHACL defines it, not from our compiler: the shapes with a target (§2.1.3) and the property
    shapes they reach through sh:property (§4.7.2); each core parameter of such a shape, and each
    of its sh:sparql constraints (§5), is a constraint. Shapes only nested in others (sh:or, sh:node,
    sh:qualifiedValueShape …) report through the constraint that holds them."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in shapes().triples)
    query = """SELECT DISTINCT ?shape ?parameter ?value WHERE {
      { ?shape sh:targetClass|sh:targetNode|sh:targetSubjectsOf|sh:targetObjectsOf [] }
      UNION { ?shape a sh:NodeShape , ?class . FILTER (?class IN (rdfs:Class, owl:Class)) }
      UNION { ?targeted sh:targetClass|sh:targetNode|sh:targetSubjectsOf|sh:targetObjectsOf [] ;
                        sh:property+ ?shape }
      ?shape ?parameter ?value .
    }"""
    declared = set()
    for row in store.query(query, prefixes=PREFIXES):
        name = row["parameter"].value.removeprefix(SH_NS)
        if name == "sparql":
            declared.add((str(row["shape"]), SH_NS + "SPARQLConstraintComponent", str(row["value"])))
        elif name in CORE_PARAMETERS and (name, str(row["value"])) not in NEVER_FAILS:
            declared.add((str(row["shape"]), f"{SH_NS}{name[0].upper()}{name[1:]}ConstraintComponent", ""))
    return declared


def test_the_fixtures_trip_every_constraint_of_every_shape() -> None:
    declared = declared_constraints()
    assert {key for key in declared if key[1] == SH_NS + "SPARQLConstraintComponent"}, "the SHACL-SPARQL ones too"
    tripped = {
        constraint_key(r.source_shape, r.component, r.source_constraint)
        for path in INVALID
        for r in fixture_report(path)[1].results
    }
    untested = sorted(declared - tripped)
    assert untested == [], f"{len(untested)} constraints no invalid fixture trips"


def test_every_integrity_query_is_tripped_by_a_fixture() -> None:
    checks = {q.iri for q in saved_queries(ROOT / "queries") if q.is_violation_check}
    tripped = {r.shape.value for path in INVALID for r in fixture_report(path)[1].results}
    assert checks <= tripped


def test_the_edtf_check_is_tripped_by_fixtures() -> None:
    """The EDTF check is Python, not a shape: prove its faults are caught as the shapes' are."""
    tripped = {
        path.stem for path in INVALID if EDTF_CHECK.value in {r.shape.value for r in fixture_report(path)[1].results}
    }
    assert {
        "edtf-set-as-interval-endpoint",
        "edtf-disagrees-with-the-bounds",
        "edtf-bound-neither-given-nor-inferred",
        "edtf-attested-interval",
        "statement-not-asserted",
    } <= tripped


def shacl_results(report: Report) -> set[tuple[str, ...]]:
    """The results SHACL defines (not those of the integrity queries or the source-file check), as
    engines can compare them: blank nodes of their own parses are only blank nodes."""

    def term(node) -> str:
        return "_:" if isinstance(node, ox.BlankNode) else str(node)

    return {
        (
            term(r.focus),
            severity_name(r.severity),
            r.component.value,
            r.path.sparql() if r.path else "",
            term(r.value),
            term(r.source_shape),
        )
        for r in report.results
        if r.component.value.startswith(SH_NS)
    }


@cache
def fixture_graph(path: Path) -> KnowledgeGraph:
    if path.suffix == ".trig":
        fixture = load_fixture(path)
        triples = (base() - fixture.remove) | fixture.add
    else:
        triples = frozenset(read_triples(path))
    return KnowledgeGraph.from_triples(list(ontology()), list(triples))


#: Engines that run our shapes unchanged: pySHACL (the reference) and two written in Rust.
OTHER_ENGINES = ("pyshacl", "pyshacl-turbo", "pyrudof")
#: Where an engine is wrong, not our shapes: (engine, fixture) and the engine's fault.
ENGINE_FAULTS = {
    ("pyrudof", "event-blank-node"): "pyrudof writes a blank focus node into its SPARQL, which does not parse",
    ("pyrudof", "stance-blank-node"): "pyrudof writes a blank focus node into its SPARQL, which does not parse",
    ("pyrudof", "event-type-literal"): "pyrudof gives a literal focus node no sh:minCount result (SHACL §4.2.1)",
}


def engine_cases() -> list:
    return [
        pytest.param(
            engine,
            path,
            id=f"{engine}-{path.stem}",
            marks=[pytest.mark.xfail(reason=ENGINE_FAULTS[(engine, path.stem)], strict=True)]
            if (engine, path.stem) in ENGINE_FAULTS
            else [],
        )
        for engine in OTHER_ENGINES
        for path in [*VALID, *INVALID]
    ]


@pytest.mark.parametrize(("engine", "path"), engine_cases())
def test_every_engine_gives_our_results_on_every_fixture(engine: str, path: Path) -> None:
    kg = fixture_graph(path)
    assert shacl_results(validate(kg, shapes(), engine=engine)) == our_results(path)


@cache
def our_results(path: Path) -> set[tuple[str, ...]]:
    """Our engine's results on a fixture, the same for every engine they are compared with."""
    return shacl_results(validate(fixture_graph(path), shapes()))


@pytest.mark.parametrize("engine", OTHER_ENGINES)
def test_every_engine_gives_our_results_on_the_real_data(kg: KnowledgeGraph, engine: str) -> None:
    ours = shacl_results(validate(kg, shapes()))
    assert shacl_results(validate(kg, shapes(), engine=engine)) == ours
    # The informational results for actors without Wikidata, and nothing else.
    assert {(focus, severity) for focus, severity, *_ in ours} == {(f"<{a}>", "Info") for a in unlinked_actors(kg)}


#: One fixture for each SHACL-SPARQL constraint (and the out-of-order offsets), for Jena.
JENA_FIXTURES = (
    "event-after-dissolution",
    "participant-not-among-actors",
    "link-shared-by-two-resources",
    "link-also-candidate",
    "link-unverified",
    "evidence-without-certainty",
    "offsets-off-by-one",
    "position-start-after-end",
    "stance-opposite-overlap",
    "time-bound-disagrees-with-month",
    "time-day-span-two-days",
)


@pytest.mark.skipif(not jena.available(), reason=jena.MISSING)
def test_jena_gives_our_results_on_the_real_data_and_a_fixture_per_sparql_constraint(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    graphs = [
        ("the real data", kg),
        *((name, fixture_graph(HERE / "invalid" / f"{name}.trig")) for name in JENA_FIXTURES),
    ]
    for name, graph in graphs:
        theirs = Report(results_of_report(jena.report(graph.all_triples(), shapes().triples, tmp_path), shapes().owner))
        ours = validate(graph, shapes())
        assert shacl_results(theirs) == shacl_results(ours), name
        assert shacl_results(ours), name  # each of them has results to agree on
