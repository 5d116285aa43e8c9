"""The processes palsov starts: forked workers and watchers, and the commands it runs as servers.

Python runs the callbacks registered with `os.register_at_fork` (logging registers some) inside
every fork, and does not raise what they raise. A stopping signal whose handler ran in one had its
`Interrupted` dropped there: the build ran on to its end, and a server went on serving (`signals`
keeps such an interrupt, but it cannot stop the process where it came). Here every fork holds the
stopping signals back while it runs: one that arrives meanwhile is delivered when the fork is done,
in the caller's own code, where it unwinds the process as anywhere else.

A child that must not outlive palsov asks the kernel to kill it when its parent dies, even of
SIGKILL, which nothing can catch (`die_with_parent`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import EXIT_INTERRUPTED
from .signals import STOPPING, Interrupted

_PR_SET_PDEATHSIG = 1


def fork(*, stoppable_child: bool = True) -> int:
    """`os.fork()` with the stopping signals held back across it. One that arrived meanwhile is
    raised as it returns: in the parent after it has killed the child that nothing else knows of
    yet; a child leaves at once (exit 130) rather than unwind its copy of the parent's stack. A
    child that is not `stoppable_child` keeps them held back for good (a watcher that must outlive
    a Ctrl-C sent to the whole process group)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        raise
    if pid == 0:
        if stoppable_child:
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            except Interrupted:
                os._exit(EXIT_INTERRUPTED)
        return 0
    _let_go(previous, lambda: _reap_killed(pid))
    return pid


def spawn(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """`subprocess.Popen(command, **options)` for a child that dies with this process. Preparing
    the child runs Python code in it, for which Python forks with its callbacks as `os.fork` does,
    so the stopping signals are held back here as in `fork`; the command starts with them as they
    were, at their default action. Start it before this process starts threads: one could hold a
    lock that the Python code in the child then waits on."""
    parent = os.getpid()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)

    def prepare() -> None:
        die_with_parent(parent)
        for signum in STOPPING:  # the command's own, and no handler of ours in the child meanwhile
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    try:
        process = subprocess.Popen(command, preexec_fn=prepare, **options)
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        raise

    def undo() -> None:
        process.kill()
        process.wait()

    _let_go(previous, undo)
    return process


def die_with_parent(parent: int | None = None) -> None:
    """In a child: ask the kernel to kill this process when its parent dies (Linux), and leave at
    once if the parent is already gone. A no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:  # it died before prctl took effect
        os._exit(EXIT_INTERRUPTED)


def _let_go(previous: Iterable[int], undo: Callable[[], object]) -> None:
    """Give the parent its stopping signals back; one that arrived while they were held is raised
    here, once `undo` has removed the child just made."""
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    except Interrupted:
        undo()
        raise


def _reap_killed(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
