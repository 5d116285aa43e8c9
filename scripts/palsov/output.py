"""Writing generated files so that a failed run never leaves a partial or lost file behind."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to fill, renamed over `path` in one step when the block
    succeeds and removed when it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes files private; outputs are not
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, content: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step."""
    with atomic_file(path) as temporary:
        temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in blocks; remembered while the file keeps its inode, size and time, as a
    build asks for the same large file twice (the description, then SHA256SUMS)."""
    status = path.stat()
    key = (str(path.resolve()), status.st_ino, status.st_size, status.st_mtime_ns)
    if key not in _SHA256:
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
        _SHA256[key] = digest.hexdigest()
    return _SHA256[key]


_SHA256: dict[tuple[str, int, int, int], str] = {}


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
