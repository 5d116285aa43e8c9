"""The checks palsov runs beside the shapes, reported as the shapes' results are: the source text in
the graph is the file the project keeps (`source_file_results`), the integrity queries match nothing
(`integrity_results`), and every time span's EDTF is valid EDTF and agrees with its bounds
(`edtf_results`).

The EDTF check: every value is read by a maintained EDTF parser and held to its bounds.

The rules are the ontology's (ontology/time.ttl and the time-qualifier scheme): `palsov:edtf` is the
date as the source words it, and the qualifier says how it bounds the span (CIDOC CRM's outer and
inner bounds, P82a/P81a/P81b/P82b):

- a single date or a one-of set, no qualifier: the thing happened within it (P82a, P82b);
- an interval: its start gives P82a/P81a, its end P81b/P82b; an open or unknown end gives none; after
  an "after" qualifier the start is only an earliest beginning (P82a);
- a date or a one-of set qualified "attested" (at the time, as early as, by): the thing held at some
  time within it, so it had begun by its last day (P81a) and had not ended before its first (P81b);
- a date qualified "continued after": it had begun by the date's last day (P81a) and still held
  the day after (P81b);
- a date qualified "after" (following, soon after, a few weeks after): it began no earlier (P82a);
- `XXXX`: the source gives no date.

A bound the EDTF does not give must be an inference of ours: the object of an `rdf:Statement` that
is the body of a `palsov:inferring` annotation. SHACL cannot call a parser, so `palsov validate`
runs this check beside the shapes and reports it as the result of `palsovsh:EdtfCheck`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..queries.saved import SavedQuery
from ..rdf.io import read_text
from ..rdf.sparql import select
from ..rdf.terms import Term, object_of, short
from ..rdf.vocab import (
    CRM,
    EDTF_CHECK,
    PREFIXES,
    RDFS_LABEL,
    SDO,
    SKOS_PREF_LABEL,
    SOURCE_ARTICLE,
    SOURCE_FILE_CHECK,
    SPDX,
    XSD_DATE,
)
from ..runtime import cache as kept
from ..runtime.versions import PALSOV_VERSION
from .report import Result
from .shapes import PredicatePath

UNDATED = "XXXX"
P82A, P81A, P81B, P82B = BOUNDS = (
    CRM("P82a_begin_of_the_begin"),
    CRM("P81a_end_of_the_begin"),
    CRM("P81b_begin_of_the_end"),
    CRM("P82b_end_of_the_end"),
)
_QUALIFIER = PREFIXES["qualifier"]
#: The top qualifiers whose narrower concepts bound a span as they do.
ATTESTED, CONTINUED_AFTER, AFTER = (
    ox.NamedNode(_QUALIFIER + name) for name in ("attested", "continued-after", "after")
)

# Three plain queries joined here: one query with an EXISTS per bound took 2 s at 100k triples.
_SPANS = f"""SELECT ?span ?edtf ?family WHERE {{
  ?span palsov:edtf ?edtf .
  OPTIONAL {{
    ?span palsov:qualifier/skos:broader* ?family .
    FILTER (?family IN ({ATTESTED}, {CONTINUED_AFTER}, {AFTER}))
  }}
}}"""
_BOUNDS = (
    "SELECT ?span ?bound ?value WHERE {\n"
    + "\n  UNION ".join(f"{{ ?span {bound} ?value BIND ({bound} AS ?bound) }}" for bound in BOUNDS)
    + "\n}"
)
_INFERRED = """SELECT ?span ?bound ?value WHERE {
  ?inference oa:motivatedBy palsov:inferring ; oa:hasBody ?statement .
  ?statement rdf:subject ?span ; rdf:predicate ?bound ; rdf:object ?value .
}"""


class NotOneDate(ValueError):
    """A state of affairs attested at a time given a range instead of one date."""


Bounds = dict[ox.NamedNode, str]  # bound property -> an ISO date


@dataclass
class _Span:
    edtf: str
    family: ox.NamedNode | None
    bounds: dict[ox.NamedNode, set[str]]  # bound property -> its values (xsd:date lexical forms)
    inferred: set[tuple[ox.NamedNode, str]]  # (bound property, value) recorded as inferences of ours


def edtf_results(store: ox.Store) -> Iterator[Result]:
    """One result for every EDTF value that does not parse or disagrees with its span's bounds."""
    spans = sorted(_spans(store).items(), key=lambda item: str(item[0]))
    outcomes = _outcomes({(found.edtf, found.family) for _, found in spans})
    for span, found in spans:
        for bound, value, message in _disagreements(found, outcomes[found.edtf, found.family]):
            yield Result(
                focus=span,
                source_shape=EDTF_CHECK,
                component=EDTF_CHECK,
                shape=EDTF_CHECK,
                path=None if bound is None else PredicatePath(bound),
                value=None if value is None else ox.Literal(value, datatype=None if bound is None else XSD_DATE),
                messages=(ox.Literal(message, language="en"),),
            )


