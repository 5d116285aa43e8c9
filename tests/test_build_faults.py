"""A build is a transaction: whatever stops it, dist/ is the previous build or the new one, whole,
and nothing is left behind (no temporary file or folder, no worker process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from palsov.project import Project

from .conftest import run_palsov
from .faults import (
    checksums_hold,
    copy_project,
    mounted_tmpfs,
    palsov_process,
    processes_in,
    remount_read_only,
    snapshot,
    strays,
    wait_for,
    wait_until_it_handles_signals,
)

SOVIET_UNION = "<https://w3id.org/palsov/id/actor/soviet-union>"


def change_the_data(project: Project, run: int) -> str:
    """A new triple, so that the new build differs from the previous one in every export."""
    marker = f"build run {run}"
    with (project.data_dir / "actors.ttl").open("a", encoding="utf-8") as stream:
        stream.write(f'\n{SOVIET_UNION} <http://www.w3.org/2004/02/skos/core#altLabel> "{marker}"@en .\n')
    return marker


def staging(root: Path) -> Path | None:
    return next(root.glob(".dist.new-*"), None)


def holds(name: str):
    def condition(root: Path) -> bool:
        folder = staging(root)
        return folder is not None and (folder / name).exists()

    return condition


#: Moments of a build, as seen from outside: the folder it is writing, and files appearing in it.
MOMENTS = {
    "start-up": None,  # as soon as palsov's code runs: importing, reading, validating
    "new folder made": lambda root: staging(root) is not None,
    "exports being written": holds("palsov.nt"),
    "charts being drawn": holds("timeline.png"),
    "manifest written, swap next": holds("SHA256SUMS"),
}


def test_builds_stopped_by_signals_at_any_moment_leave_the_previous_build_whole(tmp_path: Path) -> None:
    root, temporary = tmp_path / "project", tmp_path / "tmp"
    root.mkdir()
    temporary.mkdir()
    copy_project(root)
    project = Project(root)
    first = run_palsov("build", cwd=root)
    assert first.returncode == 0, first.stderr
    previous = snapshot(project.dist_dir)
    interrupted: list[str] = []
    outcomes: list[tuple] = []
    run = 0
    for moment, condition in MOMENTS.items():
        for signum in (signal.SIGINT, signal.SIGTERM):
            run += 1
            marker = change_the_data(project, run)
            process = palsov_process("build", cwd=root, temporary=temporary)
            if condition is None:
                wait_until_it_handles_signals(process)
                reached = True
            else:
                reached = wait_for(lambda c=condition: c(root), process)
            if reached:
                process.send_signal(signum)
            _, stderr = process.communicate(timeout=120)
            where = f"{signal.Signals(signum).name} at {moment!r}"
            after = snapshot(project.dist_dir)
            built = marker in after["palsov.nt"].decode()
            outcomes.append((where, reached, process.returncode, built))
            if process.returncode == 130:
                assert stderr.strip() == "palsov: interrupted", where
                if not built:
                    interrupted.append(where)
                    assert after == previous, f"{where}: dist/ changed"
            else:
                assert process.returncode == 0 and built, f"{where}: {stderr}"
            assert checksums_hold(project.dist_dir).returncode == 0, where
            assert strays(root, temporary) == [], where
            assert processes_in(root) == [], f"{where}: a worker outlived the build"
            previous = after
    # Whether a later moment is caught in time depends on how busy the machine is (a signal that
    # lands once the new build is in place rightly finds the work done); the first two always are.
    assert len(interrupted) >= 4, f"the signals came too late to interrupt the builds: {outcomes}"


#: A step held back (`deferred`) while another thread runs: the kernel gives the signal to that
#: thread, which does not block it, and Python then runs the handler in the main thread at once.
HELD_WHILE_A_THREAD_RUNS = """\
import os, signal, threading, time
from palsov.runtime.signals import Interrupted, deferred, install
install()
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
steps = []
try:
    with deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)
        steps.append("the step, whole")
except Interrupted as stop:
    steps.append(f"then {stop}")
