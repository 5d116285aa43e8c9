"""`palsov bench --sizes …`: the pipeline's stages on synthetic corpora of growing size, beside
the bare engines (pyoxigraph alone, rdflib alone) on the same files, so our overhead is a ratio.

Each size is measured in a fresh process (`python -m palsov.bench_scale DIR RUNS`), which also
reports its peak resident memory. A benchmark, not a test: it prints medians and never fails on
a slow figure.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .project import Project

#: A stage whose first run takes longer than this is not repeated: its one figure is reported.
REPEAT_LIMIT_S = 30.0
RDFLIB_LIMIT = 200_000  # rdflib parses 1M triples in ~30 s; beyond this size it is skipped unless asked


def _median(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
        if samples[-1] > REPEAT_LIMIT_S:
            break
    return round(statistics.median(samples), 4)


def measure(folder: Path, runs: int, with_rdflib: bool) -> dict:
    """Stage medians for the corpus in `folder` (run in its own process)."""
    import pyoxigraph as ox

    from .export import FORMATS
    from .graph import KnowledgeGraph
    from .queries import saved_queries
    from .query import run_embedded
    from .validate import validate_project

    project = Project(folder)
    corpus = folder / "data" / "corpus.nt"
    figures: dict[str, float] = {}

    def load() -> KnowledgeGraph:
        kg = KnowledgeGraph.read(project)
        _ = kg.store
        return kg

    figures["load"] = _median(load, runs)
    kg = load()
    figures["triples"] = len(kg.store)
    figures["validate"] = _median(lambda: validate_project(project, kg=kg), runs)
    queries = [q for q in saved_queries(project.queries_dir) if "SERVICE" not in q.text]
    for query in queries:
        text = query.bind({})
        figures[f"query {query.name}"] = _median(lambda text=text: run_embedded(kg.store, text), runs)

    def export_all() -> None:
        fresh = KnowledgeGraph.read(project)  # parsing and sorting included, as in a build
        for fmt in FORMATS.values():
            fmt.render(fresh)

    figures["export all formats"] = _median(export_all, runs)
    figures["export: parse and sort (shared)"] = _median(lambda: KnowledgeGraph.read(project).sorted_ntriples, runs)
    for name, fmt in FORMATS.items():
        figures[f"export {name}"] = _median(lambda fmt=fmt: fmt.render(kg), runs)

    timeline = next(q for q in queries if q.name == "cq-timeline").bind({})
    ontology = [p for p in project.ontology_files()]

    def bare_oxigraph() -> ox.Store:
        store = ox.Store()
        for path in [*ontology, corpus]:
            store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
        return store

    figures["pyoxigraph load"] = _median(bare_oxigraph, runs)
    store = bare_oxigraph()
    figures["pyoxigraph query cq-timeline"] = _median(lambda: list(store.query(timeline)), runs)
    if with_rdflib:
        from rdflib import Graph

        def bare_rdflib() -> Graph:
            graph = Graph()
            for path in [*ontology, corpus]:
                graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
            return graph

        figures["rdflib load"] = _median(bare_rdflib, 1)
        graph = bare_rdflib()
        figures["rdflib query cq-timeline"] = _median(lambda: list(graph.query(timeline)), 1)
    figures["peak memory MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def run(project: Project, sizes: list[int], runs: int, rdflib_everywhere: bool = False) -> dict[int, dict]:
    from .scale import write_corpus

    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"palsov-bench-{size}-") as folder:
            write_corpus(project, size, Path(folder))
            with_rdflib = rdflib_everywhere or size <= RDFLIB_LIMIT
            completed = subprocess.run(
                [sys.executable, "-m", "palsov.bench_scale", folder, str(runs), str(int(with_rdflib))],
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
