"""`palsov link accept`: a verified link recorded in data/links.ttl with its two sources, the file's
own layout kept, under a lock, and only if the data with it still conform."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..project import Project
from ..rdf.files import locked, write_durably
from ..rdf.graph import KnowledgeGraph
from ..rdf.io import regular_file, serialized
from ..rdf.vocab import (
    DCTERMS,
    ID,
    OA,
    OWL_SAME_AS,
    RDF_TYPE,
    RDFS_COMMENT,
    SKOS_EXACT_MATCH,
    WD,
    WIKIDATA_CANDIDATE,
    XSD_DATE,
)
from ..validation.validate import require_conforming, validate_project
from .resources import resources

_QID = re.compile(r"^Q[1-9][0-9]*$")


def valid_qid(qid: str) -> str:
    qid = qid.removeprefix("wd:").removeprefix(WD)
    if not _QID.match(qid):
        raise InputError(f"{qid!r} is not a Wikidata item id (Q followed by a number without leading zero)")
    return qid


def accept(project: Project, resource: str, qid: str, sources: list[str], note: str | None = None) -> None:
    """Record a verified link in data/links.ttl: owl:sameAs and skos:exactMatch, and the oa:identifying annotation that
    says how it was verified, appended as a block of its own; the file's hand-written layout is
    kept as it is. A candidate on the same resource is withdrawn with the record that judged it
    (their blocks are taken out). One writer at a time: data/ is locked from reading the data to
    writing the file, so two accepts at once keep both links."""
    qid = valid_qid(qid)
    distinct = sorted({s.strip() for s in sources if s.strip()})
    if len(distinct) < 2:
        raise InputError("a link needs two independent sources (--source twice): one is a candidate, not a link")
    path = project.data_dir / "links.ttl"
    with locked(project.data_dir):
        before = _current(path)
        known = resources(KnowledgeGraph.read(project))
        iri = resource if resource.startswith("http") else ID + resource.replace(":", "/", 1)
        if iri not in known:
            raise InputError(
                f"{resource}: no such resource (actor, place, event, period, mission, relation, document) in the data"
            )
        holders = [r.label for r in known.values() if r.item == qid and r.iri != iri]
        if holders:
            raise InputError(f"wd:{qid} is already linked from {holders[0]}; one item denotes one thing")
        subject = ox.NamedNode(iri)
        record = ID(f"link/{iri.rsplit('/', 1)[1]}")
        text = before.decode("utf-8") if before is not None else _LINKS_HEADER
        kept = _without_candidate(path, text, subject, record)
        triples = _link_triples(subject, WD(qid), record, distinct, note)
        text = kept + _block(text, triples, f"{resource} is wd:{qid}")
        # Check the result before it replaces the file: a link that breaks a shape is not written.
        with tempfile.TemporaryDirectory() as folder:
            trial = Path(folder) / "links.ttl"
            trial.write_text(text, encoding="utf-8")
            files = [trial if p == path else p for p in project.data_files()]
            if path not in project.data_files():
                files.append(trial)
            require_conforming(
                validate_project(project, files), f"the link was not written ({path} was left as it was)"
            )
        if _current(path) != before:
            raise InputError(f"{path}: changed while the link was being checked; nothing was written, run it again")
        write_durably(path, text.encode("utf-8"))


_LINKS_HEADER = (
    "# palsov data \u2014 Wikidata links (owl:sameAs and skos:exactMatch), each with the annotation that records "
    "how it was verified, and unverified candidates.\n"
)
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.?\s*$", re.M | re.I)


def _current(path: Path) -> bytes | None:
    if not path.exists():
        return None
    regular_file(path)
    return path.read_bytes()


def _prefixes(text: str) -> dict[str, str]:
    return {match.group(1) or "": match.group(2) for match in _PREFIX_LINE.finditer(text)}


def _parsed(text: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}


def _without_candidate(path: Path, text: str, subject: ox.NamedNode, record: ox.NamedNode) -> str:
    """The text without the blocks (paragraphs) that state the resource's candidate or its record;
    an InputError if they share a block with other statements, which only a person should edit."""

    def withdrawn(triple: ox.Triple) -> bool:
        return triple.subject == record or (triple.subject == subject and triple.predicate == WIKIDATA_CANDIDATE)

    try:
        everything = _parsed(text)
    except SyntaxError as error:
        raise InputError(f"{path}: line {error.lineno}: {error.msg}") from None
    if not any(withdrawn(t) for t in everything):
        return text
    declarations = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in _prefixes(text).items())
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    kept = []
    for n in range(0, len(paragraphs), 2):
        paragraph, separator = paragraphs[n], paragraphs[n + 1] if n + 1 < len(paragraphs) else ""
        try:
            stated = _parsed(declarations + paragraph)
        except SyntaxError:
            stated = set()
        if stated and all(withdrawn(t) for t in stated):
            continue
        kept.append(paragraph + separator)
    result = "".join(kept).rstrip("\n") + "\n"  # no blank lines left where the paragraphs were, at the end
    if _parsed(result) != {t for t in everything if not withdrawn(t)}:
        line = next((n for n, line in enumerate(text.splitlines(), 1) if "wikidataCandidate" in line), 1)
        raise InputError(
            f"{path}: line {line}: the candidate to withdraw shares its paragraph with other statements; "
            "withdraw it by hand, then accept the link"
        )
    return result


def _link_triples(
    subject: ox.NamedNode, item: ox.NamedNode, record: ox.NamedNode, sources: list[str], note: str | None
) -> list[ox.Triple]:
    how = note or "Verified by hand: two independent sources confirm the item."
    return [
        ox.Triple(subject, OWL_SAME_AS, item),
        ox.Triple(subject, SKOS_EXACT_MATCH, item),
        ox.Triple(record, RDF_TYPE, OA("Annotation")),
        ox.Triple(record, OA("motivatedBy"), OA("identifying")),
        ox.Triple(record, OA("hasTarget"), subject),
        ox.Triple(record, OA("hasBody"), item),
        ox.Triple(record, DCTERMS("created"), ox.Literal(date.today().isoformat(), datatype=XSD_DATE)),
        ox.Triple(record, RDFS_COMMENT, ox.Literal(how, language="en")),
        *(ox.Triple(record, DCTERMS("source"), ox.Literal(s)) for s in sources),
    ]


def _block(text: str, triples: list[ox.Triple], title: str) -> str:
    """The triples as a paragraph to append to the file, in the prefixed names it declares (and
    full IRIs for the rest), after a blank line and a comment saying what it records."""
    declared = _prefixes(text)
    body = serialized(triples, ox.RdfFormat.TURTLE, declared).decode("utf-8")
    statements = []  # the file's own layout: the subject on a line of its own, then its statements
    for line in body.splitlines():
        if not line.strip() or _PREFIX_LINE.match(line):
            continue
        if line.startswith("\t"):
            statements.append("    " + line.strip())
        else:
            subject, rest = line.split(" ", 1)
            statements += [*([""] if statements else []), subject, "    " + rest]
    lines = "\n".join(statements)
    lead = "" if text.endswith("\n") else "\n"
    return f"{lead}\n# {title}: accepted with palsov link accept on {date.today().isoformat()}.\n{lines}\n"
