"""Helpers for the fault tests: snapshots of folders, strays, processes left behind, and file
systems that are full or read-only (small tmpfs mounts, where this machine lets us mount)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import PROJECT_PARTS, ROOT


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder (hidden ones too) by its relative path, with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def checksums_hold(dist: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)


def strays(root: Path, temporary: Path | None = None) -> list[str]:
    """What a run left that it should not have: anything in the project beside its parts and
    dist/, temporary files in dist/, anything in its temporary folder."""
    left = [p.name for p in root.iterdir() if p.name not in (*PROJECT_PARTS, "dist")]
    if (root / "dist").is_dir():
        left += [str(p) for p in (root / "dist").rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".export")]
    if temporary is not None:
        left += [str(p) for p in temporary.iterdir()]
    return left


def processes_in(folder: Path) -> list[int]:
    """The processes whose working folder is `folder` (a run's forked workers share it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def processes_running(text: str) -> list[int]:
    """The processes whose command line contains `text` (a temporary folder's name, say)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in command:
                found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, timeout: float = 60) -> bool:
    """Poll until `condition` holds (True) or the process has ended first (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("the moment never came")


def wait_until_it_handles_signals(process: subprocess.Popen, timeout: float = 30) -> None:
    """Wait for the moment palsov's own code has started: it catches SIGTERM from then on (the
    interpreter alone catches only SIGINT). Read from the kernel's account of the process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            return
        caught = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
        if caught & (1 << (signal.SIGTERM - 1)) or process.poll() is not None:
            return
        time.sleep(0.001)
    raise AssertionError("palsov never set up its signals")


def palsov_process(*args: str, cwd: Path, temporary: Path, **options: object) -> subprocess.Popen[str]:
    return _python("-m", "palsov", *args, cwd=cwd, temporary=temporary, **options)


#: palsov as `python -m palsov` runs it, but for a SIGINT the process sends itself where Python
#: calls code of its own accord and ignores what it raises (reporting it as "Exception ignored"): in
#: a callback it runs as it forks for the nth time (os.register_at_fork's `before` or
#: `after_in_parent`), or in a finaliser as the command starts. A Ctrl-C at the worst moment, every time.
_INTERRUPTED = """\
import os, signal, sys
from palsov import __main__, cli
from palsov.publish import parallel
parallel.usable_cores = lambda: 2  # forked workers even on one core
import threading, time
where, nth = sys.argv.pop(1), int(sys.argv.pop(1))
threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()  # as a library's own thread
def interrupt():
    os.kill(os.getpid(), signal.SIGINT)
class Finaliser:
    def __del__(self):
        interrupt()
if where == "finaliser":
    command = cli.main
    def main():
        Finaliser()  # collected at once
        command()
    cli.main = main
else:
    forks = []
    def at_fork():
        forks.append(where)
        if len(forks) == nth:
            interrupt()
    os.register_at_fork(**{where: at_fork})
sys.argv[0] = "palsov"
__main__.main()
"""


def palsov_interrupted(*args: str, where: str, nth: int = 1, cwd: Path, temporary: Path) -> subprocess.Popen[str]:
    return _python("-c", _INTERRUPTED, where, str(nth), *args, cwd=cwd, temporary=temporary)


def _python(*args: str, cwd: Path, temporary: Path, **options: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "PALSOV_ROOT"}
    env["TMPDIR"] = str(temporary)
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


@contextmanager
def mounted_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `folder`; skips the test where this machine does not let us mount."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot make a small file system")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.decode().strip() or 'refused'})")
    try:
        yield folder
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], capture_output=True)
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


def copy_project(root: Path) -> None:
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, root / part)
