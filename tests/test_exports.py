"""Exports: every format parses back to the same graph through two parsers; the JSON-LD through a
JSON-LD processor too; the framed timeline, the VoID/DCAT description and SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld
from rdflib.compare import isomorphic

from palsov.errors import InputError
from palsov.project import Project
from palsov.publish import formats as export
from palsov.publish import parallel
from palsov.publish.formats import FORMATS, export_all
from palsov.publish.jsonld import context_path, load_context
from palsov.publish.timeline import FRAME, FRAMING_OPTIONS, event_order, timeline
from palsov.queries.run import run_embedded
from palsov.queries.saved import find_query
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.terms import to_rdflib
from palsov.rdf.vocab import DATA_GRAPH, DESCRIPTION_GRAPH, ONTOLOGY_GRAPH

from .conftest import PROJECT_PARTS, ROOT, run_palsov

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
DATASET = ox.NamedNode("https://w3id.org/palsov/dataset")
CONTEXT = load_context(context_path(ROOT / "ontology"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("build")
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, root / part)
    result = run_palsov("build", cwd=root)
    assert result.returncode == 0, result.stderr
    yield root / "dist"


def parse(path: Path) -> list[ox.Quad]:
    with path.open("rb") as stream:
        return list(ox.parse(stream, format=ox.RdfFormat.from_extension(path.suffix[1:])))


@pytest.mark.parametrize("name", [n for n in FORMATS if n not in ("trig", "nquads")])
def test_merged_graph_files_parse_back_identically_in_pyoxigraph(dist: Path, kg: KnowledgeGraph, name: str) -> None:
    triples = {q.triple for q in parse(dist / f"palsov.{FORMATS[name].extension}")}
    assert triples == set(kg.all_triples())


@pytest.mark.parametrize("name", ["trig", "nquads"])
def test_dataset_files_keep_ontology_data_and_description_apart(dist: Path, kg: KnowledgeGraph, name: str) -> None:
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in parse(dist / f"palsov.{FORMATS[name].extension}"):
        graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    description = {q.triple for q in parse(dist / "void.ttl")}
    assert graphs == {
        ONTOLOGY_GRAPH.value: set(kg.ontology_triples),
        DATA_GRAPH.value: set(kg.data_triples),
        DESCRIPTION_GRAPH.value: description,
    }


def test_jsonld_expands_through_a_json_ld_processor_to_the_same_graph(dist: Path, kg: KnowledgeGraph) -> None:
    document = json.loads((dist / "palsov.jsonld").read_text(encoding="utf-8"))
    nquads = pyld.to_rdf(pyld.expand(document), {"format": "application/n-quads"})
    quads = ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    assert isomorphic(to_rdflib(q.triple for q in quads), kg.merged)


def test_jsonld_reads_as_plain_json_with_short_keys(dist: Path) -> None:
    document = json.loads((dist / "palsov.jsonld").read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in document["@graph"]}
    stance = nodes["stance:soviet-union-on-partition-from-1947"]
    assert stance["type"] == "Stance"
    assert stance["holder"] == "actor:soviet-union"
    assert stance["polarity"] == "polarities:support"
    span = nodes["stance:soviet-union-on-partition-from-1947/time"]
    assert (span["earliest"], span["latestStart"], span["edtf"]) == (
        "1947-01-01",
        "1947-12-31",
        "1947/",
    )
    context = json.loads((dist / "palsov-context-0.1.0.jsonld").read_text(encoding="utf-8"))
    assert context["@context"] == document["@context"]
    assert context["@context"]["earliest"] == {
        "@id": "crm:P82a_begin_of_the_begin",
        "@type": "xsd:date",
    }


def test_timeline_is_framed_in_order_with_actors_roles_and_quotes(
    dist: Path, kg: KnowledgeGraph, project: Project
) -> None:
    document = json.loads((dist / "timeline.jsonld").read_text(encoding="utf-8"))
    events = document["@graph"]
    ordered = [
        row["event"].value for row in run_embedded(kg.store, find_query(project.queries_dir, "cq-timeline").text).rows
    ]
    prefix = "https://w3id.org/palsov/id/event/"
    assert [e["id"].replace("event:", prefix) for e in events] == ordered
    text = project.source_text.read_text(encoding="utf-8")
    for event in events:
        assert event["hasTime"]["edtf"]
        participations = event.get("participation", [])  # the wars: the source names no belligerent
        for participation in participations if isinstance(participations, list) else [participations]:
            assert participation["value"]["label"] and participation["roleType"]["prefLabel"]
        evidence = event["supportedBy"] if isinstance(event["supportedBy"], list) else [event["supportedBy"]]
        for annotation in evidence:
            selectors = {s["type"]: s for s in annotation["target"]["selector"]}
            position = selectors["TextPositionSelector"]
            assert text[int(position["start"]) : int(position["end"])] == selectors["TextQuoteSelector"]["exact"]
    vote = next(e for e in events if e["id"] == "event:soviet-vote-for-the-un-partition-plan")
    assert vote["hasTime"]["label"] == "in 1947"
    assert (vote["participation"]["value"]["label"], vote["participation"]["roleType"]["prefLabel"]) == (
        "Soviet Union",
        "voter",
    )


def test_timeline_is_what_a_json_ld_framing_processor_makes_of_the_jsonld(
    dist: Path, kg: KnowledgeGraph, project: Project
) -> None:
    """pyld frames palsov.jsonld with the same frame to the same trees; only the order of events,
    which the frame cannot give, is ours (cq-timeline's)."""
    compacted = json.loads((dist / "palsov.jsonld").read_text(encoding="utf-8"))
    order = event_order(kg.store, find_query(project.queries_dir, "cq-timeline").text)
    ours = timeline(compacted, order)
    theirs = pyld.frame(compacted, {"@context": compacted["@context"], **FRAME}, FRAMING_OPTIONS)
    by_id = {event["id"]: event for event in theirs["@graph"]}
    assert len(ours["@graph"]) == len(by_id) == 40
    for event in ours["@graph"]:
        assert _canonical(event) == _canonical(by_id[event["id"]]), event["id"]
    assert json.loads((dist / "timeline.jsonld").read_text(encoding="utf-8")) == ours


def _canonical(value: object) -> object:
    """A tree with its arrays in a fixed order: their order carries no meaning in JSON-LD."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def test_exports_are_byte_identical_on_one_worker_and_on_two(
    kg: KnowledgeGraph, project: Project, tmp_path: Path
) -> None:
    order_query = find_query(project.queries_dir, "cq-timeline").text
    one, two = tmp_path / "one", tmp_path / "two"
    written = export_all(kg, one, CONTEXT, timeline_query=order_query, workers=1)
    assert [p.name for p in export_all(kg, two, CONTEXT, timeline_query=order_query, workers=2)] == [
        p.name for p in written
    ]
    assert [p.name for p in written] == [
        *(f"palsov.{FORMATS[name].extension}" for name in ("turtle", "jsonld", "ntriples", "rdfxml")),
        "context.jsonld",
        "palsov-context-0.1.0.jsonld",
        "timeline.jsonld",
        "palsov-wikidata.sssom.tsv",
        "void.ttl",
        *(f"palsov.{FORMATS[name].extension}" for name in ("nquads", "trig")),
    ]
    for path in written:
        assert path.read_bytes() == (two / path.name).read_bytes(), path.name


@pytest.mark.skipif(not parallel.can_fork(), reason="workers fork only on Linux")
def test_a_failing_export_leaves_the_previous_files_and_no_partial_ones(
    kg: KnowledgeGraph, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_query = find_query(project.queries_dir, "cq-timeline").text
    export_all(kg, tmp_path, CONTEXT, timeline_query=order_query, workers=2)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def fail(*_: object) -> dict:
        raise InputError("queries/cq-timeline.rq: line 1: broken")

    monkeypatch.setattr(export, "timeline", fail)  # the worker that writes the timeline inherits this
    with pytest.raises(InputError, match=r"cq-timeline\.rq: line 1: broken"):
        export_all(kg, tmp_path, CONTEXT, timeline_query=order_query, workers=2)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.skipif(not parallel.can_fork(), reason="workers fork only on Linux")
def test_the_timeline_waits_for_the_events_order_however_slow(
    kg: KnowledgeGraph, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_query = find_query(project.queries_dir, "cq-timeline").text
    expected = (
        export_all(kg, tmp_path / "quick", CONTEXT, timeline_query=order_query, workers=2)[0].parent / "timeline.jsonld"
    )

    def slow_order(*arguments: object) -> list[str]:
        time.sleep(1.0)  # longer than the JSON-LD of the real data takes to write
        return event_order(*arguments)

    monkeypatch.setattr(export, "event_order", slow_order)
    export_all(kg, tmp_path / "slow", CONTEXT, timeline_query=order_query, workers=2)
    assert (tmp_path / "slow" / "timeline.jsonld").read_bytes() == expected.read_bytes()


def test_nquads_name_the_graph_at_each_line_end_whatever_the_literals_hold(tmp_path: Path) -> None:
    s, p = (
        ox.NamedNode("https://w3id.org/palsov/id/actor/x"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    )
    literals = [ox.Literal('ends with a dot .\n and " .\n" inside'), ox.Literal("a\r\n.\t\\ .", language="en")]
    kg = KnowledgeGraph.from_triples([], [ox.Triple(s, p, o) for o in literals])
    for name in ("nquads", "trig"):
        out = export.export(kg, name, tmp_path / f"x.{FORMATS[name].extension}", CONTEXT)
        quads = parse(out)
        data = {(q.triple, q.graph_name) for q in quads if q.graph_name != DESCRIPTION_GRAPH}
        assert data == {(ox.Triple(s, p, o), DATA_GRAPH) for o in literals}


def description(dist: Path) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in parse(dist / "void.ttl"))
    return store


def value(store: ox.Store, subject: ox.NamedNode, predicate: str) -> str:
    (quad,) = store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
    return quad.object.value


def test_description_counts_the_graph_and_describes_every_distribution(dist: Path, kg: KnowledgeGraph) -> None:
    store = description(dist)
    assert int(value(store, DATASET, VOID + "triples")) == len(set(kg.all_triples()))
    assert (
        value(store, DATASET, "http://purl.org/dc/terms/license") == "https://creativecommons.org/licenses/by-sa/4.0/"
    )
    events = ox.NamedNode("https://w3id.org/palsov/dataset/class/palsov-Event")
    assert int(value(store, events, VOID + "entities")) == 40
    distributions = [q.object for q in store.quads_for_pattern(DATASET, ox.NamedNode(DCAT + "distribution"), None)]
    # The merged graph in each format, the timeline and the Wikidata mapping set (the dataset files
    # carry the description).
    assert sorted(node.value.rsplit("/", 1)[1] for node in distributions) == [
        "palsov-wikidata.sssom.tsv",
        "palsov.jsonld",
        "palsov.nt",
        "palsov.rdf",
        "palsov.ttl",
        "timeline.jsonld",
    ]
    for node in distributions:
        path = dist / node.value.rsplit("/", 1)[1]
        data = path.read_bytes()
        assert int(value(store, node, DCAT + "byteSize")) == len(data)
        checksum = ox.NamedNode(node.value + "/sha256")
        assert value(store, checksum, SPDX + "checksumValue") == hashlib.sha256(data).hexdigest()
        assert value(store, node, DCAT + "mediaType").startswith("https://www.iana.org/assignments/media-types/")


def test_sha256sums_lists_every_file_with_its_digest(dist: Path) -> None:
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert {
        "palsov.ttl",
        "palsov.trig",
        "timeline.jsonld",
        "void.ttl",
        "ontology.html",
        "palsov-wikidata.sssom.tsv",
    } <= set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest


def test_parsed_and_loaded_at_once_is_what_each_makes_alone(project_copy: Project) -> None:
    """A build has the files parsed into N-Triples and loaded into the store on two threads
    (KnowledgeGraph.parse_and_load): the same lines and the same store as one after the other, and a
    file that does not parse is the same one-line error."""
    alone = KnowledgeGraph.read(project_copy)
    lines, store = alone.parsed, alone.store
    together = KnowledgeGraph.read(project_copy)
    together.parse_and_load()
    assert "store" in together.__dict__ and together.parsed == lines
    assert sorted(map(str, together.store)) == sorted(map(str, store)) and len(store) > 5000
    broken = project_copy.data_dir / "events.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<oops> a .\n", encoding="utf-8")
    with pytest.raises(InputError) as serial:
        _ = KnowledgeGraph.read(project_copy).parsed
    with pytest.raises(InputError) as threaded:
        KnowledgeGraph.read(project_copy).parse_and_load()
    assert str(threaded.value) == str(serial.value) and "events.ttl" in str(serial.value)
