"""`palsov link` against a real Oxigraph server standing in for Wikidata, and against a server
that injects faults. Nothing here reaches the internet."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.errors import InputError, ServiceError
from palsov.project import Project
from palsov.queries.run import Results
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.http import HttpClient
from palsov.wikidata.check import check
from palsov.wikidata.client import Client

from .conftest import ROOT, run_palsov
from .servers import Reply, fault_server, oxigraph_server

STAND_IN = ROOT / "tests" / "fixtures" / "wikidata" / "stand-in.ttl"
ID = "https://w3id.org/palsov/id/"
VALID = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}'


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with oxigraph_server(data=STAND_IN.read_bytes(), media_type="text/turtle") as base:
        yield f"{base}/query"


def link(project: Project, *args: str, endpoint: str) -> object:
    return run_palsov("link", "--endpoint", endpoint, "--retries", "0", *args, cwd=project.root)


def add_links(project: Project, pairs: dict[str, str]) -> None:
    """Link resources to (decoy) items in a copy of the data, with verification records."""
    lines = ["@prefix owl: <http://www.w3.org/2002/07/owl#> .", "@prefix oa: <http://www.w3.org/ns/oa#> ."]
    for n, (resource, qid) in enumerate(pairs.items()):
        lines.append(f"<{ID}{resource}> owl:sameAs <http://www.wikidata.org/entity/{qid}> .")
        lines.append(
            f"<{ID}link/decoy-{n}> oa:motivatedBy oa:identifying ; oa:hasTarget <{ID}{resource}> ; "
            f"oa:hasBody <http://www.wikidata.org/entity/{qid}> ."
        )
    (project.data_dir / "decoys.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")


EARL = "http://www.w3.org/ns/earl#"


def check_results(project: Project) -> dict[str, tuple[str, str, str, str]]:
    """The kept results of the last link check: record -> (outcome, endpoint, date, description)."""
    graph = ox.Store()
    graph.load(project.link_check_file.read_bytes(), format=ox.RdfFormat.TURTLE)
    rows = graph.query(
        """PREFIX earl: <http://www.w3.org/ns/earl#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?record ?outcome ?endpoint ?date ?said {
          ?a a earl:Assertion ; earl:subject ?record ; earl:test ?test ; earl:result ?r .
          ?r earl:outcome ?outcome ; dcterms:source ?endpoint ; dcterms:date ?date ; dcterms:description ?said }"""
    )
    return {
        row["record"].value.removeprefix(ID): (
            row["outcome"].value.removeprefix(EARL),
            row["endpoint"].value,
            row["date"].value,
            row["said"].value,
        )
        for row in rows
    }


def test_check_passes_on_the_real_data_and_keeps_its_results(project_copy: Project, wikidata: str) -> None:
    result = link(project_copy, "check", endpoint=wikidata)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"every Wikidata link agrees with {wikidata}" in result.stdout
    kept = check_results(project_copy)
    assert len(kept) == 31 and {r[0] for r in kept.values()} == {"passed"}
    assert {r[1] for r in kept.values()} == {wikidata}
    assert kept["link/arab-israeli-war-of-1967"][3] == "wd:Q49077 agrees with '1967 Arab–Israeli war'"
    # Offline, from the cache, the same results, the same date of retrieval: the same file.
    first = project_copy.link_check_file.read_bytes()
    again = run_palsov("link", "--endpoint", wikidata, "--offline", "check", cwd=project_copy.root)
    assert again.returncode == 0 and project_copy.link_check_file.read_bytes() == first
    # The results are part of the graph (the Wikidata graph of the exports), and upgrade the links of
    # the build's mapping set.
    build = run_palsov("build", cwd=project_copy.root)
    assert build.returncode == 0, build.stderr
    with (project_copy.dist_dir / "palsov-wikidata.sssom.tsv").open(encoding="utf-8") as stream:
        table = [line for line in stream if not line.startswith("#")]
    rows = {(r["subject_id"], r["object_id"]): r for r in csv.DictReader(table, delimiter="\t")}
    war = rows[("event:arab-israeli-war-of-1967", "wd:Q49077")]
    assert war["confidence"] == "1.0"
    retrieved = kept["link/arab-israeli-war-of-1967"][2]
    assert war["comment"].endswith(
        f"Checked with palsov link check against {wikidata} (answer of {retrieved}): passed."
    )
    assert rows[("actor:dflp", "wd:Q818618")]["confidence"] == "0.5"  # a candidate is not checked


def test_check_flags_every_decoy(project_copy: Project, wikidata: str) -> None:
    # Let the decoys take the places of these resources' real links (N-Triples is Turtle too).
    links = project_copy.data_dir / "links.ttl"
    names = ("joseph-stalin", "soviet-union", "algeria", "nikita-khrushchev", "holy-see", "united-arab-republic")
    replaced = {ox.NamedNode(f"{ID}actor/{name}") for name in names}
    kept = [
        t
        for t in ox.parse(links.read_bytes(), format=ox.RdfFormat.TURTLE)
        if not (t.subject in replaced and t.predicate.value.endswith(("#sameAs", "#exactMatch")))
    ]
    links.write_bytes(ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES))
    add_links(
        project_copy,
        {
            "actor/joseph-stalin": "Q90004",  # a city with a country's name, for a person
            "actor/soviet-union": "Q90009",  # an item that redirects
            "actor/algeria": "Q99999",  # an item that does not exist
            "actor/nikita-khrushchev": "Q90002",  # a namesake born after the visit
            "actor/holy-see": "Q15180",  # an item that stands for another resource too
            "actor/united-arab-republic": "Q15180",
        },
    )
    findings = check(KnowledgeGraph.read(project_copy), Client(endpoint=wikidata, http=HttpClient(retries=0)))
    flagged: dict[tuple[str, str], str] = {}
    for f in findings:
        key = (f.resource.rsplit("/", 1)[1], f.item)
        flagged[key] = flagged.get(key, "") + f.problem + "\n"
    assert "a person linked to an item that is wd:Q515" in flagged[("joseph-stalin", "Q90004")]
    assert "redirects to wd:Q15180" in flagged[("soviet-union", "Q90009")]
    assert "does not exist" in flagged[("algeria", "Q99999")]
    assert "came to be on 1975-01-01" in flagged[("nikita-khrushchev", "Q90002")]
    assert any(f.item == "Q15180" and "linked from 2 resources" in f.problem for f in findings)
    assert any(f.item == "Q15180" and "labels disagree" in f.problem and "Holy See" in f.problem for f in findings)
    result = link(project_copy, "check", endpoint=wikidata)
    assert result.returncode == 1 and "problems with Wikidata links" in result.stdout
    kept = check_results(project_copy)
    assert kept["link/decoy-2"][0] == "failed" and "does not exist" in kept["link/decoy-2"][3]  # Algeria, Q99999
    assert kept["link/united-nations"][0] == "passed"
    assert sum(outcome == "failed" for outcome, *_ in kept.values()) == 6


def test_suggest_writes_proposals_with_evidence_and_never_touches_the_data(
    project_copy: Project, wikidata: str
) -> None:
    before = {p.name: p.read_bytes() for p in project_copy.data_dir.glob("*.ttl")}
    result = link(project_copy, "suggest", endpoint=wikidata)
    assert result.returncode == 0, result.stderr
    with (project_copy.dist_dir / "wikidata-proposals.csv").open(encoding="utf-8") as stream:
        rows = {(r["resource"].rsplit("/", 1)[1], r["item"]): r for r in csv.DictReader(stream)}
    assert {k: r["status"] for k, r in rows.items()} == {
        ("british-mandate", "wd:Q90011"): "proposed",  # a period, by an alias
        ("comintern", "wd:Q90006"): "proposed",
        ("palestine-soviet-union", "wd:Q90007"): "proposed",  # the relation
        ("palestinians", "wd:Q219060"): "rejected",
        ("palestinians", "wd:Q23792"): "rejected",
        ("pflp", "wd:Q90008"): "proposed",
        ("russian-embassy-to-palestine", "wd:Q90010"): "rejected",  # a mission
        ("yasser-arafat-visit-to-moscow", "wd:Q90012"): "rejected",  # an event
    }
    assert (
        "described as 'international communist organisation (1919–1943)'"
        in rows[("comintern", "wd:Q90006")]["evidence"]
    )
    assert "matched our name as Wikidata's alias" in rows[("british-mandate", "wd:Q90011")]["evidence"]
    assert (
        "ceased on 1960-01-01, before an event of ours with it began (1991-01-01)"
        in rows[("russian-embassy-to-palestine", "wd:Q90010")]["evidence"]
    )
    assert "came to be on 2002-01-01" in rows[("yasser-arafat-visit-to-moscow", "wd:Q90012")]["evidence"]
    assert "already the link of State of Palestine" in rows[("palestinians", "wd:Q219060")]["evidence"]
    # Linked resources and candidates are not proposed again.
    assert not {"nikita-khrushchev", "united-arab-republic", "george-habash"} & {k[0] for k in rows}
    assert {p.name: p.read_bytes() for p in project_copy.data_dir.glob("*.ttl")} == before


def test_enrich_writes_a_dated_graph_that_offline_reproduces_from_the_cache(
    project_copy: Project, wikidata: str
) -> None:
    result = link(project_copy, "enrich", endpoint=wikidata)
    assert result.returncode == 0, result.stderr
    enrichment = project_copy.enrichment_file
    first = enrichment.read_bytes()
    triples = {
        (t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(first, format=ox.RdfFormat.TURTLE)
    }
    assert (
        "http://www.wikidata.org/entity/Q15180",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "Советский Союз",
    ) in triples
    assert (
        "http://www.wikidata.org/entity/Q855",
        "http://www.wikidata.org/prop/direct/P569",
        "1878-12-18T00:00:00Z",
    ) in triples
    assert not any(t[2] == "Soviet Union" for t in triples)  # English labels are ours already
    assert any(t[1] == "http://www.w3.org/ns/prov#generatedAtTime" for t in triples)
    enrichment.unlink()
    offline = run_palsov(
        "link", "--endpoint", "http://127.0.0.1:9/sparql", "--offline", "enrich", cwd=project_copy.root
    )
    assert offline.returncode == 2  # another endpoint: another cache key, and no network
    again = run_palsov("link", "--endpoint", wikidata, "--offline", "enrich", cwd=project_copy.root)
    assert again.returncode == 0 and enrichment.read_bytes() == first
    build = run_palsov("build", cwd=project_copy.root)
    assert build.returncode == 0, build.stderr
    graphs = {
        q.graph_name.value
        for q in ox.parse((project_copy.dist_dir / "palsov.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    }
    assert "https://w3id.org/palsov/graph/wikidata" in graphs


def test_accept_records_a_verified_link_and_withdraws_the_candidate(project_copy: Project) -> None:
    one = run_palsov(
        "link", "accept", "actor:nikita-khrushchev", "Q90001", "--source", "only one", cwd=project_copy.root
    )
    assert one.returncode == 2 and "two independent sources" in one.stderr
    taken = run_palsov(
        "link", "accept", "actor:nikita-khrushchev", "Q15180", "--source", "a", "--source", "b", cwd=project_copy.root
    )
    assert taken.returncode == 2 and "already linked from Soviet Union" in taken.stderr
    ok = run_palsov(
        "link",
        "accept",
        "actor:dflp",
        "Q818618",
        "--source",
        "first source",
        "--source",
        "second source",
        "--note",
        "Checked for the test.",
        cwd=project_copy.root,
    )
    assert ok.returncode == 0, ok.stderr
    kg = KnowledgeGraph.read(project_copy)
    dflp = ox.NamedNode(ID + "actor/dflp")
    objects = {q.predicate.value: q.object.value for q in kg.store.quads_for_pattern(dflp, None, None)}
    assert objects["http://www.w3.org/2002/07/owl#sameAs"] == "http://www.wikidata.org/entity/Q818618"
    assert objects["http://www.w3.org/2004/02/skos/core#exactMatch"] == "http://www.wikidata.org/entity/Q818618"
    assert "https://w3id.org/palsov/ontology#wikidataCandidate" not in objects
    assert run_palsov("validate", cwd=project_copy.root).returncode == 0


# ------------------------------------------------------------------------------------------ faults


def rows(results: Results) -> list[dict]:
    return results.rows


def client(endpoint: str, cache: Path, offline: bool = False, **options: object) -> tuple[Client, list[float]]:
    slept: list[float] = []
    http = HttpClient(**{"timeout": 1, "retries": 3, "backoff": 0.5, "sleep": slept.append, **options})
    return Client(endpoint=endpoint, cache_dir=cache, offline=offline, http=http), slept


def test_429_is_retried_after_the_time_the_server_asks(tmp_path: Path) -> None:
    with fault_server([Reply(429, b"slow down", {"Retry-After": "7"}), Reply(body=VALID)]) as (url, seen):
        made, slept = client(url, tmp_path)
        assert made.select("SELECT ?x {}", rows).value == [{"x": ox.Literal("ok")}]
    assert slept == [7.0]
    assert all(h["User-Agent"].startswith("palsov/") and "w3id.org/palsov" in h["User-Agent"] for h in seen)


def test_5xx_is_retried_with_growing_backoff(tmp_path: Path) -> None:
    with fault_server([Reply(500, b"oops"), Reply(503, b"busy"), Reply(body=VALID)]) as (url, seen):
        made, slept = client(url, tmp_path)
        made.select("SELECT ?x {}", rows)
    assert slept == [0.5, 1.0] and len(seen) == 3


def test_a_slow_answer_times_out_and_gives_up_cleanly(tmp_path: Path) -> None:
    with fault_server([Reply(body=VALID, delay=3)]) as (url, _):
        made, _ = client(url, tmp_path, retries=0)
        with pytest.raises(ServiceError, match=r"/sparql: no answer within 1 s$"):
            made.select("SELECT ?x {}", rows)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            Reply(body=b"<html><body>Wikidata is down</body></html>", headers={"Content-Type": "text/html"}),
            "the answer is text/html, not SPARQL results",
        ),
        (Reply(body=VALID[:40]), r"not valid SPARQL results \(.*end of file"),
        (Reply(body=b'{"error": "nope"}'), "not valid SPARQL results .*'results' key"),
        (Reply(404, b"no such endpoint"), "answered 404"),
    ],
    ids=["html-with-200", "truncated-json", "json-not-results", "404"],
)
def test_a_bad_answer_is_an_error_and_nothing_is_cached(tmp_path: Path, reply: Reply, message: str) -> None:
    with fault_server([reply]) as (url, seen):
        made, slept = client(url, tmp_path)
        with pytest.raises(ServiceError, match=message):
            made.select("SELECT ?x {}", rows)
    assert list(tmp_path.iterdir()) == [] and slept == [] and len(seen) == 1


def test_offline_answers_from_the_cache_alone(tmp_path: Path) -> None:
    with fault_server([Reply(body=VALID)]) as (url, seen):
        made, _ = client(url, tmp_path)
        first = made.select("SELECT ?x {}", rows)
    offline, _ = client(url, tmp_path, offline=True)
    assert offline.select("SELECT ?x {}", rows).value == first.value
    assert offline.http.requests == 0 and len(seen) == 1
    with pytest.raises(ServiceError, match="not in the cache"):
        offline.select("SELECT ?y {}", rows)


def test_a_failed_enrichment_leaves_data_and_cache_untouched(project_copy: Project) -> None:
    with fault_server([Reply(body=b"<html>maintenance</html>", headers={"Content-Type": "text/html"})]) as (url, _):
        result = link(project_copy, "enrich", endpoint=url)
    assert result.returncode == 2
    assert "not SPARQL results" in result.stderr and "Traceback" not in result.stderr
    assert not project_copy.wikidata_dir.exists()


# ------------------------------------------------------------------------------------------ accept, safely


def accepting(project: Project, resource: str, qid: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "palsov", "link", "accept", resource, qid, "--source", "one", "--source", "two"],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_accepts_at_once_keep_both_links_and_the_hand_written_layout(project_copy: Project) -> None:
    links = project_copy.data_dir / "links.ttl"
    before = links.read_text(encoding="utf-8")
    candidate = before.index("# actor:dflp may be wd:Q818618")
    runs = [
        accepting(project_copy, "actor:dflp", "Q818618"),
        accepting(project_copy, "actor:abdullah-hourani", "Q193491"),
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    after = links.read_text(encoding="utf-8")
    # Everything before the withdrawn candidate is as it was, byte for byte; the links follow.
    assert after.startswith(before[:candidate])
    assert "actor:dflp\n    palsov:wikidataCandidate" not in after
    assert after.count("palsov:wikidataCandidate") == before.count("palsov:wikidataCandidate") - 1
    kg = KnowledgeGraph.read(project_copy)
    same_as = {
        (q.subject.value.rsplit("/", 1)[1], q.object.value.rsplit("/", 1)[1])
        for q in kg.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), None)
    }
    assert {("dflp", "Q818618"), ("abdullah-hourani", "Q193491")} <= same_as
    assert len(same_as) == 31 + 2  # the links there were, and both new ones
    assert run_palsov("validate", cwd=project_copy.root).returncode == 0


def test_accept_appends_a_block_and_leaves_the_rest_untouched(project_copy: Project) -> None:
    links = project_copy.data_dir / "links.ttl"
    before = links.read_bytes()
    result = run_palsov(
        "link", "accept", "actor:abdullah-hourani", "Q193491", "--source", "a", "--source", "b", cwd=project_copy.root
    )
    assert result.returncode == 0, result.stderr
    after = links.read_bytes()
    assert after.startswith(before)
    block = after[len(before) :].decode("utf-8")
    assert block.startswith("\n# actor:abdullah-hourani is wd:Q193491: accepted with palsov link accept on ")
    assert (
        "\nactor:abdullah-hourani\n    owl:sameAs wd:Q193491 ;\n    skos:exactMatch wd:Q193491 .\n\n"
        "link:abdullah-hourani\n    a oa:Annotation ;\n"
    ) in block
    assert "@prefix" not in block


def test_accept_refuses_to_write_over_an_edit_made_while_it_checked(
    project_copy: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import palsov.wikidata.accept
    from palsov.wikidata.accept import accept

    links = project_copy.data_dir / "links.ttl"
    original = palsov.wikidata.accept.validate_project

    def someone_edits(*args: object, **kwargs: object) -> object:
        with links.open("a", encoding="utf-8") as stream:
            stream.write("# an edit made in an editor meanwhile\n")
        return original(*args, **kwargs)

    monkeypatch.setattr(palsov.wikidata.accept, "validate_project", someone_edits)
    with pytest.raises(InputError, match=r"links.ttl: changed while the link was being checked; nothing was written"):
        accept(project_copy, "actor:abdullah-hourani", "Q193491", ["a", "b"])
    assert links.read_text(encoding="utf-8").endswith("# an edit made in an editor meanwhile\n")
    assert "Q193491" not in links.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ export


def test_export_writes_quickstatements_for_every_link_and_sends_nothing(project_copy: Project) -> None:
    import re

    before = {p.name: p.read_bytes() for p in project_copy.data_dir.glob("*.ttl")}
    # No endpoint is named and none is reachable: the command never needs one.
    result = run_palsov(
        "link", "--endpoint", "http://127.0.0.1:9/sparql", "export", "--quickstatements", cwd=project_copy.root
    )
    assert result.returncode == 0, result.stderr
    assert "palsov sends nothing" in result.stdout
    lines = (project_copy.dist_dir / "wikidata-quickstatements.txt").read_text(encoding="utf-8").splitlines()
    statement = re.compile(
        r'^Q[1-9][0-9]*\|P973\|"https://w3id\.org/palsov/id/[a-z]+/[a-z0-9-]+"'
        r"\|S813\|\+\d{4}-\d\d-\d\dT00:00:00Z/11 /\* palsov: .+ \*/$"
    )
    assert len(lines) == 31 and all(statement.match(line) for line in lines), lines[:3]
    assert any(
        line.startswith('Q49077|P973|"https://w3id.org/palsov/id/event/arab-israeli-war-of-1967"|') for line in lines
    )
    assert not any("Q818618" in line for line in lines)  # a candidate is not stated to Wikidata

    out = project_copy.root / "described.qs"
    given = run_palsov(
        "link", "export", "--quickstatements", "--described-by", "Q12345", "--out", str(out), cwd=project_copy.root
    )
    assert given.returncode == 0, given.stderr
    described = [line for line in out.read_text(encoding="utf-8").splitlines() if "|P1343|" in line]
    assert len(described) == 31
    assert any(
        line.startswith('Q15180|P1343|Q12345|S854|"https://w3id.org/palsov/id/actor/soviet-union"|S813|')
        for line in described
    )
    bad = run_palsov("link", "export", "--quickstatements", "--described-by", "Q012", cwd=project_copy.root)
    assert bad.returncode == 2 and "is not a Wikidata item id" in bad.stderr
    assert {p.name: p.read_bytes() for p in project_copy.data_dir.glob("*.ttl")} == before
