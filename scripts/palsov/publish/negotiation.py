"""Which form of a resource a client gets: one table of forms, one choice by the Accept header.

Every IRI under our base names a thing (an actor, an event, a concept) or a document (the
ontology), never one of its forms; each form is a document of its own in the site's folder for the
IRI. So the IRI answers 303 See Other to the form the client prefers (httpRange-14, "Cool URIs for
the Semantic Web" §4.3): the thing's IRI stays distinct from its page's URL, and the documents it
redirects to are plain files that any static host serves, GitHub Pages included, which is what
lets w3id.org's redirect rules (`publish.w3id`) give the same answers as `palsov serve`.

The Accept header is weighed by python-mimeparse (RFC 9110 §12.5.1: q-values, the most specific
range that matches, q=0 as "not this"); where the client ranks forms equally, the order of
`FORMS` decides, HTML first, so a client that accepts anything (curl's `*/*`) gets the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mimeparse


@dataclass(frozen=True)
class Form:
    """One form of a resource: its media type and its file in the resource's folder."""

    media_type: str
    file: str
    label: str

    def url(self, folder: str) -> str:
        """The document's URL path for a resource's folder URL path ("/id/actor/x/")."""
        return folder + ("" if self.file == "index.html" else self.file)


HTML = Form("text/html", "index.html", "HTML")
TURTLE = Form("text/turtle", "index.ttl", "Turtle")
JSON_LD = Form("application/ld+json", "index.jsonld", "JSON-LD")
N_TRIPLES = Form("application/n-triples", "index.nt", "N-Triples")
FORMS: tuple[Form, ...] = (HTML, TURTLE, JSON_LD, N_TRIPLES)  # in the order ties are broken


def choose(accept: str | None, forms: Sequence[Form] = FORMS) -> Form | None:
    """The form the Accept header prefers among `forms`, or None when it accepts none of them.
    No header, or one that cannot be parsed, accepts anything (RFC 9110 §12.5.1)."""
    if not forms:
        return None
    if accept is None or not accept.strip():
        return forms[0]
    by_type = {form.media_type: form for form in forms}
    try:
        # mimeparse breaks ties by the later entry (hence the reversed order), and compares
        # media types as written, which RFC 9110 §8.3.1 makes case-insensitive
        best = mimeparse.best_match([form.media_type for form in reversed(forms)], accept.lower())
    except (mimeparse.MimeTypeParseException, ValueError):
        return forms[0]
    return by_type.get(best)


def link_header(folder: str, forms: Iterable[Form], exclude: Form | None = None) -> str:
    """An RFC 8288 Link header naming each form of the resource as an alternate."""
    return ", ".join(
        f'<{form.url(folder)}>; rel="alternate"; type="{form.media_type}"' for form in forms if form != exclude
    )
