"""The ontology's documentation: its page, rendered by pyLODE from the ontology alone, and the page
of the SKOS vocabularies its properties take their values from, rendered here.

pyLODE is given one ontology: the triples about the ontology's IRI and its terms (`palsov:…`), not
the concept schemes beside them, nor the modules' own headers, and not the header's short
`rdfs:label`, which pyLODE would make a second title. So the page has one H1, the ontology's IRI,
its title as `<title>` and its licence once.

The vocabularies are a page of their own, `vocabularies.html`, which the ontology page links to:
pyLODE's SKOS profile (VocPub, 3.3) lists no concepts at all, and what the history hangs on is
in the concepts' own properties (an event type's CAMEO root code, quad class and PLOVER category, a
polarity's score), which a page of ours shows as the columns of each scheme's table.

Both pages are byte-identical from run to run and whatever PYTHONHASHSEED: pyLODE is given the
triples sorted, and every list here is sorted.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..rdf.files import write_atomically
from ..rdf.graph import KnowledgeGraph
from ..rdf.terms import Subject, Term, nodes, short, to_rdflib
from ..rdf.vocab import DCTERMS, OA, ONTOLOGY, RDF_TYPE, RDFS, RDFS_LABEL, SKOS, SKOS_PREF_LABEL

#: What the pages are made by, beside their sources: a new version of any makes them again.
LIBRARIES = ("pylode", "rdflib", "dominate")
ONTOLOGY_PAGE = "ontology.html"
VOCABULARIES_PAGE = "vocabularies.html"

_SCHEME = SKOS("ConceptScheme")
_CONCEPT = SKOS("Concept")
_IN_SCHEME = SKOS("inScheme")
_DEFINITION = SKOS("definition")
#: What every concept has, shown in the fixed columns (or implied by the section it is in).
_SHOWN_APART = {RDF_TYPE, _IN_SCHEME, SKOS("topConceptOf"), SKOS_PREF_LABEL, _DEFINITION}
#: Headings for the SKOS properties a concept may carry (the ontology labels its own).
_SKOS_HEADINGS = {
    "altLabel": "also called",
    "hiddenLabel": "also found as",
    "broader": "broader",
    "narrower": "narrower",
    "related": "related",
    "exactMatch": "exact match",
    "closeMatch": "close match",
    "broadMatch": "broad match",
    "narrowMatch": "narrow match",
    "relatedMatch": "related match",
    "notation": "notation",
    "scopeNote": "scope note",
    "example": "example",
}
_STYLE = """
body { font-family: sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
body { line-height: 1.45; }
code { font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 2rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.number { text-align: right; }
a { color: #1f4e8c; }
"""


def _ontpub() -> Any:
    """pyLODE's page maker. pyLODE configures the root logger when it is imported (basicConfig at
    DEBUG): the process's logging is put back as it was, so that a build prints only its own lines
    and an application that imports palsov keeps its own logging."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    try:
        from pylode import OntPub  # imported late: slow to import, and only this stage needs it
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub


def render(kg: KnowledgeGraph, out: Path) -> list[Path]:
    """The ontology page at `out` and the vocabularies page beside it."""
    vocabularies = out.parent / VOCABULARIES_PAGE
    write_atomically(out, ontology_html(kg.ontology_triples))
    write_atomically(vocabularies, vocabularies_html(kg.ontology_triples))
    return [out, vocabularies]


def ontology_document(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The ontology alone, sorted: what is said of its IRI and of its terms (`…/ontology#…`)."""
    document = [
        triple
        for triple in triples
        if isinstance(triple.subject, ox.NamedNode)
        and triple.subject.value.split("#", 1)[0] == ONTOLOGY.value
        and not (triple.subject == ONTOLOGY and triple.predicate == RDFS_LABEL)
    ]
    return sorted(set(document), key=str)


Statement = tuple[Subject, ox.NamedNode, Term]


def _statements(triples: list[ox.Triple]) -> list[Statement]:
    return sorted((nodes(triple) for triple in set(triples)), key=str)


def ontology_html(triples: list[ox.Triple]) -> str:
    document = ontology_document(triples)
    page: str = _ontpub()(ontology=to_rdflib(document)).make_html()
    return _completed(page, _statements(document), _statements(triples))


#: How an own term is aligned to the vocabularies it reuses, in the order the table gives them.
_ALIGNMENTS = (
    (RDFS("subClassOf"), "subclass of"),
    (RDFS("subPropertyOf"), "subproperty of"),
    (SKOS("exactMatch"), "exact match"),
    (SKOS("closeMatch"), "close match"),
    (SKOS("broader"), "narrower than"),
    (SKOS("broadMatch"), "narrower than"),
    (SKOS("relatedMatch"), "related to"),
)


def _completed(page: str, document: list[Statement], triples: list[Statement]) -> str:
    """pyLODE's page with what pyLODE leaves out: the vocabularies (linked from the metadata, each
    to its section of the vocabularies page), the ontology's individuals (its annotation
    motivation; pyLODE lists classes and properties only) and every own term's alignment to the
    vocabularies it reuses (pyLODE shows subclasses and subproperties, not SKOS mappings); each
    listed in the table of contents."""
    from dominate.tags import a, code, dd, div, dt, h2, h3, h4, li, p, strong, table, tbody, td, th, thead, tr

    labels = _literals(document, RDFS_LABEL)
    definitions = _literals(document, _DEFINITION)
    vocabularies = div(dt(strong("Vocabularies")))
    vocabularies.add(
        dd(*(div(a(label, href=f"{VOCABULARIES_PAGE}#{_anchor(iri)}")) for label, iri in _schemes(triples)))
    )
    motivations = sorted({s for s, p, o in document if p == RDF_TYPE and o == OA("Motivation")}, key=str)
    individuals = div(h2("Annotation motivations"), id="motivations", _class="section")
    for motivation in motivations:
        entity = div(h3(labels.get(motivation, short(motivation))), _class="property entity", id=_fragment(motivation))
        rows = tbody(tr(th("IRI"), td(code(motivation.value))))
        rows.add(tr(th("Description"), td(definitions.get(motivation, ""))))
        broader = sorted(short(o) for s, p, o in document if s == motivation and p == SKOS("broader"))
        rows.add(tr(th("Narrower than"), td(", ".join(broader))))
        entity.add(table(rows))
        individuals.add(entity)
    own = {s for s, p, _ in document if p == RDFS("isDefinedBy")}
    alignment = tbody()
    for predicate, relation in _ALIGNMENTS:
        for term, _, aligned in (statement for statement in document if statement[1] == predicate):
            if term in own:
                target = a(short(aligned), href=aligned.value) if isinstance(aligned, ox.NamedNode) else str(aligned)
                alignment.add(tr(td(code(short(term))), td(relation), td(target)))
    alignments = div(
        h2("Alignments"),
        p("How each of the ontology's own terms relates to the vocabularies it reuses."),
        table(thead(tr(th("term"), th("relation"), th("term reused"))), alignment),
        id="alignments",
        _class="section",
    )
    contents = [("motivations", "Annotation motivations"), ("alignments", "Alignments")]
    toc = "".join(li(h4(a(title, href=f"#{anchor}"))).render() for anchor, title in contents)
    page = _insert(page, "</dl>", vocabularies.render(), after='id="metadata"')
    page = _insert(page, '<div id="namespaces">', individuals.render() + alignments.render())
    return _insert(page, '<li>\n          <h4>\n            <a href="#namespaces">', toc)


def _insert(page: str, before: str, html: str, after: str = "") -> str:
    """`html` put into pyLODE's page just before the first `before` (that follows `after`)."""
    start = page.find(after) if after else 0
    at = page.find(before, start) if start >= 0 else -1
    if at < 0:
        raise RuntimeError(f"pyLODE's page has no {before!r} to put the vocabularies and alignments before")
    return page[:at] + html + "\n" + page[at:]


def _fragment(iri: Subject) -> str:
    return iri.value.rsplit("#", 1)[-1]


def _anchor(iri: ox.NamedNode) -> str:
    return iri.value.rstrip("/").rsplit("/", 1)[1]


def _schemes(triples: list[Statement]) -> list[tuple[str, ox.NamedNode]]:
    """Each concept scheme with its label, in the order of their labels."""
    labels = _literals(triples, SKOS_PREF_LABEL)
    schemes = {s for s, p, o in triples if p == RDF_TYPE and o == _SCHEME}
    found = [(labels.get(s, short(s)), s) for s in schemes if isinstance(s, ox.NamedNode)]
    return sorted(found, key=lambda item: (item[0].casefold(), item[1].value))


def _literals(triples: list[Statement], predicate: ox.NamedNode) -> dict[Term, str]:
    """The (English, else any) literal each subject has for `predicate` (the statements are sorted)."""
    found: dict[Term, str] = {}
    for subject, p, obj in triples:
        if p == predicate and isinstance(obj, ox.Literal) and (subject not in found or obj.language == "en"):
            found[subject] = obj.value
    return found


def vocabularies_html(ontology: list[ox.Triple]) -> str:
    """The SKOS vocabularies: for each scheme its IRI and definition, and a table of its concepts
    with their labels, definitions and every other property they carry, each its own column."""
    from dominate import document
    from dominate.tags import a, code, h1, h2, li, meta, p, section, style, table, tbody, td, th, thead, tr, ul

    triples = _statements(ontology)
    labels = {**_literals(triples, RDFS_LABEL), **_literals(triples, SKOS_PREF_LABEL)}
    definitions = _literals(triples, _DEFINITION)
    about: dict[Term, dict[ox.NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in triples:
        about[subject][predicate].append(obj)
    schemes = _schemes(triples)
    licences = sorted({str(v) for _, s in schemes for v in about[s].get(DCTERMS("license"), [])})

    def value(term: Term) -> Any:
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.NamedNode):
            return a(labels.get(term, short(term)), href=term.value, title=short(term))
        return str(term)

    page = document(title="palsov vocabularies", lang="en")
    with page.head:
        meta(charset="utf-8")
        meta(name="viewport", content="width=device-width, initial-scale=1")
        style(_STYLE)
    with page:
        h1("palsov vocabularies")
        p(
            "The SKOS concept schemes whose concepts the ",
            a("palsov ontology", href=ONTOLOGY_PAGE),
            "'s properties take as values: what a stance is about and how it is held, what kind of event "
            "happened and who took part in it in which role, how sure the source is, and how a date bounds "
            "a time span. Each concept's IRI opens its page.",
        )
        if licences:
            p("Licence: ", *(a(licence.strip("<>"), href=licence.strip("<>")) for licence in licences))
        with ul():
            for label, scheme in schemes:
                concepts = _concepts(about, scheme, labels)
                li(a(label, href=f"#{_anchor(scheme)}"), f" ({len(concepts)} concepts)")
        for label, scheme in schemes:
            concepts = _concepts(about, scheme, labels)
            columns = sorted(
                {prop for concept in concepts for prop in about[concept] if prop not in _SHOWN_APART},
                key=lambda prop: (_heading(prop, labels).casefold(), prop.value),
            )
            with section(id=_anchor(scheme)):
                h2(label)
                p("IRI: ", code(scheme.value))
                if scheme in definitions:
                    p(definitions[scheme])
                with table():
                    thead(tr(th("concept"), th("definition"), *(th(_heading(c, labels)) for c in columns)))
                    with tbody():
                        for concept in concepts:
                            row = tr(id=f"{_anchor(scheme)}-{_anchor(concept)}")
                            row.add(td(value(concept), " ", code(short(concept))))
                            row.add(td(definitions.get(concept, "")))
                            for column in columns:
                                values = sorted(about[concept].get(column, []), key=str)
                                numeric = all(isinstance(v, ox.Literal) and _is_number(v) for v in values)
                                cell = td(_class="number") if values and numeric else td()
                                for n, v in enumerate(values):
                                    cell.add(", " if n else "", value(v))
                                row.add(cell)
    return page.render()


def _concepts(
    about: dict[Term, dict[ox.NamedNode, list[Term]]], scheme: ox.NamedNode, labels: dict[Term, str]
) -> list[ox.NamedNode]:
    """The scheme's concepts by label (case ignored, whatever the locale), then IRI."""
    found = [s for s, props in about.items() if scheme in props.get(_IN_SCHEME, []) and _CONCEPT in props[RDF_TYPE]]
    named = [s for s in found if isinstance(s, ox.NamedNode)]
    return sorted(named, key=lambda s: (labels.get(s, s.value).casefold(), s.value))


def _heading(prop: ox.NamedNode, labels: dict[Term, str]) -> str:
    if prop.value.startswith(SKOS):
        return _SKOS_HEADINGS.get(prop.value[len(SKOS) :], short(prop))
    return labels.get(prop, short(prop))


def _is_number(literal: ox.Literal) -> bool:
    return literal.datatype.value.rsplit("#", 1)[-1] in ("integer", "decimal", "double", "float")
