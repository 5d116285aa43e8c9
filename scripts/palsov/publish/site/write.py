"""Writing the site: every document's folder (its page and its description in Turtle, JSON-LD and
N-Triples), the source reader, the overviews, the search index and the assets, and the build's
dumps at their IRIs (`dist/`), linked, not copied, from the build's folder.

The site is written into a folder that nobody reads yet (the build's new dist/, or a new folder
that then replaces dist/site/ in one step), so its files are written plainly, in a fixed order,
from the model alone: two runs write the same bytes.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pyoxigraph as ox

from ...rdf.files import WriteError, carry, replaced_folder
from ...rdf.graph import KnowledgeGraph, sorted_ntriples
from ...rdf.vocab import BASE, SOURCE_ARTICLE
from .. import void
from ..formats import turtle
from ..jsonld import CONTEXT_FILE, Compactor, dumps
from . import overviews
from .html import ASSETS, asset, relative, script_of
from .layout import DOWNLOADS_FOLDER, HOME, NOT_FOUND, Form, file
from .model import SiteModel, subject_iri
from .pages import reader_page, resource_page

#: The context at its own IRI (rdf.vocab.CONTEXT), the same bytes as dist/context.jsonld.
CONTEXT = PurePosixPath(CONTEXT_FILE)
SEARCH_INDEX = PurePosixPath("search.json")
DOWNLOADS = PurePosixPath("downloads.html")
ASSET_FILES = ("site.css", "site.js")


class Description:
    """A document's own description (`SiteModel.description`) in the three RDF forms the site publishes."""

    def __init__(self, model: SiteModel, context: dict) -> None:
        self.model = model
        self.compactor = Compactor(context)

    def triples(self, document: str) -> list[ox.Triple]:
        return self.model.description(document)

    def ntriples(self, triples: list[ox.Triple]) -> bytes:
        return sorted_ntriples(triples)

    def turtle(self, triples: list[ox.Triple]) -> bytes:
        return turtle(triples)

    def jsonld(self, document: str, triples: list[ox.Triple]) -> str:
        """Compacted with our context, which it references where the site publishes it (one line of JSON)."""
        by_subject: dict[str, list[ox.Triple | ox.Quad]] = {}
        for triple in triples:
            by_subject.setdefault(subject_iri(triple), []).append(triple)
        graph = [self.compactor.node(self.compactor.iri(s), by_subject[s]) for s in sorted(by_subject)]
        context = relative(file(document, Form.JSONLD).parent, CONTEXT)
        return json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False)


def render_site(
    model: SiteModel, context: dict, downloads: list[Path], *, site_url: str
) -> Iterator[tuple[PurePosixPath, bytes]]:
    """Every page and asset of the site, as (path in the site, bytes), in a fixed order; `downloads` are
    the files the downloads page lists, and `site_url` the URL of the site's root, which the 404
    page links from (it is served at any path)."""
    # The model lives until the last page: frozen, the collector does not rescan its hundreds of
    # thousands of objects for every page (a fifth of the time at 50k triples).
    gc.freeze()
    try:
        yield from _render_site(model, context, downloads, site_url)
    finally:
        gc.unfreeze()


def _render_site(
    model: SiteModel, context: dict, downloads: list[Path], site_url: str
) -> Iterator[tuple[PurePosixPath, bytes]]:
    description = Description(model, context)
    for document in model.documents:
        html_path = file(document, Form.HTML)
        triples = description.triples(document)
        jsonld_text = description.jsonld(document, triples)
        yield file(document, Form.NTRIPLES), description.ntriples(triples)
        yield file(document, Form.TURTLE), description.turtle(triples)
        yield file(document, Form.JSONLD), (jsonld_text + "\n").encode()
        embedded = script_of(jsonld_text)
        if document == SOURCE_ARTICLE.value:
            yield html_path, reader_page(model, embedded)
        elif document != BASE:
            yield html_path, resource_page(model, document, embedded)
    yield HOME, overviews.home(model)
    yield NOT_FOUND, overviews.not_found(site_url)
    for name, render in (
        ("timeline.html", overviews.timeline),
        ("stances.html", overviews.stances),
        ("network.html", overviews.network),
        ("claims.html", overviews.hedged_claims),
        ("inferences.html", overviews.inferences),
        ("licence.html", overviews.licence),
        ("search.html", overviews.search),
    ):
        yield PurePosixPath(name), render(model)
    yield DOWNLOADS, overviews.downloads(downloads)
    index = json.dumps(overviews.search_index(model), ensure_ascii=False, sort_keys=True) + "\n"
    yield SEARCH_INDEX, index.encode()
    yield CONTEXT, dumps({"@context": context})
    for name in ASSET_FILES:
        yield ASSETS / name, asset(name)


def write_site(model: SiteModel, context: dict, out: Path, dist: Path | None, *, site_url: str) -> list[Path]:
    """Write the whole site into the empty folder `out` (see `render_site`), with the downloads of
    the build in `dist` (`void.downloads`; none without a build) at their IRIs: hard links where
    the file system allows, so that they cost no disk."""
    published = void.downloads(dist) if dist is not None and dist.is_dir() else []
    written: list[Path] = []
    made: set[Path] = set()
    for path, content in render_site(model, context, published, site_url=site_url):
        target = out / path
        try:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(content)
        except OSError as error:
            raise WriteError(target, error.strerror or str(error)) from None
        written.append(target)
    return [*written, *publish_downloads(published, out)]


def publish_downloads(published: list[Path], out: Path) -> list[Path]:
    """The build's downloads at their IRIs in the site `out` (its dist/ folder, made here): hard
    links where the file system allows, so that they cost no disk."""
    if published:
        (out / DOWNLOADS_FOLDER).mkdir(parents=True, exist_ok=True)
    written = []
    for download in published:
        target = out / DOWNLOADS_FOLDER / download.name
        try:
            carry(download, target)
        except OSError as error:
            raise WriteError(target, error.strerror or str(error)) from None
        written.append(target)
    return written


def write_into(target: Path, kg: KnowledgeGraph, context: dict, dist: Path | None, *, site_url: str) -> list[Path]:
    """Write the site of `kg` into a new folder that then replaces `target` in one step (`palsov site`)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # dist/ before any build
    except OSError as error:
        raise WriteError(target.parent, error.strerror or str(error)) from None
    with replaced_folder(target) as staging:
        written = write_site(SiteModel.of(kg), context, staging, dist, site_url=site_url)
    return [target / path.relative_to(staging) for path in written]