def _iri(term: object) -> ox.NamedNode:
    assert isinstance(term, ox.NamedNode), term
    return term


def _text(term: object) -> str:
    assert isinstance(term, ox.Literal | ox.NamedNode), term
    return term.value


def _spans(store: ox.Store) -> dict[ox.NamedNode, _Span]:
    spans = {
        _iri(row["span"]): _Span(_text(row["edtf"]), _iri(row["family"]) if row["family"] else None, {}, set())
        for row in select(store, _SPANS)
        if isinstance(row["span"], ox.NamedNode)
    }
    inferred = {(row["span"], row["bound"], _text(row["value"])) for row in select(store, _INFERRED)}
    for row in select(store, _BOUNDS):
        span, bound, value = row["span"], _iri(row["bound"]), _text(row["value"])
        if isinstance(span, ox.NamedNode) and span in spans:
            spans[span].bounds.setdefault(bound, set()).add(value)
            if (span, bound, value) in inferred:
                spans[span].inferred.add((bound, value))
    return spans


#: What an EDTF value gives under a qualifier family: its bounds, or why it gives none.
Outcome = Bounds | str


def _outcome(edtf: str, family: ox.NamedNode | None) -> Outcome:
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        return given_bounds(edtf, family)
    except EDTFParseException:
        return f"'{edtf}' is not valid EDTF (ISO 8601-2), as an EDTF parser reads it."
    except NotOneDate as error:
        return str(error)
    except ValueError:  # the parser's grammar takes any 29 February; the calendar does not
        return f"'{edtf}' names a day that does not exist."


Read = tuple[str, ox.NamedNode | None]


def _outcomes(values: set[Read]) -> dict[Read, Outcome]:
    """The outcome of each value, kept between runs (runtime/cache.py): the EDTF parser takes
    longer to import and to warm up than the real data take to validate, and a value's outcome
    depends only on it, this module and the parser's code (`_edtf_made_of`)."""
    key = _edtf_made_of()
    known: dict[Read, Outcome] = kept.load("edtf", key) or {}
    missing = values - known.keys()
    if not missing:
        return known
    found = {**{value: known[value] for value in values - missing}, **{v: _outcome(*v) for v in missing}}
    kept.store("edtf", key, found)
    return found


def _edtf_made_of() -> str:
    import importlib.util

    digest = hashlib.sha256(PALSOV_VERSION.encode())
    spec = importlib.util.find_spec("edtf")
    parser = Path(spec.origin).parent if spec is not None and spec.origin else None
    code = sorted(parser.rglob("*.py")) if parser is not None else []
    for path in [Path(__file__), *code]:
        content = path.read_bytes()
        digest.update(b"%d %d\0" % (len(path.name), len(content)) + path.name.encode() + content)
    return digest.hexdigest()


def _disagreements(span: _Span, given: Outcome) -> Iterable[tuple[ox.NamedNode | None, str | None, str]]:
    if isinstance(given, str):
        yield None, span.edtf, given
        return
    for bound in BOUNDS:
        expected, values = given.get(bound), span.bounds.get(bound, set())
        if expected is not None and values != {expected}:
            actual = ", ".join(sorted(values)) or None
            yield (
                bound,
                actual,
                f"The EDTF '{span.edtf}' gives {short(bound)} {expected}, but the span has {actual or 'none'}.",
            )
        elif expected is None:
            for value in sorted(values):
                if (bound, value) not in span.inferred:
                    yield (
                        bound,
                        value,
                        f"{short(bound)} {value} is neither given by the EDTF '{span.edtf}' nor recorded as an"
                        " inference of ours (an rdf:Statement in the body of a palsov:inferring annotation).",
                    )


def given_bounds(edtf: str, family: ox.NamedNode | None = None) -> Bounds:
    """The bounds an EDTF value gives under a qualifier family: bound property -> ISO date."""
    from edtf.parser.parser_classes import Interval, Level1Interval, Level2Interval, MultipleDates, OneOfASet

    if edtf == UNDATED:
        return {}
    normal, years = _normalised(edtf)
    parsed = _parse(normal)
    first, last = (years[0], years[-1]) if years else (None, None)
    if isinstance(parsed, Interval | Level1Interval | Level2Interval):
        start, end = _days(parsed.lower, first, first), _days(parsed.upper, last, last)
        bounds = {P82A: start[0], P81A: None if family == AFTER else start[1], P81B: end[0], P82B: end[1]}
    elif isinstance(parsed, OneOfASet | MultipleDates) and family != ATTESTED:
        low, high = _days(parsed, first, last)
        bounds = {P82A: low, P82B: high}
    else:
        low, high = _days(parsed, first, last)
        if family == ATTESTED:
            bounds = {P81A: high, P81B: low}
        elif family == CONTINUED_AFTER:
            bounds = {P81A: high, P81B: _next_day(high)}
        elif family == AFTER:
            bounds = {P82A: low}
        else:
            bounds = {P82A: low, P82B: high}
    if family in (ATTESTED, CONTINUED_AFTER) and P82A in bounds:
        raise NotOneDate(
            f"A span that held at a time ('{edtf}', qualified as attested) is given one date, not a range."
        )
    return {bound: day for bound, day in bounds.items() if day is not None}


