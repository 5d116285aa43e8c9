"""SHACL compiled to SPARQL, for the embedded store: a registry of constraint components.

Each constraint component of SHACL core (§4), SHACL-SPARQL's constraints (§5) and SPARQL-based
constraint components (§6) is one `Component`, which knows its parameters, its section of the
spec and two ways of compiling a constraint: a SELECT that returns every violation of a shape's
focus nodes at once (the shape's targets joined in, so Oxigraph validates the whole graph in one
query per constraint), and a boolean expression saying whether one node violates it, for shapes
nested in sh:node, sh:not, sh:and, sh:or, sh:xone and sh:qualifiedValueShape.

The shapes graph is read strictly: a shape that is not well-formed SHACL is a ShapesError (exit
2) and a feature the compiler does not implement is an UnsupportedError (exit 3), each naming the
shape, the feature and the section of the spec. Nothing is skipped in silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial

import pyoxigraph as ox

from ..errors import ShapesError, UnsupportedError
from ..rdf.sparql import select
from ..rdf.terms import CASTABLE, Term, short, subject_of
from ..rdf.vocab import OWL, RDF_TYPE, RDFS, SH, SHAPES_GRAPH, XSD, XSD_BOOLEAN, XSD_INTEGER, XSD_STRING
from .shapes import Graph, Path, PredicatePath, describe, read_path
from .sparql_constraints import (
    check_restrictions,
    group_of,
    joins_like_prebinding,
    prologue,
    substitute,
    uses_variable,
    with_projection,
)

_INSTANCE_OF = f"<{RDF_TYPE.value}>/<{RDFS}subClassOf>*"
#: Datatypes the embedded store keeps under another datatype (xsd:int as xsd:integer, …).
_STORED_AS_ANOTHER = {
    XSD(name)
    for name in (
        "byte",
        "short",
        "int",
        "long",
        "unsignedByte",
        "unsignedShort",
        "unsignedInt",
        "unsignedLong",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "nonNegativeInteger",
        "dateTimeStamp",
    )
}
_TRUE = ox.Literal("true", datatype=XSD_BOOLEAN)
_SHACL_AF = {"rule", "target", "expression", "values", "condition", "shape", "filterShape", "nodes", "intersection"}


def sparql_term(term: Term, where: str = "") -> str:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedError(f"{where}: a blank node as a constant ({term}) cannot be matched in the data graph")
    return str(term)


def _boolean(term: Term | None) -> bool:
    # Only "true" itself: SHACL names no other form ("1"^^xsd:boolean leaves sh:uniqueLang off).
    return term == _TRUE


# ------------------------------------------------------------------------------------ shapes


@dataclass(eq=False)
class Shape:
    """A shape of the shapes graph: a node shape, or a property shape (it has a path)."""

    node: Term
    name: str  # as errors name it: a blank property shape by its path and the shape holding it
    path: Path | None
    severity: Term
    messages: tuple[ox.Literal, ...]
    deactivated: bool
    targets: list[Callable[[str], str]] = field(default_factory=list)
    parents: list[Shape] = field(default_factory=list)  # the shapes that hold it as sh:property
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def owner(self) -> Term:
        """The named shape it belongs to: a blank property shape's parent's (up to a named one), a
        named property shape's named parent, else itself."""
        shape, seen = self, set()
        while shape.parents and id(shape) not in seen:
            seen.add(id(shape))
            parent = shape.parents[0]
            if isinstance(shape.node, ox.NamedNode):
                return parent.node if isinstance(parent.node, ox.NamedNode) else shape.node
            shape = parent
        return shape.node

    def values(self, focus: str, value: str) -> str:
        """A pattern binding `value` to each value node of `focus` (a property shape's path)."""
        assert self.path is not None
        return f"{focus} {self.path.sparql()} {value} ."


@dataclass(eq=False)
class Constraint:
    """One constraint: a component with its parameters' values, in a shape."""

    shape: Shape
    component: Component
    arguments: dict[str, Term]

    @property
    def key(self) -> Term:
        return self.arguments[self.component.parameters[0]]

    @property
    def source(self) -> Term:
        """sh:sourceConstraint: the SPARQL constraint node, for SHACL-SPARQL (§5.3.2)."""
        return self.key

    def where(self) -> str:
        return f"shape {self.shape.name}, {self.component.label}"


# ------------------------------------------------------------------------------------ components


class Component:
    """A constraint component: its parameters, the section of SHACL defining it, its SPARQL."""

    name = ""
    parameters: tuple[str, ...] = ()  # mandatory; the first is the one a constraint is keyed on
    optional: tuple[str, ...] = ()
    section = ""
    node_shapes = True
    property_shapes = True
    many_values = True  # several values of the key parameter are several constraints
    message = "The value violates {arg}."  # a result's message when its shape gives none

    @property
    def iri(self) -> ox.NamedNode:
        return SH(f"{self.name}ConstraintComponent")

    @property
    def label(self) -> str:
        return f"sh:{self.parameters[0]} (SHACL §{self.section})"

    def check(self, c: Constraint, compiler: Compiler) -> None:
        """Refuse ill-formed parameter values at load time (ShapesError)."""

    def messages(self, c: Constraint, compiler: Compiler) -> tuple[ox.Literal, ...]:
        """The constraint's own sh:message templates, if it has any (SHACL-SPARQL's do)."""
        return ()

    def default_message(self, c: Constraint, compiler: Compiler) -> ox.Literal:
        key = c.key
        if compiler.graph.is_list(key):
            argument = "(" + " ".join(short(m) for m in compiler.graph.items(key)) + ")"
        elif isinstance(key, ox.BlankNode):
            argument = f"sh:{self.parameters[0]}"
        elif isinstance(key, ox.Literal):
            argument = key.value if key.datatype != XSD_STRING else f'"{key.value}"'
        else:
            argument = short(key)
        return ox.Literal(self.message.format(arg=argument), language="en")

    # A value test: an expression true when the value node in `var` violates the constraint.
    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str | None:
        return None

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        """SELECT ?this [?value] [?path]: every violation, with the shape's focus nodes in `focus`."""
        shape = c.shape
        if shape.path is None:
            return f"SELECT ?this (?this AS ?value) WHERE {{ {focus} FILTER ({self.fails(c, '?this', compiler)}) }}"
        value = "?value"
        return (
            f"SELECT DISTINCT ?this{compiler.via} ?value WHERE {{ {focus} {shape.values('?this', value)} "
            f"FILTER ({self.fails(c, value, compiler)}) }}"
        )

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        """An expression true when the node in `focus` violates the constraint."""
        shape = c.shape
        if shape.path is None:
            return self.fails(c, focus, compiler)  # type: ignore[return-value]
        value = compiler.var()
        return f"EXISTS {{ {shape.values(focus, value)} FILTER ({self.fails(c, value, compiler)}) }}"


