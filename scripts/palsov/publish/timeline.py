"""The framed JSON-LD timeline: every event in order, with its type, time, place, actors and
roles, and the quotes that support it nested inside.

It is a JSON-LD 1.1 framing of the compacted graph (`palsov.jsonld`) by `FRAME`: each event a
tree that embeds its time span and participations whole, its actors, places, types and roles by
their labels ("@explicit"), and the annotations that support it with their selectors. A general
framing processor (pyld) gives the same document from the same input, but takes minutes where
this takes seconds at a million triples; the tests compare the two. The frame is 1.1 (`@embed:
@always`); the document it gives uses no 1.1 feature, and a JSON-LD 1.0 processor reads it.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..rdf.sparql import select
from ..rdf.vocab import PALSOV
from . import jsonld

_ALWAYS = {"@embed": "@always"}
_REFERENCE = {"@embed": "@never"}
_LABELS = {"@embed": "@always", "@explicit": True, "label": {}, "prefLabel": {}}
FRAME = {
    "type": "Event",
    "eventType": _LABELS,
    "hasTime": {"@embed": "@always", "precision": _LABELS, "qualifier": _LABELS, "after": _REFERENCE},
    "hasPlace": _LABELS,
    "actors": _LABELS,
    "participation": {"@embed": "@always", "value": _LABELS, "roleType": _LABELS},
    "supportedBy": {
        "@embed": "@always",
        "@explicit": True,
        "body": _REFERENCE,
        "certainty": _REFERENCE,
        "target": {"@embed": "@always", "@explicit": True, "selector": _ALWAYS},
    },
}
#: The framing options that give this document from a JSON-LD processor: what the frame does not
#: name stays a reference, and an absent label is left out rather than null.
FRAMING_OPTIONS = {"embed": "@never", "omitGraph": False, "omitDefault": True}
_EVENT = PALSOV("Event").value


def event_order(store: ox.Store, order_query: str) -> list[str]:
    """The events' IRIs in the order of `order_query` (the saved cq-timeline query): only its
    `?event` read from each solution (every column of every row made Python objects: 0.10 s where
    this takes 0.08 s at 160k triples)."""
    found = (solution["event"] for solution in select(store, order_query))
    return [event.value for event in found if isinstance(event, ox.NamedNode)]


def timeline(document: dict, order: list[str]) -> dict:
    """The events of the compacted `document` as trees shaped by FRAME, in `order` (event IRIs;
    any other event after them, by IRI)."""
    context = document["@context"]
    compactor = jsonld.Compactor(context)
    nodes = {node["id"]: node for node in document["@graph"]}
    # A reverse term ("supportedBy": the annotations whose oa:hasBody is this node) is read off
    # the forward key the compacted nodes carry for the same property.
    forward = {
        key: compactor.terms.get((compactor.expand(definition["@reverse"]), "@id"))
        or compactor.iri(compactor.expand(definition["@reverse"]))
        for key, definition in context.items()
        if isinstance(definition, dict) and "@reverse" in definition
    }
    referring: dict[tuple[str, str], list[str]] = defaultdict(list)  # (forward key, node) -> subjects
    for node in document["@graph"]:
        for key in forward.values():
            for value in _listed(node.get(key)):
                referring[key, _reference(value)].append(node["id"])
    event_class = compactor.class_terms.get(_EVENT) or compactor.iri(_EVENT)
    done: dict[tuple[str, int], dict] = {}  # a node embedded twice (an actor, a role) is framed once

    def framed(node_id: str, shape: dict) -> dict:
        if (node_id, id(shape)) in done:
            return done[node_id, id(shape)]
        node = nodes.get(node_id, {"id": node_id})
        if shape.get("@explicit"):  # its types, and only the properties the frame names
            node = {key: node[key] for key in ("id", "type", *shape) if key in node}
        else:
            node = dict(node)
        done[node_id, id(shape)] = node
        for key, inner in shape.items():
            if not isinstance(inner, dict) or inner.get("@embed") != "@always":
                continue  # keywords, the type to match, and values kept as they are
            if key in forward:
                targets = sorted(referring.get((forward[key], node_id), []))
            else:
                targets = [_reference(value) for value in _listed(node.get(key))]
            if targets:
                trees = [framed(target, inner) for target in targets]
                node[key] = trees[0] if len(trees) == 1 else trees
        return node

    position = {compactor.iri(iri): n for n, iri in enumerate(order)}
    events = [node["id"] for node in document["@graph"] if event_class in _listed(node.get("type"))]
    events.sort(key=lambda node_id: (position.get(node_id, len(position)), node_id))
    return {"@context": context, "@graph": [framed(node_id, FRAME) for node_id in events]}


def _listed(value: object) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _reference(value: str | dict) -> str:
    return value if isinstance(value, str) else value["@id"]
