"""Writing files so that a failed run never leaves a partial or lost file behind: one file at a time
(`atomic_file`, `write_durably` for sources), or a whole folder swapped in at once
(`replaced_folder`), under a lock (`locked`); and the SHA-256 of what was written."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError
from ..runtime.signals import Interrupted, deferred


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class WriteError(InputError):
    """An output that cannot be written: its path and why (a full disk, a read-only folder …)."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(f"{path}: cannot write ({cause})")
        self.path, self.cause = path, cause

    def __reduce__(self) -> tuple[type[WriteError], tuple[Path, str]]:  # crosses from a worker intact
        return (WriteError, (self.path, self.cause))


@contextmanager
def atomic_file(path: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary file beside `path` to fill, renamed over `path` in one step when the block
    succeeds and removed when it fails; readable by all unless `mode` says otherwise."""
    temporary = None
    try:
        with deferred():  # made and named at once: a signal cannot leave it nameless behind
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            except OSError as error:
                raise WriteError(path, _cause(error)) from None
            os.close(handle)
            temporary = Path(name)
        yield temporary
        try:
            os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)  # mkstemp makes files private
            os.replace(temporary, path)
        except OSError as error:
            raise WriteError(path, _cause(error)) from None
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def write_durably(path: Path, content: bytes) -> None:
    """Replace a source file (under data/) in one step and make it last: the new text is on the
    disk before it takes the old one's name, with the old one's permissions, and the rename is
    on the disk before this returns."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
    with atomic_file(path, mode) as temporary:
        try:
            with temporary.open("wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as error:
            raise WriteError(path, _cause(error)) from None
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def write_atomically(path: Path, content: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step."""
    with atomic_file(path) as temporary:
        try:
            temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        except OSError as error:
            raise WriteError(path, _cause(error)) from None


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


def carry(source: str | Path, target: str | Path) -> None:
    """Put a file or folder of the previous build into the new one: hard links where the file system
    allows (nothing is copied; we never change a written file in place), copies elsewhere."""
    source, target = Path(source), Path(target)
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=_carry_file)
        return
    _carry_file(source, target)


def _carry_file(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


# ----------------------------------------------------------------------------- folders whole

_STAGING = ".new-"
_RETIRED = ".old-"


@contextmanager
def replaced_folder(target: Path, undo: list[Callable[[], None]] | None = None) -> Iterator[Path]:
    """A new, empty folder beside `target` to fill; when the block succeeds it takes the place of
    `target` in one step, and the previous folder is removed. When the block fails, or a signal
    stops the process, `target` is exactly as it was and the new folder is gone: the steps the
    block put in `undo` (moving back what it moved out of `target`) are taken first, last first.

    One build at a time: the parent folder is locked for the whole block, and what an earlier run
    killed with SIGKILL left behind is removed first.
    """
    _check_target(target)
    target = target.resolve() if target.is_symlink() else target  # a linked dist/ stays a link
    parent = target.parent
    with locked(parent):
        for stale in parent.glob(f".{target.name}{_STAGING}*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in parent.glob(f".{target.name}{_RETIRED}*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = None
        swapped = False
        try:
            with deferred():  # made and named at once: a signal cannot leave it nameless behind
                try:
                    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}{_STAGING}"))
                except OSError as error:
                    raise InputError(f"{parent}: cannot make the new output folder ({_cause(error)})") from None
            os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes folders private; dist/ is not
            yield staging
            with deferred():
                _swap_in(staging, target)
                swapped = True
                shutil.rmtree(staging, ignore_errors=True)  # now the previous build
        except WriteError as error:
            raise _output_error(OSError(0, error.cause, str(error.path)), staging or parent, target) from None
        except OSError as error:
            raise _output_error(error, staging or parent, target) from None
        finally:
            if not swapped:
                with deferred():
                    for step in reversed(undo or []):
                        step()
            if staging is not None:
                _remove_whole(staging)  # the unfinished build, if it is still there


def _remove_whole(folder: Path) -> None:
    """Remove the folder, even when a signal arrives as the removal starts (it is raised after)."""
    stopped: Interrupted | None = None
    done = False
    while not done:
        try:
            with deferred():
                shutil.rmtree(folder, ignore_errors=True)
                done = True
        except Interrupted as error:  # arrived before the signals were held back, or as they were let go
            stopped = error
    if stopped is not None:
        raise stopped


def _check_target(target: Path) -> None:
    if target.is_symlink() and not target.exists():
        raise InputError(f"{target}: a broken symbolic link where the output folder should be")
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder; move it away to build")
    if target.is_dir() and not os.access(target, os.W_OK):
        raise InputError(f"{target}: the output folder is read-only")
    if not target.parent.is_dir():  # os.access says "not writable" of a folder that is not there
        raise InputError(f"{target.parent}: no such folder to write {target.name} in")
    if not os.access(target.parent, os.W_OK):
        raise InputError(f"{target.parent}: cannot write beside the output folder (read-only)")


def _output_error(error: OSError, staging: Path, target: Path) -> InputError:
    """One line for a failed write (named by the file it would have become) or read."""
    place = Path(error.filename) if error.filename else staging
    writing = place == staging or staging in place.parents
    if writing:
        place = target / place.relative_to(staging)
    verb = "cannot write" if writing else "cannot read"
    cause = _cause(error) if error.errno else error.strerror
    return InputError(f"{place}: {verb} ({cause}); {target} was left as it was")


def _cause(error: OSError) -> str:
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        return "a file stands where its folder should be"
    if error.errno == errno.ENOSPC:
        return "no space left on the device"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    return error.strerror or str(error)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (no lock file to leave behind); waits for the holder."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE); False where the system
    or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap_in(staging: Path, target: Path) -> None:
    """`staging` becomes `target`; the previous `target`, if any, ends at `staging`'s name."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    # Elsewhere, two renames: for an instant between them there is no `target` at all.
    retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}{_RETIRED}"))
    os.rmdir(retired)
    os.rename(target, retired)
    os.rename(staging, target)
    os.rename(retired, staging)
