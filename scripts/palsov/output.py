"""Writing generated files so that a failed run never leaves a partial or lost file behind."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomically(path: Path, content: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes files private; outputs are not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def rebuild_if_changed(
    stamp: Path, sources: list[Path], outputs: list[Path], render: Callable[[], list[Path]]
) -> list[Path]:
    """Run `render` unless its outputs exist and were made from these very sources.

    The sources' SHA-256 is kept in `stamp`; slow, deterministic renderings (the ontology page,
    the charts) are then redone only when what they show has changed.
    """
    current = fingerprint(sources)
    fresh = stamp.exists() and stamp.read_text(encoding="utf-8").strip() == current
    if fresh and all(path.exists() for path in outputs):
        return outputs
    written = render()
    write_atomically(stamp, current + "\n")
    return written
