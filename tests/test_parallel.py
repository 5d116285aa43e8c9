"""The workers the exports run on: every task once, in children, errors brought back as raised."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from palsov.errors import InputError
from palsov.publish import parallel

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="tasks run in forked children only on Linux")


def _record(folder: Path, name: str) -> None:
    (folder / name).write_text(str(os.getpid()), encoding="utf-8")


def test_every_task_runs_once_in_a_child_that_sees_the_parent_as_it_was(tmp_path: Path) -> None:
    seen: list[str] = []
    with parallel.Workers(2) as workers:
        for n in range(5):
            seen.append(f"task-{n}")  # appended after the earlier children forked: only later ones see it
            workers.start(lambda n=n: _record(tmp_path, f"{n}-{len(seen)}"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n}-{n + 1}" for n in range(5)]
    pids = {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert str(os.getpid()) not in pids and len(pids) == 5


def test_one_worker_runs_the_tasks_here_in_order(tmp_path: Path) -> None:
    order: list[int] = []
    with parallel.Workers(1) as workers:
        for n in range(3):
            workers.start(lambda n=n: order.append(n), then=lambda n=n: order.append(10 + n))
    assert order == [0, 10, 1, 11, 2, 12]


def test_then_runs_in_the_parent_after_the_task_and_only_if_it_succeeded(tmp_path: Path) -> None:
    done: list[str] = []

    def fail() -> None:
        raise InputError("data/events.ttl: line 3: bad")

    with pytest.raises(InputError, match=r"data/events.ttl: line 3: bad"), parallel.Workers(2) as workers:
        workers.start(lambda: _record(tmp_path, "ok"), then=lambda: done.append("ok"))
        workers.start(fail, then=lambda: done.append("failed"))
        workers.start(lambda: _record(tmp_path, "after"), then=lambda: done.append("after"))
    assert sorted(done) == ["after", "ok"]  # the failure is raised once the others have finished
    assert {p.name for p in tmp_path.iterdir()} == {"ok", "after"}


def test_an_error_that_cannot_cross_comes_back_with_its_traceback() -> None:
    class Unpicklable(Exception):
        def __reduce__(self) -> tuple:
            raise TypeError("no")

    def fail() -> None:
        raise Unpicklable("the disk is full")

    with pytest.raises(parallel.TaskFailed, match=r"(?s)Unpicklable: the disk is full"), parallel.Workers(2) as workers:
        workers.start(fail)


def test_a_child_that_dies_without_a_word_is_a_failure() -> None:
    with pytest.raises(parallel.TaskFailed, match=r"exit code 3 and no report"), parallel.Workers(2) as workers:
        workers.start(lambda: os._exit(3))


def test_children_it_did_not_start_are_left_to_their_owner(tmp_path: Path) -> None:
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    try:
        with parallel.Workers(2) as workers:
            for n in range(4):
                workers.start(lambda n=n: _record(tmp_path, str(n)))
        assert server.wait(timeout=10) == 0  # still its owner's to reap
    finally:
        server.kill()
    assert len(list(tmp_path.iterdir())) == 4


def test_a_countdown_starts_what_waits_for_several_tasks_after_the_last(tmp_path: Path) -> None:
    done: list[str] = []
    with parallel.Workers(2) as workers:
        after_both = parallel.Countdown(2, lambda: workers.start(lambda: _record(tmp_path, "after")))
        workers.start(lambda: _record(tmp_path, "quick"), then=lambda: (done.append("quick"), after_both()))
        workers.start(lambda: time.sleep(0.3), then=lambda: (done.append("slow"), after_both()))
    assert done == ["quick", "slow"] and (tmp_path / "after").exists()
