"""`palsov bench --sizes …`: the pipeline's stages on synthetic corpora of growing size, each beside
pyoxigraph alone doing the same work, interleaved (see `bench`), so that our overhead is a ratio
with its spread.

Each size is measured in a fresh process (`python -m palsov.devtools.stages DIR RUNS ASKS`), which
says on its standard output what it is measuring (for the progress shown on a terminal), then
gives its figures as the last line. A benchmark, not a test: it never fails on a slow figure.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..project import Project
from ..rdf.vocab import PREFIXES
from ..runtime.progress import note
from . import bare
from .bench import Asks, Pair, bare_dumps, environment, graph_files, interleaved, machine, recorded

#: The other SHACL engines palsov is compared with, up to the size where one run takes about 30 s
#: (pySHACL, the reference, takes a minute on the real data from cold: `palsov validate --engine pyshacl`).
ENGINE_LIMITS = {"pyshacl-turbo": 100_000, "pyrudof": 100_000}
_PROGRESS = "progress "  # a line of the child's output that says what it is measuring


def _report(text: str) -> None:
    print(_PROGRESS + text, flush=True)


def _whole_process(command: list[str], cwd: Path, env: dict[str, str], peaks: list[int]) -> Callable[[], None]:
    """Run a process to its end; its peak resident memory (kB, the process itself) in `peaks`."""

    def run() -> None:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert process.stderr is not None
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} failed: {stderr.decode(errors='replace')[-400:]}")
        peaks.append(usage.ru_maxrss)

    return run


def measure(folder: Path, runs: int, asks: Asks) -> dict[str, Any]:
    """The pairs for the corpus in `folder` (run in its own process)."""
    import pyoxigraph as ox

    from ..publish import formats, jsonld
    from ..queries.run import serialize_embedded
    from ..queries.saved import saved_queries
    from ..rdf.graph import KnowledgeGraph
    from ..validation import engines
    from ..validation.validate import validate_project

    project = Project(folder)
    files = graph_files(project)
    pairs: list[Pair] = []
    sink = io.BytesIO()  # what the bare engine prints, kept off this process's output

    def pair(name: str, ours: Callable[..., object], theirs: Callable[..., object], **options: Any) -> None:
        pairs.append(interleaved(name, ours, theirs, runs, progress=_report, **options))
        sink.seek(0)
        sink.truncate()

    with tempfile.TemporaryDirectory(prefix="palsov-bench-") as scratch:
        out = Path(scratch)
        job = out / "build.json"
        dumps = bare_dumps(out)
        work = {"files": files, "queries": asks.validation + asks.stats + asks.export, "dumps": dumps}
        job.write_text(json.dumps(work), encoding="utf-8")
        env = environment(PALSOV_ROOT=str(folder))
        peaks: dict[str, list[int]] = {"ours": [], "bare": [], "first": []}
        build = _whole_process([sys.executable, "-m", "palsov", "build"], folder, env, peaks["first"])
        # The first build draws the ontology page and the charts; a rebuild carries them over
        # while their sources are unchanged. The pair times rebuilds, this figure the first.
        _report("palsov build, the first")
        start = time.perf_counter()
        build()
        first_build_s = round(time.perf_counter() - start, 4)
        pair(
            "build (whole process)",
            _whole_process([sys.executable, "-m", "palsov", "build"], folder, env, peaks["ours"]),
            _whole_process([sys.executable, bare.__file__, str(job)], folder, env, peaks["bare"]),
            described=("palsov build (a rebuild: page and charts carried over)", "bare.py: the same work"),
        )

        def load() -> KnowledgeGraph:
            kg = KnowledgeGraph.read(project)
            _ = kg.store
            return kg

        pair("load", load, lambda: bare.load(files), described=("KnowledgeGraph.read().store", "Store.load"))
        kg = load()
        store = bare.load(files)
        triples = len(kg.store)
        pair(
            "validate",
            lambda: validate_project(project, kg=kg),
            lambda: bare.run({"queries": asks.validation}, store, sink),
            described=("validate_project (shapes read, checked, compiled; every check)", "the same queries"),
        )
        for engine, limit in ENGINE_LIMITS.items():
            if triples <= limit and importlib.util.find_spec(engine.replace("-", "_")) is not None:
                # Each run from cold, as `palsov validate --engine pyshacl` runs: its queries parsed anew.
                pair(
                    f"validate: {engine}",
                    lambda _: validate_project(project, kg=kg),
                    lambda _, engine=engine: validate_project(project, kg=kg, engine=engine),
                    described=("validate_project", f"validate_project(engine={engine!r}): the other engine"),
                    setup=engines.forget_prepared_queries,
                )
        csv = ox.QueryResultsFormat.CSV
        for query in saved_queries(project.queries_dir):
            if "SERVICE" in query.text:
                continue
            text = query.bind({})
            pair(
                f"query {query.name}",
                lambda text=text: serialize_embedded(kg.store, text, csv),
                lambda text=text: bare.run({"results": [(text, dict(PREFIXES), "csv")]}, store, sink),
                described=("serialize_embedded, CSV", "Store.query(prefixes=palsov's).serialize, CSV"),
            )
        context = jsonld.load_context(jsonld.context_path(project.ontology_dir))
        timeline = next(q for q in saved_queries(project.queries_dir) if q.name == "cq-timeline").bind({})

        def loaded() -> KnowledgeGraph:
            fresh = KnowledgeGraph.read(project)
            fresh.parse_and_load()  # as in a build
            return fresh

        def export_all(fresh: KnowledgeGraph) -> None:
            with tempfile.TemporaryDirectory(dir=scratch) as written:
                formats.export_all(fresh, Path(written), context, timeline_query=timeline)

        pair(
            "export all",
            export_all,
            lambda fresh: bare.run({"dumps": dumps}, fresh.store, sink),
            described=("export_all: six formats, timeline, description, every core", "Store.dump, six formats"),
            setup=loaded,
        )
        pair(
            "parse and sort",
            lambda: KnowledgeGraph.read(project).sorted_ntriples,
            lambda: [ox.serialize(ox.parse(path=path), format=ox.RdfFormat.N_TRIPLES) for path, _, _ in files],
            described=("KnowledgeGraph.sorted_ntriples: parsed, sorted", "parse and write N-Triples"),
        )
        jsonld_format = formats.FORMATS["jsonld"]
        pair(
            "JSON-LD",
            lambda: jsonld_format.render(kg, context, []),
            lambda: store.dump(format=ox.RdfFormat.JSON_LD, from_graph=ox.DefaultGraph()),
            described=("compacted with the context, from sorted N-Triples", "Store.dump (expanded)"),
        )
    return {
        "triples": triples,
        "first palsov build s (dist/ empty: the page and the charts drawn)": first_build_s,
        "pairs": [asdict(p) for p in pairs],
        "peak memory MB": {
            "palsov build": round(max(peaks["ours"] + peaks["first"]) / 1024, 1),
            "bare build": round(max(peaks["bare"]) / 1024, 1),
            "the stages' process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        },
    }


def run(project: Project, sizes: list[int], runs: int) -> tuple[dict[str, Any], dict[int, list[Pair]]]:
    """Every size measured in its own process; the figures also go to dist/bench-scale.json."""
    from ..rdf.files import write_atomically
    from .corpus import write_corpus

    asks = recorded(project)
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="palsov-bench-") as scratch:
        asked = Path(scratch) / "asks.json"
        asked.write_text(json.dumps(asdict(asks)), encoding="utf-8")
        for size in sizes:
            note(f"{size:,} triples: writing the corpus")
            with tempfile.TemporaryDirectory(prefix=f"palsov-bench-{size}-") as folder:
                write_corpus(project, size, Path(folder))
                results[size] = _measured(size, [sys.executable, "-m", __name__, folder, str(runs), str(asked)])
    document = {"machine": machine(), "runs": runs, "sizes": results}
    write_atomically(project.dist_dir / "bench-scale.json", json.dumps(document, indent=2) + "\n")
    return document, {size: [Pair(**p) for p in found["pairs"]] for size, found in results.items()}


def _measured(size: int, command: list[str]) -> dict[str, Any]:
    """The child's figures; what it says it measures goes to the progress line meanwhile."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None and child.stderr is not None
        last = ""
        for line in child.stdout:
            if line.startswith(_PROGRESS):
                note(f"{size:,} triples: {line.removeprefix(_PROGRESS).strip()}")
            elif line.strip():
                last = line
        stderr = child.stderr.read()
    if child.returncode != 0 or not last:
        raise RuntimeError(f"the benchmark of {size} triples failed: {stderr.strip()[-400:]}")
    figures: dict[str, Any] = json.loads(last)
    return figures


if __name__ == "__main__":
    given = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), Asks(**given))))
