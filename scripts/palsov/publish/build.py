"""`palsov build`: read the project's inputs once, validate them, and write dist/ as one transaction.

The path runs down the stages once: the project's files are listed (`project`), the graph is read
and parsed once and loaded into the store (`rdf`), the saved queries are read once (`queries`),
the data are validated against the shapes and the checks (`validation`), and only data that
conform are written (`publish`): every export, the timeline and the description from the one
sorted N-Triples, the ontology page and the charts (carried over when nothing they are made of
changed), the report and the manifest.

The whole build is written into a new folder beside dist/, which then takes dist/'s place in one
step: whatever stops a build (invalid data, a full disk, a failing export, Ctrl-C, SIGTERM), dist/
is the previous build, file for file, or the new one, never a mixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType

from ..project import Project
from ..queries.saved import SavedQuery, find_query, saved_queries
from ..rdf.files import carry, replaced_folder, write_atomically
from ..rdf.graph import KnowledgeGraph
from ..runtime.progress import stage
from ..runtime.signals import deferred
from ..runtime.versions import code_digest, library_versions, palsov_version
from ..validation.report import Report
from ..validation.validate import require_conforming, validate_project
from . import charts, formats, jsonld, ontology_page, stats, void, w3id
from .site.model import SiteModel
from .site.write import write_site

MANIFEST = void.MANIFEST
SITE = "site"
SITE_STAMP = ".site.sha256"
CHARTS = [f"{name}.{ext}" for name in ("timeline", "network") for ext in ("png", "svg")]


@dataclass(frozen=True)
class Checked:
    """A project's inputs, read once, and what validation made of them."""

    project: Project
    kg: KnowledgeGraph
    queries: list[SavedQuery]
    context: dict  # the JSON-LD context the exports are compacted with
    report: Report
    stats: stats.Stats


@dataclass(frozen=True)
class Written:
    """What a build put in dist/: the files it wrote, and whether it moved the previous build's
    site there whole (unchanged, its files are not listed one by one: there are a thousand on the
    real data, about 800,000 at a million triples, and listing them took longer than moving them)."""

    files: list[Path]
    site_moved: bool


@dataclass(frozen=True)
class BuildResult:
    stats: stats.Stats
    report: Report
    written: list[Path]
    site_moved: bool


def check(project: Project) -> Checked:
    """Read the project's inputs and validate them (the first half of a build)."""
    with stage("reading and validating the graph"):
        kg = KnowledgeGraph.read(project)
        kg.parse_and_load()  # what the exports are written from, and the store, at once
        queries = saved_queries(project.queries_dir)
        context = jsonld.load_context(jsonld.context_path(project.ontology_dir))
        report = validate_project(project, kg=kg, queries=queries)
    return Checked(project, kg, queries, context, report, stats.compute(kg.store))


def write(checked: Checked, strict: bool = False, workers: int | None = None) -> Written:
    """Write dist/ from data that conform, else raise NotConforming with dist/ left as it was."""
    dist = checked.project.dist_dir
    require_conforming(checked.report, f"{dist} was left as it was", strict)
    undo: list[Callable[[], None]] = []
    with replaced_folder(dist, undo) as folder:
        written, site_moved = _write_build(checked, dist, folder, workers, undo)
    inside = len(str(folder)) + 1  # thousands of site files: a slice, not Path.relative_to, each
    return Written([dist / str(path)[inside:] for path in written], site_moved)


def build(project: Project, strict: bool = False, workers: int | None = None) -> BuildResult:
    """Validate, then write dist/ only from data that conform: a failed build changes nothing."""
    checked = check(project)
    written = write(checked, strict, workers)
    return BuildResult(checked.stats, checked.report, written.files, written.site_moved)


def _write_build(
    checked: Checked, previous: Path, folder: Path, workers: int | None, undo: list[Callable[[], None]]
) -> tuple[list[Path], bool]:
    project, kg = checked.project, checked.kg
    with stage("writing the exports"):
        timeline = find_query(checked.queries, "cq-timeline").text
        written = formats.export_all(kg, folder, checked.context, timeline_query=timeline, workers=workers)
        report_path = folder / "validation-report.ttl"
        write_atomically(report_path, checked.report.to_turtle())
        written.append(report_path)
    # pyLODE and matplotlib take seconds: their output is carried over from the previous build
    # unless its sources, the code that draws it, or the libraries it is drawn with changed.
    ontology = _relative(project, kg.sha256("ontology"))
    with stage("rendering the ontology and vocabularies pages"):
        written += reuse_or_render(
            previous,
            folder,
            ".ontology.sha256",
            stamp(ontology, ontology_page, ontology_page.LIBRARIES),
            [ontology_page.ONTOLOGY_PAGE, ontology_page.VOCABULARIES_PAGE],
            lambda: ontology_page.render(kg, folder / ontology_page.ONTOLOGY_PAGE),
        )
    with stage("drawing the charts"):
        written += reuse_or_render(
            previous,
            folder,
            ".charts.sha256",
            stamp({**ontology, **_relative(project, kg.sha256("data"))}, charts, charts.LIBRARIES),
            CHARTS,
            lambda: charts.plot(kg, folder).written,
        )
    manifest = folder / MANIFEST  # the dumps above: the site publishes what it lists, and it
    write_atomically(manifest, void.sha256sums(written))
    site_url = w3id.target()
    with stage("writing the site"):
        site, site_moved = _site(checked, previous, folder, undo, site_url)
    rules = w3id.write_rules(folder, site_url)
    _carry_others(previous, folder)
    return [*written, manifest, *site, *rules], site_moved


