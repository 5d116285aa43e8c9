"""Running a saved query on the embedded store or on any SPARQL 1.1 endpoint, and its results.

Results are pyoxigraph's all the way: the store's solutions, or an endpoint's answer read strictly
by `parse_query_results` (JSON, XML or TSV, by its media type), are kept as SPARQL results JSON and
written again by `QuerySolutions.serialize` in whatever format is asked for; their rows are
pyoxigraph terms.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.http import HttpClient, Response, ServiceError
from ..rdf.sparql import prologue, service_calls
from ..rdf.terms import Term
from .saved import SavedQuery

Row = dict[str, Term]
_JSON = ox.QueryResultsFormat.JSON
#: A server that names no type answers in what we asked for first: JSON.
_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8, text/tab-separated-values;q=0.5"
#: The results formats palsov reads (pyoxigraph's media-type table names them; CSV loses the terms).
READABLE = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV)


@dataclass(frozen=True)
class Results:
    """A SELECT query's answer: its variables and rows, and the answer in every results format."""

    json: bytes  # SPARQL 1.1 results JSON, as pyoxigraph writes it

    @classmethod
    def of(cls, solutions: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, where: str) -> Results:
        """The solutions, read to the end here: the store and the results parser both report errors
        lazily, as the rows are read."""
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError(f"{where}: only SELECT queries can be run as saved queries")
        data = solutions.serialize(format=_JSON)
        assert data is not None  # no output named: the bytes are returned
        return cls(data)

    @classmethod
    def from_document(cls, document: dict[str, Any], where: str) -> Results:
        """Results from a SPARQL results JSON document (a cache entry), read strictly."""
        return cls.of(ox.parse_query_results(json.dumps(document).encode(), format=_JSON), where)

    def _solutions(self) -> ox.QuerySolutions:
        solutions = ox.parse_query_results(self.json, format=_JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    @cached_property
    def variables(self) -> list[str]:
        return [variable.value for variable in self._solutions().variables]

    @cached_property
    def rows(self) -> list[Row]:
        names = self.variables
        return [
            {name: term for name in names if isinstance(term := solution[name], Term)} for solution in self._solutions()
        ]

    def serialize(self, format: ox.QueryResultsFormat) -> bytes:
        """The results in a SPARQL 1.1 results format (JSON, XML, CSV or TSV), written by pyoxigraph."""
        data = self._solutions().serialize(format=format)
        assert data is not None
        return data

    def document(self) -> dict[str, Any]:
        """The standard SPARQL 1.1 results JSON document."""
        document: dict[str, Any] = json.loads(self.json)
        return document

    def plain(self) -> list[tuple[str | None, ...]]:
        """The rows as tuples of values, for comparing answers from different engines."""
        return [tuple(row[v].value if v in row else None for v in self.variables) for row in self.rows]


def run_embedded(store: ox.Store, text: str, client: HttpClient | None = None) -> Results:
    """The query on the embedded store. Its SERVICE calls are answered through our HTTP client
    first (the store's own would neither keep a deadline nor say plainly what failed)."""
    with _store_errors():
        return Results.of(store.query(answer_services(text, client or HttpClient())), "the embedded store")


def serialize_embedded(
    store: ox.Store, text: str, format: ox.QueryResultsFormat, client: HttpClient | None = None
) -> bytes:
    """The query's answer on the embedded store, written by pyoxigraph straight from the store's
    solutions in a results format: what `run_embedded(...).serialize(format)` gives, without the
    rows read into Results and written twice on the way (`palsov query --format csv`)."""
    with _store_errors():
        solutions = store.query(answer_services(text, client or HttpClient()))
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError("the embedded store: only SELECT queries can be run as saved queries")
        data = solutions.serialize(format=format)
    assert data is not None  # no output named: the bytes are returned
    return data


@contextmanager
def _store_errors() -> Iterator[None]:
    """The embedded store's errors as one line each (they come lazily, as the rows are read)."""
    try:
        yield
    except SyntaxError as error:
        raise InputError(f"the query does not parse: {error.msg.splitlines()[0]}") from None
    except OSError as error:
        raise InputError(f"the embedded store failed to answer ({error})") from None


def run_endpoint(url: str, text: str, client: HttpClient | None = None) -> Results:
    """The query on any SPARQL 1.1 endpoint (the protocol's POST form), its answer read strictly."""
    response = (client or HttpClient()).request(
        "POST",
        url,
        content=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT},
    )
    return parse_results(response)


