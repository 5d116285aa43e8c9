"""Mutation test: the real data damaged in many distinct ways, each caught by the intended check."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.project import Project
from palsov.queries.saved import saved_queries
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import EDTF_CHECK, SOURCE_FILE_CHECK
from palsov.validation.report import INFO
from palsov.validation.validate import Shapes, validate

ID = "https://w3id.org/palsov/id/"
SHAPES = "https://w3id.org/palsov/shapes#"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
PALSOV = "https://w3id.org/palsov/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
WD = "http://www.wikidata.org/entity/"
OA = "http://www.w3.org/ns/oa#"
Triples = set[ox.Triple]


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=iri(XSD + "date"))


def matching(triples: Triples, subject: str | None = None, predicate: str | None = None) -> Triples:
    return {
        t
        for t in triples
        if (subject is None or t.subject == iri(subject)) and (predicate is None or t.predicate == iri(predicate))
    }


def replace_object(triples: Triples, subject: str, predicate: str, new: ox.NamedNode | ox.Literal) -> Triples:
    old = matching(triples, subject, predicate)
    assert len(old) == 1, (subject, predicate, old)
    (t,) = old
    return (triples - old) | {ox.Triple(t.subject, t.predicate, new)}


def link(resource: str, qid: str) -> Triples:
    record = iri(f"{ID}link/mutant-{qid}")
    return {
        ox.Triple(iri(resource), iri("http://www.w3.org/2002/07/owl#sameAs"), iri(WD + qid)),
        ox.Triple(record, iri(OA + "motivatedBy"), iri(OA + "identifying")),
        ox.Triple(record, iri(OA + "hasTarget"), iri(resource)),
        ox.Triple(record, iri(OA + "hasBody"), iri(WD + qid)),
        ox.Triple(
            record,
            iri("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal("mutant", language="en"),
        ),
    }


def quote_of(triples: Triples, evidence: str) -> ox.Triple:
    (t,) = matching(triples, f"{ID}evidence/{evidence}/quote", OA + "exact")
    return t


@dataclass(frozen=True)
class Mutant:
    name: str
    damage: Callable[[Triples], Triples]
    focus: str
    shapes: frozenset[str]


def mutant(name: str, focus: str, *shapes: str) -> Callable:
    def register(damage: Callable[[Triples], Triples]) -> Callable:
        MUTANTS.append(Mutant(name, damage, focus, frozenset(shapes)))
        return damage

    return register


MUTANTS: list[Mutant] = []
PRESS_RELEASE_TIME = f"{ID}event/soviet-uar-joint-press-release/time"
RELATION_TIME = f"{ID}relation/palestine-soviet-union/time"
STANCE = f"{ID}stance/soviet-union-on-partition-from-1947"


# A date deleted or altered also disagrees with the EDTF the span keeps, and a press release that
# loses its dates can no longer be placed in its period.
@mutant(
    "delete a required date",
    PRESS_RELEASE_TIME,
    SHAPES + "TimeSpanShape",
    EDTF_CHECK.value,
    SHAPES + "PeriodMembershipShape",
)
def _(t: Triples) -> Triples:
    return (
        t
        - matching(t, PRESS_RELEASE_TIME, CRM + "P82a_begin_of_the_begin")
        - matching(t, PRESS_RELEASE_TIME, CRM + "P82b_end_of_the_end")
    )


@mutant("swap begin and end", RELATION_TIME, SHAPES + "TimeSpanShape", EDTF_CHECK.value)
def _(t: Triples) -> Triples:
    t = replace_object(t, RELATION_TIME, CRM + "P82a_begin_of_the_begin", date("1991-12-31"))
    return replace_object(t, RELATION_TIME, CRM + "P82b_end_of_the_end", date("1974-01-01"))


@mutant("wrong datatype on a date", PRESS_RELEASE_TIME, SHAPES + "TimeSpanShape")
def _(t: Triples) -> Triples:
    return replace_object(t, PRESS_RELEASE_TIME, CRM + "P82a_begin_of_the_begin", ox.Literal("1958-05-15"))


@mutant("malformed QID", f"{ID}actor/soviet-union", SHAPES + "WikidataLinkShape")
def _(t: Triples) -> Triples:
    ussr = f"{ID}actor/soviet-union"
    t = replace_object(t, ussr, "http://www.w3.org/2002/07/owl#sameAs", iri(WD + "Q015180"))
    return replace_object(t, f"{ID}link/soviet-union", OA + "hasBody", iri(WD + "Q015180"))


@mutant("duplicate QID", f"{ID}actor/russian-federation", SHAPES + "WikidataLinkShape")
def _(t: Triples) -> Triples:
    return t | link(f"{ID}actor/russian-federation", "Q15180")


@mutant("a candidate that is also a link", f"{ID}actor/dflp", SHAPES + "WikidataLinkShape")
def _(t: Triples) -> Triples:
    return t | link(f"{ID}actor/dflp", "Q818618")


@mutant("a link stated with owl:sameAs alone", f"{ID}actor/soviet-union", SHAPES + "WikidataLinkShape")
def _(t: Triples) -> Triples:
    return t - matching(t, f"{ID}actor/soviet-union", "http://www.w3.org/2004/02/skos/core#exactMatch")


@mutant("a link record with one source", f"{ID}actor/plo", SHAPES + "WikidataLinkShape")
def _(t: Triples) -> Triples:
    (one, _) = sorted(matching(t, f"{ID}link/plo", "http://purl.org/dc/terms/source"), key=str)
    return t - {one}


@mutant("stance without holder", STANCE, SHAPES + "StanceShape")
def _(t: Triples) -> Triples:
    return t - matching(t, STANCE, "https://w3id.org/palsov/ontology#holder")


@mutant("polarity outside its scheme", STANCE, SHAPES + "StanceShape", SHAPES + "PolarityShape")
def _(t: Triples) -> Triples:
    return replace_object(
        t,
        STANCE,
        "https://w3id.org/palsov/ontology#polarity",
        iri("https://w3id.org/palsov/vocab/issue/jewish-state"),
    )


@mutant(
    "quote altered by one character",
    f"{ID}evidence/soviet-vote-for-the-un-partition-plan/target",
    SHAPES + "SpecificResourceShape",
)
def _(t: Triples) -> Triples:
    old = quote_of(t, "soviet-vote-for-the-un-partition-plan")
    new = ox.Literal(old.object.value.replace("favor", "favour"))
    return (t - {old}) | {ox.Triple(old.subject, old.predicate, new)}


@mutant(
    "offsets off by one",
    f"{ID}evidence/soviet-vote-for-the-un-partition-plan/target",
    SHAPES + "SpecificResourceShape",
)
def _(t: Triples) -> Triples:
    position = f"{ID}evidence/soviet-vote-for-the-un-partition-plan/position"
    (start,) = matching(t, position, OA + "start")
    (end,) = matching(t, position, OA + "end")
    number = iri(XSD + "integer")
    t = replace_object(t, position, OA + "start", ox.Literal(str(int(start.object.value) + 1), datatype=number))
    return replace_object(t, position, OA + "end", ox.Literal(str(int(end.object.value) + 1), datatype=number))


@mutant(
    "dangling reference to an actor that does not exist",
    f"{ID}event/yasser-arafat-visit-to-moscow",
    SHAPES + "EventShape",
    "https://w3id.org/palsov/queries/dangling-reference-violation",
)
def _(t: Triples) -> Triples:
    event = iri(f"{ID}event/yasser-arafat-visit-to-moscow")
    return t | {
        ox.Triple(
            event,
            iri("http://semanticweb.cs.vu.nl/2009/11/sem/hasActor"),
            iri(f"{ID}actor/atlantis"),
        )
    }


@mutant("missing label", f"{ID}actor/plo", SHAPES + "LabelShape")
def _(t: Triples) -> Triples:
    return t - matching(t, f"{ID}actor/plo", "http://www.w3.org/2000/01/rdf-schema#label")


@mutant(
    "an event after its participant ceased to exist",
    f"{ID}event/yasser-arafat-visit-to-moscow",
    SHAPES + "EventShape",
    EDTF_CHECK.value,
    SHAPES + "PeriodMembershipShape",
)
def _(t: Triples) -> Triples:
    span = f"{ID}event/yasser-arafat-visit-to-moscow/time"
    t = replace_object(t, span, CRM + "P82a_begin_of_the_begin", date("1995-04-01"))
    return replace_object(t, span, CRM + "P82b_end_of_the_end", date("1995-04-30"))


@mutant(
    "an event before its participant was formed",
    f"{ID}event/founding-of-the-communist-party-of-palestine",
    SHAPES + "EventShape",
)
def _(t: Triples) -> Triples:
    # The Russian Federation, formed in 1991, said to take part in a founding of 1919.
    russia = iri(f"{ID}actor/russian-federation")
    return t | {
        ox.Triple(
            iri(f"{ID}event/founding-of-the-communist-party-of-palestine"),
            iri("http://semanticweb.cs.vu.nl/2009/11/sem/hasActor"),
            russia,
        ),
        ox.Triple(
            russia,
            iri(CRM + "P95i_was_formed_by"),
            iri(f"{ID}event/succession-of-the-soviet-union-by-the-russian-federation"),
        ),
    }


@mutant(
    "event type outside its scheme",
    f"{ID}event/yasser-arafat-visit-to-moscow",
    SHAPES + "EventShape",
    SHAPES + "EventTypeShape",
)
def _(t: Triples) -> Triples:
    return replace_object(
        t,
        f"{ID}event/yasser-arafat-visit-to-moscow",
        "http://semanticweb.cs.vu.nl/2009/11/sem/eventType",
        iri("https://w3id.org/palsov/vocab/role/visitor"),
    )


@mutant("an EDTF set as an interval's endpoint", RELATION_TIME, EDTF_CHECK.value)
def _(t: Triples) -> Triples:
    return replace_object(t, RELATION_TIME, PALSOV + "edtf", ox.Literal("[..1974]/.."))


@mutant(
    "a stance held at the time given an end the source does not give",
    f"{ID}membership/joseph-stalin-leader-of-the-soviet-union/time",
    EDTF_CHECK.value,
)
def _(t: Triples) -> Triples:
    span = iri(f"{ID}membership/joseph-stalin-leader-of-the-soviet-union/time")
    return t | {ox.Triple(span, iri(CRM + "P82b_end_of_the_end"), date("1947-12-31"))}


@mutant(
    "an event placed in a period by its section",
    f"{ID}event/soviet-recognition-of-palestinian-nationality",
    SHAPES + "PeriodMembershipShape",
)
def _(t: Triples) -> Triples:
    return t | {
        ox.Triple(
            iri(f"{ID}event/soviet-recognition-of-palestinian-nationality"),
            iri(CRM + "P10_falls_within"),
            iri(f"{ID}period/arab-israeli-wars"),
        )
    }


@mutant("a cause without evidence", f"{ID}event/disunity-within-the-plo", SHAPES + "ExplanationShape")
def _(t: Triples) -> Triples:
    return t | {
        ox.Triple(
            iri(f"{ID}event/disunity-within-the-plo"),
            iri(PALSOV + "motivatedBy"),
            iri(f"{ID}stance/soviet-union-on-fatah"),
        )
    }


@mutant("an inference passed off as a hedge", f"{ID}inference/comintern-as-the-adviser", SHAPES + "InferenceShape")
def _(t: Triples) -> Triples:
    return t | {
        ox.Triple(
            iri(f"{ID}inference/comintern-as-the-adviser"),
            iri(PALSOV + "certainty"),
            iri("https://w3id.org/palsov/vocab/certainty/probable"),
        )
    }


@mutant("opposite stances at the same time", STANCE, SHAPES + "StanceOverlapShape")
def _(t: Triples) -> Triples:
    # The 1947 support for partition also said to be opposition from 1947 on.
    copy = iri(f"{ID}stance/mutant-opposition")
    kept = {
        "https://w3id.org/palsov/ontology#polarity",
        "http://www.w3.org/2000/01/rdf-schema#label",
    }
    extra = {ox.Triple(copy, x.predicate, x.object) for x in matching(t, STANCE) if x.predicate.value not in kept}
    return (
        t
        | extra
        | {
            ox.Triple(
                copy,
                iri("https://w3id.org/palsov/ontology#polarity"),
                iri("https://w3id.org/palsov/vocab/polarity/opposition"),
            ),
            ox.Triple(
                copy,
                iri("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("mutant", language="en"),
            ),
            ox.Triple(
                iri(f"{ID}evidence/soviet-vote-for-the-un-partition-plan"),
                iri(OA + "hasBody"),
                copy,
            ),
        }
    )


@mutant("recorded checksum of the source altered", f"{ID}source/article", SOURCE_FILE_CHECK.value)
def _(t: Triples) -> Triples:
    return replace_object(
        t,
        f"{ID}source/article/sha256",
        "http://spdx.org/rdf/terms#checksumValue",
        ox.Literal("0" * 64, datatype=iri(XSD + "hexBinary")),
    )


@pytest.fixture(scope="module")
def real(project: Project) -> tuple[list[ox.Triple], Triples, Shapes]:
    kg = KnowledgeGraph.read(project)
    return kg.ontology_triples, set(kg.data_triples), Shapes.read(project.shape_files())


def check(project: Project, ontology: list[ox.Triple], data: Triples, shapes: Shapes, source: Path):
    kg = KnowledgeGraph.from_triples(ontology, list(data))
    checks = [q for q in saved_queries(project.queries_dir) if q.is_violation_check]
    return validate(kg, shapes, source_file=source, integrity_queries=checks)


def test_there_are_at_least_twelve_distinct_mutants() -> None:
    assert len({m.name for m in MUTANTS}) == len(MUTANTS) >= 12


def test_the_real_data_is_clean_before_mutation(project: Project, real) -> None:
    ontology, data, shapes = real
    report = check(project, ontology, data, shapes, project.source_text)
    assert [r for r in report.results if r.severity != INFO] == []


@pytest.mark.parametrize("mutation", MUTANTS, ids=lambda m: m.name.replace(" ", "-"))
def test_each_mutant_is_caught_by_the_intended_check(project: Project, real, mutation: Mutant) -> None:
    ontology, data, shapes = real
    damaged = mutation.damage(set(data))
    assert damaged != data
    report = check(project, ontology, damaged, shapes, project.source_text)
    failing = [r for r in report.results if r.severity != INFO]
    assert {r.shape.value for r in failing} == mutation.shapes
    assert mutation.focus in {r.focus.value for r in failing}


def test_an_edited_copy_of_the_source_text_is_caught(project_copy: Project, real) -> None:
    ontology, data, shapes = real
    text = project_copy.source_text.read_text(encoding="utf-8")
    project_copy.source_text.write_text(text.replace("Comitern", "Comintern"), encoding="utf-8")
    report = check(project_copy, ontology, data, shapes, project_copy.source_text)
    failing = [r for r in report.results if r.severity != INFO]
    assert {r.shape for r in failing} == {SOURCE_FILE_CHECK}
    assert len(failing) == 2  # the text differs, and so does its checksum
    shutil.rmtree(project_copy.dist_dir, ignore_errors=True)
