"""`palsov build`: read the ontology and data, validate them, and write dist/ as one transaction.

The whole build is written into a new folder beside dist/, which then takes dist/'s place in one
step: whatever stops a build (invalid data, a full disk, a failing export, Ctrl-C, SIGTERM), dist/
is the previous build, file for file, or the new one, never a mixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import describe, docs, export, plot, stats
from .graph import KnowledgeGraph
from .output import carry, replaced_folder, reuse_or_render, write_atomically
from .progress import stage
from .project import Project
from .queries import find_query
from .report import Report
from .validate import validate_project

MANIFEST = "SHA256SUMS"
CHARTS = [f"{name}.{ext}" for name in ("timeline", "network") for ext in ("png", "svg")]


@dataclass(frozen=True)
class BuildResult:
    stats: stats.Stats
    report: Report
    written: list[Path]


def build(project: Project, strict: bool = False, workers: int | None = None) -> BuildResult:
    """Validate, then write dist/ only from data that conforms: a failed build changes nothing."""
    with stage("reading and validating the graph"):
        kg = KnowledgeGraph.read(project)
        report = validate_project(project, kg=kg)
    written: list[Path] = []
    if report.passes(strict):
        dist = project.dist_dir
        with replaced_folder(dist) as folder:
            written = _write_build(project, kg, report, dist, folder, workers)
        written = [dist / path.relative_to(folder) for path in written]
    return BuildResult(stats=stats.compute(kg.store), report=report, written=written)


def _write_build(
    project: Project, kg: KnowledgeGraph, report: Report, previous: Path, folder: Path, workers: int | None
) -> list[Path]:
    with stage("writing the exports"):
        timeline = find_query(project.queries_dir, "cq-timeline").text
        written = export.export_all(kg, folder, timeline_query=timeline, workers=workers)
        report_path = folder / "validation-report.ttl"
        write_atomically(report_path, report.to_turtle())
        written.append(report_path)
    # pyLODE and matplotlib take seconds: their output is carried over from the previous build
    # unless its sources changed.
    with stage("rendering the ontology page"):
        written += reuse_or_render(
            previous,
            folder,
            ".ontology.sha256",
            project.ontology_files(),
            ["ontology.html"],
            lambda: [docs.render(kg.ontology, folder / "ontology.html")],
        )
    with stage("drawing the charts"):
        written += reuse_or_render(
            previous,
            folder,
            ".charts.sha256",
            project.ontology_files() + kg.data_files,
            CHARTS,
            lambda: plot.plot(kg, folder).written,
        )
    manifest = folder / MANIFEST
    write_atomically(manifest, describe.sha256sums(written))
    _carry_others(previous, folder)
    return [*written, manifest]


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
