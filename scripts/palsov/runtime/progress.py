"""Progress for people: a spinner with what palsov is doing, on a terminal only (standard error);
nothing at all in a pipe or a log."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.status import Status

_status: Status | None = None  # the spinner of the outermost stage; inner stages change its text


def on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def stage(text: str) -> Iterator[None]:
    """Show `text` while the block runs, where a person is watching."""
    global _status
    if not on_terminal():
        yield
        return
    if _status is not None:
        outer = _status.status
        _status.update(text)
        try:
            yield
        finally:
            _status.update(outer)
        return
    from rich.console import Console

    with Console(stderr=True).status(text) as status:
        _status = status
        try:
            yield
        finally:
            _status = None


def note(text: str) -> None:
    """Change what the current spinner says (a retry, a wait), if there is one."""
    if _status is not None:
        _status.update(text)