def _integer(c: Constraint, name: str) -> int:
    term = c.arguments[name]
    if not (isinstance(term, ox.Literal) and term.datatype == XSD_INTEGER and re.fullmatch(r"[+-]?\d+", term.value)):
        raise ShapesError(
            f"shape {c.shape.name}: sh:{name} must be an xsd:integer, not {term} (SHACL §{c.component.section})"
        )
    return int(term.value)


class ClassComponent(Component):
    name, parameters, section = "Class", ("class",), "4.1.1"
    message = "The value is not an instance of {arg}."

    def check(self, c: Constraint, compiler: Compiler) -> None:
        if isinstance(c.key, ox.Literal):
            raise ShapesError(f"shape {c.shape.name}: sh:class must be an IRI, not {c.key} (SHACL §4.1.1)")

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return f"(isLiteral({var}) || NOT EXISTS {{ {var} {_INSTANCE_OF} {sparql_term(c.key, c.where())} }})"


class DatatypeComponent(Component):
    name, parameters, section = "Datatype", ("datatype",), "4.1.2"
    message = "The value is not a well-formed literal of datatype {arg}."
    many_values = True

    def check(self, c: Constraint, compiler: Compiler) -> None:
        if not isinstance(c.key, ox.NamedNode):
            raise ShapesError(f"shape {c.shape.name}: sh:datatype must be an IRI, not {c.key} (SHACL §4.1.2)")
        if c.key in _STORED_AS_ANOTHER:
            raise UnsupportedError(
                f"shape {c.shape.name}: sh:datatype {short(c.key)} (SHACL §4.1.2): the embedded store keeps "
                "such values under their base type (xsd:integer, xsd:dateTime); use --engine pyshacl"
            )

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        datatype = c.key.value
        well_formed = f" && isLiteral(<{datatype}>(STR({var})))" if c.key in CASTABLE else ""
        return f"!COALESCE(isLiteral({var}) && DATATYPE({var}) = <{datatype}>{well_formed}, false)"


_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
}


class NodeKindComponent(Component):
    name, parameters, section = "NodeKind", ("nodeKind",), "4.1.3"
    message = "The value is not of node kind {arg}."

    def check(self, c: Constraint, compiler: Compiler) -> None:
        if not (isinstance(c.key, ox.NamedNode) and c.key.value.removeprefix(SH) in _NODE_KINDS):
            raise ShapesError(f"shape {c.shape.name}: sh:nodeKind {c.key} is not a SHACL node kind (SHACL §4.1.3)")

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return "!" + _NODE_KINDS[c.key.value.removeprefix(SH)].format(v=var)


