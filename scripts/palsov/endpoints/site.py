"""The site beside the SPARQL endpoint: every IRI of the graph answers by content negotiation.

`GET /id/actor/soviet-union` is the IRI `https://w3id.org/palsov/id/actor/soviet-union` asked of
this server. It answers 303 See Other to the form the Accept header prefers, each a file of the
site's folder for the IRI (`/id/actor/soviet-union/` for HTML, `…/index.ttl`, `…/index.jsonld`,
`…/index.nt`: see `publish.negotiation` for why 303 and not 200), with `Vary: Accept` and a `Link`
header naming every form; 406 when the client accepts none of them; 404 with the site's own page
for an IRI the graph does not have. Files are served as they are, with their media type, never
from outside the site's folder: among them the build's downloads at their IRIs (`/dist/palsov.ttl`).
"""

from __future__ import annotations

import mimetypes
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ..publish.negotiation import FORMS, LABELS, choose, document_url, link_header
from ..publish.site import layout
from ..publish.site.layout import Form
from ..publish.void import MANIFEST
from ..rdf.io import READABLE, rdf_format
from .serve import Answer, Request

_MEDIA_TYPES = {
    "css": "text/css",
    "js": "text/javascript",
    "json": "application/json",
    "svg": "image/svg+xml",
    "png": "image/png",
    "txt": "text/plain",
    "map": "application/json",
}
_BY_NAME = {MANIFEST: "text/plain"}  # the checksums of the downloads, for `sha256sum -c`
_TEXT = (
    "text/",
    "application/ld+json",
    "application/json",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "image/svg+xml",
)


def media_type(path: Path) -> str:
    """A file's media type: an RDF file's by its format (`rdf.io`), others by name or extension."""
    if path.suffix.lower() in READABLE:
        found: str | None = rdf_format(path).media_type
    else:
        extension = path.suffix.lstrip(".").lower()
        found = _BY_NAME.get(path.name) or _MEDIA_TYPES.get(extension) or mimetypes.guess_type(path.name)[0]
    found = found or "application/octet-stream"
    return f"{found}; charset=utf-8" if found.startswith(_TEXT) else found


@dataclass(frozen=True)
class SiteRoute:
    """Answers every path that is not the SPARQL endpoint's from the site's folder."""

    root: Path

    def __call__(self, request: Request) -> Answer:
        if request.method not in ("GET", "HEAD"):
            return Answer.text(405, "the site is read-only: GET or HEAD")
        relative = self._relative(request.path)
        if relative is None:
            return self.not_found()
        target = self.root / relative
        if target.is_dir() and (target / Form.HTML.file_name).is_file():
            folder = "/" if relative == "." else f"/{relative}/"
            return self._negotiate(target, folder, request)
        if target.is_file() and not request.path.endswith("/"):
            return self._file(target, request.path)
        return self.not_found()

    def _relative(self, url_path: str) -> str | None:
        """The request's folder or file in the site (the layout's mapping of the IRI it names), or
        None for one that is not there or could lead out of it."""
        path = urllib.parse.unquote(url_path)
        if not path.startswith("/") or "\0" in path or "\\" in path:
            return None
        if any(part.startswith(".") for part in path.split("/")):
            return None  # no way up, and no hidden files (.htaccess and the like)
        try:
            relative = layout.folder(layout.iri_of_folder(path)).as_posix()
        except ValueError:
            return None
        resolved = (self.root / relative).resolve()
        root = self.root.resolve()
        if resolved != root and not resolved.is_relative_to(root):
            return None  # a symbolic link out of the site
        return relative

    def _negotiate(self, folder: Path, url: str, request: Request) -> Answer:
        forms = [form for form in FORMS if (folder / form.file_name).is_file()]
        links = link_header(url, forms)
        headers = {"Vary": "Accept", "Link": links}
        chosen = choose(request.headers.get("accept"), forms)
        if chosen is None:
            return self._not_acceptable(url, forms, headers)
        if chosen is Form.HTML and request.path == url:
            return self._file(folder / Form.HTML.file_name, request.path, {"Vary": "Accept", "Link": links})
        location = document_url(url, chosen)
        body = f"See {location} ({LABELS[chosen]}).\n".encode()
        return Answer(303, body, headers={**headers, "Location": location})

    def _file(self, path: Path, url: str, headers: dict[str, str] | None = None) -> Answer:
        headers = dict(headers or {})
        form = next((form for form in FORMS if form.file_name == path.name), None)
        if form is not None and "Link" not in headers:
            folder = url.rsplit("/", 1)[0] + "/"
            siblings = [other for other in FORMS if (path.parent / other.file_name).is_file()]
            headers["Link"] = link_header(folder, siblings, exclude=form)
        headers["X-Content-Type-Options"] = "nosniff"
        return Answer(200, path.read_bytes(), media_type(path), headers)

    def _not_acceptable(self, url: str, forms: list[Form], headers: dict[str, str]) -> Answer:
        listed = "".join(
            f'<li><a href="{document_url(url, form)}">{LABELS[form]}</a> ({form.media_type})</li>' for form in forms
        )
        body = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not acceptable</title></head>'
            f"<body><h1>None of the forms you accept</h1><p>{url} is published as:</p><ul>{listed}</ul></body></html>"
        )
        return Answer(406, body.encode(), "text/html; charset=utf-8", headers)

    def not_found(self) -> Answer:
        page = self.root / layout.NOT_FOUND
        if page.is_file():
            return Answer(404, page.read_bytes(), "text/html; charset=utf-8")
        return Answer.text(404, "no such page or resource")
