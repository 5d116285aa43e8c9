"""The static site on the real data: a folder per IRI with its page and three RDF forms, links that
resolve, the source reader, search, and `palsov describe` / `palsov search` on the same model."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pyoxigraph as ox
import pytest
from pyld import jsonld

from palsov.errors import InputError
from palsov.project import Project
from palsov.publish.jsonld import context_path, load_context
from palsov.publish.site.layout import DOWNLOADS_FOLDER, RDF_FORMS, Form, file, folder
from palsov.publish.site.model import SiteModel
from palsov.publish.site.write import write_site
from palsov.publish.void import sha256sums
from palsov.rdf.files import replaced_folder
from palsov.rdf.graph import KnowledgeGraph
from palsov.rdf.vocab import BASE, CONTEXT, ID

from .conftest import ROOT, run_palsov

SOVIET_UNION = ID + "actor/soviet-union"
PUBLISHED = "https://example.org/palsov-site/"  # where the site is published, for its 404 page


class Page(HTMLParser):
    """What the tests read of a page: its links, ids, h1 count, lang, images, scripts and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []  # what the browser would load: stylesheets, scripts, images
        self.ids: set[str] = set()
        self.duplicate_ids: list[str] = []
        self.h1 = 0
        self.lang: str | None = None
        self.images_without_alt = 0
        self.scripts: list[tuple[str, str]] = []
        self._script: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            if found["id"] in self.ids:
                self.duplicate_ids.append(found["id"])
            self.ids.add(found["id"])
        if tag == "html":
            self.lang = found.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a" and "href" in found:
            self.links.append(found["href"])
        elif tag == "link" and "href" in found:
            (self.resources if found.get("rel") == "stylesheet" else self.links).append(found["href"])
        elif tag == "img":
            self.resources.append(found.get("src", ""))
            self.images_without_alt += "alt" not in found
        elif tag == "script":
            if "src" in found:
                self.resources.append(found["src"])
            self._script = found.get("type", "")
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)
        else:
            self._text.append(data)

    @property
    def text(self) -> str:
        return "".join(self._text)


@pytest.fixture(scope="module")
def model() -> SiteModel:
    return SiteModel.of(KnowledgeGraph.read(Project(ROOT)))


