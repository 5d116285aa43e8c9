"""`palsov link`: check the Wikidata links, suggest candidates, enrich from linked items, and
accept a verified link. Every request goes through the polite client in `wikidata`."""

from __future__ import annotations

import csv
import difflib
import io
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from .errors import DataError, InputError
from .export import WIKIDATA_GRAPH
from .graph import KnowledgeGraph
from .namespaces import SPARQL_PREFIXES
from .output import locked, write_durably
from .project import Project
from .query import Results
from .wikidata import WD, AnswerError, Client, item, value

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
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
LANGUAGES = ("ru", "ar", "he")
_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass
class Resource:
    """What the graph says of one actor or place, for comparing with Wikidata."""

    iri: str
    label: str
    names: set[str]
    actor_type: str | None
    item: str | None = None  # the linked QID
    candidate: str | None = None
    first_end: str | None = None  # the earliest certain end of its events (xsd:date lexical form)
    last_begin: str | None = None  # the latest certain beginning of its events
    first_known: str | None = None  # the latest date its earliest event can have, however loosely known
    last_known: str | None = None  # the earliest date its latest event can have
    formed: tuple[str | None, str | None] = (None, None)  # the formation's outer bounds
    dissolved: tuple[str | None, str | None] = (None, None)


def resources(kg: KnowledgeGraph) -> dict[str, Resource]:
    found: dict[str, Resource] = {}
    for row in kg.store.query(
        SPARQL_PREFIXES
        + """
        SELECT ?r ?label ?type WHERE {
          { ?r a sem:Actor } UNION { ?r a sem:Place }
          ?r rdfs:label ?label .
          OPTIONAL { ?r sem:actorType ?t BIND (STRAFTER(STR(?t), "actor-type/") AS ?type) }
        }"""
    ):
        iri = row["r"].value
        found[iri] = Resource(
            iri,
            row["label"].value,
            {row["label"].value},
            row["type"].value if row["type"] else None,
        )
    for row in kg.store.query(SPARQL_PREFIXES + "SELECT ?r ?alt { ?r skos:altLabel ?alt }"):
        if row["r"].value in found:
            found[row["r"].value].names.add(row["alt"].value)
    for row in kg.store.query(SPARQL_PREFIXES + "SELECT ?r ?item { ?r owl:sameAs ?item }"):
        if row["r"].value in found and row["item"].value.startswith(WD):
            found[row["r"].value].item = row["item"].value[len(WD) :]
    for row in kg.store.query(SPARQL_PREFIXES + "SELECT ?r ?item { ?r palsov:wikidataCandidate ?item }"):
        if row["r"].value in found:
            found[row["r"].value].candidate = row["item"].value[len(WD) :]
    # Definite bounds (first_end, last_begin): an event that certainly ended before an item came to
    # be, or certainly began after it ceased, contradicts a link. Loose ones (first_known,
    # last_known): each event as late, or as early, as what we know of it allows.
    for row in kg.store.query(
        SPARQL_PREFIXES
        + """
        SELECT ?r (MIN(?end) AS ?firstEnd) (MAX(?begin) AS ?lastBegin) (MIN(?late) AS ?first) (MAX(?early) AS ?last)
        WHERE {
          ?e a palsov:Event ; palsov:hasParticipation [ rdf:value ?r ; sem:roleType ?role ] ; time:hasTime ?t .
          FILTER (?role != <https://w3id.org/palsov/vocab/role/predecessor>)
          OPTIONAL { ?t crm:P82a_begin_of_the_begin ?a } OPTIONAL { ?t crm:P81a_end_of_the_begin ?b }
          OPTIONAL { ?t crm:P81b_begin_of_the_end ?c } OPTIONAL { ?t crm:P82b_end_of_the_end ?d }
          BIND (STR(?a) AS ?begin) BIND (STR(?d) AS ?end)
          BIND (STR(COALESCE(?d, ?c, ?b, ?a)) AS ?late) BIND (STR(COALESCE(?a, ?b, ?c, ?d)) AS ?early)
        } GROUP BY ?r"""
    ):
        if row["r"].value in found:
            entry = found[row["r"].value]
            entry.first_end, entry.last_begin, entry.first_known, entry.last_known = (
                row[name].value if row[name] else None for name in ("firstEnd", "lastBegin", "first", "last")
            )
    for predicate, attribute in (
        ("crm:P95i_was_formed_by", "formed"),
        ("crm:P99i_was_dissolved_by", "dissolved"),
    ):
        for row in kg.store.query(
            SPARQL_PREFIXES
            + f"""
            SELECT ?r ?a ?b WHERE {{ ?r {predicate}/time:hasTime ?t .
              OPTIONAL {{ ?t crm:P82a_begin_of_the_begin ?a }} OPTIONAL {{ ?t crm:P82b_end_of_the_end ?b }} }}"""
        ):
            if row["r"].value in found:
                setattr(
                    found[row["r"].value],
                    attribute,
                    (row["a"].value if row["a"] else None, row["b"].value if row["b"] else None),
                )
    return found


