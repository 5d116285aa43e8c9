"""The one HTTP client of palsov, for every request it sends: SPARQL endpoints (`query --endpoint`,
the SERVICE calls of the embedded store), Wikidata (`link`), stores (`load`), and the endpoint we
serve in front of its Oxigraph child.

Built on httpx. What it adds: http(s) URLs only; a deadline for the whole request, from the
connection to the last byte (httpx's timeouts are per read: a server that drips a byte a second
never trips them), enforced by shutting the socket when it passes; retries with backoff on 429,
5xx, timeouts and dropped connections, honouring Retry-After; one User-Agent naming the project
(Wikimedia's policy asks for it); and every failure as one line.
"""

from __future__ import annotations

import contextlib
import netrc
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, ServiceError
from ..runtime.progress import note, stage
from ..runtime.versions import palsov_version
from .vocab import BASE

if TYPE_CHECKING:
    from collections.abc import Generator

    import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Not followed: a redirected POST or PUT may silently become a GET.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@cache
def user_agent() -> str:
    """The one User-Agent of every request (asked for when the first is sent: httpx and the package
    metadata are slow to import, and most commands send nothing)."""
    import httpx

    return f"palsov/{palsov_version()} ({BASE}; linked-data history project) httpx/{httpx.__version__}"


def checked_url(url: str) -> str:
    """The URL if it is http(s) with a host; an InputError for anything else (file:, a bare word)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http:// or https:// URL")
    return url


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes

    @property
    def media_type(self) -> str:
        content_type: str = self.headers.get("Content-Type", "")
        return content_type.split(";", 1)[0].strip().lower()

    def first_line(self) -> str:
        """The body's first line, for an error message (an HTML page's title, or its first text)."""
        if self.media_type == "text/html":
            page = self.body[:4000].decode("utf-8", errors="replace")
            title = re.search(r"<title[^>]*>(.*?)</title>", page, re.I | re.S)
            text = title.group(1) if title else re.sub(r"<[^>]*>|<[^>]*$", " ", page)
            return " ".join(text.split())[:200]
        text = self.body[:200].decode("utf-8", errors="replace").strip()
        return text.splitlines()[0] if text else ""


class _Expired(Exception):
    pass


#: Where `palsov load` and `palsov query --endpoint` find credentials for their endpoint, before ~/.netrc.
USER_VARIABLE = "PALSOV_HTTP_USER"
PASSWORD_VARIABLE = "PALSOV_HTTP_PASSWORD"


def credentials(url: str) -> tuple[str, str] | None:
    """The user and password for the URL's host: from PALSOV_HTTP_USER and PALSOV_HTTP_PASSWORD,
    else from the netrc file (NETRC, or ~/.netrc), as curl finds them; never from the command line,
    where every user of the machine can read them."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user is not None or password is not None:
        if user is None or password is None:
            raise InputError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return user, password
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(path).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as error:
        raise InputError(f"{error.filename}: line {error.lineno}: {error.msg}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    return (entry[0], entry[2] or "") if entry else None


def challenge_auth(url: str, user: str, password: str) -> httpx.Auth:
    """Credentials for the URL's server only, sent when it asks (401) in the scheme it asks for:
    Digest (Virtuoso's /sparql-graph-crud-auth) or Basic. Another host (a SERVICE call, a
    redirect) never sees them."""
    import httpx

    netloc = urllib.parse.urlsplit(url).netloc.encode()

    class ChallengeAuth(httpx.DigestAuth):
        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            if request.url.netloc != netloc:
                yield request
                return
            digest = super().auth_flow(request)
            response = yield next(digest)
            try:
                yield digest.send(response)  # the server asked for Digest: the request again, signed
                return
            except StopIteration:
                pass
            schemes = [h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")]
            if response.status_code == 401 and "basic" in schemes:
                yield next(httpx.BasicAuth(user, password).auth_flow(request))

    return ChallengeAuth(user, password)


@dataclass
class HttpClient:
    timeout: float = 60.0  # seconds for a whole request, connection to last byte
    retries: int = 4
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    max_wait: float = 120.0  # the longest wait we accept, Retry-After included
    sleep: Callable[[float], None] = time.sleep
    show_progress: bool = True  # on a terminal; not for requests made on a server's threads
    auth: httpx.Auth | None = None  # see challenge_auth
    requests: int = field(default=0, init=False)  # how many were sent

    def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
        service: str = "the endpoint",
        final: Callable[[Response], bool] | None = None,
    ) -> Response:
        """The answer to the request, whatever its status but a transient one (429, 5xx), which is
        retried unless `retry` is False or `final` says that this answer would come again (a 500
        that explains a fault of the request); a ServiceError when there is no answer after the
        retries."""
        import httpx

        checked_url(url)
        attempts = self.retries + 1 if retry else 1
        with stage(f"waiting for {url}") if self.show_progress else contextlib.nullcontext():
            for attempt in range(1, attempts + 1):
                wait = None
                try:
                    response = self._once(method, url, content, headers)
                except _Expired:
                    problem = f"no answer within {self.timeout:g} s"
                except httpx.ConnectError as error:
                    raise ServiceError(f"{url}: cannot reach {service} ({_reason(error)})") from None
                except (httpx.TransportError, OSError) as error:
                    problem = f"the connection failed ({_reason(error)})"
                else:
                    if response.status in _REDIRECTS:
                        where = response.headers.get("Location", "elsewhere")
                        raise ServiceError(f"{url}: {service} moved ({response.status}) to {where}; name that URL")
                    if response.status not in RETRY_STATUSES or not retry or (final and final(response)):
                        return response
                    problem = f"answered {response.status} {response.reason}"
                    wait = retry_after(response.headers.get("Retry-After"))
                if attempt == attempts:
                    tried = f"gave up after {attempts} attempts: " if attempts > 1 else ""
                    raise ServiceError(f"{url}: {tried}{problem}")
                delay = min(self.backoff * 2 ** (attempt - 1) if wait is None else wait, self.max_wait)
                if self.show_progress:
                    note(f"{url}: {problem}; trying again in {delay:g} s (attempt {attempt + 1} of {attempts})")
                self.sleep(delay)
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, content: bytes | None, headers: dict[str, str] | None) -> Response:
        """One request, cut off at the deadline: the sockets it opens are shut when it passes."""
        import httpx

        self.requests += 1
        sockets: list[socket.socket] = []
        expired = threading.Event()

        def trace(event: str, info: dict[str, Any]) -> None:
            if event in ("connection.connect_tcp.complete", "connection.connect_unix_socket.complete"):
                sockets.append(info["return_value"].get_extra_info("socket"))

        def expire() -> None:
            expired.set()
            for opened in sockets:
                with contextlib.suppress(OSError):  # already closed
                    opened.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            with (
                httpx.Client(timeout=self.timeout, headers={"User-Agent": user_agent()}, auth=self.auth) as client,
                client.stream(method, url, content=content, headers=headers, extensions={"trace": trace}) as answer,
            ):
                body = b"".join(answer.iter_bytes())
                if expired.is_set():
                    raise _Expired
                return Response(url, answer.status_code, answer.reason_phrase, answer.headers, body)
        except httpx.TimeoutException:
            raise _Expired from None
        except (httpx.TransportError, OSError):
            if expired.is_set():  # the deadline shut the socket under the read
                raise _Expired from None
            raise
        finally:
            timer.cancel()


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date."""
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
