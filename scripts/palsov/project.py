"""Where a palsov project keeps its parts: the fixed layout of the brief, found from any folder.

A stage above `rdf`: it lists its files with `rdf.io`, and a KnowledgeGraph reads from anything laid
out like it (`rdf.graph.GraphSources`), so that `rdf` never imports the project."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .rdf.io import files_under

ROOT_ENV = "PALSOV_ROOT"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def source_text(self) -> Path:
        return self.data_dir / "source" / "article.txt"

    @property
    def ledger(self) -> Path:
        return self.data_dir / "ledger.csv"

    @property
    def wikidata_dir(self) -> Path:
        """Wikidata's answers (cache/) and the facts taken from them, kept apart from our data."""
        return self.data_dir / "wikidata"

    @property
    def enrichment_file(self) -> Path:
        return self.wikidata_dir / "enrichment.ttl"

    @property
    def link_check_file(self) -> Path:
        """The last `palsov link check`: each link's result against the endpoint it was checked on."""
        return self.wikidata_dir / "link-checks.ttl"

    def ontology_files(self) -> list[Path]:
        return _turtle_files(self.ontology_dir)

    def data_files(self) -> list[Path]:
        return [p for p in _turtle_files(self.data_dir) if self.wikidata_dir not in p.parents]

    def enrichment_files(self) -> list[Path]:
        """What was taken from Wikidata: the enrichment and the last link check's results."""
        return [path for path in (self.enrichment_file, self.link_check_file) if path.exists()]

    def shape_files(self) -> list[Path]:
        return _turtle_files(self.shapes_dir)


def _turtle_files(folder: Path) -> list[Path]:
    """The RDF files under a folder: Turtle, and N-Triples (a subset of Turtle, quicker to read);
    a folder that cannot be read is an error, never a silent gap in the build."""
    return files_under(folder, (".ttl", ".nt"))


def _looks_like_root(folder: Path) -> bool:
    return (folder / "ontology").is_dir() and (folder / "data").is_dir()


def find_project(start: Path | None = None) -> Project:
    """The project named by $PALSOV_ROOT, else the nearest folder above with ontology/ and data/."""
    named = os.environ.get(ROOT_ENV)
    if named:
        root = Path(named).resolve()
        if not _looks_like_root(root):
            raise InputError(f"{root}: ${ROOT_ENV} names no palsov project (no ontology/ and data/)")
        return Project(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _looks_like_root(folder):
            return Project(folder)
    raise InputError(
        f"{here}: not inside a palsov project (no ontology/ and data/ here or above); "
        f"run from the project folder or set ${ROOT_ENV}"
    )
