"""`palsov serve`: the build as a read-only SPARQL endpoint on 127.0.0.1, and its site on the same
port (every other path, `endpoints.site`), safe to leave running.

A small front of ours answers on the port the user names and routes each request; behind it, an
Oxigraph server (`serve-read-only`, with a query timeout) holds the store on a private loopback
port. The front is what makes it safe, which Oxigraph alone is not:

- it answers only requests addressed to itself (the Host header names 127.0.0.1 or localhost and
  its port), so a web page cannot reach it through a DNS name rebound to 127.0.0.1;
- it refuses queries that call SERVICE (any GET can carry one, and the store would fetch any URL
  it names), unless the user allowed that endpoint with --allow-service, and then the call is
  made by our own HTTP client, never by the store;
- a query runs at most --timeout-s seconds; updates are refused.

The store is made by the `oxigraph` command itself (load, then serve-read-only) in a temporary
folder, so server and storage are of one version. Nothing outlives `palsov serve`, however it is
stopped: SIGINT, SIGTERM and SIGHUP unwind it; on SIGKILL the kernel kills the Oxigraph child
(PR_SET_PDEATHSIG) and a watcher process removes the folder; a folder left anyway (the watcher
killed too) is removed by the next start.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, ServiceError
from ..publish.void import describe
from ..queries.run import READABLE, answer_services
from ..rdf.graph import KnowledgeGraph
from ..rdf.http import HttpClient, Response
from ..rdf.sparql import service_calls
from ..runtime.children import fork, spawn

HOST = "127.0.0.1"
DEFAULT_TIMEOUT_S = 30
SPARQL_PATH = "/sparql"
_FOLDER_PREFIX = "palsov-serve-"
_MAX_BODY = 1 << 20  # the longest request body (a query, form-encoded) the front reads


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise InputError("the oxigraph server is not installed (pip install oxigraph)")
    return binary


# ------------------------------------------------------------------------------------ routing


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    parameters: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Answer:
        return cls(status, (message + "\n").encode("utf-8"))


Route = Callable[[Request], Answer]


class Router:
    """Requests by path to their handlers, after the checks every request must pass (its Host)."""

    def __init__(self, port: int) -> None:
        self.hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        self.routes: dict[str, Route] = {}
        self.fallback: Route = _nothing_here

    def add(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def answer(self, request: Request) -> Answer:
        host = request.headers.get("host", "").lower()
        if host not in self.hosts:
            return Answer.text(421, f"this endpoint answers only requests for {' or '.join(sorted(self.hosts))}")
        return self.routes.get(request.path, self.fallback)(request)


def _nothing_here(request: Request) -> Answer:
    return Answer.text(404, f"nothing at {request.path}; the SPARQL endpoint is at /sparql")


def _handler(router: Router) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "palsov"
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle's algorithm, each answer on a kept-alive
        # connection waited for the client's delayed ACK (40 ms a request: a crawl of the site, 190 s)
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                self._send(Answer.text(413, f"a request body is at most {_MAX_BODY} bytes"))
                return
            request = Request(
                method=self.command,
                path=url.path,
                parameters=urllib.parse.parse_qs(url.query),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            self._send(router.answer(request))

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _serve

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.media_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:  # a quiet endpoint; errors are in the answers
            pass

    return Handler


# ---------------------------------------------------------------------------- the SPARQL route


@dataclass
class SparqlRoute:
    """The read-only SPARQL 1.1 protocol: the query checked here, then run by the store behind."""

    backend: str  # the Oxigraph child's /query URL
    timeout_s: float
    allowed_services: frozenset[str] = frozenset()

    def __call__(self, request: Request) -> Answer:
        if request.method not in ("GET", "POST"):
            return Answer.text(405, "a SPARQL query is a GET or a POST")
        found = self._query(request)
        if isinstance(found, Answer):
            return found
        query, dataset = found
        try:
            calls = service_calls(query)
        except InputError as error:
            return Answer.text(400, str(error))
        for call in calls:
            if call.target is None or call.target not in self.allowed_services:
                allowed = ", ".join(sorted(self.allowed_services)) or "none"
                return Answer.text(
                    403,
                    f"SERVICE {call.target_token.text} is refused: this endpoint calls only the services its "
                    f"operator allowed (palsov serve --allow-service URL; allowed: {allowed})",
                )
        if calls:
            try:
                query = answer_services(query, HttpClient(timeout=self.timeout_s, retries=0, show_progress=False))
            except InputError as error:
                return Answer.text(502, f"a SERVICE call failed: {error}")
        return self._relay(query, dataset, request.headers.get("accept"))

    def _query(self, request: Request) -> tuple[str, list[tuple[str, str]]] | Answer:
        parameters = dict(request.parameters)
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        query = None
        if request.method == "POST":
            if media_type == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(request.body.decode("utf-8", errors="replace"))
                parameters = {**parameters, **form}
            elif media_type == "application/sparql-query":
                query = request.body.decode("utf-8", errors="replace")
            else:
                return Answer.text(415, "POST a query as application/x-www-form-urlencoded or application/sparql-query")
        if query is None:
            if "update" in parameters:
                return Answer.text(403, "this endpoint is read-only: updates are refused")
            queries = parameters.get("query", [])
            if len(queries) != 1:
                return Answer.text(400, "give exactly one query (the query parameter)")
            query = queries[0]
        dataset = [
            (name, value) for name in ("default-graph-uri", "named-graph-uri") for value in parameters.get(name, [])
        ]
        return query, dataset

    def _relay(self, query: str, dataset: list[tuple[str, str]], accept: str | None) -> Answer:
        client = HttpClient(timeout=self.timeout_s + 5, show_progress=False)
        try:
            response: Response | None = client.request(
                "POST",
                self.backend,
                content=urllib.parse.urlencode([("query", query), *dataset]).encode(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": accept or "application/sparql-results+json",
                },
                retry=False,
            )
        except ServiceError:
            response = None
        if response is None or (response.status == 200 and not _complete(response)):
            return Answer.text(
                503, f"the query was stopped: it ran past this endpoint's limit of {self.timeout_s:g} s, or failed"
            )
        return Answer(response.status, response.body, response.headers.get("Content-Type", "text/plain"))


def _complete(response: Response) -> bool:
    """Whether the store's answer is whole. Oxigraph streams results: a query stopped at its
    timeout still answers 200, with the rows so far and the error appended. So the answer is read
    before it is passed on, in every format pyoxigraph reads; CSV is known by that ending."""
    media_type = response.media_type
    results = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    try:
        if results in READABLE:
            parsed = ox.parse_query_results(response.body, format=results)
            if isinstance(parsed, ox.QuerySolutions):
                for _ in parsed:
                    pass
        elif media_type and (rdf_format := ox.RdfFormat.from_media_type(media_type)) is not None:
            for _ in ox.parse(response.body, format=rdf_format):
                pass
        else:
            return not response.body.rstrip().endswith(b"has been cancelled")
    except (SyntaxError, ValueError):
        return False
    return True


def read_only(request: Request) -> Answer:
    return Answer.text(403, "this endpoint is read-only: updates are refused")


# ------------------------------------------------------------------------------- the processes


def _remove_stale_folders() -> None:
    """Folders of earlier runs whose process is gone (killed, its watcher too)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_FOLDER_PREFIX}*-*"):
        pid = folder.name[len(_FOLDER_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_over(folder: Path) -> tuple[int, int]:
    """A watcher that removes the folder once this process is gone, however it went: it waits on a
    pipe whose only writer is this process, which the kernel closes even on SIGKILL. Returns the
    watcher's pid and the pipe's write end, to close when the folder is cleaned up here."""
    read_end, write_end = os.pipe()
    pid = fork(stoppable_child=False)  # the terminal's Ctrl-C reaches the whole group; this one stays
    if pid == 0:
        try:
            os.closerange(3, read_end)  # the listening socket among them: the port is not held here
            os.closerange(read_end + 1, os.sysconf("SC_OPEN_MAX"))
            while os.read(read_end, 1):
                pass
            deadline = time.monotonic() + 5
            while folder.exists() and time.monotonic() < deadline:
                shutil.rmtree(folder, ignore_errors=True)
                time.sleep(0.05)
        finally:
            os._exit(0)
    os.close(read_end)
    return pid, write_end


def _private_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _bind(port: int, router: Router) -> ThreadingHTTPServer:
    server_class = type("Front", (ThreadingHTTPServer,), {"allow_reuse_address": True, "daemon_threads": True})
    try:
        return server_class((HOST, port), _handler(router))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {HOST} is already in use; choose another with --port") from None
        raise InputError(f"cannot listen on {HOST}:{port} ({error.strerror})") from None


class _Backend:
    """The Oxigraph child and the tail of what it says on standard error (read as it comes: an
    unread pipe fills and blocks the child)."""

    def __init__(self, command: list[str]) -> None:
        self.process = spawn(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.said: collections.deque[str] = collections.deque(maxlen=20)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None  # a pipe: read here as it comes
        for line in self.process.stderr:
            self.said.append(line.decode(errors="replace").rstrip())

    def last_words(self) -> str:
        time.sleep(0.05)  # what it said as it stopped
        return next((line for line in reversed(self.said) if line), "no message")


@contextmanager
def served(
    triples: list[ox.Triple],
    port: int,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    allowed_services: frozenset[str] = frozenset(),
    start_timeout: float = 30,
    site: Callable[[Path], Route] | None = None,
) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    """The endpoint: the front listening on the port and the store behind it, both ready; yields
    the front's base URL and its server, to run with `serve_forever`. `site`, given the private
    folder (removed with the rest), makes the route for every other path (`endpoints.site`: the
    pages and the IRIs' content negotiation)."""
    router = Router(port)
    front = _bind(port, router)
    _remove_stale_folders()
    binary = oxigraph_binary()
    folder = Path(tempfile.mkdtemp(prefix=f"{_FOLDER_PREFIX}{os.getpid()}-"))
    watch = backend = None
    try:
        watch = _watch_over(folder)
        dump = folder / "build.nt"
        ox.serialize(triples, output=str(dump), format=ox.RdfFormat.N_TRIPLES)
        location = folder / "store"
        loaded = subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(dump)],
            capture_output=True,
            text=True,
            check=False,
        )
        if loaded.returncode != 0:
            raise InputError(f"oxigraph could not load the build: {loaded.stderr.strip().splitlines()[-1]}")
        private = _private_port()
        backend = _Backend(
            [
                binary,
                "serve-read-only",
                "--location",
                str(location),
                "--bind",
                f"{HOST}:{private}",
                "--timeout-s",
                f"{timeout_s:g}",
            ]
        )
        wait_until_up(f"http://{HOST}:{private}", backend.process, start_timeout, backend.last_words)
        sparql = SparqlRoute(f"http://{HOST}:{private}/query", timeout_s, allowed_services)
        router.add(SPARQL_PATH, sparql)
        router.add("/query", sparql)  # Oxigraph's name for it, kept for the clients that know that one
        router.add("/update", read_only)
        if site is not None:
            router.fallback = site(folder)
        yield f"http://{HOST}:{port}", front
    finally:
        front.server_close()
        if backend is not None:
            stop(backend.process)
        shutil.rmtree(folder, ignore_errors=True)
        if watch is not None:
            watcher, watching = watch
            os.close(watching)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(watcher, 0)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop; kill it if it has not within ten seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(
    base: str, process: subprocess.Popen[bytes], timeout: float = 30, last_words: Callable[[], str] | None = None
) -> None:
    """Return once the server at `base` answers a query; an InputError if it stops or stays silent."""
    deadline = time.monotonic() + timeout
    client = HttpClient(timeout=1, retries=0, show_progress=False)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = last_words() if last_words else _said(process)
            raise InputError(f"the oxigraph server stopped at start: {said or 'no message'}")
        try:
            client.request("GET", f"{base}/query?query=ASK%7B%7D")
            return
        except ServiceError:
            time.sleep(0.05)
    raise InputError(f"the oxigraph server did not answer on {base} within {timeout:.0f} s")


def _said(process: subprocess.Popen[bytes]) -> str:
    return process.stderr.read().decode(errors="replace").strip() if process.stderr else ""


def served_triples(kg: KnowledgeGraph, endpoint: str) -> list[ox.Triple]:
    """The build as served: the merged graph and its description, naming this endpoint."""
    return [*kg.all_triples(), *describe(kg.store, sparql_endpoint=endpoint)]
