"""The JSON-LD context as a published resource: at its IRI in dist/, described in void.ttl, the same
object the dumps carry inline; JSON-LD 1.0 as well as 1.1; every key named after a property is
that property."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld

from palsov.project import Project
from palsov.publish.formats import export_all
from palsov.publish.jsonld import CONTEXT_FILE, VERSIONED_CONTEXT_FILE, context_path, load_context
from palsov.queries.saved import find_query
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import BASE, CONTEXT, DCTERMS, DOWNLOADS, RDF_TYPE, SPDX

from .conftest import ROOT

CONTEXT_OBJECT = load_context(context_path(ROOT / "ontology"))
MODES = ("json-ld-1.0", "json-ld-1.1")
#: Keywords and term-definition keys that JSON-LD 1.0 does not have (JSON-LD 1.1 §1.6 and §9).
JSON_LD_1_1_ONLY = ("@version", "@protected", "@propagate", "@import", "@nest", "@json", "@direction", "@prefix")
#: Local names two properties of the graph share: the key means the one the ontology names.
SHARED_NAMES = {
    "motivatedBy": "https://w3id.org/palsov/ontology#motivatedBy",  # oa:motivatedBy is "motivation"
    "subject": "http://purl.org/dc/terms/subject",  # rdf:subject, of our reified explanations, is left a compact IRI
}


@pytest.fixture(scope="module")
def dist(kg: KnowledgeGraph, project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    timeline = find_query(project.queries_dir, "cq-timeline").text
    export_all(kg, folder, CONTEXT_OBJECT, timeline_query=timeline, workers=1)
    return folder


def ntriples(path: Path) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)}


def triples_by_pyld(document: dict, mode: str, loader: object = None) -> set[ox.Triple]:
    options: dict = {"format": "application/n-quads", "processingMode": mode}
    if loader is not None:
        options["documentLoader"] = loader
    nquads = pyld.to_rdf(document, options)
    return {quad.triple for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


def local_name(iri: str) -> str:
    return re.split("[#/]", iri)[-1]


def expanded(value: str) -> str:
    prefix, _, local = value.partition(":")
    namespace = CONTEXT_OBJECT.get(prefix)
    return namespace + local if isinstance(namespace, str) and namespace.endswith(("/", "#")) else value


@pytest.mark.parametrize("mode", MODES)
def test_the_jsonld_dump_expands_to_exactly_the_triples_of_the_ntriples_dump(dist: Path, mode: str) -> None:
    document = json.loads((dist / "palsov.jsonld").read_text(encoding="utf-8"))
    assert triples_by_pyld(document, mode) == ntriples(dist / "palsov.nt")


@pytest.mark.parametrize("mode", MODES)
def test_the_timeline_reads_as_json_ld_1_0_and_1_1_alike(dist: Path, mode: str) -> None:
    document = json.loads((dist / "timeline.jsonld").read_text(encoding="utf-8"))
    triples = triples_by_pyld(document, mode)
    assert len(triples) > 1000 and triples <= ntriples(dist / "palsov.nt")


def test_a_json_ld_1_0_processor_refuses_a_context_that_declares_1_1() -> None:
    """Why the context declares no @version: the line alone locks out every 1.0 processor."""
    with pytest.raises(pyld.JsonLdError, match=r"not compatible with json-ld-1\.0"):
        pyld.expand({"@context": {"@version": 1.1, **CONTEXT_OBJECT}, "@id": "x"}, {"processingMode": "json-ld-1.0"})


def test_the_context_uses_no_json_ld_1_1_feature() -> None:
    for term, definition in CONTEXT_OBJECT.items():
        assert term not in JSON_LD_1_1_ONLY, term
        if isinstance(definition, dict):
            used = [key for key in definition if key in JSON_LD_1_1_ONLY or key == "@context"]
            assert not used, f"{term}: {used}"  # a scoped context (@context) is 1.1 too
            assert definition.get("@container") in (None, "@list", "@set", "@index", "@language"), term
            assert definition.get("@type") not in ("@json", "@none"), term


def test_every_key_named_after_a_property_of_the_graph_is_that_property(dist: Path) -> None:
    """ "certainty" as a key must mean palsov:certainty, never the certainty scheme's namespace: no
    prefix shadows a property, and every key that is a property's own name maps to it."""
    properties = {triple.predicate.value for triple in ntriples(dist / "palsov.nt")}
    prefixes = {name for name, value in CONTEXT_OBJECT.items() if isinstance(value, str) and value.endswith(("/", "#"))}
    named = {}
    for iri in sorted(properties):
        name = local_name(iri)
        assert name not in prefixes, f"the prefix {name!r} shadows the property {iri}"
        definition = CONTEXT_OBJECT.get(name)
        if isinstance(definition, dict):
            named[name] = expanded(definition["@id"])
        elif isinstance(definition, str) and not definition.startswith("@"):  # "type" is @type: rdf:type
            named[name] = expanded(definition)
    wrong = {
        name: iri
        for name, iri in named.items()
        if iri not in properties or (local_name(iri) != name and SHARED_NAMES.get(name) != iri)
    }
    assert not wrong
    assert {"certainty", "issue", "polarity", "precision", "qualifier", "role", "source"} <= set(named)