@pytest.fixture(scope="module")
def site(model: SiteModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "palsov.ttl").write_bytes(b"# a dump\n")
    (dist / "bench.json").write_bytes(b"{}\n")  # another command's, not the build's
    (dist / "SHA256SUMS").write_text(sha256sums([dist / "palsov.ttl"]), encoding="utf-8")
    out = dist / "site"
    context = load_context(context_path(Project(ROOT).ontology_dir))
    write_site(model, context, out, dist, site_url=PUBLISHED)
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, Page]:
    return {path: Page(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}


def test_every_iri_of_the_graph_has_its_folder_with_four_files(model: SiteModel, site: Path) -> None:
    iris = {
        term.value
        for triple in model.triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(BASE)
    }
    assert len(iris) > 1000
    missing = [(iri, form.file_name) for iri in sorted(iris) for form in Form if not (site / file(iri, form)).is_file()]
    assert missing == []
    assert (site / "ontology" / "index.html").is_file() and (site / "404.html").is_file()


def test_every_internal_link_resolves_to_a_file_and_every_fragment_to_an_id(site: Path, pages: dict) -> None:
    broken = []
    for path, page in pages.items():
        for href in page.links + page.resources:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if (
                not target.is_file()
                or not target.is_relative_to(site)
                or (parts.fragment and target.suffix == ".html" and parts.fragment not in pages[target].ids)
            ):
                broken.append((str(path.relative_to(site)), href))
    assert broken == []
    assert sum(len(p.links) for p in pages.values()) > 20_000  # the crawl did read the pages


def test_the_404_page_links_from_the_published_root_so_that_it_works_at_any_depth(site: Path) -> None:
    page = Page((site / "404.html").read_text(encoding="utf-8"))
    links = [href for href in page.links + page.resources if not href.startswith(("#", "data:"))]
    assert page.resources == [] and f"{PUBLISHED}index.html" in links  # its style is in the page
    assert all(href.startswith(PUBLISHED) for href in links), links
    assert all((site / unquote(href.removeprefix(PUBLISHED))).is_file() for href in links), links


def test_the_site_publishes_the_build_s_dumps_at_their_iris_as_hard_links(site: Path) -> None:
    dist = site.parent
    published = site / DOWNLOADS_FOLDER
    assert sorted(p.name for p in published.iterdir()) == ["SHA256SUMS", "palsov.ttl"]  # not bench.json
    assert (published / "palsov.ttl").stat().st_ino == (dist / "palsov.ttl").stat().st_ino
    assert folder(BASE + "dist/palsov.ttl") == DOWNLOADS_FOLDER / "palsov.ttl"
    downloads = Page((site / "downloads.html").read_text(encoding="utf-8"))
    assert [h for h in downloads.links if h.startswith("dist/")] == ["dist/SHA256SUMS", "dist/palsov.ttl"]


def test_no_page_loads_anything_from_elsewhere_and_each_has_one_h1_and_a_language(pages: dict) -> None:
    for path, page in pages.items():
        assert page.h1 == 1, path
        assert page.duplicate_ids == [], path
        assert page.lang == "en", path
        assert page.images_without_alt == 0, path
        assert all(not urlsplit(r).scheme and not r.startswith("//") for r in page.resources), (path, page.resources)


def test_the_soviet_unions_page_lists_its_stances_with_their_quotes(model: SiteModel, site: Path) -> None:
    path = site / "id" / "actor" / "soviet-union" / "index.html"
    page = Page(path.read_text(encoding="utf-8"))
    assert page.text.count("Soviet Union") > 10
    stances = model.stances_of(SOVIET_UNION)
    assert len(stances) == 29
    hrefs = set(page.links)
    assert all(f"../../stance/{s.rsplit('/', 1)[1]}/index.html" in hrefs for s in stances)
    assert "The Soviet Union provided no assistance to the party." in page.text
    assert "https://www.wikidata.org/wiki/Q15180" in hrefs
    assert "State" in page.text  # its actor type, in words
    for form in RDF_FORMS:
        assert form.file_name in hrefs
    embedded = [json.loads(text) for kind, text in page.scripts if kind == "application/ld+json"]
    own = json.loads((path.parent / "index.jsonld").read_text(encoding="utf-8"))
    assert own in embedded
    assert any(e.get("sameAs") == ["http://www.wikidata.org/entity/Q15180"] for e in embedded)


def test_a_page_gives_the_time_in_the_sources_words_and_every_claim_with_its_quote(site: Path) -> None:
    visit = Page((site / "id/event/nikita-khrushchev-visit-to-egypt/index.html").read_text(encoding="utf-8"))
    assert "a few weeks after 6 May 1964" in visit.text
    assert "[1964-05-07..]" in visit.text and "Nikita Khrushchev" in visit.text
    assert "The same phrase was repeated by Nikita Khrushchev on his visit to Egypt a few weeks later." in visit.text
    reader_links = [h for h in visit.links if h.startswith("../../source/article/index.html#q-")]
    assert reader_links == ["../../source/article/index.html#q-nikita-khrushchev-visit-to-egypt"]
    hedged = Page((site / "claims.html").read_text(encoding="utf-8"))
    assert "according to a Palestinian journalist" in hedged.text
    assert "as early as May 1964" in hedged.text
    assert "most likely" in hedged.text


def test_the_source_reader_has_the_article_and_every_quote_verbatim(model: SiteModel, site: Path) -> None:
    reader = Page((site / "id/source/article/index.html").read_text(encoding="utf-8"))
    quoted = [c for c in model.claims.values() if c.start is not None]
    assert len(quoted) >= 100
    article = model.source_text
    assert article in reader.text  # the whole text, highlighted spans and all
    for claim in quoted:
        assert claim.quote is not None and article[claim.start : claim.end] == claim.quote
        assert claim.anchor in reader.ids and f"about-{claim.anchor}" in reader.ids
        assert reader.text.count(claim.quote) >= 2  # in the article and beside the claims it supports
    assert "the DFLP and the PLFP" in reader.text


def test_search_finds_names_other_names_and_the_sources_misspellings(site: Path) -> None:
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))

    def found(text: str) -> list[str]:
        wanted = text.casefold()
        return [e["iri"] for e in index if any(wanted in n.casefold() for n in [e["label"], *e["names"]])]

    assert ID + "actor/nikita-khrushchev" in found("Khrushchev")
    assert found("PLFP") == [ID + "actor/pflp"]
    assert found("Comitern") == [ID + "actor/comintern"]
    assert all((site / e["href"]).is_file() for e in index)


