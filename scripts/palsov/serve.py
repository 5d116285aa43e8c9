"""`palsov serve`: a read-only SPARQL endpoint (the Oxigraph server) on 127.0.0.1 with the build.

The store is made by the `oxigraph` command itself (load, then serve-read-only) in a temporary
folder that is removed on exit, so the server and its storage are always of one version.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .graph import KnowledgeGraph

HOST = "127.0.0.1"


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise InputError("the oxigraph server is not installed (pip install oxigraph)")
    return binary


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


@contextmanager
def served(triples: list[ox.Triple], port: int, timeout: float = 30) -> Iterator[str]:
    """A read-only Oxigraph server holding the triples in its default graph; yields its base URL."""
    if not _port_is_free(port):
        raise InputError(f"port {port} on {HOST} is already in use; choose another with --port")
    binary = oxigraph_binary()
    with tempfile.TemporaryDirectory(prefix="palsov-serve-") as folder:
        dump = Path(folder) / "build.nt"
        ox.serialize(triples, output=str(dump), format=ox.RdfFormat.N_TRIPLES)
        location = Path(folder) / "store"
        loaded = subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(dump)],
            capture_output=True,
            text=True,
            check=False,
        )
        if loaded.returncode != 0:
            raise InputError(f"oxigraph could not load the build: {loaded.stderr.strip().splitlines()[-1]}")
        process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(location), "--bind", f"{HOST}:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://{HOST}:{port}"
        try:
            wait_until_up(base, process, timeout)
            yield base
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ask the server to stop; kill it if it has not within ten seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 30) -> None:
    """Return once the server at `base` answers a query; an InputError if it stops or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
            raise InputError(f"the oxigraph server stopped at start: {error or 'no message'}")
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise InputError(f"the oxigraph server did not answer on {base} within {timeout:.0f} s")


def served_triples(kg: KnowledgeGraph, endpoint: str) -> list[ox.Triple]:
    """The build as served: the merged graph and its description, naming this endpoint."""
    from .describe import describe

    return [*kg.all_triples(), *describe(kg, sparql_endpoint=endpoint)]
