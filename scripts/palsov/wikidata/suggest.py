"""`palsov link suggest`: items proposed for every unlinked resource (actors, places, events, periods,
missions, the relation, documents), with the evidence for and against each, into a CSV for people
to review (never into the data)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox

from ..queries.run import Results
from ..rdf.graph import KnowledgeGraph
from .check import EXPECTED_CLASSES, fetch_items, implausible, problems
from .client import AnswerError, Client, item, value
from .resources import resources

_CANDIDATES = """
SELECT ?name ?item ?how WHERE {
  VALUES ?name { %s }
  { ?item rdfs:label ?name BIND ("label" AS ?how) } UNION { ?item skos:altLabel ?name BIND ("alias" AS ?how) }
}
"""


@dataclass(frozen=True)
class Proposal:
    resource: str
    label: str
    item: str
    item_label: str
    status: str  # "proposed" or "rejected"
    score: float
    evidence: str


def suggest(kg: KnowledgeGraph, client: Client) -> list[Proposal]:
    """Items for every resource of ours with neither a link nor a candidate, of every kind: a
    collective or an anonymous person simply finds none (or only items that are rejected)."""
    wanted = [r for r in resources(kg).values() if not r.item and not r.candidate]
    names = sorted({n for r in wanted for n in r.names})
    if not names:
        return []
    hits = client.select(
        _CANDIDATES % " ".join(str(ox.Literal(n, language="en")) for n in names), partial(_hits, set(names))
    ).value
    items = fetch_items(client, sorted({q for found in hits.values() for q in found}))
    linked = {r.item: r.label for r in resources(kg).values() if r.item}
    proposals = []
    for r in wanted:
        matches: dict[str, str] = {}
        for name in r.names:
            for qid, how in hits.get(name, {}).items():
                if matches.get(qid) != "label":
                    matches[qid] = how
        for qid, how in sorted(matches.items()):
            item = items[qid]
            against = [p for p in problems(r, item) if not p.startswith("labels disagree")]
            against += implausible(r, item)
            if qid in linked:
                against.append(f"wd:{qid} is already the link of {linked[qid]}")
            score = (1.0 if how == "label" else 0.8) + (
                0.1 if item.classes & EXPECTED_CLASSES.get(r.actor_type or "", set()) else 0
            )
            evidence = f"matched our {'label' if how == 'label' else 'name'} as Wikidata's {how}"
            if item.description:
                evidence += f"; described as {item.description!r}"
            proposals.append(
                Proposal(
                    resource=r.iri,
                    label=r.label,
                    item=qid,
                    item_label=", ".join(sorted(item.labels)),
                    status="rejected" if against else "proposed",
                    score=0.0 if against else round(score, 2),
                    evidence="; ".join(against) if against else evidence,
                )
            )
    return sorted(proposals, key=lambda p: (p.label, -p.score, p.item))


def _hits(names: set[str], results: Results) -> dict[str, dict[str, str]]:
    """name -> item -> how it matched ("label" or "alias"), a label winning over an alias."""
    hits: dict[str, dict[str, str]] = defaultdict(dict)
    for row in results.rows:
        name, qid, how = value(row, "name", "literal"), item(row, "item"), value(row, "how", "literal")
        if name not in names or how not in ("label", "alias"):
            raise AnswerError(f"a row for {name!r} matched by {how!r}, which was not asked for")
        if hits[name].get(qid) != "label":
            hits[name][qid] = how
    return hits


def proposals_csv(proposals: list[Proposal]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["resource", "label", "item", "item_label", "status", "score", "evidence"])
    for p in proposals:
        writer.writerow([p.resource, p.label, f"wd:{p.item}", p.item_label, p.status, p.score, p.evidence])
    return buffer.getvalue()
