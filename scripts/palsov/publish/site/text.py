"""`palsov describe` and `palsov search`: the site's resource model, printed as a historian reads it."""

from __future__ import annotations

import pyoxigraph as ox

from ...errors import InputError
from ...rdf.terms import object_of, short
from ...rdf.vocab import BASE, PALSOV, PREFIXES, WD
from .layout import is_published
from .model import Claim, SiteModel, TimeSpan, subject_iri

_ISSUE = PALSOV("issue").value
_POLARITY = PALSOV("polarity").value
_TOWARDS = PALSOV("towards").value


def resolve(model: SiteModel, thing: str) -> str:
    """The IRI a CURIE (actor:soviet-union, palsov:holder), an IRI or a name (a label, another name or
    the source's spelling, case ignored) names; an InputError in one line for anything else."""
    text = thing.strip()
    candidates = [text.strip("<>")]
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES:
        candidates.insert(0, PREFIXES[prefix] + local)
    for iri in candidates:
        if iri in model.about or iri in model.pointing:
            if not is_published(iri):
                raise InputError(f"{thing!r} is not a palsov resource: its IRI is not under {BASE}")
            return iri
    named = [
        entry for entry in model.find(text) if text.casefold() in (n.casefold() for n in (entry.label, *entry.names))
    ]
    if len(named) == 1:
        return named[0].iri
    if len(named) > 1:
        choices = "; ".join(f"{short(ox.NamedNode(e.iri))} ({e.kind})" for e in named[:5])
        raise InputError(f"{thing!r} names {len(named)} resources: {choices}; give a CURIE or an IRI")
    found = model.find(text)
    hint = f"; did you mean {', '.join(short(ox.NamedNode(e.iri)) for e in found[:3])}?" if found else ""
    raise InputError(f"unknown thing {thing!r}: no resource has this CURIE, IRI or name{hint}")


def _name(model: SiteModel, iri: str) -> str:
    label = model.label(iri)
    curie = short(ox.NamedNode(iri))
    return label if label == curie else f"{label} [{curie}]"


def _value(model: SiteModel, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return _name(model, term.value)
    if isinstance(term, ox.Literal):
        text = term.value if len(term.value) <= 300 else term.value[:300] + f"… ({len(term.value)} characters)"
        return text.replace("\n", " ")
    return str(term)


def _time(model: SiteModel, span: TimeSpan) -> str:
    details = [f"EDTF {span.edtf}"] if span.edtf else []
    if span.precision:
        details.append(f"precision: {model.label(span.precision)}")
    details += [f"{name} {date}" for name, date in span.bounds]
    return f"{span.words} ({'; '.join(details)})" if details else span.words


def _claim(model: SiteModel, claim: Claim) -> list[str]:
    lines = [f'  "{claim.quote}"' if claim.quote is not None else "  (no quote)"]
    facts = ["our inference, not the source's claim"] if claim.inferred else []
    if claim.certainty:
        facts.append(f"certainty: {model.label(claim.certainty)}")
    if claim.according_to:
        facts.append("according to " + ", ".join(model.label(a) for a in claim.according_to))
    if claim.start is not None:
        facts.append(f"source characters {claim.start}–{claim.end}")
    facts.append(short(ox.NamedNode(claim.iri)))
    lines.append("    " + "; ".join(facts))
    if claim.comment:
        lines.append(f"    why: {claim.comment}")
    return lines


def describe(model: SiteModel, document: str) -> str:
    """The resource in words: what it is, when, who took part, its claims, its stances, its
    statements, what links to it and its Wikidata item."""
    lines = [model.label(document), f"{short(ox.NamedNode(document))}  <{document}>", ""]
    lines.append(f"What it is: {model.kind(document)}")
    if names := model.names(document):
        lines.append(f"Also known as: {', '.join(names)}")
    if definition := model.definition(document):
        lines.append(f"Definition: {definition}")
    if span := model.time(document):
        lines.append(f"When: {_time(model, span)}")
    taking_part = [
        f"  {model.label(actor)} ({', '.join(model.label(r) for r in roles)})"
        for actor, roles in model.participants(document)
    ]
    if taking_part:
        lines += ["", "Who took part:", *taking_part]
    wikidata = model.wikidata(document)
    candidates = [q for q in model.wikidata_candidates(document) if q.startswith(WD)]
    if wikidata or candidates:
        lines.append("")
        lines += [f"Wikidata: {q[len(WD) :]}  https://www.wikidata.org/wiki/{q[len(WD) :]}" for q in wikidata]
        lines += [f"Wikidata candidate (not confirmed): {q[len(WD) :]}" for q in candidates]
    own = model.claims.get(document)
    if own is not None:
        lines += ["", "The passage:", *_claim(model, own)]
    claims = [c for c in model.claims_about(document) if c.iri != document]
    if claims:
        lines += ["", f"What the source says ({len(claims)}):"]
        for claim in claims:
            lines += _claim(model, claim)
    stances = model.stances_of(document)
    if stances:
        lines += ["", f"Stances it holds ({len(stances)}, in time order):"]
        for stance in stances:
            span = model.time(stance)
            issue = ", ".join(model.label(v.value) for v in model.values(stance, _ISSUE))
            polarity = ", ".join(model.label(v.value) for v in model.values(stance, _POLARITY))
            towards = ", ".join(model.label(v.value) for v in model.values(stance, _TOWARDS))
            when = span.words if span else "not dated"
            lines.append(f"  {when}: {polarity} on {issue}{f' (towards {towards})' if towards else ''}")
            lines.append(f"    {model.label(stance)} [{short(ox.NamedNode(stance))}]")
            quotes = [c.quote for c in model.claims_about(stance) if c.quote and not c.inferred]
            lines += [f'    "{quote}"' for quote in quotes[:1]]
    statements = model.about.get(document, [])
    if statements:
        lines += ["", "Statements:"]
        for triple in statements:
            lines.append(f"  {model.label(triple.predicate.value)}: {_value(model, object_of(triple))}")
    inbound = sorted(
        {(model.owner(subject_iri(t)), model.label(t.predicate.value)) for t in model.inbound(document)},
        key=lambda pair: (model.label(pair[0]).casefold(), pair),
    )
    if inbound:
        lines += ["", f"What links to it ({len({s for s, _ in inbound})}):"]
        lines += [f"  {_name(model, s)} ({model.kind(s)}), as {p}" for s, p in inbound]
    return "\n".join(lines) + "\n"


def search(model: SiteModel, text: str) -> str:
    """One line a resource, best match first: its short name, what it is, its label and other names."""
    found = model.find(text)
    lines = []
    for entry in found:
        names = f" (also {', '.join(entry.names)})" if entry.names else ""
        lines.append(f"{short(ox.NamedNode(entry.iri))}\t{entry.kind}\t{entry.label}{names}")
    return "".join(line + "\n" for line in lines)
