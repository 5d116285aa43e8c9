"""Charts: written as PNG and SVG, and showing exactly the graph's events, stances and actors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from palsov.project import Project
from palsov.publish import charts as plot
from palsov.publish.charts import FIRST_YEAR, LAST_YEAR, stance_bands
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import PREFIXES

from .conftest import run_palsov


def ids(svg: str, kind: str) -> set[str]:
    return set(re.findall(rf'id="{kind}-([^"]+)"', svg))


def ties(kg: KnowledgeGraph) -> set[str]:
    """Who acted with or towards whom, asked of the graph here: two labelled actors of one event, or
    a stance's labelled holder and the actor it is towards; each pair once, in IRI order."""
    query = """SELECT DISTINCT ?a ?b {
      { ?e a palsov:Event ; sem:hasActor ?a , ?b } UNION { ?s a palsov:Stance ; palsov:holder ?a ; palsov:towards ?b }
      ?a rdfs:label [] . ?b rdfs:label [] . FILTER (?a != ?b)
    }"""
    pairs = {tuple(sorted((row["a"].value, row["b"].value))) for row in kg.store.query(query, prefixes=PREFIXES)}
    return {f"{a.rsplit('/', 1)[1]}--{b.rsplit('/', 1)[1]}" for a, b in pairs}


def test_plot_writes_charts_that_show_every_event_and_stance(project_copy: Project, kg: KnowledgeGraph) -> None:
    result = run_palsov("plot", cwd=project_copy.root)
    assert result.returncode == 0, result.stderr
    assert "timeline: 40 events, 56 stance bands" in result.stdout
    for name in ("timeline", "network"):
        assert (project_copy.dist_dir / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    timeline = (project_copy.dist_dir / "timeline.svg").read_text(encoding="utf-8")
    events = {
        r["e"].value.rsplit("/", 1)[1]
        for r in kg.store.query("SELECT ?e { ?e a <https://w3id.org/palsov/ontology#Event> }")
    }
    stances = {
        r["s"].value.rsplit("/", 1)[1]
        for r in kg.store.query("SELECT ?s { ?s a <https://w3id.org/palsov/ontology#Stance> }")
    }
    assert ids(timeline, "event") == events
    assert ids(timeline, "stance") == stances
    network = (project_copy.dist_dir / "network.svg").read_text(encoding="utf-8")
    actors = ids(network, "actor")
    assert {"soviet-union", "plo", "fatah", "united-nations"} <= actors
    assert ids(network, "tie") == ties(kg)


def test_the_1947_reversal_and_the_waning_after_1985_are_drawn(kg: KnowledgeGraph) -> None:
    rows: dict[str, list[tuple[int, int, float]]] = {}
    for band in stance_bands(kg):
        rows.setdefault(band.row, []).append((band.begin, band.end, band.score))
    assert sorted(rows["Soviet Union — partition of Palestine"]) == [
        (FIRST_YEAR, 1948, -1.0),
        (1947, LAST_YEAR, 1.0),
    ]
    assert sorted(rows["Soviet Union — support for the Palestinian cause"]) == [
        (FIRST_YEAR, 1968, -0.5),
        (1967, 1986, 1.0),
        (1985, LAST_YEAR, 0.5),
    ]


def test_charts_are_byte_identical_across_runs(project_copy: Project) -> None:
    assert run_palsov("plot", cwd=project_copy.root).returncode == 0
    first = {p.name: p.read_bytes() for p in project_copy.dist_dir.glob("*.svg")}
    assert run_palsov("plot", cwd=project_copy.root).returncode == 0
    assert {p.name: p.read_bytes() for p in project_copy.dist_dir.glob("*.svg")} == first


def test_a_graph_too_big_to_draw_mark_by_mark_gets_an_overview(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plot, "MAX_EVENTS", 10)
    monkeypatch.setattr(plot, "MAX_ACTORS", 10)
    charts = plot.plot(kg, tmp_path)
    issues = {band.issue for band in stance_bands(kg)}
    assert (charts.events, charts.bands, charts.rows) == (40, 56, len(issues))
    timeline = (tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert not ids(timeline, "event") and not ids(timeline, "stance")
    assert ids(timeline, "events") >= {"material-cooperation", "verbal-cooperation", "verbal-conflict"}
    assert 'id="polarity-by-issue"' in timeline
    network = (tmp_path / "network.svg").read_text(encoding="utf-8")
    assert charts.actors == 10 and len(ids(network, "actor")) == 10
    assert {"soviet-union", "plo"} <= ids(network, "actor")  # the most connected stay
    assert "the 10 most connected of" in network
