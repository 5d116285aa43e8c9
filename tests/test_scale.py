"""Synthetic corpora for the scale benchmark: the real data's shape, conforming, of the asked size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palsov.devtools.corpus import write_corpus
from palsov.project import Project
from palsov.queries.run import run_embedded
from palsov.queries.saved import find_query
from palsov.rdf.graph import KnowledgeGraph
from palsov.validation.validate import validate_project

from .conftest import run_palsov


def test_a_corpus_is_renamed_copies_that_still_conform(project: Project, tmp_path: Path) -> None:
    corpus = write_corpus(project, 15_000, tmp_path)
    kg = KnowledgeGraph.read(corpus)
    assert 12_000 < len(kg.store) < 18_000
    report = validate_project(corpus, kg=kg)
    assert report.passes(strict=True), report.to_text()
    changes = run_embedded(kg.store, find_query(corpus.queries_dir, "cq-stance-changes").bind({}))
    copies = len(changes.rows) // 4
    assert copies >= 2 and len(changes.rows) == 4 * copies  # every copy shows the real data's four changes
    years = {row["changed"].value[:4] for row in changes.rows}
    assert {str(1947 + 4 * k) for k in range(copies)} <= years  # the 1947 reversal, four years later in each copy


@pytest.mark.slow
def test_bench_by_size_reports_every_stage_and_the_bare_engines(project_copy: Project) -> None:
    result = run_palsov("bench", "--sizes", "5000", "--runs", "1", cwd=project_copy.root, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads((project_copy.dist_dir / "bench-scale.json").read_text(encoding="utf-8"))["sizes"]["5000"]
    assert 4_000 < figures["triples"] < 8_000  # one copy of the real data (about 6,400 triples), the fewest
    for stage in (
        "palsov build (whole process, empty dist/)",
        "peak memory of palsov build, largest process MB",
        "load",
        "validate",
        "query cq-timeline",
        "export jsonld",
        "export timeline (from the JSON-LD)",
        "export all (formats, timeline, description)",
        "pyoxigraph load",
        "pyoxigraph query cq-timeline",
        "pyoxigraph query cq-stance-changes",
        "overhead load (ours / pyoxigraph)",
        "rdflib load",
        "rdflib query cq-timeline",
        "peak memory MB",
    ):
        assert figures[stage] > 0, stage