class _CountComponent(Component):
    node_shapes = False
    minimum = True

    def limit(self, c: Constraint) -> int:
        count = _integer(c, self.parameters[0])
        if count < 0:
            raise ShapesError(f"shape {c.shape.name}: {self.label} cannot be negative")
        return count

    def check(self, c: Constraint, compiler: Compiler) -> None:
        self.limit(c)

    def qualifies(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return "true"

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        n = self.limit(c)
        if self.minimum and n == 0:
            return ""
        value = compiler.var()
        qualifies = self.qualifies(c, value, compiler)
        pattern = f"{c.shape.values('?this', value)} FILTER ({qualifies})"
        matched = f"OPTIONAL {{ {pattern} }}" if self.minimum else pattern
        test = f"?count < {n}" if self.minimum else f"?count > {n}"
        return (
            f"SELECT ?this WHERE {{ {{ SELECT ?this{compiler.via} (COUNT(DISTINCT {value}) AS ?count) "
            f"WHERE {{ {focus} {matched} }} GROUP BY ?this{compiler.via} }} FILTER ({test}) }}"
        )

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        n = self.limit(c)
        if self.minimum and n == 0:
            return "false"
        value = compiler.var()
        pattern = f"{c.shape.values(focus, value)} FILTER ({self.qualifies(c, value, compiler)})"
        if self.minimum and n == 1:
            return f"NOT EXISTS {{ {pattern} }}"
        if not self.minimum and n == 0:
            return f"EXISTS {{ {pattern} }}"
        # Grouped over the whole graph and joined on the focus node: right whatever the engine's
        # reading of a variable from outside a subquery.
        having = f"COUNT(DISTINCT {value}) >= {n}" if self.minimum else f"COUNT(DISTINCT {value}) > {n}"
        group = f"SELECT {focus} WHERE {{ {pattern} }} GROUP BY {focus} HAVING ({having})"
        return f"NOT EXISTS {{ {group} }}" if self.minimum else f"EXISTS {{ {group} }}"


class MinCountComponent(_CountComponent):
    name, parameters, section = "MinCount", ("minCount",), "4.2.1"
    message = "Fewer than {arg} values."


class MaxCountComponent(_CountComponent):
    name, parameters, section, minimum = "MaxCount", ("maxCount",), "4.2.2", False
    message = "More than {arg} values."


class _RangeComponent(Component):
    operator = ""

    def check(self, c: Constraint, compiler: Compiler) -> None:
        if not isinstance(c.key, ox.Literal):
            raise ShapesError(f"shape {c.shape.name}: {self.label} must be a literal, not {c.key}")

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return f"!COALESCE({var} {self.operator} {sparql_term(c.key)}, false)"


class MinExclusiveComponent(_RangeComponent):
    name, parameters, section, operator = "MinExclusive", ("minExclusive",), "4.3.1", ">"
    message = "The value is not greater than {arg}."


class MinInclusiveComponent(_RangeComponent):
    name, parameters, section, operator = "MinInclusive", ("minInclusive",), "4.3.2", ">="
    message = "The value is less than {arg}."


class MaxExclusiveComponent(_RangeComponent):
    name, parameters, section, operator = "MaxExclusive", ("maxExclusive",), "4.3.3", "<"
    message = "The value is not less than {arg}."


class MaxInclusiveComponent(_RangeComponent):
    name, parameters, section, operator = "MaxInclusive", ("maxInclusive",), "4.3.4", "<="
    message = "The value is greater than {arg}."


class _LengthComponent(Component):
    operator = ""

    def check(self, c: Constraint, compiler: Compiler) -> None:
        if _integer(c, self.parameters[0]) < 0:
            raise ShapesError(f"shape {c.shape.name}: {self.label} cannot be negative")

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return f"(isBlank({var}) || STRLEN(STR({var})) {self.operator} {_integer(c, self.parameters[0])})"


class MinLengthComponent(_LengthComponent):
    name, parameters, section, operator = "MinLength", ("minLength",), "4.4.1", "<"
    message = "The value is shorter than {arg} characters."


class MaxLengthComponent(_LengthComponent):
    name, parameters, section, operator = "MaxLength", ("maxLength",), "4.4.2", ">"
    message = "The value is longer than {arg} characters."


class PatternComponent(Component):
    name, parameters, optional, section = "Pattern", ("pattern",), ("flags",), "4.4.3"
    message = "The value does not match the pattern {arg}."

    def arguments(self, c: Constraint) -> str:
        pattern, flags = c.key, c.arguments.get("flags")
        if not isinstance(pattern, ox.Literal) or (flags is not None and not isinstance(flags, ox.Literal)):
            raise ShapesError(f"shape {c.shape.name}: sh:pattern and sh:flags are strings (SHACL §4.4.3)")
        text = str(ox.Literal(pattern.value))
        return text + (f", {ox.Literal(flags.value)}" if flags is not None else "")

    def check(self, c: Constraint, compiler: Compiler) -> None:
        # The store's own regex engine is the judge: an invalid pattern makes REGEX an error.
        solutions = select(
            ox.Store(), f'SELECT (BOUND(?ok) AS ?valid) WHERE {{ BIND (REGEX("", {self.arguments(c)}) AS ?ok) }}'
        )
        if next(iter(solutions))["valid"] != _TRUE:
            flags = c.arguments.get("flags")
            raise ShapesError(
                f"shape {c.shape.name}: sh:pattern {c.key}{f' with sh:flags {flags}' if flags else ''} "
                "is not a valid regular expression (SHACL §4.4.3)"
            )

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return f"(isBlank({var}) || !COALESCE(REGEX(STR({var}), {self.arguments(c)}), false))"


class LanguageInComponent(Component):
    name, parameters, section = "LanguageIn", ("languageIn",), "4.4.4"
    message = "The value's language tag is not one of {arg}."

    def check(self, c: Constraint, compiler: Compiler) -> None:
        members = compiler.list_of(c, "languageIn")
        if not all(isinstance(m, ox.Literal) for m in members):
            raise ShapesError(f"shape {c.shape.name}: sh:languageIn lists strings (SHACL §4.4.4)")

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        tests = [f"LANGMATCHES(LANG({var}), {ox.Literal(m.value)})" for m in compiler.list_of(c, "languageIn")]
        return f"(!isLiteral({var}) || !({' || '.join(tests) or 'false'}))"


class UniqueLangComponent(Component):
    name, parameters, section, node_shapes = "UniqueLang", ("uniqueLang",), "4.4.5", False
    message = "More than one value has the same language tag."

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        if not _boolean(c.key):
            return ""
        pair = self._pair(c, "?this", compiler)
        return f"SELECT DISTINCT ?this{compiler.via} ?lang WHERE {{ {focus} {pair} BIND (LCASE(LANG(?a_)) AS ?lang) }}"

    def _pair(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        a, b = "?a_" if focus == "?this" else compiler.var(), compiler.var()
        return (
            f"{c.shape.values(focus, a)} {c.shape.values(focus, b)} "
            f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b})))'
        )

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        return f"EXISTS {{ {self._pair(c, focus, compiler)} }}" if _boolean(c.key) else "false"


class _PairComponent(Component):
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals: values against another property's."""

    def check(self, c: Constraint, compiler: Compiler) -> None:
        if not isinstance(c.key, ox.NamedNode):
            raise ShapesError(f"shape {c.shape.name}: {self.label} must be an IRI, not {c.key}")

    def own(self, c: Constraint, focus: str, value: str) -> str:
        return c.shape.values(focus, value) if c.shape.path else f"BIND ({focus} AS {value})"


class EqualsComponent(_PairComponent):
    name, parameters, section = "Equals", ("equals",), "4.5.1"
    message = "The values differ from those of {arg}."

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        other = f"<{c.key.value}>"
        if c.shape.path:
            mine = c.shape.path.sparql()
            return (
                f"SELECT DISTINCT ?this{compiler.via} ?value WHERE {{ "
                f"{{ {focus} ?this {mine} ?value FILTER NOT EXISTS {{ ?this {other} ?value }} }} "
                f"UNION {{ {focus} ?this {other} ?value FILTER NOT EXISTS {{ ?this {mine} ?value }} }} }}"
            )
        return (
            f"SELECT DISTINCT ?this{compiler.via} ?value WHERE {{ "
            f"{{ {focus} FILTER NOT EXISTS {{ ?this {other} ?this }} BIND (?this AS ?value) }} "
            f"UNION {{ {focus} ?this {other} ?value FILTER (!sameTerm(?value, ?this)) }} }}"
        )

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        other, v = f"<{c.key.value}>", compiler.var()
        if c.shape.path:
            mine = c.shape.path.sparql()
            return (
                f"(EXISTS {{ {focus} {mine} {v} FILTER NOT EXISTS {{ {focus} {other} {v} }} }} || "
                f"EXISTS {{ {focus} {other} {v} FILTER NOT EXISTS {{ {focus} {mine} {v} }} }})"
            )
        return (
            f"(NOT EXISTS {{ {focus} {other} {focus} }} "
            f"|| EXISTS {{ {focus} {other} {v} FILTER (!sameTerm({v}, {focus})) }})"
        )


