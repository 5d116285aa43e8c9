"""Running a query (saved or not) on the embedded store or on any SPARQL 1.1 endpoint, and its answer.

Answers are pyoxigraph's all the way: the store's solutions or boolean, or an endpoint's answer read
strictly by `parse_query_results` (JSON, XML or TSV, by its media type), are kept as SPARQL results
JSON and written again by pyoxigraph's serializers in whatever format is asked for; their rows are
pyoxigraph terms. A CONSTRUCT or DESCRIBE answers triples, from the store or parsed by pyoxigraph
from the endpoint's RDF.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..errors import InputError, ServiceError
from ..rdf.sparql import Kind, code, prologue, service_calls
from ..rdf.terms import Term
from ..rdf.vocab import PREFIXES
from .saved import SavedQuery

if TYPE_CHECKING:
    from ..rdf.http import HttpClient, Response

Row = dict[str, Term]
_JSON = ox.QueryResultsFormat.JSON
#: A server that names no type answers in what we asked for first: JSON.
_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8, text/tab-separated-values;q=0.5"
_ACCEPT_RDF = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
#: The RDF formats palsov reads in an endpoint's answer to a CONSTRUCT or DESCRIBE.
READABLE_RDF = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.N_QUADS)
_SYNTAX_ERROR = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)
#: The results formats palsov reads (pyoxigraph's media-type table names them; CSV loses the terms).
READABLE = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV)


@dataclass(frozen=True)
class Results:
    """A SELECT query's answer (its variables and rows) or an ASK query's (`boolean`), and the
    answer in every results format."""

    json: bytes  # SPARQL 1.1 results JSON, as pyoxigraph writes it

    @classmethod
    def of(cls, solutions: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, where: str) -> Results:
        """The solutions, read to the end here: the store and the results parser both report errors
        lazily, as the rows are read."""
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError(f"{where}: only SELECT queries can be run here")
        data = solutions.serialize(format=_JSON)
        assert data is not None  # no output named: the bytes are returned
        return cls(data)

    @classmethod
    def of_answer(cls, answer: ox.QuerySolutions | ox.QueryBoolean) -> Results:
        """A SELECT's solutions or an ASK's boolean."""
        data = answer.serialize(format=_JSON)
        assert data is not None
        return cls(data)

    @cached_property
    def boolean(self) -> bool | None:
        """An ASK query's answer; None for a SELECT's."""
        parsed = ox.parse_query_results(self.json, format=_JSON)
        return bool(parsed) if isinstance(parsed, ox.QueryBoolean) else None

    @classmethod
    def from_document(cls, document: dict[str, Any], where: str) -> Results:
        """Results from a SPARQL results JSON document (a cache entry), read strictly."""
        return cls.of(ox.parse_query_results(json.dumps(document).encode(), format=_JSON), where)

    def _parsed(self) -> ox.QuerySolutions | ox.QueryBoolean:
        parsed = ox.parse_query_results(self.json, format=_JSON)
        assert not isinstance(parsed, ox.QueryTriples)
        return parsed

    def _solutions(self) -> ox.QuerySolutions | None:
        parsed = self._parsed()
        return parsed if isinstance(parsed, ox.QuerySolutions) else None

    @cached_property
    def variables(self) -> list[str]:
        solutions = self._solutions()
        return [] if solutions is None else [variable.value for variable in solutions.variables]

    @cached_property
    def rows(self) -> list[Row]:
        names = self.variables
        return [
            {name: term for name in names if isinstance(term := solution[name], Term)}
            for solution in self._solutions() or []
        ]

    def serialize(self, format: ox.QueryResultsFormat) -> bytes:
        """The results in a SPARQL 1.1 results format (JSON, XML, CSV or TSV), written by pyoxigraph."""
        data = self._parsed().serialize(format=format)
        assert data is not None
        return data

    def document(self) -> dict[str, Any]:
        """The standard SPARQL 1.1 results JSON document."""
        document: dict[str, Any] = json.loads(self.json)
        return document

    def plain(self) -> list[tuple[str | None, ...]]:
        """The rows as tuples of values, for comparing answers from different engines."""
        return [tuple(row[v].value if v in row else None for v in self.variables) for row in self.rows]


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE query's answer: its triples, sorted (N-Triples order), so that the
    same answer prints the same bytes."""

    triples: tuple[ox.Triple, ...]

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Triples:
        return cls(tuple(sorted(triples, key=str)))


Answer = Results | Triples


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's first keyword after its prologue ("" if none)."""
    start = prologue(text).end
    first = next((t for t in code(text) if t.start >= start and t.kind is Kind.WORD), None)
    return first.keyword if first is not None and first.keyword in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else ""


def answer_embedded(store: ox.Store, text: str, client: HttpClient | None = None, source: str = "the query") -> Answer:
    """The answer of any query on the embedded store, the project's prefixes predeclared. Its
    SERVICE calls are answered through our HTTP client first (the store's own would neither keep a
    deadline nor say plainly what failed). A syntax error names the line and the column."""
    with _store_errors(source):
        found = store.query(answer_services(text, client), prefixes=dict(PREFIXES))
        if isinstance(found, ox.QueryTriples):
            return Triples.of(found)
        return Results.of_answer(found)


def serialize_embedded(
    store: ox.Store,
    text: str,
    format: ox.QueryResultsFormat,
    client: HttpClient | None = None,
    source: str = "the query",
) -> bytes:
    """A SELECT or ASK query's answer on the embedded store, written by pyoxigraph straight from the
    store's solutions in a results format: what `answer_embedded(...).serialize(format)` gives,
    without the rows read into Results and written twice on the way (`palsov query --format csv`)."""
    with _store_errors(source):
        found = store.query(answer_services(text, client), prefixes=dict(PREFIXES))
        if isinstance(found, ox.QueryTriples):
            raise InputError(f"{source}: a CONSTRUCT or DESCRIBE query has no {format.name} results")
        data = found.serialize(format=format)
    assert data is not None  # no output named: the bytes are returned
    return data


