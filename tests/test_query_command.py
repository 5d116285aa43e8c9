"""`palsov query` for any query: a saved name, a file, standard input or --sparql, on the embedded
store and on a real endpoint, in every output format; answers a person can read on an 80-column
terminal, and lossless ones in a pipe; an endpoint's error in one line."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rich.cells import cell_len
from rich.text import Text

from palsov.project import Project
from palsov.queries.run import Results, run_embedded
from palsov.queries.saved import find_query, saved_queries
from palsov.queries.show import ELLIPSIS, GAP, layout, render, results_rows
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import ID, PREFIXES

from .conftest import ROOT, run_palsov
from .servers import Reply, fault_server, oxigraph_server

WIKIDATA = "https://query.wikidata.org/sparql"
WD_FIXTURE = ROOT / "tests" / "fixtures" / "wikidata-stand-in.nt"
QUERIES = saved_queries(ROOT / "queries")
LABEL_QUERY = "SELECT ?label WHERE { actor:soviet-union rdfs:label ?label }"
CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s sem:hasActor ?a ; rdfs:label ?label } "


@pytest.fixture(scope="module")
def server(kg: KnowledgeGraph) -> Iterator[str]:
    with oxigraph_server(data=ox.serialize(kg.all_triples(), format=ox.RdfFormat.N_TRIPLES)) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with oxigraph_server(data=WD_FIXTURE.read_bytes()) as base:
        yield f"{base}/query"


def palsov(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_palsov(*args, cwd=cwd, stdin=stdin)


def rows_of(data: str | bytes, format: ox.QueryResultsFormat) -> list[dict[str, str]]:
    """The rows of a results document as N-Triples terms, read back by pyoxigraph's parser."""
    parsed = ox.parse_query_results(data.encode() if isinstance(data, str) else data, format=format)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [{n: str(s[n]) for n in names if s[n] is not None} for s in parsed]


def expected_rows(results: Results) -> list[dict[str, str]]:
    return [{name: str(term) for name, term in row.items()} for row in results.rows]


# ------------------------------------------------------------------------------- any query


def test_a_file_standard_input_and_sparql_give_the_saved_query_s_answer(tmp_path: Path, kg: KnowledgeGraph) -> None:
    saved = find_query(ROOT / "queries", "cq-stance-history")
    copy = tmp_path / "mine.rq"
    copy.write_text(saved.text, encoding="utf-8")
    expected = expected_rows(run_embedded(kg.store, saved.bind({})))
    assert expected
    answers = {
        "name": palsov("query", "cq-stance-history", "--format", "json"),
        "file": palsov("query", str(copy), "--format", "json"),
        "stdin": palsov("query", "-", "--format", "json", stdin=saved.text),
        "sparql": palsov("query", "--sparql", saved.bind({}), "--format", "json"),
    }
    for how, result in answers.items():
        assert result.returncode == 0, f"{how}: {result.stderr}"
        assert rows_of(result.stdout, ox.QueryResultsFormat.JSON) == expected, how
    # The file's header works as a saved query's: its parameters take --param.
    other = palsov(
        "query",
        str(copy),
        "--param",
        f"holder={ID}actor/plo",
        "--param",
        "issue=https://w3id.org/palsov/vocab/issue/democratic-state",
        "--format",
        "json",
    )
    assert other.returncode == 0, other.stderr
    assert rows_of(other.stdout, ox.QueryResultsFormat.JSON)[0]["stance"] == f"<{ID}stance/plo-on-a-democratic-state>"


@pytest.mark.parametrize("engine", ["embedded", "endpoint"])
def test_the_project_s_prefixes_are_predeclared(engine: str, request: pytest.FixtureRequest) -> None:
    where = ["--endpoint", request.getfixturevalue("server")] if engine == "endpoint" else []
    result = palsov("query", "--sparql", LABEL_QUERY, "--format", "tsv", *where)
    assert result.returncode == 0, result.stderr
    assert rows_of(result.stdout, ox.QueryResultsFormat.TSV) == [{"label": '"Soviet Union"@en'}]
    # A prefix the query declares itself wins over the project's.
    own = palsov(
        "query", "--sparql", "PREFIX actor: <urn:x:> ASK { actor:soviet-union ?p ?o }", "--format", "json", *where
    )
    assert json.loads(own.stdout) == {"head": {}, "boolean": False}