# The parser takes about 5 ms a value (measured on this machine), and a corpus of renamed copies
# has a new string for every copy. Whether a value parses, and the days and months its bounds
# fall on, depend on its years only through leap years: each year is parsed as 2000 (leap) or
# 2001 (common), once per form, and put back into the bounds it gives.
_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")


def _normalised(edtf: str) -> tuple[str, list[int]]:
    years = [int(year) for year in _YEAR.findall(edtf)]
    return _YEAR.sub(lambda year: "2000" if calendar.isleap(int(year.group(1))) else "2001", edtf), years


@cache
def _parse(edtf: str) -> object:
    from edtf import parse_edtf  # here: the check imports the parser only for a value it has not read before

    return parse_edtf(edtf)


def _next_day(day: str | None) -> str | None:
    return None if day is None else (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def _days(part: Any, first_year: int | None, last_year: int | None) -> tuple[str | None, str | None]:
    """The first and last day a date, a set or an interval endpoint allows (None where open or
    unknown), in the source's years: its first day in the first of them, its last in the last.
    (The edtf package has no types: `part` is any of its parsed forms.)"""
    from edtf.parser.parser_classes import UnspecifiedIntervalSection

    if isinstance(part, UnspecifiedIntervalSection):
        return None, None
    return _day(part.lower_strict(), first_year), _day(part.upper_strict(), last_year)


def _day(value: time.struct_time | float, year: int | None) -> str | None:
    if isinstance(value, float):  # ±infinity: an open set ("[..1965]")
        return None
    return dt.date(value.tm_year if year is None else year, value.tm_mon, value.tm_mday).isoformat()


# ---------------------------------------------------------------------- the source file


def source_file_results(store: ox.Store, source_file: Path | None) -> Iterator[Result]:
    """The source text in the graph must be the file the project keeps, character for character."""
    if source_file is None:
        return
    text = read_text(source_file, "the source article")

    def fail(message: str, value: Term | None = None) -> Result:
        return Result(
            focus=SOURCE_ARTICLE,
            source_shape=SOURCE_FILE_CHECK,
            component=SOURCE_FILE_CHECK,
            shape=SOURCE_FILE_CHECK,
            messages=(ox.Literal(message, language="en"),),
            value=value,
        )

    in_graph = [_text(q.object) for q in store.quads_for_pattern(SOURCE_ARTICLE, SDO("text"), None)]
    if in_graph != [text]:
        yield fail(f"The text of the source in the graph (schema:text) differs from {source_file}.")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    recorded = [
        object_of(q.triple)
        for checksum in store.quads_for_pattern(SOURCE_ARTICLE, SPDX("checksum"), None)
        if isinstance(node := checksum.object, ox.NamedNode | ox.BlankNode)
        for q in store.quads_for_pattern(node, SPDX("checksumValue"), None)
    ]
    if [r.value for r in recorded] != [digest]:
        yield fail(
            f"The SHA-256 recorded for the source does not match {source_file} ({digest}).",
            value=recorded[0] if len(recorded) == 1 else None,
        )


# ---------------------------------------------------------------------- the integrity queries


def integrity_results(store: ox.Store, queries: Iterable[SavedQuery]) -> Iterator[Result]:
    """A result for every row of every integrity query (`queries/*-violation.rq` match nothing)."""
    for query in queries:
        iri = ox.NamedNode(query.iri)
        solutions = select(store, query.text, prefixes={})
        names = {variable.value for variable in solutions.variables}
        for solution in solutions:
            focus = solution["focus"]
            message = solution["message"] if "message" in names else None
            text = message.value if isinstance(message, ox.Literal) else query.summary
            yield Result(
                focus=focus if isinstance(focus, Term) else ox.Literal(""),
                source_shape=iri,
                component=iri,
                shape=iri,
                messages=(ox.Literal(text, language="en"),),
            )


class Labels:
    """English labels of focus nodes, looked up once each."""

    _PREDICATES = (RDFS_LABEL, SKOS_PREF_LABEL)

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._cache: dict[Term, str | None] = {}

    def get(self, node: Term) -> str | None:
        if node not in self._cache:
            self._cache[node] = self._lookup(node)
        return self._cache[node]

    def _lookup(self, node: Term) -> str | None:
        if not isinstance(node, ox.NamedNode):
            return None
        for predicate in self._PREDICATES:
            for quad in self._store.quads_for_pattern(node, predicate, None, ox.DefaultGraph()):
                return _text(quad.object)
        return None
