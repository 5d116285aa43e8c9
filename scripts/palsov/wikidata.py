"""A polite SPARQL client for Wikidata (or any endpoint standing in for it), through SPARQLWrapper.

Wikimedia's manners: a User-Agent naming the project, its version and a contact URL; one request
at a time; an on-disk cache of answers, so reruns and --offline need no network; retries with
backoff on 429 and 5xx that honour Retry-After; a timeout per request; and an answer that is not
SPARQL results JSON is an error, never an empty result. A cache entry is written atomically and
only for a complete, valid answer.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPException
from pathlib import Path

from . import __version__
from .errors import InputError
from .output import write_atomically

WIKIDATA = "https://query.wikidata.org/sparql"
USER_AGENT = f"palsov/{__version__} (https://w3id.org/palsov/; linked-data history project) SPARQLWrapper"
PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
RETRY_STATUSES = {429, 500, 502, 503, 504}


class EndpointError(InputError):
    """The endpoint could not give a valid answer, after the retries it deserved."""


@dataclass
class Client:
    endpoint: str = WIKIDATA
    cache_dir: Path | None = None
    offline: bool = False
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_wait: float = 120.0  # the longest Retry-After we honour
    sleep: Callable[[float], None] = time.sleep
    requests: int = field(default=0, init=False)  # how many went over the network

    def select(self, query: str) -> dict:
        """The SPARQL results JSON of a SELECT query, from the cache or the endpoint."""
        text = PREFIXES + query
        path = self._cache_path(text)
        if path is not None and path.exists():
            return json.loads(path.read_text(encoding="utf-8"))["response"]
        if self.offline:
            raise EndpointError(f"{self.endpoint}: --offline, and this query is not in the cache {self.cache_dir}")
        response = self._fetch(text)
        if path is not None:
            entry = {
                "endpoint": self.endpoint,
                "query": text,
                "retrieved": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "response": response,
            }
            write_atomically(path, json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        return response

    def retrieved(self, query: str) -> str | None:
        """When the cached answer to the query was fetched (ISO 8601), if it is cached."""
        path = self._cache_path(PREFIXES + query)
        if path is None or not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))["retrieved"]

    def _cache_path(self, text: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.endpoint}\n{text}".encode()).hexdigest()
        return self.cache_dir / f"{key}.json"

    def _fetch(self, text: str) -> dict:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            SPARQLWrapperException,
        )

        for attempt in range(self.retries + 1):
            client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
            client.setQuery(text)
            client.setMethod(POST)
            client.setReturnFormat(JSON)
            client.setTimeout(max(1, round(self.timeout)))
            wait: float | None = None
            try:
                self.requests += 1
                raw = client.query().response.read()
            except urllib.error.HTTPError as error:
                if error.code not in RETRY_STATUSES:
                    raise EndpointError(f"{self.endpoint}: the endpoint answered {error.code} {error.reason}") from None
                wait = _retry_after(error.headers.get("Retry-After"))
                problem = f"{error.code} {error.reason}"
            except EndPointInternalError:
                problem = "500 internal error"
            except EndPointNotFound:
                raise EndpointError(
                    f"{self.endpoint}: the endpoint answered 404: no SPARQL endpoint at this URL"
                ) from None
            except SPARQLWrapperException as error:
                raise EndpointError(
                    f"{self.endpoint}: the endpoint refused the query ({str(error).splitlines()[0]})"
                ) from None
            except (TimeoutError, urllib.error.URLError, HTTPException, OSError) as error:
                reason = getattr(error, "reason", error)
                problem = f"no answer ({reason})"
            else:
                return _results_json(self.endpoint, raw)
            if attempt == self.retries:
                raise EndpointError(f"{self.endpoint}: gave up after {attempt + 1} attempts: {problem}")
            delay = self.backoff * 2**attempt if wait is None else wait
            self.sleep(min(delay, self.max_wait))
        raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
        except ValueError:
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _results_json(endpoint: str, raw: bytes) -> dict:
    """The answer if it is SPARQL 1.1 results JSON; an EndpointError for anything else."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        start = raw[:60].decode("utf-8", errors="replace").strip().replace("\n", " ")
        raise EndpointError(
            f"{endpoint}: the answer is not SPARQL results JSON ({error}; it begins {start!r})"
        ) from None
    if not (
        isinstance(document, dict)
        and isinstance(document.get("head"), dict)
        and isinstance(document.get("results"), dict)
        and isinstance(document["results"].get("bindings"), list)
    ):
        raise EndpointError(f"{endpoint}: the answer is JSON but not SPARQL results JSON")
    return document


def values(document: dict, *names: str) -> list[tuple[str | None, ...]]:
    """The rows of a results document as tuples of plain values."""
    return [tuple(b[n]["value"] if n in b else None for n in names) for b in document["results"]["bindings"]]
