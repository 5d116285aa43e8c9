"""`palsov serve` and `palsov load` against real Oxigraph servers on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.project import Project
from palsov.queries.run import run_embedded, run_endpoint
from palsov.queries.saved import find_query
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.http import HttpClient

from .conftest import run_palsov
from .servers import free_port, oxigraph_server

GRAPH = "https://w3id.org/palsov/graph/build"
MARKER = b'<https://example.org/old> <https://example.org/says> "the graph before the load" .\n'


def graph_triples(base: str, graph: str) -> set[ox.Triple]:
    request = urllib.request.Request(
        f"{base}/store?graph={urllib.request.quote(graph, safe='')}",
        headers={"Accept": "application/n-triples"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return {q.triple for q in ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES)}


def as_stored(triples: list[ox.Triple]) -> set[ox.Triple]:
    """The triples as an Oxigraph store keeps them: literals in canonical form (1.0 as 1)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return {q.triple for q in store}


def put(base: str, graph: str, data: bytes) -> None:
    request = urllib.request.Request(
        f"{base}/store?graph={urllib.request.quote(graph, safe='')}",
        data=data,
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=30).close()


def test_serve_answers_a_saved_query_refuses_updates_and_stops_on_ctrl_c(project: Project, kg: KnowledgeGraph) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "palsov", "serve", "--port", str(port)],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PALSOV_ROOT"},
    )
    try:
        line = process.stdout.readline()
        endpoint = f"http://127.0.0.1:{port}/sparql"
        assert line.strip() == f"SPARQL endpoint: {endpoint} (read-only; Ctrl-C stops it)"
        query = find_query(project.queries_dir, "cq-stance-history").bind({})
        assert run_endpoint(endpoint, query).plain() == run_embedded(kg.store, query).plain()
        described = run_endpoint(
            endpoint,
            "SELECT ?e WHERE { <https://w3id.org/palsov/dataset> <http://rdfs.org/ns/void#sparqlEndpoint> ?e }",
        )
        assert described.plain() == [(endpoint,)]
        update = HttpClient(retries=0).request(
            "POST",
            endpoint.replace("/sparql", "/update"),
            content=b"update=INSERT+DATA+%7B+%3Chttps%3A%2F%2Fexample.org%2Fa%3E+%3Chttps%3A%2F%2Fexample.org%2Fb%3E+1+%7D",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert update.status == 403
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
        assert process.returncode == 0, stderr
        assert "stopped" in stdout and "Traceback" not in stderr
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()


def test_serve_on_a_busy_port_exits_2(project: Project) -> None:
    with oxigraph_server() as base:
        port = base.rsplit(":", 1)[1]
        result = run_palsov("serve", "--port", port, cwd=project.root)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_load_replaces_the_graph_with_exactly_the_build(project: Project, kg: KnowledgeGraph) -> None:
    with oxigraph_server() as base:
        put(base, GRAPH, MARKER)
        result = run_palsov("load", "--endpoint", f"{base}/store", "--graph", GRAPH, cwd=project.root)
        assert result.returncode == 0, result.stderr
        assert graph_triples(base, GRAPH) == as_stored(list(kg.all_triples()))
        assert f"loaded {len(set(kg.all_triples()))} triples, the merged graph, into {GRAPH}" in result.stdout


def test_a_refused_load_leaves_the_graph_as_it_was(project: Project, tmp_path: Path) -> None:
    marker = tmp_path / "marker.nq"
    marker.write_bytes(MARKER.replace(b" .\n", f" <{GRAPH}> .\n".encode()))
    location = tmp_path / "store"
    subprocess.run(
        ["oxigraph", "load", "--location", str(location), "--file", str(marker)],
        check=True,
        capture_output=True,
    )
    with oxigraph_server(read_only_from=location) as base:
        result = run_palsov("load", "--endpoint", f"{base}/store", "--graph", GRAPH, cwd=project.root)
        assert result.returncode == 2
        assert f"the store refused graph <{GRAPH}> (403 Forbidden: The server is read-only)" in result.stderr
        assert graph_triples(base, GRAPH) == {q.triple for q in ox.parse(MARKER, format=ox.RdfFormat.N_TRIPLES)}


def test_load_into_an_unreachable_store_exits_2(project: Project) -> None:
    result = run_palsov("load", "--endpoint", f"http://127.0.0.1:{free_port()}/store", cwd=project.root)
    assert result.returncode == 2
    assert "cannot reach the store" in result.stderr and "Traceback" not in result.stderr


def test_nothing_is_served_or_loaded_from_data_that_does_not_conform(project_copy: Project) -> None:
    stances = project_copy.data_dir / "stances.ttl"
    stances.write_text(
        stances.read_text(encoding="utf-8").replace("palsov:holder actor:plo ;", "", 1),
        encoding="utf-8",
    )
    result = run_palsov("load", "--endpoint", "http://127.0.0.1:9/store", cwd=project_copy.root)
    assert result.returncode == 1
    assert "nothing was served or loaded" in result.stderr
