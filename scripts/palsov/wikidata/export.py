"""`palsov link export --quickstatements`: what Wikidata lacks for our linked resources, as
QuickStatements (version 1 commands, one statement a line) for a person to review and run; palsov
never sends them anywhere.

For every verified link, the item gets *described at URL* (P973): our resource's IRI, where its
description in this dataset is served. Given the Wikidata item of a source that describes them
(`--described-by`, e.g. the item of the article once it is found), each item also gets *described
by source* (P1343) with that item, referenced by the page of our resource (*reference URL*, S854).
Every statement is referenced with the date of retrieval (S813), the day of the export, and carries
an edit summary naming the palsov resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..rdf.graph import KnowledgeGraph
from ..rdf.sparql import select
from ..rdf.vocab import WD
from .accept import valid_qid

_LINKS = """
SELECT ?resource ?item WHERE {
  ?resource owl:sameAs ?item .
  ?record oa:motivatedBy oa:identifying ; oa:hasTarget ?resource ; oa:hasBody ?item .
  FILTER STRSTARTS(STR(?item), STR(wd:))
}"""


@dataclass(frozen=True)
class Statement:
    item: str
    property: str
    value: str
    references: tuple[tuple[str, str], ...]
    summary: str

    def line(self) -> str:
        sources = "".join(f"|{p}|{v}" for p, v in self.references)
        return f"{self.item}|{self.property}|{self.value}{sources} /* {self.summary} */"


def _string(text: str) -> str:
    if '"' in text or "|" in text or "\n" in text:
        raise ValueError(f"cannot be written as a QuickStatements string: {text!r}")
    return f'"{text}"'


def statements(kg: KnowledgeGraph, described_by: str | None = None, today: date | None = None) -> list[Statement]:
    retrieved = ("S813", f"+{(today or date.today()).isoformat()}T00:00:00Z/11")
    source = valid_qid(described_by) if described_by else None
    found = []
    for row in select(kg.store, _LINKS):
        qid, iri = row["item"].value[len(WD) :], row["resource"].value
        summary = f"palsov: wd:{qid} is {iri}, verified by two independent sources"
        found.append(Statement(qid, "P973", _string(iri), (retrieved,), summary))
        if source:
            found.append(Statement(qid, "P1343", source, (("S854", _string(iri)), retrieved), summary))
    return sorted(set(found), key=lambda s: (int(s.item[1:]), s.property))


def quickstatements(kg: KnowledgeGraph, described_by: str | None = None, today: date | None = None) -> str:
    return "".join(s.line() + "\n" for s in statements(kg, described_by, today))
