"""Counting what the graph holds, for `palsov build` and `palsov stats`."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.sparql import count, select

#: The kinds of resource that make assertions and so must carry evidence.
ASSERTION_CLASSES = (
    "palsov:Event",
    "palsov:Stance",
    "palsov:BilateralRelation",
    "palsov:DiplomaticMission",
    "org:Membership",
)

_COUNTS = {
    "events": "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a palsov:Event }",
    "actors": "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a sem:Actor }",
    "stances": "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a palsov:Stance }",
    "relations": "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a palsov:BilateralRelation }",
    "missions": "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a palsov:DiplomaticMission }",
    "evidence": "SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a oa:Annotation ; oa:motivatedBy oa:describing }",
    "links": "SELECT (COUNT(*) AS ?n) { ?x owl:sameAs ?item FILTER STRSTARTS(STR(?item), STR(wd:)) }",
    "candidates": "SELECT (COUNT(*) AS ?n) { ?x palsov:wikidataCandidate ?item }",
}

_ASSERTIONS = f"""
SELECT (COUNT(DISTINCT ?x) AS ?all) (COUNT(DISTINCT ?evidenced) AS ?with) {{
  VALUES ?class {{ {" ".join(ASSERTION_CLASSES)} }}
  ?x a ?class .
  OPTIONAL {{ ?a oa:hasBody ?x ; oa:motivatedBy oa:describing . BIND(?x AS ?evidenced) }}
}}"""


@dataclass(frozen=True)
class Stats:
    triples: int
    counts: dict[str, int]
    assertions: int
    assertions_with_evidence: int

    @property
    def evidence_share(self) -> float:
        return self.assertions_with_evidence / self.assertions if self.assertions else 1.0

    def rows(self) -> list[tuple[str, str]]:
        rows = [("triples", str(self.triples))]
        rows += [(name, str(value)) for name, value in self.counts.items()]
        rows.append(
            (
                "assertions with evidence",
                f"{self.assertions_with_evidence}/{self.assertions} ({self.evidence_share:.0%})",
            )
        )
        return rows


def compute(store: ox.Store) -> Stats:
    solution = next(iter(select(store, _ASSERTIONS)))
    every, evidenced = solution["all"], solution["with"]
    assert isinstance(every, ox.Literal) and isinstance(evidenced, ox.Literal)
    return Stats(
        triples=len(store),
        counts={name: count(store, query) for name, query in _COUNTS.items()},
        assertions=int(every.value),
        assertions_with_evidence=int(evidenced.value),
    )