print(steps)
"""


def test_a_step_held_back_is_whole_though_another_thread_takes_the_signal() -> None:
    """The stray new folder the test above found now and then (in 2 or 3 of 100 builds stopped as
    the folder was made): a worker thread of the validation, on its way out, took the signal."""
    done = subprocess.run([sys.executable, "-c", HELD_WHILE_A_THREAD_RUNS], capture_output=True, text=True, timeout=60)
    assert done.stdout == "['the step, whole', 'then SIGTERM']\n", done.stderr


def test_a_build_killed_outright_leaves_no_worker_and_the_next_build_clears_its_folder(tmp_path: Path) -> None:
    root, temporary = tmp_path / "project", tmp_path / "tmp"
    root.mkdir()
    temporary.mkdir()
    copy_project(root)
    project = Project(root)
    assert run_palsov("build", cwd=root).returncode == 0
    previous = snapshot(project.dist_dir)
    change_the_data(project, 1)
    process = palsov_process("build", cwd=root, temporary=temporary)
    assert wait_for(lambda: holds("palsov.nt")(root), process)
    process.kill()  # SIGKILL: nothing in the process runs, its workers are killed by the kernel
    process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while processes_in(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in(root) == []
    assert snapshot(project.dist_dir) == previous
    assert staging(root) is not None  # what SIGKILL leaves; the next build removes it
    again = run_palsov("build", cwd=root)
    assert again.returncode == 0, again.stderr
    assert strays(root, temporary) == [] and checksums_hold(project.dist_dir).returncode == 0


def test_files_other_commands_left_in_dist_outlive_a_build(project_copy: Project) -> None:
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    bench = project_copy.dist_dir / "bench.json"
    bench.write_text('{"timings": []}\n', encoding="utf-8")
    change_the_data(project_copy, 1)
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    assert bench.read_text(encoding="utf-8") == '{"timings": []}\n'
    assert checksums_hold(project_copy.dist_dir).returncode == 0


def test_dist_that_is_a_file_is_one_line_and_exit_2(project_copy: Project) -> None:
    project_copy.dist_dir.write_text("not a folder\n", encoding="utf-8")
    result = run_palsov("build", cwd=project_copy.root)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"palsov: error: {project_copy.dist_dir}: exists and is not a folder; move it away to build"
    )
    plot = run_palsov("plot", cwd=project_copy.root)  # every command that writes into dist/
    assert plot.returncode == 2
    chart = project_copy.dist_dir / "timeline.png"
    assert plot.stderr.strip() == f"palsov: error: {chart}: cannot write (a file stands where its folder should be)"
    assert project_copy.dist_dir.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the read-only mount test")
def test_a_read_only_dist_is_one_line_and_exit_2(project_copy: Project) -> None:
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    os.chmod(project_copy.dist_dir, 0o555)
    try:
        result = run_palsov("build", cwd=project_copy.root)
    finally:
        os.chmod(project_copy.dist_dir, 0o755)
    assert result.returncode == 2 and "the output folder is read-only" in result.stderr


def test_a_full_disk_leaves_the_previous_build_and_no_strays(tmp_path: Path) -> None:
    """The sources fit on the small file system; two builds do not."""
    with mounted_tmpfs(tmp_path / "small", "80m") as root:
        copy_project(root)
        project = Project(root)
        temporary = tmp_path / "tmp"
        temporary.mkdir()
        first = run_palsov("build", cwd=root)
        if first.returncode != 0:
            pytest.skip(f"the first build does not fit either: {first.stderr.strip()}")
        previous = snapshot(project.dist_dir)
        free = os.statvfs(root)
        (root / "ballast").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 600_000))
        change_the_data(project, 1)
        process = palsov_process("build", cwd=root, temporary=temporary)
        _, stderr = process.communicate(timeout=120)
        (root / "ballast").unlink()
        assert process.returncode == 2, stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and "no space left on the device" in lines[0], stderr
        assert f"{project.dist_dir} was left as it was" in lines[0]
        assert snapshot(project.dist_dir) == previous
        assert strays(root, temporary) == []


def test_a_read_only_file_system_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "ro", "64m") as root:
        copy_project(root)
        assert run_palsov("build", cwd=root).returncode == 0
        previous = snapshot(root / "dist")
        remount_read_only(root)
        result = run_palsov("build", cwd=root)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and "read-only" in result.stderr, result.stderr
        assert snapshot(root / "dist") == previous


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    root, temporary = tmp_path / "project", tmp_path / "tmp"
    root.mkdir()
    temporary.mkdir()
    copy_project(root)
    builds = [palsov_process("build", cwd=root, temporary=temporary) for _ in range(2)]
    results = [b.communicate(timeout=180) for b in builds]
    assert [b.returncode for b in builds] == [0, 0], results
    assert checksums_hold(root / "dist").returncode == 0 and strays(root, temporary) == []
