"""Which form of a resource a client gets: one choice by the Accept header, among the forms the
site's layout publishes (`site.layout.Form`).

Every IRI under our base names a thing (an actor, an event, a concept) or a document (the
ontology), never one of its forms; each form is a document of its own in the site's folder for the
IRI. So the IRI answers 303 See Other to the form the client prefers (httpRange-14, "Cool URIs for
the Semantic Web" §4.3): the thing's IRI stays distinct from its page's URL, and the documents it
redirects to are plain files that any static host serves, GitHub Pages included, which is what
lets w3id.org's redirect rules (`publish.w3id`) give the same answers as `palsov serve`.

The Accept header is weighed by python-mimeparse (RFC 9110 §12.5.1: q-values, the most specific
range that matches, q=0 as "not this"); where the client ranks forms equally, the order of `Form`
decides, HTML first, so a client that accepts anything (curl's `*/*`) gets the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import mimeparse

from .site.layout import Form

FORMS: tuple[Form, ...] = tuple(Form)  # in the order ties are broken
LABELS = {Form.HTML: "HTML", Form.TURTLE: "Turtle", Form.JSONLD: "JSON-LD", Form.NTRIPLES: "N-Triples"}


def document_url(folder: str, form: Form) -> str:
    """The URL path of a form's document, for a resource's folder URL path ("/id/actor/x/"): the
    page is the folder itself, as every static host serves it."""
    return folder + ("" if form is Form.HTML else form.file_name)


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
        f'<{document_url(folder, form)}>; rel="alternate"; type="{form.media_type}"'
        for form in forms
        if form is not exclude
    )
