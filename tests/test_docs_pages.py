"""The ontology's page (pyLODE) documents one ontology, and the vocabularies' page every scheme and
concept with what each carries (CAMEO codes, scores); both are byte-identical whatever the hash seed."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from palsov.project import Project
from palsov.publish.ontology_page import ONTOLOGY_PAGE, VOCABULARIES_PAGE, render
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import CC_BY_SA, ONTOLOGY, PREFIXES

from .conftest import ROOT, run_palsov


class Page(HTMLParser):
    """What a test reads of a page: elements by tag with their attributes and text, and links."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.script = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, {k: v or "" for k, v in attrs}, [])
        self.elements.append(element)
        if tag not in ("meta", "link", "br", "img", "input"):
            self.open.append(element)
        self.script += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            element = self.open.pop()
            if element[0] == tag:
                break
        self.script -= tag == "script"

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element[2].append(data)

    def all(self, tag: str) -> list[tuple[dict[str, str], str]]:
        return [(attrs, " ".join("".join(text).split())) for name, attrs, text in self.elements if name == tag]

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs, _ in self.elements if "id" in attrs}


@pytest.fixture(scope="module")
def pages(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("docs")
    render(kg, folder / ONTOLOGY_PAGE)
    return {name: (folder / name).read_text(encoding="utf-8") for name in (ONTOLOGY_PAGE, VOCABULARIES_PAGE)}


def rows(kg: KnowledgeGraph, query: str) -> list[dict[str, str]]:
    solutions = kg.store.query(query, prefixes=PREFIXES)
    names = [variable.value for variable in solutions.variables]
    return [
        {name: term.value for name, term in zip(names, solution, strict=True) if term is not None}
        for solution in solutions
    ]


def test_the_ontology_page_documents_one_ontology_with_its_own_header(kg: KnowledgeGraph, pages: dict) -> None:
    page = Page(pages[ONTOLOGY_PAGE])
    (title,) = rows(kg, "SELECT ?t { <https://w3id.org/palsov/ontology> dcterms:title ?t }")
    assert [text for _, text in page.all("h1")] == [title["t"]]
    assert [text for _, text in page.all("title")] == [title["t"]]
    metadata_iris = [text for _, text in page.all("code")][:1]
    assert metadata_iris == ["https://w3id.org/palsov/ontology"]
    licence_links = [attrs for attrs, _ in page.all("a") if attrs.get("href") == CC_BY_SA.value]
    assert len(licence_links) == 1
    for scheme in rows(kg, "SELECT ?label { ?s a skos:ConceptScheme ; skos:prefLabel ?label }"):
        assert scheme["label"] not in [text for _, text in page.all("h1") + page.all("h2") + page.all("title")]


def test_the_ontology_page_documents_every_term_of_the_ontology(kg: KnowledgeGraph, pages: dict) -> None:
    own = f"SELECT DISTINCT ?term ?label {{ ?term rdfs:isDefinedBy {ONTOLOGY} ; rdfs:label ?label }}"
    terms = rows(kg, own)
    assert len(terms) > 25
    page = Page(pages[ONTOLOGY_PAGE])
    shown = {text for _, text in page.all("code")}
    headings = {text for _, text in page.all("h3")}
    for term in terms:
        assert term["term"] in shown, term["term"]  # pyLODE shows each term's IRI under its heading
        assert any(heading.startswith(term["label"]) for heading in headings), term["label"]


def test_the_ontology_page_links_each_vocabulary_to_its_section(kg: KnowledgeGraph, pages: dict) -> None:
    schemes = rows(kg, "SELECT ?s ?label { ?s a skos:ConceptScheme ; skos:prefLabel ?label }")
    links = {
        text: attrs["href"] for attrs, text in Page(pages[ONTOLOGY_PAGE]).all("a") if VOCABULARIES_PAGE in attrs["href"]
    }
    assert set(links) == {scheme["label"] for scheme in schemes} and len(schemes) == 8
    sections = Page(pages[VOCABULARIES_PAGE]).ids()
    assert {href.split("#", 1)[1] for href in links.values()} <= sections


def test_the_vocabularies_page_lists_every_concept_with_its_definition(kg: KnowledgeGraph, pages: dict) -> None:
    page = Page(pages[VOCABULARIES_PAGE])
    assert len(page.all("h1")) == 1 and page.all("html")[0][0]["lang"] == "en"
    assert [text for _, text in page.all("title")] == ["palsov vocabularies"]
    cells = {text for _, text in page.all("td")}
    concepts = rows(kg, "SELECT ?c ?definition { ?c a skos:Concept OPTIONAL { ?c skos:definition ?definition } }")
    assert len(concepts) == 104
    for concept in concepts:
        assert concept.get("definition") in cells, concept["c"]
    links = {attrs["href"] for attrs, _ in page.all("a")}
    assert {concept["c"] for concept in concepts} <= links  # each concept's IRI opens its page


def test_each_event_type_shows_its_cameo_code_and_each_polarity_its_score(kg: KnowledgeGraph, pages: dict) -> None:
    page = Page(pages[VOCABULARIES_PAGE])
    by_row = {attrs["id"]: text for attrs, text in page.all("tr") if "id" in attrs}
    coded = rows(
        kg, "SELECT ?c ?code ?plover { ?c palsov:cameoRootCode ?code OPTIONAL { ?c palsov:ploverCategory ?plover } }"
    )
    assert len(coded) == 22
    for row in coded:
        text = by_row["event-type-" + row["c"].rsplit("/", 1)[1]]
        assert f" {row['code']} " in f" {text} " and row.get("plover", "") in text, row
    for row in rows(kg, "SELECT ?c ?score { ?c palsov:polarityScore ?score }"):
        assert f" {float(row['score']):g}" in by_row["polarity-" + row["c"].rsplit("/", 1)[1]].replace(".0 ", " ") + " "


def test_the_pages_are_byte_identical_across_runs_and_hash_seeds(project: Project, tmp_path: Path) -> None:
    """Two processes with different PYTHONHASHSEED: rdflib's and pyLODE's sets iterate in another
    order in each, and the page must not follow it."""
    written = []
    for seed in ("1", "2"):
        out = tmp_path / seed / ONTOLOGY_PAGE
        result = run_palsov("docs", "--out", str(out), cwd=ROOT, PYTHONHASHSEED=seed)
        assert result.returncode == 0, result.stderr
        written.append({name: (out.parent / name).read_bytes() for name in (ONTOLOGY_PAGE, VOCABULARIES_PAGE)})
    assert written[0] == written[1]


def test_the_ontology_page_gives_every_alignment_of_the_own_terms(kg: KnowledgeGraph, pages: dict) -> None:
    """pyLODE shows no SKOS mapping: the page's table of alignments gives every one, and the
    subclass and subproperty axioms."""
    query = """SELECT ?term ?p ?target {
      VALUES ?p { rdfs:subClassOf rdfs:subPropertyOf skos:exactMatch skos:closeMatch skos:broader skos:broadMatch
                  skos:relatedMatch }
      ?term rdfs:isDefinedBy <https://w3id.org/palsov/ontology> ; ?p ?target .
    }"""
    found = rows(kg, query)
    expected = {(row["term"], row["target"]) for row in found}
    assert len(found) > 30
    page = Page(pages[ONTOLOGY_PAGE])
    table = pages[ONTOLOGY_PAGE][pages[ONTOLOGY_PAGE].index('id="alignments"') :]
    shown = Page(table[: table.index("</table>")])
    terms = [text for _, text in shown.all("code")]
    targets = [attrs["href"] for attrs, _ in shown.all("a")]
    prefixed = {f"palsov:{term.removeprefix('https://w3id.org/palsov/ontology#')}" for term, _ in expected}
    assert set(terms) == prefixed and len(terms) == len(targets) == len(found)
    assert {
        (f"https://w3id.org/palsov/ontology#{t.split(':', 1)[1]}", href) for t, href in zip(terms, targets, strict=True)
    } == expected
    assert "alignments" in page.ids()
