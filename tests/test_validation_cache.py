"""What validation keeps between runs (runtime/cache.py): the checked, compiled shapes and the EDTF
values' outcomes. A run from the cache reports byte for byte what a fresh run does; a changed shape
applies at once; a damaged entry is a miss, never a crash or an answer."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from palsov.project import Project
from palsov.validation import checks
from palsov.validation.components import Compiler
from palsov.validation.report import Report
from palsov.validation.validate import validate_project

from .conftest import run_palsov


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PALSOV_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def failing(project_copy: Project) -> Project:
    """The project with a SHACL violation (a stance without its polarity) and a bad EDTF value."""
    stances = project_copy.data_dir / "stances.ttl"
    stances.write_text(
        stances.read_text(encoding="utf-8").replace("palsov:polarity polarity:support ;", "", 1), encoding="utf-8"
    )
    events = project_copy.data_dir / "events.ttl"
    events.write_text(
        events.read_text(encoding="utf-8").replace('palsov:edtf "1919" ;', 'palsov:edtf "1919-13" ;', 1),
        encoding="utf-8",
    )
    return project_copy


def written(report: Report) -> tuple[str, str, str]:
    return report.to_turtle(), report.to_json(), report.to_text()


def found(report: Report) -> list[tuple[str, ...]]:
    """The results, sorted, as terms, the shapes graph's blank nodes as one: a parse of the shapes
    labels them anew each time, and results are ordered and numbered by them, so two runs that both
    read the shapes agree on no more than this (a run from the cache keeps the labels of the run
    that made it, and so its bytes: see the first test)."""

    def term(node: object) -> str:
        return "_:shape" if isinstance(node, ox.BlankNode) else str(node)

    return sorted(
        (
            term(r.focus),
            term(r.source_shape),
            term(r.shape),
            term(r.component),
            term(r.severity),
            r.path.text() if r.path is not None else "",
            term(r.value),
            *(str(m) for m in r.messages),
        )
        for r in report.results
    )


def nothing_made_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, compiling a shape or reading an EDTF value fails the test."""

    def refused(*_: object) -> None:
        raise AssertionError("made anew, not taken from the cache")

    monkeypatch.setattr(Compiler, "compile", refused)
    monkeypatch.setattr(checks, "_outcome", refused)


def test_a_run_from_the_cache_reports_what_a_fresh_run_does(
    failing: Project, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = validate_project(failing)
    assert not fresh.conforms
    messages = {m.value for r in fresh.results for m in r.messages}
    assert "A stance has exactly one polarity." in messages
    assert "'1919-13' is not valid EDTF (ISO 8601-2), as an EDTF parser reads it." in messages
    # The violation queries' headers are kept too (queries/saved.py).
    assert {p.parent.name for p in cache.rglob("*.pickle")} == {"shapes", "edtf", "query-headers"}
    nothing_made_anew(monkeypatch)
    assert written(validate_project(failing)) == written(fresh)


def test_the_command_prints_the_same_from_the_cache(failing: Project, cache: Path) -> None:
    first = run_palsov("validate", "--format", "turtle", cwd=failing.root)
    assert first.returncode == 1 and "sh:conforms false" in first.stdout, first.stderr
    assert list(cache.rglob("*.pickle"))
    again = run_palsov("validate", "--format", "turtle", cwd=failing.root)
    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)


def test_an_edited_shape_applies_at_once(project_copy: Project, cache: Path) -> None:
    assert validate_project(project_copy).passes()
    shapes = project_copy.root / "shapes" / "event.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8")
        + "\n<https://w3id.org/palsov/shapes#NinetyNineLabelsShape> a sh:NodeShape ;\n"
        "    sh:targetClass palsov:Event ;\n"
        "    sh:property [ sh:path rdfs:label ; sh:minCount 99 ] .\n",
        encoding="utf-8",
    )
    report = validate_project(project_copy)
    assert not report.passes()
    assert {r.shape.value for r in report.results if r.severity.value.endswith("Violation")} == {
        "https://w3id.org/palsov/shapes#NinetyNineLabelsShape"
    }
    assert len(list((cache / "shapes").glob("*.pickle"))) == 2


def test_an_edtf_value_not_seen_before_is_read(project_copy: Project, cache: Path) -> None:
    assert validate_project(project_copy).passes()
    events = project_copy.data_dir / "events.ttl"
    events.write_text(
        events.read_text(encoding="utf-8").replace('palsov:edtf "1919" ;', 'palsov:edtf "in 1919" ;', 1),
        encoding="utf-8",
    )
    messages = {m.value for r in validate_project(project_copy).results for m in r.messages}
    assert "'in 1919' is not valid EDTF (ISO 8601-2), as an EDTF parser reads it." in messages


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.write_bytes(b"not a pickle"),
        lambda entry: entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2]),
        lambda entry: entry.write_bytes(b""),
    ],
    ids=["garbage", "cut-short", "empty"],
)
def test_a_damaged_entry_is_a_miss(failing: Project, cache: Path, damage: object) -> None:
    fresh = found(validate_project(failing))
    entries = list(cache.rglob("*.pickle"))
    assert len(entries) == 3  # the shapes, the EDTF values, the violation queries' headers
    for entry in entries:
        damage(entry)  # type: ignore[operator]
    assert found(validate_project(failing)) == fresh
    assert found(validate_project(failing)) == fresh  # the entries were made again, whole


def test_an_entry_holds_its_key(failing: Project, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry renamed to another key (made from other inputs) is not taken for it."""
    fresh = found(validate_project(failing))
    (shapes,) = (cache / "shapes").glob("*.pickle")
    other = "0" * 64
    shapes.rename(shapes.with_name(f"{other}.pickle"))
    monkeypatch.setattr("palsov.validation.validate._made_of", lambda paths: other)
    calls = []
    real = Compiler.compile
    monkeypatch.setattr(Compiler, "compile", lambda self: calls.append(1) or real(self))
    assert found(validate_project(failing)) == fresh
    assert calls  # compiled anew: the entry under `other` was made from the real key


def test_no_cache_where_none_can_be_written(failing: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = found(validate_project(failing))
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("PALSOV_CACHE_DIR", str(blocked))  # a file where the folder would be
    assert found(validate_project(failing)) == fresh
    assert blocked.read_text(encoding="utf-8") == ""
