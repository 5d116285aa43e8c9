"""`palsov link check`: every link compared with its item (labels, classes, dates, existence,
redirects, one item per resource), and the problems that rule an item out, which `suggest` uses too."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..queries.run import Results
from ..rdf.graph import KnowledgeGraph
from .client import Answer, AnswerError, Client, item, value
from .resources import Resource, resources

LABEL_THRESHOLD = 0.85
#: The Wikidata classes an actor of a type may be an instance of (checked: two public sources each).
EXPECTED_CLASSES = {
    "person": {"Q5"},  # human
    "state": {
        "Q6256",
        "Q3624078",
        "Q3024240",
        "Q7275",
    },  # country, sovereign state, historical country, state
}


@dataclass
class Item:
    qid: str
    labels: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    description: str | None = None
    classes: set[str] = field(default_factory=set)
    born: set[str] = field(default_factory=set)  # P569, P571, P580, P585: when it came to be, began, happened
    ended: set[str] = field(default_factory=set)  # P570, P576, P582, P585: when it ceased to be, ended, happened
    redirect: str | None = None

    @property
    def exists(self) -> bool:
        return bool(self.labels or self.aliases or self.classes or self.born or self.ended or self.redirect)


_FACTS = """
SELECT ?item ?kind ?value WHERE {
  VALUES ?item { %s }
  { ?item rdfs:label ?value FILTER (LANG(?value) = "en") BIND ("label" AS ?kind) }
  UNION { ?item skos:altLabel ?value FILTER (LANG(?value) = "en") BIND ("alias" AS ?kind) }
  UNION { ?item schema:description ?value FILTER (LANG(?value) = "en") BIND ("description" AS ?kind) }
  UNION { ?item wdt:P31 ?value BIND ("class" AS ?kind) }
  UNION { ?item wdt:P569|wdt:P571|wdt:P580|wdt:P585 ?value BIND ("born" AS ?kind) }
  UNION { ?item wdt:P570|wdt:P576|wdt:P582|wdt:P585 ?value BIND ("ended" AS ?kind) }
  UNION { ?item owl:sameAs ?value BIND ("redirect" AS ?kind) }
}
"""


def fetch_items(client: Client, qids: list[str]) -> dict[str, Item]:
    return fetch_answer(client, qids).value


def fetch_answer(client: Client, qids: list[str]) -> Answer[dict[str, Item]]:
    """The items' facts, with where and when they were retrieved."""
    wanted = sorted(set(qids))
    if not wanted:
        return Answer({}, client.endpoint, datetime.now(UTC).replace(microsecond=0).isoformat())
    return client.select(_FACTS % " ".join(f"wd:{q}" for q in wanted), lambda results: _items(results, wanted))


def _items(results: Results, qids: list[str]) -> dict[str, Item]:
    items = {qid: Item(qid) for qid in qids}
    for row in results.rows:
        qid, kind, fact = item(row, "item"), value(row, "kind", "literal"), value(row, "value")
        if qid not in items:
            raise AnswerError(f"a row about wd:{qid}, which was not asked for")
        entry = items[qid]
        if kind == "label":
            entry.labels.add(fact)
        elif kind == "alias":
            entry.aliases.add(fact)
        elif kind == "description":
            entry.description = fact
        elif kind == "class":
            entry.classes.add(item(row, "value"))
        elif kind == "born":
            entry.born.add(fact[:10])
        elif kind == "ended":
            entry.ended.add(fact[:10])
        elif kind == "redirect":
            entry.redirect = item(row, "value")
        else:
            raise AnswerError(f"an unknown ?kind {kind!r}")
    return items


def similarity(ours: set[str], theirs: set[str]) -> float:
    return max(
        (difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio() for a in ours for b in theirs),
        default=0.0,
    )


