"""The dataset: every claim of the article with its evidence, dates as precise as the source."""

from __future__ import annotations

import csv
import hashlib

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from palsov.graph import KnowledgeGraph
from palsov.namespaces import BASE, CRM, DCTERMS, OA, PALSOV, PREFIXES, SDO, SPDX
from palsov.project import Project
from palsov.stats import compute

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
    assert len(found) == compute(kg.store).counts["evidence"] == 74
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
    assert len(assertions) == 95
    assert sorted(assertions - evidenced) == []
    stats = compute(kg.store)
    assert (stats.assertions, stats.assertions_with_evidence) == (95, 95)


def test_counts_are_pinned(kg: KnowledgeGraph) -> None:
    counts = compute(kg.store).counts
    assert counts == {
        "events": 37,
        "actors": 44,
        "stances": 51,
        "relations": 1,
        "missions": 3,
        "evidence": 74,
        "links": 15,
        "candidates": 1,
    }


def test_ledger_accounts_for_every_sentence_of_the_body(project: Project, kg: KnowledgeGraph, text: str) -> None:
    with project.ledger.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    body_start, body_end = text.index("Infobox"), text.index("== See also ==")
    covered = set()
    subjects = set(kg.data.subjects())
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == row["text"], row["number"]
        assert row["iris"] or row["reason"], f"sentence {row['number']} is neither modelled nor explained"
        for name in row["iris"].split():
            assert expand(name) in subjects, f"ledger row {row['number']} names {name}, which is not in the graph"
        covered.update(range(start, end))
    uncovered = [i for i in range(body_start, body_end) if not text[i].isspace() and i not in covered]
    assert uncovered == [], text[uncovered[0] : uncovered[0] + 60] if uncovered else ""
    assert len([r for r in rows if r["kind"] == "sentence"]) == 44


def test_every_date_is_a_typed_xsd_date(kg: KnowledgeGraph) -> None:
    bounds = (
        CRM.P82a_begin_of_the_begin,
        CRM.P81a_end_of_the_begin,
        CRM.P81b_begin_of_the_end,
        CRM.P82b_end_of_the_end,
    )
    values = [o for p in bounds for o in kg.data.objects(None, p)]
    assert len(values) > 150
    assert all(isinstance(v, Literal) and v.datatype == XSD.date for v in values)


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
        (
            "event:secret-soviet-contacts-with-palestinian-leaders",
            {
                "earliest": "1964-05-01",
                "latest_start": "1964-05-31",
                "edtf": "1964-05/..",
                "precision": "month",
                "qualifier": "as-early-as",
            },
        ),
        (
            "event:soviet-cooperation-with-palestinian-social-organisations",
            {
                "latest_start": "1965-12-31",
                "edtf": "[..1965]/..",
                "precision": "year",
                "qualifier": "by",
            },
        ),
        (
            "event:admission-of-the-communist-party-of-palestine-to-the-comintern",
            {
                "earliest": "1919-01-01",
                "edtf": "[1919..]",
                "precision": "year",
                "qualifier": "soon-after",
            },
        ),
        (
            "event:nikita-khrushchev-visit-to-egypt",
            {
                "earliest": "1964-05-07",
                "edtf": "[1964-05-07..]",
                "precision": "day",
                "qualifier": "weeks-after",
            },
        ),
        (
            "stance:soviet-union-on-refugees-rights",
            {
                "earliest": "1949-01-01",
                "edtf": "1949/..",
                "precision": "year",
                "qualifier": "after",
            },
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
    assert ("soviet-union-on-self-determination-from-1969", "apparent", None) in found
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
    links = {(s, o) for s, o in kg.data.subject_objects(OWL.sameAs)}
    assert (expand("actor:soviet-union"), URIRef("http://www.wikidata.org/entity/Q15180")) in links
    for resource, item in links:
        records = [
            a
            for a in kg.data.subjects(OA.hasTarget, resource)
            if (a, OA.motivatedBy, OA.identifying) in kg.data and (a, OA.hasBody, item) in kg.data
        ]
        assert len(records) == 1, resource
        assert len(list(kg.data.objects(records[0], DCTERMS.source))) == 2, resource
    candidates = set(kg.data.subject_objects(PALSOV.wikidataCandidate))
    assert candidates == {(expand("actor:yasser-arafat"), URIRef("http://www.wikidata.org/entity/Q34211"))}
    assert not candidates & links
