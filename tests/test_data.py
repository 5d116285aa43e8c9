"""The dataset: every claim of the article with its evidence, dates as precise as the source."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from palsov.project import Project
from palsov.publish.stats import compute
from palsov.rdf.graph import KnowledgeGraph

from .vocab import BASE, CRM, DCTERMS, OA, ORG, PALSOV, PREFIXES, SDO, SEM, SKOS, SPDX

SOURCE = URIRef(BASE + "id/source/article")
ASSERTION_CLASSES = (
    PALSOV.Event,
    PALSOV.Stance,
    PALSOV.BilateralRelation,
    PALSOV.DiplomaticMission,
    URIRef("http://www.w3.org/ns/org#Membership"),
)


def expand(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


@pytest.fixture(scope="module")
def text(project: Project) -> str:
    return project.source_text.read_text(encoding="utf-8")


def test_source_is_described_with_licence_url_and_checksum(kg: KnowledgeGraph, text: str) -> None:
    graph = kg.data
    assert graph.value(SOURCE, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by-sa/4.0/")
    assert graph.value(SOURCE, SDO.url) == URIRef(
        "https://en.wikipedia.org/wiki/Palestine%E2%80%93Soviet_Union_relations"
    )
    assert str(graph.value(SOURCE, DCTERMS.title)) == "Palestine–Soviet Union relations"
    checksum = graph.value(SOURCE, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(text.encode()).hexdigest()
    assert str(graph.value(SOURCE, SDO.text)) == text


def evidence(kg: KnowledgeGraph) -> list[tuple[URIRef, str, int, int]]:
    """(annotation, quote, start, end) for every describing annotation."""
    rows = kg.store.query(
        """PREFIX oa: <http://www.w3.org/ns/oa#>
           SELECT ?a ?exact ?start ?end WHERE {
             ?a oa:motivatedBy oa:describing ; oa:hasTarget ?t .
             ?t oa:hasSource ?source ; oa:hasSelector ?q , ?p .
             ?q a oa:TextQuoteSelector ; oa:exact ?exact .
             ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . }"""
    )
    return [(URIRef(r["a"].value), r["exact"].value, int(r["start"].value), int(r["end"].value)) for r in rows]


def test_every_quote_is_the_source_text_at_its_offsets(kg: KnowledgeGraph, text: str) -> None:
    found = evidence(kg)
    assert len(found) == compute(kg.store).counts["evidence"] == 93
    mismatches = [(a, quote) for a, quote, start, end in found if text[start:end] != quote]
    assert mismatches == []


def test_every_quote_keeps_its_context(kg: KnowledgeGraph, text: str) -> None:
    for annotation, _quote, start, end in evidence(kg):
        selector = kg.data.value(URIRef(f"{annotation}/quote"), OA.prefix)
        assert text[:start].endswith(str(selector)), annotation
        assert text[end:].startswith(str(kg.data.value(URIRef(f"{annotation}/quote"), OA.suffix)))


def test_every_assertion_carries_evidence(kg: KnowledgeGraph) -> None:
    assertions = {s for cls in ASSERTION_CLASSES for s in kg.data.subjects(RDF.type, cls)}
    evidenced = set(kg.data.objects(None, OA.hasBody))
    assert len(assertions) == 103
    assert sorted(assertions - evidenced) == []
    stats = compute(kg.store)
    assert (stats.assertions, stats.assertions_with_evidence) == (103, 103)
    # Every causal link is also an rdf:Statement that evidence is about.
    explanations = set(kg.data.subjects(RDF.type, RDF.Statement)) & set(kg.data.objects(None, OA.hasBody))
    reified = {tuple(kg.data.value(x, p) for p in (RDF.subject, RDF.predicate, RDF.object)) for x in explanations}
    links = (PALSOV.hasCause, PALSOV.motivatedBy, PALSOV.influencedBy)
    causal = {(s, p, o) for p in links for s, o in kg.data.subject_objects(p)}
    assert causal and causal <= reified


def test_counts_are_pinned(kg: KnowledgeGraph) -> None:
    counts = compute(kg.store).counts
    assert counts == {
        "events": 40,
        "actors": 47,
        "stances": 56,
        "relations": 1,
        "missions": 3,
        "evidence": 93,
        "links": 31,
        "candidates": 6,
    }


@dataclass(frozen=True)
class LedgerRow:
    claim: str
    start: int
    end: int
    kind: str
    text: str
    iris: tuple[URIRef, ...]
    reason: str

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end


def read_ledger(path: Path) -> list[LedgerRow]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            LedgerRow(
                row["claim"],
                int(row["start"]),
                int(row["end"]),
                row["kind"],
                row["text"],
                tuple(expand(name) for name in row["iris"].split()),
                row["reason"],
            )
            for row in csv.DictReader(stream)
        ]


def evidence_bodies(kg: KnowledgeGraph) -> list[tuple[URIRef, URIRef, int, int]]:
    """(annotation, body, start, end) for every body of every describing annotation."""
    rows = kg.store.query(
        """PREFIX oa: <http://www.w3.org/ns/oa#>
           SELECT ?a ?body ?start ?end WHERE {
             ?a oa:motivatedBy oa:describing ; oa:hasBody ?body ; oa:hasTarget/oa:hasSelector ?p .
             ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . }"""
    )
    return [(URIRef(r["a"].value), URIRef(r["body"].value), int(r["start"].value), int(r["end"].value)) for r in rows]


def ledger_faults(rows: list[LedgerRow], text: str, kg: KnowledgeGraph) -> list[str]:
    """Every way the claim ledger and the graph fail to match, one line each (none when they do)."""
    faults = []
    subjects = set(kg.data.subjects())
    body_start, body_end = text.index("Infobox"), text.index("== See also ==")
    covered: set[int] = set()
    for row in rows:
        if text[row.start : row.end] != row.text:
            faults.append(f"{row.claim}: its text is not the article's at {row.start}–{row.end}")
        if row.kind in ("claim", "heading") and not row.iris:
            faults.append(f"{row.claim}: a claim that no resource carries")
        if row.kind == "layout" and not row.reason:
            faults.append(f"{row.claim}: left out without a reason")
        faults += [
            f"{row.claim}: names {iri}, which the graph does not describe" for iri in row.iris if iri not in subjects
        ]
        covered.update(range(row.start, row.end))
    faults += [
        f"character {i} ({text[i]!r}) is in no row"
        for i in range(body_start, body_end)
        if not text[i].isspace() and i not in covered
    ]
    evidence = evidence_bodies(kg)
    # Every resource a claim names quotes that claim: its evidence overlaps the claim's words.
    for row in rows:
        for iri in row.iris:
            if not any(body == iri and row.overlaps(start, end) for _a, body, start, end in evidence):
                faults.append(f"{row.claim}: {iri} has no evidence within or across the claim's words")
    # …and every piece of evidence is for a claim that names the resource it supports.
    for annotation, body, start, end in evidence:
        if body == SOURCE:
            continue
        if not any(body in row.iris and row.overlaps(start, end) for row in rows):
            faults.append(f"{annotation} supports {body} with words no claim naming it covers")
    # Every assertion and every cause is carried by a claim.
    named = {iri for row in rows for iri in row.iris}
    carried = {s for cls in (*ASSERTION_CLASSES, RDF.Statement) for s in kg.data.subjects(RDF.type, cls)}
    inferred = {
        URIRef(r["s"].value)
        for r in kg.store.query(
            "SELECT ?s { ?i <http://www.w3.org/ns/oa#motivatedBy> <https://w3id.org/palsov/ontology#inferring> ;"
            " <http://www.w3.org/ns/oa#hasBody> ?s }"
        )
    }
    faults += [f"{iri} is carried by no claim of the ledger" for iri in sorted(carried - named - inferred)]
    return faults


def test_the_claim_ledger_covers_the_article_and_matches_the_graph(
    project: Project, kg: KnowledgeGraph, text: str
) -> None:
    rows = read_ledger(project.ledger)
    assert ledger_faults(rows, text, kg) == []
    assert len([r for r in rows if r.kind == "claim"]) == 86
    assert len([r for r in rows if r.kind == "heading"]) == 3


@pytest.mark.parametrize(
    "damage",
    [
        "drop a claim",
        "name a resource whose evidence quotes another claim",
        "shift a claim's offsets",
        "forget a resource",
    ],
)
def test_the_ledger_check_catches_a_claim_gone_wrong(
    project: Project, kg: KnowledgeGraph, text: str, damage: str
) -> None:
    rows = read_ledger(project.ledger)
    claim = next(i for i, r in enumerate(rows) if r.text == "as a result of the dissolution of the Union.")
    row = rows[claim]
    if damage == "drop a claim":
        del rows[claim]
    elif damage == "name a resource whose evidence quotes another claim":
        rows[claim] = replace(row, iris=(*row.iris, expand("event:soviet-uar-joint-press-release")))
    elif damage == "shift a claim's offsets":
        rows[claim] = replace(row, start=row.start + 1, end=row.end + 1)
    else:
        rows[claim] = replace(row, iris=tuple(i for i in row.iris if not i.endswith("dissolution-of-the-soviet-union")))
    assert ledger_faults(rows, text, kg) != []


def test_every_date_is_a_typed_xsd_date(kg: KnowledgeGraph) -> None:
    bounds = (
        CRM.P82a_begin_of_the_begin,
        CRM.P81a_end_of_the_begin,
        CRM.P81b_begin_of_the_end,
        CRM.P82b_end_of_the_end,
    )
    values = [o for p in bounds for o in kg.data.objects(None, p)]
    assert all(isinstance(v, Literal) and v.datatype == XSD.date for v in values)
    # Every span the source dates has its bounds among them.
    bounded = {s for p in bounds for s in kg.data.subjects(p, None)}
    dated = {s for s, edtf in kg.data.subject_objects(PALSOV.edtf) if str(edtf) != "XXXX"}
    assert dated and dated <= bounded


def span(kg: KnowledgeGraph, resource: str) -> dict[str, str]:
    node = URIRef(f"{expand(resource)}/time")
    names = {
        "P82a_begin_of_the_begin": "earliest",
        "P81a_end_of_the_begin": "latest_start",
        "P81b_begin_of_the_end": "earliest_end",
        "P82b_end_of_the_end": "latest",
    }
    found = {
        short: str(kg.data.value(node, CRM[long]))
        for long, short in names.items()
        if kg.data.value(node, CRM[long]) is not None
    }
    found["edtf"] = str(kg.data.value(node, PALSOV.edtf))
    for key, prop in (("precision", PALSOV.precision), ("qualifier", PALSOV.qualifier)):
        value = kg.data.value(node, prop)
        if value is not None:
            found[key] = str(value).rsplit("/", 1)[1]
    return found


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (
            "event:soviet-uar-joint-press-release",
            {
                "earliest": "1958-05-15",
                "latest": "1958-05-15",
                "edtf": "1958-05-15",
                "precision": "day",
            },
        ),
        (
            "event:soviet-recognition-of-palestinian-nationality",
            {
                "earliest": "1969-07-01",
                "latest": "1969-07-31",
                "edtf": "1969-07",
                "precision": "month",
            },
        ),
        (  # "as early as May 1964": held then, perhaps before; never a beginning in May 1964
            "event:secret-soviet-contacts-with-palestinian-leaders",
            {
                "latest_start": "1964-05-31",
                "earliest_end": "1964-05-01",
                "edtf": "1964-05",
                "precision": "month",
                "qualifier": "as-early-as",
            },
        ),
        (  # "had active cooperation … by 1965": begun by the end of 1965 and held then
            "event:soviet-cooperation-with-palestinian-social-organisations",
            {
                "latest_start": "1965-12-31",
                "earliest_end": "1965-01-01",
                "edtf": "1965",
                "precision": "year",
                "qualifier": "by",
            },
        ),
        (  # "soon after": the upper bound is ours (cq-inferences), not in the EDTF
            "event:admission-of-the-communist-party-of-palestine-to-the-comintern",
            {
                "earliest": "1919-01-01",
                "latest": "1924-12-31",
                "edtf": "[1919..]",
                "precision": "year",
                "qualifier": "soon-after",
            },
        ),
        (  # "a few weeks later": after 6 May 1964, at most eight weeks by our reading
            "event:nikita-khrushchev-visit-to-egypt",
            {
                "earliest": "1964-05-07",
                "latest": "1964-07-01",
                "edtf": "[1964-05-07..]",
                "precision": "day",
                "qualifier": "weeks-after",
            },
        ),
        (  # "continued to mention … after 1949": held before and after, not begun in 1949
            "stance:soviet-union-on-refugees-rights",
            {
                "latest_start": "1949-12-31",
                "earliest_end": "1950-01-01",
                "edtf": "1949",
                "precision": "year",
                "qualifier": "continued-after",
            },
        ),
        (  # "leader of the Soviet Union at the time": held in 1947, neither begun nor ended then
            "membership:joseph-stalin-leader-of-the-soviet-union",
            {
                "latest_start": "1947-12-31",
                "earliest_end": "1947-01-01",
                "edtf": "1947",
                "precision": "year",
                "qualifier": "at-the-time",
            },
        ),
        (  # "In September 1990, a PLO executive member": a member then, not only then
            "membership:abdullah-hourani-member-of-the-plo-executive",
            {
                "latest_start": "1990-09-30",
                "earliest_end": "1990-09-01",
                "edtf": "1990-09",
                "precision": "month",
                "qualifier": "attested",
            },
        ),
        (  # "with permission of the United States, they opened an embassy … in 1974": it held then;
            # when it was given, the source does not say
            "event:us-permission-for-the-plo-embassy-in-moscow",
            {
                "latest_start": "1974-12-31",
                "earliest_end": "1974-01-01",
                "edtf": "1974",
                "precision": "year",
                "qualifier": "at-the-time",
            },
        ),
        (  # relations improved following 1967 "with the increasing … importance": the increase was
            # under way then, but may have begun before 1967
            "event:growing-political-importance-of-palestinian-resistance",
            {"earliest_end": "1967-01-01", "edtf": "[1967..]", "precision": "year", "qualifier": "at-the-time"},
        ),
        (  # "would receive Soviet aid": after the cooperation of 1965, so not over before 1965 (ours)
            "event:soviet-aid-and-scholarships-for-palestinian-social-organisations",
            {"earliest_end": "1965-01-01", "edtf": "XXXX", "precision": "year"},
        ),
        (  # a section heading is not a date: the source dates nothing about the Second World War
            "event:second-world-war",
            {"latest": "1947-12-31", "edtf": "XXXX", "precision": "year"},
        ),
        (
            "relation:palestine-soviet-union",
            {
                "earliest": "1974-01-01",
                "latest_start": "1974-12-31",
                "earliest_end": "1991-01-01",
                "latest": "1991-12-31",
                "edtf": "1974/1991",
                "precision": "year",
            },
        ),
    ],
)
def test_dates_are_as_precise_as_the_source_and_no_more(kg: KnowledgeGraph, resource: str, expected: dict) -> None:
    assert span(kg, resource) == expected


def test_relative_times_point_at_their_anchor(kg: KnowledgeGraph) -> None:
    visit = URIRef(f"{expand('event:nikita-khrushchev-visit-to-egypt')}/time")
    anchor = URIRef(f"{expand('event:soviet-algerian-joint-press-release')}/time")
    assert kg.data.value(visit, URIRef("http://www.w3.org/2006/time#after")) == anchor
    # "continued its support" after the war: held before its end too, so not placed after it.
    support = URIRef(f"{expand('stance:soviet-union-on-national-liberation-movements')}/time")
    assert kg.data.value(support, URIRef("http://www.w3.org/2006/time#after")) is None


def test_hedged_and_attributed_claims_are_modelled(kg: KnowledgeGraph) -> None:
    rows = kg.data.query(
        """SELECT ?body ?certainty ?who WHERE {
             ?a oa:hasBody ?body ; palsov:certainty ?certainty .
             OPTIONAL { ?a palsov:accordingTo ?who }
             FILTER (?certainty != certainty:stated || BOUND(?who)) }""",
        initNs={"oa": OA, "palsov": PALSOV, "certainty": URIRef(BASE + "vocab/certainty/")},
    )
    found = {
        (
            str(r.body).rsplit("/", 1)[1],
            str(r.certainty).rsplit("/", 1)[1],
            str(r.who).rsplit("/", 1)[1] if r.who else None,
        )
        for r in rows
    }
    assert ("soviet-union-on-us-diplomacy", "probable", None) in found
    assert (
        "secret-soviet-contacts-with-palestinian-leaders",
        "stated",
        "palestinian-journalist",
    ) in found
    assert (
        "soviet-cooperation-with-palestinian-social-organisations",
        "stated",
        "palestinian-journalist",
    ) in found
    assert ("soviet-union-on-defining-self-determination", "apparent", None) in found
    assert ("emphasis-on-palestine-to-discredit-the-us", "probable", None) in found
    # "it seemed" qualifies the definition of the right, not its recognition.
    assert not any(body == "soviet-union-on-self-determination-from-1969" for body, *_ in found)
    # The unnamed adviser is our reading, not the source's hedge.
    assert not any(body.startswith("comintern") for body, *_ in found)
    assert ("soviet-union-on-un-and-who-membership", "stated", "us-state-department") in found
    assert ("soviet-union-on-un-and-who-membership", "stated", "israeli-government") in found


def test_misspelt_names_are_corrected_and_quotes_kept_verbatim(kg: KnowledgeGraph) -> None:
    pflp, comintern = expand("actor:pflp"), expand("actor:comintern")
    assert str(kg.data.value(pflp, RDFS.label)) == "Popular Front for the Liberation of Palestine"
    assert str(kg.data.value(comintern, RDFS.label)) == "Communist International"
    quotes = {str(q) for q in kg.data.objects(None, OA.exact)}
    assert any("the PLFP" in q for q in quotes)
    assert any("(Comitern)" in q for q in quotes)
    labels = {str(label) for label in kg.data.objects(None, RDFS.label)}
    assert not any("PLFP" in label or "Comitern" in label for label in labels)
    # The source's spellings are searchable names of the graph, with a note that says why.
    hidden = {(pflp, "PLFP"), (comintern, "Comitern")}
    assert {(s, str(o)) for s, o in kg.data.subject_objects(SKOS.hiddenLabel)} == hidden
    assert all(kg.data.value(s, SKOS.editorialNote) is not None for s, _ in hidden)


def test_palestine_is_one_party_in_each_kind_of_claim(kg: KnowledgeGraph) -> None:
    plo, people, state = expand("actor:plo"), expand("actor:palestinians"), expand("actor:state-of-palestine")
    relation = expand("relation:palestine-soviet-union")
    assert set(kg.data.objects(relation, PALSOV.party)) == {plo, expand("actor:soviet-union")}
    for mission in ("soviet-embassy-to-palestine", "russian-embassy-to-palestine"):
        assert kg.data.value(expand(f"mission:{mission}"), PALSOV.receivingActor) == plo
    assert kg.data.value(expand("mission:plo-embassy-to-the-soviet-union"), PALSOV.sendingActor) == plo
    termination = expand("event:termination-of-palestine-soviet-union-relations")
    assert plo in set(kg.data.objects(termination, SEM.hasActor))
    assert kg.data.value(plo, PALSOV.represents) == people
    prevention = expand("event:prevention-of-palestinian-membership-of-the-un-and-who")
    assert state in set(kg.data.objects(prevention, SEM.hasActor)) and plo not in set(
        kg.data.objects(prevention, SEM.hasActor)
    )
    waning = expand("stance:soviet-union-on-the-palestinian-cause-from-1985")
    assert set(kg.data.objects(waning, PALSOV.towards)) == {expand("actor:palestinian-liberation-movement")}


def test_knowledge_from_outside_the_article_is_not_asserted(kg: KnowledgeGraph) -> None:
    for war in ("first-arab-israeli-war", "arab-israeli-war-of-1967", "second-world-war"):
        assert list(kg.data.objects(expand(f"event:{war}"), SEM.hasActor)) == [], war
    assert (expand("actor:fatah"), ORG.memberOf, expand("actor:plo")) not in kg.data
    assert kg.data.value(expand("actor:palestinian-national-council"), ORG.subOrganizationOf) is None
    assert kg.data.value(expand("membership:abdullah-hourani-member-of-the-plo-executive"), ORG.organization) == expand(
        "actor:plo-executive"
    )
    definitions = " ".join(str(o) for o in kg.merged.objects(None, SKOS.definition))
    assert "proclaimed" not in definitions and "until 1948" not in definitions
    # The call for the internationalisation of Jerusalem is about Jerusalem, not made there.
    call = expand("event:soviet-and-vatican-call-for-the-internationalisation-of-jerusalem")
    assert kg.data.value(call, SEM.hasPlace) is None
    assert kg.data.value(call, DCTERMS.subject) == expand("place:jerusalem")
    # The source says the Russian Federation succeeded to the Soviet relations with Palestine, not
    # that it replaced the Soviet Union: that is the succession event's, not the actors'.
    ussr, russia = expand("actor:soviet-union"), expand("actor:russian-federation")
    assert (ussr, DCTERMS.isReplacedBy, russia) not in kg.data and (russia, DCTERMS.replaces, ussr) not in kg.data


def test_a_claim_about_an_actor_is_in_the_graph_not_only_in_its_evidence(kg: KnowledgeGraph) -> None:
    """ "had little to no political influence" is quoted for the party, so the party must say it."""
    party = expand("actor:communist-party-of-palestine")
    assert "little to no political influence" in str(kg.data.value(party, RDFS.comment))


def test_no_state_of_affairs_is_closed_by_bounds_the_source_does_not_give(kg: KnowledgeGraph) -> None:
    """A stance or membership with both outer bounds has them from its EDTF or from a recorded inference."""
    rows = kg.store.query(
        """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> PREFIX time: <http://www.w3.org/2006/time#>
           PREFIX org: <http://www.w3.org/ns/org#> PREFIX palsov: <https://w3id.org/palsov/ontology#>
           SELECT ?thing ?edtf WHERE {
             { ?thing a palsov:Stance ; time:hasTime ?span } UNION { ?thing a org:Membership ; org:memberDuring ?span }
             ?span palsov:edtf ?edtf ; crm:P82a_begin_of_the_begin ?a ; crm:P82b_end_of_the_end ?d . }"""
    )
    closed = {(r["thing"].value.rsplit("/", 1)[1], r["edtf"].value) for r in rows}
    assert closed == {
        ("soviet-union-on-palestinians-as-refugees", "1948/"),
        ("soviet-union-on-the-palestinian-cause-1967-1985", "1967/"),
    }


def test_the_1947_reversal_on_partition(kg: KnowledgeGraph) -> None:
    rows = kg.data.query(
        """SELECT ?polarity ?begin ?end WHERE {
             ?s palsov:holder actor:soviet-union ; palsov:issue issue:partition-of-palestine ;
                palsov:polarity ?polarity ; time:hasTime ?t .
             OPTIONAL { ?t crm:P82a_begin_of_the_begin ?begin }
             OPTIONAL { ?t crm:P82b_end_of_the_end ?end }
           } ORDER BY ?end""",
        initNs={
            "palsov": PALSOV,
            "crm": CRM,
            "time": URIRef("http://www.w3.org/2006/time#"),
            "actor": URIRef(BASE + "id/actor/"),
            "issue": URIRef(BASE + "vocab/issue/"),
        },
    )
    found = [(str(r.polarity).rsplit("/", 1)[1], r.begin and str(r.begin), r.end and str(r.end)) for r in rows]
    assert sorted(found, key=str) == [
        ("opposition", None, "1947-12-31"),
        ("support", "1947-01-01", None),
    ]


def test_wikidata_links_are_verified_and_candidates_kept_apart(kg: KnowledgeGraph) -> None:
    prov = "http://www.w3.org/ns/prov#"
    links = {(s, o) for s, o in kg.data.subject_objects(OWL.sameAs)}
    assert (expand("actor:soviet-union"), URIRef("http://www.wikidata.org/entity/Q15180")) in links
    assert links == set(kg.data.subject_objects(SKOS.exactMatch))
    assert len({item for _, item in links}) == len(links) == 31  # one item, one resource
    for resource, item in links:
        records = [
            a
            for a in kg.data.subjects(OA.hasTarget, resource)
            if (a, OA.motivatedBy, OA.identifying) in kg.data and (a, OA.hasBody, item) in kg.data
        ]
        assert len(records) == 1, resource
        sources = list(kg.data.objects(records[0], DCTERMS.source))
        assert len(sources) == 2, resource
        for source in sources:
            # A reader can follow it: the file at a commit (or a URL), and the excerpt that pairs the QID.
            (quoted,) = kg.data.objects(source, URIRef(prov + "wasQuotedFrom"))
            (excerpt,) = kg.data.objects(source, URIRef(prov + "value"))
            assert str(quoted).startswith("https://github.com/"), source
            assert str(item).rsplit("/", 1)[1].lstrip("Q") in str(excerpt), (source, excerpt)
            assert kg.data.value(source, RDFS.label)
        assert kg.data.value(records[0], URIRef("https://w3id.org/sssom/object_label")), item  # as the sources name it
    candidates = {
        (str(s).removeprefix(BASE + "id/"), str(o).rsplit("/", 1)[1])
        for s, o in kg.data.subject_objects(PALSOV.wikidataCandidate)
    }
    assert candidates == {
        ("actor/dflp", "Q818618"),
        ("event/new-thinking-in-soviet-foreign-policy", "Q4323903"),
        ("document/united-nations-partition-plan-for-palestine", "Q846795"),
        ("actor/george-habash", "Q352093"),
        ("actor/eastern-bloc", "Q170541"),
        ("actor/israeli-government", "Q2578249"),
    }
    assert not {o for _, o in kg.data.subject_objects(PALSOV.wikidataCandidate)} & {o for _, o in links}


def test_no_record_cites_what_a_reader_cannot_follow(project: Project) -> None:
    """A verification record names public sources a reader can find; never an id that only a search
    index knows, nor the tool that found it."""
    unfollowable = re.compile(r"public file [0-9]{6,}|search tool|find_string|read_file")
    files = [project.root / "README.md"]
    for part in ("data", "ontology", "shapes", "queries"):
        files += [p for p in (project.root / part).rglob("*") if p.is_file() and "cache" not in p.parts]
    found = [
        f"{path.relative_to(project.root)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if unfollowable.search(line)
    ]
    assert found == []
