"""The ontology's documentation page, rendered by pyLODE from the ontology modules.

pyLODE takes about a second; `palsov build` calls `render_if_changed`, which skips the work when
the page was already rendered from the same ontology files (their SHA-256 is kept beside it).
"""

from __future__ import annotations

import hashlib
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


def fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_if_changed(ontology: Graph, sources: list[Path], out: Path) -> Path:
    stamp = out.with_name(out.name + ".sha256")
    current = fingerprint(sources)
    if out.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == current:
        return out
    render(ontology, out)
    write_atomically(stamp, current + "\n")
    return out
