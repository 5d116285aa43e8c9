"""What palsov keeps between runs to start faster: results that take long to make and that are a
pure function of inputs it can name (the checked, compiled shapes: see validation/validate.py).

An entry is found by its key, the SHA-256 of everything it was made from, and holds that key again:
an entry made from other inputs, or one that cannot be read whole (cut short, corrupt, written by
another version of Python), is a miss, never an answer. Nothing here is project output, so it lives
outside dist/ (an interrupted or refused build leaves dist/ as it was): in `$PALSOV_CACHE_DIR`, else
`$XDG_CACHE_HOME/palsov`, else `~/.cache/palsov`. A folder that cannot be written means no cache.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

#: The entries kept in a folder, the newest by use: enough for a few projects and branches.
KEPT = 16


def folder(kind: str) -> Path:
    base = os.environ.get("PALSOV_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = str(Path(xdg) / "palsov") if xdg else str(Path.home() / ".cache" / "palsov")
    return Path(base) / kind


def load(kind: str, key: str) -> Any | None:
    """The entry made from `key`, or None."""
    path = folder(kind) / f"{key}.pickle"
    try:
        with open(path, "rb") as file:
            stored_key, value = pickle.load(file)
        os.utime(path)  # used: the last to be pruned
    except Exception:  # whatever a damaged entry raises, it is a miss
        return None
    return value if stored_key == key else None


def store(kind: str, key: str, value: Any) -> None:
    """Keep `value` under `key`, written whole or not at all; the oldest entries beyond KEPT go."""
    place = folder(kind)
    try:
        place.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=place, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump((key, value), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, place / f"{key}.pickle")
        except BaseException:
            os.unlink(temporary)
            raise
        entries = sorted(place.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEPT:]:
            old.unlink(missing_ok=True)
    except Exception:  # a folder we cannot write, a value that does not pickle: no cache, no error
        return
