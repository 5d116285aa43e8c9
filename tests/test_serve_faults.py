"""`palsov serve` as an attacker and an impatient operator meet it: no SERVICE call to an address a
query names, only its own Host, a query cut off at its timeout, nothing left behind however it is
stopped, and a restart on the same port at once."""

from __future__ import annotations

import signal
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from palsov.project import Project
from palsov.rdf.http import HttpClient

from .conftest import ROOT
from .faults import palsov_interrupted, palsov_process, processes_running
from .servers import Reply, fault_server, free_port, oxigraph_server

STAND_IN = ROOT / "tests" / "fixtures" / "wikidata" / "stand-in.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@contextmanager
def serving(project: Project, temporary: Path, *options: str, port: int | None = None) -> Iterator[tuple[str, object]]:
    port = port or free_port()
    process = palsov_process("serve", "--port", str(port), *options, cwd=project.root, temporary=temporary)
    try:
        line = process.stdout.readline()
        assert line.startswith("SPARQL endpoint:"), process.stderr.read()
        yield f"http://127.0.0.1:{port}/query", process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)


def ask(endpoint: str, query: str, host: str | None = None, timeout: float = 30) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    if host is not None:
        headers["Host"] = host
    response = HttpClient(timeout=timeout).request(
        "POST", endpoint, content=urllib.parse.urlencode({"query": query}).encode(), headers=headers, retry=False
    )
    return response.status, response.body


@pytest.fixture
def temporary(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_service_to_any_address_is_refused_and_nothing_is_sent(project: Project, temporary: Path) -> None:
    with fault_server([Reply()]) as (target, received), serving(project, temporary) as (endpoint, _):
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
            f"PREFIX x: <{target.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ service x:sparql {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { BIND(<http://127.0.0.1:9/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        ):
            status, body = ask(endpoint, query)
            assert status == 403 and b"is refused" in body, query
        # The word alone, in a string, an IRI or a comment, is no call.
        harmless = f'SELECT ?n WHERE {{ BIND("SERVICE <{target}> {{ }}" AS ?n) }} # SERVICE <{target}> {{ }}'
        status, body = ask(endpoint, harmless)
        assert status == 200 and b"SERVICE" in body
    assert received == []


def test_an_allowed_service_is_called_by_our_client(project: Project, temporary: Path) -> None:
    with oxigraph_server(data=STAND_IN.read_bytes(), media_type="text/turtle") as base:
        wikidata = f"{base}/query"
        with serving(project, temporary, "--allow-service", wikidata) as (endpoint, _):
            query = (
                f"SELECT ?label WHERE {{ SERVICE <{wikidata}> {{ <http://www.wikidata.org/entity/Q855> "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER (LANG(?label) = 'ru') } }"
            )
            status, body = ask(endpoint, query)
    assert status == 200, body
    assert "Сталин" in body.decode()


def test_only_its_own_host_is_answered(project: Project, temporary: Path) -> None:
    with serving(project, temporary) as (endpoint, _):
        port = endpoint.split(":")[2].split("/")[0]
        assert ask(endpoint, COUNT)[0] == 200
        assert ask(endpoint, COUNT, host=f"localhost:{port}")[0] == 200
        for host in (f"attacker.example:{port}", "127.0.0.1", f"127.0.0.1:{int(port) + 1}"):
            status, body = ask(endpoint, COUNT, host=host)
            assert status == 421 and b"answers only requests for" in body, host


def test_a_query_is_cut_off_at_its_timeout(project: Project, temporary: Path) -> None:
    with serving(project, temporary, "--timeout-s", "1") as (endpoint, _):
        cross_join = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
        status, body = ask(endpoint, cross_join, timeout=20)
        assert status == 503 and b"limit of 1 s" in body
        assert ask(endpoint, COUNT)[0] == 200  # and the endpoint goes on answering


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stopping_signal_leaves_no_process_and_no_folder(project: Project, temporary: Path, signum: int) -> None:
    with serving(project, temporary) as (_, process):
        assert processes_running(str(temporary)), "the oxigraph child runs in the temporary folder"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0 and "stopped" in stdout and stderr == ""
    assert processes_running(str(temporary)) == []
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("nth", [1, 2], ids=["forking-the-watcher", "starting-oxigraph"])
def test_ctrl_c_as_python_forks_at_start_stops_it(project: Project, temporary: Path, nth: int) -> None:
    """A Ctrl-C whose Interrupted Python ignored (raised in a callback it runs at a fork) left the
    server running with the stopping signals ignored: only SIGKILL ended it. Now it stops as ever."""
    port = str(free_port())
    process = palsov_interrupted(
        "serve", "--port", port, where="before", nth=nth, cwd=project.root, temporary=temporary
    )
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0 and stdout == "stopped\n" and stderr == "", stderr
    assert processes_running(str(temporary)) == []
    assert list(temporary.iterdir()) == []


def test_a_ctrl_c_python_swallowed_leaves_it_stoppable(project: Project, temporary: Path) -> None:
    """Raised in a finaliser, a Ctrl-C's Interrupted is ignored by Python; the next one stops the
    server as ever (the handler had made it ignore them all), and the first is not held against it."""
    port = str(free_port())
    process = palsov_interrupted("serve", "--port", port, where="finaliser", cwd=project.root, temporary=temporary)
    try:
        assert process.stdout.readline().startswith("SPARQL endpoint:"), process.stderr.read()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and "stopped" in stdout and stderr == "", stderr
    assert processes_running(str(temporary)) == []


def test_sigkill_leaves_no_process_and_no_folder(project: Project, temporary: Path) -> None:
    with serving(project, temporary) as (_, process):
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while (processes_running(str(temporary)) or list(temporary.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert processes_running(str(temporary)) == []
    assert list(temporary.iterdir()) == []


def test_it_restarts_on_the_same_port_at_once(project: Project, temporary: Path) -> None:
    port = free_port()
    with serving(project, temporary, port=port) as (endpoint, _):
        assert ask(endpoint, COUNT)[0] == 200  # a connection closed: the port is in TIME_WAIT
    with serving(project, temporary, port=port) as (endpoint, _):
        assert ask(endpoint, COUNT)[0] == 200


def test_a_bad_allowed_service_is_one_line_and_exit_2(project: Project, temporary: Path) -> None:
    process = palsov_process("serve", "--allow-service", "file:///etc/passwd", cwd=project.root, temporary=temporary)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.strip() == "palsov: error: 'file:///etc/passwd' is not an http:// or https:// URL"
