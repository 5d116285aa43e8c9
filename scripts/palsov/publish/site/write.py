"""Writing the site: every document's folder (its page and its description in Turtle, JSON-LD and
N-Triples), the source reader, the overviews, the search index and the assets.

The site is written into a folder that nobody reads yet (the build's new dist/, or a new folder
that then replaces dist/site/ in one step), so its files are written plainly, in a fixed order,
from the model alone: two runs write the same bytes.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path, PurePosixPath

import pyoxigraph as ox

from ...rdf.files import WriteError, replaced_folder
from ...rdf.graph import KnowledgeGraph, sorted_ntriples
from ...rdf.vocab import BASE, SOURCE_ARTICLE
from ..formats import _turtle_of
from ..jsonld import CONTEXT_VERSION, Compactor, dumps
from . import overviews
from .html import ASSETS, relative
from .layout import HOME, NOT_FOUND, Form, file
from .model import SiteModel, subject_iri
from .pages import reader_page, resource_page

CONTEXT = ASSETS / f"palsov-context-{CONTEXT_VERSION}.jsonld"
SEARCH_INDEX = PurePosixPath("search.json")
_ASSET_FILES = ("site.css", "site.js")


class Description:
    """A document's own description in the three RDF forms the site publishes."""

    def __init__(self, model: SiteModel, context: dict) -> None:
        self.model = model
        self.compactor = Compactor(context)

    def triples(self, document: str) -> list[ox.Triple]:
        return self.model.description(document)

    def ntriples(self, document: str) -> bytes:
        return sorted_ntriples(self.triples(document))

    def turtle(self, document: str) -> bytes:
        return _turtle_of(self.ntriples(document))

    def jsonld(self, document: str, context_reference: str | dict) -> dict:
        by_subject: dict[str, list[ox.Triple | ox.Quad]] = {}
        for triple in self.triples(document):
            by_subject.setdefault(subject_iri(triple), []).append(triple)
        graph = [self.compactor.node(self.compactor.iri(s), by_subject[s]) for s in sorted(by_subject)]
        return {"@context": context_reference, "@graph": graph}


def write_site(model: SiteModel, context: dict, out: Path, dist: Path | None = None) -> list[Path]:
    """Write the whole site into the empty folder `out`; `dist` is the folder of the dumps it lists."""
    written: list[Path] = []

    def put(path: PurePosixPath, content: bytes) -> None:
        target = out / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        except OSError as error:
            raise WriteError(target, error.strerror or str(error)) from None
        written.append(target)

    description = Description(model, context)
    for document in model.documents:
        html_path = file(document, Form.HTML)
        here = html_path.parent
        document_jsonld = description.jsonld(document, relative(here, CONTEXT))
        put(file(document, Form.NTRIPLES), description.ntriples(document))
        put(file(document, Form.TURTLE), description.turtle(document))
        put(file(document, Form.JSONLD), dumps(document_jsonld))
        embedded = _embedded(document_jsonld)
        if document == SOURCE_ARTICLE.value:
            put(html_path, reader_page(model, embedded))
        elif document != BASE:
            put(html_path, resource_page(model, document, embedded))
    put(HOME, overviews.home(model))
    put(NOT_FOUND, overviews.not_found())
    for name, render in (
        ("timeline.html", overviews.timeline),
        ("stances.html", overviews.stances),
        ("network.html", overviews.network),
        ("claims.html", overviews.hedged_claims),
        ("inferences.html", overviews.inferences),
        ("licence.html", overviews.licence),
        ("search.html", overviews.search),
    ):
        put(PurePosixPath(name), render(model))
    put(PurePosixPath("downloads.html"), overviews.downloads(dist))
    put(SEARCH_INDEX, (json.dumps(overviews.search_index(model), ensure_ascii=False, sort_keys=True) + "\n").encode())
    put(CONTEXT, dumps({"@context": context}))
    for name in _ASSET_FILES:
        put(ASSETS / name, files(__package__).joinpath("assets", name).read_bytes())
    return written


def write_into(target: Path, kg: KnowledgeGraph, context: dict, dist: Path | None) -> list[Path]:
    """Write the site of `kg` into a new folder that then replaces `target` in one step (`palsov site`)."""
    with replaced_folder(target) as staging:
        written = write_site(SiteModel.of(kg), context, staging, dist)
    return [target / path.relative_to(staging) for path in written]


def _embedded(document: dict) -> str:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'
