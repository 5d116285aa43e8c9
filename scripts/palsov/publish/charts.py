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

#: The graph's time frame, 1919–1991: the charts draw nothing before its first year or after its
#: last; a stance the source gives no beginning or end (or one beyond the frame) fades out at the
#: frame's edge, with an arrow.
FIRST_YEAR, LAST_YEAR = 1919, 1991
FRAME = (FIRST_YEAR, LAST_YEAR + 1)  # from the first day of 1919 to the last of 1991
_FADE_YEARS = 4
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
SELECT ?a ?aLabel ?b ?bLabel ?kind ?score WHERE {
  { ?e a palsov:Event ; sem:hasActor ?a , ?b . FILTER (STR(?a) < STR(?b)) BIND ("event" AS ?kind) }
  UNION
  { ?s a palsov:Stance ; palsov:holder ?a ; palsov:towards ?b ; palsov:polarity/palsov:polarityScore ?score .
    FILTER (?a != ?b) BIND ("stance" AS ?kind) }
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
    """One stance drawn as a bar: its row, the years it covers within the frame (`begin` up to, not
    including, `end`), polarity score, and id. It continues before or after the frame (`open_begin`,
    `open_end`) where the source gives no beginning or end, or gives one beyond the frame."""

    row: str
    issue: str
    begin: int
    end: int
    score: float
    open_begin: bool
    open_end: bool
    gid: str


def stance_bands(kg: KnowledgeGraph) -> list[Band]:
    """Every stance, in the order of its row (holder and issue, case ignored, whatever the
    locale), then its beginning."""
    bands = []
    first, after = FRAME
    for s in select(kg.store, _STANCES):
        issue = _value(s["issue"])
        if s["towards"] is not None:
            issue = f"support for {_value(s['towards'])}"
        begin = _year(s["earliest"], s["latestStart"])
        end = _year(s["latest"], s["earliestEnd"])
        if begin is not None and end is not None and end < begin:
            # Inner bounds only, crossed (it began by the one and ended after the other): it was
            # held at some time between them, and that is what is drawn.
            begin, end = end, begin
        shown_begin = first if begin is None else min(max(begin, first), after - 1)
        shown_end = after if end is None else max(min(end + 1, after), shown_begin + 1)
        bands.append(
            Band(
                row=f"{_value(s['holder'])} — {issue}",
                issue=_value(s["issue"]),
                begin=shown_begin,
                end=shown_end,
                score=float(_value(s["score"])),
                open_begin=begin is None or begin < first,
                open_end=end is None or end + 1 > after,
                gid=f"stance-{_slug(_value(s['stance']))}",
            )
        )
    return sorted(bands, key=lambda band: (row_key(band.row), band.begin, band.gid))


def row_key(label: str) -> tuple[str, str]:
    """A label's place in a list: case folded (Unicode's, not the locale's), ties by the label."""
    return label.casefold(), label


@dataclass(frozen=True)
class Mark:
    """One event on its own row: its name, the first and last year it may fall in, its CAMEO
    cooperation score, and id."""

    label: str
    first: int
    last: int
    score: int
    gid: str


def event_marks(kg: KnowledgeGraph) -> tuple[list[Mark], int]:
    """The events with a year to draw them at, in order of time and then name; and how many events
    there are (one the source gives no bound for is counted, but has no year to be drawn at)."""
    marks, events = [], 0
    for e in select(kg.store, _EVENTS):
        events += 1
        first = _year(e["earliest"], e["earliestEnd"], e["latestStart"], e["latest"])
        if first is None:
            continue
        last = _year(e["latest"]) or first
        marks.append(
            Mark(
                _value(e["label"]),
                first,
                max(first, last),
                int(_value(e["score"])),
                f"event-{_slug(_value(e['event']))}",
            )
        )
    return sorted(marks, key=lambda m: (m.first, m.last, *row_key(m.label), m.gid)), events


def timeline_chart(kg: KnowledgeGraph, stem: Path) -> tuple[int, int, int, list[Path]]:
    figure, events, bands, rows = timeline_figure(kg)
    return events, bands, rows, _save(figure, stem)


def timeline_figure(kg: KnowledgeGraph) -> tuple[Figure, int, int, int]:
    """The timeline: above, each event on a row of its own, named, at its year (a line across the
    years it may fall in), coloured by its CAMEO class; below, each stance a bar in its holder's and
    issue's row, coloured by polarity. Both share the years of the graph's frame, 1919–1991."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Patch

    marks, events = event_marks(kg)
    bands = stance_bands(kg)
    rows: dict[str, int] = {}
    for band in bands:
        rows.setdefault(band.row, len(rows))
    overview = events > MAX_EVENTS or len(rows) > MAX_ROWS
    if overview:
        rows = {issue: n for n, issue in enumerate(sorted({band.issue for band in bands}, key=row_key))}
    first, last = FRAME
    top_height = 3.0 if overview else max(2.0, _ROW_HEIGHT * len(marks))
    bottom_height = max(4.0, _ROW_HEIGHT * len(rows))
    figure = _figure(figsize=(12, 1.6 + top_height + bottom_height))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [top_height, bottom_height]})
    norm = TwoSlopeNorm(vmin=-1, vcenter=0, vmax=1)
    colour_map = colormaps["RdYlGn"]
    if overview:
        _event_counts(top, [(m.gid, m.first, m.score) for m in marks])
        _polarity_by_issue(bottom, bands, rows, first, last, colour_map, norm)
        title = f"Palestine–Soviet Union relations: {events} events by CAMEO class, {len(bands)} stances by issue"
    else:
        _event_marks(top, marks)
        _stance_bars(bottom, bands, rows, colour_map, norm)
        title = "Palestine–Soviet Union relations: events (CAMEO cooperation / conflict) and stances, 1919–1991"
    top.set_title(title)
    top.legend(
        handles=[Patch(color=_COLOURS[k], label=v) for k, v in _CLASSES],
        loc="upper left" if overview else "lower left",  # where the later events leave room
        fontsize=7,
        frameon=False,
        title="events by CAMEO class",
        title_fontsize=7,
    )
    bottom.set_yticks(range(len(rows)), list(rows))
    bottom.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    bottom.set_xlim(first, last)
    bottom.set_xlabel(
        "year"
        if overview
        else "year (faded, with an arrow: the source gives no beginning or no end, or one outside 1919–1991)"
    )
    for axis in (top, bottom):
        axis.grid(axis="x", alpha=0.3)
    for year, label in ((1947, "1947 reversal"), (1985, "new thinking")):
        for axis in (top, bottom):
            axis.axvline(year, color="black", linestyle=":", linewidth=0.8)
        bottom.annotate(label, (year, -0.5), xytext=(3, 3), textcoords="offset points", fontsize=7, va="bottom")
    scale = ScalarMappable(norm=norm, cmap=colour_map)
    figure.colorbar(
        scale,
        ax=[top, bottom],
        label="stance polarity (-1 opposition … +1 support)" + (", mean per issue and year" if overview else ""),
        fraction=0.02,
        pad=0.01,
    )
    return figure, events, len(bands), len(rows)


_ROW_HEIGHT = 0.22  # inches per row of either panel
_EVENT_NAME_LENGTH = 80


def _event_marks(axis: Axes, marks: list[Mark]) -> None:
    """Each event a dot on its own row, named by the row's label, at the middle of its first year;
    a line across the years it may fall in, where the source leaves it more than one."""
    import textwrap

    for row, mark in enumerate(marks):
        if mark.last > mark.first:
            axis.plot(
                [mark.first + 0.5, mark.last + 0.5], [row, row], color=_COLOURS[mark.score], linewidth=1.5, zorder=2
            )
        axis.scatter(
            [mark.first + 0.5],
            [row],
            s=36,
            color=_COLOURS[mark.score],
            edgecolor="black",
            linewidth=0.4,
            zorder=3,
            gid=mark.gid,
        )
    names = [textwrap.shorten(mark.label, _EVENT_NAME_LENGTH, placeholder=" …") for mark in marks]
    axis.set_yticks(range(len(marks)), names, fontsize=8)
    axis.set_ylim(max(len(marks), 1) - 0.5, -0.5)


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
    """Each stance a bar in its holder's and issue's row, coloured by polarity, within the frame; an
    end the source does not give (or one beyond the frame) fades out over the frame's last years
    and ends in an arrow at its edge."""
    first, after = FRAME
    for band in bands:
        colour = colour_map(norm(band.score))
        row = rows[band.row]
        solid_begin: float = band.begin + (_FADE_YEARS if band.open_begin else 0)
        solid_end: float = band.end - (_FADE_YEARS if band.open_end else 0)
        if solid_end <= solid_begin:  # too short to fade at both ends: fade it all, from its middle
            solid_begin = solid_end = (band.begin + band.end) / 2
        axis.barh(
            row,
            solid_end - solid_begin,
            left=solid_begin,
            height=0.7,
            color=colour,
            edgecolor="black",
            linewidth=0.3,
            gid=band.gid,
        )
        for side, solid, edge in (("begin", solid_begin, band.begin), ("end", solid_end, band.end)):
            if not (band.open_begin if side == "begin" else band.open_end):
                continue
            step = (edge - solid) / _FADE_YEARS  # outwards, from the solid part to the frame's edge
            for n in range(_FADE_YEARS):
                axis.barh(
                    row,
                    abs(step),
                    left=min(solid + n * step, solid + (n + 1) * step),
                    height=0.7,
                    color=colour,
                    alpha=0.75 * (1 - n / _FADE_YEARS),
                    linewidth=0,
                    gid=f"fade-{side}-{n}-{band.gid.removeprefix('stance-')}",
                )
            axis.plot(
                [first if side == "begin" else after],
                [row],
                marker="<" if side == "begin" else ">",
                markersize=4,
                color="black",
                clip_on=False,
                gid=f"open-{side}-{band.gid.removeprefix('stance-')}",
            )


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


_TIE_COLOUR = "#4a6fa5"


def network_chart(kg: KnowledgeGraph, stem: Path) -> tuple[int, int, list[Path]]:
    figure, actors, ties = network_figure(kg)
    return actors, ties, _save(figure, stem)


def network_figure(kg: KnowledgeGraph) -> tuple[Figure, int, int]:
    """The actors on a circle: a solid line for two actors of one event, a dashed line coloured by
    polarity for a stance of one towards the other; every name inside the picture."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import TwoSlopeNorm

    together: Counter[tuple[str, str]] = Counter()
    stances: dict[tuple[str, str], list[float]] = defaultdict(list)  # (holder, towards) -> scores
    labels: dict[str, str] = {}
    for t in select(kg.store, _TIES):
        a, b = _value(t["a"]), _value(t["b"])
        labels[a], labels[b] = _value(t["aLabel"]), _value(t["bLabel"])
        if _value(t["kind"]) == "event":
            together[(a, b)] += 1
        else:
            stances[(a, b)].append(float(_value(t["score"])))
    pairs = {tuple(sorted(pair)) for pair in [*together, *stances]}
    degree = Counter(a for pair in pairs for a in pair)
    shown = len(labels)
    if len(labels) > MAX_ACTORS:
        kept = set(sorted(labels, key=lambda iri: (-degree[iri], *row_key(labels[iri]), iri))[:MAX_ACTORS])
        labels = {iri: label for iri, label in labels.items() if iri in kept}
        together = Counter({pair: n for pair, n in together.items() if kept.issuperset(pair)})
        stances = defaultdict(list, {pair: s for pair, s in stances.items() if kept.issuperset(pair)})
    actors = sorted(labels, key=lambda iri: (*row_key(labels[iri]), iri))
    angle = {a: 2 * math.pi * n / len(actors) for n, a in enumerate(actors)}
    where = {a: (math.cos(angle[a]), math.sin(angle[a])) for a in actors}
    figure = _figure(figsize=(11, 11.6))
    axis = figure.subplots()
    norm = TwoSlopeNorm(vmin=-1, vcenter=0, vmax=1)
    colour_map = colormaps["RdYlGn"]
    for (a, b), times in sorted(together.items()):
        (xa, ya), (xb, yb) = where[a], where[b]
        axis.plot(
            [xa, xb],
            [ya, yb],
            "-",
            color=_TIE_COLOUR,
            linewidth=0.6 + 0.8 * times,
            alpha=0.55,
            zorder=1,
            gid=f"tie-{_slug(a)}--{_slug(b)}",
        )
    for (holder, target), scores in sorted(stances.items()):
        (xa, ya), (xb, yb) = where[holder], where[target]
        axis.plot(
            [xa, xb],
            [ya, yb],
            "--",
            color=colour_map(norm(sum(scores) / len(scores))),
            linewidth=1.2 + 0.8 * len(scores),
            alpha=0.9,
            zorder=1.5,
            gid=f"stance-tie-{_slug(holder)}--{_slug(target)}",
        )
    names = []
    for a in actors:
        x, y = where[a]
        axis.scatter(
            [x], [y], s=40 + 25 * degree[a], color="#f2c14e", edgecolor="black", zorder=2, gid=f"actor-{_slug(a)}"
        )
        rotation = math.degrees(angle[a])
        flip = 90 < rotation < 270
        names.append(
            axis.text(
                1.07 * x,
                1.07 * y,
                labels[a],
                rotation=rotation - 180 if flip else rotation,
                rotation_mode="anchor",
                ha="right" if flip else "left",
                va="center",
                fontsize=8,
                gid=f"label-{_slug(a)}",
            )
        )
    axis.set_aspect("equal")
    axis.axis("off")
    _fit(figure, axis, names)
    title = (
        "Who acted with or towards whom: solid, together in an event; dashed, a stance towards, coloured by polarity"
    )
    if len(actors) < shown:
        title += f"\n(the {len(actors)} most connected of {shown} actors)"
    axis.set_title(title)
    figure.colorbar(
        ScalarMappable(norm=norm, cmap=colour_map),
        ax=axis,
        orientation="horizontal",
        label="polarity of the stance (-1 opposition … +1 support; mean of several)",
        fraction=0.03,
        pad=0.02,
        shrink=0.5,
    )
    return figure, len(actors), len(together) + len(stances)


def _fit(figure: Figure, axis: Axes, names: list) -> None:
    """Axis limits that hold every name: the names keep their size in points while the limits
    change the scale, so the limits are widened until the names' extents fit (a few rounds)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()  # measures text as the PNG draws it
    limit = 1.2
    for _ in range(6):
        axis.set_xlim(-limit, limit)
        axis.set_ylim(-limit, limit)
        axis.apply_aspect()  # the box an equal aspect gives, as drawing would
        to_data = axis.transData.inverted()
        reach = max(
            (
                abs(value)
                for name in names
                for corner in to_data.transform(name.get_window_extent(renderer).corners())
                for value in corner
            ),
            default=0.0,
        )
        if reach <= limit * 0.99:
            return
        limit = reach * 1.04


def plot(kg: KnowledgeGraph, folder: Path) -> Charts:
    from matplotlib import rc_context

    with rc_context(_STYLE):
        events, bands, rows, written = timeline_chart(kg, folder / "timeline")
        actors, ties, more = network_chart(kg, folder / "network")
    return Charts(events=events, bands=bands, rows=rows, actors=actors, ties=ties, written=written + more)