def _site(
    checked: Checked, previous: Path, folder: Path, undo: list[Callable[[], None]], site_url: str
) -> tuple[list[Path], bool]:
    """The site, written anew, or moved whole from the previous build when what it is made of is
    unchanged (every file the graph is read from, the context, the code of publish/ and rdf/, the
    assets, the site's URL, the versions): its thousand folders take longer to make and to remove
    than its pages take to render. The downloads page and the downloads themselves (links to the
    dumps just written) are made anew either way. Should the build fail after the move, `undo`
    puts the site back as it was. The manifest lists the dumps only, so _carry_others never carries
    the site."""
    from .site import overviews
    from .site import write as site_write
    from .site.html import asset
    from .site.layout import DOWNLOADS_FOLDER
    from .site.write import ASSET_FILES, DOWNLOADS, publish_downloads

    project, kg = checked.project, checked.kg
    sources = {path: digest for part in kg.files for path, digest in _relative(project, kg.sha256(part)).items()}
    sources["context"] = hashlib.sha256(json.dumps(checked.context, sort_keys=True).encode()).hexdigest()
    sources["site URL"] = site_url  # the 404 page links from it
    for name in ASSET_FILES:
        sources[f"assets/{name}"] = hashlib.sha256(asset(name)).hexdigest()
    # The site is drawn by much of palsov (its model reads the graph; its descriptions are written
    # by the exports' writers): its code is the source of publish/ and rdf/, whole.
    package = Path(__file__).resolve().parents[1]
    for path in sorted([*(package / "publish").rglob("*.py"), *(package / "rdf").glob("*.py")]):
        sources[f"code/{path.relative_to(package)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    current = stamp(sources, site_write, ("pyoxigraph",))
    old_stamp, old_site, out = previous / SITE_STAMP, previous / SITE, folder / SITE
    fresh = old_stamp.is_file() and old_stamp.read_text(encoding="utf-8").strip() == current
    write_atomically(folder / SITE_STAMP, current + "\n")
    published = void.downloads(folder)
    if fresh and old_site.is_dir() and not old_site.is_symlink() and _moved(old_site, out, undo):
        # The previous build's page and links are set aside, for `undo` (which runs last first,
        # so they are back before the site is moved back).
        for part in (DOWNLOADS, DOWNLOADS_FOLDER):
            current_part, kept = out / part, previous / f".{SITE}-{part}"
            if current_part.exists():
                with deferred():
                    os.replace(current_part, kept)
                    undo.append(partial(_put_back, kept, current_part))
        write_atomically(out / DOWNLOADS, overviews.downloads(published))
        return [out / DOWNLOADS, *publish_downloads(published, out)], True
    return write_site(SiteModel.of(kg), checked.context, out, folder, site_url=site_url), False


def _put_back(kept: Path, place: Path) -> None:
    """`kept` at `place` again, in place of what the failed build put there (a folder of links)."""
    if place.is_dir() and not place.is_symlink():
        shutil.rmtree(place)
    os.replace(kept, place)


def _moved(source: Path, target: Path, undo: list[Callable[[], None]]) -> bool:
    """Move `source` to `target` (one rename), with the move back in `undo`; False where it cannot."""
    with deferred():
        try:
            os.rename(source, target)
        except OSError:
            return False
        undo.append(lambda: os.rename(target, source))
    return True


def _relative(project: Project, digests: dict[Path, str]) -> dict[str, str]:
    return {str(path.relative_to(project.root)): digest for path, digest in digests.items()}


def stamp(sources: dict[str, str], renderer: ModuleType, libraries: tuple[str, ...]) -> str:
    """What a rendering is made of, as one SHA-256: its sources' contents (by path in the project),
    the code that renders it, and the versions of palsov and of the libraries it is rendered with."""
    made_of = {
        "sources": sources,
        "code": code_digest(renderer),
        "versions": {"palsov": palsov_version(), **library_versions(*libraries)},
    }
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()


def reuse_or_render(
    previous: Path,
    folder: Path,
    stamp_name: str,
    current: str,
    outputs: list[str],
    render: Callable[[], list[Path]],
) -> list[Path]:
    """The outputs in `folder`: linked from the `previous` folder when they were made there from
    the same stamp (see `stamp`), else made anew by `render`; slow, deterministic renderings (the
    ontology page, the charts) are then redone only when what makes them has changed."""
    old_stamp = previous / stamp_name
    fresh = old_stamp.is_file() and old_stamp.read_text(encoding="utf-8").strip() == current
    if fresh and all((previous / name).is_file() for name in outputs):
        for name in outputs:
            carry(previous / name, folder / name)
        written = [folder / name for name in outputs]
    else:
        written = render()
    write_atomically(folder / stamp_name, current + "\n")
    return written


def _carry_others(previous: Path, folder: Path) -> None:
    """What other commands left in dist/ (benchmarks, Wikidata proposals) outlives a build; what an
    earlier build wrote (listed in its manifest, or a stamp) is replaced by this one's."""
    if not previous.is_dir():
        return
    manifest = previous / MANIFEST
    listed = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
    built = {line.split("  ", 1)[1] for line in listed if "  " in line}
    for entry in previous.iterdir():
        if entry.name in built or entry.name == MANIFEST or entry.name.startswith("."):
            continue
        if not (folder / entry.name).exists():
            carry(entry, folder / entry.name)
