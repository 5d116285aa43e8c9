"""A missing service skips where it may be missing, and fails in CI (PALSOV_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT
from .services import REQUIRE_ENV, missing, require_service

_ABSENT = missing("the stand-in service of this test is not installed")
_PROBE = "PALSOV_TEST_PROBE"


@pytest.mark.skipif(os.environ.get(_PROBE) != "1", reason="run only by the test below, in its own pytest")
def test_probe_needs_an_absent_service() -> None:
    require_service(False, _ABSENT)


def _run_probe(require: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_ENV} | {_PROBE: "1"}
    if require is not None:
        env[REQUIRE_ENV] = require
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            f"{__file__}::{test_probe_needs_an_absent_service.__name__}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_service_skips_with_its_reason_and_fails_where_services_are_required() -> None:
    skipped = _run_probe(None)
    assert skipped.returncode == 0, skipped.stdout
    assert "1 skipped" in skipped.stdout and _ABSENT in skipped.stdout
    failed = _run_probe("1")
    assert failed.returncode == 1, failed.stdout
    assert (
        "1 failed" in failed.stdout and f"{REQUIRE_ENV}=1, and a service these tests need is missing" in failed.stdout
    )


def test_an_unregistered_message_is_refused() -> None:
    with pytest.raises(AssertionError, match="register"):
        require_service(True, "some message nobody registered")
