"""Where an internal error's traceback goes: a file of its own, named in the one line the user sees."""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path


def write_crash_log(error: BaseException) -> Path:
    """Save the error's traceback to a new file in the temporary folder, for the line that names it."""
    handle, name = tempfile.mkstemp(prefix="palsov-", suffix=".log")
    with open(handle, "w", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(error)))
    return Path(name)