# ------------------------------------------------------------------------------------------ facts


@dataclass
class Item:
    qid: str
    labels: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    description: str | None = None
    classes: set[str] = field(default_factory=set)
    born: set[str] = field(default_factory=set)  # P569 and P571: when it came to be
    ended: set[str] = field(default_factory=set)  # P570 and P576: when it ceased to be
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
  UNION { ?item wdt:P569|wdt:P571 ?value BIND ("born" AS ?kind) }
  UNION { ?item wdt:P570|wdt:P576 ?value BIND ("ended" AS ?kind) }
  UNION { ?item owl:sameAs ?value BIND ("redirect" AS ?kind) }
}
"""


def fetch_items(client: Client, qids: list[str]) -> dict[str, Item]:
    if not qids:
        return {}
    wanted = sorted(set(qids))
    return client.select(_FACTS % " ".join(f"wd:{q}" for q in wanted), lambda results: _items(results, wanted)).value


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


def _problems(resource: Resource, item: Item) -> list[str]:
    """Why the item may not be the resource, from labels, classes and dates; empty if none."""
    if not item.exists:
        return [f"wd:{item.qid} does not exist on the endpoint (deleted, or never created)"]
    if item.redirect:
        return [f"wd:{item.qid} redirects to wd:{item.redirect}"]
    found = []
    score = similarity(resource.names, item.labels | item.aliases)
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


def check(kg: KnowledgeGraph, client: Client) -> list[Finding]:
    linked = [r for r in resources(kg).values() if r.item]
    items = fetch_items(client, [r.item for r in linked])
    findings = [
        Finding(r.iri, r.label, r.item, p)
        for r in linked
        for p in _problems(r, items[r.item]) + (_implausible(r, items[r.item]) if items[r.item].exists else [])
    ]
    owners: dict[str, list[Resource]] = defaultdict(list)
    for r in linked:
        owners[r.item].append(r)
    for qid, holders in sorted(owners.items()):
        if len(holders) > 1:
            for r in holders:
                findings.append(Finding(r.iri, r.label, qid, f"wd:{qid} is linked from {len(holders)} resources"))
    return sorted(findings, key=lambda f: (f.label, f.problem))


# ------------------------------------------------------------------------------------------ suggest


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


def _implausible(resource: Resource, item: Item) -> list[str]:
    """Looser than a contradiction: an item that came to be after every date our events are pinned
    to (a person born after the event), or ceased before them, is not proposed."""
    found = []
    if resource.first_known and item.born and min(item.born) > resource.first_known:
        found.append(f"wd:{item.qid} came to be on {min(item.born)}, after our events with it ({resource.first_known})")
    if resource.last_known and item.ended and max(item.ended) < resource.last_known:
        found.append(f"wd:{item.qid} ceased on {max(item.ended)}, before our events with it ({resource.last_known})")
    return found


def _literal(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def suggest(kg: KnowledgeGraph, client: Client) -> list[Proposal]:
    """Candidates for every actor and place with neither a link nor a candidate (collectives and
    missions have no Wikidata item of their own)."""
    wanted = [
        r
        for r in resources(kg).values()
        if not r.item and not r.candidate and r.actor_type not in ("collective", "diplomatic-mission")
    ]
    names = sorted({n for r in wanted for n in r.names})
    if not names:
        return []
    hits = client.select(_CANDIDATES % " ".join(_literal(n) for n in names), partial(_hits, set(names))).value
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
            problems = [p for p in _problems(r, item) if not p.startswith("labels disagree")]
            problems += _implausible(r, item)
            if qid in linked:
                problems.append(f"wd:{qid} is already the link of {linked[qid]}")
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
                    status="rejected" if problems else "proposed",
                    score=0.0 if problems else round(score, 2),
                    evidence="; ".join(problems) if problems else evidence,
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


# ------------------------------------------------------------------------------------------ enrich


_ENRICH = """
SELECT ?item ?property ?value WHERE {
  VALUES ?item { %s }
  { ?item rdfs:label ?value FILTER (LANG(?value) IN (%s)) BIND (rdfs:label AS ?property) }
  UNION { VALUES ?property { wdt:P569 wdt:P570 wdt:P571 wdt:P576 } ?item ?property ?value }
}
"""


def enrich(kg: KnowledgeGraph, client: Client, project: Project) -> tuple[int, str]:
    """Write the chosen facts of the linked items to data/wikidata/enrichment.ttl; (count, path)."""
    qids = sorted({r.item for r in resources(kg).values() if r.item})
    if not qids:
        raise InputError("no resource is linked to Wikidata: nothing to enrich")
    query = _ENRICH % (
        " ".join(f"wd:{q}" for q in qids),
        ", ".join(f'"{lang}"' for lang in LANGUAGES),
    )
    answer = client.select(query, partial(_enrichment, set(qids)))
    triples = answer.value
    graph = WIKIDATA_GRAPH
    retrieved = answer.retrieved
    about = [
        ox.Triple(
            graph,
            ox.NamedNode("http://purl.org/dc/terms/title"),
            ox.Literal("Facts fetched from Wikidata for the linked items", language="en"),
        ),
        ox.Triple(graph, ox.NamedNode("http://purl.org/dc/terms/source"), ox.NamedNode(answer.endpoint)),
        ox.Triple(
            graph,
            ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime"),
            ox.Literal(retrieved, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")),
        ),
        ox.Triple(
            graph,
            ox.NamedNode("http://purl.org/dc/terms/license"),
            ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/"),
        ),
    ]
    from .namespaces import PREFIXES

    body = ox.serialize(
        sorted([*about, *triples], key=str),
        format=ox.RdfFormat.TURTLE,
        prefixes={**PREFIXES, "wdt": "http://www.wikidata.org/prop/direct/"},
    )
    header = (
        f"# Wikidata enrichment: labels in {', '.join(LANGUAGES)} and dates of the linked items, "
        f"retrieved {retrieved} from {answer.endpoint}.\n# Written by `palsov link enrich`; "
        "reproducible from data/wikidata/cache/ with --offline. Wikidata's data are CC0.\n"
    )
    path = project.enrichment_file
    with locked(project.data_dir):
        write_durably(path, header.encode() + body)
    return len(triples), str(path)


_ENRICHED = {RDFS_LABEL, *(f"http://www.wikidata.org/prop/direct/{p}" for p in ("P569", "P570", "P571", "P576"))}


def _enrichment(qids: set[str], results: Results) -> set[ox.Triple]:
    """The facts as triples: labels in our languages and the four dates, of the items asked for."""
    triples = set()
    for row in results.rows:
        qid, prop = item(row, "item"), value(row, "property", "uri")
        if qid not in qids or prop not in _ENRICHED:
            raise AnswerError(f"a fact {prop} of wd:{qid}, which was not asked for")
        fact = row.get("value")
        if fact is None or fact["type"] != "literal":
            raise AnswerError(f"?value of wd:{qid} {prop} is not a literal")
        if "xml:lang" in fact:
            obj = ox.Literal(fact["value"], language=fact["xml:lang"])
        else:
            obj = ox.Literal(fact["value"], datatype=ox.NamedNode(fact.get("datatype", XSD_STRING)))
        triples.add(ox.Triple(ox.NamedNode(WD + qid), ox.NamedNode(prop), obj))
    return triples


def valid_qid(qid: str) -> str:
    qid = qid.removeprefix("wd:").removeprefix(WD)
    if not _QID.match(qid):
        raise InputError(f"{qid!r} is not a Wikidata item id (Q followed by a number without leading zero)")
    return qid


# ------------------------------------------------------------------------------------------ accept


def accept(project: Project, resource: str, qid: str, sources: list[str], note: str | None = None) -> None:
    """Record a verified link in data/links.ttl: owl:sameAs and the oa:identifying annotation that
    says how it was verified, appended as a block of its own; the file's hand-written layout is
    kept as it is. A candidate on the same resource is withdrawn with the record that judged it
    (their blocks are taken out). One writer at a time: data/ is locked from reading the data to
    writing the file, so two accepts at once keep both links."""
    from .namespaces import BASE
    from .validate import validate_project

    qid = valid_qid(qid)
    distinct = sorted({s.strip() for s in sources if s.strip()})
    if len(distinct) < 2:
        raise InputError("a link needs two independent sources (--source twice): one is a candidate, not a link")
    path = project.data_dir / "links.ttl"
    with locked(project.data_dir):
        before = _current(path)
        known = resources(KnowledgeGraph.read(project))
        iri = resource if resource.startswith("http") else BASE + "id/" + resource.replace(":", "/", 1)
        if iri not in known:
            raise InputError(f"{resource}: no such actor or place in the data")
        holders = [r.label for r in known.values() if r.item == qid and r.iri != iri]
        if holders:
            raise InputError(f"wd:{qid} is already linked from {holders[0]}; one item denotes one thing")
        subject = ox.NamedNode(iri)
        record = ox.NamedNode(f"{BASE}id/link/{iri.rsplit('/', 1)[1]}")
        text = before.decode("utf-8") if before is not None else _LINKS_HEADER
        kept = _without_candidate(path, text, subject, record)
        triples = _link_triples(subject, ox.NamedNode(WD + qid), record, distinct, note)
        text = kept + _block(text, triples, f"{resource} is wd:{qid}")
        # Check the result before it replaces the file: a link that breaks a shape is not written.
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / "links.ttl"
            trial.write_text(text, encoding="utf-8")
            files = [trial if p == path else p for p in project.data_files()]
            if path not in project.data_files():
                files.append(trial)
            report = validate_project(project, files)
            if not report.passes():
                raise DataError("the link would break the data:\n" + report.to_text().rstrip())
        if _current(path) != before:
            raise InputError(f"{path}: changed while the link was being checked; nothing was written, run it again")
        write_durably(path, text.encode("utf-8"))


_LINKS_HEADER = (
    "# palsov data \u2014 Wikidata links (owl:sameAs), each with the annotation that records how it was "
    "verified, and unverified candidates.\n"
)
_CANDIDATE = ox.NamedNode("https://w3id.org/palsov/ontology#wikidataCandidate")
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.?\s*$", re.M | re.I)


def _current(path: Path) -> bytes | None:
    from .parse import regular_file

    if not path.exists():
        return None
    regular_file(path)
    return path.read_bytes()


def _prefixes(text: str) -> dict[str, str]:
    return {match.group(1) or "": match.group(2) for match in _PREFIX_LINE.finditer(text)}


def _parsed(text: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}


def _without_candidate(path: Path, text: str, subject: ox.NamedNode, record: ox.NamedNode) -> str:
    """The text without the blocks (paragraphs) that state the resource's candidate or its record;
    an InputError if they share a block with other statements, which only a person should edit."""

    def withdrawn(triple: ox.Triple) -> bool:
        return triple.subject == record or (triple.subject == subject and triple.predicate == _CANDIDATE)

    try:
        everything = _parsed(text)
    except SyntaxError as error:
        raise InputError(f"{path}: line {error.lineno}: {error.msg}") from None
    if not any(withdrawn(t) for t in everything):
        return text
    declarations = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in _prefixes(text).items())
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    kept = []
    for n in range(0, len(paragraphs), 2):
        paragraph, separator = paragraphs[n], paragraphs[n + 1] if n + 1 < len(paragraphs) else ""
        try:
            stated = _parsed(declarations + paragraph)
        except SyntaxError:
            stated = set()
        if stated and all(withdrawn(t) for t in stated):
            continue
        kept.append(paragraph + separator)
    result = "".join(kept).rstrip("\n") + "\n"  # no blank lines left where the paragraphs were, at the end
    if _parsed(result) != {t for t in everything if not withdrawn(t)}:
        line = next((n for n, line in enumerate(text.splitlines(), 1) if "wikidataCandidate" in line), 1)
        raise InputError(
            f"{path}: line {line}: the candidate to withdraw shares its paragraph with other statements; "
            "withdraw it by hand, then accept the link"
        )
    return result


def _link_triples(
    subject: ox.NamedNode, item: ox.NamedNode, record: ox.NamedNode, sources: list[str], note: str | None
) -> list[ox.Triple]:
    oa = "http://www.w3.org/ns/oa#"
    how = note or "Verified by hand: two independent sources confirm the item."
    return [
        ox.Triple(subject, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), item),
        ox.Triple(
            record, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(oa + "Annotation")
        ),
        ox.Triple(record, ox.NamedNode(oa + "motivatedBy"), ox.NamedNode(oa + "identifying")),
        ox.Triple(record, ox.NamedNode(oa + "hasTarget"), subject),
        ox.Triple(record, ox.NamedNode(oa + "hasBody"), item),
        ox.Triple(
            record,
            ox.NamedNode("http://purl.org/dc/terms/created"),
            ox.Literal(date.today().isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        ox.Triple(record, ox.NamedNode(RDFS_COMMENT), ox.Literal(how, language="en")),
        *(ox.Triple(record, ox.NamedNode("http://purl.org/dc/terms/source"), ox.Literal(s)) for s in sources),
    ]


def _block(text: str, triples: list[ox.Triple], title: str) -> str:
    """The triples as a paragraph to append to the file, in the prefixed names it declares (and
    full IRIs for the rest), after a blank line and a comment saying what it records."""
    declared = _prefixes(text)
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=declared).decode("utf-8")
    statements = []  # the file's own layout: the subject on a line of its own, then its statements
    for line in body.splitlines():
        if not line.strip() or _PREFIX_LINE.match(line):
            continue
        if line.startswith("\t"):
            statements.append("    " + line.strip())
        else:
            subject, rest = line.split(" ", 1)
            statements += [*([""] if statements else []), subject, "    " + rest]
    lines = "\n".join(statements)
    lead = "" if text.endswith("\n") else "\n"
    return f"{lead}\n# {title}: accepted with palsov link accept on {date.today().isoformat()}.\n{lines}\n"
