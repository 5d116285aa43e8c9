"""Real SPARQL servers for the tests, started on 127.0.0.1 by the tests themselves."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from palsov.endpoints.serve import stop, wait_until_up

from .jena import classpath as jena_classpath
from .services import missing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def oxigraph_server(
    *,
    read_only_from: Path | None = None,
    location: Path | None = None,
    data: bytes | None = None,
    media_type: str = "application/n-triples",
    union_default_graph: bool = False,
) -> Iterator[str]:
    """An `oxigraph serve` on a free loopback port; yields its base URL (…:port).

    With `data`, the triples are pushed into the default graph through the Graph Store Protocol
    before the URL is handed out; with `read_only_from`, an existing store folder is served
    read-only, and with `location` read-write. With `union_default_graph`, the default graph is
    every graph of the store (by default it is the unnamed graph alone, so a store loaded from
    N-Quads answers nothing).
    """
    binary = shutil.which("oxigraph")
    assert binary, "the test extra installs the oxigraph server (pip install '.[test]')"
    port = free_port()
    if read_only_from is not None:
        command = [
            binary,
            "serve-read-only",
            "--location",
            str(read_only_from),
            "--bind",
            f"127.0.0.1:{port}",
        ]
    else:
        command = [binary, "serve", "--bind", f"127.0.0.1:{port}"]
        if location is not None:
            command += ["--location", str(location)]
    if union_default_graph:
        command.append("--union-default-graph")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        if data is not None:
            request = urllib.request.Request(
                f"{base}/store?default",
                data=data,
                method="POST",
                headers={"Content-Type": media_type},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status in (200, 201, 204)
        yield base
    finally:
        stop(process)


@dataclass
class Reply:
    """One scripted answer: status, headers, body, a delay before answering, and a fault: the body
    dripped a byte at a time (`drip` seconds apart), cut off after `truncate` bytes of the length
    announced, or the connection reset (`reset`) before the request's body is read."""

    status: int = 200
    body: bytes = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/sparql-results+json"})
    delay: float = 0.0
    drip: float = 0.0
    truncate: int | None = None
    reset: bool = False


@contextmanager
def fault_server(replies: list[Reply]) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """An HTTP server on loopback that answers each request with the next scripted reply (the last
    one repeats); yields its /sparql URL and the headers of every request it received."""
    received: list[dict[str, str]] = []
    queue = list(replies)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
            received.append(dict(self.headers))
            if reply.reset:  # RST at once, in the middle of the client's upload
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                body = reply.body if reply.truncate is None else reply.body[: reply.truncate]
                if reply.drip:
                    for n in range(len(body)):
                        self.wfile.write(body[n : n + 1])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                else:
                    self.wfile.write(body)
                if reply.truncate is not None:
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is what a slow-answer test wants

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args: object) -> None:  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", received
    finally:
        server.shutdown()
        server.server_close()


def oxigraph_store(location: Path, *files: Path) -> Path:
    """An Oxigraph store folder loaded offline (`oxigraph load`) with the files, for a server to open:
    N-Quads keep their graphs, N-Triples go into the unnamed graph."""
    binary = shutil.which("oxigraph")
    assert binary, "the test extra installs the oxigraph server (pip install '.[test]')"
    for file in files:
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(file)], check=True, capture_output=True
        )
    return location


# ------------------------------------------------------------------------------- Virtuoso

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
VIRTUOSO_MISSING = missing(
    "Virtuoso 7 is not installed (Debian: apt-get install virtuoso-opensource-7-bin, which .ci/run does)"
)
#: Every path in the temporary folder, both ports on loopback; no row cap a test could meet unawares
#: (Debian's ini cuts a SELECT at 10,000 rows, silently).
_VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
DirsAllowed        = {folder}/load
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
MaxQueryMem        = 256M
ThreadsPerQuery    = 2
CaseMode           = 2

[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {folder}
ServerThreads      = 10
MaxClientConnections = 10
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 120
MaxQueryCostEstimationTime = 400
"""


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


@dataclass(frozen=True)
class Virtuoso:
    """A running private Virtuoso: its SPARQL endpoint, and SQL through isql-vt."""

    sparql: str
    sql_port: int
    folder: Path

    def sql(self, statements: str) -> str:
        """Run SQL statements as dba; an AssertionError with Virtuoso's message when one fails
        (isql-vt itself exits 0 when a statement fails)."""
        completed = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        said = completed.stdout + completed.stderr
        assert completed.returncode == 0 and "*** Error" not in said, f"isql-vt: {said.strip()}"
        return completed.stdout

    def bulk_load(self, file: Path, graph: str) -> None:
        """Load a file with the bulk loader (ld_dir + rdf_loader_run), then checkpoint: the loader
        writes no transaction log. N-Quads keep their own graphs; triples go into `graph`. The
        loader skips a file it cannot parse and says so only in its load list: that is checked."""
        folder = self.folder / "load"
        folder.mkdir(exist_ok=True)
        shutil.copy(file, folder / file.name)
        self.sql(f"ld_dir('{folder}', '{file.name}', '{graph}'); rdf_loader_run(); checkpoint;")
        errors = self.sql(
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST"
            f" WHERE ll_file LIKE '%/{file.name}' AND ll_error IS NOT NULL;"
        )
        assert "0 Rows" in errors, f"Virtuoso did not load {file.name}: {errors}"


@contextmanager
def virtuoso_server() -> Iterator[Virtuoso]:
    """A private Virtuoso 7 (Debian's virtuoso-t) on two free loopback ports, its database, ini and
    logs in a temporary folder that goes with it. Its default graph is every graph it holds,
    including about 2,500 triples of its own (schemas of its system graphs)."""
    assert virtuoso_available(), VIRTUOSO_MISSING
    with tempfile.TemporaryDirectory(prefix="virtuoso-") as name:
        folder = Path(name)
        (folder / "load").mkdir()
        sql_port, http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(_VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
        log = folder / "stdout.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [VIRTUOSO, "+foreground", "+configfile", str(ini)],
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        sparql = f"http://127.0.0.1:{http_port}/sparql"
        try:
            _wait_for_virtuoso(process, sparql, log)
            yield Virtuoso(sparql=sparql, sql_port=sql_port, folder=folder)
        finally:
            stop(process)


def _wait_for_virtuoso(process: subprocess.Popen, sparql: str, log: Path, timeout: float = 60) -> None:
    """Until this process (not one left on the port by another run) says it is online and answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"virtuoso-t stopped at start: {log.read_text(errors='replace')[-600:]}")
        if "Server online at" in log.read_text(errors="replace"):
            try:
                urllib.request.urlopen(f"{sparql}?query={urllib.parse.quote('ASK {}')}", timeout=2).close()
                return
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.1)
    raise AssertionError(f"virtuoso-t did not answer on {sparql} within {timeout:.0f} s")


# ------------------------------------------------------------------------------- Jena

#: The strict reader of the standard: ARQ with its extensions switched off.
JENA_MISSING = missing("Jena is not installed (Debian: apt-get install libapache-jena-java, which .ci/run does)")


def jena_parse(query: str, work: Path) -> subprocess.CompletedProcess[str]:
    """Jena ARQ's qparse of the query as SPARQL 1.1 (exit 0 when it parses; 2 and the line and
    column otherwise). Without --syntax=SPARQL_11 qparse accepts ARQ's extensions."""
    file = work / "query.rq"
    file.write_text(query, encoding="utf-8")
    return subprocess.run(
        ["java", "-cp", jena_classpath(work), "arq.qparse", "--syntax=SPARQL_11", "--query", str(file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
