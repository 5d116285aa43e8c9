"""The SPARQL 1.1 Graph Store Protocol: `palsov load` pushes the build into any store.

One HTTP PUT replaces the target graph (or the default graph) in a single request, which stores
apply as one transaction: the graph holds either its old content or the whole build, never a
part of it. A PUT may be repeated, so a dropped connection or a busy store is retried.
"""

from __future__ import annotations

import urllib.parse

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.http import HttpClient, checked_url
from ..rdf.io import serialized


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of a named graph (?graph=…) or the default graph (?default)."""
    separator = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def push(triples: list[ox.Triple], endpoint: str, graph: str | None = None, client: HttpClient | None = None) -> int:
    """PUT the triples as N-Triples; returns how many were sent, or raises an InputError."""
    checked_url(endpoint)
    body = serialized(triples, ox.RdfFormat.N_TRIPLES)
    response = (client or HttpClient(timeout=300)).request(
        "PUT",
        graph_url(endpoint, graph),
        content=body,
        headers={"Content-Type": "application/n-triples"},
        service="the store",
    )
    if response.status >= 300:
        detail = f": {response.first_line()}" if response.first_line() else ""
        raise InputError(f"{endpoint}: the store refused the graph ({response.status} {response.reason}{detail})")
    return len(triples)
