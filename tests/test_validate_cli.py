"""`palsov validate --shapes SHAPES DATA…` on any graph, as pySHACL's command line does, and the exit
statuses of validation: 0 no violation, 1 violations, 2 broken shapes or unreadable input, 3 a
feature palsov does not support or an internal error (one line, the traceback in a file it names)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov import cli

from .conftest import run_palsov

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:PersonShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:property [ sh:path ex:born ; sh:datatype xsd:date ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:pattern "^[A-Z]" ] ;
    sh:property [ sh:path ( ex:knows ex:name ) ; sh:minLength 2 ] .
"""
#: Two graphs of one dataset: each holds a fault, neither may be skipped.
DATA = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:one { ex:alice a ex:Person ; ex:name "Alice" ; ex:born "1958-13-45"^^xsd:date ; ex:knows ex:bob . }
ex:two { ex:bob a ex:Person ; ex:born "1960-01-01"^^xsd:date . ex:carol ex:name "C" . ex:alice ex:knows ex:carol . }
"""
EX = "http://example.org/"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.trig"
    shapes.write_text(SHAPES, encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    return shapes, data


def test_any_data_against_any_shapes_every_named_graph_included(files, tmp_path: Path) -> None:
    shapes, data = files
    result = run_palsov("validate", "--shapes", str(shapes), str(data), "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["conforms"] is False and document["counts"] == {"violation": 3, "warning": 0, "info": 0}
    found = {
        (r["focusNode"]["value"], r["resultPath"], r["sourceConstraintComponent"]["value"].rsplit("#")[1])
        for r in document["results"]
    }
    assert found == {
        (EX + "alice", f"<{EX}born>", "DatatypeConstraintComponent"),  # an ill-typed date (§4.1.2)
        (EX + "bob", f"<{EX}name>", "MinCountConstraintComponent"),  # from the second graph
        (EX + "alice", f"(<{EX}knows>/<{EX}name>)", "MinLengthConstraintComponent"),  # across both graphs
    }
    dated = next(r for r in document["results"] if r["resultPath"] == f"<{EX}born>")
    assert dated["value"] == {
        "type": "literal",
        "value": "1958-13-45",
        "datatype": "http://www.w3.org/2001/XMLSchema#date",
    }
    assert dated["sourceShape"]["type"] == "bnode" and dated["resultSeverity"]["value"].endswith("#Violation")
    assert dated["resultMessage"] == ["The value is not a well-formed literal of datatype xsd:date."]


def test_the_same_dataset_as_n_quads_gives_the_same_report(files, tmp_path: Path) -> None:
    shapes, data = files
    quads = tmp_path / "data.nq"
    quads.write_bytes(ox.serialize(ox.parse(path=str(data), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS))
    reports = [
        json.loads(run_palsov("validate", "--shapes", str(shapes), str(f), "--format", "json", cwd=tmp_path).stdout)
        for f in (data, quads)
    ]
    assert reports[0]["counts"] == reports[1]["counts"] == {"violation": 3, "warning": 0, "info": 0}


def test_the_turtle_report_has_rdf_terms_and_shacl_paths(files, tmp_path: Path) -> None:
    shapes, data = files
    result = run_palsov("validate", "--shapes", str(shapes), str(data), "--format", "turtle", cwd=tmp_path)
    graph = ox.Store()
    graph.load(result.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    ask = """PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX ex: <http://example.org/>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        ASK { ?report a sh:ValidationReport ; sh:conforms false ; sh:result ?r .
              ?r sh:focusNode ex:alice ; sh:value "C" ;
                 sh:resultPath [ rdf:first ex:knows ; rdf:rest [ rdf:first ex:name ; rdf:rest rdf:nil ] ] . }"""
    assert graph.query(ask), result.stdout


@pytest.mark.parametrize(
    ("fault", "replace", "cause"),
    [
        ("an invalid regex", ('"^[A-Z]"', '"("'), 'sh:pattern "(" is not a valid regular expression (SHACL §4.4.3)'),
        ("a literal path", ("sh:path ex:born", 'sh:path "born"'), 'sh:path "born" breaks'),
        ("a non-integer count", ("sh:minCount 1", 'sh:minCount "one"'), 'sh:minCount "one" breaks'),
        ("an unknown parameter", ("sh:minCount 1", "sh:minCuont 1"), "sh:minCuont is not a SHACL term"),
    ],
)
def test_broken_shapes_exit_2_with_the_file_the_shape_and_the_cause(
    files, tmp_path: Path, fault: str, replace: tuple[str, str], cause: str
) -> None:
    shapes, data = files
    shapes.write_text(SHAPES.replace(*replace), encoding="utf-8")
    result = run_palsov("validate", "--shapes", str(shapes), str(data), cwd=tmp_path)
    assert result.returncode == 2, fault
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"palsov: error: {shapes}: shape [sh:path ") and f"of <{EX}PersonShape>" in line
    assert cause in line


def test_an_unsupported_feature_exits_3_naming_it_and_the_log(files, tmp_path: Path) -> None:
    shapes, data = files
    shapes.write_text(SHAPES.replace("xsd:date", "xsd:int"), encoding="utf-8")
    result = run_palsov("validate", "--shapes", str(shapes), str(data), cwd=tmp_path)
    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"palsov: unsupported: {shapes}: shape [sh:path <{EX}born>]")
    assert "sh:datatype xsd:int (SHACL §4.1.2)" in line
    log = Path(re.search(r"details in (\S+)\)$", line).group(1))
    assert "UnsupportedError" in log.read_text(encoding="utf-8")
    log.unlink()


def test_an_internal_error_exits_3_with_one_line_and_the_traceback_in_a_file(monkeypatch, capsys, files) -> None:
    shapes, data = files

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("palsov.validation.validate.validate_files", broken)
    monkeypatch.setattr(sys, "argv", ["palsov", "validate", "--shapes", str(shapes), str(data)])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 3
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("palsov: internal error: ZeroDivisionError: a bug (traceback in ")
    log = Path(re.search(r"traceback in (\S+)\)$", line).group(1))
    assert 'raise ZeroDivisionError("a bug")' in log.read_text(encoding="utf-8")
    log.unlink()


def test_shapes_without_data_is_a_usage_error(files, tmp_path: Path) -> None:
    shapes, _ = files
    result = run_palsov("validate", "--shapes", str(shapes), cwd=tmp_path)
    assert result.returncode == 2 and "--shapes needs the DATA files" in result.stderr


def test_data_that_conforms_exits_0(files, tmp_path: Path) -> None:
    shapes, _ = files
    good = tmp_path / "good.ttl"
    good.write_text('<http://example.org/x> a <http://example.org/Person> ; <http://example.org/name> "Xavier" .\n')
    result = run_palsov("validate", "--shapes", str(shapes), str(good), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "conforms: 0 violations, 0 warnings, 0 infos"