class DisjointComponent(_PairComponent):
    name, parameters, section = "Disjoint", ("disjoint",), "4.5.2"
    message = "The value is also a value of {arg}."

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        other = f"<{c.key.value}>"
        if c.shape.path:
            path = c.shape.path.sparql()
            both = f"?this {path} ?value . ?this {other} ?value"
            return f"SELECT DISTINCT ?this{compiler.via} ?value WHERE {{ {focus} {both} }}"
        return f"SELECT ?this (?this AS ?value) WHERE {{ {focus} ?this {other} ?this }}"

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        other = f"<{c.key.value}>"
        if c.shape.path:
            v = compiler.var()
            return f"EXISTS {{ {focus} {c.shape.path.sparql()} {v} . {focus} {other} {v} }}"
        return f"EXISTS {{ {focus} {other} {focus} }}"


class _OrderComponent(_PairComponent):
    node_shapes = False
    operator = ""

    def _pattern(self, c: Constraint, focus: str, value: str, other: str) -> str:
        return (
            f"{c.shape.values(focus, value)} {focus} <{c.key.value}> {other} . "
            f"FILTER (!COALESCE({value} {self.operator} {other}, false))"
        )

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        # One result for each pair of values that fails the comparison (§4.5.3).
        other = compiler.var()
        pattern = self._pattern(c, "?this", "?value", other)
        return f"SELECT DISTINCT ?this{compiler.via} ?value {other} WHERE {{ {focus} {pattern} }}"

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        return f"EXISTS {{ {self._pattern(c, focus, compiler.var(), compiler.var())} }}"


class LessThanComponent(_OrderComponent):
    name, parameters, section, operator = "LessThan", ("lessThan",), "4.5.3", "<"
    message = "The value is not less than the value of {arg}."


class LessThanOrEqualsComponent(_OrderComponent):
    name, parameters, section, operator = "LessThanOrEquals", ("lessThanOrEquals",), "4.5.4", "<="
    message = "The value is greater than the value of {arg}."


class NotComponent(Component):
    name, parameters, section = "Not", ("not",), "4.6.1"
    message = "The value conforms to {arg}, which it must not."

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return compiler.conforms(compiler.shape_of(c.key, c), var)


class _ListLogicComponent(Component):
    def members(self, c: Constraint, compiler: Compiler) -> list[Shape]:
        return [compiler.shape_of(m, c) for m in compiler.list_of(c, self.parameters[0])]

    def check(self, c: Constraint, compiler: Compiler) -> None:
        self.members(c, compiler)


class AndComponent(_ListLogicComponent):
    name, parameters, section = "And", ("and",), "4.6.2"
    message = "The value does not conform to every shape of {arg}."

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return "!(" + " && ".join([compiler.conforms(s, var) for s in self.members(c, compiler)] or ["true"]) + ")"


class OrComponent(_ListLogicComponent):
    name, parameters, section = "Or", ("or",), "4.6.3"
    message = "The value conforms to none of the shapes of {arg}."

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return "!(" + " || ".join([compiler.conforms(s, var) for s in self.members(c, compiler)] or ["false"]) + ")"


class XoneComponent(_ListLogicComponent):
    name, parameters, section = "Xone", ("xone",), "4.6.4"
    message = "The value does not conform to exactly one of the shapes of {arg}."

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        count = " + ".join([f"IF({compiler.conforms(s, var)}, 1, 0)" for s in self.members(c, compiler)] or ["0"])
        return f"({count}) != 1"


class NodeComponent(Component):
    name, parameters, section = "Node", ("node",), "4.7.1"
    message = "The value does not conform to {arg}."

    def check(self, c: Constraint, compiler: Compiler) -> None:
        compiler.shape_of(c.key, c)

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return f"!{compiler.conforms(compiler.shape_of(c.key, c), var)}"


class PropertyComponent(Component):
    """sh:property: no results of its own; the property shape validates the value nodes (§4.7.2)."""

    name, parameters, section = "Property", ("property",), "4.7.2"

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        return ""

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        child = compiler.shape_of(c.key, c)
        if c.shape.path is None:
            return f"!{compiler.conforms(child, focus)}"
        value = compiler.var()
        return f"EXISTS {{ {c.shape.values(focus, value)} FILTER (!{compiler.conforms(child, value)}) }}"


class _QualifiedComponent(_CountComponent):
    optional = ("qualifiedValueShapesDisjoint",)

    def check(self, c: Constraint, compiler: Compiler) -> None:
        self.limit(c)
        compiler.shape_of(c.arguments["qualifiedValueShape"], c)

    def qualifies(self, c: Constraint, var: str, compiler: Compiler) -> str:
        tests = [compiler.conforms(compiler.shape_of(c.arguments["qualifiedValueShape"], c), var)]
        if _boolean(c.arguments.get("qualifiedValueShapesDisjoint")):
            for sibling in compiler.siblings(c):
                tests.append(f"!{compiler.conforms(sibling, var)}")
        return " && ".join(tests)


class QualifiedMinCountComponent(_QualifiedComponent):
    name, section = "QualifiedMinCount", "4.7.3"
    message = "Fewer than {arg} values conform to the qualified value shape."
    parameters = ("qualifiedMinCount", "qualifiedValueShape")


class QualifiedMaxCountComponent(_QualifiedComponent):
    name, section, minimum = "QualifiedMaxCount", "4.7.3", False
    message = "More than {arg} values conform to the qualified value shape."
    parameters = ("qualifiedMaxCount", "qualifiedValueShape")


