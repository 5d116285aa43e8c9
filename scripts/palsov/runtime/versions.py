"""Which palsov, which libraries and which code are running: for the User-Agent, the dataset's
description, and the stamps that decide whether a slow rendering can be reused."""

from __future__ import annotations

import hashlib
from functools import cache
from types import ModuleType


@cache
def palsov_version() -> str:
    # importlib.metadata takes longer to import than the rest of start-up: asked for when needed.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("palsov")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def library_versions(*names: str) -> dict[str, str]:
    """The installed version of each distribution, "none" where it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "none"
    return found


def code_digest(*modules: ModuleType) -> str:
    """The SHA-256 of the modules' source: a rendering made by other code is made again."""
    digest = hashlib.sha256()
    for module in modules:
        if module.__file__ is not None:
            with open(module.__file__, "rb") as source:
                digest.update(source.read())
    return digest.hexdigest()
