"""Saved SPARQL queries: their grlc-style headers, their parameters, and binding values safely.

A query's header is the block of `#+ ` lines at its top, read as YAML (the grlc convention):
summary, description, tags and defaults. What a header reads as is kept between runs
(runtime/cache.py): importing the YAML parser takes longer than `palsov query` takes to answer.
Parameters are the query's variables named the grlc way: `?_holder_iri` is an IRI parameter
`holder`, `?_from_xsd_date` an xsd:date parameter `from`, `?_name` a plain string, and two
underscores (`?__holder_iri`) make one optional; a type we do not know is refused when the query
is read. A value is parsed for its type, written again in the type's canonical form (a date as
YYYY-MM-DD, a decimal without trailing zeros) and bound as an RDF term, serialised by pyoxigraph,
through a VALUES block at the head of the query's WHERE: never pasted into its text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.io import read_text
from ..rdf.vocab import QUERIES, XSD
from ..runtime import cache as kept
from ..runtime.versions import PALSOV_VERSION, library_versions

_PARAMETER = re.compile(r"\?(_{1,2})([A-Za-z][A-Za-z0-9]*)((?:_[A-Za-z0-9]+)*)\b")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_TIMEZONE = r"(Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DOUBLE = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$")
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)" + _TIMEZONE + "$")
_DATETIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?" + _TIMEZONE + "$")
_GYEAR = re.compile(r"^(\d{4})" + _TIMEZONE + "$")


def _zone(value: str | None) -> str:
    return "" if value is None else "Z" if value in ("Z", "+00:00", "-00:00") else value


def _integer(value: str, low: int | None = None) -> str:
    if not _INTEGER.match(value) or (low is not None and int(value) < low):
        raise ValueError
    return str(int(value))


def _decimal(value: str) -> str:
    if not _DECIMAL.match(value):
        raise ValueError
    number = Decimal(value)
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _double(value: str) -> str:
    """XSD 1.1's canonical double: one digit before the point, the shortest digits that give the
    number back, an exponent (1.5E3, 0.0E0), INF, -INF, NaN."""
    if not _DOUBLE.match(value):
        raise ValueError
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    if number == 0:
        return "-0.0E0" if math.copysign(1, number) < 0 else "0.0E0"
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    assert isinstance(exponent, int)  # a finite number
    text = "".join(map(str, digits))
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{exponent + len(text) - 1}"


def _boolean(value: str) -> str:
    if value in ("true", "1"):
        return "true"
    if value in ("false", "0"):
        return "false"
    raise ValueError


def _date(value: str) -> str:
    match = _DATE.match(value)
    if match is None:
        raise ValueError
    year, month, day, zone = match.groups()
    return date(int(year), int(month), int(day)).isoformat() + _zone(zone)


def _date_time(value: str) -> str:
    match = _DATETIME.match(value)
    if match is None:
        raise ValueError
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    fraction = (fraction or "").rstrip("0").rstrip(".")
    return moment.isoformat() + fraction + _zone(zone)


def _year(value: str) -> str:
    match = _GYEAR.match(value)
    if match is None or int(match.group(1)) == 0:
        raise ValueError
    return match.group(1) + _zone(match.group(2))


@dataclass(frozen=True)
class ValueType:
    """A parameter type: how a value of it is read into its canonical lexical form, and what a
    user is told when it is not one."""

    canonical: Callable[[str], str]
    expected: str


#: The XSD types a parameter may have (`?_name_xsd_TYPE`), beside iri and string.
XSD_TYPES: dict[str, ValueType] = {
    "string": ValueType(str, "a string"),
    "boolean": ValueType(_boolean, "a boolean (true, false, 1 or 0)"),
    "integer": ValueType(_integer, "an integer"),
    "nonNegativeInteger": ValueType(lambda v: _integer(v, 0), "an integer of 0 or more"),
    "positiveInteger": ValueType(lambda v: _integer(v, 1), "an integer of 1 or more"),
    "decimal": ValueType(_decimal, "a decimal number (such as -1.25)"),
    "double": ValueType(_double, "a double (such as 1.5E3, INF or NaN)"),
    "date": ValueType(_date, "a date (YYYY-MM-DD, optionally with a time zone)"),
    "dateTime": ValueType(_date_time, "a date and time (YYYY-MM-DDThh:mm:ss, optionally with a time zone)"),
    "gYear": ValueType(_year, "a year (YYYY)"),
}
_OUTER_WHERE = re.compile(r"^\s*(?:SELECT|CONSTRUCT|ASK|DESCRIBE)\b.*?\bWHERE\s*\{", re.S | re.M | re.I)
HEADER_KEYS = ("summary", "description", "tags")


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str  # without the question mark, e.g. "_holder_iri"
    kind: str  # "iri", or an XSD datatype's local name: "string", "date" … (see XSD_TYPES)
    default: str | None = None
    required: bool = True  # an optional one (grlc's ?__name) left without a value stays unbound

    def term(self, value: str) -> str:
        """The value as a SPARQL term, or an InputError saying what is wrong with it."""
        return str(self.rdf_term(value))

    def rdf_term(self, value: str) -> ox.NamedNode | ox.Literal:
        if self.kind == "iri":
            try:
                if not _IRI.match(value):
                    raise ValueError
                return ox.NamedNode(value)
            except ValueError:
                raise InputError(f"parameter {self.name}: {value!r} is not an IRI") from None
        value_type = XSD_TYPES[self.kind]
        try:
            lexical = value_type.canonical(value)
        except ValueError:
            raise InputError(f"parameter {self.name}: {value!r} is not {value_type.expected}") from None
        if self.kind == "string":
            return ox.Literal(lexical)
        return ox.Literal(lexical, datatype=XSD(self.kind))


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    text: str
    header: dict[str, Any] = field(hash=False, compare=False)

    @classmethod
    def read(cls, path: Path) -> SavedQuery:
        return cls.from_text(read_text(path, "the query"), path)

    @classmethod
    def from_text(cls, text: str, path: Path, name: str | None = None) -> SavedQuery:
        """A query given as text (a file's, standard input's, the command line's), read as a saved
        one: its header and parameters work the same; `path` names it in messages."""
        header_lines = []
        for line in text.splitlines():
            if not line.startswith("#+"):
                break
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        header = _header("\n".join(header_lines), path)
        if not isinstance(header, dict):
            raise InputError(f"{path}: line 1: the #+ header must be YAML keys (summary:, description:, …)")
        query = cls(name=path.stem if name is None else name, path=path, text=text, header=header)
        _ = query.parameters  # a parameter of an unknown type is refused now, not when it is bound
        return query

    @property
    def label(self) -> str:
        """How messages name it: a saved query by its name, another by where it came from."""
        return f"query {self.name}" if self.name else str(self.path)

    @property
    def iri(self) -> str:
        return QUERIES + self.name

    @property
    def summary(self) -> str:
        return str(self.header.get("summary", ""))

    @property
    def description(self) -> str:
        return str(self.header.get("description", ""))

    @property
    def tags(self) -> list[str]:
        return [str(t) for t in self.header.get("tags", [])]

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")

    @cached_property
    def parameters(self) -> dict[str, Parameter]:
        """The parameters, found in the query outside its comments; an InputError for one of a type
        we do not know, naming the line."""
        defaults = _mapping(self.header.get("defaults"))
        found: dict[str, Parameter] = {}
        text = _without_comments(self.text)
        for match in _PARAMETER.finditer(text):
            name, suffix = match.group(2), match.group(3)
            kind = "string" if not suffix else "iri" if suffix == "_iri" else suffix.removeprefix("_xsd_")
            if kind != "iri" and kind not in XSD_TYPES:
                line = text.count("\n", 0, match.start()) + 1
                known = ", ".join(["iri", *(f"xsd_{t}" for t in XSD_TYPES)])
                raise InputError(
                    f"{self.path}: line {line}: parameter {match.group(0)} has a type palsov does not know "
                    f"({suffix[1:]!r}; known: {known})"
                )
            if name in found:
                continue
            found[name] = Parameter(
                name=name,
                variable=match.group(0)[1:],
                kind=kind,
                default=None if defaults.get(name) is None else str(defaults[name]),
                required=len(match.group(1)) == 1,
            )
        return found

    def bind(self, values: dict[str, str]) -> str:
        """The query text with every parameter bound by a VALUES block at the head of its WHERE."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            valid = ", ".join(self.parameters) or "none"
            raise InputError(f"{self.label}: unknown parameter {', '.join(unknown)} (valid: {valid})")
        if not self.parameters:
            return self.text
        variables, terms = [], []
        for name, parameter in self.parameters.items():
            value = values.get(name, parameter.default)
            if value is None and parameter.required:
                raise InputError(f"{self.label}: parameter {name} has no value and no default")
            variables.append(f"?{parameter.variable}")
            terms.append("UNDEF" if value is None else parameter.term(value))
        block = f"VALUES ({' '.join(variables)}) {{ ({' '.join(terms)}) }}"
        # At the head of the outermost group, so that FILTERs and BINDs of the query see the values.
        where = _OUTER_WHERE.search(self.text)
        if where is None:
            raise InputError(f"{self.path}: no WHERE {{ … }} to bind the parameters in")
        return f"{self.text[: where.end()]}\n  {block}{self.text[where.end() :]}"


#: The headers kept: every saved query's, and room for the queries people run from files.
_HEADERS_KEPT = 256


def _header(text: str, path: Path) -> Any:
    """The header's YAML, read by PyYAML (safe_load), or as it read last time: the cache holds what
    each header text read as, under a key made of palsov's version and the parser's."""
    key = _yaml_made_of()
    known = _known_headers(str(kept.folder("query-headers")), key)
    if text in known:
        return known[text]
    import yaml

    try:
        header = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise InputError(f"{path}: {where}the #+ header is not valid YAML") from None
    for old in list(known)[: max(0, len(known) - _HEADERS_KEPT + 1)]:
        del known[old]
    known[text] = header
    kept.store("query-headers", key, known)
    return header


@cache
def _known_headers(folder: str, key: str) -> dict[str, Any]:
    """The cache's headers, read once a process (a build reads twenty queries); `folder` keys it."""
    return kept.load("query-headers", key) or {}


@cache
def _yaml_made_of() -> str:
    """Which palsov and which PyYAML read the headers, as a name for the cache's entry."""
    return f"palsov-{PALSOV_VERSION}-pyyaml-{library_versions('pyyaml')['pyyaml']}"


def _mapping(value: object) -> dict[str, Any]:
    """grlc writes defaults as a list of one-key mappings; accept a mapping too."""
    if isinstance(value, dict):
        return value
    merged: dict[str, Any] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            merged.update(item)
    return merged


def _without_comments(text: str) -> str:
    """The text with comment lines emptied (their line breaks kept, so that lines keep their numbers)."""
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.splitlines())


def saved_queries(folder: Path) -> list[SavedQuery]:
    return [SavedQuery.read(path) for path in sorted(folder.glob("*.rq"))]


def find_query(where: Path | Iterable[SavedQuery], name: str) -> SavedQuery:
    """The query named so, from a folder of queries (only its own file is read: `palsov query`
    starts quicker) or from queries read already."""
    if isinstance(where, Path):
        names = [path.stem for path in sorted(where.glob("*.rq"))]
        if name in names:
            return SavedQuery.read(where / f"{name}.rq")
    else:
        queries = {q.name: q for q in where}
        if name in queries:
            return queries[name]
        names = list(queries)
    raise InputError(f"unknown query {name!r} (valid: {', '.join(names) or 'none'})")
