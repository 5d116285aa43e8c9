"""`palsov query`: run a saved query on the embedded store or on any SPARQL 1.1 endpoint, and
render its results as a table, CSV, TSV or the standard SPARQL 1.1 results JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import InputError
from .queries import SavedQuery

#: A term as the SPARQL 1.1 results JSON format writes it: {"type": "uri", "value": "…"} …
Term = dict[str, str]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Results:
    variables: list[str]
    rows: list[dict[str, Term]]

    def to_json(self) -> str:
        document = {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

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
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    escaped = term["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    if "xml:lang" in term:
        return f'"{escaped}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{escaped}"^^<{term["datatype"]}>'
    return f'"{escaped}"'


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


def run_embedded(store: ox.Store, text: str) -> Results:
    try:
        solutions = store.query(text)
    except SyntaxError as error:
        raise InputError(f"the query does not parse: {error.msg.splitlines()[0]}") from None
    except OSError as error:  # a SERVICE call the network cannot reach
        raise InputError(f"a SERVICE the query calls cannot be reached ({error})") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError("only SELECT queries can be run as saved queries")
    variables = [v.value for v in solutions.variables]
    rows = [{v: _term(s[v]) for v in variables if s[v] is not None} for s in solutions]
    return Results(variables, rows)


def run_endpoint(url: str, text: str, timeout: float = 60) -> Results:
    from urllib.error import HTTPError, URLError

    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from . import __version__

    client = SPARQLWrapper(url, agent=f"palsov/{__version__} (https://w3id.org/palsov/)")
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    try:
        document = client.queryAndConvert()
    except HTTPError as error:
        raise InputError(f"{url}: the endpoint answered {error.code} {error.reason}") from None
    except URLError as error:
        raise InputError(f"{url}: cannot reach the endpoint ({error.reason})") from None
    except SPARQLWrapperException as error:
        raise InputError(f"{url}: the endpoint refused the query ({str(error).splitlines()[0]})") from None
    except (TimeoutError, OSError) as error:
        raise InputError(f"{url}: no answer ({error})") from None
    if not isinstance(document, dict) or "head" not in document or "results" not in document:
        raise InputError(f"{url}: the answer is not SPARQL 1.1 results JSON")
    rows = []
    for binding in document["results"]["bindings"]:
        row = {}
        for name, term in binding.items():
            term = dict(term)
            if term["type"] == "typed-literal":  # the SPARQL XML-era spelling some stores still use
                term["type"] = "literal"
            if term.get("datatype") == _XSD_STRING:
                del term["datatype"]
            row[name] = term
        rows.append(row)
    return Results(list(document["head"]["vars"]), rows)


def with_services(query: SavedQuery, text: str, services: dict[str, str]) -> str:
    """The text with `SERVICE <from>` calls redirected to another endpoint, e.g. a local mirror."""
    for original, replacement in services.items():
        pattern = re.compile(r"SERVICE(\s+SILENT)?\s*<" + re.escape(original) + ">", re.I)
        if not pattern.search(text):
            raise InputError(f"query {query.name}: it calls no SERVICE <{original}>")
        text = pattern.sub(lambda m, to=replacement: f"SERVICE{m.group(1) or ''} <{to}>", text)
    return text
