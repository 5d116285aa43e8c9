"""`palsov bench`: how long each command takes as a whole process on the real data.

A benchmark, not a test: it prints medians of several runs (the machines are noisy) and writes
them to dist/bench.json. It never fails on a slow figure.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..project import Project
from ..queries.saved import saved_queries
from ..rdf.files import write_atomically


@dataclass(frozen=True)
class Timing:
    command: str
    runs: int
    median_s: float
    min_s: float
    max_s: float


def _palsov() -> list[str]:
    """This interpreter's palsov, not whichever `palsov` is first on the PATH."""
    return [sys.executable, "-m", "palsov"]


def time_command(arguments: list[str], cwd: Path, runs: int) -> Timing:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        completed = subprocess.run([*_palsov(), *arguments], cwd=cwd, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        if completed.returncode != 0:
            stderr = completed.stderr.decode(errors="replace").strip()
            raise RuntimeError(f"palsov {' '.join(arguments)} failed: {stderr}")
    return Timing(
        command="palsov " + " ".join(arguments),
        runs=runs,
        median_s=round(statistics.median(samples), 3),
        min_s=round(min(samples), 3),
        max_s=round(max(samples), 3),
    )


def commands(project: Project) -> list[list[str]]:
    """Every command a user runs on the embedded store, and validation by the reference engine beside
    ours; the federated query needs the network."""
    found = [["build"], ["validate"], ["validate", "--engine", "pyshacl"], ["stats"], ["export", "--format", "turtle"]]
    for query in saved_queries(project.queries_dir):
        if "SERVICE" not in query.text:
            found.append(["query", query.name, "--format", "csv"])
    return found


def run(project: Project, runs: int = 5) -> list[Timing]:
    timings = [time_command(arguments, project.root, runs) for arguments in commands(project)]
    document = {
        "runs": runs,
        "python": sys.version.split()[0],
        "timings": [asdict(t) for t in timings],
    }
    write_atomically(project.dist_dir / "bench.json", json.dumps(document, indent=2) + "\n")
    return timings
