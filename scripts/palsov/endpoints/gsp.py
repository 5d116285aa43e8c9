"""The SPARQL 1.1 Graph Store Protocol: `palsov load` pushes the build into any store.

By default the store gets the dataset's layout, the one `dist/palsov.nq` has: the ontology, the
data, the Wikidata enrichment and the description, each its own named graph, each replaced by one
HTTP PUT (which a store applies as one transaction: a graph holds its old content or the whole new
one, never a part). A graph of ours that the build no longer has is deleted. So a load repeated,
or a load into a store that was bulk-loaded with `palsov.nq`, leaves every triple once: the same
triples go into the same graphs. With `graph`, the merged graph goes into that one graph instead
(for a store that keeps no named graphs); that copy sits beside any other, and a union default
graph then counts each triple twice.

A PUT may be repeated, so a dropped connection or a busy store is retried.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import InputError
from ..publish.formats import read_graphs
from ..publish.void import describe_graph
from ..rdf.graph import KnowledgeGraph, sorted_ntriples
from ..rdf.http import PASSWORD_VARIABLE, USER_VARIABLE, HttpClient, checked_url
from ..rdf.vocab import DATA_GRAPH, DESCRIPTION_GRAPH, ONTOLOGY_GRAPH, WIKIDATA_GRAPH

#: Every named graph a load writes, in the order it writes them (the description last).
OUR_GRAPHS = (ONTOLOGY_GRAPH, DATA_GRAPH, WIKIDATA_GRAPH, DESCRIPTION_GRAPH)


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of a named graph (?graph=…) or the default graph (?default)."""
    separator = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def push(triples: list[ox.Triple], endpoint: str, graph: str | None = None, client: HttpClient | None = None) -> int:
    """PUT the triples as N-Triples; returns how many were sent, or raises an InputError."""
    checked_url(endpoint)
    return _put(sorted_ntriples(triples), endpoint, graph, client or HttpClient(timeout=300), len(triples))


def _put(lines: bytes, endpoint: str, graph: str | None, client: HttpClient, count: int) -> int:
    response = client.request(
        "PUT",
        graph_url(endpoint, graph),
        content=lines,
        headers={"Content-Type": "application/n-triples"},
        service="the store",
    )
    if response.status >= 300:
        detail = f": {response.first_line()}" if response.first_line() else ""
        what = f"graph <{graph}>" if graph else "the default graph"
        hint = ""
        if response.status == 401:
            hint = (
                "; the credentials were refused"
                if client.auth is not None
                else f"; it asks for credentials: set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or a ~/.netrc entry"
            )
        raise InputError(f"{endpoint}: the store refused {what} ({response.status} {response.reason}{detail}){hint}")
    return count


@dataclass(frozen=True)
class Loaded:
    """What a load sent: each graph with its number of triples, and the graphs of ours it deleted."""

    graphs: list[tuple[str, int]]
    deleted: list[str]


def dataset_graphs(kg: KnowledgeGraph) -> list[tuple[ox.NamedNode, bytes]]:
    """The dataset's named graphs as the build writes them into palsov.nq, as sorted N-Triples: the
    graphs read from files, and the description of the dataset (its counts and partitions; the
    download files are described by the build, which has them)."""
    return [*read_graphs(kg), (DESCRIPTION_GRAPH, sorted_ntriples(describe_graph(kg.store)))]


def load_dataset(kg: KnowledgeGraph, endpoint: str, client: HttpClient) -> Loaded:
    """PUT each named graph of the dataset, and DELETE the graphs of ours it does not have."""
    checked_url(endpoint)
    graphs = dataset_graphs(kg)
    sent: list[tuple[str, int]] = []
    for graph, lines in graphs:
        try:
            sent.append((graph.value, _put(lines, endpoint, graph.value, client, lines.count(b"\n"))))
        except InputError as error:
            done = f"; loaded before it: {', '.join(f'<{g}>' for g, _ in sent)}" if sent else ""
            raise InputError(f"{error}{done}") from None
    deleted = []
    for graph in sorted(set(OUR_GRAPHS) - {g for g, _ in graphs}, key=OUR_GRAPHS.index):
        response = client.request("DELETE", graph_url(endpoint, graph.value), service="the store")
        if response.status >= 300 and response.status != 404:
            raise InputError(f"{endpoint}: the store refused to delete <{graph.value}> ({response.status})")
        if response.status != 404:
            deleted.append(graph.value)
    return Loaded(sent, deleted)
