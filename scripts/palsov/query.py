"""`palsov query`: run a saved query on the embedded store or on any SPARQL 1.1 endpoint, and
render its results as a table, CSV, TSV or the standard SPARQL 1.1 results JSON."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import InputError
from .http_client import HttpClient, Response, ServiceError
from .queries import SavedQuery
from .sparql_text import prologue_text, service_calls

#: A term as the SPARQL 1.1 results JSON format writes it: {"type": "uri", "value": "…"} …
Term = dict[str, str]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Results:
    variables: list[str]
    rows: list[dict[str, Term]]

    def document(self) -> dict:
        """The standard SPARQL 1.1 results JSON document."""
        return {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}

    def to_json(self) -> str:
        return json.dumps(self.document(), ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV: plain values, an empty field for an unbound variable."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow([row[v]["value"] if v in row else "" for v in self.variables])
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV: terms in their Turtle / N-Triples form."""
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        for row in self.rows:
            lines.append("\t".join(_ntriples(row[v]) if v in row else "" for v in self.variables))
        return "\n".join(lines) + "\n"

    def plain(self) -> list[tuple[str | None, ...]]:
        """The rows as tuples of values, for comparing answers from different engines."""
        return [tuple(row[v]["value"] if v in row else None for v in self.variables) for row in self.rows]


def _ntriples(term: Term) -> str:
    """The term in its N-Triples form (which SPARQL and TSV read), escaped by pyoxigraph."""
    if term["type"] == "uri":
        return str(ox.NamedNode(term["value"]))
    if term["type"] == "bnode":
        return str(ox.BlankNode(term["value"]))
    if "xml:lang" in term:
        return str(ox.Literal(term["value"], language=term["xml:lang"]))
    return str(ox.Literal(term["value"], datatype=ox.NamedNode(term.get("datatype", _XSD_STRING))))


def _term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    if isinstance(node, ox.NamedNode):
        return {"type": "uri", "value": node.value}
    if isinstance(node, ox.BlankNode):
        return {"type": "bnode", "value": node.value}
    term = {"type": "literal", "value": node.value}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype.value != _XSD_STRING:
        term["datatype"] = node.datatype.value
    return term


_RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "": ox.QueryResultsFormat.JSON,  # a server that names no type: JSON is what we asked for
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8, text/tab-separated-values;q=0.5"


def results_of(solutions: ox.QuerySolutions | ox.QueryBoolean, where: str) -> Results:
    """The rows, read to the end here: the store and the results parser both report errors lazily,
    as the rows are read."""
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError(f"{where}: only SELECT queries can be run as saved queries")
    variables = [v.value for v in solutions.variables]
    rows = [{v: _term(s[v]) for v in variables if s[v] is not None} for s in solutions]
    return Results(variables, rows)


def run_embedded(store: ox.Store, text: str, client: HttpClient | None = None) -> Results:
    """The query on the embedded store. Its SERVICE calls are answered through our HTTP client
    first (the store's own would neither keep a deadline nor say plainly what failed)."""
    text = answer_services(text, client or HttpClient())
    try:
        return results_of(store.query(text), "the embedded store")
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


def parse_results(response: Response) -> Results:
    """SPARQL results (JSON, XML or TSV) from an answer, or one line saying what is wrong with it."""
    url = response.url
    if response.status >= 400:
        detail = f": {response.first_line()}" if response.first_line() else ""
        raise ServiceError(f"{url}: the endpoint answered {response.status} {response.reason}{detail}")
    results_format = _RESULTS_FORMATS.get(response.media_type)
    if results_format is None:
        raise ServiceError(
            f"{url}: the answer is {response.media_type}, not SPARQL results (it begins {response.first_line()[:60]!r})"
        )
    try:
        return results_of(ox.parse_query_results(response.body, format=results_format), url)
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
    declarations = prologue_text(text)
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
            if v not in row:
                values.append("UNDEF")
            elif row[v]["type"] == "bnode":
                raise ServiceError(f"{target}: answered a blank node, which cannot be joined with the local graph")
            else:
                values.append(_ntriples(row[v]))
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
