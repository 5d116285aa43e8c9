"""Progress for people: on a terminal a long wait says what it waits for; in a pipe, not a byte."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from palsov.project import Project

from .conftest import run_palsov
from .servers import Reply, fault_server

VALID = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}'


def on_a_terminal(*args: str, cwd: os.PathLike) -> tuple[int, str]:
    """Run palsov with its standard error on a pseudo-terminal; what it showed there."""
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "PALSOV_ROOT"}
    env.update(TERM="xterm", COLUMNS="200")
    process = subprocess.Popen(
        [sys.executable, "-m", "palsov", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=terminal
    )
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the process has gone
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    process.communicate(timeout=60)
    os.close(controller)
    return process.returncode, shown.decode(errors="replace")


def test_a_slow_endpoint_shows_what_it_waits_for_on_a_terminal_and_nothing_in_a_pipe(project: Project) -> None:
    with fault_server([Reply(body=VALID, delay=1.5)]) as (url, _):
        status, shown = on_a_terminal("query", "cq-timeline", "--endpoint", url, cwd=project.root)
        piped = run_palsov("query", "cq-timeline", "--endpoint", url, "--format", "csv", cwd=project.root)
    assert status == 0 and f"waiting for {url}" in shown
    assert piped.returncode == 0 and piped.stderr == ""


def test_a_retry_says_why_and_when(project: Project) -> None:
    replies = [Reply(503, b"busy", {"Retry-After": "2"}), Reply(body=VALID)]
    with fault_server(replies) as (url, _):
        status, shown = on_a_terminal("query", "cq-timeline", "--endpoint", url, cwd=project.root)
    assert status == 0 and "answered 503 Service Unavailable; trying again in 2 s (attempt 2 of 5)" in shown


def test_a_build_shows_its_stages_on_a_terminal_and_nothing_in_a_pipe(project_copy: Project) -> None:
    status, shown = on_a_terminal("build", cwd=project_copy.root)
    assert status == 0
    for stage in ("reading and validating the graph", "writing the exports", "drawing the charts"):
        assert stage in shown
    piped = run_palsov("build", cwd=project_copy.root)
    assert piped.returncode == 0 and piped.stderr == ""


@pytest.mark.slow
def test_bench_says_what_it_measures_on_a_terminal(project_copy: Project) -> None:
    status, shown = on_a_terminal("bench", "--sizes", "3000", "--runs", "1", cwd=project_copy.root)
    assert status == 0
    for doing in ("writing the corpus", "palsov build, the first", "validate: run 1 of 1"):
        assert doing in shown, doing


def test_validate_and_export_show_what_they_do_on_a_terminal_only(project: Project, tmp_path: Path) -> None:
    status, shown = on_a_terminal("validate", cwd=project.root)
    assert status == 0 and "validating the data against the shapes and the checks" in shown
    out = str(tmp_path / "out.jsonld")
    status, shown = on_a_terminal("export", "--format", "jsonld", "--out", out, cwd=project.root)
    assert status == 0 and "writing the graph in jsonld" in shown
    for args in (["validate"], ["export", "--format", "jsonld", "--out", out]):
        piped = run_palsov(*args, cwd=project.root)
        assert piped.returncode == 0 and piped.stderr == ""
