"""palsov: a linked-data knowledge graph of Palestine–Soviet Union relations (1919–1991).

The package's façade, for use from Python: `build`, `validate` and `export` do what the commands of
the same names do, on the project found from the current folder (or the one given). Nothing is
imported until one is called, so that `import palsov` and the command's start-up stay quick.
"""

from __future__ import annotations

from .runtime.versions import PALSOV_VERSION as __version__

#: typing.TYPE_CHECKING without importing typing, which is most of `palsov --version` (mypy reads
#: any TYPE_CHECKING as true).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pathlib import Path  # at run time only where a path is made: `palsov --version` needs none

    from .project import Project
    from .publish.build import BuildResult
    from .validation.report import Report

__all__ = ["__version__", "build", "export", "validate"]


def _project(project: Project | Path | str | None) -> Project:
    from pathlib import Path

    from .project import Project, find_project

    if project is None:
        return find_project()
    return project if isinstance(project, Project) else Project(Path(project))


def build(project: Project | Path | str | None = None, strict: bool = False, jobs: int | None = None) -> BuildResult:
    """Validate the project and write dist/ as `palsov build` does; NotConforming (a DataError)
    when the data do not conform, with dist/ left as it was."""
    from .publish.build import build as run

    return run(_project(project), strict=strict, workers=jobs)


def validate(project: Project | Path | str | None = None, engine: str = "sparql") -> Report:
    """The project's data against its shapes and checks, as `palsov validate` reports them."""
    from .validation.validate import validate_project

    return validate_project(_project(project), engine=engine)


def export(format_name: str = "turtle", project: Project | Path | str | None = None) -> bytes:
    """The merged graph in one format (turtle, jsonld, ntriples, nquads, trig, rdfxml), as `palsov
    export` writes it."""
    from .publish.formats import exported
    from .publish.jsonld import context_path, load_context
    from .rdf.graph import KnowledgeGraph

    found = _project(project)
    context = load_context(context_path(found.ontology_dir))
    return exported(KnowledgeGraph.read(found), format_name, context)
