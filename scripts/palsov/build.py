"""`palsov build`: read the ontology and data, validate them, and write dist/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import export, stats
from .graph import KnowledgeGraph
from .project import Project


@dataclass(frozen=True)
class BuildResult:
    stats: stats.Stats
    written: list[Path]


def build(project: Project) -> BuildResult:
    kg = KnowledgeGraph.read(project)
    written = export.export_all(kg, project.dist_dir)
    return BuildResult(stats=stats.compute(kg.store), written=written)
