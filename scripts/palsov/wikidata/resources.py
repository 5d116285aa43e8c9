"""What the graph says of its resources (actors, places, events, periods, missions, the relation,
documents), for comparing with Wikidata: names, types, links, candidates, and the dates their own
time spans, their events, and their formation and dissolution give."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..rdf.graph import KnowledgeGraph
from ..rdf.sparql import select
from ..rdf.vocab import ID, SSSOM, WD


def _text(term: object) -> str:
    assert isinstance(term, ox.NamedNode | ox.Literal), term
    return term.value


def _optional(term: object) -> str | None:
    return None if term is None else _text(term)


@dataclass
class Resource:
    """What the graph says of one resource, for comparing with Wikidata."""

    iri: str
    label: str
    names: set[str]
    actor_type: str | None
    item: str | None = None  # the linked QID
    candidate: str | None = None
    #: The linked item's labels as the record that verified this link gives them (sssom:object_label), by QID.
    item_labels: dict[str, set[str]] = field(default_factory=dict)
    first_end: str | None = None  # the earliest certain end of its events (xsd:date lexical form)
    last_begin: str | None = None  # the latest certain beginning of its events
    first_known: str | None = None  # the latest date its earliest event can have, however loosely known
    last_known: str | None = None  # the earliest date its latest event can have
    formed: tuple[str | None, str | None] = (None, None)  # the formation's outer bounds
    dissolved: tuple[str | None, str | None] = (None, None)

    @property
    def kind(self) -> str:
        """actor, place, event, period, mission, relation or document: the IRI's path says which."""
        return self.iri.removeprefix(ID).split("/", 1)[0]

    @property
    def curie(self) -> str:
        return f"{self.kind}:{self.iri.rsplit('/', 1)[1]}"


def resources(kg: KnowledgeGraph) -> dict[str, Resource]:
    found: dict[str, Resource] = {}
    for row in select(
        kg.store,
        """
        SELECT ?r ?label ?type WHERE {
          VALUES ?class { sem:Actor sem:Place palsov:Event palsov:HistoricalPeriod palsov:BilateralRelation
                          crm:E89_Propositional_Object }
          ?r a ?class ; rdfs:label ?label .
          OPTIONAL { ?r sem:actorType ?t BIND (STRAFTER(STR(?t), "actor-type/") AS ?type) }
        }""",
    ):
        iri = _text(row["r"])
        found[iri] = Resource(iri, _text(row["label"]), {_text(row["label"])}, _optional(row["type"]))
    for row in select(kg.store, "SELECT ?r ?alt { ?r skos:altLabel ?alt }"):
        if _text(row["r"]) in found:
            found[_text(row["r"])].names.add(_text(row["alt"]))
    for row in select(kg.store, "SELECT ?r ?item { ?r owl:sameAs ?item }"):
        if _text(row["r"]) in found and _text(row["item"]).startswith(WD):
            found[_text(row["r"])].item = _text(row["item"])[len(WD) :]
    for row in select(
        kg.store,
        f"""SELECT ?r ?item ?label {{
          ?r owl:sameAs ?item . ?record oa:motivatedBy oa:identifying ; oa:hasTarget ?r ; oa:hasBody ?item ;
            <{SSSOM}object_label> ?label }}""",
    ):
        if _text(row["r"]) in found and _text(row["item"]).startswith(WD):
            labels = found[_text(row["r"])].item_labels
            labels.setdefault(_text(row["item"])[len(WD) :], set()).add(_text(row["label"]))
    for row in select(kg.store, "SELECT ?r ?item { ?r palsov:wikidataCandidate ?item }"):
        if _text(row["r"]) in found:
            found[_text(row["r"])].candidate = _text(row["item"])[len(WD) :]
    # Definite bounds (first_end, last_begin): an event that certainly ended before an item came to
    # be, or certainly began after it ceased, contradicts a link. Loose ones (first_known,
    # last_known): each event as late, or as early, as what we know of it allows.
    for row in select(
        kg.store,
        """
        SELECT ?r (MIN(?end) AS ?firstEnd) (MAX(?begin) AS ?lastBegin) (MIN(?late) AS ?first) (MAX(?early) AS ?last)
        WHERE {
          ?e a palsov:Event ; palsov:hasParticipation [ rdf:value ?r ; sem:roleType ?role ] ; time:hasTime ?t .
          FILTER (?role != role:predecessor)
          OPTIONAL { ?t crm:P82a_begin_of_the_begin ?a } OPTIONAL { ?t crm:P81a_end_of_the_begin ?b }
          OPTIONAL { ?t crm:P81b_begin_of_the_end ?c } OPTIONAL { ?t crm:P82b_end_of_the_end ?d }
          BIND (STR(?a) AS ?begin) BIND (STR(?d) AS ?end)
          BIND (STR(COALESCE(?d, ?c, ?b, ?a)) AS ?late) BIND (STR(COALESCE(?a, ?b, ?c, ?d)) AS ?early)
        } GROUP BY ?r""",
    ):
        if _text(row["r"]) in found:
            entry = found[_text(row["r"])]
            entry.first_end, entry.last_begin, entry.first_known, entry.last_known = (
                _optional(row[name]) for name in ("firstEnd", "lastBegin", "first", "last")
            )
    # An event, a period or the relation is itself dated: its own span bounds its item's dates.
    for row in select(
        kg.store,
        """
        SELECT ?r ?a ?b ?c ?d WHERE {
          ?r time:hasTime ?t FILTER NOT EXISTS { ?r a sem:Actor }
          OPTIONAL { ?t crm:P82a_begin_of_the_begin ?a } OPTIONAL { ?t crm:P81a_end_of_the_begin ?b }
          OPTIONAL { ?t crm:P81b_begin_of_the_end ?c } OPTIONAL { ?t crm:P82b_end_of_the_end ?d }
        }""",
    ):
        if _text(row["r"]) in found:
            a, b, c, d = (_optional(row[name]) for name in "abcd")
            entry = found[_text(row["r"])]
            entry.first_end, entry.last_begin = d, a
            # Under way by its latest beginning (b, else d); still under way at its earliest end (c, else a).
            entry.first_known, entry.last_known = b or d, c or a
    for predicate, attribute in (
        ("crm:P95i_was_formed_by", "formed"),
        ("crm:P99i_was_dissolved_by", "dissolved"),
    ):
        for row in select(
            kg.store,
            f"""
            SELECT ?r ?a ?b WHERE {{ ?r {predicate}/time:hasTime ?t .
              OPTIONAL {{ ?t crm:P82a_begin_of_the_begin ?a }} OPTIONAL {{ ?t crm:P82b_end_of_the_end ?b }} }}""",
        ):
            if _text(row["r"]) in found:
                setattr(found[_text(row["r"])], attribute, (_optional(row["a"]), _optional(row["b"])))
    return found
