"""Real SPARQL servers for the tests, started on 127.0.0.1 by the tests themselves."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
        _wait_until_up(base, process)
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
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base: str, process: subprocess.Popen, limit: float = 20) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"oxigraph exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"oxigraph did not answer on {base} within {limit} s")
