"""Saved queries: headers, safe parameters, pinned answers, the same on the embedded store and on
a real Oxigraph server, and the federated query against a local stand-in for Wikidata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.plugins.sparql import prepareQuery

from palsov.errors import InputError
from palsov.project import Project
from palsov.queries.run import Results, run_embedded, run_endpoint, with_services
from palsov.queries.saved import Parameter, SavedQuery, find_query, saved_queries
from palsov.rdf.graph import KnowledgeGraph

from .conftest import ROOT, run_palsov
from .servers import oxigraph_server

ID = "https://w3id.org/palsov/id/"
WIKIDATA = "https://query.wikidata.org/sparql"
QUERIES = saved_queries(ROOT / "queries")
LOCAL = [q for q in QUERIES if "SERVICE" not in q.text]
WD_FIXTURE = (ROOT / "tests" / "fixtures" / "wikidata-stand-in.nt").read_bytes()


@pytest.fixture(scope="module")
def server(kg: KnowledgeGraph) -> Iterator[str]:
    data = ox.serialize(kg.all_triples(), format=ox.RdfFormat.N_TRIPLES)
    with oxigraph_server(data=data) as base:
        yield base


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with oxigraph_server(data=WD_FIXTURE) as base:
        yield base


def answer(kg: KnowledgeGraph, name: str, **params: str) -> Results:
    return run_embedded(kg.store, find_query(ROOT / "queries", name).bind(params))


def local(value: str | None) -> str | None:
    """The last segment of a dataset IRI, for readable pins."""
    return value.rsplit("/", 1)[1] if value and value.startswith("https://w3id.org/palsov/") else value


def column(results: Results, name: str) -> list[str | None]:
    return [local(row[name].value) if name in row else None for row in results.rows]


# ------------------------------------------------------------------------------- form


def test_there_are_at_least_fifteen_competency_questions() -> None:
    assert len([q for q in QUERIES if q.name.startswith("cq-")]) >= 15
    assert all(q.name.startswith("cq-") or q.is_violation_check for q in QUERIES)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_has_a_complete_header(query: SavedQuery) -> None:
    for key in ("summary", "description", "tags"):
        assert query.header.get(key), f"{query.name} has no #+ {key}:"
    assert all(p.default is not None for p in query.parameters.values()), "every parameter has a default"
    # In the description, which grlc shows (it overwrites a #+ parameters: key with its own).
    assert all(f"`{p.name}`, " in query.description for p in query.parameters.values()), "a parameter is undescribed"
    # grlc would send the whole query to a #+ endpoint: ours run on the local graph and call out with SERVICE.
    assert "endpoint" not in query.header


def test_a_header_from_the_cache_is_what_the_yaml_parser_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache of headers (queries/saved.py) gives each header's own reading, whichever was read
    before it, and a header it has not seen is read anew."""
    import yaml

    monkeypatch.setenv("PALSOV_CACHE_DIR", str(tmp_path))
    texts = [q.text for q in QUERIES]
    first = [SavedQuery.from_text(t, Path("first.rq")).header for t in texts]
    again = [SavedQuery.from_text(t, Path("again.rq")).header for t in reversed(texts)][::-1]
    header_lines = [[line[2:].removeprefix(" ") for line in t.splitlines() if line.startswith("#+")] for t in texts]
    parsed = [yaml.safe_load("\n".join(lines)) for lines in header_lines]
    assert first == again == parsed
    assert len({json.dumps(h, sort_keys=True, default=str) for h in parsed}) == len(texts)  # all different
    changed = SavedQuery.from_text(texts[0].replace("#+ summary: ", "#+ summary: Changed. ", 1), Path("x.rq"))
    assert changed.summary == "Changed. " + first[0]["summary"]
    assert list(tmp_path.joinpath("query-headers").glob("*.pickle"))  # it was the cache that answered


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_parses_under_rdflib_and_pyoxigraph(query: SavedQuery, wikidata: str) -> None:
    text = query.bind({})
    prepareQuery(text)
    if "SERVICE" in text:
        text = with_services(query, text, {WIKIDATA: f"{wikidata}/query"})
    assert isinstance(ox.Store().query(text), ox.QuerySolutions)


