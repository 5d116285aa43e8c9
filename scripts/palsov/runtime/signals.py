"""How a palsov process stops: every stopping signal unwinds the stack like Ctrl-C, and the
processes it starts die with it.

SIGINT, SIGTERM and SIGHUP raise `Interrupted` wherever the process is, so every `finally` and
context manager on the way out runs (a half-made build folder is removed, a server child is
stopped). `Interrupted` is not a KeyboardInterrupt: libraries that catch Ctrl-C to print something
of their own (click prints an empty line) let it through. After the first signal the others are
ignored, so that the clean-up is not itself cut short. A child started with `die_with_parent` is
killed by the kernel when its parent dies, even of SIGKILL, which nothing can catch.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ..errors import EXIT_INTERRUPTED

STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


class Interrupted(BaseException):
    """A stopping signal arrived; raised where the process was, to unwind it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    def __reduce__(self) -> tuple[type[Interrupted], tuple[int]]:
        return (Interrupted, (self.signum,))


def _stop(signum: int, frame: FrameType | None) -> None:
    for other in STOPPING:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP unwind the process (only the main thread can)."""
    for signum in STOPPING:
        signal.signal(signum, _stop)


def hold_back() -> None:
    """Hold the stopping signals back from now on (they stay pending until the process ends)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold the stopping signals back for a step that must not be cut in two (swapping a folder
    in); one that arrived meanwhile is delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