def results_format(media_type: str) -> ox.QueryResultsFormat | None:
    """The results format of an answer's media type that palsov reads, JSON where none is named."""
    if not media_type:
        return _JSON
    found = ox.QueryResultsFormat.from_media_type(media_type)
    return found if found in READABLE else None


def parse_results(response: Response) -> Results:
    """SPARQL results (JSON, XML or TSV) from an answer, or one line saying what is wrong with it."""
    url = response.url
    if response.status >= 400:
        detail = f": {response.first_line()}" if response.first_line() else ""
        raise ServiceError(f"{url}: the endpoint answered {response.status} {response.reason}{detail}")
    found = results_format(response.media_type)
    if found is None:
        raise ServiceError(
            f"{url}: the answer is {response.media_type}, not SPARQL results (it begins {response.first_line()[:60]!r})"
        )
    try:
        return Results.of(ox.parse_query_results(response.body, format=found), url)
    except SyntaxError as error:
        cause = str(error).splitlines()[0] if str(error) else "malformed"
        raise ServiceError(f"{url}: the answer is not valid SPARQL results ({cause})") from None


def answer_services(text: str, client: HttpClient) -> str:
    """The query with each SERVICE call replaced by its answer, as inline data (VALUES).

    This is how Oxigraph evaluates SERVICE too: the pattern alone is sent, with the query's
    prefixes, and its solutions joined with the rest; SILENT turns a failure into one empty
    solution. Only the transport is ours.
    """
    calls = service_calls(text)
    if not calls:
        return text
    declarations = prologue(text).declarations
    pieces, position = [], 0
    for call in calls:
        if call.target is None:
            raise InputError(f"SERVICE {call.target_token.text}: a variable endpoint cannot be answered here")
        pattern = text[call.pattern_start : call.pattern_end]
        try:
            results = run_endpoint(call.target, f"{declarations}SELECT * WHERE {{{pattern}}}", client)
            inline = _inline(results, call.target)
        except InputError:
            if not call.silent:
                raise
            inline = "{}"
        pieces += [text[position : call.start], inline]
        position = call.end
    return "".join([*pieces, text[position:]])


def _inline(results: Results, target: str) -> str:
    variables = " ".join(f"?{v}" for v in results.variables)
    rows = []
    for row in results.rows:
        values = []
        for v in results.variables:
            term = row.get(v)
            if term is None:
                values.append("UNDEF")
            elif isinstance(term, ox.BlankNode):
                raise ServiceError(f"{target}: answered a blank node, which cannot be joined with the local graph")
            else:
                values.append(str(term))
        rows.append(f"({' '.join(values)})")
    return f"VALUES ({variables}) {{ {' '.join(rows)} }}"


def with_services(query: SavedQuery, text: str, services: dict[str, str]) -> str:
    """The text with `SERVICE <from>` calls redirected to another endpoint, e.g. a local mirror."""
    calls = service_calls(text)
    replacements = {}
    for original, replacement in services.items():
        matching = [c for c in calls if c.target == original]
        if not matching:
            raise InputError(f"query {query.name}: it calls no SERVICE <{original}>")
        for call in matching:
            replacements[call.target_token.start] = (call.target_token.end, f"<{replacement}>")
    pieces, position = [], 0
    for start in sorted(replacements):
        end, iri = replacements[start]
        pieces += [text[position:start], iri]
        position = end
    return "".join([*pieces, text[position:]])
