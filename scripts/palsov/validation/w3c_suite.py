"""The W3C SHACL test suite, run as data (as pySHACL's test_sht_validate.py does) on any engine.

Each test of the suite's manifests names a data graph, a shapes graph and the expected validation
report, or sht:Failure where a processor must refuse the shapes. A test passes when the engine's
results equal the expected ones, compared as pySHACL's harness compares them: focus node, path,
value, source shape, source constraint component and severity, a blank node matching any blank
node (the engines parse the files themselves), and sh:conforms.

    python -m palsov.validation.w3c_suite [SUITE] [--engine NAME]…

prints each engine's pass counts by section of the suite (the figures the README quotes).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox

from ..errors import ShapesError, UnsupportedError
from ..rdf.graph import KnowledgeGraph
from ..rdf.terms import Term
from ..rdf.vocab import MF, RDF_TYPE, RDFS_LABEL, SH, SHT
from . import ENGINE_NAMES
from .report import Report, Result
from .shapes import Graph, read_path
from .validate import Shapes, validate

#: Where the suite is, from the project's root (CI lays shared/ beside the clone).
DEFAULT_SUITE = Path("../shared/w3c-shacl-test-suite")

Key = tuple[str, ...]


@dataclass(frozen=True)
class Case:
    name: str  # e.g. core/node/class-001
    label: str
    data: tuple[ox.Triple, ...]
    shapes: tuple[ox.Triple, ...]
    expected: Counter[Key] | None  # None: the processor must refuse the shapes (sht:Failure)
    conforms: bool

    @property
    def section(self) -> str:
        return self.name.rsplit("/", 1)[0]


@dataclass(frozen=True)
class Outcome:
    status: str  # "pass", "wrong" (a different answer), "refused" (declared unsupported), "error"
    detail: str = ""


def _path(iri: str) -> Path:
    return Path(unquote(urlparse(iri).path))


def _read(path: Path, cache: dict[Path, tuple[ox.Triple, ...]]) -> tuple[ox.Triple, ...]:
    if path not in cache:
        with path.open("rb") as stream:
            parsed = ox.parse(stream, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
            cache[path] = tuple(q.triple for q in parsed)
    return cache[path]


def cases(suite: Path) -> list[Case]:
    """Every sht:Validate test of the suite's manifests, in manifest order."""
    tests_dir = (suite / "tests").resolve()
    found: list[Case] = []
    cache: dict[Path, tuple[ox.Triple, ...]] = {}

    def visit(manifest: Path) -> None:
        graph = Graph(_read(manifest, cache))
        root = ox.NamedNode(manifest.resolve().as_uri())
        for include in graph.objects(root, MF("include")):
            visit(_path(include.value))
        for entries in graph.objects(root, MF("entries")):
            for entry in graph.items(entries):
                if SHT("Validate") not in graph.objects(entry, RDF_TYPE):
                    continue
                action = graph.one(entry, MF("action"))
                data = _read(_path(graph.one(action, SHT("dataGraph")).value), cache)
                shapes = _read(_path(graph.one(action, SHT("shapesGraph")).value), cache)
                result = graph.one(entry, MF("result"))
                label = graph.value(entry, RDFS_LABEL)
                relative = manifest.resolve().parent.relative_to(tests_dir)
                name = f"{relative}/{_path(entry.value).name}"
                if result == SHT("Failure"):
                    found.append(Case(name, label.value if label else "", data, shapes, None, False))
                else:
                    expected = Counter(_key(graph, node) for node in graph.objects(result, SH("result")))
                    conforms = graph.one(result, SH("conforms"))
                    found.append(
                        Case(name, label.value if label else "", data, shapes, expected, conforms.value == "true")
                    )

    visit(tests_dir / "manifest.ttl")
    return found


def _blank(term: Term | None) -> str:
    return "" if term is None else "_:" if isinstance(term, ox.BlankNode) else str(term)


def _key(graph: Graph, node: Term) -> Key:
    path = graph.value(node, SH("resultPath"))
    return (
        _blank(graph.value(node, SH("focusNode"))),
        read_path(graph, path).sparql() if path is not None else "",
        _blank(graph.value(node, SH("value"))),
        _blank(graph.value(node, SH("sourceShape"))),
        _blank(graph.value(node, SH("sourceConstraintComponent"))),
        _blank(graph.value(node, SH("resultSeverity"))),
    )


def result_key(result: Result) -> Key:
    return (
        _blank(result.focus),
        result.path.sparql() if result.path else "",
        _blank(result.value),
        _blank(result.source_shape),
        _blank(result.component),
        _blank(result.severity),
    )


def run(case: Case, engine: str) -> Outcome:
    try:
        kg = KnowledgeGraph.from_triples([], list(case.data))
        report: Report = validate(kg, Shapes(list(case.shapes)), engine=engine)
    except UnsupportedError as error:
        return Outcome("refused", str(error))
    except ShapesError as error:
        return Outcome("pass" if case.expected is None else "wrong", f"refused the shapes: {error}")
    except Exception as error:  # an engine's crash is an outcome to count, not a reason to stop
        return Outcome("error", f"{type(error).__name__}: {error}")
    if case.expected is None:
        return Outcome("wrong", f"accepted shapes it must refuse ({len(report.results)} results)")
    found = Counter(result_key(r) for r in report.results)
    if found == case.expected and report.conforms == case.conforms:
        return Outcome("pass")
    missing, extra = case.expected - found, found - case.expected
    return Outcome("wrong", f"missing {sorted(missing)}; extra {sorted(extra)}; conforms {report.conforms}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m palsov.validation.w3c_suite", description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--engine", action="append", choices=ENGINE_NAMES, help="default: every engine")
    parser.add_argument("--verbose", action="store_true", help="print every test that does not pass")
    arguments = parser.parse_args(argv)
    all_cases = cases(arguments.suite)
    for engine in arguments.engine or ENGINE_NAMES:
        tally: dict[str, Counter[str]] = {}
        for case in all_cases:
            outcome = run(case, engine)
            tally.setdefault(case.section, Counter())[outcome.status] += 1
            if arguments.verbose and outcome.status != "pass":
                print(f"  {engine} {case.name}: {outcome.status}: {outcome.detail[:300]}")
        total: Counter[str] = sum(tally.values(), Counter())
        print(f"{engine}: {total['pass']}/{sum(total.values())} pass ({_rest(total)})")
        for section, counts in tally.items():
            print(f"  {section:<28} {counts['pass']:>3}/{sum(counts.values()):<3} {_rest(counts)}")
    sys.stdout.flush()


def _rest(counts: Counter[str]) -> str:
    return ", ".join(f"{counts[s]} {s}" for s in ("wrong", "refused", "error") if counts[s]) or "all pass"


if __name__ == "__main__":
    main()
