"""The site in a real browser: Debian's headless Chromium, driven by Playwright (pointed at that
binary; it never downloads one), loads every kind of page from `palsov serve` and checks what a
reader meets: no console error, no failed request, no request leaving the site, no broken
internal link; the reader, the search and the timeline at work; accessibility by axe-core
(WCAG 2 A and AA: a serious or critical violation fails). It also takes the README's screenshots
(dist/screenshots/). Run these alone with `pytest -m browser`."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from .conftest import PROJECT_PARTS, ROOT, run_palsov
from .faults import palsov_process
from .servers import free_port
from .services import missing, require_service

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("PALSOV_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(os.environ.get("AXE_JS", ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = ROOT / "dist" / "screenshots"
CHROMIUM_MISSING = missing(
    "Chromium is not installed (Debian: apt-get install chromium, which .ci/run does; or set PALSOV_CHROMIUM)"
)
AXE_MISSING = missing(
    "axe-core is not installed (npm ci --prefix tests/browser, which .ci/run does; or set AXE_JS to axe.min.js)"
)
PLAYWRIGHT_MISSING = missing("Playwright for Python is not installed (pip install -e '.[test]')")
#: As root, Chromium runs only without its sandbox; nothing of its own may reach the network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
]
#: One page of each kind: the home page, the overviews, the ontology, a vocabulary, the reader, a
#: resource of every kind under id/ and vocab/ (the crawl checks that none is missing), the 404 page.
OVERVIEWS = [
    "/",
    "/timeline.html",
    "/stances.html",
    "/network.html",
    "/claims.html",
    "/inferences.html",
    "/downloads.html",
    "/licence.html",
    "/search.html",
    "/ontology",
    "/vocab/issue",
]
RESOURCES = {
    "id/actor": "/id/actor/soviet-union",
    "id/agent": "/id/agent/palsov-developers",
    "id/document": "/id/document/united-nations-partition-plan-for-palestine",
    "id/event": "/id/event/abdullah-hourani-criticises-soviet-policy",
    "id/evidence": "/id/evidence/abdullah-hourani-criticises-soviet-policy",
    "id/explanation": "/id/explanation/disunity-triggered-by-the-invasion-of-lebanon",
    "id/inference": "/id/inference/a-few-weeks",
    "id/link": "/id/link/algeria",
    "id/membership": "/id/membership/abdullah-hourani-member-of-the-plo-executive",
    "id/mission": "/id/mission/plo-embassy-to-the-soviet-union",
    "id/period": "/id/period/arab-israeli-wars",
    "id/place": "/id/place/egypt",
    "id/relation": "/id/relation/palestine-soviet-union",
    "id/source": "/id/source/article",
    "id/stance": "/id/stance/abdullah-hourani-on-soviet-policy",
    "vocab/actor-type": "/vocab/actor-type/alliance",
    "vocab/certainty": "/vocab/certainty/apparent",
    "vocab/event-type": "/vocab/event-type/admission",
    "vocab/issue": "/vocab/issue/arab-national-freedom",
    "vocab/polarity": "/vocab/polarity",
    "vocab/role": "/vocab/role/agent",
    "vocab/time-precision": "/vocab/time-precision/day",
    "vocab/time-qualifier": "/vocab/time-qualifier/after",
}
NOT_FOUND = "/id/actor/no-such-actor"


PAGE_TYPES = [*OVERVIEWS, *RESOURCES.values(), NOT_FOUND]
SEVERE = ("serious", "critical")


# ----------------------------------------------------------------------------- the served site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`palsov serve` on a copy of the project, built (so that the downloads page has the dumps
    to publish, whatever the checkout's dist/ holds), as a user starts it: the site and /sparql on
    one port."""
    project = tmp_path_factory.mktemp("project")
    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, project / part)
    built = run_palsov("build", cwd=project, timeout=300)
    assert built.returncode == 0, built.stderr
    temporary = tmp_path_factory.mktemp("serve-tmp")
    port = free_port()
    process = palsov_process("serve", "--port", str(port), cwd=project, temporary=temporary)
    try:
        for _ in range(2):
            line = process.stdout.readline() if process.stdout else ""
            assert line, process.stderr.read() if process.stderr else "palsov serve said nothing"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