def test_the_three_rdf_forms_are_one_graph(site: Path) -> None:
    context = json.loads((site / "context.jsonld").read_text(encoding="utf-8"))
    for name in ("id/actor/pflp", "id/event/nikita-khrushchev-visit-to-egypt", "vocab/issue", "ontology"):
        folder_path = site / name
        triples = {str(q.triple) for q in ox.parse(path=folder_path / "index.nt", format=ox.RdfFormat.N_TRIPLES)}
        turtle = {str(q.triple) for q in ox.parse(path=folder_path / "index.ttl", format=ox.RdfFormat.TURTLE)}
        document = json.loads((folder_path / "index.jsonld").read_text(encoding="utf-8"))
        document["@context"] = context["@context"]
        expanded = jsonld.to_rdf(document, {"format": "application/n-quads"})
        from_jsonld = {str(q.triple) for q in ox.parse(expanded.encode(), format=ox.RdfFormat.N_QUADS)}
        assert triples and triples == turtle == from_jsonld, name


def test_a_concept_page_shows_what_uses_it(site: Path) -> None:
    page = Page((site / "vocab/issue/two-state-solution/index.html").read_text(encoding="utf-8"))
    assert "Appears in" in page.text
    assert any(link.startswith("../../../id/stance/") for link in page.links)


def _tree(folder_path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder_path)): p.read_bytes() for p in sorted(folder_path.rglob("*")) if p.is_file()}


def test_palsov_site_before_any_build_makes_dist_and_lists_no_download(project_copy: Project) -> None:
    assert not project_copy.dist_dir.exists()
    result = run_palsov("site", cwd=project_copy.root)
    assert result.returncode == 0, result.stderr
    site = project_copy.dist_dir / "site"
    assert (site / "index.html").is_file() and not (site / DOWNLOADS_FOLDER).exists()
    assert "No build yet: <code>palsov build</code> writes the dumps" in (site / "downloads.html").read_text(
        encoding="utf-8"
    )


def test_an_output_folder_with_no_parent_is_named_plainly(tmp_path: Path) -> None:
    with (
        pytest.raises(InputError, match=r"missing: no such folder to write site in$"),
        replaced_folder(tmp_path / "missing" / "site"),
    ):
        pass


