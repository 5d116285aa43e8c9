"""SPARQL: queries on the embedded store with typed results, and query text read as tokens.

`select`, `ask` and `construct` run a query with the project's prefixes (pyoxigraph's `prefixes=`)
and values bound by pyoxigraph (`substitutions=`), and give the one result type the query form
has, so that no caller guesses among `Store.query`'s three.

The tokenizer reads a query as SPARQL's lexer does (strings, IRIs and comments kept whole), so
that a keyword or a variable inside a string or an IRI is never taken for one: the SHACL-SPARQL
restrictions, where a query calls SERVICE and what it calls, and the prologue to send with a
SERVICE pattern are all read from these tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urljoin

import pyoxigraph as ox

from ..errors import InputError
from .terms import Term
from .vocab import PREFIXES

Substitutions = Mapping[str, Term]


def _query(
    store: ox.Store, query: str, prefixes: Mapping[str, str] | None, substitutions: Substitutions | None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    return store.query(
        query,
        prefixes=dict(PREFIXES if prefixes is None else prefixes),
        substitutions={ox.Variable(name): value for name, value in (substitutions or {}).items()} or None,
    )


def select(
    store: ox.Store,
    query: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    substitutions: Substitutions | None = None,
) -> ox.QuerySolutions:
    """A SELECT's solutions; `prefixes` default to the project's, `substitutions` bind variables."""
    found = _query(store, query, prefixes, substitutions)
    if not isinstance(found, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query.strip()[:60]}")
    return found


def ask(
    store: ox.Store,
    query: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    substitutions: Substitutions | None = None,
) -> bool:
    found = _query(store, query, prefixes, substitutions)
    if not isinstance(found, ox.QueryBoolean):
        raise TypeError(f"not an ASK query: {query.strip()[:60]}")
    return bool(found)


def construct(
    store: ox.Store,
    query: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    substitutions: Substitutions | None = None,
) -> list[ox.Triple]:
    found = _query(store, query, prefixes, substitutions)
    if not isinstance(found, ox.QueryTriples):
        raise TypeError(f"not a CONSTRUCT or DESCRIBE query: {query.strip()[:60]}")
    return list(found)


def count(store: ox.Store, query: str, variable: str = "n") -> int:
    """The integer a one-row SELECT binds to `variable` (a COUNT)."""
    solution = next(iter(select(store, query)))
    value = solution[variable]
    assert isinstance(value, ox.Literal), query
    return int(value.value)


# ---------------------------------------------------------------------------------- tokens


class Kind(Enum):
    SPACE = "space"
    COMMENT = "comment"
    IRI = "iri"
    STRING = "string"
    VARIABLE = "variable"
    WORD = "word"  # keywords, prefixed names, numbers, booleans
    PUNCTUATION = "punctuation"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind is Kind.WORD else ""

    @property
    def name(self) -> str:
        """A variable's name without its ? or $."""
        return self.text[1:] if self.kind is Kind.VARIABLE else ""

    @property
    def is_code(self) -> bool:
        return self.kind not in (Kind.SPACE, Kind.COMMENT)


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
             | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '(?:[^'\\\n\r]|\\.)*'
             | "(?:[^"\\\n\r]|\\.)*")
  | (?P<variable>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[\w:%\\-]+(?:\.+[\w:%\\-]+)*)
  | (?P<punctuation>.)
    """,
    re.X | re.S,
)


def tokens(text: str) -> list[Token]:
    """Every token of the query, white space and comments included (joined, they are the text);
    an InputError at a string that is never closed."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = Kind(match.lastgroup)
        if kind is Kind.PUNCTUATION and match.group() in "\"'":
            line = text.count("\n", 0, match.start()) + 1
            raise InputError(f"the query does not parse: line {line}: a string is never closed")
        found.append(Token(kind, match.group(), match.start(), match.end()))
    return found


def code(text: str) -> list[Token]:
    """The query's tokens without white space and comments."""
    return [token for token in tokens(text) if token.is_code]


@dataclass(frozen=True)
class Prologue:
    """A query's BASE and PREFIX declarations, and where the query proper begins."""

    base: str | None
    prefixes: dict[str, str]
    declarations: str  # as written, one a line: to send with a part of the query
    end: int  # the offset of the first token after the prologue


def prologue(text: str) -> Prologue:
    found = tokens(text)
    base: str | None = None
    prefixes: dict[str, str] = {}
    lines: list[str] = []
    index, end = 0, len(text)
    while index < len(found):
        token = found[index]
        if not token.is_code:
            index += 1
            continue
        following = [t for t in found[index + 1 : index + 6] if t.is_code]
        if token.keyword == "BASE" and following and following[0].kind is Kind.IRI:
            base = following[0].text[1:-1]
            lines.append(f"BASE {following[0].text}")
            index = found.index(following[0]) + 1
        elif token.keyword == "PREFIX" and len(following) > 1 and following[1].kind is Kind.IRI:
            prefixes[following[0].text.rstrip(":")] = _resolve(following[1].text[1:-1], base)
            lines.append(f"PREFIX {following[0].text} {following[1].text}")
            index = found.index(following[1]) + 1
        else:
            end = token.start
            break
    return Prologue(base, prefixes, "".join(f"{line}\n" for line in lines), end)


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


# ---------------------------------------------------------------------------------- SERVICE


@dataclass(frozen=True)
class ServiceCall:
    """One `SERVICE [SILENT] target { … }` of a query: its span in the text, the IRI it calls (None
    for a variable), and the span of its pattern inside the braces."""

    start: int
    end: int
    target: str | None
    target_token: Token
    silent: bool
    pattern_start: int
    pattern_end: int


def service_calls(text: str) -> list[ServiceCall]:
    """The outermost SERVICE calls of the query (one nested in another is the remote end's)."""
    if "service" not in text.lower():  # no token can be the keyword: the text need not be read as tokens
        return []
    found = code(text)
    head = prologue(text)
    calls = []
    n = 0
    while n < len(found):
        token = found[n]
        if token.keyword != "SERVICE":
            n += 1
            continue
        m = n + 1
        silent = m < len(found) and found[m].keyword == "SILENT"
        m += silent
        if m + 1 >= len(found) or found[m + 1].text != "{":
            raise InputError("the query does not parse: SERVICE must be followed by an IRI or a variable and { … }")
        target_token = found[m]
        close = _closing_brace(found, m + 1)
        calls.append(
            ServiceCall(
                start=token.start,
                end=found[close].end,
                target=_target(target_token, head),
                target_token=target_token,
                silent=silent,
                pattern_start=found[m + 1].end,
                pattern_end=found[close].start,
            )
        )
        n = close + 1
    return calls


def _target(token: Token, head: Prologue) -> str | None:
    if token.kind is Kind.VARIABLE:
        return None
    if token.kind is Kind.IRI:
        return _resolve(token.text[1:-1], head.base)
    prefix, sep, local = token.text.partition(":")
    if token.kind is Kind.WORD and sep and prefix in head.prefixes:
        return head.prefixes[prefix] + local
    raise InputError(f"the query does not parse: SERVICE {token.text} names no IRI")


def _closing_brace(found: list[Token], opening: int) -> int:
    depth = 0
    for n in range(opening, len(found)):
        if found[n].text == "{":
            depth += 1
        elif found[n].text == "}":
            depth -= 1
            if depth == 0:
                return n
    raise InputError("the query does not parse: a SERVICE pattern's { is never closed")
