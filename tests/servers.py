"""Real SPARQL servers for the tests, started on 127.0.0.1 by the tests themselves."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from palsov.endpoints.serve import stop, wait_until_up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def oxigraph_server(
    *,
    read_only_from: Path | None = None,
    data: bytes | None = None,
    media_type: str = "application/n-triples",
) -> Iterator[str]:
    """An `oxigraph serve` on a free loopback port; yields its base URL (…:port).

    With `data`, the triples are pushed into the default graph through the Graph Store Protocol
    before the URL is handed out; with `read_only_from`, an existing store folder is served
    read-only.
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

        do_GET = do_POST = do_PUT = _answer

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
