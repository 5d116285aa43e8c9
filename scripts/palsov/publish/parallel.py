"""Independent pieces of work on every core, each in a child forked when it starts.

The exports all read the same sorted N-Triples (hundreds of megabytes at a million triples): a
child forked when its task starts sees the parent's memory as it is then, copy-on-write, so
nothing large is copied or sent down a pipe; each task writes its own file. A task can start
before the parent has finished preparing what later tasks need (the parent asks the store for the
counts and the events' order while the first children write). The children die with the parent: killed when it
fails or is stopped, and by the kernel when it dies of SIGKILL.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from ..runtime.children import die_with_parent, fork
from ..runtime.cores import usable_cores

#: Longest error report a child sends back; a pipe holds this much without blocking the child.
_REPORT_LIMIT = 16_000


def can_fork() -> bool:
    # Windows has no fork, and macOS's system libraries are not safe to use in a forked child.
    return sys.platform.startswith("linux")


class TaskFailed(RuntimeError):
    """A task failed in a child with an error that could not be sent back as itself."""


class Workers:
    """Runs tasks on up to `limit` forked children at a time; in this process, one after another,
    where there is one worker or no fork. Leaving the block waits for every task, then raises the
    first failure, as the task raised it."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit if limit is not None else usable_cores()
        self.forking = self.limit >= 2 and can_fork()
        self._running: dict[int, tuple[int, Callable[[], object] | None]] = {}  # pid -> (error pipe, then)
        self._failures: list[BaseException] = []

    def has_room(self) -> bool:
        """Whether a task started now would start at once (here, or in a child without waiting)."""
        return not self.forking or len(self._running) < self.limit

    def start(self, task: Callable[[], object], then: Callable[[], object] | None = None) -> None:
        """Run `task` in a child; `then`, if given, runs here once the task has succeeded (while
        other children are still at work)."""
        if not self.forking:
            task()
            if then is not None:
                then()
            return
        while len(self._running) >= self.limit:
            self._reap()
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        parent = os.getpid()
        pid = fork()
        if pid == 0:  # the child: run the task, report, and leave without unwinding the parent's stack
            os.close(read_end)
            status = 0
            try:
                die_with_parent(parent)
                task()
            except BaseException as error:
                status = 1
                os.write(write_end, _report(error))
            finally:
                os._exit(status)
        os.close(write_end)
        self._running[pid] = (read_end, then)

    def _reap(self) -> None:
        """Wait for one child to end: its pipe reads to the end when it exits. (os.wait would also
        reap children that are not ours, such as a server a caller started.)"""
        ready, _, _ = select.select([read_end for read_end, _ in self._running.values()], [], [])
        pid = next(pid for pid, (read_end, _) in self._running.items() if read_end == ready[0])
        read_end, then = self._running.pop(pid)
        with os.fdopen(read_end, "rb") as pipe:
            report = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            self._failures.append(_error_of(report, status))
        elif then is not None:
            then()

    def wait(self) -> None:
        while self._running:
            self._reap()
        if self._failures:
            failure, self._failures = self._failures[0], []
            raise failure

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is None:
            self.wait()
            return
        # The parent's own error wins: what the children are doing is no longer wanted.
        for pid, (read_end, _) in self._running.items():
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
        self._running.clear()


class Countdown:
    """Runs `action` once it has itself been called `count` times: given as the `then` of several
    tasks, it starts what needs all of them only when the last one is done."""

    def __init__(self, count: int, action: Callable[[], object]) -> None:
        self.left = count
        self.action = action

    def __call__(self) -> None:
        self.left -= 1
        if self.left == 0:
            self.action()


def _report(error: BaseException) -> bytes:
    try:
        report = pickle.dumps(error)
    except Exception:
        report = b""
    if not report or len(report) > _REPORT_LIMIT:
        text = "".join(traceback.format_exception(error))[-_REPORT_LIMIT // 2 :]
        report = pickle.dumps(TaskFailed(text))
    return report


def _error_of(report: bytes, status: int) -> BaseException:
    if report:
        try:
            return pickle.loads(report)
        except Exception:
            pass
    return TaskFailed(f"a worker ended with exit code {os.waitstatus_to_exitcode(status)} and no report")
