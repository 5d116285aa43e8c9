"""`palsov bench --sizes …`: the pipeline's stages on synthetic corpora of growing size, beside
the bare engines (pyoxigraph alone, rdflib alone) on the same files, so our overhead is a ratio.

Each size is measured in a fresh process (`python -m palsov.devtools.stages DIR RUNS`), which also
reports its peak resident memory. A benchmark, not a test: it prints medians and never fails on
a slow figure.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..project import Project

#: A stage whose first run takes longer than this is not repeated: its one figure is reported.
REPEAT_LIMIT_S = 30.0
RDFLIB_LIMIT = 200_000  # rdflib parses 1M triples in ~30 s; beyond this size it is skipped unless asked
PYSHACL_LIMIT = 20_000  # pySHACL, the reference engine, takes minutes from 100k triples on


def _median(work: Callable[..., object], runs: int, setup: Callable[[], object] | None = None) -> float:
    """The median time of `work`; `setup`, if given, runs untimed before each run and hands it its input."""
    samples = []
    for _ in range(runs):
        given = () if setup is None else (setup(),)
        start = time.perf_counter()
        work(*given)
        samples.append(time.perf_counter() - start)
        del given  # before the next setup: two inputs at once would inflate the peak memory
        if samples[-1] > REPEAT_LIMIT_S:
            break
    return round(statistics.median(samples), 4)


def _bare_query(store: Any, text: str) -> int:
    """pyoxigraph alone: the query's rows read to the end."""
    return sum(1 for _ in store.query(text))


def measure(folder: Path, runs: int, with_rdflib: bool) -> dict:
    """Stage medians for the corpus in `folder` (run in its own process)."""
    import pyoxigraph as ox

    from ..publish import formats, jsonld, parallel
    from ..publish.timeline import event_order, timeline
    from ..queries.run import run_embedded
    from ..queries.saved import find_query, saved_queries
    from ..rdf.graph import KnowledgeGraph
    from ..validation import engines
    from ..validation.validate import validate_project

    project = Project(folder)
    corpus = folder / "data" / "corpus.nt"
    figures: dict[str, float] = {}

    # First, the whole command as a user runs it, while this process has no other child: its
    # peak is then that of the build or of its largest export worker.
    start = time.perf_counter()
    environment = {**os.environ, "PALSOV_ROOT": str(folder)}
    subprocess.run(
        [sys.executable, "-m", "palsov", "build"], cwd=folder, env=environment, capture_output=True, check=True
    )
    figures["palsov build (whole process, empty dist/)"] = round(time.perf_counter() - start, 4)
    build_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak memory of palsov build, largest process MB"] = round(build_peak / 1024, 1)

    def load() -> KnowledgeGraph:
        kg = KnowledgeGraph.read(project)
        _ = kg.store
        return kg

    figures["load"] = _median(load, runs)
    kg = load()
    figures["triples"] = len(kg.store)
    figures["validate"] = _median(lambda: validate_project(project, kg=kg), runs)
    if figures["triples"] <= PYSHACL_LIMIT:
        # Each run from cold, as `palsov validate --engine pyshacl` runs: its queries parsed anew.
        figures["validate with pySHACL"] = _median(
            lambda _: validate_project(project, kg=kg, engine="pyshacl"), runs, setup=engines.forget_prepared_queries
        )
    queries = [q for q in saved_queries(project.queries_dir) if "SERVICE" not in q.text]
    for query in queries:
        text = query.bind({})
        figures[f"query {query.name}"] = _median(lambda text=text: run_embedded(kg.store, text), runs)

    context = jsonld.load_context(jsonld.context_path(project.ontology_dir))

    def loaded() -> KnowledgeGraph:
        fresh = KnowledgeGraph.read(project)
        _ = fresh.parsed, fresh.store  # as in a build: the files parsed once, the store loaded from that
        return fresh

    def export_everything(fresh: KnowledgeGraph, with_timeline: bool = True) -> None:
        with tempfile.TemporaryDirectory() as out:
            formats.export_all(fresh, Path(out), context, timeline_query=timeline_text if with_timeline else None)

    timeline_text = find_query(project.queries_dir, "cq-timeline").bind({})
    figures["export all (formats, timeline, description)"] = _median(export_everything, runs, setup=loaded)
    figures["export all but the timeline"] = _median(lambda fresh: export_everything(fresh, False), runs, setup=loaded)
    workers = parallel.Workers()
    figures["export workers"] = workers.limit if workers.forking else 1
    figures["export: parse and sort (shared)"] = _median(lambda: KnowledgeGraph.read(project).sorted_ntriples, runs)
    for name, fmt in formats.FORMATS.items():
        figures[f"export {name}"] = _median(lambda fmt=fmt: fmt.render(kg, context, []), runs)
    compacted = formats.FORMATS["jsonld"].render(kg, context, [])

    def frame_timeline() -> bytes:
        document = timeline(json.loads(compacted), event_order(kg.store, timeline_text))
        return jsonld.dumps_graph(document["@context"], document["@graph"])

    figures["export timeline (from the JSON-LD)"] = _median(frame_timeline, runs)

    ontology = [p for p in project.ontology_files()]

    def bare_oxigraph() -> ox.Store:
        store = ox.Store()
        for path in [*ontology, corpus]:
            store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
        return store

    figures["pyoxigraph load"] = _median(bare_oxigraph, runs)
    store = bare_oxigraph()
    for query in queries:
        text = query.bind({})
        figures[f"pyoxigraph query {query.name}"] = _median(lambda text=text: _bare_query(store, text), runs)
    figures["overhead load (ours / pyoxigraph)"] = round(figures["load"] / figures["pyoxigraph load"], 2)
    ratios = [
        figures[f"query {q.name}"] / figures[f"pyoxigraph query {q.name}"]
        for q in queries
        if figures[f"pyoxigraph query {q.name}"] >= 0.01  # below 10 ms a ratio is noise
    ]
    figures["overhead queries, worst (ours / pyoxigraph)"] = round(max(ratios, default=1.0), 2)
    if with_rdflib:
        from rdflib import Graph

        def bare_rdflib() -> Graph:
            graph = Graph()
            for path in [*ontology, corpus]:
                graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
            return graph

        figures["rdflib load"] = _median(bare_rdflib, 1)
        graph = bare_rdflib()
        figures["rdflib query cq-timeline"] = _median(lambda: list(graph.query(timeline_text)), 1)
    figures["peak memory MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # A worker's resident set counts the pages it shares, copy-on-write, with this process.
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak memory of an export worker MB"] = round(worker_peak / 1024, 1)
    return figures


def run(project: Project, sizes: list[int], runs: int, rdflib_everywhere: bool = False) -> dict[int, dict]:
    from .corpus import write_corpus

    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"palsov-bench-{size}-") as folder:
            write_corpus(project, size, Path(folder))
            with_rdflib = rdflib_everywhere or size <= RDFLIB_LIMIT
            completed = subprocess.run(
                [sys.executable, "-m", "palsov.devtools.stages", folder, str(runs), str(int(with_rdflib))],
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                raise RuntimeError(f"the benchmark of {size} triples failed: {completed.stderr.strip()[-400:]}")
            results[size] = json.loads(completed.stdout)
    return results


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1")))
