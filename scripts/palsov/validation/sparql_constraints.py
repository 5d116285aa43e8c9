"""The text of SHACL-SPARQL queries: the restrictions SHACL puts on them (§5.3.1), and pre-binding.

A query is read token by token (`rdf.sparql`'s tokenizer: strings, IRIs and comments kept whole), so that
a keyword or a variable inside a string literal is never taken for one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError, ShapesError
from ..rdf.sparql import Kind, Token, code, tokens
from ..rdf.sparql import prologue as read_prologue


def _code(query: str, where: str) -> list[Token]:
    try:
        return code(query)
    except InputError as error:
        raise ShapesError(f"{where}: {error}") from None


def check_restrictions(query: str, prebound: set[str], where: str) -> None:
    """Refuse a query SHACL forbids (§5.3.1): MINUS, SERVICE, VALUES, a pre-bound variable bound
    again with AS, or a subquery that does not return every pre-bound variable it could see."""
    code = _code(query, where)
    for index, token in enumerate(code):
        if token.keyword in ("MINUS", "SERVICE", "VALUES"):
            raise ShapesError(f"{where}: its SPARQL query uses {token.keyword}, which SHACL forbids (SHACL §5.3.1)")
        if token.keyword == "AS" and index + 1 < len(code) and code[index + 1].name in prebound:
            raise ShapesError(
                f"{where}: its SPARQL query binds the pre-bound variable {code[index + 1].text} again "
                "(AS), which SHACL forbids (SHACL §5.3.1)"
            )
    selects = [i for i, t in enumerate(code) if t.keyword == "SELECT"]
    used = {t.name for t in code if t.kind is Kind.VARIABLE} & prebound - {"shapesGraph", "currentShape"}
    for start in selects[1:]:
        missing = used - _returned(code, start)
        if missing:
            names = ", ".join(sorted("$" + name for name in missing))
            raise ShapesError(f"{where}: a subquery does not return {names}, which SHACL requires (SHACL §5.3.1)")


def _returned(code: list[Token], start: int) -> set[str]:
    """The variables the subquery starting at code[start] returns: those it names, or for SELECT *
    those its body binds (a variable only in a FILTER is not in scope)."""
    projected: set[str] = set()
    index = start + 1
    while index < len(code) and code[index].keyword != "WHERE" and code[index].text != "{":
        if code[index].text == "*":
            return _bound_in_body(code, index + 1)
        projected.add(code[index].name)
        index += 1
    return projected


def _bound_in_body(code: list[Token], index: int) -> set[str]:
    while index < len(code) and code[index].text != "{":
        index += 1
    depth, bound, in_filter, parens = 0, set(), False, 0
    for token in code[index:]:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                break
        elif token.keyword == "FILTER":
            in_filter, parens = True, 0
        elif in_filter and token.text == "(":
            parens += 1
        elif in_filter and token.text == ")":
            parens -= 1
            in_filter = parens > 0
        elif token.kind is Kind.VARIABLE and not in_filter:
            bound.add(token.name)
    return bound


@dataclass
class _Group:
    optional: bool
    parent: _Group | None
    binds: bool = False  # a triple pattern of this group itself names $this
    uses: bool = False  # an expression (FILTER, BIND) of this group itself names $this
    mentions: bool = False  # $this anywhere inside, EXISTS groups aside
    parens: int = 0
    in_bind: bool = False


def joins_like_prebinding(query: str) -> bool:
    """Whether joining the query's solutions with the focus nodes on $this gives what pre-binding
    $this gives (SHACL §5.3.1): no subquery, no expression naming $this in a group whose own triple
    patterns do not bind it, no OPTIONAL naming $this under a group that does not bind it. Only
    then may it run as one join over all focus nodes; otherwise once per focus node (LATERAL)."""
    code = [t for t in tokens(query) if t.is_code]
    if sum(1 for t in code if t.keyword == "SELECT") > 1:
        return False
    frames: list[_Group] = []
    in_exists = 0  # depth inside EXISTS groups, whose $this the engine substitutes itself
    previous = ""
    for token in code:
        frame = frames[-1] if frames else None
        if token.text == "{":
            if in_exists or previous == "EXISTS":
                in_exists += 1
            else:
                frames.append(_Group(optional=previous == "OPTIONAL", parent=frame))
        elif token.text == "}":
            if in_exists:
                in_exists -= 1
            elif frames:
                done = frames.pop()
                if done.uses and not done.binds:
                    return False
                if done.optional and done.mentions and not (done.parent and done.parent.binds):
                    return False
                if done.parent and done.mentions:
                    done.parent.mentions = True
        elif frame is not None and not in_exists:
            if token.text == "(":
                frame.parens += 1
            elif token.text == ")":
                frame.parens -= 1
                frame.in_bind = frame.in_bind and frame.parens > 0
            elif token.keyword == "BIND" and frame.parens == 0:
                frame.in_bind = True
            elif token.name == "this":
                frame.mentions = True
                if frame.parens > 0:
                    frame.uses = True
                    if frame.in_bind and not frame.binds:
                        return False
                else:
                    frame.binds = True
        previous = token.keyword or token.text
    return True


def substitute(query: str, replace: Callable[[str], str | None]) -> str:
    """The query with each variable `replace` answers for replaced by what it answers."""
    out = []
    for token in tokens(query):
        replacement = replace(token.name) if token.kind is Kind.VARIABLE else None
        out.append(token.text if replacement is None else replacement)
    return "".join(out)


def uses_variable(query: str, name: str) -> bool:
    return any(t.kind is Kind.VARIABLE and t.name == name for t in tokens(query))


def projects(query: str, name: str) -> bool:
    """Whether the query's outer SELECT returns the variable (or is SELECT *)."""
    code = [t for t in tokens(query) if t.is_code]
    seen_select = False
    for token in code:
        if token.keyword == "SELECT":
            seen_select = True
            continue
        if not seen_select:
            continue
        if token.keyword == "WHERE" or token.text == "{":
            return False
        if token.text == "*" or token.name == name:
            return True
    return False


def with_projection(query: str, name: str) -> str:
    """The query with ?name added to its outer SELECT's projection, unless it is there already."""
    if projects(query, name):
        return query
    match = re.search(r"\bSELECT(\s+(DISTINCT|REDUCED))?", query, re.IGNORECASE)
    if match is None:
        return query
    return f"{query[: match.end()]} ?{name}{query[match.end() :]}"


def group_of(ask: str) -> str:
    """The graph pattern of an ASK query, braces included."""
    code = tokens(ask)
    for index, token in enumerate(code):
        if token.keyword == "ASK":
            rest = "".join(t.text for t in code[index + 1 :]).strip()
            return rest[len("WHERE") :].strip() if rest.upper().startswith("WHERE") else rest
    raise ShapesError(f"not an ASK query: {ask.strip()[:60]}")


def prologue(query: str) -> tuple[str, str]:
    """(the PREFIX and BASE declarations at the head of a query, the rest)."""
    end = read_prologue(query).end
    return query[:end], query[end:]