# ------------------------------------------------------------------------------------ the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_service(CHROMIUM.is_file(), CHROMIUM_MISSING)
    require_service(AXE_JS.is_file(), AXE_MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service(False, PLAYWRIGHT_MISSING)
    with sync_playwright() as playwright:
        # executable_path: Playwright never looks for, or downloads, a browser of its own
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """What a page did while it loaded: everything that went wrong, and every request it sent."""

    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Any, site: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pages: list[tuple[Any, Visit]] = []

    def open_(path: str, expect_status: int = 200) -> tuple[Any, Visit]:
        page = context.new_page()
        visit = Visit()
        own = urllib.parse.urljoin(site, path)

        def failed_response(response: Any) -> None:
            if response.status < 400:
                return
            if not (response.url.split("#")[0] == own.split("#")[0] and response.status == expect_status):
                visit.problems.append(f"HTTP {response.status} for {response.url}")

        def console(message: Any) -> None:
            if message.type in ("error", "warning"):
                text = message.text
                if expect_status != 200 and f"status of {expect_status}" in text:
                    return  # the page's own 404, which is what was asked
                visit.problems.append(f"console {message.type}: {text} ({message.location.get('url')})")

        page.on("console", console)
        page.on("pageerror", lambda error: visit.problems.append(f"script error: {error}"))
        page.on("requestfailed", lambda request: visit.problems.append(f"failed: {request.url} ({request.failure})"))
        page.on("response", failed_response)
        page.on("request", lambda request: visit.requests.append(request.url))
        answer = page.goto(own, wait_until="networkidle")
        assert answer is not None and answer.status == expect_status, f"{path}: {answer and answer.status}"
        pages.append((page, visit))
        return page, visit

    yield open_
    context.close()


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    return [
        f"{violation['id']} [{violation['impact']}] {violation['help']}: "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in SEVERE
    ]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_a_page_loads_clean_and_passes_axe(open_page: Any, path: str, site: str) -> None:
    page, visit = open_page(path, 404 if path == NOT_FOUND else 200)
    problems = list(visit.problems)
    problems += [f"a request left the site: {url}" for url in visit.requests if not url.startswith(site + "/")]
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1 elements, not one")
    if not (page.get_attribute("html", "lang") or "").strip():
        problems.append("no lang on <html>")
    images = page.eval_on_selector_all("img:not([alt])", "e => e.map(i => i.src)")
    problems += [f"an image without alt: {src}" for src in images]
    problems += _axe(page)
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_reader_highlights_a_quote_and_shows_its_claims(open_page: Any, site: str) -> None:
    page, _ = open_page("/id/source/article/")
    quotes = page.locator("a.quote")
    assert quotes.count() > 20
    assert page.locator("#reader-panel").is_hidden()
    quote = quotes.nth(0)
    quote.click()
    assert "chosen" in (quote.get_attribute("class") or "")
    panel = page.locator("#reader-panel")
    assert panel.is_visible()
    claims = panel.locator("ul.claims > li")
    assert claims.count() >= 1
    # what the claim is about: not its certainty (a concept), not the sentence in this page
    link = claims.first.locator("a:not([href*='vocab/']):not([href^='index.html'])").first
    with page.expect_navigation():
        link.click()
    assert page.url.startswith(site + "/id/")
    assert page.locator("h1").count() == 1


def test_a_link_to_a_sentence_opens_the_reader_with_its_passage_chosen(open_page: Any) -> None:
    page, _ = open_page("/id/source/article/")
    anchor = page.locator("span.anchor[id]").nth(5).get_attribute("id")
    page.close()
    page, visit = open_page(f"/id/source/article/#{anchor}")
    chosen = page.locator("a.quote.chosen")
    assert chosen.count() == 1
    next_quote = """a => {
        let n = a.nextElementSibling;
        while (n && !n.matches('a.quote')) n = n.nextElementSibling;
        return n && n.classList.contains('chosen');
    }"""
    assert page.eval_on_selector(f"span.anchor[id='{anchor}']", next_quote)
    assert page.locator("#reader-panel ul.claims > li").count() >= 1
    assert not visit.problems


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Khrushchev", "Nikita Khrushchev"), ("PLFP", "Popular Front for the Liberation of Palestine")],
)
def test_search_finds_labels_and_the_source_s_spellings(open_page: Any, query: str, expected: str) -> None:
    page, visit = open_page("/search.html")
    page.fill("#site-search", query)
    results = page.locator("#search-results")
    results.locator("h2").wait_for()
    assert re.match(r"[1-9]\d* found for", results.locator("h2").inner_text())
    labels = results.locator("li > a").all_inner_texts()
    assert expected in labels, labels
    link = results.locator("li > a", has_text=expected).first
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text().startswith(expected)
    assert not visit.problems


