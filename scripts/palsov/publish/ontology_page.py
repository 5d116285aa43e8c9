"""The ontology's documentation page, rendered by pyLODE from the ontology modules."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..rdf.files import write_atomically
from ..rdf.graph import KnowledgeGraph

#: What the page is made by, beside its sources: a new version of either makes it again.
LIBRARIES = ("pylode", "rdflib")


def _ontpub() -> Any:
    """pyLODE's page maker. pyLODE configures the root logger when it is imported (basicConfig at
    DEBUG): the process's logging is put back as it was, so that a build prints only its own lines
    and an application that imports palsov keeps its own logging."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    try:
        from pylode import OntPub  # imported late: slow to import, and only this stage needs it
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub


def render(kg: KnowledgeGraph, out: Path) -> Path:
    write_atomically(out, _ontpub()(ontology=kg.ontology).make_html())
    return out
