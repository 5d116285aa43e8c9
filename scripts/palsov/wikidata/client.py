"""Wikidata (or any endpoint standing in for it), asked politely and remembered.

Every request goes through the one HTTP client (a User-Agent naming the project, a deadline,
retries with backoff that honour Retry-After, strict reading of the results), one at a time.
Answers are cached under data/wikidata/cache/, so reruns and --offline need no network; an answer
is cached only once it has been read and interpreted in full, so a malformed answer is an error
now and never a poisoned cache later, and a cache entry that cannot be read is a miss: fetched
again and repaired online, reported offline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

from ..errors import ServiceError
from ..queries.run import Results, Row, run_endpoint
from ..rdf.files import write_atomically
from ..rdf.http import HttpClient
from ..rdf.terms import kind as kind_of
from ..rdf.vocab import WD, WIKIDATA_ENDPOINT, WIKIDATA_PREFIXES, prefix_declarations

WIKIDATA = WIKIDATA_ENDPOINT
#: Sent with every query, as Wikidata's own endpoint declares them.
PREFIXES = prefix_declarations(WIKIDATA_PREFIXES)

T = TypeVar("T")


class AnswerError(ValueError):
    """Results that are SPARQL, but not the answer to what was asked (a missing or ill-typed value)."""


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    endpoint: str  # where it came from (offline, perhaps another endpoint than the one named)
    retrieved: str  # when, ISO 8601


@dataclass
class Client:
    endpoint: str = WIKIDATA
    cache_dir: Path | None = None
    offline: bool = False
    http: HttpClient = field(default_factory=HttpClient)
    #: Whether the user named the endpoint; if not, --offline takes an answer cached from any.
    endpoint_named: bool = True

    def select(self, query: str, interpret: Callable[[Results], T]) -> Answer[T]:
        """The interpreted answer to a SELECT query, from the cache or the endpoint."""
        text = PREFIXES + query
        for entry in self._cached(text):
            try:
                return Answer(interpret(entry.results), entry.endpoint, entry.retrieved)
            except AnswerError:
                continue  # a cached answer that no longer reads: a miss
        if self.offline:
            raise ServiceError(self._not_cached(text))
        results = run_endpoint(self.endpoint, text, self.http)
        try:
            value = interpret(results)
        except AnswerError as error:
            raise ServiceError(
                f"{self.endpoint}: the answer is SPARQL results, but not the ones asked for ({error})"
            ) from None
        retrieved = datetime.now(UTC).replace(microsecond=0).isoformat()
        if self.cache_dir is not None:
            record = {"endpoint": self.endpoint, "query": text, "retrieved": retrieved, "response": results.document()}
            write_atomically(
                self._path(text, self.endpoint), json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            )
        return Answer(value, self.endpoint, retrieved)

    def _path(self, text: str, endpoint: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / f"{_digest(text)[:40]}-{_digest(endpoint)[:12]}.json"

    def _cached(self, text: str) -> list[_Entry]:
        """The readable cache entries for the query: this endpoint's; offline with no endpoint
        named, any endpoint's, the latest first."""
        if self.cache_dir is None:
            return []
        if self.offline and not self.endpoint_named:
            paths = sorted(self.cache_dir.glob(f"{_digest(text)[:40]}-*.json"))
        else:
            paths = [self._path(text, self.endpoint)]
        entries = [entry for path in paths if (entry := _read_entry(path, text)) is not None]
        return sorted(entries, key=lambda e: e.retrieved, reverse=True)

    def _not_cached(self, text: str) -> str:
        if self.cache_dir is not None:
            paths = self.cache_dir.glob(f"{_digest(text)[:40]}-*.json")
            others = [entry.endpoint for path in paths if (entry := _read_entry(path, text))]
            if others:
                return (
                    f"{self.endpoint}: --offline, and this query's answer is cached from {others[0]}, not from this "
                    f"endpoint; name that one with --endpoint {others[0]}"
                )
        return f"{self.endpoint}: --offline, and this query is not in the cache {self.cache_dir}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class _Entry:
    endpoint: str
    retrieved: str
    results: Results


def _read_entry(path: Path, text: str) -> _Entry | None:
    """A cache entry, or None if it is missing or cannot be read as one (it is then fetched again)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry["query"] != text:
            return None
        results = Results.from_document(entry["response"], str(path))
        return _Entry(str(entry["endpoint"]), str(entry["retrieved"]), results)
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        return None


# ---------------------------------------------------------------------- reading the rows strictly


def value(row: Row, name: str, kind: str | None = None) -> str:
    """The row's value of the variable, which must be bound (to a term of this kind, if given:
    uri, bnode or literal)."""
    if name not in row:
        raise AnswerError(f"?{name} is not bound in a row")
    term = row[name]
    if kind is not None and kind_of(term) != kind:
        raise AnswerError(f"?{name} is a {kind_of(term)}, not a {kind}: {term.value!r}")
    return term.value


def item(row: Row, name: str) -> str:
    """The row's Wikidata item (its QID) bound to the variable."""
    iri = value(row, name, "uri")
    if not iri.startswith(WD):
        raise AnswerError(f"?{name} is not a Wikidata item: {iri}")
    return iri[len(WD) :]
