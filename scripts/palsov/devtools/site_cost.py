"""What the site costs a build: `python -m palsov.devtools.site_cost [SIZE …] [--runs N]`.

`palsov build` as a whole process, three ways, interleaved (A, B, C, A, B, C …) so that what else
the machine does falls on all three: a rebuild from unchanged inputs (the site moved whole from the
previous build, as `palsov bench` measures it), a rebuild with the site written anew (its stamp
removed first, as after any change to the data; the previous site is removed after the swap), and
a build that writes no site at all (from a dist/ without one). On the
real data, and on synthetic corpora of about SIZE triples (`devtools.corpus`). A benchmark, not a
test: it prints medians and ranges and never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..project import Project, find_project
from .bench import environment
from .corpus import write_corpus

#: The build, with the site left out: what the same process does without `_site`.
_NO_SITE = (
    "import sys; from palsov.publish import build; build._site = lambda *_: ([], False); "
    "sys.argv = ['palsov', 'build']; from palsov.__main__ import main; main()"
)


def _timed(command: list[str], cwd: Path, before: Callable[[], None] = lambda: None) -> float:
    before()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-400:])
    return elapsed


def measure(project: Project, runs: int) -> dict[str, list[float]]:
    root = project.root
    stamp, site = project.dist_dir / ".site.sha256", project.dist_dir / "site"
    ways: dict[str, tuple[list[str], Callable[[], None]]] = {
        "rebuild, site moved": ([sys.executable, "-m", "palsov", "build"], lambda: None),
        "rebuild, site written": ([sys.executable, "-m", "palsov", "build"], lambda: stamp.unlink(missing_ok=True)),
        # From a dist/ with no site: removing the previous build's is a cost of having a site.
        "build, no site": ([sys.executable, "-c", _NO_SITE], lambda: shutil.rmtree(site, ignore_errors=True)),
    }
    _timed(ways["rebuild, site moved"][0], root)  # the first build: page, charts and site made
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(runs):
        for name, (command, before) in ways.items():
            if name == "rebuild, site moved":
                _timed(command, root)  # a build with the site: so that this one has one to move
            times[name].append(_timed(command, root, before))
            print(f"  {name}: {times[name][-1]:.2f} s", file=sys.stderr, flush=True)  # it takes minutes
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="corpus sizes in triples (the real data always)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    project = find_project()
    targets: list[tuple[str, Project, tempfile.TemporaryDirectory[str] | None]] = [("real data", project, None)]
    for size in args.sizes:
        scratch = tempfile.TemporaryDirectory(prefix=f"palsov-site-cost-{size}-")
        targets.append((f"{size:,} triples", write_corpus(project, size, Path(scratch.name)), scratch))
    for label, target, folder in targets:
        times = measure(target, args.runs)
        base = statistics.median(times["build, no site"])
        print(f"{label} ({args.runs} interleaved runs):")
        for name, found in times.items():
            print(
                f"  {name:<22} median {statistics.median(found):7.2f} s  range {min(found):.2f}–{max(found):.2f} s"
                f"  ({statistics.median(found) / base:.2f}x the build without a site)"
            )
        if folder is not None:
            folder.cleanup()


if __name__ == "__main__":
    main()
