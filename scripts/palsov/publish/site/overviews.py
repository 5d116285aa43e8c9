"""The overview pages: home, timeline, stances by issue, the actor network, hedged and attributed
claims, our inferences, downloads, licence, search and not-found."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path, PurePosixPath

from ...rdf.files import sha256_of
from ...rdf.terms import object_of
from ...rdf.vocab import BASE, ID, PALSOV, SOURCE_ARTICLE, VOCAB
from .html import e, iri_href, link, page, relative
from .layout import DOWNLOADS_FOLDER
from .model import Claim, SiteModel, subject_iri
from .pages import READER, claim_html

TOP = PurePosixPath(".")
_FIRST_YEAR, _LAST_YEAR = 1919, 1991
_STANCE = PALSOV("Stance").value
_EXPRESSED_IN = PALSOV("expressedIn").value
_EVENT = PALSOV("Event").value
_HOLDER = PALSOV("holder").value
_ISSUE = PALSOV("issue").value
_POLARITY = PALSOV("polarity").value
_TOWARDS = PALSOV("towards").value
_MEMBER_OF = "http://www.w3.org/ns/org#memberOf"
_STATED = VOCAB + "certainty/stated"


def _of_type(model: SiteModel, type_iri: str) -> list[str]:
    found = {subject_iri(t) for t in model.pointing.get(type_iri, ()) if t.predicate.value.endswith("#type")}
    return sorted(found, key=model.time_order)


def home(model: SiteModel) -> bytes:
    groups: dict[str, list[str]] = defaultdict(list)
    for document in model.documents:
        if document == BASE or model.owner(document) != document:
            continue
        if document.startswith(ID):
            groups[document[len(ID) :].split("/", 1)[0]].append(document)
        else:
            groups["vocabularies and ontology"].append(document)
    sections = []
    for name in sorted(groups):
        items = sorted(groups[name], key=lambda d: (model.label(d).casefold(), d))
        listed = "".join(f"<li>{link(model, TOP, d)}</li>" for d in items)
        sections.append(
            f'<section><h2 id="{e(name.replace(" ", "-"))}">{e(name.capitalize())} ({len(items)})</h2>'
            f"<ul class=columns>{listed}</ul></section>"
        )
    body = (
        "<h1>palsov: Palestine–Soviet Union relations, 1919–1991</h1>"
        "<p>A linked-data knowledge graph of the events, actors and stances of Palestine–Soviet Union "
        "relations, each claim with the sentence of the source that supports it. Every resource has a page "
        "for people and its description in Turtle, JSON-LD and N-Triples.</p>"
        f'<p>Start with the <a href="timeline.html">timeline</a>, the <a href="stances.html">stances by issue</a>, '
        f'the <a href="network.html">actor network</a> or the <a href="{READER}">source itself</a>.</p>'
        + "".join(sections)
    )
    return page(TOP, "Home", body)


def _year(date: str) -> float:
    return int(date[:4]) + (int(date[5:7]) - 1) / 12 if len(date) >= 7 else int(date[:4])


def _band(bounds: tuple[tuple[str, str], ...]) -> str:
    dates = [d for _, d in bounds]
    if not dates:
        return '<span class="band-none">not dated</span>'
    low = max(_FIRST_YEAR, min(_year(d) for d in dates))
    high = min(_LAST_YEAR + 1, max(_year(d) + 1 / 12 for d in dates))
    span = _LAST_YEAR + 1 - _FIRST_YEAR
    left, width = (low - _FIRST_YEAR) / span * 100, max(0.6, (high - low) / span * 100)
    return f'<span class="band" style="margin-left:{left:.2f}%;width:{width:.2f}%"></span>'


def _filters(model: SiteModel, actors: set[str], issues: set[str]) -> str:
    def options(iris: set[str]) -> str:
        ordered = sorted(iris, key=lambda i: (model.label(i).casefold(), i))
        return '<option value="">all</option>' + "".join(
            f'<option value="{e(i)}">{e(model.label(i))}</option>' for i in ordered
        )

    return (
        '<form class="filters" id="filters"><label for="filter-actor">Actor</label> '
        f'<select id="filter-actor" data-filter="actors">{options(actors)}</select> '
        '<label for="filter-issue">Issue</label> '
        f'<select id="filter-issue" data-filter="issues">{options(issues)}</select>'
        ' <output id="filter-count" aria-live="polite"></output></form>'
    )


def timeline(model: SiteModel) -> bytes:
    actors: set[str] = set()
    issues: set[str] = set()
    event_rows = []
    for event in _of_type(model, _EVENT):
        taking_part = {actor for actor, _ in model.participants(event)}
        # An event's issues are those of the stances the source says it expressed.
        event_issues = {
            issue.value
            for t in model.pointing.get(event, ())
            if t.predicate.value == _EXPRESSED_IN
            for issue in model.values(subject_iri(t), _ISSUE)
        }
        actors |= taking_part
        span = model.time(event)
        who = ", ".join(link(model, TOP, a) for a in sorted(taking_part, key=model.label))
        event_rows.append(
            f'<tr data-actors="{e(" ".join(sorted(taking_part)))}" data-issues="{e(" ".join(sorted(event_issues)))}">'
            f"<td>{e(span.words) if span else 'not dated'}</td><td>{link(model, TOP, event)}</td><td>{who}</td>"
            f"<td>{_band(span.bounds if span else ())}</td></tr>"
        )
    stance_rows = []
    for stance in _of_type(model, _STANCE):
        holders = {v.value for v in model.values(stance, _HOLDER)}
        stance_issues = {v.value for v in model.values(stance, _ISSUE)}
        actors |= holders
        issues |= stance_issues
        span = model.time(stance)
        polarity = ", ".join(link(model, TOP, v.value) for v in model.values(stance, _POLARITY))
        stance_rows.append(
            f'<tr data-actors="{e(" ".join(sorted(holders)))}" data-issues="{e(" ".join(sorted(stance_issues)))}">'
            f"<td>{e(span.words) if span else 'not dated'}</td><td>{link(model, TOP, stance)}</td>"
            f"<td>{polarity}</td><td>{_band(span.bounds if span else ())}</td></tr>"
        )
    scale = f'<span class="scale"><span>{_FIRST_YEAR}</span><span>{_LAST_YEAR}</span></span>'
    body = (
        "<h1>Timeline</h1><p>The events and the stances in time, dated in the source's words; a band spans the "
        f"bounds of its time in the graph, drawn within {_FIRST_YEAR}–{_LAST_YEAR} (where the words say “by our "
        "reading”, a bound is our inference). Choose an actor or an issue to filter both tables.</p>"
        + _filters(model, actors, issues)
        + '<h2>Events</h2><table class="filterable"><thead><tr><th scope="col">When</th><th scope="col">Event</th>'
        f'<th scope="col">Who took part</th><th scope="col">{scale}</th></tr></thead>'
        f"<tbody>{''.join(event_rows)}</tbody></table>"
        + '<h2>Stances</h2><table class="filterable"><thead><tr><th scope="col">When</th><th scope="col">Stance</th>'
        f'<th scope="col">Polarity</th><th scope="col">{scale}</th></tr></thead>'
        f"<tbody>{''.join(stance_rows)}</tbody></table>"
    )
    return page(TOP, "Timeline", body, script=True)


def stances(model: SiteModel) -> bytes:
    by_issue: dict[str, list[str]] = defaultdict(list)
    for stance in _of_type(model, _STANCE):
        for concept in model.values(stance, _ISSUE):
            by_issue[concept.value].append(stance)
    sections = []
    for issue in sorted(by_issue, key=lambda i: (model.label(i).casefold(), i)):
        rows: list[str] = []
        previous: dict[str, list[str]] = {}
        for stance in by_issue[issue]:
            span = model.time(stance)
            polarity = [v.value for v in model.values(stance, _POLARITY)]
            holders = [v.value for v in model.values(stance, _HOLDER)]
            changed = any(previous.get(h) not in (None, polarity) for h in holders)
            previous.update({h: polarity for h in holders})
            rows.append(
                f"<tr{' class=changed' if changed else ''}><td>{e(span.words) if span else 'not dated'}</td>"
                f"<td>{', '.join(link(model, TOP, h) for h in holders)}</td>"
                f"<td>{', '.join(link(model, TOP, p) for p in polarity)}{' (changed)' if changed else ''}</td>"
                f"<td>{link(model, TOP, stance)}</td></tr>"
            )
        sections.append(
            f"<section><h2>{link(model, TOP, issue)}</h2><table><thead><tr><th scope=col>When</th>"
            "<th scope=col>Holder</th><th scope=col>Polarity</th><th scope=col>Stance</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )
    body = (
        "<h1>Stances by issue</h1><p>Who held what on each issue, in time order; a row marked “changed” is a "
        "holder's polarity that differs from its earlier stance on the issue.</p>" + "".join(sections)
    )
    return page(TOP, "Stances by issue", body)


def network(model: SiteModel) -> bytes:
    """The actors and what joins them (stances towards another, membership), drawn as an SVG on a circle."""
    edges: set[tuple[str, str, str]] = set()
    for stance in _of_type(model, _STANCE):
        polarity = model.label(model.value(stance, _POLARITY) or "")
        for holder in model.values(stance, _HOLDER):
            for towards in model.values(stance, _TOWARDS):
                edges.add((holder.value, towards.value, f"stance: {polarity}"))
    for triple in model.triples:
        if triple.predicate.value == _MEMBER_OF and subject_iri(triple).startswith(ID + "actor/"):
            edges.add((subject_iri(triple), object_of(triple).value, "member of"))
    actors = sorted({a for s, o, _ in edges for a in (s, o)}, key=lambda a: (model.label(a).casefold(), a))
    size, radius = 900, 330
    position = {
        a: (
            size / 2 + radius * math.cos(2 * math.pi * i / max(1, len(actors))),
            size / 2 + radius * math.sin(2 * math.pi * i / max(1, len(actors))),
        )
        for i, a in enumerate(actors)
    }
    lines = []
    for source, target, kind in sorted(edges):
        (x1, y1), (x2, y2) = position[source], position[target]
        css = "edge-" + kind.split(": ")[-1].replace(" ", "-")
        lines.append(
            f'<line class="{e(css)}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"><title>'
            f"{e(model.label(source))} → {e(model.label(target))}: {e(kind)}</title></line>"
        )
    nodes = []
    for actor in actors:
        x, y = position[actor]
        anchor = "start" if x >= size / 2 else "end"
        dx = 8 if anchor == "start" else -8
        nodes.append(
            f'<a href="{e(iri_href(TOP, actor))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{e(model.label(actor))}</text></a>'
        )
    svg = (
        f'<svg class="network" viewBox="-260 0 {size + 520} {size}" role="group" aria-labelledby="network-title">'
        f'<title id="network-title">The actor network: {len(actors)} actors, {len(edges)} links</title>'
        f"{''.join(lines)}{''.join(nodes)}</svg>"
    )
    listed = "".join(f"<li>{link(model, TOP, s)} → {link(model, TOP, o)}: {e(k)}</li>" for s, o, k in sorted(edges))
    body = (
        "<h1>Actor network</h1><p>An actor is joined to another when it holds a stance towards it (coloured by "
        "polarity) or is a member of it. The same links are listed below the drawing.</p>"
        f"{svg}<h2>The links</h2><ul>{listed}</ul>"
    )
    return page(TOP, "Actor network", body)


def _in_source_order(model: SiteModel, claims: list[Claim]) -> str:
    """The claims as list items, in the order their passages stand in the source."""
    return "".join(claim_html(model, TOP, c) for c in sorted(claims, key=lambda c: (c.start or 0, c.iri)))


def hedged_claims(model: SiteModel) -> bytes:
    hedged = [
        c
        for c in model.claims.values()
        if not c.inferred and (c.according_to or (c.certainty and c.certainty != _STATED))
    ]
    listed = _in_source_order(model, hedged)
    body = (
        "<h1>Hedged and attributed claims</h1><p>Where the source is less than certain (“most likely”, "
        "“it seemed”) or reports what someone else says (“according to a Palestinian journalist”): "
        f"{len(hedged)} claims.</p><ul class=claims>{listed}</ul>"
    )
    return page(TOP, "Hedged and attributed claims", body)


def inferences(model: SiteModel) -> bytes:
    ours = [c for c in model.claims.values() if c.inferred]
    listed = _in_source_order(model, ours)
    explanations = sorted(d for d in model.documents if d.startswith(ID + "explanation/"))
    explained = "".join(f"<li>{link(model, TOP, x)}</li>" for x in explanations)
    body = (
        "<h1>Our inferences</h1><p>What we read into the source rather than what it says: each with the passage "
        f"it is read from and our reason ({len(ours)}). The source's own hedges are on "
        '<a href="claims.html">another page</a>.</p>'
        f"<ul class=claims>{listed}</ul><h2>Causes and reasons the source gives</h2><ul>{explained}</ul>"
    )
    return page(TOP, "Our inferences", body)


def downloads(files: list[Path]) -> bytes:
    """The build's dumps, published in the site at their IRIs (`layout.DOWNLOADS_FOLDER`)."""
    rows = []
    for path in files:
        href = relative(TOP, DOWNLOADS_FOLDER / path.name)
        rows.append(
            f'<tr><td><a href="{e(href)}">{e(path.name)}</a></td><td>{path.stat().st_size:,}</td>'
            f"<td><code>{sha256_of(path)}</code></td></tr>"
        )
    sssom = [p.name for p in files if "sssom" in p.name]
    table = (
        '<table><thead><tr><th scope="col">File</th><th scope="col">Bytes</th><th scope="col">SHA-256</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No build yet: <code>palsov build</code> writes the dumps, and this page lists them.</p>"
    )
    body = (
        "<h1>Downloads</h1><p>Every dump of the graph the build wrote, with its size and SHA-256 (as in "
        "<code>SHA256SUMS</code>). The dataset is described in VoID and DCAT in <code>void.ttl</code>"
        + ("; the Wikidata mappings in SSSOM in " + ", ".join(f"<code>{e(n)}</code>" for n in sssom) if sssom else "")
        + f". Each resource's own description is beside its page.</p>{table}"
    )
    return page(TOP, "Downloads", body)


