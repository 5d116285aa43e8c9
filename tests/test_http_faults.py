"""Every command that talks to a service, against a server on 127.0.0.1 that misbehaves: one line,
exit 2, no traceback and no warning for every fault; a retry where a retry is due; nothing cached
or written from an answer that was not read in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palsov.project import Project

from .conftest import ROOT, run_palsov
from .servers import Reply, fault_server, free_port, oxigraph_server

VALID = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}'
JSON = {"Content-Type": "application/sparql-results+json"}
HTML = {"Content-Type": "text/html"}
STAND_IN = ROOT / "tests" / "fixtures" / "wikidata" / "stand-in.ttl"
WIKIDATA = "https://query.wikidata.org/sparql"

#: Each fault, and what the user must read (a part of the one line).
FAULTS = {
    "truncated": (Reply(body=VALID, truncate=30), "the connection failed"),
    "drip": (Reply(body=VALID, drip=0.2), "no answer within 1 s"),
    "html-200": (
        Reply(body=b"<html><body>Down for maintenance</body></html>", headers=HTML),
        "is text/html, not SPARQL",
    ),
    "html-as-json": (Reply(body=b"<html><body>Down</body></html>", headers=JSON), "not valid SPARQL results"),
    "json-not-results": (Reply(body=b'{"error": "busy"}'), "not valid SPARQL results"),
    "undeclared-variable": (
        Reply(body=b'{"head": {"vars": []}, "results": {"bindings": [{"y": {"type": "uri", "value": "x:y"}}]}}'),
        "not valid SPARQL results",
    ),
    "reset": (Reply(reset=True), "the connection failed"),
    "500-for-ever": (Reply(500, b"oops"), "answered 500"),
    "404": (Reply(404, b"no such endpoint"), "answered 404 Not Found: no such endpoint"),
}


def assert_one_line(result, status: int, text: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == status, result.stderr
    assert len(lines) == 1 and lines[0].startswith("palsov: error: ") and text in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr


@pytest.mark.parametrize("fault", list(FAULTS))
def test_query_on_an_endpoint_that_misbehaves(project: Project, fault: str) -> None:
    reply, message = FAULTS[fault]
    with fault_server([reply]) as (url, _):
        result = run_palsov(
            "query", "cq-timeline", "--endpoint", url, "--timeout", "1", "--retries", "0", cwd=project.root
        )
    assert_one_line(result, 2, message)


@pytest.mark.parametrize("fault", ["truncated", "drip", "html-as-json", "json-not-results", "reset", "404"])
def test_link_against_wikidata_that_misbehaves_writes_no_cache(project_copy: Project, fault: str) -> None:
    reply, message = FAULTS[fault]
    with fault_server([reply]) as (url, _):
        result = run_palsov(
            "link", "check", "--endpoint", url, "--timeout", "1", "--retries", "0", cwd=project_copy.root
        )
    assert_one_line(result, 2, message)
    assert not project_copy.wikidata_dir.exists()


@pytest.mark.parametrize("fault", ["truncated", "drip", "html-200", "reset", "500-for-ever"])
def test_the_federated_query_when_wikidata_misbehaves(project: Project, fault: str) -> None:
    reply, message = FAULTS[fault]
    with fault_server([reply]) as (url, _):
        result = run_palsov(
            "query",
            "cq-wikidata-enrichment",
            "--service",
            f"{WIKIDATA}={url}",
            "--timeout",
            "1",
            "--retries",
            "0",
            cwd=project.root,
        )
    assert_one_line(result, 2, message)


def test_the_federated_query_when_wikidata_cannot_be_reached(project: Project) -> None:
    closed = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_palsov("query", "cq-wikidata-enrichment", "--service", f"{WIKIDATA}={closed}", cwd=project.root)
    assert_one_line(result, 2, f"{closed}: cannot reach the endpoint")


@pytest.mark.parametrize("fault", ["reset", "500-for-ever", "drip"])
def test_load_into_a_store_that_misbehaves(project: Project, fault: str) -> None:
    reply, message = FAULTS[fault]
    with fault_server([reply]) as (url, _):
        result = run_palsov("load", "--endpoint", url, "--timeout", "1", "--retries", "0", cwd=project.root)
    assert_one_line(result, 2, message)


def test_a_reset_mid_upload_is_retried_and_the_load_succeeds(project: Project) -> None:
    with fault_server([Reply(reset=True), Reply(204, b"")]) as (url, seen):
        result = run_palsov("load", "--endpoint", url, "--retries", "1", cwd=project.root, timeout=60)
    assert result.returncode == 0, result.stderr
    # One PUT a named graph (ontology, data, description) and the first one again, then a DELETE of
    # the Wikidata graph the build lacks (or, once it has one, its PUT instead).
    assert len(seen) == 5 and "named graphs" in result.stdout


def test_429_then_200_is_retried_after_the_time_asked(project: Project) -> None:
    replies = [
        Reply(429, b"slow down", {"Retry-After": "1"}),
        Reply(503, b"busy", {"Retry-After": "0"}),
        Reply(body=VALID),
    ]
    with fault_server(replies) as (url, seen):
        result = run_palsov("query", "cq-timeline", "--endpoint", url, "--format", "csv", cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["x", "ok"]
    assert len(seen) == 3
    agents = {headers["User-Agent"] for headers in seen}
    assert len(agents) == 1 and next(iter(agents)).startswith("palsov/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "notaurl", "ftp://127.0.0.1/x", "http://"])
@pytest.mark.parametrize(
    "command", [["query", "cq-timeline", "--endpoint"], ["link", "check", "--endpoint"], ["load", "--endpoint"]]
)
def test_an_endpoint_that_is_not_an_http_url_is_refused(project: Project, command: list[str], url: str) -> None:
    result = run_palsov(*command, url, cwd=project.root)
    assert result.stderr.strip() == f"palsov: error: {url!r} is not an http:// or https:// URL"
    assert result.returncode == 2


# ------------------------------------------------------------------------------------- the cache


def cache_files(project: Project) -> list[Path]:
    return sorted((project.wikidata_dir / "cache").glob("*.json"))


def test_a_malformed_but_sparql_shaped_answer_is_never_cached(project_copy: Project) -> None:
    row = {"kind": {"type": "literal", "value": "label"}}  # no ?item
    wrong = json.dumps({"head": {"vars": ["item", "kind", "value"]}, "results": {"bindings": [row]}}).encode()
    with fault_server([Reply(body=wrong)]) as (url, seen):
        first = run_palsov("link", "check", "--endpoint", url, "--retries", "0", cwd=project_copy.root)
        second = run_palsov("link", "check", "--endpoint", url, "--retries", "0", cwd=project_copy.root)
    for result in (first, second):
        assert_one_line(result, 2, "the answer is SPARQL results, but not the ones asked for (?item is not bound")
    assert len(seen) == 2 and cache_files(project_copy) == []  # asked again: nothing was cached


def test_a_corrupt_cache_entry_is_a_miss_and_is_repaired(project_copy: Project) -> None:
    with oxigraph_server(data=STAND_IN.read_bytes(), media_type="text/turtle") as base:
        wikidata = f"{base}/query"
        assert run_palsov("link", "check", "--endpoint", wikidata, cwd=project_copy.root).returncode == 0
        [entry] = cache_files(project_copy)
        good = json.loads(entry.read_text(encoding="utf-8"))
        for damage in (b"", b'{"endpoint": ', json.dumps({**good, "response": {"head": {}}}).encode()):
            entry.write_bytes(damage)
            offline = run_palsov("link", "--offline", "check", "--endpoint", wikidata, cwd=project_copy.root)
            assert_one_line(offline, 2, "--offline, and this query is not in the cache")
            online = run_palsov("link", "check", "--endpoint", wikidata, cwd=project_copy.root)
            assert online.returncode == 0, online.stderr
            assert json.loads(entry.read_text(encoding="utf-8"))["response"] == good["response"]


def test_offline_finds_answers_cached_under_another_endpoint(project_copy: Project) -> None:
    with oxigraph_server(data=STAND_IN.read_bytes(), media_type="text/turtle") as base:
        wikidata = f"{base}/query"
        assert run_palsov("link", "check", "--endpoint", wikidata, cwd=project_copy.root).returncode == 0
    offline = run_palsov("link", "check", "--offline", cwd=project_copy.root)
    assert offline.returncode == 0, offline.stderr
    other = "http://127.0.0.1:9/sparql"
    elsewhere = run_palsov("link", "check", "--offline", "--endpoint", other, cwd=project_copy.root)
    assert_one_line(elsewhere, 2, f"cached from {wikidata}, not from this endpoint; name that one with --endpoint")
