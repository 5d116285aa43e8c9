"""The pieces every page is made of: escaping, relative links, values in words, the page frame."""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import PurePosixPath

import pyoxigraph as ox

from .layout import RDF_FORMS, Form, document_iri, file, folder, is_published
from .model import SiteModel

#: The site's own files (not IRIs): where the overview pages and assets sit.
ASSETS = PurePosixPath("assets")
READER_NOTE = "Every highlighted passage is quoted by the graph; select one to see the claims it supports."

FORM_NAMES = {Form.HTML: "HTML", Form.TURTLE: "Turtle", Form.JSONLD: "JSON-LD", Form.NTRIPLES: "N-Triples"}
NAVIGATION = (
    ("index.html", "Home"),
    ("timeline.html", "Timeline"),
    ("stances.html", "Stances by issue"),
    ("network.html", "Actor network"),
    ("claims.html", "Hedged and attributed claims"),
    ("inferences.html", "Our inferences"),
    ("id/source/article/index.html", "Source reader"),
    ("downloads.html", "Downloads"),
    ("licence.html", "Licence"),
    ("search.html", "Search"),
)


@cache
def asset(name: str) -> bytes:
    """One of the site's own files (assets/site.css, site.js), as the package ships it."""
    return files(__package__).joinpath("assets", name).read_bytes()


def e(text: object) -> str:
    return escape(str(text), quote=True)


@cache
def relative(here: PurePosixPath, target: PurePosixPath | str) -> str:
    """A link from the folder `here` to a site path: relative, so that any copy of the site works."""
    start = [] if str(here) == "." else str(here).split("/")
    path = [] if str(target) == "." else str(target).split("/")
    common = 0
    while common < min(len(start), len(path)) and start[common] == path[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


@cache
def iri_href(here: PurePosixPath, iri: str) -> str:
    """Where a link to `iri` goes: its page in the site (at its term's anchor), else the IRI."""
    if not is_published(iri):
        return iri
    link = relative(here, file(iri, Form.HTML))
    return link + ("#" + iri.split("#", 1)[1] if "#" in iri else "")


def link(model: SiteModel, here: PurePosixPath, iri: str) -> str:
    return f'<a href="{e(iri_href(here, iri))}">{e(model.label(iri))}</a>'


def value(model: SiteModel, here: PurePosixPath, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A value in words: a resource by its label, linked; a literal as written, its language or type noted."""
    if isinstance(term, ox.NamedNode):
        return link(model, here, term.value)
    if isinstance(term, ox.BlankNode):
        return f"<code>{e(term)}</code>"
    text = e(term.value)
    if "\n" in term.value and len(term.value) > 200:
        return f'<details><summary>{len(term.value)} characters</summary><pre class="text">{text}</pre></details>'
    if term.language:
        return f'{text} <span class="note" lang="en">({e(term.language)})</span>'
    datatype = term.datatype.value
    if datatype.endswith(("#string", "langString")):
        return text
    return f'{text} <span class="note">({e(model.label(datatype))})</span>'


def script_of(json_text: str, media_type: str = "application/ld+json") -> str:
    """JSON in a page's <script>: "</" written as JSON's "<\\/", so that no text ends the element."""
    escaped = json_text.replace("</", "<\\/")
    return f'<script type="{media_type}">{escaped}</script>'


def json_script(document: object) -> str:
    return script_of(json.dumps(document, ensure_ascii=False, sort_keys=True))


def page(
    here: PurePosixPath,
    title: str,
    body: str,
    *,
    alternates: bool = False,
    embedded: str = "",
    script: bool = False,
    root: str | None = None,
) -> bytes:
    """A whole page: its head (title, style, RDF alternates, JSON-LD), navigation, body, footer.

    Its links are relative to `here`, so that any copy of the site works, unless `root` is given:
    the URL of the site's root, for a page served at any path (the 404 page), whose style is then
    in the page itself, so that it loads nothing and looks the same wherever it is served."""
    if root is None:
        root = relative(here, PurePosixPath(".")) + "/"
        root = "" if root == "./" else root
        style = f'<link rel="stylesheet" href="{e(root)}{ASSETS}/site.css">'
    else:
        style = f"<style>\n{asset('site.css').decode()}</style>"
    links = "".join(
        f'<link rel="alternate" type="{f.media_type}" href="{f.file_name}">' for f in RDF_FORMS if alternates
    )
    navigation = "".join(f'<li><a href="{e(root)}{path}">{e(name)}</a></li>' for path, name in NAVIGATION)
    scripts = f'<script src="{e(root)}{ASSETS}/site.js" defer></script>' if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} — palsov</title>\n"
        '<link rel="icon" href="data:,">\n'  # no icon: the browser asks for /favicon.ico otherwise
        f"{style}\n{links}\n{embedded}\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the content</a>\n'
        f'<header><nav aria-label="Site"><ul>{navigation}</ul></nav>'
        f'<form class="search" role="search" action="{e(root)}search.html" method="get">'
        '<label for="site-search">Search the graph</label> '
        '<input id="site-search" name="q" type="search" autocomplete="off"> '
        '<button type="submit">Search</button></form></header>\n'
        f'<main id="main">\n{body}\n</main>\n'
        "<footer><p>palsov: a knowledge graph of Palestine–Soviet Union relations (1919–1991). "
        "Data from the English Wikipedia article “Palestine–Soviet Union relations”, "
        f'<a href="{e(root)}licence.html">CC BY-SA 4.0</a>.</p></footer>\n'
        f"{scripts}\n</body>\n</html>\n"
    ).encode()


def rdf_links(iri: str) -> str:
    forms = ", ".join(f'<a href="{f.file_name}" type="{f.media_type}">{FORM_NAMES[f]}</a>' for f in RDF_FORMS)
    return f'<p class="iri">IRI: <code>{e(iri)}</code> · This description as {forms}</p>'


def home_of(iri: str) -> PurePosixPath:
    """The folder a resource's page is written in."""
    return folder(document_iri(iri))
