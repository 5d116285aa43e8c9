"""The command line as a user meets it: exit statuses, one-line errors, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from palsov.project import Project
from palsov.publish.formats import FORMATS
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import DATASET, DESCRIPTION_GRAPH, PREFIXES

from .conftest import run_palsov, unlinked_actors

RDFLIB_FORMATS = {
    "turtle": "turtle",
    "jsonld": "json-ld",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "rdfxml": "xml",
}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder (the site's too) by its relative path, with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def printed_rows(stdout: str) -> dict[str, str]:
    """The rows of a table the command printed: name │ value."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.strip("│ ").split("│")]
        if len(cells) == 2 and cells[0]:
            rows[cells[0]] = cells[1]
    return rows


#: What the build counts, asked of the graph here in SPARQL of our own.
COUNTED = {
    "events": "?x a palsov:Event",
    "actors": "?x a sem:Actor",
    "stances": "?x a palsov:Stance",
    "relations": "?x a palsov:BilateralRelation",
    "missions": "?x a palsov:DiplomaticMission",
    "evidence": "?x a oa:Annotation ; oa:motivatedBy oa:describing",
}


def test_build_writes_every_export_and_reports_counts(project_copy: Project, kg: KnowledgeGraph) -> None:
    result = run_palsov("build", cwd=project_copy.root)
    assert result.returncode == 0, result.stderr
    rows = printed_rows(result.stdout)
    assert rows["triples"] == str(len(kg.store))
    for name, pattern in COUNTED.items():
        (solution,) = kg.store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) {{ {pattern} }}", prefixes=PREFIXES)
        assert rows[name] == solution["n"].value, name
    assert rows["validation"].startswith("no violations: 0 violations")
    written = set(snapshot(project_copy.dist_dir))
    assert {f"palsov.{f.extension}" for f in FORMATS.values()} <= written
    assert {"validation-report.ttl", "ontology.html"} <= written


def test_two_builds_are_byte_identical_whatever_the_jobs(project_copy: Project) -> None:
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    first = snapshot(project_copy.dist_dir)
    assert run_palsov("build", "--jobs", "1", cwd=project_copy.root).returncode == 0
    assert snapshot(project_copy.dist_dir) == first
    refused = run_palsov("build", "--jobs", "0", cwd=project_copy.root)
    assert refused.returncode == 2 and "--jobs" in refused.stderr


