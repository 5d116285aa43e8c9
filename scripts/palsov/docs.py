"""The ontology's documentation page, rendered by pyLODE from the ontology modules."""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph

from .output import write_atomically


def render(ontology: Graph, out: Path) -> Path:
    # pyLODE logs every background ontology it loads at INFO; a build should stay quiet.
    logging.getLogger().setLevel(logging.WARNING)
    from pylode import OntPub  # imported late: it is slow to import and only this command needs it

    write_atomically(out, OntPub(ontology=ontology).make_html())
    return out
