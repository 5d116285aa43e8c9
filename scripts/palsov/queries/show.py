"""Answers for a person at a terminal: laid out to fit its width, terms as a reader names them.

An IRI in one of the project's namespaces is shortened to its prefix (`actor:soviet-union`), a
literal shows its value alone (a date as 1947-11-29, not "1947-11-29"^^xsd:date), white space inside
a value is one space, and a cell longer than its column's budget is cut with "…". The budgets share
the width out: a column that needs little gets what it needs, the rest share what is left evenly.
When that would leave a column too narrow to read, each row is printed as a record instead, one
line a value (as psql's expanded display does). With `wide`, every cell is whole and the table as
wide as it needs. Nothing here is for a machine: a pipe or a file gets a SPARQL results format,
lossless.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rich.cells import cell_len, get_character_cell_size
from rich.console import Console
from rich.text import Text

from ..rdf.terms import Term
from ..rdf.vocab import split_iri
from .run import Results

#: A local name that reads as one token after its prefix; anything else keeps the whole IRI.
_PLAIN_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
GAP = 2  # spaces between two columns
#: A column narrower than this (or than its widest cell, if that is less) is too narrow to read.
READABLE = 20
ELLIPSIS = "…"


def shown(term: Term | None) -> str:
    """The term as a person reads it in a table."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        split = split_iri(term.value)
        if split is not None and split[1] and set(split[1]) <= _PLAIN_LOCAL:
            return f"{split[0]}:{split[1]}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return " ".join(str(term).split())


def cut(text: str, budget: int) -> str:
    """The text if it fits in `budget` cells, else as much of it as fits with "…"."""
    if cell_len(text) <= budget:
        return text
    kept, used = [], 0
    for character in text:
        size = get_character_cell_size(character)
        if used + size > budget - 1:
            break
        kept.append(character)
        used += size
    return "".join(kept) + ELLIPSIS


def budgets(naturals: list[int], available: int, whole: frozenset[int] = frozenset()) -> list[int]:
    """Column widths that fit `available` cells: each column's natural width if all fit, else the
    `whole` columns and the narrow ones whole, and the rest cut to an even share of what is left."""
    if sum(naturals) <= available:
        return list(naturals)
    remaining = available - sum(naturals[n] for n in whole)
    left = len(naturals) - len(whole)
    if remaining < left or not left:
        return [min(width, max(available // len(naturals), 1)) for width in naturals]
    cap = 0
    for width in sorted(w for n, w in enumerate(naturals) if n not in whole):
        share = remaining // left
        if width > share:
            cap = share
            break
        remaining -= width
        left -= 1
    widths = [width if n in whole else min(width, cap) for n, width in enumerate(naturals)]
    spare = available - sum(widths)
    for n, width in enumerate(naturals):  # the cells' rounding left over, to the first wide columns
        if spare and width > widths[n]:
            widths[n] += 1
            spare -= 1
    return widths


@dataclass(frozen=True)
class Layout:
    """How a table fits a width: as columns of these widths, or (widths None) as records."""

    widths: list[int] | None
    width: int


def layout(
    headers: list[str], rows: list[list[str]], width: int, wide: bool = False, whole: frozenset[int] = frozenset()
) -> Layout:
    naturals = [max([cell_len(header), *(cell_len(row[n]) for row in rows)]) for n, header in enumerate(headers)]
    if wide:
        return Layout(naturals, width)
    widths = budgets(naturals, max(width - GAP * (len(headers) - 1), len(headers)), whole)
    if all(w >= min(natural, READABLE) for w, natural in zip(widths, naturals, strict=True)):
        return Layout(widths, width)
    return Layout(None, width)


def render(
    headers: list[str], rows: list[list[str]], width: int, wide: bool = False, whole: frozenset[int] = frozenset()
) -> list[Text]:
    """The lines of the table (or of its records) for a terminal `width` cells wide; the `whole`
    columns are never cut while the table fits."""
    fitted = layout(headers, rows, width, wide, whole)
    if fitted.widths is not None:
        widths = fitted.widths
        lines = [_line([cut(h, w) for h, w in zip(headers, widths, strict=True)], widths, "bold")]
        lines.append(Text("  ".join("─" * w for w in widths), style="dim"))
        lines += [_line([cut(c, w) for c, w in zip(row, widths, strict=True)], widths) for row in rows]
        return lines
    key = min(max(cell_len(h) for h in headers), width // 3)
    value = max(width - key - GAP, 1)
    lines = []
    for number, row in enumerate(rows, 1):
        rule = f"── {number} of {len(rows)} "
        lines.append(Text(cut(rule, width) + "─" * max(width - cell_len(rule), 0), style="dim"))
        for header, cell in zip(headers, row, strict=True):
            if cell:
                name = cut(header, key)
                line = Text(name + " " * (key - cell_len(name) + GAP), style="bold")
                line.append(cut(cell, value))
                lines.append(line)
    return lines


def _line(cells: list[str], widths: list[int], style: str = "") -> Text:
    line = Text(style=style)
    for n, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        last = n == len(cells) - 1
        line.append(cell if last else cell + " " * (width - cell_len(cell) + GAP))
    return line


def results_rows(results: Results) -> list[list[str]]:
    return [[shown(row.get(variable)) for variable in results.variables] for row in results.rows]


def print_table(
    console: Console,
    title: str,
    headers: list[str],
    rows: list[list[str]],
    wide: bool = False,
    whole: frozenset[int] = frozenset(),
) -> None:
    """A title, the table fitted to the console's width (whole when `wide`), and nothing wrapped."""
    if title:
        console.print(Text(title if wide else cut(title, console.width), style="bold"))
    for line in render(headers, rows, console.width, wide, whole):
        console.print(line, crop=False, overflow="ignore", no_wrap=True, soft_wrap=True)


def print_results(console: Console, results: Results, title: str = "", wide: bool = False) -> None:
    """The answer as a table (an ASK's as true or false) and a count of its rows."""
    if results.boolean is not None:
        if title:
            console.print(Text(title, style="bold"))
        console.print("true" if results.boolean else "false", highlight=False)
        return
    print_table(console, title, results.variables, results_rows(results), wide)
    count = len(results.rows)
    console.print(f"{count} row{'' if count == 1 else 's'}", highlight=False)
