"""The ontology's documentation page, rendered by pyLODE from the ontology modules."""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph

from .output import write_atomically


def render(ontology: Graph, out: Path) -> Path:
    from pylode import OntPub  # imported late: slow to import, and only this stage needs it

    # pyLODE configures the root logger at import; a build should print only its own lines.
    logging.getLogger().setLevel(logging.WARNING)
    write_atomically(out, OntPub(ontology=ontology).make_html())
    return out
