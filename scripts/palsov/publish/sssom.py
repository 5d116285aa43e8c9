"""The Wikidata links, related items and candidates as an SSSOM mapping set
(dist/palsov-wikidata.sssom.tsv): a YAML metadata block (mapping set id, licence, curie map) and one
row per mapping, made from the verification records in the graph.

Links are `skos:exactMatch` (the SSSOM reading of our owl:sameAs), related items `skos:relatedMatch`,
and candidates `skos:exactMatch` at a confidence that says they are unconfirmed: a mapping set's
confidence is "the probability that the match is correct", so a candidate keeps the predicate it
would have and says how likely it is. A link that a `palsov link check` passed is upgraded; one it
failed is downgraded to a candidate's confidence, with the problem in the comment.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import yaml

from ..rdf.files import write_atomically
from ..rdf.sparql import select
from ..rdf.vocab import CC_BY_SA, DOWNLOADS, EARL, ID, OA, PREFIXES, SEMAPV, SKOS, SSSOM, WD

FILE_NAME = "palsov-wikidata.sssom.tsv"
MEDIA_TYPE = "text/tab-separated-values"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_id",
    "mapping_date",
    "comment",
)
#: Who asserts the mappings when a record does not say (a link accepted by hand): the project.
PROJECT_AGENT = ID("agent/palsov-developers")

#: How likely each kind of mapping is to be right, as SSSOM's confidence.
CORROBORATED = 0.95  # a link: two independent public sources pair the item with our resource
CHECKED = 1.0  # ... and `palsov link check` found the item agreeing with it
RELATED = 0.95  # related, not the same: our judgement, on an item whose identity two sources confirm
CANDIDATE = 0.5  # one source, or none citable, or a link a check failed

_PREDICATES = {
    OA("identifying").value: SKOS("exactMatch"),
    OA("linking").value: SKOS("relatedMatch"),
    OA("assessing").value: SKOS("exactMatch"),
}

_MAPPINGS = f"""
SELECT ?record ?motivation ?subject ?subjectLabel ?object ?objectLabel ?comment ?created ?verified
       ?justification ?author ?outcome ?checked ?endpoint
WHERE {{
  VALUES ?motivation {{ oa:identifying oa:linking oa:assessing }}
  ?record oa:motivatedBy ?motivation ; oa:hasTarget ?subject ; oa:hasBody ?object .
  FILTER STRSTARTS(STR(?object), STR(wd:))
  ?subject rdfs:label ?subjectLabel FILTER (LANG(?subjectLabel) = "en")
  OPTIONAL {{ ?record <{SSSOM}object_label> ?objectLabel }}
  OPTIONAL {{ ?record rdfs:comment ?comment }}
  OPTIONAL {{ ?record dcterms:created ?created }}
  OPTIONAL {{ ?record prov:wasGeneratedBy ?activity .
             OPTIONAL {{ ?activity dcterms:date ?verified }}
             OPTIONAL {{ ?activity dcterms:type ?justification }}
             OPTIONAL {{ ?activity prov:wasAssociatedWith ?author }} }}
  OPTIONAL {{ ?assertion a <{EARL}Assertion> ; <{EARL}subject> ?record ; <{EARL}result> ?result .
             ?result <{EARL}outcome> ?outcome ; dcterms:date ?checked ; dcterms:source ?endpoint }}
}}"""


@dataclass(frozen=True)
class Mapping:
    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    confidence: float
    author_id: str
    mapping_date: str
    comment: str

    def row(self) -> list[str]:
        return [str(getattr(self, column)) for column in COLUMNS]


def _prefixes() -> dict[str, str]:
    """The curie map: our resources' prefixes, Wikidata's, and the agent's; SSSOM knows skos: and semapv:."""
    ours = {name: str(iri) for name, iri in PREFIXES.items() if iri.startswith(ID) and name not in ("link", "evidence")}
    return {**ours, "agent": ID + "agent/", "wd": str(WD)}


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for name, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{name}:{iri[len(namespace) :]}"
    for name, namespace in (("skos", SKOS), ("semapv", SEMAPV)):
        if iri.startswith(namespace):
            return f"{name}:{iri[len(namespace) :]}"
    raise ValueError(f"no prefix for {iri}")