# ------------------------------------------------------------------------------- parameters


def test_parameters_are_typed_validated_and_never_pasted_into_the_text() -> None:
    query = find_query(ROOT / "queries", "cq-stance-history")
    assert set(query.parameters) == {"holder", "issue"}
    hostile = ID + "actor/x> } ; DROP ALL ; #"
    with pytest.raises(InputError, match="is not an IRI"):
        query.bind({"holder": hostile})
    with pytest.raises(InputError, match="unknown parameter colour"):
        query.bind({"colour": "red"})
    bound = query.bind({"holder": ID + "actor/plo"})
    assert bound.count(ID + "actor/plo") == 1 and "VALUES (?__holder_iri ?__issue_iri)" in bound
    text = Parameter("name", "_name", "string").term('say "hi"\n')
    assert text == '"say \\"hi\\"\\n"'
    with pytest.raises(InputError, match="not a date"):
        Parameter("from", "_from_xsd_date", "date").term("1964-02-30")


@pytest.mark.parametrize(
    ("kind", "given", "bound"),
    [
        ("date", "1964-05-28", '"1964-05-28"^^<http://www.w3.org/2001/XMLSchema#date>'),
        ("date", "1964-05-28+00:00", '"1964-05-28Z"^^<http://www.w3.org/2001/XMLSchema#date>'),
        ("dateTime", "1964-05-28T09:30:00.500+02:00", '"1964-05-28T09:30:00.5+02:00"^^<{x}dateTime>'),
        ("integer", "+007", '"7"^^<{x}integer>'),
        ("nonNegativeInteger", "0", '"0"^^<{x}nonNegativeInteger>'),
        ("decimal", "+0010.50", '"10.5"^^<{x}decimal>'),
        ("decimal", "-.25", '"-0.25"^^<{x}decimal>'),
        ("double", "1500", '"1.5E3"^^<{x}double>'),
        ("double", "-INF", '"-INF"^^<{x}double>'),
        ("boolean", "1", '"true"^^<{x}boolean>'),
        ("gYear", "1964", '"1964"^^<{x}gYear>'),
        ("string", 'say "hi"\n', '"say \\"hi\\"\\n"'),
    ],
)
def test_every_parameter_type_is_bound_canonically(kind: str, given: str, bound: str) -> None:
    expected = bound.format(x="http://www.w3.org/2001/XMLSchema#")
    assert Parameter("p", f"_p_xsd_{kind}", kind).term(given) == expected


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("date", "19640101"),  # ISO 8601's basic format: not xsd:date
        ("date", "1964-W01-1"),  # an ISO week date
        ("date", "1964-02-30"),
        ("date", '1964-01-01"^^xsd:date } UNION { ?s ?p ?o } #'),
        ("dateTime", "1964-01-01"),
        ("dateTime", "1964-01-01T25:00:00"),
        ("integer", "1.0"),
        ("positiveInteger", "0"),
        ("decimal", '1" } ; ?s ?p ?o { "'),
        ("decimal", "1e3"),
        ("double", "1,5"),
        ("boolean", "yes"),
        ("boolean", 'true" } UNION { ?s ?p ?o . FILTER("a'),
        ("gYear", "64"),
    ],
)
def test_a_value_that_is_not_of_its_type_is_refused(kind: str, given: str) -> None:
    with pytest.raises(InputError, match=r"parameter p: .* is not "):
        Parameter("p", f"_p_xsd_{kind}", kind).term(given)


def test_a_parameter_of_an_unknown_type_is_refused_when_the_query_is_read(tmp_path: Path) -> None:
    query = tmp_path / "odd.rq"
    query.write_text("#+ summary: odd\nSELECT ?x WHERE {\n  ?x ?p ?_size_xsd_hexBinary .\n}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{query}: line 3: parameter \?_size_xsd_hexBinary has a type"):
        find_query(tmp_path, "odd")
    query.write_text("#+ summary: odd\nSELECT ?x WHERE { ?x ?p ?_name_en }\n", encoding="utf-8")
    with pytest.raises(InputError, match="parameter \\?_name_en has a type palsov does not know \\('en'"):
        find_query(tmp_path, "odd")


