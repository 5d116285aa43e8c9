"""The saved queries in grlc (https://github.com/CLARIAH/grlc), which serves a folder of .rq files as
a web API: grlc reads every header, lists each parameter with its default, and every query called
without parameters answers what `palsov query NAME` answers, on the same Oxigraph.

grlc pins old versions of requests, rdflib and Flask, so it lives in its own virtualenv, named by
GRLC_VENV (.ci/run makes one), and the tests talk to it over HTTP only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.endpoints.serve import stop
from palsov.queries.run import Results, run_embedded, with_services
from palsov.queries.saved import SavedQuery, saved_queries
from palsov.rdf.graph import KnowledgeGraph

from .conftest import ROOT
from .servers import free_port, oxigraph_server

WIKIDATA = "https://query.wikidata.org/sparql"
QUERIES = saved_queries(ROOT / "queries")
PARAMETERISED = [q for q in QUERIES if q.parameters]
GRLC_MISSING = (
    "grlc is not installed: set GRLC_VENV to a virtualenv with grlc (python3 -m venv DIR && "
    "DIR/bin/pip install grlc==1.3.11), as .ci/run does; it pins old requests and rdflib, so not in ours"
)


def rows(results: Results) -> list[dict[str, str]]:
    return [{name: str(term) for name, term in row.items()} for row in results.rows]


@pytest.mark.parametrize("query", PARAMETERISED, ids=lambda q: q.name)
def test_a_query_run_without_its_parameters_answers_with_its_defaults(query: SavedQuery, kg: KnowledgeGraph) -> None:
    """What grlc sends when called without parameters: the text with every parameter unbound, which
    the query itself gives the #+ defaults value (grlc puts those in its form only)."""
    assert all(not p.required for p in query.parameters.values()), "grlc refuses a call without a required one"
    unbound = run_embedded(kg.store, query.text)
    assert unbound.rows
    assert rows(unbound) == rows(run_embedded(kg.store, query.bind({})))


# ------------------------------------------------------------------------------- grlc itself


@pytest.fixture(scope="module")
def grlc_bin() -> Path:
    venv = os.environ.get("GRLC_VENV")
    if not venv or not (Path(venv) / "bin" / "gunicorn").exists():
        pytest.skip(GRLC_MISSING)
    return Path(venv) / "bin"


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with oxigraph_server(data=(ROOT / "tests" / "fixtures" / "wikidata-stand-in.nt").read_bytes()) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def endpoint(kg: KnowledgeGraph) -> Iterator[str]:
    with oxigraph_server(data=ox.serialize(kg.all_triples(), format=ox.RdfFormat.N_TRIPLES)) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def grlc(grlc_bin: Path, endpoint: str, wikidata: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """grlc serving a copy of queries/ (the federated query calling the local stand-in for
    Wikidata) against the Oxigraph server; yields its API's base URL."""
    work = tmp_path_factory.mktemp("grlc")
    folder = work / "queries"
    shutil.copytree(ROOT / "queries", folder)
    federated = folder / "cq-wikidata-enrichment.rq"
    federated.write_text(federated.read_text(encoding="utf-8").replace(WIKIDATA, wikidata), encoding="utf-8")
    port = free_port()
    # user/password "none" means no authentication to grlc; empty values would send Basic auth.
    (work / "config.ini").write_text(
        f"[defaults]\nsparql_endpoint = {endpoint}\nuser = none\npassword = none\n"
        f"server_name = 127.0.0.1:{port}\ndebug = False\n\n[local]\nlocal_sparql_dir = {folder}\n",
        encoding="utf-8",
    )
    log = (work / "grlc.log").open("wb")
    command = [str(grlc_bin / "gunicorn"), "--chdir", str(work), "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "grlc.server:app"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/api-local"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (work / "grlc.log").read_text(errors="replace")[-800:]
            try:
                urllib.request.urlopen(f"{base}/swagger", timeout=5).close()
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "grlc did not start within 60 s"
                time.sleep(0.2)
        yield base
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="module")
def spec(grlc: str) -> dict:
    with urllib.request.urlopen(f"{grlc}/swagger", timeout=60) as answer:
        document: dict = json.load(answer)
    return document


def call(grlc: str, name: str, params: dict[str, str] | None = None) -> tuple[int, bytes]:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{grlc}/{name}{query}", headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_grlc_reads_every_header_and_parameter(spec: dict) -> None:
    operations = {path.lstrip("/"): methods["get"] for path, methods in spec["paths"].items()}
    assert set(operations) == {q.name for q in QUERIES}
    for query in QUERIES:
        operation = operations[query.name]
        assert operation["summary"] == query.summary
        assert operation["description"].startswith(query.description.split("\n")[0][:60])
        assert operation["tags"] == query.tags
        listed = {p["name"]: p for p in operation["parameters"] if p["name"] in query.parameters}
        assert set(listed) == set(query.parameters), query.name
        for name, parameter in query.parameters.items():
            assert listed[name]["required"] is False  # callable without it: the query applies the default
            assert listed[name]["default"] == parameter.default
            assert f"`{name}`, " in operation["description"]  # our description of it, where grlc shows it


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_called_without_parameters_answers_as_palsov_does(
    query: SavedQuery, grlc: str, kg: KnowledgeGraph, wikidata: str
) -> None:
    status, body = call(grlc, query.name)
    assert status == 200, body[:300]
    found = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(found, ox.QuerySolutions), body[:300]
    text = with_services(query, query.bind({}), {WIKIDATA: wikidata}) if "SERVICE" in query.text else query.bind({})
    expected = rows(run_embedded(kg.store, text))
    assert [{v.value: str(s[v]) for v in found.variables if s[v] is not None} for s in found] == expected


def test_a_parameter_given_to_grlc_is_used(grlc: str, kg: KnowledgeGraph) -> None:
    query = next(q for q in QUERIES if q.name == "cq-stance-history")
    values = {
        "holder": "https://w3id.org/palsov/id/actor/plo",
        "issue": "https://w3id.org/palsov/vocab/issue/democratic-state",
    }
    status, body = call(grlc, query.name, values)
    assert status == 200, body[:300]
    found = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(found, ox.QuerySolutions)
    stances = [s["stance"].value for s in found]
    assert stances == [row["stance"].value for row in run_embedded(kg.store, query.bind(values)).rows]
    assert stances == ["https://w3id.org/palsov/id/stance/plo-on-a-democratic-state"]
