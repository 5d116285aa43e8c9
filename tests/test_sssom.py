"""dist/palsov-wikidata.sssom.tsv: an SSSOM mapping set that the SSSOM tooling (sssom-py) reads and
validates, with a row for every link, related item and candidate of the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from palsov.publish import sssom
from palsov.rdf.graph import KnowledgeGraph

sssom_parsers = pytest.importorskip("sssom.parsers", reason="the test extra installs sssom")
from sssom.constants import SchemaValidationType  # noqa: E402
from sssom.validators import validate  # noqa: E402

CHECKS = [
    SchemaValidationType.JsonSchema,
    SchemaValidationType.PrefixMapCompleteness,
    SchemaValidationType.StrictCurieFormat,
]


def problems(path: Path) -> list[str]:
    """What sssom-py's validators find wrong with a mapping set (nothing, for a valid one)."""
    reports = validate(sssom_parsers.parse_sssom_table(path), CHECKS, fail_on_error=False)
    return [str(result) for report in reports.values() for result in report.results]


@pytest.fixture(scope="module")
def mapping_set(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sssom.write(kg.store, tmp_path_factory.mktemp("sssom"), "0.1.0")


def test_the_mapping_set_validates_with_the_sssom_tooling(mapping_set: Path) -> None:
    assert problems(mapping_set) == []
    parsed = sssom_parsers.parse_sssom_table(mapping_set)
    assert parsed.metadata["mapping_set_id"] == "https://w3id.org/palsov/dist/palsov-wikidata.sssom.tsv"
    assert parsed.metadata["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert parsed.converter.expand("wd:Q15180") == "http://www.wikidata.org/entity/Q15180"
    assert parsed.converter.expand("actor:plo") == "https://w3id.org/palsov/id/actor/plo"


def test_every_link_related_item_and_candidate_is_a_row(mapping_set: Path, kg: KnowledgeGraph) -> None:
    frame = sssom_parsers.parse_sssom_table(mapping_set).df
    rows = {(r.subject_id, r.predicate_id, r.object_id): r for r in frame.itertuples()}

    def short(iri: str) -> str:
        kind, local = iri.removeprefix("https://w3id.org/palsov/id/").split("/", 1)
        return f"{kind}:{local}"

    def pairs(query: str) -> set[tuple[str, str]]:
        wikidata = "http://www.wikidata.org/entity/"
        return {
            (short(s.value), "wd:" + o.value[len(wikidata) :])
            for s, o in kg.store.query(query)
            if o.value.startswith(wikidata)
        }

    links = pairs("SELECT ?s ?o { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o }")
    candidates = pairs("SELECT ?s ?o { ?s <https://w3id.org/palsov/ontology#wikidataCandidate> ?o }")
    related = pairs("SELECT ?s ?o { ?s <http://www.w3.org/2004/02/skos/core#relatedMatch> ?o }")
    assert (len(links), len(candidates), len(related)) == (31, 6, 1)
    assert len(rows) == len(frame) == 38
    for subject, item in links:
        row = rows[(subject, "skos:exactMatch", item)]
        assert row.confidence == sssom.CORROBORATED and row.mapping_justification == "semapv:ManualMappingCuration"
        assert row.comment.startswith("Verified by offline corroboration on 2026-12-01")
    for subject, item in candidates:
        row = rows[(subject, "skos:exactMatch", item)]
        assert row.confidence == sssom.CANDIDATE and row.comment.startswith("Unverified candidate")
    assert rows[("period:british-mandate", "skos:relatedMatch", "wd:Q193714")].object_label == "Mandatory Palestine"
    war = rows[("event:arab-israeli-war-of-1967", "skos:exactMatch", "wd:Q49077")]
    assert (war.subject_label, war.object_label, war.author_id) == (
        "1967 Arab–Israeli war",
        "Six-Day War",
        "agent:palsov-developers",
    )
    assert str(war.mapping_date)[:10] == "2026-12-01"


def test_the_validator_finds_what_is_wrong_with_a_damaged_set(mapping_set: Path, tmp_path: Path) -> None:
    """The checks above can fail: an undeclared prefix is reported, a malformed CURIE drops its row."""
    lines = mapping_set.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(n for n, line in enumerate(lines) if line.startswith("subject_id\t"))
    damaged = lines[header + 1].replace("wd:", "wikidata:", 1)
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(
        "".join(
            [
                *lines[: header + 1],
                damaged,
                "actor:x y\tx\tskos:exactMatch\twd:Q1\t\t"
                "semapv:ManualMappingCuration\t0.5\tagent:palsov-developers\t2026-12-01\tx\n",
            ]
        ),
        encoding="utf-8",
    )
    found = problems(broken)
    assert any("Missing prefix: wikidata" in p for p in found), found
    assert len(sssom_parsers.parse_sssom_table(broken).df) == 1  # of the two rows, the malformed one is dropped
