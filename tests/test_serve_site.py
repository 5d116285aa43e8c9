"""`palsov serve`'s site: every IRI answers by content negotiation on the SPARQL endpoint's port,
asked with an HTTP client (httpx) of a real server on 127.0.0.1."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from palsov.publish.negotiation import FORMS, LABELS, choose, document_url
from palsov.publish.site.layout import Form
from palsov.rdf.graph import KnowledgeGraph

from .sites import serving, write_site

HTML, TURTLE, JSON_LD, N_TRIPLES = Form.HTML, Form.TURTLE, Form.JSONLD, Form.NTRIPLES
SOVIET_UNION = "/id/actor/soviet-union"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(kg, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def base(kg: KnowledgeGraph, site: Path) -> Iterator[str]:
    with serving(kg, site) as url:
        yield url


def get(base: str, path: str, accept: str | None = None, **headers: str) -> httpx.Response:
    if accept is not None:
        headers["Accept"] = accept
    return httpx.get(base + path, headers=headers, follow_redirects=False, timeout=30)


# --------------------------------------------------------------------------- the Accept header


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, HTML),
        ("", HTML),
        ("*/*", HTML),  # curl, httpx: a client that takes anything gets the page
        (BROWSER, HTML),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSON_LD),
        ("application/n-triples", N_TRIPLES),
        ("text/*", HTML),  # ties go the way of FORMS
        ("application/*", JSON_LD),
        ("text/turtle;q=0.5, application/ld+json", JSON_LD),  # q-values weigh, not the order written
        ("application/ld+json;q=0.4, text/turtle;q=0.5", TURTLE),
        ("text/html;q=0, */*", TURTLE),  # q=0 is "not this"
        ("*/*;q=0.1, application/n-triples;q=0.2", N_TRIPLES),
        ("TEXT/Turtle", TURTLE),  # media types are case-insensitive
        ("text/turtle;charset=utf-8", TURTLE),
        ("application/rdf+xml, text/turtle;q=0.8", TURTLE),  # RDF/XML is not published: the next one
        ("image/png", None),
        ("application/rdf+xml", None),
        ("text/turtle;q=0", None),
        ("not a media type", HTML),  # an Accept that cannot be parsed accepts anything (RFC 9110)
        ("text/turtle;q=x", TURTLE),  # a weight that is no number counts as 1: the type is still named
    ],
)
def test_choose_weighs_the_accept_header(accept: str | None, chosen: object) -> None:
    assert choose(accept) == chosen


def test_choose_picks_only_among_the_forms_there_are() -> None:
    assert choose("text/turtle, */*;q=0.1", [HTML]) == HTML
    assert choose("text/turtle", [HTML]) is None
    assert choose("*/*", []) is None


# --------------------------------------------------------------------------- the served IRIs


@pytest.mark.parametrize("form", FORMS, ids=LABELS.get)
def test_an_iri_answers_303_to_the_form_asked_for(base: str, form: object, site: Path) -> None:
    assert form in FORMS
    answer = get(base, SOVIET_UNION, form.media_type)
    assert answer.status_code == 303
    assert answer.headers["Location"] == document_url(SOVIET_UNION + "/", form)
    assert answer.headers["Vary"] == "Accept"
    document = get(base, answer.headers["Location"], form.media_type)
    assert document.status_code == 200
    assert document.headers["Content-Type"].split(";")[0] == form.media_type
    assert document.content == (site / SOVIET_UNION.lstrip("/") / form.file_name).read_bytes()


def test_every_answer_names_every_form_in_its_link_header(base: str) -> None:
    expected = {(document_url(SOVIET_UNION + "/", form), form.media_type) for form in FORMS}
    for path, accept in ((SOVIET_UNION, "text/turtle"), (SOVIET_UNION + "/", BROWSER)):
        answer = get(base, path, accept)
        assert _alternates(answer) == expected
    turtle = get(base, SOVIET_UNION + "/index.ttl")
    assert _alternates(turtle) == expected - {(SOVIET_UNION + "/index.ttl", "text/turtle")}


def _alternates(answer: httpx.Response) -> set[tuple[str, str]]:
    links = [link.strip() for link in answer.headers["Link"].split(",")]
    parsed = [re.fullmatch(r'<([^>]*)>; rel="alternate"; type="([^"]*)"', link) for link in links]
    assert all(parsed), links
    return {(match[1], match[2]) for match in parsed if match}


def test_the_rdf_forms_describe_the_iri_with_the_same_triples(base: str, kg: KnowledgeGraph) -> None:
    iri = ox.NamedNode("https://w3id.org/palsov" + SOVIET_UNION)
    graphs = []
    for form, rdf_format in (
        (TURTLE, ox.RdfFormat.TURTLE),
        (JSON_LD, ox.RdfFormat.JSON_LD),
        (N_TRIPLES, ox.RdfFormat.N_TRIPLES),
    ):
        body = get(base, document_url(SOVIET_UNION + "/", form)).content
        graphs.append(set(ox.parse(body, format=rdf_format)))
    assert graphs[0] == graphs[1] == graphs[2]
    assert graphs[0] == set(kg.store.quads_for_pattern(iri, None, None))


def test_the_html_document_is_200_at_its_own_url(base: str) -> None:
    answer = get(base, SOVIET_UNION + "/", BROWSER)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>id/actor/soviet-union</h1>" in answer.text
    assert get(base, SOVIET_UNION, BROWSER).headers["Location"] == SOVIET_UNION + "/"


def test_a_hash_iri_is_its_document(base: str) -> None:
    """A browser never sends the fragment: `ontology#Event` is asked as `ontology`."""
    answer = get(base, "/ontology", "text/turtle")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/ontology/index.ttl")


def test_home_is_the_page_and_has_no_rdf_form_to_offer(base: str) -> None:
    assert get(base, "/", BROWSER).status_code == 200
    assert get(base, "/", "text/turtle").status_code == 406


def test_nothing_acceptable_is_406_with_the_forms_listed(base: str) -> None:
    answer = get(base, SOVIET_UNION, "image/png")
    assert answer.status_code == 406
    assert answer.headers["Vary"] == "Accept"
    for form in FORMS:
        assert f'href="{document_url(SOVIET_UNION + "/", form)}"' in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/id/actor/no-such-actor",
        "/id/actor/no-such-actor/index.ttl",
        "/id/actor/soviet-union/index.ttl/",
        "/id/actor/soviet-union/../../../../etc/passwd",
        "/id/actor/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/.htaccess",
        "/id/actor\\soviet-union",
        "/id/actor/soviet-union%00",
    ],
)
def test_an_unknown_path_is_404_with_the_site_s_page(base: str, path: str, site: Path) -> None:
    for accept in (BROWSER, "text/turtle"):
        answer = get(base, path, accept)
        assert answer.status_code == 404
        assert answer.content == (site / "404.html").read_bytes()


def test_a_symbolic_link_out_of_the_site_is_not_followed(base: str, site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")
    (site / "leak.txt").symlink_to(secret)
    try:
        assert get(base, "/leak.txt").status_code == 404
    finally:
        (site / "leak.txt").unlink()


def test_files_have_their_media_types(base: str) -> None:
    assert get(base, "/style.css").headers["Content-Type"] == "text/css; charset=utf-8"
    assert get(base, "/404.html").headers["X-Content-Type-Options"] == "nosniff"


def test_head_answers_the_headers_without_the_body(base: str) -> None:
    answer = httpx.head(base + SOVIET_UNION + "/index.nt", timeout=30)
    assert answer.status_code == 200
    assert int(answer.headers["Content-Length"]) > 0
    assert answer.content == b""


def test_the_site_is_read_only(base: str) -> None:
    assert httpx.post(base + SOVIET_UNION, content=b"x", timeout=30).status_code == 405


def test_the_site_answers_only_its_own_host(base: str) -> None:
    assert get(base, SOVIET_UNION + "/", Host="attacker.example").status_code == 421


def test_sparql_is_beside_the_site_on_the_same_port(base: str) -> None:
    query = urllib.parse.urlencode({"query": "ASK { <https://w3id.org/palsov/id/actor/soviet-union> ?p ?o }"})
    for path in ("/sparql", "/query"):
        answer = get(base, f"{path}?{query}", "application/sparql-results+json")
        assert (answer.status_code, answer.json()["boolean"]) == (200, True)
    refused = get(base, "/sparql?" + urllib.parse.urlencode({"query": "SELECT * { SERVICE <http://127.0.0.1:1/> {} }"}))
    assert refused.status_code == 403
