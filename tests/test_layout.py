"""The package's structure as behaviour: a build reads each input once, renderings are made again
when their code or libraries change, nothing of the process's global state is changed, and the
small faults found on the way stay fixed (an ill-typed date from Wikidata, an undated event in the
charts, the benchmark's interpreter)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.devtools import bench
from palsov.project import Project
from palsov.publish import build, charts, ontology_page
from palsov.rdf import graph, io
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import PALSOV, RDF_TYPE, RDFS_LABEL, SEM, TIME, WD, WDT, XSD_DATETIME, XSD_INTEGER
from palsov.wikidata.client import AnswerError
from palsov.wikidata.enrich import _enrichment

from .conftest import run_palsov, unlinked_actors
from .servers import Reply, fault_server


@pytest.mark.parametrize("cores", [1, 2])
def test_a_build_reads_and_parses_each_input_once(
    project_copy: Project, monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """Every file of the project is read once (the graph, the shapes, the queries, the article, the
    JSON-LD context), every RDF file of the graph parsed once into N-Triples; on one core the store
    is loaded from those, on more the store reads and parses the graph's files itself, at the same
    time, on a thread (KnowledgeGraph.parse_and_load): once more each, and nothing else."""
    reads: Counter[Path] = Counter()
    parses: Counter[Path] = Counter()
    loads: Counter[Path] = Counter()
    read_bytes, parse_file, load_file = io.read_bytes, graph.parse_file, graph.load_file

    def counted_read(path: Path, what: str = "") -> bytes:
        reads[path.resolve()] += 1
        return read_bytes(path, what)

    def counted_parse(path: Path) -> io.ParsedFile:
        parses[path.resolve()] += 1
        return parse_file(path)

    def counted_load(store: ox.Store, path: Path) -> None:
        loads[path.resolve()] += 1
        load_file(store, path)

    monkeypatch.setattr(io, "read_bytes", counted_read)
    monkeypatch.setattr(graph, "parse_file", counted_parse)
    monkeypatch.setattr(graph, "load_file", counted_load)
    monkeypatch.setattr(graph, "usable_cores", lambda: cores)
    result = build.build(project_copy, workers=1)
    assert result.report.passes() and result.written
    graph_files = [p.resolve() for p in (*project_copy.ontology_files(), *project_copy.data_files())]
    inputs = [
        p.resolve()
        for p in (
            *project_copy.shape_files(),
            *project_copy.queries_dir.glob("*.rq"),
            project_copy.source_text,
            *(project_copy.ontology_dir / "context").glob("*.jsonld"),
        )
    ]
    assert inputs and not set(inputs) & set(graph_files)
    assert {p: reads[p] for p in inputs} == dict.fromkeys(inputs, 1)
    assert parses == Counter(graph_files)
    assert loads == (Counter() if cores == 1 else Counter(graph_files))
    assert {p: reads[p] for p in graph_files} == dict.fromkeys(graph_files, 1 if cores == 1 else 2)


def test_a_stamp_changes_with_the_code_and_the_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = {"ontology/core.ttl": "0" * 64}
    first = build.stamp(sources, charts, charts.LIBRARIES)
    assert build.stamp(sources, charts, charts.LIBRARIES) == first
    assert build.stamp({"ontology/core.ttl": "1" * 64}, charts, charts.LIBRARIES) != first
    assert build.stamp(sources, ontology_page, charts.LIBRARIES) != first  # other code draws it
    monkeypatch.setattr(build, "library_versions", lambda *names: dict.fromkeys(names, "99.0"))
    assert build.stamp(sources, charts, charts.LIBRARIES) != first


def test_an_upgraded_library_redraws_the_charts(project_copy: Project) -> None:
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    stamp = project_copy.dist_dir / ".charts.sha256"
    stamp.write_text("made by another matplotlib\n", encoding="utf-8")
    chart = project_copy.dist_dir / "timeline.svg"
    chart.write_bytes(b"<svg>a stale chart</svg>")  # carried over only if the stamp matched
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    assert b"stale" not in chart.read_bytes() and stamp.read_text(encoding="utf-8") != "made by another matplotlib\n"


def test_rendering_leaves_the_process_s_logging_and_matplotlib_as_they_were(kg: KnowledgeGraph, tmp_path: Path) -> None:
    import matplotlib

    root = logging.getLogger()
    before = (root.level, list(root.handlers), dict(matplotlib.rcParams))
    ontology_page.render(kg, tmp_path / "ontology.html")
    charts.plot(kg, tmp_path)
    assert (root.level, list(root.handlers), dict(matplotlib.rcParams)) == before
    assert "matplotlib.pyplot" not in sys.modules or matplotlib.get_backend() == before[2]["backend"]


def test_an_event_with_no_date_at_all_is_counted_and_not_drawn(tmp_path: Path) -> None:
    event, span, etype = ox.NamedNode("https://w3id.org/palsov/id/event/x"), ox.BlankNode(), ox.NamedNode("urn:t")
    kg = KnowledgeGraph.from_triples(
        [],
        [
            ox.Triple(event, RDF_TYPE, PALSOV("Event")),
            ox.Triple(event, RDFS_LABEL, ox.Literal("an undated event", language="en")),
            ox.Triple(event, SEM("eventType"), etype),
            ox.Triple(etype, PALSOV("cooperationScore"), ox.Literal("1", datatype=XSD_INTEGER)),
            ox.Triple(event, TIME("hasTime"), span),
        ],
    )
    drawn = charts.plot(kg, tmp_path)
    assert drawn.events == 1
    assert 'id="event-x"' not in (tmp_path / "timeline.svg").read_text(encoding="utf-8")


def results(document: dict) -> object:
    from palsov.queries.run import Results

    return Results.from_document(document, "a test")


def fact(value: str) -> dict:
    return {
        "head": {"vars": ["item", "property", "value"]},
        "results": {
            "bindings": [
                {
                    "item": {"type": "uri", "value": WD("Q855").value},
                    "property": {"type": "uri", "value": WDT("P569").value},
                    "value": {"type": "literal", "value": value, "datatype": XSD_DATETIME.value},
                }
            ]
        },
    }


def test_an_ill_typed_date_from_wikidata_is_an_answer_error_not_data() -> None:
    (triple,) = _enrichment({"Q855"}, results(fact("1878-12-18T00:00:00Z")))
    assert triple.object == ox.Literal("1878-12-18T00:00:00Z", datatype=XSD_DATETIME)
    for wrong in ("1878-00-00T00:00:00Z", "+1878-12-18T00:00:00Z", "18 December 1878"):
        with pytest.raises(AnswerError, match=re.escape("not a well-formed http://www.w3.org/2001/XMLSchema#dateTime")):
            _enrichment({"Q855"}, results(fact(wrong)))


def test_link_enrich_writes_nothing_from_an_ill_typed_date(project_copy: Project) -> None:
    answer = json.dumps(fact("1878-00-00T00:00:00Z")).encode()
    with fault_server([Reply(body=answer)]) as (url, _):
        result = run_palsov("link", "--endpoint", url, "--retries", "0", "enrich", cwd=project_copy.root)
    assert result.returncode == 2, result.stderr
    assert "not the ones asked for" in result.stderr and "dateTime" in result.stderr
    assert not project_copy.enrichment_file.exists() and not (project_copy.wikidata_dir / "cache").exists()


def test_the_benchmark_times_the_interpreter_it_runs_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Not whichever `palsov` comes first on the PATH."""
    impostor = tmp_path / "palsov"
    impostor.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    impostor.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert bench._palsov() == [sys.executable, "-m", "palsov"]


def test_the_facade_validates_and_exports_as_the_commands_do(project: Project, kg: KnowledgeGraph) -> None:
    import palsov

    report = palsov.validate(project)
    assert report.passes() and {r.focus.value for r in report.results} == unlinked_actors(kg)
    assert palsov.export("ntriples", project.root) == kg.sorted_ntriples
    assert palsov.__version__ == run_palsov("--version", cwd=project.root).stdout.split()[-1]
