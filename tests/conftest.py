"""Shared fixtures: the project this suite lives in, its graph, and a throw-away copy to damage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from palsov.project import Project
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import PREFIXES

from .services import MISSING, REQUIRE_ENV

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("ontology", "data", "shapes", "queries")


@pytest.fixture(scope="session", autouse=True)
def _cache_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """palsov's cache (runtime/cache.py) in a folder of the session's, for every process it starts,
    not the user's."""
    os.environ["PALSOV_CACHE_DIR"] = str(tmp_path_factory.mktemp("palsov-cache"))


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def kg(project: Project) -> KnowledgeGraph:
    return KnowledgeGraph.read(project)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A copy of the project's sources in a temporary folder, free to break."""
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, tmp_path / part)
    return Project(tmp_path)


def run_palsov(
    *args: str,
    cwd: Path,
    timeout: float = 120,
    module: str = "palsov",
    stdin: str | None = None,
    **env_vars: str,
) -> subprocess.CompletedProcess[str]:
    """Run the command line (or another of palsov's modules: a benchmark) as a user would, in its
    own process: `stdin` on its standard input, `env_vars` added to its environment."""
    env = {**{k: v for k, v in os.environ.items() if k != "PALSOV_ROOT"}, **env_vars}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def unlinked_actors(kg: KnowledgeGraph) -> set[str]:
    """The actors with no Wikidata link or candidate that could have one (UnlinkedActorShape's
    informational results), found here in SPARQL of our own."""
    query = """SELECT ?a {
      ?a a/rdfs:subClassOf* sem:Actor .
      FILTER NOT EXISTS { ?a owl:sameAs ?item } FILTER NOT EXISTS { ?a palsov:wikidataCandidate ?candidate }
      FILTER EXISTS { ?a sem:actorType ?type FILTER (?type NOT IN (atype:collective, atype:diplomatic-mission)) }
    }"""
    return {row["a"].value for row in kg.store.query(query, prefixes=PREFIXES)}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Where every service is installed (.ci/run sets PALSOV_REQUIRE_SERVICES=1), a test that
    skips because one is missing fails: CI never passes by leaving those tests out."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or os.environ.get(REQUIRE_ENV) != "1" or not isinstance(report.longrepr, tuple):
        return
    reason = str(report.longrepr[2]).removeprefix("Skipped: ")
    if reason in MISSING:
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_ENV}=1, and a service these tests need is missing: {reason}"