class ClosedComponent(Component):
    name, parameters, optional, section = "Closed", ("closed",), ("ignoredProperties",), "4.8.1"
    message = "The predicate is not allowed by the closed shape."

    def allowed(self, c: Constraint, compiler: Compiler) -> list[str]:
        properties = [
            p.path.iri
            for node in compiler.graph.objects(c.shape.node, SH("property"))
            for p in [compiler.shape_of(node, c)]
            if isinstance(p.path, PredicatePath)
        ]
        ignored = compiler.list_of(c, "ignoredProperties") if "ignoredProperties" in c.arguments else []
        return sorted({str(t) for t in [*properties, *ignored] if isinstance(t, ox.NamedNode)})

    def _pattern(self, c: Constraint, focus: str, value: str, predicate: str, compiler: Compiler) -> str:
        allowed = self.allowed(c, compiler)
        test = f"FILTER ({predicate} NOT IN ({', '.join(allowed)}))" if allowed else ""
        if c.shape.path:
            node = compiler.var()
            return f"{c.shape.values(focus, node)} {node} {predicate} {value} . {test}"
        return f"{focus} {predicate} {value} . {test}"

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        if not _boolean(c.key):
            return ""
        pattern = self._pattern(c, "?this", "?value", "?path", compiler)
        return f"SELECT DISTINCT ?this{compiler.via} ?path ?value WHERE {{ {focus} {pattern} }}"

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        if not _boolean(c.key):
            return "false"
        return f"EXISTS {{ {self._pattern(c, focus, compiler.var(), compiler.var(), compiler)} }}"


class HasValueComponent(Component):
    name, parameters, section = "HasValue", ("hasValue",), "4.8.2"
    message = "The value {arg} is missing."

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        return f"!sameTerm({var}, {sparql_term(c.key, c.where())})"

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        if c.shape.path is None:  # the result has no sh:value (§4.8.2)
            return f"SELECT ?this WHERE {{ {focus} FILTER ({self.fails(c, '?this', compiler)}) }}"
        has = c.shape.values("?this", sparql_term(c.key, c.where()))
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {has} }} }}"

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        if c.shape.path is None:
            return self.fails(c, focus, compiler)
        return f"NOT EXISTS {{ {c.shape.values(focus, sparql_term(c.key, c.where()))} }}"


class InComponent(Component):
    name, parameters, section = "In", ("in",), "4.8.3"
    message = "The value is not one of {arg}."

    def check(self, c: Constraint, compiler: Compiler) -> None:
        compiler.list_of(c, "in")

    def fails(self, c: Constraint, var: str, compiler: Compiler) -> str:
        members = [f"sameTerm({var}, {sparql_term(m, c.where())})" for m in compiler.list_of(c, "in")]
        return f"!({' || '.join(members) or 'false'})"


# ---------------------------------------------------------------------------- SHACL-SPARQL


@dataclass(frozen=True)
class SparqlQuery:
    """A SELECT (or ASK) of the shapes graph with its prefixes, its message and its node."""

    node: Term
    text: str
    prefixes: str
    messages: tuple[ox.Literal, ...]
    ask: bool = False


class SparqlComponent(Component):
    """sh:sparql (SHACL §5): the SELECT's solutions are the violations, with $this pre-bound."""

    name, parameters, section = "SPARQL", ("sparql",), "5.2"
    message = "The SPARQL constraint {arg} found a violation."

    def check(self, c: Constraint, compiler: Compiler) -> None:
        compiler.sparql_query(c.key, c, select=True)

    def messages(self, c: Constraint, compiler: Compiler) -> tuple[ox.Literal, ...]:
        return compiler.sparql_query(c.key, c, select=True).messages

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        if _boolean(compiler.graph.value(c.key, SH("deactivated"))):
            return ""
        sparql = compiler.sparql_query(c.key, c, select=True)
        return compiler.lateral(c, focus, sparql, {})

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        raise UnsupportedError(
            f"{c.where()}: a SPARQL constraint in a shape used by sh:node, sh:not, sh:and, sh:or, sh:xone "
            "or sh:qualifiedValueShape"
        )


