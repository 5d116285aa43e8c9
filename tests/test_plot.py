"""Charts: written as PNG and SVG, and showing exactly the graph's events, stances and actors."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.project import Project
from palsov.publish import charts as plot
from palsov.publish.charts import stance_bands
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import PREFIXES

from .conftest import run_palsov


def ids(svg: str, kind: str) -> set[str]:
    return set(re.findall(rf'id="{kind}-([^"]+)"', svg))


def ties(kg: KnowledgeGraph) -> set[str]:
    """Who acted with whom, asked of the graph here: two labelled actors of one event, each pair
    once, in IRI order."""
    query = """SELECT DISTINCT ?a ?b {
      ?e a palsov:Event ; sem:hasActor ?a , ?b . ?a rdfs:label [] . ?b rdfs:label [] . FILTER (STR(?a) < STR(?b))
    }"""
    return {f"{slug(row['a'])}--{slug(row['b'])}" for row in kg.store.query(query, prefixes=PREFIXES)}


def stance_ties(kg: KnowledgeGraph) -> dict[str, float]:
    """Who holds a stance towards whom, and its polarity (the mean, for several stances)."""
    query = """SELECT ?a ?b (AVG(?score) AS ?mean) {
      ?s a palsov:Stance ; palsov:holder ?a ; palsov:towards ?b ; palsov:polarity/palsov:polarityScore ?score .
      ?a rdfs:label [] . ?b rdfs:label [] . FILTER (?a != ?b)
    } GROUP BY ?a ?b"""
    rows = kg.store.query(query, prefixes=PREFIXES)
    return {f"{slug(row['a'])}--{slug(row['b'])}": float(row["mean"].value) for row in rows}


def slug(term: object) -> str:
    assert isinstance(term, ox.NamedNode)
    return term.value.rsplit("/", 1)[1]


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
    assert ids(network, "stance-tie") == set(stance_ties(kg))


def test_the_1947_reversal_and_the_waning_after_1985_are_drawn(kg: KnowledgeGraph) -> None:
    """Within the graph's frame: a stance the source gives no beginning is drawn from 1919, one with
    no end to the end of 1991."""
    rows: dict[str, list[tuple[int, int, float]]] = {}
    for band in stance_bands(kg):
        rows.setdefault(band.row, []).append((band.begin, band.end, band.score))
    assert sorted(rows["Soviet Union — partition of Palestine"]) == [(1919, 1948, -1.0), (1947, 1992, 1.0)]
    assert sorted(rows["Soviet Union — support for the Palestinian cause"]) == [
        (1919, 1968, -0.5),
        (1967, 1986, 1.0),
        (1985, 1992, 0.5),
    ]
    # Inner bounds only, crossed (began by 1991, ended after 1982): held at some time between them.
    assert rows["Democratic Front for the Liberation of Palestine — negotiations"] == [(1982, 1992, -1.0)]


def test_no_stance_is_drawn_outside_1919_1991_and_an_open_end_is_shown_open(kg: KnowledgeGraph) -> None:
    from matplotlib.patches import Rectangle

    figure, *_ = plot.timeline_figure(kg)
    bars = [a for a in figure.findobj(Rectangle) if (a.get_gid() or "").startswith(("stance-", "fade-"))]
    assert len(bars) >= 56
    for bar in bars:
        assert bar.get_x() >= 1919 and bar.get_x() + bar.get_width() <= 1992, bar.get_gid()
    arrows = {a.get_gid(): a.get_xdata()[0] for a in figure.findobj() if (a.get_gid() or "").startswith("open-")}
    bands = stance_bands(kg)
    expected = {f"open-end-{b.gid.removeprefix('stance-')}": 1992 for b in bands if b.open_end}
    expected |= {f"open-begin-{b.gid.removeprefix('stance-')}": 1919 for b in bands if b.open_begin}
    assert arrows == expected
    assert any(gid.startswith("open-end-") for gid in expected) and any(
        gid.startswith("open-begin-") for gid in expected
    )
    timeline_axis, stance_axis = figure.axes[:2]
    assert stance_axis.get_xlim() == (1919, 1992) == timeline_axis.get_xlim()


def test_stance_rows_sort_by_holder_case_insensitively(kg: KnowledgeGraph) -> None:
    """ "communist parties in the Middle East" sorts with the C's, not after every capital."""
    figure, *_ = plot.timeline_figure(kg)
    rows = [label.get_text() for label in figure.axes[1].get_yticklabels()]
    assert rows == sorted(rows, key=lambda row: (row.casefold(), row))
    position = {row.split(" — ")[0]: n for n, row in reversed(list(enumerate(rows)))}
    assert position["Communist International"] < position["communist parties in the Middle East"]
    assert (
        position["communist parties in the Middle East"] < position["Democratic Front for the Liberation of Palestine"]
    )
    assert position["radical Palestinian leaders"] < position["Soviet Union"]