def test_palsov_prefixes_is_the_one_table_of_prefixes() -> None:
    sparql = palsov("prefixes")
    assert sparql.returncode == 0
    assert sparql.stdout.splitlines() == [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    turtle = palsov("prefixes", "--format", "turtle").stdout
    graph = ox.parse(f"{turtle}actor:x rdfs:label 'x' .".encode(), format=ox.RdfFormat.TURTLE)
    assert [q.subject.value for q in graph] == [f"{ID}actor/x"]


@pytest.mark.parametrize("engine", ["embedded", "endpoint"])
def test_select_and_ask_in_every_results_format(engine: str, request: pytest.FixtureRequest) -> None:
    where = ["--endpoint", request.getfixturevalue("server")] if engine == "endpoint" else []
    query = "SELECT ?actor ?label WHERE { ?actor a sem:Actor ; rdfs:label ?label } ORDER BY ?actor"
    answers = {
        name: palsov("query", "--sparql", query, "--format", name, *where) for name in ("json", "xml", "tsv", "csv")
    }
    assert all(a.returncode == 0 for a in answers.values()), [a.stderr for a in answers.values()]
    json_rows = rows_of(answers["json"].stdout, ox.QueryResultsFormat.JSON)
    assert len(json_rows) > 10
    assert rows_of(answers["xml"].stdout, ox.QueryResultsFormat.XML) == json_rows
    assert rows_of(answers["tsv"].stdout, ox.QueryResultsFormat.TSV) == json_rows
    csv_lines = answers["csv"].stdout.splitlines()
    assert csv_lines[0] == "actor,label" and len(csv_lines) == len(json_rows) + 1
    for name, media in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)):
        asked = palsov("query", "--sparql", "ASK { actor:soviet-union a sem:Actor }", "--format", name, *where)
        assert bool(ox.parse_query_results(asked.stdout.encode(), format=media)) is True
    table = palsov("query", "--sparql", "ASK { actor:no-one ?p ?o }", "--format", "table", *where)
    assert table.returncode == 0 and table.stdout.strip() == "false"