class SparqlBasedComponent(Component):
    """A constraint component declared in the shapes graph with SPARQL validators (SHACL §6)."""

    section = "6"

    def __init__(self, node: Term, mandatory: list[str], optional: list[str], validators: dict[str, Term]) -> None:
        self.node = node
        #: Each parameter's IRI and the variable its value is pre-bound to (the IRI's local name).
        self.variables = {iri: re.split(r"[#/]", iri)[-1] for iri in (*mandatory, *optional)}
        self.parameters = tuple(mandatory)
        self.optional = tuple(optional)
        self.validators = validators  # "validator" | "nodeValidator" | "propertyValidator" -> node
        self.many_values = len(mandatory) == 1

    @property
    def iri(self) -> ox.NamedNode:
        assert isinstance(self.node, ox.NamedNode), self.node  # a declared component is named (§6.2)
        return self.node

    @property
    def label(self) -> str:
        return f"the SPARQL-based constraint component {short(self.node)} (SHACL §6)"

    def validator(self, c: Constraint) -> Term | None:
        kind = "propertyValidator" if c.shape.path else "nodeValidator"
        return self.validators.get(kind, self.validators.get("validator"))

    def bindings(self, c: Constraint) -> dict[str, str]:
        return {self.variables[iri]: sparql_term(value, c.where()) for iri, value in c.arguments.items()}

    def check(self, c: Constraint, compiler: Compiler) -> None:
        node = self.validator(c)
        if node is not None:
            compiler.sparql_query(node, c, select=None, extra=set(self.variables.values()) | {"value"})

    def messages(self, c: Constraint, compiler: Compiler) -> tuple[ox.Literal, ...]:
        node = self.validator(c)
        return compiler.sparql_query(node, c, select=None, extra=self.variables.values()).messages if node else ()

    def query(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        node = self.validator(c)
        if node is None:
            return ""
        sparql = compiler.sparql_query(node, c, select=None, extra=set(self.variables.values()) | {"value"})
        if not sparql.ask:
            return compiler.lateral(c, focus, sparql, self.bindings(c))
        group = compiler.with_path(group_of(sparql.text), c)
        binds, _ = compiler.prebinding(group, c, self.bindings(c))
        if c.shape.path:
            values = c.shape.values("?this", "?value")
            return (
                f"{sparql.prefixes}SELECT DISTINCT ?this{compiler.via} ?value "
                f"WHERE {{ {focus} {values}{binds} FILTER NOT EXISTS {group} }}"
            )
        return (
            f"{sparql.prefixes}SELECT ?this ?value "
            f"WHERE {{ {focus} BIND (?this AS ?value){binds} FILTER NOT EXISTS {group} }}"
        )

    def violated(self, c: Constraint, focus: str, compiler: Compiler) -> str:
        raise UnsupportedError(f"{c.where()}: a SPARQL-based constraint in a shape used by another shape's constraint")


CORE: list[Component] = [
    ClassComponent(),
    DatatypeComponent(),
    NodeKindComponent(),
    MinCountComponent(),
    MaxCountComponent(),
    MinExclusiveComponent(),
    MinInclusiveComponent(),
    MaxExclusiveComponent(),
    MaxInclusiveComponent(),
    MinLengthComponent(),
    MaxLengthComponent(),
    PatternComponent(),
    LanguageInComponent(),
    UniqueLangComponent(),
    EqualsComponent(),
    DisjointComponent(),
    LessThanComponent(),
    LessThanOrEqualsComponent(),
    NotComponent(),
    AndComponent(),
    OrComponent(),
    XoneComponent(),
    NodeComponent(),
    PropertyComponent(),
    QualifiedMinCountComponent(),
    QualifiedMaxCountComponent(),
    ClosedComponent(),
    HasValueComponent(),
    InComponent(),
    SparqlComponent(),
]
#: Every parameter of a core component, and the SHACL terms a shape may carry besides.
_PARAMETERS = {p for component in CORE for p in (*component.parameters, *component.optional)}
_NOT_PARAMETERS = {
    "path", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "severity", "message",
    "deactivated", "name", "description", "order", "group", "defaultValue", "declare", "prefixes", "labelTemplate",
    "parameter", "validator", "nodeValidator", "propertyValidator", "select", "ask", "optional", "suggestedShapesGraph",
    "shapesGraph", "entailment", "namespace", "prefix", "resultAnnotation", "sourceConstraint",
}  # fmt: skip


# ------------------------------------------------------------------------------------ compiling


# A target binds the focus-node variable it is given (SHACL §2.1.3).
def _class_target(cls: str, var: str) -> str:
    return f"{var} {_INSTANCE_OF} {cls} ."


def _node_target(nodes: str, var: str) -> str:
    return f"VALUES {var} {{ {nodes} }}"


def _subjects_target(predicate: str, var: str) -> str:
    return f"{var} {predicate} [] ."


def _objects_target(predicate: str, var: str) -> str:
    return f"[] {predicate} {var} ."


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint as a SELECT of its violations: ?this, and ?value or ?path where it has them."""

    constraint: Constraint
    query: str
    messages: tuple[ox.Literal, ...]  # sh:resultMessage templates: the constraint's, else the shape's

    @property
    def shape(self) -> Shape:
        return self.constraint.shape


class Compiler:
    def __init__(self, graph: Graph, locate: Callable[[Term], str] = lambda node: "") -> None:
        self.graph = graph
        self.locate = locate  # the file a node of the shapes graph was read from, for errors
        self._counter = 0
        self._shapes: dict[Term, Shape] = {}
        self._conforming: list[Shape] = []
        self.components = self._components()
        self.uses_shapes_graph = False
        self.via = ""  # the focus pattern's route variables, for the query being compiled

    def var(self) -> str:
        self._counter += 1
        return f"?_{self._counter}"

    # ------------------------------------------------------------------ reading shapes

    def _components(self) -> list[Component]:
        declared = [
            node
            for node in self.graph.subjects(RDF_TYPE)
            if any(self._is_subclass(t, SH("ConstraintComponent")) for t in self.graph.objects(node, RDF_TYPE))
        ]
        extra: list[Component] = []
        for node in declared:
            mandatory: list[str] = []
            optional: list[str] = []
            for parameter in self.graph.objects(node, SH("parameter")):
                path = self.graph.value(parameter, SH("path"))
                if not isinstance(path, ox.NamedNode):
                    raise ShapesError(f"{short(node)}: a parameter's sh:path must be an IRI (SHACL §6.2.1)")
                target = optional if _boolean(self.graph.value(parameter, SH("optional"))) else mandatory
                target.append(path.value)
            validators = {
                kind: found
                for kind in ("validator", "nodeValidator", "propertyValidator")
                if (found := self.graph.value(node, SH(kind))) is not None
            }
            if not mandatory:
                raise ShapesError(f"{short(node)}: a constraint component needs a mandatory parameter (SHACL §6.2.1)")
            extra.append(SparqlBasedComponent(node, mandatory, optional, validators))
        return [*CORE, *extra]

    def _is_subclass(self, cls: Term, ancestor: Term, seen: frozenset[Term] = frozenset()) -> bool:
        if cls == ancestor:
            return True
        return any(
            self._is_subclass(s, ancestor, seen | {cls})
            for s in self.graph.objects(cls, RDFS("subClassOf"))
            if s not in seen
        )

    def _parameter_name(self, component: Component, name: str) -> ox.NamedNode:
        return ox.NamedNode(name) if isinstance(component, SparqlBasedComponent) else SH(name)

    def shape(self, node: Term) -> Shape:
        """The shape a node of the shapes graph stands for, read once, with its constraints; an
        error in it names the file it comes from."""
        if node in self._shapes:
            return self._shapes[node]
        try:
            return self._read_shape(node)
        except (ShapesError, UnsupportedError) as error:
            raise self.located(error, node) from None

    def located(self, error: ShapesError | UnsupportedError, node: Term) -> ShapesError | UnsupportedError:
        if getattr(error, "located", False):
            return error
        where = self.locate(node)
        located = type(error)(f"{where}: {error}" if where else str(error))
        setattr(located, "located", True)  # noqa: B010 (an error says once where it is)
        return located

    def _read_shape(self, node: Term) -> Shape:
        if isinstance(node, ox.Literal):
            raise ShapesError(f"the literal {node} is used as a shape (SHACL §2.1)")
        g = self.graph
        path_node = g.value(node, SH("path"))
        try:
            path = read_path(g, path_node) if path_node is not None else None
        except ShapesError as error:
            raise ShapesError(f"shape {describe(g, node)}: {error}") from None
        if len(g.objects(node, SH("path"))) > 1:
            raise ShapesError(f"shape {describe(g, node)}: a property shape has exactly one sh:path (SHACL §2.3)")
        shape = Shape(
            node=node,
            name=describe(g, node, path.text() if path else None),
            path=path,
            severity=g.value(node, SH("severity")) or SH("Violation"),
            messages=tuple(m for m in g.objects(node, SH("message")) if isinstance(m, ox.Literal)),
            deactivated=_boolean(g.value(node, SH("deactivated"))),
        )
        self._shapes[node] = shape
        for predicate in g.predicates(node):
            name = predicate.value.removeprefix(SH)
            if not predicate.value.startswith(SH) or name in _PARAMETERS or name in _NOT_PARAMETERS:
                continue
            if name in _SHACL_AF:
                raise UnsupportedError(
                    f"shape {shape.name}: sh:{name} is a SHACL Advanced Features term palsov does not implement"
                )
            raise ShapesError(f"shape {shape.name}: sh:{name} is not a SHACL term")
        shape.targets = self._targets(shape)
        for component in self.components:
            names = {p: self._parameter_name(component, p) for p in (*component.parameters, *component.optional)}
            values = {p: g.objects(node, iri) for p, iri in names.items()}
            if not all(values[p] for p in component.parameters):
                continue
            for p in (*component.parameters[1:], *component.optional):
                if len(values[p]) > 1 or (not component.many_values and len(values[component.parameters[0]]) > 1):
                    raise ShapesError(
                        f"shape {shape.name}: {component.label} takes one value of sh:{p.rsplit('#', 1)[-1]}"
                    )
            is_property = path is not None
            if (is_property and not component.property_shapes) or (not is_property and not component.node_shapes):
                kind = "node" if not is_property else "property"
                raise ShapesError(f"shape {shape.name}: {component.label} does not apply to {kind} shapes")
            for key in values[component.parameters[0]]:
                arguments = {component.parameters[0]: key}
                arguments.update(
                    {p: values[p][0] for p in (*component.parameters[1:], *component.optional) if values[p]}
                )
                shape.constraints.append(Constraint(shape, component, arguments))
        for constraint in shape.constraints:
            if isinstance(constraint.component, PropertyComponent):
                child = self.shape_of(constraint.key, constraint)
                if child.path is None:
                    raise ShapesError(
                        f"shape {shape.name}: the value of sh:property must be a property shape, with sh:path "
                        "(SHACL §4.7.2)"
                    )
                child.parents.append(shape)
        for constraint in shape.constraints:
            constraint.component.check(constraint, self)
        return shape

    def shape_of(self, node: Term, c: Constraint) -> Shape:
        if isinstance(node, ox.Literal):
            raise ShapesError(f"shape {c.shape.name}: {c.component.label} names a literal, {node}, as a shape")
        return self.shape(node)

    def list_of(self, c: Constraint, name: str) -> list[Term]:
        try:
            return self.graph.items(c.arguments[name])
        except ValueError as error:
            raise ShapesError(f"shape {c.shape.name}: sh:{name}: {error}") from None

    def siblings(self, c: Constraint) -> list[Shape]:
        """The other qualified value shapes of the property shapes of c's parent shapes (§4.7.3)."""
        mine = c.arguments["qualifiedValueShape"]
        found = []
        for parent in c.shape.parents:
            for other in parent.constraints:
                if isinstance(other.component, PropertyComponent):
                    for q in self.graph.objects(other.key, SH("qualifiedValueShape")):
                        if q != mine and self.shape(q) not in found:
                            found.append(self.shape(q))
        return found

    def _targets(self, shape: Shape) -> list[Callable[[str], str]]:
        g, node = self.graph, shape.node
        targets: list[Callable[[str], str]] = []
        classes = list(g.objects(node, SH("targetClass")))
        types = g.objects(node, RDF_TYPE)
        if RDFS("Class") in types or OWL("Class") in types:
            classes.append(node)  # an implicit class target (§2.1.3.3)
        for cls in classes:
            term = sparql_term(cls, f"shape {shape.name}: sh:targetClass")
            targets.append(partial(_class_target, term))
        nodes = [sparql_term(t, f"shape {shape.name}: sh:targetNode") for t in g.objects(node, SH("targetNode"))]
        if nodes:
            targets.append(partial(_node_target, " ".join(nodes)))
        for p in g.objects(node, SH("targetSubjectsOf")):
            term = sparql_term(p, f"shape {shape.name}: sh:targetSubjectsOf")
            targets.append(partial(_subjects_target, term))
        for p in g.objects(node, SH("targetObjectsOf")):
            term = sparql_term(p, f"shape {shape.name}: sh:targetObjectsOf")
            targets.append(partial(_objects_target, term))
        return targets

    # ------------------------------------------------------------------ SPARQL text

    def focus(self, shape: Shape, var: str, _path: tuple[Shape, ...] = ()) -> tuple[str, list[str]] | None:
        """A group binding `var` to each focus node of the shape, or None if it has none; and the
        variables that tell apart the ways a node is reached (through two parents' focus nodes, a
        node is validated twice, and has two results: §4.7.2)."""
        if shape in _path:
            raise UnsupportedError(
                f"shape {shape.name}: it is its own property shape, through sh:property (SHACL §3.4.3)"
            )
        branches: list[str] = []
        via: list[str] = []
        if shape.targets:
            union = " UNION ".join(f"{{ {target(var)} }}" for target in shape.targets)
            branches.append(f"SELECT DISTINCT {var} WHERE {{ {union} }}")
        for parent in shape.parents:
            if parent.deactivated:
                continue
            node = var if parent.path is None else self.var()
            inner = self.focus(parent, node, (*_path, shape))
            if inner is None:
                continue
            pattern, routes = inner
            keys = [*routes, node] if parent.path is not None else routes
            step = parent.values(node, var) if parent.path is not None else ""
            branches.append(f"SELECT DISTINCT {var} {' '.join(keys)} WHERE {{ {pattern} {step} }}")
            via += keys
        if not branches:
            return None
        return " UNION ".join(f"{{ {b} }}" for b in branches), via

    def conforms(self, shape: Shape, var: str) -> str:
        """An expression true when the node in `var` conforms to the shape."""
        if shape.deactivated:
            return "true"
        if shape in self._conforming:
            raise UnsupportedError(
                f"shape {shape.name}: a recursive shape (SHACL §3.4.3 leaves its validation undefined)"
            )
        self._conforming.append(shape)
        try:
            tests = [f"!({c.component.violated(c, var, self)})" for c in shape.constraints]
        finally:
            self._conforming.pop()
        return "(" + " && ".join(tests or ["true"]) + ")"

    def sparql_query(self, node: Term, c: Constraint, select: bool | None, extra: Iterable[str] = ()) -> SparqlQuery:
        """The SELECT (select=True) or the SELECT or ASK (select=None) of a SPARQL constraint or validator."""
        g = self.graph
        where = f"shape {c.shape.name}, {c.component.label}"
        texts = g.objects(node, SH("select"))
        asks = [] if select else g.objects(node, SH("ask"))
        if len(texts) + len(asks) != 1 or not isinstance((texts or asks)[0], ox.Literal):
            wanted = "one sh:select" if select else "one sh:select or sh:ask"
            raise ShapesError(f"{where}: {short(node)} needs {wanted} string (SHACL §5.2, §6.2.3)")
        text = (texts or asks)[0].value
        prebound = {"this", "shapesGraph", "currentShape", *extra}
        check_restrictions(text, prebound, where)
        holders, todo = [], list(g.objects(node, SH("prefixes")))
        while todo:  # the declarations of the sh:prefixes nodes and of what they owl:import (§5.2.1)
            holder = todo.pop()
            if holder not in holders:
                holders.append(holder)
                todo += g.objects(holder, OWL("imports"))
        declared = {
            prefix.value: namespace.value
            for holder in holders
            for d in g.objects(holder, SH("declare"))
            if (prefix := g.value(d, SH("prefix"))) is not None
            and (namespace := g.value(d, SH("namespace"))) is not None
        }
        prefixes = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(declared.items()))
        messages = tuple(
            m
            for source in (node, getattr(c.component, "node", None))
            if source is not None
            for m in g.objects(source, SH("message"))
            if isinstance(m, ox.Literal)
        )
        if uses_variable(text, "shapesGraph"):
            self.uses_shapes_graph = True
        return SparqlQuery(node, text, prefixes, messages, ask=bool(asks))

    def with_path(self, text: str, c: Constraint) -> str:
        """The query with $PATH replaced by the property shape's path (SHACL §6.3)."""
        path = c.shape.path
        return substitute(text, lambda name: path.sparql() if name == "PATH" and path is not None else None)

    def prebinding(self, text: str, c: Constraint, bindings: dict[str, str]) -> tuple[str, list[str]]:
        """BINDs giving the pre-bound variables the query uses their values ($currentShape,
        $shapesGraph, the parameters; $this is the focus), and their names (SHACL §5.2.1)."""
        values = {**bindings, "currentShape": None, "shapesGraph": str(SHAPES_GRAPH)}
        used = [name for name in values if uses_variable(text, name)]
        if "currentShape" in used:
            values["currentShape"] = sparql_term(c.shape.node, f"{c.where()}: $currentShape")
        return "".join(f" BIND ({values[name]} AS ?{name})" for name in used), used

    def lateral(self, c: Constraint, focus: str, sparql: SparqlQuery, bindings: dict[str, str]) -> str:
        """The SELECT evaluated once per focus node, with $this and the other pre-bound variables
        injected (LATERAL, SEP-0006: pre-binding as SHACL defines it, whatever the query's shape)."""
        head, body = prologue(self.with_path(sparql.text, c))
        binds, names = self.prebinding(body, c, bindings)
        for name in ("this", *names):
            body = with_projection(body, name)
        # A join where it gives the same solutions: LATERAL evaluates the query once per focus node
        # (one constraint, 0.3 s at 100k triples as a join, 2.5 s as LATERAL).
        join = "LATERAL " if names or not joins_like_prebinding(body) else ""
        return f"{sparql.prefixes}{head}SELECT * WHERE {{ {focus}{binds} {join}{{ {body} }} }}"

    # ------------------------------------------------------------------ the whole graph

    def shapes(self) -> list[Shape]:
        """Every shape: the typed ones, those with targets, and those that other shapes name."""
        g = self.graph
        nodes: set[Term] = set()
        for kind in ("NodeShape", "PropertyShape"):
            nodes.update(g.subjects(RDF_TYPE, SH(kind)))
        for predicate in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property"):
            nodes.update(subject_of(t) for t in g.with_predicate(SH(predicate)))
        for cls in (RDFS("Class"), OWL("Class")):
            nodes.update(
                n
                for n in g.subjects(RDF_TYPE, cls)
                if g.objects(n, SH("property")) or set(g.predicates(n)) & self._parameter_iris
            )
        return [self.shape(n) for n in sorted(nodes, key=str)]

    @cached_property
    def _parameter_iris(self) -> set[Term]:
        return {SH(p) for p in _PARAMETERS}

    def read_all(self) -> list[Shape]:
        """Every shape of the graph, those only other shapes name included."""
        self.shapes()
        return sorted(self._shapes.values(), key=lambda s: str(s.node))

    def compile(self) -> list[CompiledConstraint]:
        compiled = []
        for shape in self.read_all():
            if shape.deactivated:
                continue
            for constraint in shape.constraints:
                self._counter = 0  # each query numbers its variables from 1: the same text every run
                found = self.focus(shape, "?this")
                if found is None:
                    break
                pattern, via = found
                self.via = "".join(f" {v}" for v in via)
                try:
                    query = constraint.component.query(constraint, f"{{ {pattern} }}", self)
                except (ShapesError, UnsupportedError) as error:
                    raise self.located(error, shape.node) from None
                if query:
                    messages = (
                        constraint.component.messages(constraint, self)
                        or shape.messages
                        or (constraint.component.default_message(constraint, self),)
                    )
                    compiled.append(CompiledConstraint(constraint, query, messages))
        return compiled


__all__ = [
    "CORE",
    "CompiledConstraint",
    "Compiler",
    "Component",
    "Constraint",
    "Shape",
]