def test_search_reads_its_query_from_the_url(open_page: Any) -> None:
    page, _ = open_page("/search.html?q=Khrushchev")
    page.locator("#search-results h2").wait_for()
    assert "Nikita Khrushchev" in page.locator("#search-results li > a").all_inner_texts()


def test_the_timeline_filters_by_actor_and_issue(open_page: Any) -> None:
    page, _ = open_page("/timeline.html")
    rows = page.locator("table.filterable tbody tr")
    total = rows.count()
    assert total > 20

    def shown() -> list[dict[str, str]]:
        return page.eval_on_selector_all(
            "table.filterable tbody tr:not([hidden])",
            "rows => rows.map(r => ({actors: r.dataset.actors || '', issues: r.dataset.issues || ''}))",
        )

    soviet_union = "https://w3id.org/palsov/id/actor/soviet-union"
    page.select_option("#filter-actor", soviet_union)
    by_actor = shown()
    assert 0 < len(by_actor) < total
    assert all(soviet_union in row["actors"].split() for row in by_actor)
    assert page.locator("#filter-count").inner_text() == f"{len(by_actor)} rows shown"
    issues = [value for value in page.eval_on_selector_all("#filter-issue option", "o => o.map(x => x.value)") if value]
    assert issues
    narrowed = None
    for issue in issues:
        page.select_option("#filter-issue", issue)
        narrowed = shown()
        if narrowed:
            break
    assert narrowed and len(narrowed) <= len(by_actor)
    assert all(issue in row["issues"].split() and soviet_union in row["actors"].split() for row in narrowed)
    page.select_option("#filter-actor", "")
    page.select_option("#filter-issue", "")
    assert len(shown()) == total


# ------------------------------------------------------------------------------------ the crawl


