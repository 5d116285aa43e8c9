"""The resource model the site's pages, `palsov describe` and `palsov search` all read.

Built once from the graph's sorted triples: every IRI under our base with its document (the folder
`layout` gives it), the triples about it and those pointing at it, and what a reader wants of it in
words: its label and other names, its types, its time as the source words it, the claims the
source makes about it (each with its quote, certainty and attribution), our inferences about it,
its Wikidata item and the stances it holds.

A resource's *description*, the RDF the site publishes beside its page and `palsov describe
--format` prints, is: the triples about the IRIs of its document (the IRI and its hash IRIs), about
the parts nested under it (an event's time span and participations, an evidence's selectors; not
for the base, which would be everything), and the triples that point at its document from outside.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from ...rdf.graph import KnowledgeGraph
from ...rdf.terms import Term, nodes, short, subject_of
from ...rdf.vocab import (
    BASE,
    CRM,
    DCTERMS,
    OA,
    ORG,
    OWL,
    PALSOV,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SDO,
    SEM,
    SKOS,
    SOURCE_ARTICLE,
    TIME,
    VOCAB,
    WD,
)
from .layout import document_iri, folder, is_published
from .words import WORDS

_LABEL = RDFS("label").value
_PREF_LABEL = SKOS("prefLabel").value
_ALT_LABEL = SKOS("altLabel").value
_HIDDEN_LABEL = SKOS("hiddenLabel").value
_TYPE = RDF_TYPE.value
_HAS_BODY = OA("hasBody").value
_HAS_TARGET = OA("hasTarget").value
_HAS_SELECTOR = OA("hasSelector").value
_MOTIVATED_BY = OA("motivatedBy").value
_EXACT = OA("exact").value
_START = OA("start").value
_END = OA("end").value
_CERTAINTY = PALSOV("certainty").value
_ACCORDING_TO = PALSOV("accordingTo").value
_INFERRING = PALSOV("inferring").value
_IDENTIFYING = OA("identifying").value
_COMMENT = RDFS("comment").value
_RDF_SUBJECT = RDF("subject").value
_HAS_TIME = TIME("hasTime").value
_EDTF = PALSOV("edtf").value
_PRECISION = PALSOV("precision").value
_QUALIFIER = PALSOV("qualifier").value
_SAME_AS = OWL("sameAs").value
_CANDIDATE = PALSOV("wikidataCandidate").value
_HOLDER = PALSOV("holder").value
_DEFINITION = SKOS("definition").value
_BOUNDS = (
    ("earliest beginning", CRM("P82a_begin_of_the_begin").value),
    ("latest beginning", CRM("P81a_end_of_the_begin").value),
    ("earliest end", CRM("P81b_begin_of_the_end").value),
    ("latest end", CRM("P82b_end_of_the_end").value),
)
_IN_SCHEME = SKOS("inScheme").value
_PARTICIPATION = PALSOV("hasParticipation").value
_PARTICIPATION_TYPE = PALSOV("Participation").value
_REIFIED = (RDF("subject").value, RDF("predicate").value, RDF("object").value)
_ROLE = SEM("roleType").value
_RDF_VALUE = RDF("value").value
_ACTOR_TYPE = SEM("actorType").value
_TOP_CONCEPT_OF = SKOS("topConceptOf").value
_MOTIVATIONS = {
    OA("describing").value: "evidence",
    _INFERRING: "inference of ours",
    _IDENTIFYING: "Wikidata link record",
    OA("assessing").value: "assessment",
}
#: The more specific of the types a resource has together (a person is also an actor).
_TYPE_ORDER = tuple(
    term.value
    for term in (
        CRM("E21_Person"),
        ORG("OrganizationalUnit"),
        ORG("Organization"),
        CRM("E74_Group"),
        SEM("Actor"),
        SEM("Place"),
        SEM("EventType"),
        SEM("RoleType"),
        SEM("ActorType"),
        SKOS("ConceptScheme"),
        SKOS("Concept"),
        ORG("Membership"),
        OWL("Ontology"),
        OWL("Class"),
        OWL("ObjectProperty"),
        OWL("DatatypeProperty"),
        SDO("Article"),
        RDF("Statement"),
    )
)
#: The types of the parts of a resource (found through it, not searched for by name).
_PART_TYPES = frozenset({PALSOV("TimeSpan").value, PALSOV("Participation").value})
_NAME_PROPERTIES = (_LABEL, _PREF_LABEL, DCTERMS("title").value)
#: A source a Wikidata link's record quotes (a file at a commit): found through its record, and
#: named after the file, so a search for a person would otherwise also find the files about them.
_QUOTED_FROM = PROV("wasQuotedFrom").value


@dataclass(frozen=True)
class TimeSpan:
    """A time as the source gives it: its words (the span's label), EDTF, precision, qualifier, bounds."""

    iri: str
    words: str
    edtf: str | None
    precision: str | None  # a concept IRI
    qualifier: str | None  # a concept IRI
    bounds: tuple[tuple[str, str], ...]  # (what the bound is, its xsd:date)

    @property
    def sort_key(self) -> str:
        """The earliest bound given, for ordering ("9999" when the source gives none)."""
        return min((date for _, date in self.bounds), default="9999")


@dataclass(frozen=True)
class Claim:
    """An annotation of the source about resources: the source's claim, or an inference of ours."""

    iri: str
    motivation: str  # oa:describing, palsov:inferring …
    bodies: tuple[str, ...]
    quote: str | None
    start: int | None
    end: int | None
    certainty: str | None
    according_to: tuple[str, ...]
    comment: str | None

    @property
    def inferred(self) -> bool:
        return self.motivation == _INFERRING

    @property
    def anchor(self) -> str:
        """The id of its quote in the source reader."""
        return "q-" + self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SearchEntry:
    iri: str
    label: str
    kind: str
    names: tuple[str, ...]  # every other name, the source's misspellings included


class SiteModel:
    """The graph as resources: built once from triples, in a deterministic order."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = sorted(set(triples), key=str)
        self.about: dict[str, list[ox.Triple]] = defaultdict(list)
        self.pointing: dict[str, list[ox.Triple]] = defaultdict(list)
        self.members: dict[str, list[str]] = defaultdict(list)  # document -> its IRIs
        self._values: dict[tuple[str, str], list[Term]] = defaultdict(list)
        self._labels: dict[str, str] = {}
        self._times: dict[str, TimeSpan | None] = {}
        published: set[str] = set()
        about, values, pointing = self.about, self._values, self.pointing
        for triple in self.triples:
            subject, predicate, obj = nodes(triple)
            iri, property_iri = subject.value, predicate.value  # each read once: pyoxigraph makes a new str
            about[iri].append(triple)
            values[iri, property_iri].append(obj)
            if isinstance(subject, ox.NamedNode):
                published.add(iri)
            published.add(property_iri)
            if isinstance(obj, ox.NamedNode):
                target = obj.value
                published.add(target)
                pointing[target].append(triple)
        for iri in sorted(filter(is_published, published)):
            self.members[document_iri(iri)].append(iri)
        self.documents = sorted(self.members)
        self._document_set = set(self.documents)

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> SiteModel:
        """The model of a graph (its merged triples: ontology, data and enrichment; sorted here)."""
        return cls(kg.all_triples())

    # -- values ---------------------------------------------------------------------------------

    def values(self, iri: str, predicate: str) -> list[Term]:
        return self._values.get((iri, predicate), [])

    def value(self, iri: str, predicate: str) -> str | None:
        found = self.values(iri, predicate)
        return found[0].value if found else None

    def label(self, iri: str) -> str:
        """Its name in English (rdfs:label, skos:prefLabel or title), else its short name."""
        found = self._labels.get(iri)
        if found is None:
            found = self._labels[iri] = self._label(iri)
        return found

    def _label(self, iri: str) -> str:
        for predicate in _NAME_PROPERTIES:
            names = self.values(iri, predicate)
            english = [n for n in names if isinstance(n, ox.Literal) and n.language in ("en", None)]
            if english:
                return english[0].value
        actors = self.values(iri, _RDF_VALUE)
        if actors and _PARTICIPATION_TYPE in self.types(iri):
            roles = " and ".join(self.label(r.value) for r in self.values(iri, _ROLE))
            return ", ".join(self.label(a.value) for a in actors) + (f" as {roles}" if roles else "")
        stated = [self.values(iri, p) for p in _REIFIED]
        if all(len(v) == 1 for v in stated):
            return " ".join(self.label(v[0].value) if isinstance(v[0], ox.NamedNode) else v[0].value for v in stated)
        claim = self.claims.get(iri)
        if claim is not None and claim.quote:
            return "“" + (claim.quote if len(claim.quote) <= 80 else claim.quote[:79].rstrip() + "…") + "”"
        return WORDS.get(iri) or _fallback_label(iri)

    def names(self, iri: str) -> tuple[str, ...]:
        """Its other names: alternative labels and the source's spellings (hidden labels)."""
        return tuple(n.value for p in (_ALT_LABEL, _HIDDEN_LABEL) for n in self.values(iri, p))

    def types(self, iri: str) -> list[str]:
        return [t.value for t in self.values(iri, _TYPE)]

    def kind(self, iri: str) -> str:
        """What it is, in words: a concept by its scheme ("issue"), an annotation by its motivation,
        else its most specific type (ours first)."""
        scheme = self.value(iri, _IN_SCHEME) or self.value(iri, _TOP_CONCEPT_OF)
        if scheme is not None and scheme.startswith(VOCAB):
            return scheme[len(VOCAB) :].rstrip("/").replace("-", " ")
        actor_type = self.value(iri, _ACTOR_TYPE)
        if actor_type is not None:
            return self.label(actor_type)
        motivation = self.value(iri, _MOTIVATED_BY)
        if motivation is not None:
            return _MOTIVATIONS.get(motivation, "annotation")
        types = set(self.types(iri))
        ranked = [t for t in types if t.startswith(PALSOV)] + [t for t in _TYPE_ORDER if t in types] + sorted(types)
        if ranked:
            return self.label(ranked[0])
        return "term" if "#" in iri else "resource"

    def definition(self, iri: str) -> str | None:
        return self.value(iri, _DEFINITION) or self.value(iri, _COMMENT)

    # -- what the site and describe show --------------------------------------------------------

    def time(self, iri: str) -> TimeSpan | None:
        """Its time span (time:hasTime) as the source gives it, or None."""
        if iri not in self._times:
            self._times[iri] = self._time(iri)
        return self._times[iri]

    def _time(self, iri: str) -> TimeSpan | None:
        span = self.value(iri, _HAS_TIME)
        if span is None:
            return None
        bounds = tuple((name, date) for name, p in _BOUNDS if (date := self.value(span, p)) is not None)
        return TimeSpan(
            span,
            self.label(span),
            self.value(span, _EDTF),
            self.value(span, _PRECISION),
            self.value(span, _QUALIFIER),
            bounds,
        )

    @cached_property
    def claims(self) -> dict[str, Claim]:
        """Every annotation with a body, by IRI (Wikidata verifications are not claims of the source)."""
        found = {}
        for iri in sorted(subject_iri(t) for t in self.triples if t.predicate.value == _HAS_BODY):
            if iri in found:
                continue
            motivation = self.value(iri, _MOTIVATED_BY) or ""
            if motivation == _IDENTIFYING:
                continue
            quote = start = end = None
            target = self.value(iri, _HAS_TARGET)
            for selector in self.values(target, _HAS_SELECTOR) if target else ():
                quote = quote or self.value(selector.value, _EXACT)
                if (position := self.value(selector.value, _START)) is not None:
                    start, end = int(position), int(self.value(selector.value, _END) or position)
            found[iri] = Claim(
                iri,
                motivation,
                tuple(sorted(b.value for b in self.values(iri, _HAS_BODY))),
                quote,
                start,
                end,
                self.value(iri, _CERTAINTY),
                tuple(sorted(a.value for a in self.values(iri, _ACCORDING_TO))),
                self.value(iri, _COMMENT),
            )
        return found

    @cached_property
    def _claims_by_body(self) -> dict[str, list[Claim]]:
        by_body: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.claims.values():
            for body in claim.bodies:
                # A reified statement's claim is a claim about its subject too.
                for about in {body, self.value(body, _RDF_SUBJECT) or body, self.owner(body)}:
                    by_body[about].append(claim)
        return {iri: _distinct(claims) for iri, claims in by_body.items()}

    def claims_about(self, iri: str) -> list[Claim]:
        """The source's claims and our inferences about it, its parts, or a statement about it."""
        return self._claims_by_body.get(iri, [])

    def owner(self, iri: str) -> str:
        """The innermost resource whose folder holds `iri`'s folder (an event for its time span and
        participations), else `iri`'s own document."""
        if not is_published(iri):
            return iri
        parts = str(folder(iri)).split("/")
        for length in range(len(parts) - 1, 0, -1):
            candidate = BASE + "/".join(parts[:length])
            if candidate in self._document_set:
                return candidate
        return document_iri(iri)

    def participants(self, iri: str) -> list[tuple[str, tuple[str, ...]]]:
        """Who took part in an event, each with their roles (its palsov:Participation nodes), by IRI."""
        found = []
        for participation in self.values(iri, _PARTICIPATION):
            roles = tuple(sorted(r.value for r in self.values(participation.value, _ROLE)))
            found += [(actor.value, roles) for actor in self.values(participation.value, _RDF_VALUE)]
        return sorted(found)

    def wikidata(self, iri: str) -> list[str]:
        return [v.value for v in self.values(iri, _SAME_AS) if v.value.startswith(WD)]

    def wikidata_candidates(self, iri: str) -> list[str]:
        return [v.value for v in self.values(iri, _CANDIDATE)]

    def stances_of(self, iri: str) -> list[str]:
        """The stances it holds, in time order (then by IRI)."""
        held = [subject_iri(t) for t in self.pointing.get(iri, ()) if t.predicate.value == _HOLDER]
        return sorted(held, key=self.time_order)

    def time_order(self, iri: str) -> tuple[str, str]:
        """A key that orders resources by their earliest bound (undated ones last), then by IRI."""
        span = self.time(iri)
        return (span.sort_key if span else "9999", iri)

    def inbound(self, iri: str) -> list[ox.Triple]:
        """The triples pointing at it from outside its own document and parts."""
        own = document_iri(iri)
        return [
            t
            for member in self.members.get(own, [iri])
            for t in self.pointing.get(member, ())
            if document_iri(subject_iri(t)) != own and self.owner(subject_iri(t)) != own
        ]

    def description(self, document: str) -> list[ox.Triple]:
        """The triples published as the document's own description (see the module's docstring)."""
        subjects = set(self.members.get(document, [document]))
        if document != BASE:
            prefix = document + "/"
            start = bisect.bisect_left(self._subjects, prefix)
            for subject in self._subjects[start:]:
                if not subject.startswith(prefix):
                    break
                subjects.add(subject)
        own = [t for s in sorted(subjects) for t in self.about.get(s, ())]
        inbound = [
            t
            for member in self.members.get(document, [document])
            for t in self.pointing.get(member, ())
            if subject_iri(t) not in subjects
        ]
        return sorted(set(own + inbound), key=str)

    @cached_property
    def _subjects(self) -> list[str]:
        return sorted(self.about)

    @cached_property
    def source_text(self) -> str:
        return self.value(SOURCE_ARTICLE.value, SDO("text").value) or ""

    def search_entries(self) -> list[SearchEntry]:
        """A resource or concept for each document that has a name of its own (a label, not a quote)
        and is not a part of another (a time span) nor a link record's source, with its other names."""
        entries = []
        for document in self.documents:
            if (
                any(self.values(document, p) for p in _NAME_PROPERTIES)
                and not _PART_TYPES & set(self.types(document))
                and not self.values(document, _QUOTED_FROM)
            ):
                entries.append(SearchEntry(document, self.label(document), self.kind(document), self.names(document)))
        return entries

    def find(self, text: str) -> list[SearchEntry]:
        """The resources whose label or another name contains `text` (case ignored), best first:
        an exact name, then a name that starts with it, then one that contains it."""
        wanted = text.strip().casefold()
        if not wanted:
            return []
        scored = []
        for entry in self.search_entries():
            names = [n.casefold() for n in (entry.label, *entry.names)]
            if wanted in names:
                rank = 0
            elif any(n.startswith(wanted) for n in names):
                rank = 1
            elif any(wanted in n for n in names):
                rank = 2
            else:
                continue
            scored.append((rank, entry.label.casefold(), entry.iri, entry))
        return [entry for *_, entry in sorted(scored, key=lambda s: s[:3])]


def subject_iri(triple: ox.Triple) -> str:
    """The IRI (or blank node label) of a triple's subject."""
    return subject_of(triple).value


def _distinct(claims: list[Claim]) -> list[Claim]:
    return sorted({c.iri: c for c in claims}.values(), key=lambda c: (c.start is None, c.start or 0, c.iri))


def _fallback_label(iri: str) -> str:
    name = short(ox.NamedNode(iri))
    return name if not name.startswith("<") else iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
