"""`palsov link enrich`: labels (ru, ar, he) and dates of the linked items, into
data/wikidata/enrichment.ttl, a named graph of its own dated by its retrieval."""

from __future__ import annotations

from functools import partial

import pyoxigraph as ox

from ..errors import InputError
from ..project import Project
from ..queries.run import Results
from ..rdf.files import locked, write_durably
from ..rdf.graph import KnowledgeGraph
from ..rdf.io import serialized
from ..rdf.terms import well_formed
from ..rdf.vocab import CC0, DCTERMS, PREFIXES, PROV, RDFS_LABEL, WD, WDT, WIKIDATA_GRAPH, XSD_DATETIME
from .client import AnswerError, Client, item, value
from .resources import resources

LANGUAGES = ("ru", "ar", "he")


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
            graph, DCTERMS("title"), ox.Literal("Facts fetched from Wikidata for the linked items", language="en")
        ),
        ox.Triple(graph, DCTERMS("source"), ox.NamedNode(answer.endpoint)),
        ox.Triple(graph, PROV("generatedAtTime"), ox.Literal(retrieved, datatype=XSD_DATETIME)),
        ox.Triple(graph, DCTERMS("license"), CC0),
    ]
    body = serialized(sorted([*about, *triples], key=str), ox.RdfFormat.TURTLE, {**PREFIXES, "wdt": WDT})
    header = (
        f"# Wikidata enrichment: labels in {', '.join(LANGUAGES)} and dates of the linked items, "
        f"retrieved {retrieved} from {answer.endpoint}.\n# Written by `palsov link enrich`; "
        "reproducible from data/wikidata/cache/ with --offline. Wikidata's data are CC0.\n"
    )
    path = project.enrichment_file
    with locked(project.data_dir):
        write_durably(path, header.encode() + body)
    return len(triples), str(path)


_ENRICHED = {RDFS_LABEL, *(WDT(p) for p in ("P569", "P570", "P571", "P576"))}


def _enrichment(qids: set[str], results: Results) -> set[ox.Triple]:
    """The facts as triples: labels in our languages and the four dates, of the items asked for,
    each a well-formed literal of its datatype (an ill-typed date is an answer error, not data)."""
    triples = set()
    for row in results.rows:
        qid, prop = item(row, "item"), ox.NamedNode(value(row, "property", "uri"))
        if qid not in qids or prop not in _ENRICHED:
            raise AnswerError(f"a fact {prop.value} of wd:{qid}, which was not asked for")
        fact = row.get("value")
        if not isinstance(fact, ox.Literal):
            raise AnswerError(f"?value of wd:{qid} {prop.value} is not a literal")
        if not well_formed(fact):
            raise AnswerError(
                f"?value of wd:{qid} {prop.value} is not a well-formed {fact.datatype.value}: {fact.value!r}"
            )
        triples.add(ox.Triple(WD(qid), prop, fact))
    return triples
