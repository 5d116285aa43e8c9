"""The site's benchmark: `python -m palsov.devtools.site_bench [SIZE …] [--runs N]`.

Times what `palsov site` does after reading the graph (the resource model, then every page, RDF
form, overview and the search index written into an empty folder) on the real data and on
synthetic corpora of about SIZE triples (`devtools.corpus`), and prints the medians, the files
written and the time per thousand triples, so that growth can be read off. A benchmark, not a
test: it never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..project import Project, find_project
from ..publish.jsonld import context_path, load_context
from ..publish.site.model import SiteModel
from ..publish.site.write import render_site, write_site
from ..publish.void import downloads
from ..rdf.graph import KnowledgeGraph
from .corpus import write_corpus


@dataclass(frozen=True)
class Figures:
    triples: int
    files: int
    megabytes: float
    model_s: float  # the resource model
    render_s: float  # the model and every file's bytes
    render_cpu_s: float  # the same in CPU seconds, which a machine shared with other work disturbs less
    site_s: float  # the model and every file written


def measure(project: Project, runs: int, scratch: Path) -> Figures:
    """Medians of `runs`: the model alone, the model and the rendering, and the whole site written
    into an empty folder of `scratch` (the difference is the file system's: thousands of small files)."""
    kg = KnowledgeGraph.read(project)
    context = load_context(context_path(project.ontology_dir))
    _ = kg.sorted_ntriples
    modelled, rendered, rendered_cpu, whole = [], [], [], []
    files, size = 0, 0
    for run in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        model = SiteModel.of(kg)
        _ = model.claims
        modelled.append(time.perf_counter() - start)
        contents = [content for _, content in render_site(model, context, downloads(project.dist_dir), site_url="/")]
        rendered.append(time.perf_counter() - start)
        rendered_cpu.append(time.process_time() - start_cpu)
        files, size = len(contents), sum(map(len, contents))
        out = scratch / f"site-{run}"
        start = time.perf_counter()
        write_site(SiteModel.of(kg), context, out, project.dist_dir, site_url="/")
        whole.append(time.perf_counter() - start)
        shutil.rmtree(out)
    median = statistics.median
    return Figures(
        len(kg.all_triples()),
        files,
        size / 1e6,
        median(modelled),
        median(rendered),
        median(rendered_cpu),
        median(whole),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("sizes", nargs="*", type=int, help="corpus sizes in triples (default: the real data only)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--scratch", type=Path, help="where to write the sites (default: the temporary folder; /dev/shm is in memory)"
    )
    options = parser.parse_args(argv)
    project = find_project()
    print(f"medians of {options.runs} runs; 'written' includes rendering; ms/1k is of 'written'")
    print(
        f"{'triples':>9} {'files':>7} {'MB':>6} {'model s':>8} {'render s':>9} {'render cpu s':>13} "
        f"{'written s':>10} {'ms/1k':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="palsov-site-bench-", dir=options.scratch) as folder:
        scratch = Path(folder)
        targets = [project]
        for size in options.sizes:
            corpus = scratch / f"corpus-{size}"
            corpus.mkdir()
            targets.append(write_corpus(project, size, corpus))
        for target in targets:
            f = measure(target, options.runs, scratch)
            print(
                f"{f.triples:>9} {f.files:>7} {f.megabytes:>6.1f} {f.model_s:>8.3f} {f.render_s:>9.3f} "
                f"{f.render_cpu_s:>13.3f} {f.site_s:>10.3f} {f.site_s / f.triples * 1e6:>6.1f}"
            )


if __name__ == "__main__":
    main()
