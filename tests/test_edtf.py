"""The EDTF check: every palsov:edtf value is read by an EDTF parser, and the bounds it gives under
each qualifier are the ones the ontology defines (ontology/time.ttl, the time-qualifier scheme)."""

from __future__ import annotations

import pytest
from edtf.parser.edtf_exceptions import EDTFParseException

from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import PREFIXES
from palsov.validation.checks import (
    AFTER,
    ATTESTED,
    CONTINUED_AFTER,
    P81A,
    P81B,
    P82A,
    P82B,
    NotOneDate,
    edtf_results,
    given_bounds,
)


@pytest.mark.parametrize(
    ("edtf", "family", "expected"),
    [
        ("1958-05-15", None, {P82A: "1958-05-15", P82B: "1958-05-15"}),  # a date: it happened then
        ("1969-07", None, {P82A: "1969-07-01", P82B: "1969-07-31"}),
        ("1974/1991", None, {P82A: "1974-01-01", P81A: "1974-12-31", P81B: "1991-01-01", P82B: "1991-12-31"}),
        ("1947/", None, {P82A: "1947-01-01", P81A: "1947-12-31"}),  # began in 1947, end not given
        ("/1947", None, {P81B: "1947-01-01", P82B: "1947-12-31"}),  # "until 1947"
        ("[1919..]", None, {P82A: "1919-01-01"}),  # on or after 1919: no upper bound from the words
        ("[..1965]", None, {P82B: "1965-12-31"}),  # an occurrence by 1965
        ("1947", ATTESTED, {P81A: "1947-12-31", P81B: "1947-01-01"}),  # "at the time": neither begun nor ended then
        ("1964-05", ATTESTED, {P81A: "1964-05-31", P81B: "1964-05-01"}),  # "as early as": never a lower bound
        ("[1988-11..]", ATTESTED, {P81B: "1988-11-01"}),  # held at some time from November 1988
        ("1949", CONTINUED_AFTER, {P81A: "1949-12-31", P81B: "1950-01-01"}),  # "continued … after 1949"
        ("1967/", AFTER, {P82A: "1967-01-01"}),  # began "following" the 1967 war: not necessarily in 1967
        ("XXXX", None, {}),  # the source gives no date
    ],
)
def test_the_bounds_each_wording_gives(edtf: str, family: str | None, expected: dict[str, str]) -> None:
    assert given_bounds(edtf, family) == expected


@pytest.mark.parametrize("edtf", ["[..1947]/..", "[..1965]/..", "[..1967]/..", "[1919..]/..", "in 1974", "1974-13"])
def test_values_an_edtf_parser_rejects(edtf: str) -> None:
    with pytest.raises(EDTFParseException):
        given_bounds(edtf)


def test_a_state_attested_at_a_time_is_given_one_date_not_a_range() -> None:
    with pytest.raises(NotOneDate, match="one date"):
        given_bounds("1947/1948", ATTESTED)


def test_leap_days_are_read_in_their_own_year() -> None:
    """Values are parsed once per form, with their years replaced by a leap or a common year."""
    assert given_bounds("1964-02-29") == {P82A: "1964-02-29", P82B: "1964-02-29"}
    assert given_bounds("1964-02/1965-02") == {
        P82A: "1964-02-01",
        P81A: "1964-02-29",
        P81B: "1965-02-01",
        P82B: "1965-02-28",
    }
    with pytest.raises(ValueError):
        given_bounds("1965-02-29")
    assert given_bounds("{1960, 1965, 1970}") == {P82A: "1960-01-01", P82B: "1970-12-31"}


def test_every_edtf_value_of_the_data_parses_and_agrees_with_its_bounds(kg: KnowledgeGraph) -> None:
    assert list(edtf_results(kg.store)) == []
    # Every time span has its EDTF, once: the check above saw every span.
    spans = [r["s"] for r in kg.store.query("SELECT ?s { ?s a palsov:TimeSpan }", prefixes=PREFIXES)]
    dated = [r["s"] for r in kg.store.query("SELECT ?s { ?s palsov:edtf ?edtf }", prefixes=PREFIXES)]
    assert spans and sorted(dated, key=str) == sorted(spans, key=str)
