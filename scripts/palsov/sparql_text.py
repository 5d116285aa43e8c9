"""SPARQL read as tokens: where a query calls SERVICE, and what it calls, without being fooled by
a "SERVICE" inside a string, an IRI or a comment.

Used to refuse or confine SERVICE on the endpoint we serve, to send a saved query's SERVICE calls
to a mirror, and to answer SERVICE calls of the embedded store through our own HTTP client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urljoin

from .errors import InputError


class Kind(Enum):
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


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
             | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '(?:[^'\\\n\r]|\\.)*'
             | "(?:[^"\\\n\r]|\\.)*")
  | (?P<variable>[?$]\w+)
  | (?P<word>[\w:%\\-]+(?:\.+[\w:%\\-]+)*)
  | (?P<punctuation>.)
    """,
    re.X | re.S,
)


def tokens(text: str) -> list[Token]:
    """The query's tokens, comments and white space left out; an InputError at an unclosed string."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "punctuation" and match.group() in "\"'":
            line = text.count("\n", 0, match.start()) + 1
            raise InputError(f"the query does not parse: line {line}: a string is never closed")
        found.append(Token(Kind(kind), match.group(), match.start(), match.end()))
    return found


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


def prologue(found: list[Token]) -> tuple[str | None, dict[str, str]]:
    """The query's BASE and PREFIX declarations."""
    base, prefixes = None, {}
    for n, token in enumerate(found):
        word = token.text.upper()
        if token.kind is Kind.WORD and word == "BASE" and n + 1 < len(found) and found[n + 1].kind is Kind.IRI:
            base = found[n + 1].text[1:-1]
        elif token.kind is Kind.WORD and word == "PREFIX" and n + 2 < len(found) and found[n + 2].kind is Kind.IRI:
            prefixes[found[n + 1].text.rstrip(":")] = _resolve(found[n + 2].text[1:-1], base)
    return base, prefixes


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def service_calls(text: str) -> list[ServiceCall]:
    """The outermost SERVICE calls of the query (one nested in another is the remote end's)."""
    found = tokens(text)
    base, prefixes = prologue(found)
    calls = []
    n = 0
    while n < len(found):
        token = found[n]
        if token.kind is not Kind.WORD or token.text.upper() != "SERVICE":
            n += 1
            continue
        m = n + 1
        silent = m < len(found) and found[m].kind is Kind.WORD and found[m].text.upper() == "SILENT"
        m += silent
        if m + 1 >= len(found) or found[m + 1].text != "{":
            raise InputError("the query does not parse: SERVICE must be followed by an IRI or a variable and { … }")
        target_token = found[m]
        target = _target(target_token, base, prefixes)
        close = _closing_brace(found, m + 1)
        calls.append(
            ServiceCall(
                start=token.start,
                end=found[close].end,
                target=target,
                target_token=target_token,
                silent=silent,
                pattern_start=found[m + 1].end,
                pattern_end=found[close].start,
            )
        )
        n = close + 1
    return calls


def _target(token: Token, base: str | None, prefixes: dict[str, str]) -> str | None:
    if token.kind is Kind.VARIABLE:
        return None
    if token.kind is Kind.IRI:
        return _resolve(token.text[1:-1], base)
    prefix, sep, local = token.text.partition(":")
    if token.kind is Kind.WORD and sep and prefix in prefixes:
        return prefixes[prefix] + local
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


def prologue_text(text: str) -> str:
    """The BASE and PREFIX declarations as written, to send with a SERVICE pattern."""
    found = tokens(text)
    lines = []
    for n, token in enumerate(found):
        word = token.text.upper()
        if token.kind is Kind.WORD and word == "BASE" and n + 1 < len(found):
            lines.append(f"BASE {found[n + 1].text}")
        elif token.kind is Kind.WORD and word == "PREFIX" and n + 2 < len(found):
            lines.append(f"PREFIX {found[n + 1].text} {found[n + 2].text}")
    return "\n".join(lines) + ("\n" if lines else "")
