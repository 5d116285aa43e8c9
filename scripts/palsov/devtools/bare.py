"""The bare engine doing a palsov command's work: pyoxigraph alone, what `palsov bench` compares with.

Run as a script, by its path (`python bare.py JOB.json`), so that its process imports pyoxigraph
and nothing of palsov. The job names the files to load (with `Store.load`, the call palsov makes),
the queries palsov ran (recorded by `bench`, read here to the end), the queries whose answer is
written in a results format, and the serialisations to write. Nothing here may import palsov.
"""

from __future__ import annotations

import json
import sys
from typing import Any, BinaryIO

import pyoxigraph as ox


def _format(extension: str) -> ox.RdfFormat:
    found = ox.RdfFormat.from_extension(extension)
    if found is None:
        raise ValueError(f"no RDF format has the extension {extension!r}")
    return found


def load(files: list[list[str]]) -> ox.Store:
    """The files in one store's default graph: `Store.load` for a graph, the quads' triples for a
    dataset, as palsov's `rdf.io.load_file` does."""
    store = ox.Store()
    for path, extension, base_iri in files:
        with open(path, "rb") as file:
            data = file.read()
        fmt = _format(extension)
        if fmt.supports_datasets:
            store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt))
        else:
            store.load(data, format=fmt, base_iri=base_iri)
    return store


def run(job: dict[str, Any], store: ox.Store | None = None, out: BinaryIO | None = None) -> ox.Store:
    """Do the job: on `store` when given (else the job's files loaded), printing to `out` (else
    standard output) how many solutions each query had, and each results document."""
    store = store if store is not None else load(job.get("files", []))
    out = out if out is not None else sys.stdout.buffer
    for text, prefixes in job.get("queries", []):
        found = store.query(text, prefixes=prefixes)
        if isinstance(found, ox.QueryBoolean):
            out.write(b"%d\n" % bool(found))
        else:
            out.write(b"%d\n" % sum(1 for _ in found))
    for text, prefixes, extension in job.get("results", []):
        answer = store.query(text, prefixes=prefixes)
        assert isinstance(answer, ox.QuerySolutions)
        out.write(answer.serialize(format=ox.QueryResultsFormat.from_extension(extension)) or b"")
    for path, extension, prefixes in job.get("dumps", []):
        fmt = _format(extension)
        store.dump(
            path,
            format=fmt,
            from_graph=None if fmt.supports_datasets else ox.DefaultGraph(),
            prefixes=prefixes if fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else None,
        )
    return store


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as given:
        run(json.load(given))
