"""A small site in the published layout (`dist/site/<path>/index.html` and its three RDF forms
for the IRI `https://w3id.org/palsov/<path>`), for the tests of the server and of the redirect
rules: they test how pages are found and negotiated, not the pages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from palsov.endpoints.serve import served, served_triples
from palsov.endpoints.site import SiteRoute
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import BASE

from .servers import free_port

RESOURCES = ("id/actor/soviet-union", "id/actor/plo", "ontology", "ontology/0.1.0")
DESCRIBED_BY = {"ontology/0.1.0": "ontology"}  # a version IRI, its folder's name with dots in it


def _page(title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1></body></html>\n"
    )


def write_site(kg: KnowledgeGraph, root: Path) -> Path:
    """The pages of RESOURCES with their descriptions from the graph, a home page, a 404 page and a download."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(_page("palsov"), encoding="utf-8")
    (root / "404.html").write_text(_page("Not found"), encoding="utf-8")
    (root / "style.css").write_text("body { font-family: serif; }\n", encoding="utf-8")
    (root / "dist").mkdir()  # a download at its IRI, https://w3id.org/palsov/dist/palsov.ttl
    (root / "dist" / "palsov.ttl").write_text("<https://w3id.org/palsov/> a <http://rdfs.org/ns/void#Dataset> .\n")
    for path in RESOURCES:
        folder = root / path
        folder.mkdir(parents=True)
        iri = ox.NamedNode(BASE + DESCRIBED_BY.get(path, path))
        described = [ox.Triple(q.subject, q.predicate, q.object) for q in kg.store.quads_for_pattern(iri, None, None)]
        assert described, f"the graph says nothing about {iri.value}"
        (folder / "index.html").write_text(_page(path), encoding="utf-8")
        ox.serialize(described, output=str(folder / "index.ttl"), format=ox.RdfFormat.TURTLE)
        ox.serialize(described, output=str(folder / "index.nt"), format=ox.RdfFormat.N_TRIPLES)
        ox.serialize(described, output=str(folder / "index.jsonld"), format=ox.RdfFormat.JSON_LD)
    return root


@contextmanager
def serving(kg: KnowledgeGraph, site: Path) -> Iterator[str]:
    """`palsov serve`'s front in this process (a thread), with the graph `kg` at /sparql and the
    site in the folder `site`: its base URL."""
    port = free_port()
    with served(served_triples(kg, f"http://127.0.0.1:{port}/sparql"), port, site=lambda _: SiteRoute(site)) as (
        url,
        front,
    ):
        thread = threading.Thread(target=front.serve_forever, daemon=True)
        thread.start()
        try:
            yield url
        finally:
            front.shutdown()
            thread.join()