def test_a_bad_date_on_the_command_line_is_one_line_and_exit_2(project: Project) -> None:
    for value in ("19640101", "1964-W01-1"):
        result = run_palsov("query", "cq-events-between", "--param", f"from={value}", cwd=project.root)
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"palsov: error: parameter from: '{value}' is not a date (YYYY-MM-DD, optionally with a time zone)"
        )


# ------------------------------------------------------------------------------- pinned answers


def test_timeline_lists_every_event_in_order(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-timeline")
    assert len(results.rows) == 40
    assert list(zip(column(results, "date"), column(results, "event"), strict=True))[:12] == [
        ("1919", "founding-of-the-communist-party-of-palestine"),
        ("[1919..]", "admission-of-the-communist-party-of-palestine-to-the-comintern"),
        ("XXXX", "comintern-advice-to-the-communist-party-of-palestine"),  # undated: 1919–1947 by our reading
        ("XXXX", "split-of-the-communist-party-of-palestine"),
        ("XXXX", "second-world-war"),  # over by 1947 by our reading: before that year's events
        ("XXXX", "soviet-and-vatican-call-for-the-internationalisation-of-jerusalem"),
        ("XXXX", "soviet-call-for-an-arab-palestinian-state"),
        ("1947", "soviet-reversal-on-partition"),
        ("1947", "soviet-vote-for-the-un-partition-plan"),
        ("1948", "first-arab-israeli-war"),
        ("XXXX", "moves-by-the-soviet-union-and-eastern-bloc"),
        ("XXXX", "series-of-murders-and-arrests"),
    ]
    assert column(results, "event")[-4:] == [
        "dissolution-of-the-soviet-union",
        "termination-of-palestine-soviet-union-relations",
        "soviet-embassy-becomes-the-russian-embassy",
        "succession-of-the-soviet-union-by-the-russian-federation",
    ]
    vote = results.rows[8]
    assert vote["participants"].value == "Soviet Union (voter)"
    assert vote["quote"].value == "voted in favor of the United Nations Partition Plan for Palestine"


def test_stance_history_shows_the_1947_reversal_on_partition(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-stance-history")
    assert results.plain() == [
        (
            ID + "stance/soviet-union-on-partition-until-1947",
            "The Soviet Union opposes the partition of Palestine",
            "opposition",
            "-1",
            "until 1947, when it was reversed",
            None,
            "1947-12-31",
            "Both the Soviet Union and communist parties in the Middle East were against a"
            " partition of Palestine, instead wanting a unified Arab-Jewish state.",
        ),
        (
            ID + "stance/soviet-union-on-partition-from-1947",
            "The Soviet Union supports the partition of Palestine",
            "support",
            "1",
            "from 1947",
            "1947-01-01",
            None,
            "voted in favor of the United Nations Partition Plan for Palestine",
        ),
    ]


def test_stance_history_of_soviet_support_for_the_palestinian_cause(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-stance-history", issue="https://w3id.org/palsov/vocab/issue/palestinian-cause")
    assert list(zip(column(results, "polarity"), column(results, "period"), strict=True)) == [
        ("reluctance", "initially (not dated by the source; not over before 1967 by our reading)"),
        ("support", "following the 1967 Arab–Israeli war (until 1985 by our reading)"),
        ("qualified support", "from 1985"),
    ]


def test_stances_on_the_two_state_solution_and_its_rival(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-stances-on-issue")
    assert {(r[0], r[1], r[2]) for r in results.plain()} == {
        ("two-state solution", "Soviet Union", "support"),
        ("democratic state in all of Palestine", "Palestine Liberation Organization", "support"),
        ("democratic state in all of Palestine", "Soviet Union", "reluctance"),
    }


def test_events_between_two_dates(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-events-between", **{"from": "1958-01-01", "to": "1964-05-31"})
    within = dict(zip(column(results, "event"), column(results, "within"), strict=True))
    assert [e for e, w in within.items() if w == "certainly within"] == [
        "soviet-uar-joint-press-release",
        "soviet-algerian-joint-press-release",
    ]
    # "as early as May 1964": it held then, and perhaps long before.
    assert within["secret-soviet-contacts-with-palestinian-leaders"] == "partly within"
    # "a few weeks later" than 6 May 1964 may be after the 31st.
    assert within["nikita-khrushchev-visit-to-egypt"] == "possibly within"
    assert not any("communist-party-of-palestine" in e for e in within)


def test_events_between_1964_and_1969_are_not_the_events_of_1919(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-events-between")
    within = dict(zip(column(results, "event"), column(results, "within"), strict=True))
    assert not any("communist-party-of-palestine" in e for e in within)
    assert [e for e, w in within.items() if w == "certainly within"] == [
        "soviet-algerian-joint-press-release",
        "nikita-khrushchev-repeats-the-inalienable-rights-phrase",
        "nikita-khrushchev-visit-to-egypt",
        "arab-israeli-war-of-1967",
        "soviet-recognition-of-palestinian-nationality",
    ]
    assert within["soviet-cooperation-with-palestinian-social-organisations"] == "partly within"  # "by 1965"


def test_events_of_a_named_period(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-events-of-period", period=ID + "period/british-mandate")
    certain = [
        e for e, w in zip(column(results, "event"), column(results, "within"), strict=True) if w == "certainly within"
    ]
    assert certain == [
        "founding-of-the-communist-party-of-palestine",
        "admission-of-the-communist-party-of-palestine-to-the-comintern",
        "comintern-advice-to-the-communist-party-of-palestine",
        "split-of-the-communist-party-of-palestine",
        "soviet-and-vatican-call-for-the-internationalisation-of-jerusalem",
        "soviet-call-for-an-arab-palestinian-state",
        "soviet-reversal-on-partition",
        "soviet-vote-for-the-un-partition-plan",
    ]
    # The events that crm:P10_falls_within a period are exactly the ones certainly within it.
    falls_within = {
        local(str(e))
        for e in kg.data.subjects(
            URIRef("http://www.cidoc-crm.org/cidoc-crm/P10_falls_within"), URIRef(ID + "period/british-mandate")
        )
    }
    assert falls_within == set(certain)
    wars = answer(kg, "cq-events-of-period")
    wars_certain = [
        e for e, w in zip(column(wars, "event"), column(wars, "within"), strict=True) if w == "certainly within"
    ]
    assert "soviet-recognition-of-palestinian-nationality" not in column(wars, "event")  # July 1969 is after 1967
    assert wars_certain == [
        "first-arab-israeli-war",
        "soviet-uar-joint-press-release",
        "soviet-algerian-joint-press-release",
        "nikita-khrushchev-repeats-the-inalienable-rights-phrase",
        "nikita-khrushchev-visit-to-egypt",
        "arab-israeli-war-of-1967",
    ]


def test_participants_and_roles_of_an_event(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-event-participants")
    assert {(r[1], r[2]) for r in results.plain()} == {
        ("Soviet Union", "predecessor"),
        ("Russian Federation", "successor"),
    }
    embassies = answer(kg, "cq-event-participants", event=ID + "event/soviet-embassy-becomes-the-russian-embassy")
    assert {(r[1], r[2]) for r in embassies.plain()} == {
        ("Soviet Embassy to Palestine", "predecessor"),
        ("Russian Embassy to Palestine", "successor"),
    }


def test_co_participation_network(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-co-participation")
    assert len(results.rows) == 35
    # Years only of the events the source places in one year: the condemnation (undated) and the
    # termination (1991) give the PLO and the Soviet Union one dated year.
    assert results.plain()[:5] == [
        ("Palestine Liberation Organization", "Soviet Union", "3", "1974", "1991"),
        ("Abdullah Hourani", "Soviet Union", "2", "1990", "1990"),
        ("Communist International", "Communist Party of Palestine", "2", None, None),
        ("Palestinian social organisations", "Soviet Union", "2", None, None),
        ("Abdullah Hourani", "Arab states", "1", None, None),
    ]


def test_relation_and_missions_with_dates_and_successors(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-relation-and-missions")
    assert [(r[0], local(r[1]), r[3], r[4], r[5], r[6]) for r in results.plain()] == [
        (
            "relation",
            "palestine-soviet-union",
            "Palestine Liberation Organization and Soviet Union",  # the parties in alphabetical order
            None,
            "1974–1991",
            None,
        ),
        (
            "mission",
            "plo-embassy-to-the-soviet-union",
            "Palestine Liberation Organization to Soviet Union",
            "Moscow",
            "from 1974",
            None,
        ),
        (
            "mission",
            "russian-embassy-to-palestine",
            "Russian Federation to Palestine Liberation Organization",
            None,
            "not dated by the source (began no earlier than 1991, by our reading)",
            None,
        ),
        (
            "mission",
            "soviet-embassy-to-palestine",
            "Soviet Union to Palestine Liberation Organization",
            None,
            "not dated by the source (ended no earlier than 1991, by our reading)",
            "Russian Embassy to Palestine",
        ),
    ]


def test_plo_factions_and_their_positions_towards_the_ussr(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-plo-factions")
    assert [(r[0], r[1], r[2]) for r in results.plain()] == [
        ("Democratic Front for the Liberation of Palestine", "negotiations", "opposition"),
        (
            "Democratic Front for the Liberation of Palestine",
            "support for an actor",
            "qualified support",
        ),
        ("Popular Front for the Liberation of Palestine", "negotiations", "opposition"),
        (
            "Popular Front for the Liberation of Palestine",
            "support for an actor",
            "qualified support",
        ),
    ]


def test_who_praised_or_criticised_soviet_conduct(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-third-party-reactions")
    assert [(r[0], r[1], r[2]) for r in results.plain()] == [
        ("Government of Israel", "support", "at the time of the praise, after November 1988"),
        ("United States Department of State", "support", "at the time of the praise, after November 1988"),
        ("Abdullah Hourani", "opposition", "in September 1990"),
        ("Abdullah Hourani", "opposition", "at the time he said it, after September 1990"),
    ]


def test_hedged_and_attributed_claims(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-hedged-claims")
    found = {(local(r[0]), r[1], r[2]) for r in results.plain()}
    assert len(results.rows) == 9
    assert {
        ("soviet-union-on-us-diplomacy", "probable", None),
        ("emphasis-on-palestine-to-discredit-the-us", "probable", None),
        ("soviet-union-on-defining-self-determination", "apparent", None),
        (
            "secret-soviet-contacts-with-palestinian-leaders",
            "stated as fact",
            "a Palestinian journalist",
        ),
        (
            "prevention-of-palestinian-membership-of-the-un-and-who",
            "stated as fact",
            "Government of Israel",
        ),
    } <= found
    # Only the source's hedges: our reading of the unnamed adviser is no hedge of the article's.
    assert not any(resource.startswith("comintern") for resource, *_ in found)


def test_inferences_are_listed_with_their_reason_and_passage(kg: KnowledgeGraph, project: Project) -> None:
    results = answer(kg, "cq-inferences")
    text = project.source_text.read_text(encoding="utf-8")
    rows = results.plain()
    assert len({r[0] for r in rows}) == 17
    adviser = [r for r in rows if local(r[0]) == "comintern-as-the-adviser"]
    assert {(local(r[1]), r[3] and local(r[3]), r[4] and local(r[4])) for r in adviser} == {
        ("comintern-agent", None, None),
        (
            "comintern-advice-to-the-communist-party-of-palestine",
            "http://semanticweb.cs.vu.nl/2009/11/sem/hasActor",
            "comintern",
        ),
        ("comintern-on-arab-national-freedom", "ontology#holder", "comintern"),
    }
    assert all(r[5] and r[6] in text for r in rows)
    soon = next(r for r in rows if local(r[0]) == "soon-after-the-founding")
    assert (local(soon[1]), soon[3], soon[4], soon[6]) == (
        "admission-of-the-communist-party-of-palestine-to-the-comintern",
        "http://www.cidoc-crm.org/cidoc-crm/P82b_end_of_the_end",
        "1924-12-31",
        "soon after",
    )
    # "Yasser Arafat's Fatah": that he led it is our reading of the possessive, not the source's word.
    leader = next(r for r in rows if local(r[0]) == "arafat-as-the-leader-of-fatah")
    assert (local(leader[1]), leader[3], local(leader[4]), leader[6]) == (
        "yasser-arafat-leader-of-fatah",
        "http://www.w3.org/ns/org#role",
        "leader",
        "Yasser Arafat's Fatah",
    )


def test_why_questions_are_answered_with_the_source_s_words(kg: KnowledgeGraph) -> None:
    rows = {(local(r[0]), r[2], local(r[3])): (r[5], r[6]) for r in answer(kg, "cq-causes").plain()}
    assert len(rows) == 14
    # Why did the relations end?
    assert rows[
        ("termination-of-palestine-soviet-union-relations", "has cause", "dissolution-of-the-soviet-union")
    ] == (
        "stated as fact",
        "The Soviets terminated their relations with Palestine as a result of the dissolution of the Union.",
    )
    # Why did the USSR prefer Fatah?
    assert rows[("soviet-union-on-fatah", "motivated by", "fatah")][1].endswith(
        "due to its strength and relations to Moscow."
    )
    # Why the two-state solution?
    assert rows[("soviet-union-on-the-two-state-solution", "motivated by", "united-states-on-israel")][1].startswith(
        "The Soviets believed that the two-state solution was the only realistic solution, considering"
    )
    # A hedged reason keeps its hedge; a result is a cause, not an agent.
    assert (
        rows[("soviet-union-on-palestine-in-a-settlement", "motivated by", "soviet-union-on-us-diplomacy")][0]
        == "probable"
    )
    assert ("series-of-murders-and-arrests", "has cause", "moves-by-the-soviet-union-and-eastern-bloc") in rows


def test_all_the_evidence_for_a_resource(kg: KnowledgeGraph, project: Project) -> None:
    results = answer(kg, "cq-evidence")
    text = project.source_text.read_text(encoding="utf-8")
    assert [(r[1], r[2], r[3]) for r in results.plain()] == [
        ("943", "1089", "stated as fact"),
        ("1091", "1125", "stated as fact"),
    ]
    for quote, start, end, *_ in results.plain():
        assert text[int(start) : int(end)] == quote


def test_every_stance_change(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-stance-changes")
    assert [(r[1], r[2], r[3], r[4]) for r in results.plain()] == [
        ("partition of Palestine", "opposition", "support", "1947-01-01"),
        ("support for the Palestinian cause", "reluctance", "support", "1967-01-01"),
        ("Palestinian self-determination", "neither for nor against", "support", "1969-07-01"),
        ("support for the Palestinian cause", "support", "qualified support", "1985-01-01"),
    ]


def test_cooperation_conflict_profile_by_year(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-cooperation-profile")
    profile = {r[0]: r[1:] for r in results.plain()}
    assert sum(int(events) for events, *_ in profile.values()) == 40
    # Events the source does not place in one year are counted apart, not in the year of a bound.
    assert profile[None] == ("19", "6", "5", "2")
    assert profile["1919"] == ("1", "0", "0", "0")  # the founding; the admission "soon after" is not binned
    assert profile["1964"] == ("3", "3", "0", "3")
    # The embassy's opening and the recognition of the PLO; the US permission held at the time of the
    # opening, but when it was given the source does not say.
    assert profile["1974"] == ("2", "2", "0", "2")
    assert profile["1990"] == ("1", "0", "1", "-1")


def test_every_local_resource_with_its_wikidata_item(kg: KnowledgeGraph) -> None:
    results = answer(kg, "cq-wikidata-links")
    statuses = [(local(r[0]), r[2].rsplit("/", 1)[1], r[3]) for r in results.plain()]
    assert len(statuses) == 31 + 1 + 6
    assert statuses[0] == ("dflp", "Q818618", "candidate")
    assert ("british-mandate", "Q193714", "related") in statuses
    assert ("soviet-union", "Q15180", "verified") in statuses
    assert ("yasser-arafat", "Q34211", "verified") in statuses
    assert all(r[4] for r in results.plain())


@pytest.mark.parametrize("query", [q for q in QUERIES if q.is_violation_check], ids=lambda q: q.name)
def test_integrity_queries_match_nothing_on_the_real_data(kg: KnowledgeGraph, query: SavedQuery) -> None:
    assert run_embedded(kg.store, query.text).rows == []


# ------------------------------------------------------------------------------- engines


@pytest.mark.parametrize("query", LOCAL, ids=lambda q: q.name)
def test_the_embedded_store_and_an_oxigraph_server_agree(kg: KnowledgeGraph, server: str, query: SavedQuery) -> None:
    text = query.bind({})
    embedded = run_embedded(kg.store, text)
    remote = run_endpoint(f"{server}/query", text)
    assert remote.variables == embedded.variables
    assert remote.plain() == embedded.plain()


def test_federated_query_against_a_local_stand_in_for_wikidata(kg: KnowledgeGraph, server: str, wikidata: str) -> None:
    query = find_query(ROOT / "queries", "cq-wikidata-enrichment")
    text = with_services(query, query.bind({}), {WIKIDATA: f"{wikidata}/query"})
    expected = [
        (
            ID + "actor/joseph-stalin",
            "Joseph Stalin",
            "http://www.wikidata.org/entity/Q855",
            "1878-12-18",
            "1953-03-05",
            None,
            None,
        ),
        (
            ID + "actor/soviet-union",
            "Soviet Union",
            "http://www.wikidata.org/entity/Q15180",
            None,
            None,
            "1922-12-30",
            "1991-12-26",
        ),
    ]
    assert run_embedded(kg.store, text).plain() == expected
    assert run_endpoint(f"{server}/query", text).plain() == expected


# ------------------------------------------------------------------------------- command line


def test_palsov_queries_lists_names_summaries_and_parameters(project: Project) -> None:
    result = run_palsov("queries", cwd=project.root)
    assert result.returncode == 0
    assert "cq-stance-history" in result.stdout and "holder=" in result.stdout


def test_palsov_query_json_is_standard_sparql_results_json(project: Project) -> None:
    result = run_palsov("query", "cq-stance-history", "--format", "json", cwd=project.root)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["head"]["vars"][:3] == ["stance", "label", "polarity"]
    first = document["results"]["bindings"][0]
    assert first["stance"] == {
        "type": "uri",
        "value": ID + "stance/soviet-union-on-partition-until-1947",
    }
    assert first["score"] == {
        "type": "literal",
        "value": "-1",
        "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
    }
    assert "begin" not in first


def test_palsov_query_csv_tsv_and_table(project: Project) -> None:
    csv_out = run_palsov("query", "cq-stance-changes", "--format", "csv", cwd=project.root).stdout
    assert csv_out.splitlines()[0] == "holder,issue,oldPolarity,newPolarity,changed,oldStance,newStance"
    assert len(csv_out.splitlines()) == 5
    tsv_out = run_palsov("query", "cq-stance-changes", "--format", "tsv", cwd=project.root).stdout
    assert tsv_out.splitlines()[0].startswith("?holder\t?issue")
    assert '"1947-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in tsv_out
    table = run_palsov("query", "cq-stance-history", "--format", "table", cwd=project.root)
    assert table.returncode == 0 and "cq-stance-history" in table.stdout
    assert table.stdout.rstrip().endswith("2 rows")


def test_palsov_query_errors_exit_2_and_list_what_is_valid(project: Project) -> None:
    unknown = run_palsov("query", "no-such-query", cwd=project.root)
    assert unknown.returncode == 2 and "valid: cq-causes, cq-co-participation" in unknown.stderr
    bad_param = run_palsov("query", "cq-stance-history", "--param", "colour=red", cwd=project.root)
    assert bad_param.returncode == 2 and "valid: holder, issue" in bad_param.stderr
    bad_date = run_palsov("query", "cq-events-between", "--param", "from=1964-13-01", cwd=project.root)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    unreachable = run_palsov("query", "cq-timeline", "--endpoint", "http://127.0.0.1:9/query", cwd=project.root)
    assert unreachable.returncode == 2 and "cannot reach the endpoint" in unreachable.stderr
    assert all("Traceback" not in r.stderr for r in (unknown, bad_param, bad_date, unreachable))


def test_palsov_query_on_an_endpoint_with_parameters(project: Project, server: str) -> None:
    result = run_palsov(
        "query",
        "cq-stance-history",
        "--endpoint",
        f"{server}/query",
        "--format",
        "csv",
        "--param",
        f"holder={ID}actor/plo",
        "--param",
        "issue=https://w3id.org/palsov/vocab/issue/democratic-state",
        cwd=project.root,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(f"{ID}stance/plo-on-a-democratic-state,")
