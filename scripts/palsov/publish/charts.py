"""`palsov plot`: the timeline chart and the actor network, as PNG and SVG in dist/.

Every plotted event and stance band carries a gid (`event-…`, `stance-…`, `actor-…`) that the
SVG keeps as an element id, so what a chart shows can be checked against the graph.

A graph grown past what one chart can show (`MAX_EVENTS`, `MAX_ROWS`, `MAX_ACTORS`) gets an
overview instead: events counted per year and CAMEO class, the mean stance polarity per issue and
year, and the most connected actors. Drawing every mark of a million-triple graph took minutes and
gave an unreadable picture.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..rdf.files import write_atomically
from ..rdf.graph import KnowledgeGraph
from ..rdf.sparql import select

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FIRST_YEAR, LAST_YEAR = 1915, 1995
MAX_EVENTS = 400
MAX_ROWS = 80
MAX_ACTORS = 80
_CLASSES = (
    (2, "material cooperation"),
    (1, "verbal cooperation"),
    (0, "no CAMEO class"),
    (-1, "verbal conflict"),
    (-2, "material conflict"),
)
_COLOURS = {1: "#1a9850", 2: "#006837", 0: "#969696", -1: "#f46d43", -2: "#a50026"}
_EVENTS = """
SELECT ?event ?label ?score ?earliest ?earliestEnd ?latestStart ?latest WHERE {
  ?event a palsov:Event ; rdfs:label ?label ; sem:eventType/palsov:cooperationScore ?score ;
         time:hasTime ?t .
  OPTIONAL { ?t crm:P82a_begin_of_the_begin ?earliest }
  OPTIONAL { ?t crm:P81b_begin_of_the_end ?earliestEnd }
  OPTIONAL { ?t crm:P81a_end_of_the_begin ?latestStart }
  OPTIONAL { ?t crm:P82b_end_of_the_end ?latest }
} ORDER BY ?event"""
_STANCES = """
SELECT ?stance ?holder ?issue ?towards ?score ?earliest ?latestStart ?earliestEnd ?latest WHERE {
  ?stance a palsov:Stance ; palsov:holder/rdfs:label ?holder ; palsov:issue/skos:prefLabel ?issue ;
          palsov:polarity/palsov:polarityScore ?score ; time:hasTime ?t .
  # "support for an actor" is a row per actor supported: the stances' targets tell them apart.
  OPTIONAL {
    SELECT ?stance (GROUP_CONCAT(?targetLabel; separator=", ") AS ?towards) WHERE {
      ?stance palsov:issue issue:support-for-actor ;
              palsov:towards/rdfs:label ?targetLabel .
    } GROUP BY ?stance
  }
  OPTIONAL { ?t crm:P82a_begin_of_the_begin ?earliest }
  OPTIONAL { ?t crm:P81a_end_of_the_begin ?latestStart }
  OPTIONAL { ?t crm:P81b_begin_of_the_end ?earliestEnd }
  OPTIONAL { ?t crm:P82b_end_of_the_end ?latest }
} ORDER BY ?holder ?issue ?towards ?stance"""
_TIES = """
SELECT ?a ?aLabel ?b ?bLabel ?kind WHERE {
  { ?e a palsov:Event ; sem:hasActor ?a , ?b . FILTER (STR(?a) < STR(?b)) BIND ("event" AS ?kind) }
  UNION
  { ?s a palsov:Stance ; palsov:holder ?a ; palsov:towards ?b . FILTER (?a != ?b)
    BIND ("stance" AS ?kind) }
  ?a rdfs:label ?aLabel . ?b rdfs:label ?bLabel .
}"""


@dataclass(frozen=True)
class Charts:
    events: int
    bands: int
    rows: int
    actors: int
    ties: int
    written: list[Path]


def _year(*values: object) -> int | None:
    """The year of the first bound given, or None for a span without any."""
    for value in values:
        if isinstance(value, ox.Literal):
            return int(value.value[:4])
    return None


def _value(term: object) -> str:
    assert isinstance(term, ox.NamedNode | ox.Literal), term
    return term.value


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[1]


def _save(figure: Figure, stem: Path) -> list[Path]:
    written = []
    for extension, metadata in (
        ("png", {"Software": None}),
        ("svg", {"Date": None, "Creator": None}),
    ):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=extension, dpi=150, metadata=metadata, bbox_inches="tight")
        path = stem.with_suffix(f".{extension}")
        write_atomically(path, buffer.getvalue())
        written.append(path)
    return written


#: Set for the charts alone, never for the process: stable element ids (byte-identical SVG), the size.
_STYLE: dict[Any, Any] = {"svg.hashsalt": "palsov", "font.size": 9}
#: What the charts are drawn by, beside their sources: a new version of either draws them again.
LIBRARIES = ("matplotlib", "numpy")


def _figure(**options: Any) -> Figure:
    """A figure of its own, drawn without pyplot: no backend chosen and no state kept for the process."""
    from matplotlib.figure import Figure  # imported late: only this stage needs it, and it is slow to import

    return Figure(**options)


@dataclass(frozen=True)
class Band:
    """One stance drawn as a bar: its row, first and last year shown, polarity score, and id."""

    row: str
    issue: str
    begin: int
    end: int
    score: float
    open_begin: bool
    open_end: bool
    gid: str


def stance_bands(kg: KnowledgeGraph) -> list[Band]:
    bands = []
    for s in select(kg.store, _STANCES):
        issue = _value(s["issue"])
        if s["towards"] is not None:
            issue = f"support for {_value(s['towards'])}"
        begin = _year(s["earliest"], s["latestStart"])
        end = _year(s["latest"], s["earliestEnd"])
        bands.append(
            Band(
                row=f"{_value(s['holder'])} — {issue}",
                issue=_value(s["issue"]),
                begin=FIRST_YEAR if begin is None else begin,
                end=LAST_YEAR if end is None else end + 1,
                score=float(_value(s["score"])),
                open_begin=begin is None,
                open_end=end is None,
                gid=f"stance-{_slug(_value(s['stance']))}",
            )
        )
    return bands


def timeline_chart(kg: KnowledgeGraph, stem: Path) -> tuple[int, int, int, list[Path]]:
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Patch

    events = [
        (
            _slug(_value(e["event"])),
            _year(e["earliest"], e["earliestEnd"], e["latestStart"], e["latest"]),
            int(_value(e["score"])),
        )
        for e in select(kg.store, _EVENTS)
    ]
    bands = stance_bands(kg)
    rows: dict[str, int] = {}
    for band in bands:
        rows.setdefault(band.row, len(rows))
    overview = len(events) > MAX_EVENTS or len(rows) > MAX_ROWS
    if overview:
        rows = {issue: n for n, issue in enumerate(sorted({band.issue for band in bands}))}
    # An event the source gives no bound for is counted, but has no year to be drawn at.
    dated = [(slug, year, score) for slug, year, score in events if year is not None]
    years = [year for _, year, _ in dated] + [y for band in bands for y in (band.begin, band.end)]
    first, last = min([FIRST_YEAR, *years]), max([LAST_YEAR, *years])
    figure = _figure(figsize=(12, 3 + 0.24 * len(rows)))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, max(4, 0.24 * len(rows))]})
    norm = TwoSlopeNorm(vmin=-1, vcenter=0, vmax=1)
    colour_map = colormaps["RdYlGn"]
    if overview:
        _event_counts(top, dated)
        _polarity_by_issue(bottom, bands, rows, first, last, colour_map, norm)
        title = f"Palestine–Soviet Union relations: {len(events)} events by CAMEO class, {len(bands)} stances by issue"
    else:
        _event_marks(top, dated)
        _stance_bars(bottom, bands, rows, colour_map, norm)
        title = "Palestine–Soviet Union relations: events (CAMEO cooperation / conflict) and stances"
    top.set_title(title)
    top.legend(
        handles=[Patch(color=_COLOURS[k], label=v) for k, v in _CLASSES],
        loc="upper left",
        fontsize=7,
        ncols=5,
        frameon=False,
    )
    top.grid(axis="x", alpha=0.3)
    bottom.set_yticks(range(len(rows)), list(rows))
    bottom.set_xlim(first, last)
    bottom.set_xlabel("year" if overview else "year (hatched: the source gives no beginning or no end)")
    bottom.grid(axis="x", alpha=0.3)
    for year, label in ((1947, "1947 reversal"), (1985, "new thinking")):
        for axis in (top, bottom):
            axis.axvline(year, color="black", linestyle=":", linewidth=0.8)
        top.annotate(
            label,
            (year, top.get_ylim()[1] * 0.85),
            xytext=(3, 0),
            textcoords="offset points",
            fontsize=7,
        )
    scale = ScalarMappable(norm=norm, cmap=colour_map)
    figure.colorbar(
        scale,
        ax=[top, bottom],
        label="stance polarity (-1 opposition … +1 support)" + (", mean per issue and year" if overview else ""),
        fraction=0.02,
        pad=0.01,
    )
    written = _save(figure, stem)
    return len(events), len(bands), len(rows), written


def _event_marks(axis: Axes, events: list[tuple[str, int, int]]) -> None:
    """Each event a dot in its year's stack, coloured by its CAMEO class."""
    stacks: Counter[int] = Counter()
    for slug, year, score in events:
        stacks[year] += 1
        axis.scatter(
            [year],
            [stacks[year]],
            s=42,
            color=_COLOURS[score],
            edgecolor="black",
            linewidth=0.4,
            zorder=3,
            gid=f"event-{slug}",
        )
    axis.set_ylabel("events in the year")
    axis.set_ylim(0, max(stacks.values(), default=0) + 1)


