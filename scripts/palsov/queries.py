"""Saved SPARQL queries: their grlc-style headers, their parameters, and binding values safely.

A query's header is the block of `#+ ` lines at its top, read as YAML (the grlc convention):
summary, description, tags, endpoint, defaults, and for each parameter an `enumerate` or a
description. Parameters are the query's variables named the grlc way: `?_holder_iri` is an IRI
parameter `holder`, `?_from_xsd_date` an xsd:date parameter `from`, `?_name` a plain string.
Values are validated for their type and bound through a VALUES block appended to the query, never
pasted into its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import yaml

from .errors import InputError

QUERIES_BASE = "https://w3id.org/palsov/queries/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_PARAMETER = re.compile(r"\?_([A-Za-z][A-Za-z0-9]*)(?:_(iri|xsd_[A-Za-z]+))?\b")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_OUTER_WHERE = re.compile(r"^\s*(?:SELECT|CONSTRUCT|ASK|DESCRIBE)\b.*?\bWHERE\s*\{", re.S | re.M | re.I)
HEADER_KEYS = ("summary", "description", "tags")


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str  # without the question mark, e.g. "_holder_iri"
    kind: str  # "iri", "string", or an XSD datatype local name such as "date"
    default: str | None = None
    description: str = ""

    def term(self, value: str) -> str:
        """The value as a SPARQL term, or an InputError saying what is wrong with it."""
        if self.kind == "iri":
            if not _IRI.match(value):
                raise InputError(f"parameter {self.name}: {value!r} is not an IRI")
            return f"<{value}>"
        if self.kind == "string":
            escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            return f'"{escaped}"'
        if self.kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise InputError(f"parameter {self.name}: {value!r} is not a date (YYYY-MM-DD)") from None
        elif self.kind == "integer" and not _INTEGER.match(value):
            raise InputError(f"parameter {self.name}: {value!r} is not an integer")
        return f'"{value}"^^<{XSD}{self.kind}>'


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    text: str
    header: dict = field(hash=False, compare=False)

    @classmethod
    def read(cls, path: Path) -> SavedQuery:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror})") from None
        header_lines = []
        for line in text.splitlines():
            if not line.startswith("#+"):
                break
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        try:
            header = yaml.safe_load("\n".join(header_lines)) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark else ""
            raise InputError(f"{path}: {where}the #+ header is not valid YAML") from None
        if not isinstance(header, dict):
            raise InputError(f"{path}: line 1: the #+ header must be YAML keys (summary:, description:, …)")
        return cls(name=path.stem, path=path, text=text, header=header)

    @property
    def iri(self) -> str:
        return QUERIES_BASE + self.name

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
    def endpoint(self) -> str | None:
        return self.header.get("endpoint")

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")

    @cached_property
    def parameters(self) -> dict[str, Parameter]:
        defaults = _mapping(self.header.get("defaults"))
        described = _mapping(self.header.get("parameters"))
        found: dict[str, Parameter] = {}
        for match in _PARAMETER.finditer(_without_comments(self.text)):
            name, kind = match.group(1), match.group(2)
            if name in found:
                continue
            found[name] = Parameter(
                name=name,
                variable=match.group(0)[1:],
                kind="string" if kind is None else "iri" if kind == "iri" else kind[4:],
                default=None if defaults.get(name) is None else str(defaults[name]),
                description=str(described.get(name, "")),
            )
        return found

    def bind(self, values: dict[str, str]) -> str:
        """The query text with every parameter bound by a VALUES block at the head of its WHERE."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            valid = ", ".join(self.parameters) or "none"
            raise InputError(f"query {self.name}: unknown parameter {', '.join(unknown)} (valid: {valid})")
        if not self.parameters:
            return self.text
        variables, terms = [], []
        for name, parameter in self.parameters.items():
            value = values.get(name, parameter.default)
            if value is None:
                raise InputError(f"query {self.name}: parameter {name} has no value and no default")
            variables.append(f"?{parameter.variable}")
            terms.append(parameter.term(value))
        values = f"VALUES ({' '.join(variables)}) {{ ({' '.join(terms)}) }}"
        # At the head of the outermost group, so that FILTERs and BINDs of the query see the values.
        where = _OUTER_WHERE.search(self.text)
        if where is None:
            raise InputError(f"{self.path}: no WHERE {{ … }} to bind the parameters in")
        return f"{self.text[: where.end()]}\n  {values}{self.text[where.end() :]}"


def _mapping(value: object) -> dict:
    """grlc writes defaults as a list of one-key mappings; accept a mapping too."""
    if isinstance(value, dict):
        return value
    merged: dict = {}
    for item in value or []:
        if isinstance(item, dict):
            merged.update(item)
    return merged


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def saved_queries(folder: Path) -> list[SavedQuery]:
    return [SavedQuery.read(path) for path in sorted(folder.glob("*.rq"))]


def find_query(folder: Path, name: str) -> SavedQuery:
    queries = {q.name: q for q in saved_queries(folder)}
    if name not in queries:
        raise InputError(f"unknown query {name!r} (valid: {', '.join(queries) or 'none'})")
    return queries[name]
