"""The redirect rules that make `https://w3id.org/palsov/…` resolve to a published copy of the site.

w3id.org is an Apache server with one folder per namespace in the perma-id/w3id.org repository,
each holding an `.htaccess` of mod_rewrite rules and a README.md that names its maintainers.
The build writes both to `dist/w3id/palsov/`, for a pull request to that repository.

The rules answer as `palsov serve` does (`publish.negotiation`, on the site's `layout`): an IRI
redirects 303 to the form of its description that the Accept header asks for, in the published copy of `dist/site/` (a
static host such as GitHub Pages, which negotiates nothing); a path with a file extension is a
document and redirects 302 to the same path there. mod_rewrite can only match the header against
patterns, so the rules weigh it in two steps: a form named at full weight (no q, or q=1) first,
then one named at any weight above 0, each step in the order of `FORMS` (HTML first), and HTML
when nothing matches. That gives the server's answer for every header real clients send (browsers,
curl, rdflib, Jena, pyld: pinned by the tests against a real Apache), but not for all of them:
weights below 1 are not compared with each other ("text/turtle;q=0.5, application/ld+json;q=0.8"
gets Turtle here, JSON-LD from the server), "application/*" and "text/html;q=0" get HTML, and no
header gets 406, since the static host could only answer it with the page anyway.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import InputError
from ..rdf.files import write_atomically
from ..rdf.vocab import BASE
from .negotiation import FORMS, LABELS, document_url
from .site.layout import Form

NAMESPACE = BASE.removeprefix("https://w3id.org/").strip("/")
FOLDER = Path("w3id") / NAMESPACE  # in dist/
DEFAULT_TARGET = "https://palsov.github.io/palsov/"  # where the site is published
TARGET_ENV = "PALSOV_SITE_URL"  # another place to publish it: the URL of that copy of dist/site/

_OTHER_PARAMETERS = r"(\s*;\s*(?!q\s*=)[^;,]*)*"  # media type parameters other than the weight


def _full_weight(form: Form) -> str:
    name = re.escape(form.media_type)
    return rf"(^|,)\s*{name}{_OTHER_PARAMETERS}(\s*;\s*q\s*=\s*1(\.0{{0,3}})?)?{_OTHER_PARAMETERS}\s*(,|$)"


def _some_weight(form: Form) -> str:
    name = re.escape(form.media_type)
    return rf"(^|,)\s*{name}{_OTHER_PARAMETERS}\s*;\s*q\s*=\s*0\.(?=[0-9]*[1-9])[0-9]{{1,3}}{_OTHER_PARAMETERS}\s*(,|$)"


def target() -> str:
    """The URL of the published copy of dist/site/: $PALSOV_SITE_URL, else DEFAULT_TARGET."""
    url = os.environ.get(TARGET_ENV) or DEFAULT_TARGET
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?", url):
        raise InputError(f"{TARGET_ENV}={url!r} is not an http(s) URL without spaces, quotes or a query")
    return url


def htaccess(target: str) -> str:
    """The rules for the namespace's folder, redirecting to the site published at `target`."""
    site = target.rstrip("/")
    lines = [
        f"# {BASE}: content negotiation for the palsov knowledge graph (Palestine–Soviet Union relations).",
        "# Written by `palsov build` (scripts/palsov/publish/w3id.py); edit that, not this file.",
        f"# Every IRI redirects (303) to the form of its description the client accepts, in the site at {site}/.",
        "Options +FollowSymLinks",
        "Options -MultiViews",
        "<IfModule mod_headers.c>",
        "  Header always merge Vary Accept",
        "</IfModule>",
        "RewriteEngine on",
        "",
        "# A path with a file extension is a document (a download, a form of a description): the same path there.",
        "# An extension starts with a letter: a version IRI (ontology/0.1.0) is an IRI.",
        rf"RewriteRule ^(.*/)?[^/]+\.[A-Za-z][A-Za-z0-9]*$ {site}/$0 [R=302,NE,L]",
        "",
        "# The folder of an IRI's documents; the base IRI's is the site's root.",
        r"RewriteRule ^(.+?)/?$ - [E=PALSOV_FOLDER:$1/]",
    ]
    for step, pattern in (("named at full weight", _full_weight), ("named at a lower weight", _some_weight)):
        for form in FORMS:
            lines += [
                "",
                f"# {LABELS[form]} ({form.media_type}), {step}",
                f"RewriteCond %{{HTTP_ACCEPT}} {pattern(form)} [NC]",
                f"RewriteRule ^ {site}/%{{ENV:PALSOV_FOLDER}}{document_url('', form)} [R=303,NE,L]",
            ]
    lines += [
        "",
        "# Anything else: the page",
        f"RewriteRule ^ {site}/%{{ENV:PALSOV_FOLDER}}{document_url('', Form.HTML)} [R=303,NE,L]",
        "",
    ]
    return "\n".join(lines)


def readme(target: str) -> str:
    return (
        f"# {BASE}\n\n"
        "Identifiers of **palsov**, a linked-data knowledge graph of the history of Palestine–Soviet Union\n"
        "relations (1919–1991): events, actors, stances and the sentences of the source behind each claim.\n\n"
        f"- Home: <{BASE}> (the site, published at <{target.rstrip('/')}/>)\n"
        f"- An actor: <{BASE}id/actor/soviet-union>\n"
        f"- The ontology: <{BASE}ontology>\n\n"
        "Every IRI answers by content negotiation: HTML for people, and Turtle (`text/turtle`), JSON-LD\n"
        "(`application/ld+json`) and N-Triples (`application/n-triples`) for machines, by 303 redirects.\n"
        "The `.htaccess` is generated by `palsov build`.\n\n"
        "Contact: the palsov maintainers, through the project's issue tracker.\n"
    )


def write_rules(dist: Path, site: str) -> list[Path]:
    """`.htaccess` and README.md of the namespace, in dist/w3id/palsov/, for the site at `site`."""
    folder = dist / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((".htaccess", htaccess(site)), ("README.md", readme(site))):
        write_atomically(folder / name, text)
        written.append(folder / name)
    return written