def _event_counts(axis: Axes, events: list[tuple[str, int, int]]) -> None:
    """The events of each year as one bar, stacked by CAMEO class."""
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for _, year, score in events:
        counts[score][year] += 1
    years = sorted({year for _, year, _ in events})
    below: Counter[int] = Counter()
    for score, label in reversed(_CLASSES):
        heights = [counts[score][year] for year in years]
        bottoms = [below[year] for year in years]
        gid = "events-" + label.replace(" ", "-")
        axis.bar(years, heights, bottom=bottoms, width=1.0, color=_COLOURS[score], gid=gid)
        below.update(dict(zip(years, heights, strict=True)))
    axis.set_ylabel("events in the year")
    axis.set_ylim(0, max(below.values(), default=0) * 1.15 + 1)


def _stance_bars(axis: Axes, bands: list[Band], rows: dict[str, int], colour_map, norm) -> None:
    """Each stance a bar in its holder's and issue's row, coloured by polarity."""
    for band in bands:
        axis.barh(
            rows[band.row],
            band.end - band.begin,
            left=band.begin,
            height=0.7,
            color=colour_map(norm(band.score)),
            edgecolor="black",
            linewidth=0.3,
            gid=band.gid,
            hatch="//" if band.open_begin or band.open_end else None,
        )
    axis.invert_yaxis()


