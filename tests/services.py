"""The services some tests need (Virtuoso, Jena, Apache, Chromium, axe-core): when one is absent
those tests skip with a message of this registry, and with PALSOV_REQUIRE_SERVICES=1 (set by
.ci/run, where every one is installed) the conftest hook turns that skip into a failure."""

from __future__ import annotations

import pytest

REQUIRE_ENV = "PALSOV_REQUIRE_SERVICES"
MISSING: set[str] = set()


def missing(message: str) -> str:
    """Register the message a test skips with when its service is absent."""
    MISSING.add(message)
    return message


def require_service(available: bool, message: str) -> None:
    assert message in MISSING, f"register {message!r} with services.missing()"
    if not available:
        pytest.skip(message)
