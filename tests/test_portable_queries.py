"""One answer everywhere: every saved query is SPARQL 1.1 as a strict parser (Jena ARQ) reads it, and
gives the same rows — values, datatypes, language tags, the order inside concatenations and the
order of the rows — on the embedded store and on real SPARQL servers loaded with a build: Oxigraph
from dist/palsov.nq (its named graphs, read as one default graph) and from dist/palsov.nt, and
Virtuoso 7.2 bulk-loaded with dist/palsov.nq (whose default graph also holds its own system graphs).

palsov is driven through its command line only (`palsov query NAME --format json [--endpoint URL]`),
each query with its default parameters, and the federated one against a local stand-in for Wikidata
that every engine calls itself.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from .conftest import PROJECT_PARTS, ROOT, run_palsov
from .jena import available as jena_available
from .servers import (
    JENA_MISSING,
    VIRTUOSO_MISSING,
    jena_parse,
    oxigraph_server,
    oxigraph_store,
    virtuoso_available,
    virtuoso_server,
)

QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
NAMES = [path.stem for path in QUERY_FILES]
WIKIDATA = "https://query.wikidata.org/sparql"
FIXTURES = ROOT / "tests" / "fixtures"
#: Added to every engine's data after the build: two faults, so that the integrity queries have
#: something to find (and to disagree about), and participants that probe the timeline's order.
TEST_DATA = FIXTURES / "portability-test-data.ttl"
#: One term as the comparison sees it: kind, value, datatype, language.
Term = tuple[str, str, str | None, str | None]
Row = dict[str, Term]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, built (dist/palsov.nq and .nt), then given the test data."""
    folder = tmp_path_factory.mktemp("portable")
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, folder / part)
    result = run_palsov("build", cwd=folder, timeout=600)
    assert result.returncode == 0, result.stderr
    shutil.copy(TEST_DATA, folder / "data" / TEST_DATA.name)
    return folder


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with oxigraph_server(data=(FIXTURES / "wikidata-stand-in.nt").read_bytes()) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def oxigraph_nq(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = oxigraph_store(tmp_path_factory.mktemp("oxigraph-nq") / "store", built / "dist" / "palsov.nq", TEST_DATA)
    with oxigraph_server(read_only_from=store, union_default_graph=True) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def oxigraph_nt(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = oxigraph_store(tmp_path_factory.mktemp("oxigraph-nt") / "store", built / "dist" / "palsov.nt", TEST_DATA)
    with oxigraph_server(read_only_from=store) as base:
        yield f"{base}/query"


@pytest.fixture(scope="module")
def virtuoso(built: Path) -> Iterator[str]:
    if not virtuoso_available():
        pytest.skip(VIRTUOSO_MISSING)
    with virtuoso_server() as server:
        server.bulk_load(built / "dist" / "palsov.nq", "https://w3id.org/palsov/graph/unused")  # quads keep theirs
        server.bulk_load(TEST_DATA, "https://w3id.org/palsov/graph/portability-test")
        # SERVICE runs as the anonymous SPARQL user, who may not call out until granted this.
        server.sql('GRANT SELECT ON DB.DBA.SPARQL_SINV_2 TO "SPARQL";')
        server.sql('GRANT EXECUTE ON DB.DBA.SPARQL_SINV_IMP TO "SPARQL";')
        yield server.sparql


ENGINES = {
    "oxigraph-nq": "oxigraph_nq",
    "oxigraph-nt": "oxigraph_nt",
    "virtuoso": "virtuoso",
}


def answer(folder: Path, name: str, wikidata: str, endpoint: str | None = None) -> tuple[list[str], list[Row]]:
    """The query's variables and rows as `palsov query --format json` prints them."""
    options = ["--retries", "0"]
    if endpoint:
        options += ["--endpoint", endpoint]
    if name == "cq-wikidata-enrichment":
        options += ["--service", f"{WIKIDATA}={wikidata}"]
    result = run_palsov("query", name, "--format", "json", *options, cwd=folder)
    where = endpoint or "the embedded store"
    assert result.returncode == 0, f"{name} on {where}: {result.stderr.strip()}"
    document = json.loads(result.stdout)
    rows = [
        {v: (t["type"], t["value"], t.get("datatype"), t.get("xml:lang")) for v, t in binding.items()}
        for binding in document["results"]["bindings"]
    ]
    return document["head"]["vars"], rows


@pytest.fixture(scope="module")
def reference(built: Path, wikidata: str) -> dict[str, tuple[list[str], list[Row]]]:
    return {name: answer(built, name, wikidata) for name in NAMES}


def show(row: Row) -> str:
    return ", ".join(
        f"{v}={value!r}" + (f"^^{datatype.rsplit('#', 1)[-1]}" if datatype else "") + (f"@{lang}" if lang else "")
        for v, (_, value, datatype, lang) in row.items()
    )


def differences(expected: list[Row], found: list[Row]) -> list[str]:
    said = [] if len(found) == len(expected) else [f"{len(found)} rows instead of {len(expected)}"]
    for n, (want, got) in enumerate(zip(expected, found, strict=False)):
        if want != got:
            said.append(f"row {n}: expected {show(want)}\n        got      {show(got)}")
    return said[:6]


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_every_saved_query_orders_its_rows(path: Path) -> None:
    """An answer is one list only where the query orders it: the stores return unordered rows in
    different orders."""
    assert re.search(r"^ORDER BY\b", path.read_text(encoding="utf-8"), re.M), f"{path.name} has no ORDER BY"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_every_saved_query_gives_the_embedded_store_s_rows(
    request: pytest.FixtureRequest, engine: str, path: Path, built: Path, wikidata: str, reference: dict
) -> None:
    endpoint = request.getfixturevalue(ENGINES[engine])
    variables, expected = reference[path.stem]
    assert expected, f"{path.stem} answers nothing on the embedded store: the comparison would prove nothing"
    found_variables, found = answer(built, path.stem, wikidata, endpoint)
    assert found_variables == variables
    said = differences(expected, found)
    assert not said, f"{path.stem} on {engine}:\n  " + "\n  ".join(said)


def test_the_timeline_s_participants_places_and_order_are_fixed_by_the_query(reference: dict) -> None:
    """The order the query fixes, whatever order a store groups in (the comparison above shows every
    engine gives these same strings)."""
    _, rows = reference["cq-timeline"]
    participants = {row["event"][1].rsplit("/", 1)[1]: row["participants"][1] for row in rows if "participants" in row}
    assert participants["portability-test-order"] == (
        "PLO executive (agent); Palestine Liberation Organization (agent); Soviet Union (agent); "
        "Soviet Union (target); United States (agent); United States Department of State (agent); "
        "a Palestinian journalist (agent); Ägypt test actor (agent)"
    )
    assert participants["portability-test-crowd"] == (
        "Algeria (agent); Arab states (agent); Communist International (agent); Eastern Bloc (agent); "
        "Fatah (agent); Holy See (agent); Israel (agent); North Atlantic Treaty Organization (agent); and 2 more"
    )
    assert participants["soviet-vote-for-the-un-partition-plan"] == "Soviet Union (voter)"
    # An event in two places is a row for each; one with no bounds comes first.
    places = [row["place"][1] for row in rows if row["event"][1].endswith("/portability-test-order")]
    assert places == ["Jerusalem", "Moscow"]
    assert rows[0]["event"][1].endswith("/portability-test-undated")


# ------------------------------------------------------------------------------- the strict parser


@pytest.fixture(scope="module")
def jena_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Jena's qparse of every query file, two JVMs at a time (each takes about half a second)."""
    if not jena_available():
        pytest.skip(JENA_MISSING)

    def parse(path: Path) -> subprocess.CompletedProcess[str]:
        work = tmp_path_factory.mktemp(f"jena-{path.stem}")
        return jena_parse(path.read_text(encoding="utf-8"), work)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(NAMES, pool.map(parse, QUERY_FILES), strict=True))


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_every_saved_query_is_sparql_1_1_as_jena_reads_it(path: Path, jena_verdicts: dict) -> None:
    verdict = jena_verdicts[path.stem]
    assert verdict.returncode == 0, f"{path.name}: {(verdict.stderr or verdict.stdout).strip()}"


def test_the_strict_parser_refuses_what_the_lenient_ones_accept(tmp_path: Path) -> None:
    """The check can fail: the re-bound aggregate cq-cooperation-profile once had is refused, with
    Jena's reason, though Oxigraph and rdflib run it."""
    if not jena_available():
        pytest.skip(JENA_MISSING)
    rebound = (
        "SELECT ?year (SUM(?score) AS ?score) WHERE { ?e <urn:x:score> ?score ; <urn:x:year> ?year } GROUP BY ?year"
    )
    assert isinstance(ox.Store().query(rebound), ox.QuerySolutions)
    prepareQuery(rebound)
    verdict = jena_parse(rebound, tmp_path)
    assert verdict.returncode != 0
    assert "Variable used when already in-scope: ?score" in verdict.stdout + verdict.stderr


# ------------------------------------------------------------------------------- decimals, errors


DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def test_polarity_scores_print_alike_on_every_store(reference: dict, tmp_path: Path) -> None:
    """A score is written in its canonical form ("1", not "1.0"), which Oxigraph and Virtuoso
    return for either, while Jena keeps what the file says: so all three print the same."""
    _, rows = reference["cq-stance-history"]
    assert {row["score"] for row in rows} == {("literal", "-1", DECIMAL, None), ("literal", "1", DECIMAL, None)}
    if not jena_available():
        pytest.skip(JENA_MISSING)
    from .jena import classpath

    query = tmp_path / "scores.rq"
    query.write_text(
        "PREFIX palsov: <https://w3id.org/palsov/ontology#>\n"
        "SELECT ?concept ?score WHERE { ?concept palsov:polarityScore ?score } ORDER BY ?concept",
        encoding="utf-8",
    )
    polarities = ROOT / "ontology" / "vocab" / "polarities.ttl"
    command = ["java", "-cp", classpath(tmp_path), "arq.sparql", "--data", str(polarities), "--query", str(query)]
    jena = subprocess.run(
        [*command, "--results=json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    by_jena = [(b["score"]["value"], b["score"]["datatype"]) for b in json.loads(jena.stdout)["results"]["bindings"]]
    store = ox.Store()
    store.load(polarities.read_bytes(), format=ox.RdfFormat.TURTLE)
    by_oxigraph = [(s["score"].value, s["score"].datatype.value) for s in store.query(query.read_text())]
    assert by_jena == by_oxigraph
    assert sorted(value for value, _ in by_jena) == ["-0.5", "-1", "0", "0.5", "1"]


def test_virtuoso_s_errors_are_one_line_and_name_the_user_s_line(built: Path, virtuoso: str) -> None:
    """A query Virtuoso compiles but cannot run answers 500 with its message: one line, exit 2, no
    retry. A syntax error (400) names the line as the user wrote it, though palsov declares the
    project's prefixes before the query."""
    failing = run_palsov(
        "query", "--sparql", 'SELECT (bif:sprintf("%d", "x") AS ?x) {}', "--endpoint", virtuoso, cwd=built
    )
    assert failing.returncode == 2
    assert failing.stderr.splitlines() == [
        f"palsov: error: {virtuoso}: the endpoint answered 500 SPARQL Request Failed: Virtuoso 22023 Error SR008: "
        "Function sprintf needs an integer as argument 2, not an arg of type VARCHAR (182)"
    ]
    broken = run_palsov("query", "--sparql", "SELECT ?s\nWHERE { ?s ?p }", "--endpoint", virtuoso, cwd=built)
    assert broken.returncode == 2
    assert "400 Bad Request: Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error" in broken.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_ad_hoc_construct_and_ask_give_the_embedded_store_s_answer(
    request: pytest.FixtureRequest, engine: str, built: Path
) -> None:
    """Ad-hoc queries too, with the project's prefixes predeclared, read back from each server's RDF
    and boolean answers. (DESCRIBE is left to each store by the standard, so it is not compared.)"""
    endpoint = request.getfixturevalue(ENGINES[engine])
    construct = "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a sem:Actor ; rdfs:label ?l }"
    graphs = []
    for where in ([], ["--endpoint", endpoint]):
        result = run_palsov("query", "--sparql", construct, "--format", "ntriples", *where, cwd=built)
        assert result.returncode == 0, result.stderr
        graphs.append({q.triple for q in ox.parse(result.stdout.encode(), format=ox.RdfFormat.N_TRIPLES)})
    assert len(graphs[0]) > 20 and graphs[1] == graphs[0]
    for ask, expected in (("ASK { actor:soviet-union a sem:Actor }", True), ("ASK { actor:nobody ?p ?o }", False)):
        result = run_palsov("query", "--sparql", ask, "--format", "json", "--endpoint", endpoint, cwd=built)
        assert json.loads(result.stdout)["boolean"] is expected, result.stderr