def licence(model: SiteModel) -> bytes:
    url = model.value(SOURCE_ARTICLE.value, "https://schema.org/url") or ""
    history = url.replace("/wiki/", "/w/index.php?title=") + "&action=history" if "/wiki/" in url else url
    body = (
        "<h1>Licence and attribution</h1>"
        "<p>The data are derived from the English Wikipedia article "
        f'<a href="{e(url)}">“Palestine–Soviet Union relations”</a>, by its authors '
        f'(<a href="{e(history)}">the article\'s history</a> lists them), and are published under the '
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/">Creative Commons Attribution-ShareAlike 4.0 '
        "International licence (CC BY-SA 4.0)</a>. If you reuse them, credit the article's authors and palsov, and "
        "share what you make under the same licence.</p>"
        f'<p>Every quote on these pages is the article\'s text, verbatim, in the <a href="{READER}">source reader</a>. '
        "The code that builds this site is under the MIT licence.</p>"
    )
    return page(TOP, "Licence and attribution", body)


def search(model: SiteModel) -> bytes:
    entries = model.search_entries()
    listed = "".join(
        f'<li data-kind="{e(x.kind)}" data-names="{e("|".join(x.names))}">'
        f'<a href="{e(iri_href(TOP, x.iri))}">{e(x.label)}</a> <span class=note>({e(x.kind)}'
        + (f"; also {e(', '.join(x.names))}" if x.names else "")
        + ")</span></li>"
        for x in sorted(entries, key=lambda x: (x.label.casefold(), x.iri))
    )
    body = (
        "<h1>Search</h1><p>Labels, other names and the source's own spellings (“PLFP”, “Comitern”). Type in the box "
        "above; without JavaScript, the whole index is listed here.</p>"
        '<div id="search-results" aria-live="polite"></div>'
        f'<h2 id="index">Every name</h2><ul class="search-index">{listed}</ul>'
    )
    return page(TOP, "Search", body, script=True)


def search_index(model: SiteModel) -> list[dict]:
    """What the search page loads: each resource's label, kind, other names and page."""
    return [
        {"label": x.label, "kind": x.kind, "names": list(x.names), "href": iri_href(TOP, x.iri), "iri": x.iri}
        for x in model.search_entries()
    ]


def not_found(site_url: str) -> bytes:
    """The page for any address the site does not have, at any depth: its links are URLs from
    `site_url`, the site's root where it is served (`palsov serve`: `/`; a published copy: its URL)."""
    root = site_url.rstrip("/") + "/"
    body = (
        "<h1>Not found</h1><p>No resource of palsov has this address. Try the "
        f'<a href="{e(root)}search.html">search</a> or the <a href="{e(root)}index.html">home page</a>.</p>'
    )
    return page(TOP, "Not found", body, root=root)
