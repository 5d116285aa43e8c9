"""`palsov load`: push the build into any store through the SPARQL 1.1 Graph Store Protocol.

One HTTP PUT replaces the target graph (or the default graph) in a single request, which stores
apply as one transaction: the graph holds either its old content or the whole build, never a
part of it.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from . import __version__
from .errors import InputError


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of a named graph (?graph=…) or the default graph (?default)."""
    separator = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"


def push(triples: list[ox.Triple], endpoint: str, graph: str | None = None, timeout: float = 120) -> int:
    """PUT the triples as N-Triples; returns how many were sent, or raises an InputError."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    request = urllib.request.Request(
        graph_url(endpoint, graph),
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples", "User-Agent": f"palsov/{__version__}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace").strip().splitlines()
        reason = f": {detail[0]}" if detail else ""
        raise InputError(f"{endpoint}: the store refused the graph ({error.code} {error.reason}{reason})") from None
    except urllib.error.URLError as error:
        raise InputError(f"{endpoint}: cannot reach the store ({error.reason})") from None
    except TimeoutError:
        raise InputError(f"{endpoint}: no answer within {timeout:.0f} s") from None
    return len(triples)