def problems(resource: Resource, item: Item) -> list[str]:
    """Why the item may not be the resource, from labels, classes and dates; empty if none."""
    if not item.exists:
        return [f"wd:{item.qid} does not exist on the endpoint (deleted, or never created)"]
    if item.redirect:
        return [f"wd:{item.qid} redirects to wd:{item.redirect}"]
    found = []
    # Ours, or the item's own as the sources that verified the link gave it ("Six-Day War" for our
    # "1967 Arab–Israeli war"): a label that has drifted from both is a sign of a merged or reused item.
    score = similarity(resource.names | resource.item_labels.get(item.qid, set()), item.labels | item.aliases)
    if score < LABEL_THRESHOLD:
        theirs = ", ".join(sorted(item.labels | item.aliases)) or "none"
        found.append(
            f"labels disagree ({score:.2f} < {LABEL_THRESHOLD}): ours {resource.label!r}, Wikidata's {theirs!r}"
        )
    expected = EXPECTED_CLASSES.get(resource.actor_type or "")
    if expected and not item.classes & expected:
        classes = ", ".join(f"wd:{c}" for c in sorted(item.classes)) or "no class"
        found.append(
            f"a {resource.actor_type} linked to an item that is {classes}, none of "
            f"{', '.join('wd:' + c for c in sorted(expected))}"
        )
    if resource.first_end and item.born and min(item.born) > resource.first_end:
        found.append(
            f"wd:{item.qid} came to be on {min(item.born)}, after an event of ours with it ended ({resource.first_end})"
        )
    if resource.last_begin and item.ended and max(item.ended) < resource.last_begin:
        found.append(
            f"wd:{item.qid} ceased on {max(item.ended)}, before an event of ours with it began ({resource.last_begin})"
        )
    for name, (begin, end), facts in (
        ("formation", resource.formed, item.born),
        ("dissolution", resource.dissolved, item.ended),
    ):
        if begin and end and facts and not any(begin <= day <= end for day in facts):
            found.append(f"our {name} ({begin}…{end}) contradicts Wikidata's date ({', '.join(sorted(facts))})")
    return found


@dataclass(frozen=True)
class Finding:
    resource: str
    label: str
    item: str
    problem: str


@dataclass(frozen=True)
class CheckRun:
    """What one `palsov link check` found, of which links, against which endpoint, when."""

    findings: list[Finding]
    linked: list[Resource]
    endpoint: str
    retrieved: str  # when the endpoint's answer was retrieved, ISO 8601


def check(kg: KnowledgeGraph, client: Client) -> list[Finding]:
    return run_check(kg, client).findings


def run_check(kg: KnowledgeGraph, client: Client) -> CheckRun:
    linked = [(r, r.item) for r in resources(kg).values() if r.item]
    answer = fetch_answer(client, [qid for _, qid in linked])
    items = answer.value
    findings = [
        Finding(r.iri, r.label, qid, p)
        for r, qid in linked
        for p in problems(r, items[qid]) + (implausible(r, items[qid]) if items[qid].exists else [])
    ]
    owners: dict[str, list[Resource]] = defaultdict(list)
    for r, qid in linked:
        owners[qid].append(r)
    for qid, holders in sorted(owners.items()):
        if len(holders) > 1:
            for r in holders:
                findings.append(Finding(r.iri, r.label, qid, f"wd:{qid} is linked from {len(holders)} resources"))
    return CheckRun(
        sorted(findings, key=lambda f: (f.label, f.problem)), [r for r, _ in linked], answer.endpoint, answer.retrieved
    )


def implausible(resource: Resource, item: Item) -> list[str]:
    """Looser than a contradiction: an item that came to be after every date our events are pinned
    to (a person born after the event), or ceased before them, is not proposed."""
    found = []
    if resource.first_known and item.born and min(item.born) > resource.first_known:
        found.append(f"wd:{item.qid} came to be on {min(item.born)}, after our events with it ({resource.first_known})")
    if resource.last_known and item.ended and max(item.ended) < resource.last_known:
        found.append(f"wd:{item.qid} ceased on {max(item.ended)}, before our events with it ({resource.last_known})")
    return found
