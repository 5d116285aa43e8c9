"""The framed JSON-LD timeline: every event in order, with its type, time, place, actors and
roles, and the quotes that support it nested inside.

The events' neighbourhood comes from the store in one CONSTRUCT query, and is framed here with the
project's context: each event a tree that embeds what `FRAME` names (JSON-LD 1.1 framing with
"@embed": "@always"). A general framing processor (pyld) gives the same statements and events in
the same order (it also embeds, once, nodes the frame does not name, which stay references here),
but takes minutes where this takes seconds at a million triples; the tests compare the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from . import jsonld
from .graph import KnowledgeGraph
from .namespaces import SPARQL_PREFIXES
from .query import run_embedded

#: The statements a timeline entry shows: the event whole, its participations and time span
#: whole, labels of what it points to, and its supporting annotations with their selectors.
SUBGRAPH = (
    SPARQL_PREFIXES
    + """
CONSTRUCT { ?s ?p ?o }
WHERE {
  { ?s a palsov:Event ; ?p ?o . }
  UNION { ?event a palsov:Event ; palsov:hasParticipation|time:hasTime ?s . ?s ?p ?o . }
  UNION {
    {
      SELECT DISTINCT ?s WHERE {
        ?event a palsov:Event .
        { ?event sem:hasActor|sem:hasPlace|sem:eventType ?s . }
        UNION { ?event palsov:hasParticipation ?participation . ?participation rdf:value|sem:roleType ?s . }
      }
    }
    { ?s rdfs:label ?o . BIND(rdfs:label AS ?p) } UNION { ?s skos:prefLabel ?o . BIND(skos:prefLabel AS ?p) }
  }
  UNION { ?s oa:hasBody ?o . ?o a palsov:Event . BIND(oa:hasBody AS ?p) }
  UNION {
    ?s oa:hasBody ?event . ?event a palsov:Event .
    { ?s oa:hasTarget ?o . BIND(oa:hasTarget AS ?p) } UNION { ?s palsov:certainty ?o . BIND(palsov:certainty AS ?p) }
  }
  UNION {
    ?annotation oa:hasBody ?event ; oa:hasTarget ?s . ?event a palsov:Event .
    ?s oa:hasSelector ?o . BIND(oa:hasSelector AS ?p)
  }
  UNION {
    ?annotation oa:hasBody ?event ; oa:hasTarget ?target . ?event a palsov:Event .
    ?target oa:hasSelector ?s . ?s ?p ?o .
  }
}
"""
)

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
_EVENT = "https://w3id.org/palsov/ontology#Event"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def timeline(kg: KnowledgeGraph, order_query: str) -> dict:
    """The framed document; `order_query` (the saved cq-timeline query) gives the events' order."""
    order = [row["event"]["value"] for row in run_embedded(kg.store, order_query).rows]
    return frame(kg.store.query(SUBGRAPH), kg.context, order)


def frame(triples: Iterable[ox.Triple], context: dict, order: list[str]) -> dict:
    """The events among `triples` as trees shaped by FRAME, in `order` (any others after it, by IRI)."""
    compactor = jsonld.Compactor(context)
    reverse = {
        key: compactor.expand(definition["@reverse"])
        for key, definition in context.items()
        if isinstance(definition, dict) and "@reverse" in definition
    }
    reversed_predicates = set(reverse.values())
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    referring: dict[tuple[str, str], list[str]] = defaultdict(list)  # (predicate, object) -> subjects
    events: set[str] = set()
    for triple in triples:
        subject, predicate = triple.subject.value, triple.predicate.value
        by_subject[subject].append(triple)
        if predicate in reversed_predicates and isinstance(triple.object, ox.NamedNode):
            referring[predicate, triple.object.value].append(subject)
        elif predicate == _RDF_TYPE and triple.object.value == _EVENT:
            events.add(subject)
    done: dict[tuple[str, int], dict] = {}  # a node embedded twice (an actor, a role) is framed once

    def framed(iri: str, shape: dict) -> dict:
        if (iri, id(shape)) in done:
            return done[iri, id(shape)]
        node = done[iri, id(shape)] = compactor.node(compactor.iri(iri), by_subject.get(iri, []))
        for key, inner in shape.items():
            if key.startswith("@") or key == "type":
                continue
            if key in reverse:
                targets = sorted(referring.get((reverse[key], iri), []))
            elif key in node:
                found = node[key] if isinstance(node[key], list) else [node[key]]
                targets = [compactor.expand(value) for value in found if isinstance(value, str)]
            else:
                continue
            if targets:
                trees = [framed(target, inner) for target in targets]
                node[key] = trees[0] if len(trees) == 1 else trees
        return node

    position = {iri: n for n, iri in enumerate(order)}
    ordered = sorted(events, key=lambda iri: (position.get(iri, len(position)), iri))
    return {"@context": context, "@graph": [framed(iri, FRAME) for iri in ordered]}
