"""The w3id.org redirect rules, run by a real Apache (as w3id.org runs them) in front of a copy of
the site served as a static host serves it, give the answers `palsov serve` gives."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from palsov.errors import InputError
from palsov.project import Project
from palsov.publish import w3id
from palsov.publish.jsonld import context_path, load_context
from palsov.publish.site.model import SiteModel
from palsov.publish.site.write import write_site as write_real_site
from palsov.rdf.graph import KnowledgeGraph

from .apache import apache_server, readable_folder
from .conftest import ROOT
from .servers import free_port
from .sites import serving, write_site

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: Accept headers that clients send: browsers, curl and httpx, rdflib (format="turtle" and
#: "json-ld"), Jena's RIOT, pyld's document loader, and some written by hand.
CLIENTS = {
    "none": None,
    "curl": "*/*",
    "chromium": BROWSER,
    "firefox": FIREFOX,
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "n-triples": "application/n-triples",
    "rdflib-turtle": "text/turtle, application/x-turtle, */*;q=0.1",
    "rdflib-json-ld": "application/ld+json, application/json;q=0.9, */*;q=0.1",
    "jena": "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,application/rdf+xml;q=0.7,*/*;q=0.5",
    "pyld": "application/ld+json, application/json",
    "rdf-xml-then-turtle": "application/rdf+xml, text/turtle;q=0.9",
    "n-triples-weighted": "application/n-triples;q=0.9, */*;q=0.1",
    "html-and-turtle": "text/html, text/turtle",
    "charset": "text/turtle;charset=utf-8",
}
IRIS = [
    "id/actor/soviet-union",
    "id/actor/soviet-union/",
    "id/actor/plo",
    "ontology",
    "ontology/0.1.0",
    "id/actor/no-such-actor",
]


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(kg, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def palsov_serve(kg: KnowledgeGraph, site: Path) -> Iterator[str]:
    with serving(kg, site) as url:
        yield url


@pytest.fixture(scope="module")
def w3id_org(site: Path) -> Iterator[str]:
    """Apache with the namespace's folder at /palsov/ (its .htaccess as the build writes it) and a
    copy of the site at /pages/, served as files with a 404 page, as GitHub Pages serves them."""
    root = readable_folder()
    try:
        port = free_port()
        w3id.write_rules(root, f"http://127.0.0.1:{port}/pages/")
        shutil.move(root / w3id.FOLDER, root / "palsov")
        shutil.copytree(site, root / "pages")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        pages = f"<Directory {root}/pages>\n  ErrorDocument 404 /pages/404.html\n</Directory>\n"
        with apache_server(root, port, pages) as base:
            yield base
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _ask(url: str, accept: str | None) -> list[tuple[int, str, bytes]]:
    """Each answer on the way to the document: status, Location (or media type), body."""
    headers = {"Accept": accept} if accept is not None else {}
    answers = []
    for _ in range(3):
        answer = httpx.get(url, headers=headers, follow_redirects=False, timeout=30)
        if answer.is_redirect:
            answers.append((answer.status_code, answer.headers["Location"], b""))
            url = httpx.URL(url).join(answer.headers["Location"]).__str__()
            continue
        answers.append((answer.status_code, answer.headers.get("Content-Type", "").split(";")[0], answer.content))
        return answers
    raise AssertionError(f"more than two redirects from {url}")


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("path", IRIS)
def test_the_rules_negotiate_as_palsov_serve_does(path: str, client: str, w3id_org: str, palsov_serve: str) -> None:
    accept = CLIENTS[client]
    through_w3id = _ask(f"{w3id_org}/palsov/{path}", accept)
    served_here = _ask(f"{palsov_serve}/{path}", accept)
    assert through_w3id[-1] == served_here[-1]  # the same document, or the same 404 page
    status, location, _ = through_w3id[0]
    assert status == 303
    assert location.startswith(f"{w3id_org}/pages/")
    if served_here[0][0] == 303:
        assert location.removeprefix(f"{w3id_org}/pages") == served_here[0][1]


def test_the_base_iri_redirects_to_the_home_page(w3id_org: str, palsov_serve: str) -> None:
    through_w3id = _ask(f"{w3id_org}/palsov/", BROWSER)
    assert through_w3id[0][:2] == (303, f"{w3id_org}/pages/")
    assert through_w3id[-1] == _ask(f"{palsov_serve}/", BROWSER)[-1]


@pytest.mark.parametrize(
    "path", ["id/actor/soviet-union/index.ttl", "id/actor/soviet-union/index.jsonld", "style.css", "dist/palsov.ttl"]
)
def test_a_document_redirects_to_itself_in_the_published_site(path: str, w3id_org: str, palsov_serve: str) -> None:
    through_w3id = _ask(f"{w3id_org}/palsov/{path}", BROWSER)
    assert through_w3id[0][:2] == (302, f"{w3id_org}/pages/{path}")
    assert through_w3id[-1] == _ask(f"{palsov_serve}/{path}", BROWSER)[-1]
    assert through_w3id[-1][0] == 200


def test_the_redirects_vary_by_accept(w3id_org: str) -> None:
    url = f"{w3id_org}/palsov/id/actor/soviet-union"
    answer = httpx.get(url, headers={"Accept": "text/turtle"}, follow_redirects=False, timeout=30)
    assert answer.status_code == 303
    assert "Accept" in answer.headers["Vary"]


def test_a_fragment_is_the_client_s_own(w3id_org: str) -> None:
    """`ontology#Event` is asked as `ontology` (clients keep the fragment across redirects)."""
    answer = httpx.get(
        f"{w3id_org}/palsov/ontology", headers={"Accept": "text/turtle"}, follow_redirects=False, timeout=30
    )
    assert answer.headers["Location"] == f"{w3id_org}/pages/ontology/index.ttl"


def test_the_rules_name_the_namespace_and_their_source() -> None:
    rules = w3id.htaccess("https://example.org/palsov-site/")
    assert rules.startswith("# https://w3id.org/palsov/:")
    assert "RewriteEngine on" in rules and "Options -MultiViews" in rules
    assert "https://example.org/palsov-site/%{ENV:PALSOV_FOLDER}index.ttl [R=303,NE,L]" in rules
    assert "palsov-site//" not in rules
    assert "palsov build" in w3id.readme("https://example.org/palsov-site/")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "https://example.org/a b", 'https://example.org/"', "example.org"]
)
def test_a_target_that_would_break_the_rules_is_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(w3id.TARGET_ENV, url)
    with pytest.raises(InputError, match=w3id.TARGET_ENV):
        w3id.target()


def test_the_target_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(w3id.TARGET_ENV, raising=False)
    assert w3id.target() == w3id.DEFAULT_TARGET
    monkeypatch.setenv(w3id.TARGET_ENV, "https://example.org/mirror/")
    assert w3id.target() == "https://example.org/mirror/"


# ------------------------------------------------------- the real 404 page, at any depth, on both


@pytest.fixture(scope="module")
def real_sites(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The whole site as `palsov serve` writes it (its 404 page linking from `/`) and as the build
    writes it for a copy published under a sub-path (its 404 page linking from that copy's URL),
    served by palsov serve and by Apache with the 404 page GitHub Pages would serve."""
    model, context = SiteModel.of(kg), load_context(context_path(Project(ROOT).ontology_dir))
    served_site = tmp_path_factory.mktemp("served") / "site"
    write_real_site(model, context, served_site, None, site_url="/")
    root = readable_folder()
    try:
        port = free_port()
        published = f"http://127.0.0.1:{port}/palsov/"
        write_real_site(model, context, root / "palsov", None, site_url=published)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        pages = f"<Directory {root}/palsov>\n  ErrorDocument 404 /palsov/404.html\n</Directory>\n"
        with apache_server(root, port, pages), serving(kg, served_site) as url:
            yield {"palsov serve": f"{url}/", "apache": published}
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("server", ["palsov serve", "apache"])
@pytest.mark.parametrize("path", ["no-such-page", "id/actor/no-such-actor", "id/actor/soviet-union/no/such/thing"])
def test_the_404_page_keeps_its_style_and_links_at_any_depth(
    real_sites: dict[str, str], server: str, path: str
) -> None:
    site = real_sites[server]
    answer = httpx.get(site + path, timeout=30)
    assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/html")
    assert "<style>" in answer.text and 'rel="stylesheet"' not in answer.text  # nothing to lose at any depth
    links = re.findall(r'(?:href|src|action)="([^"]*)"', answer.text)
    targets = {urljoin(site + path, link) for link in links if not link.startswith(("#", "data:"))}
    assert len(targets) >= 10, targets  # the navigation, the search, the licence
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        failed = {target: client.get(target).status_code for target in sorted(targets)}
    assert all(target.startswith(site) for target in targets), targets
    assert {target: status for target, status in failed.items() if status != 200} == {}