def test_malformed_turtle_exits_2_with_one_line_naming_file_line_and_cause(
    project_copy: Project,
) -> None:
    broken = project_copy.data_dir / "actors.ttl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[59] = lines[59] + ' "unterminated'
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_palsov("build", cwd=project_copy.root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()
    assert len(message) == 1, result.stderr
    assert str(broken) in message[0] and "line 60" in message[0]
    assert not project_copy.dist_dir.exists()


def test_data_that_fails_validation_exits_1_and_leaves_dist_as_it_was(
    project_copy: Project,
) -> None:
    assert run_palsov("build", cwd=project_copy.root).returncode == 0
    before = snapshot(project_copy.dist_dir)
    stances = project_copy.data_dir / "stances.ttl"
    text = stances.read_text(encoding="utf-8")
    stances.write_text(text.replace("palsov:polarity polarity:support ;", "", 1), encoding="utf-8")
    result = run_palsov("build", cwd=project_copy.root)
    assert result.returncode == 1
    assert "A stance has exactly one polarity." in result.stderr
    assert snapshot(project_copy.dist_dir) == before


def test_validate_reports_in_text_json_and_turtle(project: Project, kg: KnowledgeGraph) -> None:
    """No violation is our exit 0; SHACL's sh:conforms (§3.6.1) is false all the same, for the
    informational results (actors without Wikidata)."""
    text = run_palsov("validate", cwd=project.root)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "no violations: 0 violations, 0 warnings, 9 infos (sh:conforms false" in text.stdout

    as_json = run_palsov("validate", "--format", "json", cwd=project.root)
    document = json.loads(as_json.stdout)
    assert document["conforms"] is False and document["passes"] is True
    assert document["counts"] == {"violation": 0, "warning": 0, "info": 9}
    assert {r["resultSeverity"]["value"] for r in document["results"]} == {str(SH.Info)}

    as_turtle = run_palsov("validate", "--format", "turtle", cwd=project.root)
    report = Graph().parse(data=as_turtle.stdout, format="turtle")
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    focus = {str(report.value(result, SH.focusNode)) for result in report.objects(node, SH.result)}
    assert focus == unlinked_actors(kg)


def test_validate_given_files_reports_faults_grouped_by_shape(project_copy: Project, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix palsov: <https://w3id.org/palsov/ontology#> .\n"
        "<https://w3id.org/palsov/id/stance/orphan> a palsov:Stance .\n",
        encoding="utf-8",
    )
    result = run_palsov("validate", str(bad), cwd=project_copy.root)
    assert result.returncode == 1
    assert "palsovsh:StanceShape" in result.stdout
    assert "<https://w3id.org/palsov/id/stance/orphan>" in result.stdout
    assert "A stance has exactly one holder, a described actor." in result.stdout


def test_validate_missing_file_exits_2(project: Project, tmp_path: Path) -> None:
    result = run_palsov("validate", str(tmp_path / "nowhere.ttl"), cwd=project.root)
    assert result.returncode == 2
    assert result.stderr.strip() == f"palsov: error: {tmp_path / 'nowhere.ttl'}: no such file"


def test_outside_a_project_exits_2(tmp_path: Path) -> None:
    result = run_palsov("stats", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a palsov project" in result.stderr


def test_unknown_format_exits_2(project: Project) -> None:
    result = run_palsov("export", "--format", "yaml", cwd=project.root)
    assert result.returncode == 2
    assert "unknown format 'yaml'" in result.stderr


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_export_round_trips_to_the_merged_graph(
    project: Project, kg: KnowledgeGraph, tmp_path: Path, name: str
) -> None:
    """The dataset formats carry the dataset's description in a named graph of their own, as the
    build's files do: the other graphs are the merged graph."""
    out = tmp_path / f"out.{FORMATS[name].extension}"
    result = run_palsov("export", "--format", name, "--out", str(out), cwd=project.root)
    assert result.returncode == 0, result.stderr
    parsed = Graph()
    if name in ("nquads", "trig"):
        from rdflib import Dataset, URIRef

        dataset = Dataset()
        dataset.parse(out, format=RDFLIB_FORMATS[name])
        description = URIRef(str(DESCRIPTION_GRAPH.value))
        described = Graph()
        for s, p, o, g in dataset.quads():
            (described if g == description else parsed).add((s, p, o))
        triples = described.value(URIRef(DATASET.value), URIRef("http://rdfs.org/ns/void#triples"))
        assert triples is not None and int(triples) == len(kg.merged)
    else:
        parsed.parse(out, format=RDFLIB_FORMATS[name])
    assert len(parsed) == len(kg.merged)
    assert isomorphic(parsed, kg.merged)


def test_docs_renders_the_ontology_page(project_copy: Project) -> None:
    result = run_palsov("docs", cwd=project_copy.root)
    assert result.returncode == 0, result.stderr
    page = (project_copy.dist_dir / "ontology.html").read_text(encoding="utf-8")
    assert "<h1>palsov: an event, actor and stance ontology for bilateral relations</h1>" in page
    assert "Stance" in page and "TimeSpan" in page
    assert "partition of Palestine" in (project_copy.dist_dir / "vocabularies.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_bench_pairs_every_command_with_the_bare_engine_and_writes_json(project_copy: Project) -> None:
    result = run_palsov("bench", "--runs", "2", cwd=project_copy.root, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress in a pipe
    document = json.loads((project_copy.dist_dir / "bench.json").read_text(encoding="utf-8"))
    assert document["runs"] == 2
    assert document["machine"]["cores"] >= 1 and document["machine"]["memory_mb"] > 0 and document["machine"]["cpu"]
    pairs = {p["name"]: p for p in document["pairs"]}
    assert list(pairs)[:4] == ["start-up", "stats", "validate", "build"]
    assert pairs["query cq-timeline"]["ours"] == "palsov query cq-timeline --format csv"
    assert pairs["describe"]["ours"] == "palsov describe actor:soviet-union"
    assert not any("cq-wikidata-enrichment" in name for name in pairs)  # it needs the network
    for pair in pairs.values():
        assert pair["runs"] == 2 and pair["ours_s"] > 0 and pair["bare_s"] > 0, pair
        assert pair["ratio_min"] <= pair["ratio"] <= pair["ratio_max"], pair
        assert pair["ours"].startswith("palsov ") and pair["bare"], pair
        assert pair["name"] in result.stdout  # every figure is in the table too
    assert document["machine"]["cpu"] in result.stdout  # the machine is named beside the figures


def test_the_bare_describe_finds_what_describe_prints(project: Project, kg: KnowledgeGraph) -> None:
    """The bare engine's side of `describe` does the same work: the statements about the resource
    and those pointing at it, as many as palsov's resource model holds."""
    import io

    from palsov.devtools import bare
    from palsov.devtools.bench import DESCRIBED, _describing
    from palsov.publish.site.model import SiteModel

    out = io.BytesIO()
    bare.run({"queries": _describing(DESCRIBED)}, store=kg.store, out=out)
    about, pointing = (int(n) for n in out.getvalue().split())
    model = SiteModel.of(kg)
    iri = "https://w3id.org/palsov/id/actor/soviet-union"
    assert (about, pointing) == (len(model.about[iri]), len(model.pointing[iri])) and about > 5 and pointing > 20


def test_usage_errors_are_one_line_with_the_cause_first(project: Project) -> None:
    for args, line in (
        (["link", "check", "--bogus"], "palsov: error: No such option '--bogus' (see 'palsov link check --help')"),
        (
            ["query"],
            "palsov: error: give one query: a saved NAME, a FILE.rq, - (standard input) or --sparql TEXT "
            "(see 'palsov query --help')",
        ),
        (["frobnicate"], "palsov: error: No such command 'frobnicate' (see 'palsov --help')"),
        (
            ["build", "--jobs", "0"],
            "palsov: error: Invalid value for '--jobs': 0 is not in the range x>=1 (see 'palsov build --help')",
        ),
    ):
        result = run_palsov(*args, cwd=project.root)
        assert result.returncode == 2
        assert result.stderr.strip() == line


def test_the_link_options_may_follow_the_subcommand(project_copy: Project) -> None:
    """`palsov link check --endpoint URL --offline` means what `palsov link --endpoint URL --offline check` does."""
    url = "http://127.0.0.1:9/sparql"
    after = run_palsov("link", "check", "--endpoint", url, "--offline", cwd=project_copy.root)
    before = run_palsov("link", "--endpoint", url, "--offline", "check", cwd=project_copy.root)
    expected = f"palsov: error: {url}: --offline, and this query is not in the cache"
    for result in (after, before):
        assert result.returncode == 2 and result.stderr.startswith(expected), result.stderr
