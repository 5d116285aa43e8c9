"""The processes palsov starts: forked workers and watchers, and the commands it runs as servers.

Python runs the callbacks registered with `os.register_at_fork` (logging registers some) inside
every fork, and does not raise what they raise. A stopping signal whose handler ran in one had its
`Interrupted` dropped there: the build ran on to its end, and a server went on serving (`signals`
keeps such an interrupt, but it cannot stop the process where it came). Here every fork holds the
stopping signals back while it runs: one that arrives meanwhile is raised when the fork is done,
in the caller's own code, where it unwinds the process as anywhere else.

A child that must not outlive palsov asks the kernel to kill it when its parent dies, even of
SIGKILL, which nothing can catch (`die_with_parent`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from ..errors import EXIT_INTERRUPTED
from .signals import STOPPING, Interrupted, deferred

_PR_SET_PDEATHSIG = 1


def fork(*, stoppable_child: bool = True) -> int:
    """`os.fork()` with the stopping signals held back across it (`signals.deferred`). One that
    arrived meanwhile is raised as it returns: in the parent once it has killed the child that
    nothing else knows of yet; a child leaves at once (exit 130) rather than unwind its copy of the
    parent's stack. A child that is not `stoppable_child` ignores them from its first instruction
    (a watcher that must outlive a Ctrl-C sent to the whole process group)."""
    pid = -1
    try:
        with deferred():
            pid = os.fork()
            if pid == 0 and not stoppable_child:
                for signum in STOPPING:
                    signal.signal(signum, signal.SIG_IGN)
    except Interrupted:
        if pid == 0:
            os._exit(EXIT_INTERRUPTED)
        if pid > 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    return pid


def spawn(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """`subprocess.Popen(command, **options)` for a child that dies with this process. Preparing
    the child runs Python code in it, for which Python forks with its callbacks as `os.fork` does,
    so the stopping signals are held back here as in `fork`; the command starts with them at their
    default action. Start it before this process starts threads: one could hold a lock that the
    Python code in the child then waits on."""
    parent = os.getpid()

    def prepare() -> None:
        die_with_parent(parent)
        for signum in STOPPING:
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)  # the command keeps the mask it starts with

    started: list[subprocess.Popen[bytes]] = []
    try:
        with deferred():
            started.append(subprocess.Popen(command, preexec_fn=prepare, **options))
    except Interrupted:
        for process in started:
            process.kill()
            process.wait()
        raise
    return started[0]


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
