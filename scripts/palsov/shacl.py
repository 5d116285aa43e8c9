"""SHACL core constraints compiled to SPARQL, for the embedded store.

Each constraint of each targeted shape becomes one SELECT that returns the focus nodes (and value
nodes) that violate it, with the shape's targets joined in — the semantics of SHACL core, run by
Oxigraph over the whole graph at once. This covers the constraint components the project's shapes
use; a shape with anything else makes `compile_shapes` raise, and `palsov validate --engine
pyshacl` remains the reference the tests compare against on every fixture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

SH_NS = str(SH)
_SUBCLASS = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_VALUE_PARAMETERS = {
    "class",
    "datatype",
    "pattern",
    "in",
    "languageIn",
    "nodeKind",
    "node",
    "minInclusive",
    "maxInclusive",
    "minLength",
    "lessThan",
    "lessThanOrEquals",
}
_KNOWN = _VALUE_PARAMETERS | {
    "minCount",
    "maxCount",
    "hasValue",
    "uniqueLang",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "or",
}
_IGNORED = {
    "path",
    "message",
    "severity",
    "name",
    "description",
    "qualifiedValueShape",
    "targetClass",
    "targetSubjectsOf",
    "targetObjectsOf",
    "targetNode",
    "property",
    "sparql",
    "declare",
    "prefixes",
    "deactivated",
    "order",
    "group",
}


@dataclass(frozen=True)
class CoreConstraint:
    shape: str  # the named shape that owns it
    node: str  # the node that declares it: the shape, or a (blank) property shape
    component: str
    path: str | None  # the path as validation results print it
    query: str  # SELECT ?this [?value]
    message: str
    severity: str


def _sparql_term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise ValueError(f"a blank node cannot stand in a query: {node}")


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # ---------------------------------------------------------------------------------- parts

    def path(self, path: Node) -> tuple[str, str]:
        """(SPARQL property path, the path as results print it)."""
        if isinstance(path, URIRef):
            return f"<{path}>", str(path)
        inverse = self.graph.value(path, SH.inversePath)
        if inverse is not None:
            sparql, text = self.path(inverse)
            return f"^{sparql}", f"^{text}"
        items = list(self.graph.items(path))
        if items:
            parts = [self.path(item) for item in items]
            return "/".join(p for p, _ in parts), " / ".join(t for _, t in parts)
        raise ValueError(f"unsupported SHACL path {path}")

    def targets(self, shape: Node) -> str:
        patterns = []
        for cls in self.graph.objects(shape, SH.targetClass):
            patterns.append(f"?this {_SUBCLASS} <{cls}> .")
        for prop in self.graph.objects(shape, SH.targetSubjectsOf):
            patterns.append(f"?this <{prop}> [] .")
        for prop in self.graph.objects(shape, SH.targetObjectsOf):
            patterns.append(f"[] <{prop}> ?this .")
        for node in self.graph.objects(shape, SH.targetNode):
            patterns.append(f"VALUES ?this {{ {_sparql_term(node)} }}")
        # DISTINCT: a focus node reached by two targets is one focus node.
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {p} }}" for p in patterns) + " } }"

    def value_fails(self, parameter: str, argument: Node, var: str, owner: Node) -> str:
        """A SPARQL expression true when the value in `var` violates the constraint."""
        if parameter == "class":
            return f"(isLiteral({var}) || NOT EXISTS {{ {var} {_SUBCLASS} <{argument}> }})"
        if parameter == "datatype":
            return f'(!isLiteral({var}) || DATATYPE({var}) != <{argument}> || LANG({var}) != "")'
        if parameter == "pattern":
            flags = self.graph.value(owner, SH.flags)
            flag_arg = f", {Literal(str(flags)).n3()}" if flags else ""
            return f"(isBlank({var}) || !REGEX(STR({var}), {Literal(str(argument)).n3()}{flag_arg}))"
        if parameter == "in":
            members = ", ".join(_sparql_term(m) for m in self.graph.items(argument))
            return f"({var} NOT IN ({members}))"
        if parameter == "languageIn":
            tests = " || ".join(f"LANGMATCHES(LANG({var}), {Literal(str(m)).n3()})" for m in self.graph.items(argument))
            return f"(!isLiteral({var}) || !({tests}))"
        if parameter == "nodeKind":
            kinds = {
                SH.IRI: f"isIRI({var})",
                SH.BlankNode: f"isBlank({var})",
                SH.Literal: f"isLiteral({var})",
                SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
            }
            return f"!({kinds[argument]})"
        if parameter == "node":
            return f"!({self.conforms(argument, var)})"
        if parameter == "minInclusive":
            return f"!COALESCE({var} >= {_sparql_term(argument)}, false)"
        if parameter == "maxInclusive":
            return f"!COALESCE({var} <= {_sparql_term(argument)}, false)"
        if parameter == "minLength":
            return f"(isBlank({var}) || STRLEN(STR({var})) < {int(argument)})"
        raise ValueError(f"unsupported value constraint sh:{parameter}")

    def conforms(self, shape: Node, var: str) -> str:
        """A SPARQL expression true when the node in `var` conforms to a (simple) shape."""
        tests = []
        if (shape, SH.path, None) in self.graph:
            tests.append(self._property_conforms(shape, var))
        for prop in self.graph.objects(shape, SH.property):
            tests.append(self._property_conforms(prop, var))
        for parameter in _VALUE_PARAMETERS & {str(p)[len(SH_NS) :] for p in self.graph.predicates(shape)} - {
            "lessThan",
            "lessThanOrEquals",
        }:
            if (shape, SH.path, None) not in self.graph:
                tests.append(f"!{self.value_fails(parameter, self.graph.value(shape, SH[parameter]), var, shape)}")
        return "(" + " && ".join(tests or ["true"]) + ")"

    def _property_conforms(self, prop: Node, var: str) -> str:
        path, _ = self.path(self.graph.value(prop, SH.path))
        tests = []
        # A variable of its own for each nesting, named stably (Python's hash() changes per run).
        inner = "?_v" + hashlib.sha256(f"{prop}{var}".encode()).hexdigest()[:10]
        min_count = self.graph.value(prop, SH.minCount)
        if min_count is not None and int(min_count) > 0:
            tests.append(f"EXISTS {{ {var} {path} {inner} }}")
        value = self.graph.value(prop, SH.hasValue)
        if value is not None:
            tests.append(f"EXISTS {{ {var} {path} {_sparql_term(value)} }}")
        for parameter in _VALUE_PARAMETERS - {"lessThan", "lessThanOrEquals", "node"}:
            argument = self.graph.value(prop, SH[parameter])
            if argument is not None:
                fails = self.value_fails(parameter, argument, inner, prop)
                tests.append(f"NOT EXISTS {{ {var} {path} {inner} FILTER ({fails}) }}")
        return "(" + " && ".join(tests or ["true"]) + ")"

    # ---------------------------------------------------------------------------------- constraints

    def constraints(self, shape: Node) -> Iterable[CoreConstraint]:
        targets = self.targets(shape)
        severity = str(self.graph.value(shape, SH.severity) or SH.Violation)[len(SH_NS) :]
        shape_message = str(self.graph.value(shape, SH.message) or "")
        for parameter in self._parameters(shape):
            argument = self.graph.value(shape, SH[parameter])
            component = f"{SH_NS}{parameter[0].upper()}{parameter[1:]}ConstraintComponent"
            if parameter == "or":
                alternatives = " || ".join(self.conforms(a, "?this") for a in self.graph.items(argument))
                fails = f"!({alternatives})"
            else:
                fails = self.value_fails(parameter, argument, "?this", shape)
            yield CoreConstraint(
                str(shape),
                str(shape),
                component,
                None,
                f"SELECT ?this WHERE {{ {targets} FILTER ({fails}) }}",
                shape_message,
                severity,
            )
        for prop in self.graph.objects(shape, SH.property):
            yield from self._property(shape, prop, targets)

    def _parameters(self, node: Node) -> list[str]:
        found = []
        for predicate in set(self.graph.predicates(node)):
            name = str(predicate)[len(SH_NS) :] if str(predicate).startswith(SH_NS) else None
            if name is None or name in _IGNORED:
                continue
            if name not in _KNOWN:
                raise ValueError(f"unsupported SHACL parameter sh:{name} on {node}")
            found.append(name)
        return sorted(found)

    def _property(self, shape: Node, prop: Node, targets: str) -> Iterable[CoreConstraint]:
        path, path_text = self.path(self.graph.value(prop, SH.path))
        message = str(self.graph.value(prop, SH.message) or "")
        severity = str(self.graph.value(prop, SH.severity) or SH.Violation)[len(SH_NS) :]
        node = str(prop)

        def made(parameter: str, query: str) -> CoreConstraint:
            component = f"{SH_NS}{parameter[0].upper()}{parameter[1:]}ConstraintComponent"
            return CoreConstraint(str(shape), node, component, path_text, query, message, severity)

        for parameter in self._parameters(prop):
            argument = self.graph.value(prop, SH[parameter])
            if parameter in ("minCount", "maxCount", "qualifiedMinCount", "qualifiedMaxCount"):
                # Count the (qualifying) value nodes of every focus node, those with none included.
                qualifies = ""
                if parameter.startswith("qualified"):
                    qualifies = f" FILTER ({self.conforms(self.graph.value(prop, SH.qualifiedValueShape), '?value')})"
                at_least = parameter in ("minCount", "qualifiedMinCount")
                test = f"?count < {int(argument)}" if at_least else f"?count > {int(argument)}"
                yield made(
                    parameter,
                    f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?count) "
                    f"WHERE {{ {targets} OPTIONAL {{ ?this {path} ?value{qualifies} }} }} GROUP BY ?this }} "
                    f"FILTER ({test}) }}",
                )
            elif parameter == "hasValue":
                yield made(
                    parameter,
                    f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} {_sparql_term(argument)} }} }}",
                )
            elif parameter == "uniqueLang":
                if str(argument).lower() == "true":
                    yield made(
                        parameter,
                        f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?a , ?b . "
                        f'FILTER (?a != ?b && LANG(?a) != "" && LANG(?a) = LANG(?b)) }}',
                    )
            elif parameter in ("lessThan", "lessThanOrEquals"):
                operator = "<" if parameter == "lessThan" else "<="
                yield made(
                    parameter,
                    f"SELECT ?this ?value WHERE {{ {targets} ?this {path} ?value . "
                    f"?this <{argument}> ?other . FILTER (!COALESCE(?value {operator} ?other, false)) }}",
                )
            else:
                fails = self.value_fails(parameter, argument, "?value", prop)
                yield made(
                    parameter, f"SELECT ?this ?value WHERE {{ {targets} ?this {path} ?value . FILTER ({fails}) }}"
                )


def targets(graph: Graph, shape: Node) -> str:
    """A group pattern binding ?this to each focus node of the shape, once."""
    return _Compiler(graph).targets(shape)


def compile_shapes(graph: Graph) -> list[CoreConstraint]:
    """Every core constraint of every targeted shape of the graph, as SPARQL."""
    compiler = _Compiler(graph)
    compiled = []
    for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
        if any(
            graph.value(shape, SH[t]) is not None
            for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
        ):
            compiled.extend(compiler.constraints(shape))
    return compiled


__all__ = ["CoreConstraint", "compile_shapes", "targets"]