class _Links(HTMLParser):
    """The links of a page (href of a, link and area; src of script, img, iframe and source) and its ids."""

    ATTRIBUTES: ClassVar[dict[str, str]] = {
        "a": "href",
        "link": "href",
        "area": "href",
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.ids.update(
            value for key, value in named.items() if value and (key == "id" or (tag == "a" and key == "name"))
        )
        link = named.get(self.ATTRIBUTES.get(tag, ""))
        if link:
            self.links.append(link)


def _read(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@dataclass(frozen=True)
class Crawl:
    pages: dict[str, _Links]  # by the URL each page was found at, after redirects
    broken: list[tuple[str, str, str]]  # page, link as written, what is wrong


@pytest.fixture(scope="module")
def crawl(site: str) -> Crawl:
    """Every page reachable from the home page, and every link and fragment on each, through the
    server (IRIs by their 303 to the page)."""
    answers: dict[str, httpx.Response] = {}
    pages: dict[str, _Links] = {}
    links: list[tuple[str, str, str, str]] = []  # page, link as written, document, fragment
    queue = [site + "/"]
    with httpx.Client(follow_redirects=True, timeout=30, headers={"Accept": "text/html"}) as client:
        while queue:
            document = queue.pop()
            if document in answers:
                continue
            answer = answers[document] = client.get(document)
            final = str(answer.url)
            if (
                answer.status_code != 200
                or not answer.headers["Content-Type"].startswith("text/html")
                or final in pages
            ):
                continue
            page = pages[final] = _read(answer.text)
            for link in page.links:
                target, _, fragment = urllib.parse.urljoin(final, link).partition("#")
                if target.startswith(site + "/"):  # links out are the link checker's, not the crawl's
                    links.append((final, link, target, fragment))
                    queue.append(target)
    broken = []
    for page_url, link, target, fragment in links:
        answer = answers[target]
        if answer.status_code != 200:
            broken.append((page_url, link, f"HTTP {answer.status_code}"))
        elif fragment and urllib.parse.unquote(fragment) not in pages.get(str(answer.url), _Links()).ids:
            broken.append((page_url, link, f"no #{fragment} there"))
    return Crawl(pages, broken)


def test_the_crawl_finds_no_broken_internal_link(crawl: Crawl) -> None:
    assert len(crawl.pages) > 500, len(crawl.pages)
    broken = sorted({f"{page}: {link} -> {why}" for page, link, why in crawl.broken})
    assert not broken, f"{len(broken)} broken links, among them:\n" + "\n".join(broken[:40])


#: What each download is served as: its format's media type (SHA256SUMS is text for `sha256sum -c`).
DUMP_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".rdf": "application/rdf+xml",
    ".jsonld": "application/ld+json",
    ".tsv": "text/tab-separated-values",
    ".html": "text/html",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    "": "text/plain",
}


def test_every_dump_on_the_downloads_page_is_served_with_its_media_type_and_checksum(crawl: Crawl, site: str) -> None:
    downloads = f"{site}/downloads.html"
    links = [urllib.parse.urljoin(downloads, link) for link in crawl.pages[downloads].links]
    dumps = [link for link in links if link.startswith(f"{site}/dist/")]
    names = [urllib.parse.unquote(link.rsplit("/", 1)[1]) for link in dumps]
    assert {"palsov.ttl", "palsov.jsonld", "void.ttl", "SHA256SUMS"} <= set(names), names
    with httpx.Client(timeout=30) as client:
        manifest = client.get(f"{site}/dist/SHA256SUMS")
        sums = dict(line.split("  ", 1)[::-1] for line in manifest.text.splitlines())
        assert sorted(sums) == sorted(name for name in names if name != "SHA256SUMS")
        for url, name in zip(dumps, names, strict=True):
            answer = client.get(url)
            assert answer.status_code == 200, url
            assert answer.headers["Content-Type"].split(";")[0] == DUMP_MEDIA_TYPES[Path(name).suffix], url
            if name != "SHA256SUMS":
                assert hashlib.sha256(answer.content).hexdigest() == sums[name], url


def test_the_browser_tests_load_every_kind_of_page(crawl: Crawl) -> None:
    kinds = {"/".join(urllib.parse.urlsplit(url).path.split("/")[1:3]) for url in crawl.pages}
    resource_kinds = {kind for kind in kinds if kind.startswith(("id/", "vocab/")) and "." not in kind}
    assert resource_kinds == set(RESOURCES)


# ------------------------------------------------------------------------------- the screenshots


@pytest.mark.parametrize(
    ("name", "path", "quote"),
    [("soviet-union", "/id/actor/soviet-union/", False), ("reader", "/id/source/article/", True)],
)
def test_screenshots_for_the_readme(open_page: Any, name: str, path: str, quote: bool) -> None:
    page, _ = open_page(path)
    if quote:
        page.locator("a.quote").nth(3).click()
        page.locator("#reader-panel").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
