"""Start-up: a command imports only what it uses (see the rule at the top of palsov/cli.py).

Not a timed test: it reads which modules a command's process imported (`python -X importtime`
lists every one, to the last, on standard error), so that new code cannot bring a slow library
back into commands that never use it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from palsov.project import Project
from palsov.validation import ENGINE_NAMES
from palsov.validation.engines import ENGINES

#: Libraries a command that writes CSV, counts or its version has no use for, and that each take a
#: large share of its start-up: rdflib, rich, importlib.metadata, the EDTF parser, the engines,
#: the charts, the ontology page, the HTTP client.
NEVER = ("rdflib", "rich", "importlib.metadata", "edtf", "pyshacl", "matplotlib", "pylode", "httpx")


def imported(*args: str, cwd: os.PathLike) -> set[str]:
    """The top-level packages the command `palsov ARGS` imported, in its own process."""
    env = {k: v for k, v in os.environ.items() if k != "PALSOV_ROOT"}
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "palsov", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout  # the command did its work, not only its imports
    lines = [line for line in completed.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "python -X importtime printed nothing"
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines[1:]} | {
        line.rsplit("|", 1)[1].strip() for line in lines[1:]
    }


@pytest.mark.parametrize(
    "args",
    [("--version",), ("stats",), ("query", "cq-timeline", "--format", "csv")],
    ids=["version", "stats", "query-csv"],
)
def test_a_quick_command_imports_no_slow_library(project: Project, args: tuple[str, ...]) -> None:
    found = imported(*args, cwd=project.root)
    assert "palsov.cli" in found  # the check reads the imports it means to
    assert sorted(set(NEVER) & found) == []


def test_version_imports_neither_the_store_nor_the_project(project: Project) -> None:
    found = imported("--version", cwd=project.root)
    assert "pyoxigraph" not in found and "palsov.project" not in found


def test_a_command_that_needs_a_library_still_imports_it(project: Project) -> None:
    """The check can fail: `validate` does read EDTF values, and pySHACL's engine is pySHACL."""
    assert "edtf" in imported("validate", cwd=project.root)
    assert {"pyshacl", "rdflib"} <= imported("validate", "--engine", "pyshacl", cwd=project.root)


def test_the_engines_the_command_line_offers_are_the_engines() -> None:
    assert ("sparql", *ENGINES) == ENGINE_NAMES
