"""Which palsov, which libraries and which code are running: for the User-Agent, the dataset's
description, and the stamps that decide whether a slow rendering can be reused."""

from __future__ import annotations

import sys

#: As in palsov/__init__.py: typing.TYPE_CHECKING, without importing typing on `palsov --version`.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from types import ModuleType

#: The one place for palsov's version: pyproject.toml reads it from here, statically, so that knowing
#: it never costs an import of importlib.metadata (which takes longer than the rest of `palsov --version`).
PALSOV_VERSION = "0.1.0"


def palsov_version() -> str:
    return PALSOV_VERSION


def version_line() -> str:
    """What `palsov --version` prints."""
    return f"palsov, version {PALSOV_VERSION}"


def library_versions(*names: str) -> dict[str, str]:
    """The installed version of each distribution, "none" where it is not installed.

    Read from the names of the `.dist-info` folders on sys.path (`{name}-{version}.dist-info`,
    the name normalised: PEP 427 and the packaging specifications), the first found winning, as
    importlib.metadata finds them; that module reads the same folders, but importing it and
    scanning for the four libraries a build's stamps name took 13 ms, this takes under 1 ms."""
    import os
    import re

    def normalised(name: str) -> str:
        return re.sub(r"[-_.]+", "_", name).lower()

    wanted: dict[str, list[str]] = {}
    for name in names:
        wanted.setdefault(normalised(name), []).append(name)
    found = dict.fromkeys(names, "none")
    for entry in sys.path:
        if not wanted:
            break
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if item.endswith(".dist-info") and "-" in item:
                name, version = item.removesuffix(".dist-info").split("-", 1)
                for given in wanted.pop(normalised(name), []):
                    found[given] = version
    return found


def code_digest(*modules: ModuleType) -> str:
    """The SHA-256 of the modules' source: a rendering made by other code is made again."""
    import hashlib  # here: `palsov --version` needs this module, and hashlib takes a tenth of its start-up

    digest = hashlib.sha256()
    for module in modules:
        if module.__file__ is not None:
            with open(module.__file__, "rb") as source:
                digest.update(source.read())
    return digest.hexdigest()