@pytest.mark.parametrize("mode", MODES)
def test_the_keys_a_user_types_expand_to_the_properties(mode: str) -> None:
    stance, annotation, span = BASE + "id/stance/s", BASE + "id/evidence/e", BASE + "id/stance/s/time"
    document = {
        "@context": CONTEXT_OBJECT,
        "@graph": [
            {"id": stance, "issue": "issues:partition-of-palestine", "polarity": "polarities:support"},
            {"id": annotation, "certainty": "certainties:probable", "source": "a public dataset"},
            {"id": span, "precision": "precisions:year", "qualifier": "qualifiers:as-early-as"},
        ],
    }
    palsov, vocab = BASE + "ontology#", BASE + "vocab/"
    assert {(t.subject.value, t.predicate.value, t.object.value) for t in triples_by_pyld(document, mode)} == {
        (stance, palsov + "issue", vocab + "issue/partition-of-palestine"),
        (stance, palsov + "polarity", vocab + "polarity/support"),
        (annotation, palsov + "certainty", vocab + "certainty/probable"),
        (annotation, DCTERMS("source").value, "a public dataset"),
        (span, palsov + "precision", vocab + "time-precision/year"),
        (span, palsov + "qualifier", vocab + "time-qualifier/as-early-as"),
    }


def test_the_context_is_published_at_its_iri_and_the_dumps_carry_it_inline(dist: Path) -> None:
    published = dist / CONTEXT_FILE
    assert CONTEXT.value == BASE + CONTEXT_FILE
    assert published.read_bytes() == (dist / VERSIONED_CONTEXT_FILE).read_bytes()
    context = json.loads(published.read_text(encoding="utf-8"))["@context"]
    assert context == CONTEXT_OBJECT
    for dump in ("palsov.jsonld", "timeline.jsonld"):
        assert json.loads((dist / dump).read_text(encoding="utf-8"))["@context"] == context, dump


@pytest.mark.parametrize("mode", MODES)
def test_a_document_that_names_the_context_by_its_iri_reads_as_the_dump_does(dist: Path, mode: str) -> None:
    """The published file works as a remote context: served at its IRI (here by a loader that knows
    that IRI alone), the dump's nodes under it give the dump's triples."""
    published = dist / CONTEXT_FILE

    def loader(url: str, options: dict | None = None) -> dict:
        assert url == CONTEXT.value, url
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(published.read_bytes())}

    graph = json.loads((dist / "palsov.jsonld").read_text(encoding="utf-8"))["@graph"]
    referring = {"@context": CONTEXT.value, "@graph": graph}
    assert triples_by_pyld(referring, mode, loader) == ntriples(dist / "palsov.nt")


def test_void_describes_the_context_and_the_json_ld_files_conform_to_it(dist: Path) -> None:
    description = {quad.triple for quad in ox.parse(path=str(dist / "void.ttl"))}

    def objects(subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> set:
        return {t.object for t in description if t.subject == subject and t.predicate == predicate}

    assert DCTERMS("Standard") in objects(CONTEXT, RDF_TYPE)
    assert objects(CONTEXT, DCTERMS("hasVersion")) == {DOWNLOADS(VERSIONED_CONTEXT_FILE)}
    (checksum,) = objects(CONTEXT, SPDX("checksum"))
    digest = hashlib.sha256((dist / CONTEXT_FILE).read_bytes()).hexdigest()
    assert {literal.value for literal in objects(checksum, SPDX("checksumValue"))} == {digest}
    conforming = {t.subject.value.rsplit("/", 1)[1] for t in description if t.predicate == DCTERMS("conformsTo")}
    conforming.discard("dataset")  # the dataset conforms to the ontology
    assert conforming == {"palsov.jsonld", "timeline.jsonld"}
    for name in conforming:
        assert objects(ox.NamedNode(f"{BASE}dataset/distribution/{name}"), DCTERMS("conformsTo")) == {CONTEXT}
