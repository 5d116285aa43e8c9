"""The framed JSON-LD timeline: every event in order, with its type, time, place, actors and
roles, and the quotes that support it nested inside, made by a JSON-LD processor (pyld)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from pyld import jsonld as pyld

from . import jsonld
from .graph import KnowledgeGraph
from .query import run_embedded

_PALSOV = "https://w3id.org/palsov/ontology#"
_SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
_OA = "http://www.w3.org/ns/oa#"
_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
#: Which statements of which neighbours an event's entry carries: (path to them, whole or labels).
_WHOLE = (_PALSOV + "hasParticipation", "http://www.w3.org/2006/time#hasTime")
_LABELLED = (_SEM + "hasActor", _SEM + "hasPlace", _SEM + "eventType")


def _subgraph(triples: list[ox.Triple]) -> set[ox.Triple]:
    """The events and what their timeline entries show, taken from the parsed triples."""
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    bodies: dict[ox.NamedNode, list[ox.NamedNode | ox.BlankNode]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)
        if t.predicate.value == _OA + "hasBody":
            bodies[t.object].append(t.subject)
    event_type = ox.NamedNode(_PALSOV + "Event")
    events = [t.subject for t in triples if t.object == event_type and t.predicate.value.endswith("#type")]
    chosen: set[ox.Triple] = set()

    def whole(node: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
        chosen.update(by_subject[node])
        return by_subject[node]

    def labels(node: ox.NamedNode | ox.BlankNode) -> None:
        chosen.update(t for t in by_subject[node] if t.predicate.value in _LABELS)

    for event in events:
        for t in whole(event):
            if t.predicate.value in _WHOLE:
                for inner in whole(t.object):
                    if inner.predicate.value in (
                        "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
                        _SEM + "roleType",
                    ):
                        labels(inner.object)
            elif t.predicate.value in _LABELLED:
                labels(t.object)
        for annotation in bodies[event]:
            chosen.update(
                t
                for t in by_subject[annotation]
                if t.predicate.value in (_OA + "hasTarget", _PALSOV + "certainty")
                or (t.predicate.value == _OA + "hasBody" and t.object == event)
            )
            for target in (t.object for t in by_subject[annotation] if t.predicate.value == _OA + "hasTarget"):
                for t in by_subject[target]:
                    if t.predicate.value == _OA + "hasSelector":
                        chosen.add(t)
                        whole(t.object)
    return chosen


_ALWAYS = {"@embed": "@always"}
FRAME = {
    "type": "Event",
    "eventType": _ALWAYS,
    "hasTime": _ALWAYS,
    "hasPlace": _ALWAYS,
    "actors": _ALWAYS,
    "participation": {"@embed": "@always", "value": _ALWAYS, "hasRole": _ALWAYS},
    "supportedBy": {"@embed": "@always", "target": {"@embed": "@always", "selector": _ALWAYS}},
}


def timeline(kg: KnowledgeGraph, order_query: str) -> dict:
    """The framed document; `order_query` (the saved cq-timeline query) gives the events' order."""
    order = {row["event"]["value"]: n for n, row in enumerate(run_embedded(kg.store, order_query).rows)}
    framed = pyld.frame(
        jsonld.expand(_subgraph(kg.all_triples())),
        {"@context": kg.context, **FRAME},
        {"omitGraph": False, "omitDefault": True},
    )

    def position(node: dict) -> int:
        return order.get(_full_iri(node["id"], kg.context), len(order))

    framed["@graph"] = sorted(framed["@graph"], key=position)
    return framed


def _full_iri(compact: str, context: dict) -> str:
    prefix, _, local = compact.partition(":")
    namespace = context.get(prefix)
    return namespace + local if isinstance(namespace, str) and not compact.startswith("http") else compact