def _text(term: object) -> str:
    return "" if term is None else " ".join(str(getattr(term, "value", term)).split())


def mappings(store: ox.Store) -> list[Mapping]:
    """Every link, related item and candidate that a record in the graph speaks for."""
    prefixes = _prefixes()
    found = []
    for row in select(store, _MAPPINGS):
        motivation = _text(row["motivation"])
        predicate = _PREDICATES[motivation]
        subject, item = row["subject"], row["object"]
        stated = {
            OA("identifying").value: (subject, ox.NamedNode(PREFIXES["owl"] + "sameAs"), item),
            OA("linking").value: (subject, SKOS("relatedMatch"), item),
            OA("assessing").value: (subject, ox.NamedNode(PREFIXES["palsov"] + "wikidataCandidate"), item),
        }[motivation]
        if not any(True for _ in store.quads_for_pattern(*stated)):
            continue  # a record left behind by a link since withdrawn
        comment = _text(row["comment"])
        if motivation == OA("identifying").value:
            confidence = CORROBORATED
            if row["outcome"] is not None:
                passed = _text(row["outcome"]) == EARL("passed").value
                confidence = CHECKED if passed else CANDIDATE
                comment += (
                    f" Checked with palsov link check against {_text(row['endpoint'])} (answer of "
                    f"{_text(row['checked'])}): {'passed' if passed else 'failed'}."
                )
        else:
            confidence = RELATED if motivation == OA("linking").value else CANDIDATE
        found.append(
            Mapping(
                subject_id=_curie(subject.value, prefixes),
                subject_label=_text(row["subjectLabel"]),
                predicate_id=_curie(predicate.value, prefixes),
                object_id=_curie(item.value, prefixes),
                object_label=_text(row["objectLabel"]),
                mapping_justification=_curie(
                    _text(row["justification"]) or SEMAPV("ManualMappingCuration").value, prefixes
                ),
                confidence=confidence,
                author_id=_curie(_text(row["author"]) or PROJECT_AGENT.value, prefixes),
                mapping_date=(_text(row["verified"]) or _text(row["created"]))[:10],
                comment=comment,
            )
        )
    return sorted(set(found), key=lambda m: (m.subject_id, m.predicate_id, m.object_id))


def metadata(version: str, rows: list[Mapping]) -> dict[str, object]:
    used = {curie.split(":", 1)[0] for m in rows for curie in (m.subject_id, m.object_id, m.author_id)}
    return {
        "curie_map": {name: iri for name, iri in _prefixes().items() if name in used | {"agent"}},
        "mapping_set_id": DOWNLOADS(FILE_NAME).value,
        "mapping_set_version": version,
        "mapping_set_title": "palsov to Wikidata: links, related items and candidates",
        "mapping_set_description": (
            "The resources of palsov (Palestine–Soviet Union relations, 1919–1991) mapped to Wikidata items. "
            "skos:exactMatch at confidence 0.95 or more is a verified link (owl:sameAs in the graph): two "
            "independent public sources pair the item with the resource, and 1.0 means palsov link check also "
            "found it agreeing; skos:relatedMatch is related, not the same; confidence 0.5 is an unconfirmed "
            "candidate. Each comment says how the mapping was judged; the graph's records name the sources."
        ),
        "license": CC_BY_SA.value,
        "creator_id": [_curie(PROJECT_AGENT.value, _prefixes())],
        "creator_label": ["The palsov developers"],
    }


def render(store: ox.Store, version: str) -> str:
    rows = mappings(store)
    block = yaml.safe_dump(metadata(version, rows), sort_keys=False, allow_unicode=True, width=1000)
    buffer = io.StringIO()
    buffer.writelines(f"# {line}\n" for line in block.splitlines())
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(m.row() for m in rows)
    return buffer.getvalue()


def write(store: ox.Store, folder: Path, version: str) -> Path:
    path = folder / FILE_NAME
    write_atomically(path, render(store, version))
    return path
