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
    assert 13_500 < len(kg.store) < 16_500  # the size asked for, within a tenth
    report = validate_project(corpus, kg=kg)
    assert report.passes(strict=True), report.to_text()
    changes = run_embedded(kg.store, find_query(corpus.queries_dir, "cq-stance-changes").bind({}))
    copies = len(changes.rows) // 4
    assert copies >= 2 and len(changes.rows) == 4 * copies  # every copy shows the real data's four changes
    years = {row["changed"].value[:4] for row in changes.rows}
    assert {str(1947 + 4 * k) for k in range(copies)} <= years  # the 1947 reversal, four years later in each copy


@pytest.mark.slow
def test_bench_by_size_pairs_every_stage_with_the_bare_engine(project_copy: Project) -> None:
    result = run_palsov("bench", "--sizes", "5000", "--runs", "2", cwd=project_copy.root, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress in a pipe
    document = json.loads((project_copy.dist_dir / "bench-scale.json").read_text(encoding="utf-8"))
    figures = document["sizes"]["5000"]
    assert 4_000 < figures["triples"] < 8_000  # one copy of the real data (about 6,400 triples), the fewest
    assert figures["first palsov build s (dist/ empty: the page and the charts drawn)"] > 0
    assert all(megabytes > 0 for megabytes in figures["peak memory MB"].values())
    pairs = {p["name"]: p for p in figures["pairs"]}
    expected = {
        "build (whole process)",
        "load",
        "validate",
        "query cq-timeline",
        "query cq-stance-changes",
        "export all",
        "parse and sort",
        "JSON-LD",
    }
    assert expected <= set(pairs)
    for pair in pairs.values():
        assert pair["runs"] == 2 and pair["ours_s"] > 0 and pair["bare_s"] > 0, pair
        assert pair["ratio_min"] <= pair["ratio"] <= pair["ratio_max"], pair
        assert pair["name"] in result.stdout  # every figure is in the table too
    assert "first build" in result.stdout and "peak memory" in result.stdout


@pytest.mark.parametrize("sizes", ["0", "1000,-5", "many"])
def test_bench_refuses_sizes_that_are_not_positive_numbers(project: Project, sizes: str) -> None:
    result = run_palsov("bench", "--sizes", sizes, cwd=project.root)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--sizes" in result.stderr