@contextmanager
def _store_errors(source: str) -> Iterator[None]:
    """The embedded store's errors as one line each (they come lazily, as the rows are read)."""
    try:
        yield
    except SyntaxError as error:
        raise InputError(f"{source}: {syntax_message(error)}") from None
    except OSError as error:
        raise InputError(f"the embedded store failed to answer ({error})") from None


def syntax_message(error: SyntaxError) -> str:
    """pyoxigraph's "error at 3:9: expected …" as "line 3, column 9: expected …"."""
    text = str(error.msg).strip()
    match = _SYNTAX_ERROR.match(text)
    cause = match.group(3) if match else text
    where = f"line {match.group(1)}, column {match.group(2)}: " if match else ""
    first = cause.splitlines()[0] if cause else "malformed"
    return f"the query does not parse: {where}{first if len(first) <= 160 else first[:159] + '…'}"


def run_embedded(store: ox.Store, text: str, client: HttpClient | None = None) -> Results:
    """A SELECT query's results on the embedded store (see `answer_embedded`)."""
    found = answer_embedded(store, text, client)
    if not isinstance(found, Results) or found.boolean is not None:
        raise InputError("the embedded store: only SELECT queries can be run here")
    return found


def with_prefixes(text: str) -> str:
    """The query with the project's prefixes it does not declare declared before it, on its first
    line, so that an endpoint's message names the line the user wrote."""
    declared = prologue(text).prefixes
    missing = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared)
    return f"{missing} {text}" if missing else text


def _default_client() -> HttpClient:
    """The HTTP client with its defaults, imported only by a query that goes to the network."""
    from ..rdf.http import HttpClient

    return HttpClient()


def _explained_failure(response: Response) -> bool:
    """A 500 whose body is the server's error message (Virtuoso answers a query it cannot run so):
    the query's fault, which asking again cannot change. A bare 500 or an HTML page is retried."""
    return response.status == 500 and response.media_type in ("", "text/plain") and bool(response.first_line())


def answer_endpoint(url: str, text: str, client: HttpClient | None = None) -> Answer:
    """The answer of any query on a SPARQL 1.1 endpoint (the protocol's POST form), read strictly:
    SPARQL results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE."""
    graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
    response = (client or _default_client()).request(
        "POST",
        url,
        content=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT_RDF if graph else _ACCEPT},
        final=_explained_failure,
    )
    if not graph:
        return _parsed_results(response)
    _refuse_failure(response)
    found = ox.RdfFormat.from_media_type(response.media_type) if response.media_type else None
    if found not in READABLE_RDF:
        raise ServiceError(
            f"{url}: the answer is {response.media_type or 'untyped'}, not RDF "
            f"(it begins {response.first_line()[:60]!r})"
        )
    try:
        return Triples.of(quad.triple for quad in ox.parse(response.body, format=found))
    except SyntaxError as error:
        cause = str(error).splitlines()[0] if str(error) else "malformed"
        raise ServiceError(f"{url}: the answer is not valid {found.name} ({cause})") from None


def run_endpoint(url: str, text: str, client: HttpClient | None = None) -> Results:
    """A SELECT query's results on any SPARQL 1.1 endpoint (see `answer_endpoint`)."""
    found = answer_endpoint(url, text, client)
    if not isinstance(found, Results):
        raise InputError(f"{url}: only SELECT queries can be run here")
    return found


def results_format(media_type: str) -> ox.QueryResultsFormat | None:
    """The results format of an answer's media type that palsov reads, JSON where none is named."""
    if not media_type:
        return _JSON
    found = ox.QueryResultsFormat.from_media_type(media_type)
    return found if found in READABLE else None


def _refuse_failure(response: Response) -> None:
    if response.status >= 400:
        detail = f": {response.first_line()}" if response.first_line() else ""
        raise ServiceError(f"{response.url}: the endpoint answered {response.status} {response.reason}{detail}")


def _parsed_results(response: Response) -> Results:
    """SELECT results or an ASK's boolean (JSON, XML or TSV) from an answer."""
    url = response.url
    _refuse_failure(response)
    found = results_format(response.media_type)
    if found is None:
        raise ServiceError(
            f"{url}: the answer is {response.media_type}, not SPARQL results (it begins {response.first_line()[:60]!r})"
        )
    try:
        parsed = ox.parse_query_results(response.body, format=found)
        if isinstance(parsed, ox.QueryTriples):
            raise ServiceError(f"{url}: the answer is triples, not SPARQL results")
        return Results.of_answer(parsed)
    except SyntaxError as error:
        cause = str(error).splitlines()[0] if str(error) else "malformed"
        raise ServiceError(f"{url}: the answer is not valid SPARQL results ({cause})") from None


def answer_services(text: str, client: HttpClient | None) -> str:
    """The query with each SERVICE call replaced by its answer, as inline data (VALUES).

    This is how Oxigraph evaluates SERVICE too: the pattern alone is sent, with the query's
    prefixes, and its solutions joined with the rest; SILENT turns a failure into one empty
    solution. Only the transport is ours.
    """
    calls = service_calls(text)
    if not calls:
        return text
    client = client or _default_client()
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
            raise InputError(f"{query.label}: it calls no SERVICE <{original}>")
        for call in matching:
            replacements[call.target_token.start] = (call.target_token.end, f"<{replacement}>")
    pieces, position = [], 0
    for start in sorted(replacements):
        end, iri = replacements[start]
        pieces += [text[position:start], iri]
        position = end
    return "".join([*pieces, text[position:]])
