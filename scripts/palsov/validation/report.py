"""Validation results as RDF terms, whatever found them (a compiled SHACL constraint, pySHACL, a
SHACL-SPARQL constraint, a check of the source text, an integrity query), and their renderings:
a standard sh:ValidationReport (§3.6), JSON, and text for people.

Two meanings of "conforms" meet here. SHACL's (§3.6.1): the report has no result of any severity.
palsov's exit status and summary: no sh:Violation (no sh:Warning either, with --strict) — so that
an informational result, such as an actor without a Wikidata link, does not fail a build.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..rdf.io import serialized
from ..rdf.terms import Term, display, json_term, short
from ..rdf.vocab import PREFIXES, RDF_TYPE, SH, SHAPES, XSD, XSD_BOOLEAN
from .shapes import Path, path_triples

VIOLATION, WARNING, INFO = SH("Violation"), SH("Warning"), SH("Info")
SEVERITIES = (VIOLATION, WARNING, INFO)


def severity_name(severity: Term) -> str:
    return severity.value.removeprefix(SH) if isinstance(severity, ox.NamedNode) else str(severity)


@dataclass(frozen=True)
class Result:
    """One validation result (SHACL §3.6.2), with the named shape it is grouped under."""

    focus: Term
    source_shape: Term  # sh:sourceShape: the exact (possibly blank) shape, or a check's IRI
    component: Term  # sh:sourceConstraintComponent, or a check's own IRI
    #: The named shape (or query, or check) the result belongs to: a blank property shape's parent.
    shape: Term
    severity: Term = VIOLATION
    path: Path | None = None
    value: Term | None = None
    messages: tuple[ox.Literal, ...] = ()
    source_constraint: Term | None = None  # sh:sourceConstraint, for SHACL-SPARQL constraints
    focus_label: str | None = field(default=None, compare=False)

    @property
    def message(self) -> str:
        english = [m for m in self.messages if m.language in ("en", "")] or list(self.messages)
        return english[0].value if english else ""


@dataclass
class Report:
    results: list[Result]

    def __post_init__(self) -> None:
        # Not a set: two identical results are two (a node reached through two focus nodes, §4.7.2).
        self.results = sorted(self.results, key=_order)

    def count(self, severity: Term) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        """SHACL's sh:conforms (§3.6.1): true only when there is no result of any severity."""
        return not self.results

    def passes(self, strict: bool = False) -> bool:
        """palsov's verdict and exit status: no violation (and no warning, when strict)."""
        failing = {VIOLATION, WARNING} if strict else {VIOLATION}
        return not any(r.severity in failing for r in self.results)

    def by_shape(self) -> dict[Term, list[Result]]:
        groups: dict[Term, list[Result]] = defaultdict(list)
        for result in self.results:
            groups[result.shape].append(result)
        return dict(groups)

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(s)} {severity_name(s).lower()}{'s' if self.count(s) != 1 else ''}" for s in SEVERITIES
        )
        if self.conforms:
            return f"conforms: {counts}"
        if self.passes():
            return f"no violations: {counts} (sh:conforms false: SHACL counts every result)"
        return f"does not conform: {counts}"

    # ------------------------------------------------------------------ renderings
    def to_text(self, summary: str | None = None) -> str:
        """Results grouped by shape, then the summary line (this report's, unless one is given)."""
        lines = []
        for shape, results in self.by_shape().items():
            lines.append(f"{short(shape)}  ({len(results)})")
            for r in results:
                who = f"{r.focus_label} {r.focus}" if r.focus_label else str(r.focus)
                lines.append(f"  [{severity_name(r.severity)}] {who}")
                if r.path:
                    lines.append(f"      path:  {r.path.text()}")
                if r.value is not None:
                    lines.append(f"      value: {display(r.value)}")
                lines.append(f"      {r.message}")
        lines.append(summary or self.summary())
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The results with their terms as SPARQL 1.1 JSON terms, paths in SPARQL syntax."""
        document = {
            "conforms": self.conforms,
            "passes": self.passes(),
            "counts": {severity_name(s).lower(): self.count(s) for s in SEVERITIES},
            "results": [
                {
                    "focusNode": json_term(r.focus),
                    "resultPath": r.path.sparql() if r.path else None,
                    "value": json_term(r.value),
                    "sourceShape": json_term(r.source_shape),
                    "sourceConstraintComponent": json_term(r.component),
                    "sourceConstraint": json_term(r.source_constraint),
                    "resultSeverity": json_term(r.severity),
                    "resultMessage": [m.value for m in r.messages],
                    "shape": json_term(r.shape),
                    "focusLabel": r.focus_label,
                }
                for r in self.results
            ],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def triples(self) -> list[ox.Triple]:
        """The report as a standard sh:ValidationReport (SHACL §3.6), numbered blank nodes."""
        report = ox.BlankNode("report")
        conforms = ox.Literal(str(self.conforms).lower(), datatype=XSD_BOOLEAN)
        nodes = [ox.BlankNode(f"result{number}") for number in range(1, len(self.results) + 1)]
        triples = [
            ox.Triple(report, RDF_TYPE, SH("ValidationReport")),
            ox.Triple(report, SH("conforms"), conforms),
            *(ox.Triple(report, SH("result"), node) for node in nodes),
        ]
        for number, (node, r) in enumerate(zip(nodes, self.results, strict=True), 1):
            triples += [
                ox.Triple(node, RDF_TYPE, SH("ValidationResult")),
                ox.Triple(node, SH("focusNode"), r.focus),
                ox.Triple(node, SH("resultSeverity"), r.severity),
                ox.Triple(node, SH("sourceShape"), r.source_shape),
                ox.Triple(node, SH("sourceConstraintComponent"), r.component),
                *(ox.Triple(node, SH("resultMessage"), m) for m in r.messages),
            ]
            if r.source_constraint is not None:
                triples.append(ox.Triple(node, SH("sourceConstraint"), r.source_constraint))
            if r.path is not None:
                blanks = (ox.BlankNode(f"result{number}path{i}") for i in range(1, 1000))
                head, described = path_triples(r.path, blanks)
                triples += [ox.Triple(node, SH("resultPath"), head), *described]
            if r.value is not None:
                triples.append(ox.Triple(node, SH("value"), r.value))
        return triples

    def to_turtle(self) -> str:
        """The report in Turtle, with the prefixes of the namespaces it uses."""
        triples = self.triples()
        iris = {
            term.value
            for triple in triples
            for term in (*triple, getattr(triple.object, "datatype", None))
            if isinstance(term, ox.NamedNode)
        }
        known: dict[str, str] = {"sh": SH, "xsd": XSD, **PREFIXES, "palsovsh": SHAPES}
        prefixes = {prefix: ns for prefix, ns in known.items() if any(iri.startswith(ns) for iri in iris)}
        return serialized(triples, ox.RdfFormat.TURTLE, prefixes).decode("utf-8")


def _order(result: Result) -> tuple[str, ...]:
    return (
        str(result.shape),
        str(result.focus),
        str(result.severity),
        result.path.sparql() if result.path else "",
        str(result.value or ""),
        str(result.component),
        str(result.source_shape),
        result.message,
    )