def test_palsov_site_writes_the_same_bytes_whatever_the_hash_seed(project_copy: Project) -> None:
    trees = []
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        environment.pop("PALSOV_ROOT", None)
        result = subprocess.run(
            [sys.executable, "-m", "palsov", "site"],
            cwd=project_copy.root,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert re.fullmatch(r"wrote \d+ files to .*site\n", result.stdout)
        trees.append(_tree(project_copy.dist_dir / "site"))
    assert trees[0] == trees[1] and len(trees[0]) > 4000


def test_palsov_build_writes_the_site_with_its_downloads(project_copy: Project) -> None:
    result = run_palsov("build", cwd=project_copy.root)
    assert result.returncode == 0, result.stderr
    dist = project_copy.dist_dir
    sums = dict(line.split("  ")[::-1] for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    downloads = Page((dist / "site" / "downloads.html").read_text(encoding="utf-8"))
    assert "dist/palsov.ttl" in downloads.links and sums["palsov.ttl"] in downloads.text
    assert "dist/SHA256SUMS" in downloads.links
    # every distribution's dcat:downloadURL in void.ttl is a file of the site, the build's own
    void = ox.Store()
    void.load(path=str(dist / "void.ttl"), format=ox.RdfFormat.TURTLE)
    download_url = ox.NamedNode("http://www.w3.org/ns/dcat#downloadURL")
    urls = [q.object.value for q in void.quads_for_pattern(None, download_url, None)]
    assert len(urls) >= 5
    for url in urls:
        published = dist / "site" / folder(url)
        assert published.stat().st_ino == (dist / published.name).stat().st_ino, url
    assert "void.ttl" in downloads.text
    assert (dist / "site" / "id" / "actor" / "soviet-union" / "index.ttl").is_file()
    assert not any(name.startswith("site/") for name in sums)  # the manifest lists the dumps
    # The context is published at its own IRI: the site's copy is the build's, and every
    # description's relative reference, read from where the site publishes it, names that IRI.
    assert (dist / "site" / "context.jsonld").read_bytes() == (dist / "context.jsonld").read_bytes()
    for described in ("id/actor/soviet-union", "vocab/issue", "ontology"):
        document = json.loads((dist / "site" / described / "index.jsonld").read_text(encoding="utf-8"))
        assert urljoin(f"{BASE}{described}/index.jsonld", document["@context"]) == CONTEXT.value


def test_describe_prints_a_resource_as_a_historian_reads_it(project: Project) -> None:
    result = run_palsov("describe", "actor:soviet-union", cwd=project.root)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Soviet Union\nactor:soviet-union  <https://w3id.org/palsov/id/actor/soviet-union>\n")
    assert "What it is: state" in text
    assert "Wikidata: Q15180  https://www.wikidata.org/wiki/Q15180" in text
    assert "Stances it holds (29, in time order):" in text
    assert '"The Soviet Union provided no assistance to the party."' in text
    assert "What links to it (" in text
    event = run_palsov("describe", "Nikita Khrushchev visits Egypt", cwd=project.root).stdout
    assert "When: a few weeks after 6 May 1964 (EDTF [1964-05-07..]; precision: day;" in event
    assert "Who took part:\n  Nikita Khrushchev (visitor)\n" in event
    assert "certainty: stated as fact; source characters 2683–2773" in event


def test_describe_names_a_resource_by_iri_label_or_the_sources_spelling(project: Project) -> None:
    by_spelling = run_palsov("describe", "Comitern", cwd=project.root)
    assert by_spelling.returncode == 0 and by_spelling.stdout.startswith("Communist International\nactor:comintern ")
    by_iri = run_palsov("describe", f"<{ID}actor/pflp>", cwd=project.root)
    assert by_iri.stdout.startswith("Popular Front for the Liberation of Palestine\n")
    assert "\"The Marxist organizations in the PLO did not always support the Soviet's opinions" in by_iri.stdout


def test_describe_gives_the_sites_description_as_rdf(project: Project, site: Path) -> None:
    folder_path = site / "id" / "actor" / "pflp"
    for name, form in (("turtle", "index.ttl"), ("jsonld", "index.jsonld"), ("ntriples", "index.nt")):
        result = subprocess.run(
            [sys.executable, "-m", "palsov", "describe", "actor:pflp", "--format", name],
            cwd=project.root,
            capture_output=True,
            check=False,
        )
        assert result.returncode == 0 and result.stdout == (folder_path / form).read_bytes(), name


def test_an_unknown_thing_is_one_line_and_exit_2(project: Project) -> None:
    result = run_palsov("describe", "actor:atlantis", cwd=project.root)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "palsov: error: unknown thing 'actor:atlantis': no resource has this CURIE, IRI or name"
    ]
    hint = run_palsov("describe", "Khrushchev", cwd=project.root)
    assert hint.returncode == 2 and "did you mean actor:nikita-khrushchev" in hint.stderr


def test_describe_reads_an_ontology_term_and_refuses_an_iri_not_ours(project: Project) -> None:
    term = run_palsov("describe", "palsov:holder", cwd=project.root)
    assert term.stdout.startswith("holder\npalsov:holder  <https://w3id.org/palsov/ontology#holder>\n")
    assert "What it is: object property\nDefinition: The actor who holds the stance.\n" in term.stdout
    theirs = run_palsov("describe", "wd:Q15180", cwd=project.root)
    assert theirs.returncode == 2
    assert (
        theirs.stderr
        == "palsov: error: 'wd:Q15180' is not a palsov resource: its IRI is not under https://w3id.org/palsov/\n"
    )


def test_search_prints_one_resource_a_line_best_first(project: Project) -> None:
    result = run_palsov("search", "PLFP", cwd=project.root)
    assert result.returncode == 0
    assert result.stdout == "actor:pflp\tfaction\tPopular Front for the Liberation of Palestine (also PFLP, PLFP)\n"
    khrushchev = run_palsov("search", "khrushchev", cwd=project.root).stdout.splitlines()
    assert khrushchev[0] == "actor:nikita-khrushchev\tperson\tNikita Khrushchev"
    assert len(khrushchev) == 4
    nothing = run_palsov("search", "Atlantis", cwd=project.root)
    assert (nothing.returncode, nothing.stdout) == (0, "")
    assert nothing.stderr.strip() == "palsov: nothing is named 'Atlantis'"


def test_html_is_escaped(site: Path) -> None:
    text = (site / "id/event/nikita-khrushchev-repeats-the-inalienable-rights-phrase/index.html").read_text("utf-8")
    assert "&quot;lawful and inalienable rights of Palestinian Arabs&quot;" in text
    assert unescape(text).count('"lawful and inalienable rights of Palestinian Arabs"') >= 2