@pytest.mark.parametrize("engine", ["embedded", "endpoint"])
def test_construct_and_describe_in_every_rdf_format(
    engine: str, request: pytest.FixtureRequest, kg: KnowledgeGraph, project: Project
) -> None:
    where = ["--endpoint", request.getfixturevalue("server")] if engine == "endpoint" else []
    expected = set(kg.store.query(CONSTRUCT, prefixes=PREFIXES))
    assert len(expected) > 10
    for name, rdf_format in (
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        result = palsov("query", "--sparql", CONSTRUCT, "--format", name, *where)
        assert result.returncode == 0, result.stderr
        found = {quad.triple for quad in ox.parse(result.stdout.encode(), format=rdf_format)}
        assert found == expected, name
    default = palsov("query", "--sparql", CONSTRUCT, *where).stdout
    assert (
        default.startswith("@prefix") and 'event:yasser-arafat-visit-to-moscow rdfs:label "' in default
    )  # Turtle, our prefixes
    jsonld = json.loads(palsov("query", "--sparql", CONSTRUCT, "--format", "jsonld", *where).stdout)
    context = json.loads((project.ontology_dir / "context" / "palsov-0.1.0.jsonld").read_text(encoding="utf-8"))
    assert jsonld["@context"] == context["@context"]  # the exports' context, not a new one
    assert {"id": "event:yasser-arafat-visit-to-moscow", "label": "Yasser Arafat visits Moscow"} in jsonld["@graph"]
    described = palsov("query", "--sparql", "DESCRIBE actor:soviet-union", "--format", "ntriples", *where)
    triples = list(ox.parse(described.stdout.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert triples and all(q.subject.value == f"{ID}actor/soviet-union" for q in triples)


def test_a_syntax_error_names_the_line_and_the_column(tmp_path: Path) -> None:
    broken = "SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x\n"
    (tmp_path / "broken.rq").write_text(broken, encoding="utf-8")
    for args, source in (
        (["--sparql", broken], "--sparql"),
        (["-"], "<stdin>"),
        ([str(tmp_path / "broken.rq")], str(tmp_path / "broken.rq")),
    ):
        result = palsov("query", *args, stdin=broken)
        assert result.returncode == 2
        assert result.stderr.startswith(
            f"palsov: error: {source}: the query does not parse: line 3, column 7: expected "
        )
        assert len(result.stderr.splitlines()) == 1


def test_a_format_that_does_not_fit_the_query_form_is_a_usage_error() -> None:
    for query, format_name in ((LABEL_QUERY, "turtle"), (CONSTRUCT, "csv")):
        result = palsov("query", "--sparql", query, "--format", format_name)
        assert result.returncode == 2 and format_name in result.stderr and "Traceback" not in result.stderr
    both = palsov("query", "cq-timeline", "--sparql", LABEL_QUERY)
    assert both.returncode == 2 and "give one query" in both.stderr
    missing = palsov("query", "no-such.rq")
    assert missing.returncode == 2 and "no-such.rq" in missing.stderr


# ------------------------------------------------------------------------------- endpoint errors


VIRTUOSO_500 = (
    b"Virtuoso 22023 Error SR008: Function sprintf needs an integer as argument 2, not an arg of type VARCHAR (182)\n"
    b'\nSPARQL query:\ndefine sql:big-data-const 0 SELECT (bif:sprintf("%d", "x") AS ?x) {}'
)


def test_a_500_that_says_why_is_one_line_exit_2_and_not_retried() -> None:
    reply = Reply(status=500, body=VIRTUOSO_500, headers={"Content-Type": "text/plain"})
    with fault_server([reply]) as (url, received):
        result = palsov("query", "--sparql", LABEL_QUERY, "--endpoint", url, "--retries", "3")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"palsov: error: {url}: the endpoint answered 500 Internal Server Error: Virtuoso 22023 Error SR008: "
        "Function sprintf needs an integer as argument 2, not an arg of type VARCHAR (182)"
    ]
    assert len(received) == 1


def test_a_busy_endpoint_is_asked_again() -> None:
    answer = b'{"head": {"vars": ["label"]}, "results": {"bindings": [{"label": {"type": "literal", "value": "x"}}]}}'
    for status in (503, 429, 500):  # a bare 500 (no message) may be passing too
        busy = Reply(status=status, body=b"", headers={"Retry-After": "0"})
        with fault_server([busy, Reply(body=answer)]) as (url, received):
            result = palsov("query", "--sparql", LABEL_QUERY, "--endpoint", url, "--format", "tsv")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["?label", '"x"']
        assert len(received) == 2, status


# ------------------------------------------------------------------------------- for people, for pipes


def _cells(line: str, widths: list[int]) -> list[str]:
    """The cells of a rendered table line, cut at the columns' offsets (counted in terminal cells)."""
    cells, current, used, column = [], "", 0, 0
    limits = []
    edge = 0
    for width in widths:
        limits.append(edge + width)
        edge += width + GAP
    for character in line:
        if column < len(widths) - 1 and used >= limits[column] + GAP:
            cells.append(current)
            current, column = "", column + 1
        current += character
        used += cell_len(character)
    cells.append(current)
    cells += [""] * (len(widths) - len(cells))
    return [cell.rstrip() for cell in cells]


def _fits(cell: str, whole: str, budget: int) -> bool:
    """A cell is its value whole, or the value's beginning cut with "…", within its budget."""
    if cell_len(cell) > budget:
        return False
    return cell == whole or (cell.endswith(ELLIPSIS) and whole.startswith(cell[:-1].rstrip()))


@pytest.fixture(scope="module")
def saved_answers(kg: KnowledgeGraph, wikidata: str) -> dict[str, Results]:
    from palsov.queries.run import with_services

    return {
        q.name: run_embedded(
            kg.store,
            with_services(q, q.bind({}), {WIKIDATA: wikidata}) if q.name == "cq-wikidata-enrichment" else q.bind({}),
        )
        for q in QUERIES
    }


@pytest.mark.parametrize("name", [q.name for q in QUERIES])
def test_every_saved_query_s_table_fits_80_columns(name: str, saved_answers: dict[str, Results]) -> None:
    results = saved_answers[name]
    headers, rows = results.variables, results_rows(results)
    lines = [line.plain for line in render(headers, rows, 80)]
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    fitted = layout(headers, rows, 80)
    if fitted.widths is not None:  # columns: one line a row, nothing wrapped
        assert len(lines) == len(rows) + 2
        for line, row in zip(lines[2:], rows, strict=True):
            for cell, whole, budget in zip(_cells(line, fitted.widths), row, fitted.widths, strict=True):
                assert _fits(cell, whole, budget), (cell, whole, budget)
        return
    # records: a rule, then one line for each value the row has
    key = max(cell_len(h) for h in headers)
    values = [[(h, c) for h, c in zip(headers, row, strict=True) if c] for row in rows]
    assert len(lines) == sum(len(v) + 1 for v in values)
    at = 0
    for number, row_values in enumerate(values, 1):
        assert lines[at].startswith(f"── {number} of {len(rows)} ")
        for n, (header, whole) in enumerate(row_values, at + 1):
            assert lines[n].startswith(header + " ")
            assert _fits(lines[n][key + GAP :], whole, 80 - key - GAP), (lines[n], whole)
        at += len(row_values) + 1


def test_the_table_cuts_long_values_and_wide_keeps_them_whole() -> None:
    headers = ["event", "quote"]
    rows = [["event:x", "a " * 99 + "a"], ["event:a-longer-one", "short"]]
    narrow = [line.plain for line in render(headers, rows, 40)]
    assert narrow[2].endswith(ELLIPSIS) and cell_len(narrow[2]) <= 40
    assert narrow[3].split() == ["event:a-longer-one", "short"]
    wide = [line.plain for line in render(headers, rows, 40, wide=True)]
    assert wide[2].endswith("a " * 99 + "a")
    # Too many columns for the width: records, each value as long as the width allows.
    many = [f"column{n}" for n in range(8)]
    records = [line.plain for line in render(many, [[f"value {n} " * 6 for n in range(8)]], 80)]
    assert records[0].startswith("── 1 of 1 ") and len(records) == 9


def _on_a_terminal(*args: str, width: int = 80) -> str:
    """What palsov prints on a pseudo-terminal `width` columns wide."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("PALSOV_ROOT", "COLUMNS", "LINES")}
    process = subprocess.Popen(
        [sys.executable, "-m", "palsov", *args], cwd=ROOT, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=env
    )
    os.close(slave)
    output = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert process.wait(timeout=120) == 0, output.decode(errors="replace")
    return Text.from_ansi(output.decode().replace("\r\n", "\n")).plain


def test_on_a_terminal_iris_are_shortened_and_rows_counted(saved_answers: dict[str, Results]) -> None:
    shown = _on_a_terminal("query", "cq-event-participants")
    lines = shown.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert any(line.startswith("actor:soviet-union ") for line in lines)
    assert "https://" not in shown
    assert lines[-1] == f"{len(saved_answers['cq-event-participants'].rows)} rows"
    listing = _on_a_terminal("queries").splitlines()
    assert all(cell_len(line) <= 80 for line in listing)
    assert all(any(line.startswith(f"{q.name} ") or line == q.name for line in listing) for q in QUERIES)


@pytest.mark.parametrize("name", [q.name for q in QUERIES])
def test_piped_output_is_lossless_tsv(name: str, saved_answers: dict[str, Results], wikidata: str) -> None:
    services = ["--service", f"{WIKIDATA}={wikidata}"] if name == "cq-wikidata-enrichment" else []
    result = palsov("query", name, *services)
    assert result.returncode == 0, result.stderr
    assert rows_of(result.stdout, ox.QueryResultsFormat.TSV) == expected_rows(saved_answers[name])


def test_palsov_queries_in_a_pipe_is_one_line_a_query() -> None:
    lines = palsov("queries").stdout.splitlines()
    assert lines[0] == "name\tsummary\tparameters (default)"
    by_name = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert set(by_name) == {q.name for q in QUERIES}
    for query in QUERIES:
        assert by_name[query.name][1] == " ".join(query.summary.split())
    assert f"event={ID}event/" in by_name["cq-event-participants"][2]  # whole, not shortened


def test_a_header_that_is_not_yaml_is_one_line_and_exit_2_every_time(tmp_path: Path) -> None:
    """A header PyYAML cannot read is refused, the first time and again (what failed is not kept
    in the header cache)."""
    broken = tmp_path / "broken.rq"
    broken.write_text("#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    for _ in range(2):
        result = palsov("query", str(broken), "--format", "csv")
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == f"palsov: error: {broken}: line 1: the #+ header is not valid YAML\n"
