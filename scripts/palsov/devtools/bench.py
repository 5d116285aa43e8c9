"""`palsov bench`: each command on the real data beside the bare engine doing the same work.

A benchmark, not a test. Every figure is a pair: palsov, and pyoxigraph alone (`bare.py`, a
process that imports nothing else) making the same calls — `Store.load` of the same files, the
very queries palsov asked of its store (recorded here), the same results format, the same six
serialisations. The two run interleaved (ours, bare, ours, bare …) so that whatever else the
machine does falls on both; each run gives a ratio, and a pair reports the medians, the median
ratio and the lowest and highest ratio of its runs (the spread a figure quoted from it carries).
It never fails on a slow figure. The figures go to dist/bench.json, with the machine they are of.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..project import Project
from ..queries.saved import saved_queries
from ..rdf.files import write_atomically
from ..rdf.io import rdf_format
from ..rdf.vocab import PREFIXES, RDFS_LABEL
from ..runtime.cores import usable_cores
from ..runtime.progress import note
from . import bare

#: A query as palsov asked it of the store: its text and the prefixes it was given.
Asked = tuple[str, dict[str, str]]


@dataclass(frozen=True)
class Pair:
    """One interleaved comparison: medians (s), the median of the runs' ratios, and their range."""

    name: str
    ours: str  # what was timed of palsov
    bare: str  # what was timed of pyoxigraph alone
    runs: int
    ours_s: float
    bare_s: float
    ratio: float
    ratio_min: float
    ratio_max: float

    def cells(self) -> tuple[str, ...]:
        spread = f"{self.ratio_min:.2f}–{self.ratio_max:.2f}"
        return (self.name, f"{self.ours_s:.3f}", f"{self.bare_s:.3f}", f"{self.ratio:.2f}", spread)


#: "other": pyoxigraph alone doing the same work, or the engine a row names.
COLUMNS = ("measured", "palsov s", "other s", "ratio", "range")


def interleaved(
    name: str,
    ours: Callable[..., object],
    bare: Callable[..., object],
    runs: int,
    described: tuple[str, str] = ("", ""),
    setup: Callable[[], object] | None = None,
    progress: Callable[[str], None] = note,
) -> Pair:
    """Time `ours` and `bare` in turn, `runs` times each; `setup`, if given, runs untimed before
    each and hands it its input (a graph read afresh, for a stage that uses it up). What is being
    timed goes to `progress` (the spinner on a terminal)."""
    pairs: list[tuple[float, float]] = []
    for run in range(runs):
        progress(f"{name}: run {run + 1} of {runs}")
        samples = []
        for work in (ours, bare):
            given = () if setup is None else (setup(),)
            start = time.perf_counter()
            work(*given)
            samples.append(time.perf_counter() - start)
            del given  # before the next setup: two inputs at once would inflate the peak memory
        pairs.append((samples[0], samples[1]))
    ratios = [a / b for a, b in pairs]
    return Pair(
        name=name,
        ours=described[0],
        bare=described[1],
        runs=runs,
        ours_s=round(statistics.median(a for a, _ in pairs), 4),
        bare_s=round(statistics.median(b for _, b in pairs), 4),
        ratio=round(statistics.median(ratios), 2),
        ratio_min=round(min(ratios), 2),
        ratio_max=round(max(ratios), 2),
    )


def machine() -> dict[str, Any]:
    """What the figures are of: cores this process may use, the CPU, the memory, the software."""
    cpu = platform.processor() or platform.machine()
    memory_mb = 0
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as info:
            total = next((line.split()[1] for line in info if line.startswith("MemTotal:")), "0")
            memory_mb = int(total) // 1024
    except OSError:  # not Linux: the platform's own names
        pass
    return {
        "cores": usable_cores(),
        "cpu": cpu,
        "memory_mb": memory_mb,
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
    }


# ------------------------------------------------------------------ what palsov asks of its store


class _Recorder:
    """A store that notes each query asked of it, to ask pyoxigraph alone the same ones."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self.asked: list[Asked] = []

    def query(self, query: str, **options: Any) -> Any:
        if options.get("substitutions"):
            raise ValueError("the bare engine cannot replay a query with substitutions")
        self.asked.append((query, dict(options.get("prefixes") or {})))
        return self._store.query(query, **options)

    def __len__(self) -> int:
        return len(self._store)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@dataclass(frozen=True)
class Asks:
    """The queries a stage asks of the store; the same whatever the data's size (they are the
    shapes', the checks', the counts' and the exports' own)."""

    validation: list[Asked]
    stats: list[Asked]
    export: list[Asked]


def recorded(project: Project) -> Asks:
    """The queries `palsov build` asks, stage by stage, recorded on this project's graph."""
    from ..publish import formats, jsonld, stats
    from ..queries.saved import find_query
    from ..rdf.graph import KnowledgeGraph
    from ..validation.validate import validate_project

    kg = KnowledgeGraph.read(project)
    asks = []
    for stage in ("validation", "stats", "export"):
        recorder = _Recorder(kg.store)
        kg.__dict__["store"] = recorder  # the graph's store, seen through the recorder
        if stage == "validation":
            validate_project(project, kg=kg)
        elif stage == "stats":
            stats.compute(recorder)  # type: ignore[arg-type]
        else:
            context = jsonld.load_context(jsonld.context_path(project.ontology_dir))
            timeline = find_query(project.queries_dir, "cq-timeline").text
            with tempfile.TemporaryDirectory() as out:
                formats.export_all(kg, Path(out), context, timeline_query=timeline, workers=1)
        kg.__dict__["store"] = recorder._store
        asks.append(recorder.asked)
    return Asks(*asks)


