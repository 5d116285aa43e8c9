"""The W3C SHACL test suite (core and SHACL-SPARQL), run as data against the default engine.

Every test must pass, except those whose feature the engine declares unsupported: those must be
refused loudly (UnsupportedError, exit 3), never answered wrongly. The suite lives outside the
repository (see palsov.w3c_suite); without it these tests skip, saying so.
"""

from __future__ import annotations

import pytest

from palsov.validation.w3c_suite import DEFAULT_SUITE, Case, cases, run

from .conftest import ROOT

SUITE = ROOT / DEFAULT_SUITE
#: The tests the default engine refuses, and why (the README lists them).
UNSUPPORTED = {
    "core/property/datatype-ill-formed": "sh:datatype xsd:byte",
}
CASES = cases(SUITE) if (SUITE / "tests" / "manifest.ttl").exists() else []
needs_suite = pytest.mark.skipif(not CASES, reason=f"the W3C SHACL test suite is not at {SUITE}")


@needs_suite
def test_the_suite_is_all_there() -> None:
    sections = {case.section for case in CASES}
    assert len(CASES) == 120
    assert {"core/node", "core/property", "core/path", "sparql/pre-binding", "sparql/component"} <= sections


@needs_suite
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_default_engine_passes_or_refuses_what_it_declares(case: Case) -> None:
    outcome = run(case, "sparql")
    if case.name in UNSUPPORTED:
        assert outcome.status == "refused", outcome.detail
        assert UNSUPPORTED[case.name] in outcome.detail
    else:
        assert outcome.status == "pass", outcome.detail


@needs_suite
def test_a_wrong_answer_is_caught() -> None:
    """The harness itself: a suite test with one expected result taken away must not pass."""
    case = next(c for c in CASES if c.name == "core/node/class-001")
    expected = case.expected.copy()
    expected.subtract({next(iter(expected)): 1})
    damaged = Case(case.name, case.label, case.data, case.shapes, +expected, case.conforms)
    assert run(damaged, "sparql").status == "wrong"