def test_every_event_is_named_on_its_row(kg: KnowledgeGraph) -> None:
    """The events panel's left holds the events' names: each dot sits on the row its name labels."""
    from matplotlib.collections import PathCollection

    figure, *_ = plot.timeline_figure(kg)
    events = figure.axes[0]
    ticks = zip(events.get_yticks(), events.get_yticklabels(), strict=True)
    names = {round(tick): label.get_text() for tick, label in ticks}
    labels = {
        f"event-{slug(row['e'])}": row["label"].value
        for row in kg.store.query("SELECT ?e ?label { ?e a palsov:Event ; rdfs:label ?label }", prefixes=PREFIXES)
    }
    dots = [c for c in events.findobj(PathCollection) if (c.get_gid() or "").startswith("event-")]
    assert len(dots) == len(labels) == 40
    for dot in dots:
        ((_, y),) = dot.get_offsets()
        name = names[round(y)]
        full = labels[dot.get_gid()]
        assert name == full or (name.endswith(" …") and full.startswith(name[:-2])), (name, full)
    assert [round(y) for y in sorted(dot.get_offsets()[0][1] for dot in dots)] == list(range(40))


def test_every_name_in_the_network_lies_inside_the_picture(kg: KnowledgeGraph) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure, actors, _ = plot.network_figure(kg)
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    (axis,) = [a for a in figure.axes if a.get_title()]
    names = [t for t in axis.texts if (t.get_gid() or "").startswith("label-")]
    assert len(names) == actors == 41
    picture, title = axis.get_window_extent(renderer), axis.title.get_window_extent(renderer)
    whole = figure.bbox
    for name in names:
        box = name.get_window_extent(renderer)
        assert picture.x0 <= box.x0 and box.x1 <= picture.x1 and picture.y0 <= box.y0 and box.y1 <= picture.y1, name
        assert whole.x0 <= box.x0 and box.x1 <= whole.x1 and whole.y0 <= box.y0 and box.y1 <= whole.y1, name
        assert not box.overlaps(title), name.get_text()


def test_every_stance_edge_shows_its_polarity(project_copy: Project, kg: KnowledgeGraph) -> None:
    from matplotlib import colormaps
    from matplotlib.colors import TwoSlopeNorm, to_hex

    assert run_palsov("plot", cwd=project_copy.root).returncode == 0
    svg = (project_copy.dist_dir / "network.svg").read_text(encoding="utf-8")
    colour = {
        pair: re.search(r"stroke: (#[0-9a-f]{6})", group).group(1)  # type: ignore[union-attr]
        for pair, group in re.findall(r'<g id="stance-tie-([^"]+)">(.*?)</g>', svg, flags=re.S)
    }
    norm, colours = TwoSlopeNorm(vmin=-1, vcenter=0, vmax=1), colormaps["RdYlGn"]
    expected = {pair: to_hex(colours(norm(score))) for pair, score in stance_ties(kg).items()}
    assert colour == expected and len(expected) > 15
    assert {"#a50026", "#006837"} <= set(colour.values())  # opposition and support both drawn


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