def _polarity_by_issue(
    axis: Axes, bands: list[Band], rows: dict[str, int], first: int, last: int, colour_map, norm
) -> None:
    """One row per issue: the mean polarity of the stances held in each year (blank: none)."""
    import numpy as np

    total = np.zeros((len(rows), last - first))
    count = np.zeros((len(rows), last - first))
    for band in bands:
        row, begin, end = rows[band.issue], band.begin - first, band.end - first
        total[row, begin:end] += band.score
        count[row, begin:end] += 1
    mean = np.ma.masked_where(count == 0, total / np.maximum(count, 1))
    axis.imshow(
        mean,
        aspect="auto",
        cmap=colour_map,
        norm=norm,
        extent=(first, last, len(rows) - 0.5, -0.5),
        interpolation="nearest",
        gid="polarity-by-issue",
    )


def network_chart(kg: KnowledgeGraph, stem: Path) -> tuple[int, int, list[Path]]:
    ties: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for t in select(kg.store, _TIES):
        a, b = _value(t["a"]), _value(t["b"])
        labels[a], labels[b] = _value(t["aLabel"]), _value(t["bLabel"])
        ties[(min(a, b), max(a, b))][_value(t["kind"])] += 1
    degree = Counter(a for pair in ties for a in pair)
    shown = len(labels)
    if len(labels) > MAX_ACTORS:
        kept = set(sorted(labels, key=lambda iri: (-degree[iri], labels[iri].lower(), iri))[:MAX_ACTORS])
        labels = {iri: label for iri, label in labels.items() if iri in kept}
        ties = {pair: kinds for pair, kinds in ties.items() if kept.issuperset(pair)}
    actors = sorted(labels, key=lambda iri: labels[iri].lower())
    angle = {a: 2 * math.pi * n / len(actors) for n, a in enumerate(actors)}
    where = {a: (math.cos(angle[a]), math.sin(angle[a])) for a in actors}
    figure = _figure(figsize=(11, 11))
    axis = figure.subplots()
    for (a, b), kinds in sorted(ties.items()):
        (xa, ya), (xb, yb) = where[a], where[b]
        width = 0.6 + 0.8 * sum(kinds.values())
        style = "-" if kinds["event"] else "--"
        axis.plot(
            [xa, xb],
            [ya, yb],
            style,
            color="#4a6fa5" if kinds["event"] else "#c0504d",
            linewidth=width,
            alpha=0.55,
            zorder=1,
            gid=f"tie-{_slug(a)}--{_slug(b)}",
        )
    for a in actors:
        x, y = where[a]
        axis.scatter(
            [x],
            [y],
            s=40 + 25 * degree[a],
            color="#f2c14e",
            edgecolor="black",
            zorder=2,
            gid=f"actor-{_slug(a)}",
        )
        rotation = math.degrees(angle[a])
        flip = 90 < rotation < 270
        axis.text(
            1.07 * x,
            1.07 * y,
            labels[a],
            rotation=rotation - 180 if flip else rotation,
            rotation_mode="anchor",
            ha="right" if flip else "left",
            va="center",
            fontsize=8,
        )
    axis.set_xlim(-2.0, 2.0)
    axis.set_ylim(-2.0, 2.0)
    axis.set_aspect("equal")
    axis.axis("off")
    title = "Who acted with or towards whom: solid, together in an event; dashed, a stance towards"
    if len(actors) < shown:
        title += f"\n(the {len(actors)} most connected of {shown} actors)"
    axis.set_title(title)
    written = _save(figure, stem)
    return len(actors), len(ties), written


def plot(kg: KnowledgeGraph, folder: Path) -> Charts:
    from matplotlib import rc_context

    with rc_context(_STYLE):
        events, bands, rows, written = timeline_chart(kg, folder / "timeline")
        actors, ties, more = network_chart(kg, folder / "network")
    return Charts(events=events, bands=bands, rows=rows, actors=actors, ties=ties, written=written + more)
