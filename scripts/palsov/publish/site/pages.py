"""A page per resource (and per vocabulary document), and the source reader: what a historian reads."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import PurePosixPath

import pyoxigraph as ox

from ...rdf.terms import object_of
from ...rdf.vocab import BASE, PALSOV, SOURCE_ARTICLE, WD
from .html import READER_NOTE, e, home_of, iri_href, json_script, link, page, rdf_links, relative, value
from .layout import Form, file
from .model import Claim, SiteModel, TimeSpan, subject_iri

READER = file(SOURCE_ARTICLE.value, Form.HTML)
_ISSUE = PALSOV("issue").value
_POLARITY = PALSOV("polarity").value
_TOWARDS = PALSOV("towards").value


def reader_href(here: PurePosixPath, claim: Claim) -> str:
    return f"{relative(here, READER)}#{claim.anchor}"


def time_html(model: SiteModel, here: PurePosixPath, span: TimeSpan) -> str:
    rows = [f"<dt>As the source gives it</dt><dd>{e(span.words)}</dd>"]
    if span.edtf:
        rows.append(f"<dt>EDTF</dt><dd><code>{e(span.edtf)}</code></dd>")
    if span.precision:
        rows.append(f"<dt>Precision</dt><dd>{link(model, here, span.precision)}</dd>")
    if span.qualifier:
        rows.append(f"<dt>Wording</dt><dd>{link(model, here, span.qualifier)}</dd>")
    rows += [f"<dt>{e(name.capitalize())}</dt><dd><time>{e(date)}</time></dd>" for name, date in span.bounds]
    return f'<dl class="time">{"".join(rows)}</dl>'


def claim_html(model: SiteModel, here: PurePosixPath, claim: Claim) -> str:
    parts = []
    if claim.quote is not None:
        parts.append(f"<blockquote><p>{e(claim.quote)}</p></blockquote>")
    facts = []
    if claim.inferred:
        facts.append("<strong>Our inference</strong>, not the source's claim")
    if claim.certainty:
        facts.append(f"certainty: {link(model, here, claim.certainty)}")
    if claim.according_to:
        facts.append("according to " + ", ".join(link(model, here, a) for a in claim.according_to))
    about = ", ".join(link(model, here, b) for b in claim.bodies)
    facts.append(f"about {about}")
    if claim.start is not None:
        facts.append(f'<a href="{e(reader_href(here, claim))}">read it in the source</a>')
    facts.append(f'<a href="{e(iri_href(here, claim.iri))}">the annotation</a>')
    parts.append(f'<p class="claim-facts">{" · ".join(facts)}</p>')
    if claim.comment:
        parts.append(f'<p class="reason">{e(claim.comment)}</p>')
    return f'<li class="claim">{"".join(parts)}</li>'


def _statements(model: SiteModel, here: PurePosixPath, triples: list[ox.Triple]) -> str:
    grouped: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        grouped[triple.predicate.value].append(triple)
    rows = []
    for predicate in sorted(grouped, key=lambda p: (model.label(p).casefold(), p)):
        values = "<br>".join(value(model, here, object_of(t)) for t in grouped[predicate])
        rows.append(f"<tr><th scope=row>{link(model, here, predicate)}</th><td>{values}</td></tr>")
    return (
        '<table class="statements"><caption>Statements</caption>'
        '<thead><tr><th scope="col">Property</th><th scope="col">Value</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _participants(model: SiteModel, here: PurePosixPath, iri: str) -> str:
    rows = [
        f"<li>{link(model, here, actor)} — {', '.join(link(model, here, r) for r in roles)}</li>"
        for actor, roles in model.participants(iri)
    ]
    return f"<h2>Who took part</h2><ul>{''.join(rows)}</ul>" if rows else ""


def _quotes(model: SiteModel, iri: str) -> list[Claim]:
    return [c for c in model.claims_about(iri) if c.quote and not c.inferred]


def stance_history(model: SiteModel, here: PurePosixPath, holder: str) -> str:
    rows = []
    for stance in model.stances_of(holder):
        span = model.time(stance)
        cells = [
            e(span.words) if span else "not dated",
            ", ".join(link(model, here, v.value) for v in model.values(stance, _ISSUE)),
            ", ".join(link(model, here, v.value) for v in model.values(stance, _POLARITY)),
            ", ".join(link(model, here, v.value) for v in model.values(stance, _TOWARDS)) or "—",
            link(model, here, stance)
            + "".join(f'<br><q class="quote-of-stance">{e(c.quote)}</q>' for c in _quotes(model, stance)[:1]),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{h}</th>' for h in ("When", "Issue", "Polarity", "Towards", "Stance"))
    return (
        '<h2 id="stances">Stance history</h2><table class="stances"><caption>The stances it holds, in time order'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _appears_in(model: SiteModel, here: PurePosixPath, iri: str) -> str:
    by_subject: dict[str, set[str]] = defaultdict(set)
    for triple in model.inbound(iri):
        by_subject[model.owner(subject_iri(triple))].add(model.label(triple.predicate.value))
    if not by_subject:
        return ""
    items = [
        (
            model.label(s).casefold(),
            s,
            f"<li>{link(model, here, s)} <span class=note>({e(model.kind(s))}; "
            f"as {e(', '.join(sorted(by_subject[s])))})</span></li>",
        )
        for s in by_subject
    ]
    listed = "".join(item for *_, item in sorted(items))
    return f'<h2 id="appears-in">Appears in</h2><ul class="appears">{listed}</ul>'


def _wikidata(model: SiteModel, iri: str) -> str:
    items = [
        f'<li><a href="https://www.wikidata.org/wiki/{e(q[len(WD) :])}">Wikidata {e(q[len(WD) :])}</a></li>'
        for q in model.wikidata(iri)
    ]
    items += [
        f'<li>candidate, not confirmed: <a href="https://www.wikidata.org/wiki/{e(q[len(WD) :])}">'
        f"{e(q[len(WD) :])}</a></li>"
        for q in model.wikidata_candidates(iri)
        if q.startswith(WD)
    ]
    return f"<h2>Wikidata</h2><ul>{''.join(items)}</ul>" if items else ""


def schema_org(model: SiteModel, iri: str) -> dict:
    """The resource as schema.org describes such things, for search engines and generic readers."""
    kind = model.kind(iri)
    types = {"person": "Person", "event": "Event", "place": "Place", "article": "Article"}
    node: dict = {
        "@context": "https://schema.org/",
        "@id": iri,
        "@type": types.get(
            kind,
            "Organization"
            if kind in ("organisation", "group", "organisational unit")
            else "DefinedTerm"
            if iri.startswith(BASE + "vocab/")
            else "Thing",
        ),
        "name": model.label(iri),
    }
    if names := model.names(iri):
        node["alternateName"] = list(names)
    if sames := model.wikidata(iri):
        node["sameAs"] = sames
    if definition := model.definition(iri):
        node["description"] = definition
    span = model.time(iri)
    if span and node["@type"] == "Event":
        node["temporalCoverage"] = span.edtf or span.words
    return node


def resource_page(model: SiteModel, document: str, description_jsonld: str) -> bytes:
    here = home_of(document)
    members = model.members.get(document, [document])
    label = model.label(document)
    body = [f"<h1>{e(label)}</h1>", f'<p class="kind">{e(model.kind(document).capitalize())}</p>', rdf_links(document)]
    if names := model.names(document):
        body.append(f"<p>Also known as: {e(', '.join(names))}</p>")
    if definition := model.definition(document):
        body.append(f'<p class="definition">{e(definition)}</p>')
    if span := model.time(document):
        body.append("<h2>When</h2>" + time_html(model, here, span))
    body.append(_participants(model, here, document))
    body.append(_wikidata(model, document))
    own_claim = model.claims.get(document)
    if own_claim is not None:
        heading = "What we infer, and from which passage" if own_claim.inferred else "What the source says here"
        body.append(f'<h2 id="passage">{heading}</h2><ul class="claims">{claim_html(model, here, own_claim)}</ul>')
    claims = [c for c in model.claims_about(document) if c.iri != document]
    if claims:
        listed = "".join(claim_html(model, here, c) for c in claims)
        heading = "What the source says" + (", and what we infer" if any(c.inferred for c in claims) else "")
        body.append(f'<h2 id="claims">{heading}</h2><ul class="claims">{listed}</ul>')
    body.append(stance_history(model, here, document))
    own = model.about.get(document, [])
    if own:
        body.append(_statements(model, here, own))
    for member in members:
        if member == document:
            continue
        fragment = member.split("#", 1)[1]
        section = [
            f'<section id="{e(fragment)}"><h2>{e(model.label(member))}</h2>',
            f'<p class="kind">{e(model.kind(member).capitalize())} · <code>{e(member)}</code></p>',
        ]
        if definition := model.definition(member):
            section.append(f'<p class="definition">{e(definition)}</p>')
        section.append(_statements(model, here, model.about.get(member, [])))
        body.append("".join(section) + "</section>")
    body.append(_appears_in(model, here, document))
    embedded = description_jsonld + "\n" + json_script(schema_org(model, document))
    return page(here, label, "\n".join(b for b in body if b), alternates=True, embedded=embedded)


def reader_page(model: SiteModel, description_jsonld: str) -> bytes:
    """The article, every quoted passage highlighted and anchored; each passage links to the claims it supports."""
    here = home_of(SOURCE_ARTICLE.value)
    text = model.source_text
    quoted = [(c.start, c.end, c) for c in model.claims.values() if c.start is not None and c.end is not None]
    cuts = sorted({0, len(text), *(start for start, _, _ in quoted), *(end for _, end, _ in quoted)})
    starts: dict[int, list[Claim]] = defaultdict(list)
    for start, _, claim in quoted:
        starts[start].append(claim)
    pieces = []
    for begin, end in itertools.pairwise(cuts):
        anchors = "".join(
            f'<span class="anchor" id="{e(c.anchor)}"></span>'
            for c in sorted(starts.get(begin, []), key=lambda c: c.iri)
        )
        covering = sorted((stop - start, c.iri, c) for start, stop, c in quoted if start <= begin and end <= stop)
        segment = e(text[begin:end])
        if covering:
            ids = " ".join(c.anchor for *_, c in covering)
            first = covering[0][2]
            if any(character.isalnum() for character in text[begin:end]):
                # a link is named by its text: the words of the passage
                segment = f'<a class="quote" href="#about-{e(first.anchor)}" data-quotes="{e(ids)}">{segment}</a>'
            else:  # a space or a stop where another passage starts or ends: no link without words
                segment = f'<span class="quote" data-quotes="{e(ids)}">{segment}</span>'
        pieces.append(anchors + segment)
    passages = []
    for *_, claim in sorted(quoted, key=lambda q: (q[0], q[1], q[2].iri)):
        passages.append(
            f'<li id="about-{e(claim.anchor)}">' + claim_html(model, here, claim)[len('<li class="claim">') :]
        )
    body = (
        f"<h1>{e(model.label(SOURCE_ARTICLE.value))}</h1>{rdf_links(SOURCE_ARTICLE.value)}"
        f'<p class="note">{e(READER_NOTE)}</p>'
        '<div class="reader-panel" id="reader-panel" aria-live="polite" hidden></div>'
        f'<article class="source" lang="en"><pre class="text">{"".join(pieces)}</pre></article>'
        f'<h2 id="passages">The quoted passages and what they support</h2><ol class="claims">{"".join(passages)}</ol>'
    )
    return page(here, "Source reader", body, alternates=True, embedded=description_jsonld, script=True)
