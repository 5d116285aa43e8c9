"""A rebuild from unchanged inputs moves the previous build's site into the new one (publish/build.py,
`_site`): the same bytes as a site written anew, the downloads page of the new dumps; a change to
anything the site is made of writes it anew; a build that fails after the move leaves the previous
build whole."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from palsov.project import Project
from palsov.publish import build as publish_build
from palsov.publish.build import build

from .conftest import run_palsov
from .test_cli import snapshot

PAGE = Path("site") / "id" / "actor" / "soviet-union" / "index.html"


def inode(project: Project, path: Path) -> int:
    return (project.dist_dir / path).stat().st_ino


def test_an_unchanged_site_is_moved_and_its_downloads_page_lists_the_new_dumps(
    project_copy: Project, tmp_path: Path
) -> None:
    written = build(project_copy)
    assert not written.site_moved and project_copy.dist_dir / PAGE in written.written
    first = snapshot(project_copy.dist_dir)
    assert str(PAGE) in first
    page, downloads_page = inode(project_copy, PAGE), inode(project_copy, Path("site") / "downloads.html")
    moved = build(project_copy)
    assert inode(project_copy, PAGE) == page  # moved, not written again
    # What the rebuild wrote is listed; the site it moved is not, file by file.
    site_files = [path.relative_to(project_copy.dist_dir) for path in moved.written if "site" in path.parts]
    assert moved.site_moved and project_copy.dist_dir / PAGE not in moved.written
    assert {path.parts[:2] for path in site_files} == {("site", "downloads.html"), ("site", "dist")}
    assert snapshot(project_copy.dist_dir) == first
    listed = (project_copy.dist_dir / "site" / "downloads.html").read_text(encoding="utf-8")
    assert hashlib.sha256((project_copy.dist_dir / "palsov.nt").read_bytes()).hexdigest() in listed
    assert inode(project_copy, Path("site") / "downloads.html") != downloads_page  # written anew
    for dump in ("palsov.nt", "SHA256SUMS", "void.ttl"):  # the new build's dumps, not the old ones
        assert inode(project_copy, Path("site") / "dist" / dump) == inode(project_copy, Path(dump)), dump


def test_a_new_site_url_writes_the_site_anew(project_copy: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project_copy)
    page = inode(project_copy, PAGE)
    monkeypatch.setenv("PALSOV_SITE_URL", "https://example.org/elsewhere/")
    build(project_copy)
    assert inode(project_copy, PAGE) != page
    assert "https://example.org/elsewhere/" in (project_copy.dist_dir / "site" / "404.html").read_text(encoding="utf-8")


def test_a_change_to_the_data_writes_the_site_anew(project_copy: Project) -> None:
    build(project_copy)
    page = inode(project_copy, PAGE)
    with (project_copy.data_dir / "actors.ttl").open("a", encoding="utf-8") as stream:
        stream.write(
            "\n<https://w3id.org/palsov/id/actor/soviet-union>"
            ' <http://www.w3.org/2004/02/skos/core#altLabel> "the Union, a test"@en .\n'
        )
    build(project_copy)
    assert inode(project_copy, PAGE) != page
    assert "the Union, a test" in (project_copy.dist_dir / PAGE).read_text(encoding="utf-8")


def test_a_change_to_the_code_writes_the_site_anew(project_copy: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project_copy)
    page = inode(project_copy, PAGE)
    real = publish_build.stamp
    monkeypatch.setattr(publish_build, "stamp", lambda sources, *rest: real({**sources, "code/x.py": "new"}, *rest))
    build(project_copy)
    assert inode(project_copy, PAGE) != page


@pytest.mark.parametrize(
    "fails",
    ["palsov.publish.build._carry_others", "palsov.rdf.files._swap_in"],
    ids=["after-the-move", "at-the-swap"],
)
def test_a_build_that_fails_after_the_move_leaves_the_previous_build_whole(
    project_copy: Project, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    build(project_copy)
    # A second build: its downloads page is the one that lists this build's dumps.
    build(project_copy)
    before = snapshot(project_copy.dist_dir)
    page = inode(project_copy, PAGE)

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fails, broken)
    with pytest.raises(Exception, match="left as it was"):
        build(project_copy)
    assert snapshot(project_copy.dist_dir) == before
    assert inode(project_copy, PAGE) == page
    assert [p.name for p in project_copy.root.iterdir() if p.name.startswith(".dist")] == []
    assert [p.name for p in project_copy.dist_dir.iterdir() if p.name.startswith(".site-")] == []


def test_the_site_cost_benchmark_runs_and_reports_every_way(project_copy: Project) -> None:
    """devtools.site_cost (a benchmark: it prints figures and asserts none) times the three builds
    it names on the real data and says each one's median and range."""
    done = run_palsov("--runs", "1", cwd=project_copy.root, timeout=600, module="palsov.devtools.site_cost")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "real data (1 interleaved runs):"
    for way in ("rebuild, site moved", "rebuild, site written", "build, no site"):
        assert re.search(
            rf"^  {re.escape(way)} +median +\d+\.\d\d s  range .*x the build without a site\)$", done.stdout, re.M
        ), way
