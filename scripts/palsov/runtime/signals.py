"""How a palsov process stops: every stopping signal unwinds the stack like Ctrl-C, and the
processes it starts die with it.

SIGINT, SIGTERM and SIGHUP raise `Interrupted` wherever the process is, so every `finally` and
context manager on the way out runs (a half-made build folder is removed, a server child is
stopped). `Interrupted` is not a KeyboardInterrupt: libraries that catch Ctrl-C to print something
of their own (click prints an empty line) let it through. After the first signal the others are
ignored, so that the clean-up is not itself cut short. The processes palsov starts are made by
`children`, which keeps these signals from being lost as Python forks.

Python also calls code of its own accord where it cannot raise what that code raises: finalisers
(`__del__`: a build runs some of the standard library's), weakref and gc callbacks. It reports the
exception to `sys.unraisablehook` and goes on. An `Interrupted` reported there is kept, and the
stopping signals are handled again, so that the next one stops the process as the first one
should have; a command that runs on to success ends as interrupted all the same (`__main__`).
"""

from __future__ import annotations

import os
import signal
import sys
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


#: How many `deferred` blocks are open, and the stopping signals that arrived meanwhile (with the
#: process they arrived in: a child forked in a block is not to raise its parent's).
_holding = 0
_held: list[tuple[int, int]] = []
#: The Interrupted that Python swallowed, if one was and no stopping signal has come since.
_swallowed: list[Interrupted] = []


def _stop(signum: int, frame: FrameType | None) -> None:
    if _holding:
        _held.append((os.getpid(), signum))
        return
    _interrupt(signum)


def _interrupt(signum: int) -> None:
    for other in STOPPING:
        signal.signal(other, signal.SIG_IGN)
    _held.clear()  # this one stands for them all
    _swallowed.clear()
    raise Interrupted(signum)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    if isinstance(unraisable.exc_value, Interrupted):
        _swallowed[:] = [unraisable.exc_value]
        _handle_stops()
    else:
        sys.__unraisablehook__(unraisable)


def _handle_stops() -> None:
    for signum in STOPPING:
        signal.signal(signum, _stop)


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP unwind the process (only the main thread can), and keep an
    Interrupted that Python swallows."""
    _handle_stops()
    sys.unraisablehook = _unraisable


def raise_swallowed() -> None:
    """Raise the Interrupted that Python swallowed, if one was and no stopping signal came since."""
    if _swallowed:
        raise _swallowed[0]


def hold_back() -> None:
    """Hold the stopping signals back from now on (they stay pending until the process ends), in
    the handler too, as `deferred` does."""
    global _holding
    _holding += 1
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold the stopping signals back for a step that must not be cut in two (swapping a folder
    in, forking); one that arrived meanwhile is raised when the block ends. The handler holds them
    as well as this thread's signal mask: the kernel gives a signal to any thread that does not
    block it (a library's, a worker thread on its way out), and Python then runs the handler in
    the main thread wherever it is."""
    global _holding
    masks = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING) if masks else set()
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if masks:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # what the mask held arrives here
        if not _holding:
            held = [signum for pid, signum in _held if pid == os.getpid()]
            _held.clear()
            if held:
                _interrupt(held[0])