def graph_files(project: Project) -> list[list[str]]:
    """The files `palsov` loads, as the bare engine is told them: path, extension, base IRI."""
    paths = [*project.ontology_files(), *project.data_files(), *project.enrichment_files()]
    return [[str(p), rdf_format(p).file_extension, p.resolve().as_uri()] for p in paths]


def bare_dumps(folder: Path) -> list[list[Any]]:
    """The six serialisations a build writes, by pyoxigraph's own writers."""
    from ..publish.formats import FORMATS

    return [[str(folder / f"bare.{f.extension}"), f.extension, dict(PREFIXES)] for f in FORMATS.values()]


# ------------------------------------------------------------------ whole processes on the real data


def _palsov() -> list[str]:
    """This interpreter's palsov, not whichever `palsov` is first on the PATH."""
    return [sys.executable, "-m", "palsov"]


def environment(**extra: str) -> dict[str, str]:
    """The environment of a timed process: palsov runs from bytecode, as an installed copy does (pip
    compiles it on install; PYTHONDONTWRITEBYTECODE would have every run compile palsov's source
    anew, which the bare engine, one small script, hardly pays)."""
    return {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **extra}


def _process(arguments: list[str], cwd: Path) -> Callable[[], None]:
    def run() -> None:
        completed = subprocess.run(arguments, cwd=cwd, env=environment(), capture_output=True, check=False)
        if completed.returncode != 0:
            stderr = completed.stderr.decode(errors="replace").strip()
            raise RuntimeError(f"{' '.join(arguments[2:])} failed: {stderr[-400:]}")

    return run


def _job(folder: Path, name: str, work: dict[str, Any]) -> list[str]:
    """The command that runs the bare engine on `work`, written to a file in `folder`."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps(work), encoding="utf-8")
    return [sys.executable, bare.__file__, str(path)]


#: The resource `describe` is timed on: the one the graph says most about.
DESCRIBED = "actor:soviet-union"


def _describing(curie: str) -> list[Asked]:
    """What a bare script asks to describe a resource: every statement about it and every one that
    points at it, each with the label of the resource at its other end."""
    prefix, local = curie.split(":", 1)
    iri = f"<{PREFIXES[prefix]}{local}>"
    label = f"OPTIONAL {{ ?other {RDFS_LABEL} ?label }}"
    return [
        (f"SELECT ?p ?other ?label WHERE {{ {iri} ?p ?other {label} }}", {}),
        (f"SELECT ?other ?p ?label WHERE {{ ?other ?p {iri} {label} }}", {}),
    ]


def commands(project: Project, asks: Asks, folder: Path) -> list[tuple[str, list[str], list[str], str]]:
    """(name, palsov's arguments, the bare engine's command, what the bare engine does)."""
    files = graph_files(project)
    job = partial(_job, folder)
    pairs = [
        ("start-up", ["--version"], [sys.executable, "-c", "import pyoxigraph"], "python -c 'import pyoxigraph'"),
        ("stats", ["stats"], job("stats", {"files": files, "queries": asks.stats}), "load, the same queries"),
        (
            "validate",
            ["validate"],
            job("validate", {"files": files, "queries": asks.validation}),
            "load, the same queries",
        ),
        (
            "build",
            ["build"],
            job(
                "build",
                {"files": files, "queries": asks.validation + asks.stats + asks.export, "dumps": bare_dumps(folder)},
            ),
            "load, the same queries, six serialisations",
        ),
    ]
    pairs.append(
        (
            "describe",
            ["describe", DESCRIBED],
            job("describe", {"files": files, "queries": _describing(DESCRIBED)}),
            "load, what it says and what points at it, with labels",
        )
    )
    for query in saved_queries(project.queries_dir):
        if "SERVICE" in query.text:  # it needs the network
            continue
        # With the prefixes palsov predeclares for the store: the same call, as for validation.
        work = {"files": files, "results": [(query.bind({}), dict(PREFIXES), "csv")]}
        pairs.append(
            (
                f"query {query.name}",
                ["query", query.name, "--format", "csv"],
                job(f"query-{query.name}", work),
                "load, the query, CSV",
            )
        )
    return pairs


def run(project: Project, runs: int = 5) -> tuple[dict[str, Any], list[Pair]]:
    """Every command beside its bare equivalent, interleaved; the figures also in dist/bench.json."""
    asks = recorded(project)
    found = []
    # `build` is timed as a rebuild from unchanged inputs: a first build, untimed, makes dist/ one
    # (what is there may be from other inputs or other code, and its site would be written anew).
    note("palsov build, the first")
    _process([*_palsov(), "build"], project.root)()
    with tempfile.TemporaryDirectory(prefix="palsov-bench-") as folder:
        for name, arguments, bare_command, what in commands(project, asks, Path(folder)):
            ours = _process([*_palsov(), *arguments], project.root)
            theirs = _process(bare_command, project.root)
            found.append(
                interleaved(
                    name, ours, theirs, runs, described=(f"palsov {' '.join(arguments)}", f"pyoxigraph: {what}")
                )
            )
    document = {"machine": machine(), "runs": runs, "pairs": [asdict(p) for p in found]}
    write_atomically(project.dist_dir / "bench.json", json.dumps(document, indent=2) + "\n")
    return document, found
