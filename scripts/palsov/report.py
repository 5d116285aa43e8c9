"""Validation results in one form, whatever found them (pyshacl, a SHACL-SPARQL constraint run on
the embedded store, a Python check of the source text, an integrity query), and their renderings."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .namespaces import PREFIXES, split_iri

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Result:
    shape: str  # the named shape (or query file) that found it: the key results are grouped by
    focus: str
    severity: str = "Violation"
    message: str = ""
    path: str | None = None
    value: str | None = None
    component: str = ""  # the SHACL constraint component, or the constraint's own IRI
    focus_label: str | None = field(default=None, compare=False)
    #: The exact shape node or SPARQL constraint that produced the result (a blank node's id for
    #: an anonymous property shape), to tell apart two constraints of one shape on one path.
    source: str = field(default="", compare=False)


@dataclass
class Report:
    results: list[Result]

    def __post_init__(self) -> None:
        self.results = sorted(set(self.results), key=_order)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def conforms(self, strict: bool = False) -> bool:
        failing = {"Violation", "Warning"} if strict else {"Violation"}
        return not any(r.severity in failing for r in self.results)

    def by_shape(self) -> dict[str, list[Result]]:
        groups: dict[str, list[Result]] = defaultdict(list)
        for result in self.results:
            groups[result.shape].append(result)
        return dict(groups)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s.lower()}{'s' if self.count(s) != 1 else ''}" for s in SEVERITIES)
        return f"{'conforms' if self.conforms() else 'does not conform'}: {counts}"

    # ------------------------------------------------------------------ renderings
    def to_text(self, summary: str | None = None) -> str:
        """Results grouped by shape, then the summary line (this report's, unless one is given)."""
        lines = []
        for shape, results in self.by_shape().items():
            lines.append(f"{short_name(shape)}  ({len(results)})")
            for r in results:
                who = f"{r.focus_label} <{r.focus}>" if r.focus_label else f"<{r.focus}>"
                lines.append(f"  [{r.severity}] {who}")
                if r.path:
                    lines.append(f"      path:  {short_name(r.path)}")
                if r.value is not None:
                    lines.append(f"      value: {r.value}")
                lines.append(f"      {r.message}")
        lines.append(summary or self.summary())
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        document = {
            "conforms": self.conforms(),
            "counts": {s.lower(): self.count(s) for s in SEVERITIES},
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def to_graph(self) -> Graph:
        """The report as a standard sh:ValidationReport."""
        graph = Graph()
        graph.bind("sh", SH)
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        # Numbered blank nodes, so that the same results give the same file.
        report = BNode("report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms())))
        for number, r in enumerate(self.results, 1):
            node = BNode(f"result{number}")
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, _term(r.focus)))
            graph.add((node, SH.resultSeverity, SH[r.severity]))
            graph.add((node, SH.sourceShape, _term(r.shape)))
            graph.add((node, SH.resultMessage, Literal(r.message, lang="en")))
            if r.component:
                graph.add((node, SH.sourceConstraintComponent, _term(r.component)))
            if r.path:
                graph.add((node, SH.resultPath, _term(r.path)))
            if r.value is not None:
                graph.add((node, SH.value, Literal(r.value)))
        return graph

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")


def _order(result: Result) -> tuple[str, ...]:
    return (
        result.shape,
        result.focus,
        result.severity,
        result.path or "",
        result.value or "",
        result.component,
        result.message,
    )


def _term(text: str) -> URIRef | Literal:
    return URIRef(text) if "://" in text or text.startswith("urn:") else Literal(text)


def short_name(iri: str) -> str:
    """A compact name for an IRI, or for a SHACL path written as ^iri or iri / iri."""
    if " / " in iri:
        return " / ".join(short_name(part) for part in iri.split(" / "))
    if iri.startswith("^"):
        return "^" + short_name(iri[1:])
    split = split_iri(iri)
    return f"{split[0]}:{split[1]}" if split else iri
