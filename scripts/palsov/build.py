"""`palsov build`: read the ontology and data, validate them, and write dist/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import describe, docs, export, plot, stats
from .graph import KnowledgeGraph
from .output import rebuild_if_changed, write_atomically
from .project import Project
from .queries import find_query
from .report import Report
from .validate import validate_project


@dataclass(frozen=True)
class BuildResult:
    stats: stats.Stats
    report: Report
    written: list[Path]


def build(project: Project, strict: bool = False, workers: int | None = None) -> BuildResult:
    """Validate, then write dist/ only from data that conforms: a failed build changes nothing."""
    kg = KnowledgeGraph.read(project)
    report = validate_project(project, kg=kg)
    written: list[Path] = []
    if report.passes(strict):
        timeline = find_query(project.queries_dir, "cq-timeline").text
        written = export.export_all(kg, project.dist_dir, timeline_query=timeline, workers=workers)
        report_path = project.dist_dir / "validation-report.ttl"
        write_atomically(report_path, report.to_turtle())
        written.append(report_path)
        # pyLODE and matplotlib take seconds: redo their output only when its sources changed.
        page = project.dist_dir / "ontology.html"
        written += rebuild_if_changed(
            project.dist_dir / ".ontology.sha256",
            project.ontology_files(),
            [page],
            lambda: [docs.render(kg.ontology, page)],
        )
        charts = [project.dist_dir / f"{name}.{ext}" for name in ("timeline", "network") for ext in ("png", "svg")]
        written += rebuild_if_changed(
            project.dist_dir / ".charts.sha256",
            project.ontology_files() + kg.data_files,
            charts,
            lambda: plot.plot(kg, project.dist_dir).written,
        )
        manifest = project.dist_dir / "SHA256SUMS"
        write_atomically(manifest, describe.sha256sums(written))
        written.append(manifest)
    return BuildResult(stats=stats.compute(kg.store), report=report, written=written)
