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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..project import Project
from ..queries.saved import SavedQuery, find_query, saved_queries
from ..rdf.files import carry, replaced_folder, write_atomically
from ..rdf.graph import KnowledgeGraph
from ..runtime.progress import stage
from ..runtime.versions import code_digest, library_versions, palsov_version
from ..validation.report import Report
from ..validation.validate import require_conforming, validate_project
from . import charts, formats, jsonld, ontology_page, stats, void, w3id
from .site.model import SiteModel
from .site.write import write_site

MANIFEST = void.MANIFEST
SITE = "site"
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
class BuildResult:
    stats: stats.Stats
    report: Report
    written: list[Path]


def check(project: Project) -> Checked:
    """Read the project's inputs and validate them (the first half of a build)."""
    with stage("reading and validating the graph"):
        kg = KnowledgeGraph.read(project)
        _ = kg.parsed  # each file parsed once, into what the exports are written from; the store loads that
        queries = saved_queries(project.queries_dir)
        context = jsonld.load_context(jsonld.context_path(project.ontology_dir))
        report = validate_project(project, kg=kg, queries=queries)
    return Checked(project, kg, queries, context, report, stats.compute(kg.store))


def write(checked: Checked, strict: bool = False, workers: int | None = None) -> list[Path]:
    """Write dist/ from data that conform, else raise NotConforming with dist/ left as it was."""
    dist = checked.project.dist_dir
    require_conforming(checked.report, f"{dist} was left as it was", strict)
    with replaced_folder(dist) as folder:
        written = _write_build(checked, dist, folder, workers)
    return [dist / path.relative_to(folder) for path in written]


def build(project: Project, strict: bool = False, workers: int | None = None) -> BuildResult:
    """Validate, then write dist/ only from data that conform: a failed build changes nothing."""
    checked = check(project)
    return BuildResult(checked.stats, checked.report, write(checked, strict, workers))


def _write_build(checked: Checked, previous: Path, folder: Path, workers: int | None) -> list[Path]:
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
        site = write_site(SiteModel.of(kg), checked.context, folder / SITE, folder, site_url=site_url)
    rules = w3id.write_rules(folder, site_url)
    _carry_others(previous, folder)
    return [*written, manifest, *site, *rules]


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
