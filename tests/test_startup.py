"""Start-up: a command imports only what it uses (see the rule at the top of palsov/cli.py).

Not a timed test: it reads which modules a command's process imported (`python -X importtime`
lists every one, to the last, on standard error), so that new code cannot bring a slow library
back into commands that never use it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import palsov
from palsov.project import Project
from palsov.validation import ENGINE_NAMES
from palsov.validation.engines import ENGINES

#: Libraries a command that writes CSV, counts or its version has no use for, and that each take a
#: large share of its start-up: rdflib, rich, importlib.metadata, the EDTF parser, the engines,
#: the charts, the ontology page, the HTTP client.
NEVER = ("rdflib", "rich", "importlib.metadata", "edtf", "pyshacl", "matplotlib", "pylode", "httpx")


def imported(
    *args: str, cwd: os.PathLike, command: tuple[str, ...] = (sys.executable, "-m", "palsov"), **env_vars: str
) -> set[str]:
    """The modules and top-level packages the command `palsov ARGS` imported, in its own process,
    beyond what the interpreter imports before any command (a site's .pth files may import typing,
    say: not the command's doing)."""
    return _imports(command, args, cwd, env_vars) - _imports((sys.executable, "-c", "print()"), (), cwd, env_vars)


def _imports(command: tuple[str, ...], args: tuple[str, ...], cwd: os.PathLike, env_vars: dict[str, str]) -> set[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "PALSOV_ROOT"}, **env_vars}
    completed = subprocess.run(
        [command[0], "-X", "importtime", *command[1:], *args],
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
    [("stats",), ("query", "cq-timeline", "--format", "csv"), ("--version", "stats")],
    ids=["stats", "query-csv", "version-through-click"],
)
def test_a_quick_command_imports_no_slow_library(project: Project, args: tuple[str, ...]) -> None:
    found = imported(*args, cwd=project.root)
    assert "palsov.cli" in found  # the check reads the imports it means to
    assert sorted(set(NEVER) & found) == []


#: The two ways the command starts: `python -m palsov`, and the console script pip writes, which
#: calls the entry point pyproject.toml names (palsov.__main__:main) and nothing else.
ENTRY_POINTS = {
    "python -m palsov": (sys.executable, "-m", "palsov"),
    "console script": (sys.executable, "-c", "import sys; from palsov.__main__ import main; sys.exit(main())"),
}


@pytest.mark.parametrize("command", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_version_is_answered_before_click_is_imported(project: Project, command: tuple[str, ...]) -> None:
    found = imported("--version", cwd=project.root, command=command)
    assert "palsov.runtime.signals" in found  # the check read the imports of palsov's start-up
    assert sorted({"click", "palsov.cli", "pyoxigraph", "palsov.project", "typing", *NEVER} & found) == []


def test_the_early_version_is_the_line_click_prints(project: Project) -> None:
    """`palsov --version` alone is answered by palsov.__main__; with anything after it, click's
    eager option answers: one line either way."""
    lines = set()
    for args in (("--version",), ("--version", "stats")):
        for command in ENTRY_POINTS.values():
            completed = subprocess.run([*command, *args], cwd=project.root, capture_output=True, text=True, check=True)
            lines.add(completed.stdout)
    assert lines == {f"palsov, version {palsov.__version__}\n"}


def test_the_console_script_is_the_entry_point_tested() -> None:
    with open(Path(__file__).parents[1] / "pyproject.toml", "rb") as file:
        assert tomllib.load(file)["project"]["scripts"] == {"palsov": "palsov.__main__:main"}


def test_a_command_that_needs_a_library_still_imports_it(project: Project, tmp_path: Path) -> None:
    """The check can fail: `validate` does read EDTF values it has not read before (none are in an
    empty cache), and a table of results is drawn by rich."""
    assert "edtf" in imported("validate", cwd=project.root, PALSOV_CACHE_DIR=str(tmp_path))
    assert "rich" in imported("query", "cq-timeline", "--format", "table", cwd=project.root)


def test_validate_from_the_cache_imports_no_edtf_parser(project: Project, tmp_path: Path) -> None:
    """The shapes checked and compiled, and every EDTF value read, by an earlier run (runtime/cache.py)."""
    imported("validate", cwd=project.root, PALSOV_CACHE_DIR=str(tmp_path))
    again = imported("validate", cwd=project.root, PALSOV_CACHE_DIR=str(tmp_path))
    assert "palsov.validation.checks" in again and "edtf" not in again and "pyparsing" not in again


def test_a_saved_query_from_the_cache_imports_no_yaml_parser(project: Project, tmp_path: Path) -> None:
    """A header is read by PyYAML once; then its reading comes from the cache (queries/saved.py).
    A query with no SERVICE call and no --endpoint imports no HTTP client."""
    args = ("query", "cq-timeline", "--format", "csv")
    assert "yaml" in imported(*args, cwd=project.root, PALSOV_CACHE_DIR=str(tmp_path))
    again = imported(*args, cwd=project.root, PALSOV_CACHE_DIR=str(tmp_path))
    assert "palsov.queries.saved" in again
    assert sorted({"yaml", "palsov.rdf.http", "socket"} & again) == []
    (entry,) = tmp_path.joinpath("query-headers").glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:40])  # cut short: a miss, and the header is read anew
    assert "yaml" in imported(*args, cwd=project.root, PALSOV_CACHE_DIR=str(tmp_path))


def test_the_engines_the_command_line_offers_are_the_engines() -> None:
    assert ("sparql", *ENGINES) == ENGINE_NAMES


def test_library_versions_are_what_importlib_metadata_reads() -> None:
    """runtime.versions reads the dist-info folders' names itself (quicker than importlib.metadata):
    the same versions, whatever spelling of a name is asked, and "none" for what is not installed."""
    from importlib.metadata import version

    from palsov.runtime.versions import library_versions

    names = ("pyoxigraph", "rdflib", "PyYAML", "pyyaml", "pyshacl-turbo", "pyshacl_turbo", "click", "matplotlib")
    assert library_versions(*names) == {name: version(name) for name in names}
    assert library_versions("no-such-distribution-palsov") == {"no-such-distribution-palsov": "none"}
