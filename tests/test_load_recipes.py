"""Every store recipe of the README, followed on the real servers: Oxigraph (`oxigraph serve
--union-default-graph`, then `palsov load`; or `oxigraph load` of dist/palsov.nq and `palsov load`
on top of it), Virtuoso 7.2 with anonymous Graph Store writes (`/sparql-graph-crud` after
`GRANT SPARQL_UPDATE`) and with Digest authentication (`/sparql-graph-crud-auth`, credentials from
the environment or a netrc file). After each, every saved query answers on the store exactly as on
the embedded store, and loading again changes nothing."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.project import Project
from palsov.queries.run import Results, run_embedded, run_endpoint, with_services
from palsov.queries.saved import saved_queries
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.http import HttpClient, challenge_auth

from .conftest import PROJECT_PARTS, ROOT
from .servers import (
    VIRTUOSO_MISSING,
    Reply,
    Virtuoso,
    fault_server,
    oxigraph_server,
    oxigraph_store,
    virtuoso_available,
    virtuoso_server,
)

WIKIDATA = "https://query.wikidata.org/sparql"
QUERIES = saved_queries(ROOT / "queries")
GRAPHS_QUERY = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/palsov/')) }"
    " GROUP BY ?g ORDER BY ?g"
)
Term = tuple[str, str, str | None, str | None]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, built: dist/palsov.nq is what a bulk loader reads."""
    folder = tmp_path_factory.mktemp("recipes")
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, folder / part)
    result = palsov("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with oxigraph_server(data=(ROOT / "tests" / "fixtures" / "wikidata-stand-in.nt").read_bytes()) as base:
        yield f"{base}/query"


def palsov(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("PALSOV_ROOT", "PALSOV_HTTP_USER", "PALSOV_HTTP_PASSWORD")
    }
    return subprocess.run(
        [sys.executable, "-m", "palsov", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def rows(results: Results) -> list[dict[str, Term]]:
    """Every value with its kind, datatype and language, as the results JSON gives them."""
    return [
        {v: (t["type"], t["value"], t.get("datatype"), t.get("xml:lang")) for v, t in binding.items()}
        for binding in json.loads(results.json)["results"]["bindings"]
    ]


def text_of(name: str, wikidata: str) -> str:
    query = next(q for q in QUERIES if q.name == name)
    return with_services(query, query.bind({}), {WIKIDATA: wikidata}) if "SERVICE" in query.text else query.bind({})


@pytest.fixture(scope="module")
def reference(built: Path, wikidata: str) -> dict[str, list[dict[str, Term]]]:
    store = KnowledgeGraph.read(Project(built)).store
    return {q.name: rows(run_embedded(store, text_of(q.name, wikidata))) for q in QUERIES}


def assert_every_saved_query_answers_as_embedded(sparql: str, reference: dict, wikidata: str) -> None:
    client = HttpClient(retries=0)
    wrong = []
    for query in QUERIES:
        expected = reference[query.name]
        # The integrity checks find nothing in data that conforms (the portability tests give them faults).
        assert expected or query.is_violation_check, f"{query.name} answers nothing on the embedded store"
        found = rows(run_endpoint(sparql, text_of(query.name, wikidata), client))
        if found != expected:
            wrong.append(f"{query.name}: {len(found)} rows, expected {len(expected)}")
    assert not wrong, "\n".join(wrong)


def graph_counts(sparql: str) -> dict[str, int]:
    return {row["g"].value: int(row["n"].value) for row in run_endpoint(sparql, GRAPHS_QUERY).rows}


def nq_counts(built: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in ox.parse(path=built / "dist" / "palsov.nq", format=ox.RdfFormat.N_QUADS):
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


def loaded(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """The graphs and triple counts `palsov load` says it loaded."""
    assert result.returncode == 0, result.stderr
    said = {}
    for line in result.stdout.splitlines():
        if line.startswith("loaded ") and " triples into https://" in line:
            count, graph = line.removeprefix("loaded ").split(" triples into ")
            said[graph] = int(count)
    return said


# ------------------------------------------------------------------------------- Oxigraph


def test_oxigraph_recipe_serve_with_union_default_graph_then_load(built: Path, reference: dict, wikidata: str) -> None:
    with oxigraph_server(union_default_graph=True) as base:
        said = loaded(palsov("load", "--endpoint", f"{base}/store", cwd=built))
        counts = graph_counts(f"{base}/query")
        assert counts == said
        # The dataset's layout: every graph of dist/palsov.nq, the same triples in each but the
        # description, which describes the dataset and not the build's download files.
        expected = nq_counts(built)
        assert set(counts) == set(expected)
        assert all(counts[g] == expected[g] for g in counts if not g.endswith("/description"))
        assert_every_saved_query_answers_as_embedded(f"{base}/query", reference, wikidata)
        assert loaded(palsov("load", "--endpoint", f"{base}/store", cwd=built)) == said
        assert graph_counts(f"{base}/query") == counts  # loading again duplicates nothing


def test_oxigraph_without_union_default_graph_answers_nothing(built: Path) -> None:
    """Why the recipe says --union-default-graph: without it the saved queries see an empty default graph."""
    with oxigraph_server() as base:
        loaded(palsov("load", "--endpoint", f"{base}/store", cwd=built))
        assert run_endpoint(f"{base}/query", text_of("cq-timeline", "")).rows == []


def test_a_load_over_a_bulk_loaded_store_multiplies_nothing(
    built: Path, reference: dict, wikidata: str, tmp_path: Path
) -> None:
    """The store of the issue: dist/palsov.nq loaded offline, then `palsov load` on top. The same
    triples go into the same graphs, so no count is multiplied."""
    store = oxigraph_store(tmp_path / "store", built / "dist" / "palsov.nq")
    with oxigraph_server(location=store, union_default_graph=True) as base:
        before = graph_counts(f"{base}/query")
        assert before == nq_counts(built)
        said = loaded(palsov("load", "--endpoint", f"{base}/store", cwd=built))
        after = graph_counts(f"{base}/query")
        assert set(after) == set(before) and after == said
        assert all(after[g] == before[g] for g in after if not g.endswith("/description"))
        assert_every_saved_query_answers_as_embedded(f"{base}/query", reference, wikidata)


def test_load_into_one_graph_says_it_is_the_merged_graph(built: Path) -> None:
    graph = "https://example.org/palsov"
    with oxigraph_server() as base:
        result = palsov("load", "--endpoint", f"{base}/store", "--graph", graph, cwd=built)
        assert result.returncode == 0, result.stderr
        count = sum(nq_counts(built)[g] for g in nq_counts(built) if not g.endswith("/description"))
        assert result.stdout.strip() == f"loaded {count} triples, the merged graph, into {graph} of {base}/store"
        assert graph_counts(f"{base}/query") == {}  # in no graph of ours
        assert run_endpoint(
            f"{base}/query", f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        ).plain() == [(str(count),)]


# ------------------------------------------------------------------------------- Virtuoso


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[Virtuoso]:
    if not virtuoso_available():
        pytest.skip(VIRTUOSO_MISSING)
    with virtuoso_server() as server:
        # SERVICE runs as the anonymous SPARQL user, who may not call out until granted this.
        server.sql('GRANT SELECT ON DB.DBA.SPARQL_SINV_2 TO "SPARQL";')
        server.sql('GRANT EXECUTE ON DB.DBA.SPARQL_SINV_IMP TO "SPARQL";')
        yield server


def test_virtuoso_recipes_anonymous_then_digest(
    built: Path, virtuoso: Virtuoso, reference: dict, wikidata: str, tmp_path: Path
) -> None:
    base = virtuoso.sparql.rsplit("/", 1)[0]
    anonymous, authenticated = f"{base}/sparql-graph-crud", f"{base}/sparql-graph-crud-auth"
    refused = palsov("load", "--endpoint", anonymous, "--retries", "0", cwd=built)
    assert refused.returncode == 2 and "(403 Forbidden" in refused.stderr
    virtuoso.sql('GRANT SPARQL_UPDATE TO "SPARQL";')  # the recipe: anonymous writes
    said = loaded(palsov("load", "--endpoint", anonymous, cwd=built))
    counts = graph_counts(virtuoso.sparql)
    assert counts == said and set(counts) == set(nq_counts(built))
    assert_every_saved_query_answers_as_embedded(virtuoso.sparql, reference, wikidata)

    # The authenticated endpoint asks for Digest: no credentials, wrong ones, then right ones.
    nothing = palsov("load", "--endpoint", authenticated, "--retries", "0", cwd=built)
    assert nothing.returncode == 2
    assert (
        "(401 Unauthorized); it asks for credentials: set PALSOV_HTTP_USER and PALSOV_HTTP_PASSWORD" in nothing.stderr
    )
    wrong = palsov(
        "load", "--endpoint", authenticated, "--retries", "0", cwd=built,
        env={"PALSOV_HTTP_USER": "dba", "PALSOV_HTTP_PASSWORD": "not-the-password"},
    )  # fmt: skip
    assert wrong.returncode == 2 and "401 Unauthorized); the credentials were refused" in wrong.stderr
    by_environment = palsov(
        "load", "--endpoint", authenticated, cwd=built, env={"PALSOV_HTTP_USER": "dba", "PALSOV_HTTP_PASSWORD": "dba"}
    )
    assert loaded(by_environment) == said
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\n  login dba\n  password dba\n", encoding="utf-8")
    netrc.chmod(0o600)
    assert loaded(palsov("load", "--endpoint", authenticated, cwd=built, env={"NETRC": str(netrc)})) == said
    assert graph_counts(virtuoso.sparql) == counts  # three loads, each triple once
    assert_every_saved_query_answers_as_embedded(virtuoso.sparql, reference, wikidata)


# ------------------------------------------------------------------------------- credentials


def test_basic_credentials_go_only_where_they_are_asked_for(built: Path, tmp_path: Path) -> None:
    challenge = Reply(401, b"who are you?", {"WWW-Authenticate": 'Basic realm="store"', "Content-Type": "text/plain"})
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login reader password s3cret:with-colon\n", encoding="utf-8")
    netrc.chmod(0o600)
    with fault_server([challenge, Reply(204, b"")]) as (url, received):
        result = palsov(
            "load", "--endpoint", url, "--graph", "https://example.org/g", cwd=built, env={"NETRC": str(netrc)}
        )
    assert result.returncode == 0, result.stderr
    assert "Authorization" not in received[0]
    assert received[1]["Authorization"] == "Basic " + base64.b64encode(b"reader:s3cret:with-colon").decode()
    half = palsov("load", "--endpoint", url, cwd=built, env={"PALSOV_HTTP_USER": "dba"})
    assert half.returncode == 2
    assert half.stderr.strip() == "palsov: error: set both PALSOV_HTTP_USER and PALSOV_HTTP_PASSWORD, or neither"


def test_credentials_for_one_host_are_never_sent_to_another() -> None:
    challenge = Reply(401, b"who are you?", {"WWW-Authenticate": 'Basic realm="x"', "Content-Type": "text/plain"})
    with fault_server([challenge]) as (url, received):
        client = HttpClient(retries=0, auth=challenge_auth("http://127.0.0.1:9/store", "dba", "secret"))
        response = client.request("PUT", url, content=b"")
    assert response.status == 401
    assert len(received) == 1 and "Authorization" not in received[0]
    with fault_server([challenge, Reply(204, b"")]) as (url, received):
        client = HttpClient(retries=0, auth=challenge_auth(url, "dba", "secret"))
        assert client.request("PUT", url, content=b"").status == 204
    assert received[1]["Authorization"] == "Basic " + base64.b64encode(b"dba:secret").decode()
