"""How a palsov process stops: every stopping signal unwinds the stack like Ctrl-C, and the
processes it starts die with it.

SIGINT, SIGTERM and SIGHUP raise `Interrupted` wherever the process is, so every `finally` and
context manager on the way out runs (a half-made build folder is removed, a server child is
stopped). `Interrupted` is not a KeyboardInterrupt: libraries that catch Ctrl-C to print something
of their own (click prints an empty line) let it through. After the first signal the others are
ignored, so that the clean-up is not itself cut short. The processes palsov starts are made by
`children`, which keeps these signals from being lost as Python forks.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
