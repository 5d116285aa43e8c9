"""Where the site puts each IRI: the contract between the site's writer, `palsov serve` and the
w3id.org redirect rules.

An IRI `https://w3id.org/palsov/<path>` without a fragment is published in the folder `<path>/`
of the site, as `index.html` (its page) and `index.ttl`, `index.jsonld`, `index.nt` (its own
description). A hash IRI (`…/ontology#Event`, `…/shapes#EventShape`) belongs to its document, the
IRI before the `#`. The base IRI itself is the home page, `index.html` at the top; a request for
anything else is answered by `404.html`. The build's dumps are files at their own IRIs
(`https://w3id.org/palsov/dist/palsov.ttl` is `dist/palsov.ttl`: `DOWNLOADS_FOLDER`).
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import unquote

from palsov.rdf.vocab import BASE, DOWNLOADS

HOME = PurePosixPath("index.html")
NOT_FOUND = PurePosixPath("404.html")


class Form(Enum):
    """One of a resource's four published forms: its media type and its file in the folder."""

    HTML = ("text/html", "index.html")
    TURTLE = ("text/turtle", "index.ttl")
    JSONLD = ("application/ld+json", "index.jsonld")
    NTRIPLES = ("application/n-triples", "index.nt")

    def __init__(self, media_type: str, file_name: str) -> None:
        self.media_type = media_type
        self.file_name = file_name

    @classmethod
    def of_media_type(cls, media_type: str) -> Form | None:
        """The form published for `media_type` (parameters and case ignored), or None."""
        wanted = media_type.split(";", 1)[0].strip().lower()
        return next((form for form in cls if form.media_type == wanted), None)


#: The RDF forms, in the order a page links them.
RDF_FORMS = (Form.TURTLE, Form.JSONLD, Form.NTRIPLES)


def document_iri(iri: str) -> str:
    """The IRI without its fragment: the document a hash IRI belongs to."""
    return iri.split("#", 1)[0]


@cache
def is_published(iri: str) -> bool:
    """Whether `iri` is under our base, and so has a folder in the site."""
    try:
        _segments(iri)
    except ValueError:
        return False
    return True


@cache
def folder(iri: str) -> PurePosixPath:
    """The folder of `iri`'s document, relative to the site's root (`.` for the base itself).

    Raises ValueError for an IRI outside our base, or one whose path is not a plain folder path
    (an empty, `.` or `..` segment, a percent-encoded slash, a query).
    """
    segments = _segments(iri)
    return PurePosixPath(*segments) if segments else PurePosixPath(".")


def _segments(iri: str) -> list[str]:
    """The segments of the folder of `iri`'s document (none for the base), or a ValueError."""
    document = document_iri(iri)
    if not document.startswith(BASE):
        raise ValueError(f"{iri} is not under {BASE}")
    path = document[len(BASE) :].rstrip("/")
    if not path:
        return []
    segments = path.split("/")
    if "?" in path or any(segment in ("", ".", "..") or "/" in unquote(segment) for segment in segments):
        raise ValueError(f"{iri} has no folder in the site: its path is not a plain folder path")
    return segments


@cache
def file(iri: str, form: Form) -> PurePosixPath:
    """The file holding `iri`'s document in `form`, relative to the site's root."""
    return folder(iri) / form.file_name


def iri_of_folder(path: str) -> str:
    """The IRI a site folder (a request path such as `/id/actor/soviet-union/`) publishes."""
    relative = path.strip("/")
    return BASE + relative if relative else str(BASE)


#: The folder of the build's dumps in the site, at their IRIs in rdf.vocab.DOWNLOADS (`dist`).
DOWNLOADS_FOLDER = folder(DOWNLOADS)
