"""A real Apache httpd (Debian's apache2) on 127.0.0.1, serving a folder with .htaccess files
honoured (mod_rewrite, AllowOverride All), as w3id.org runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from palsov.endpoints.serve import stop

from .services import missing, require_service

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
APACHE_MISSING = missing("Apache httpd is not installed (Debian: apt-get install apache2, which .ci/run does)")


def apache_available() -> bool:
    return Path(APACHE).is_file() and (MODULES / "mod_rewrite.so").is_file()


def readable_folder() -> Path:
    """A new folder Apache's unprivileged worker can read (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="palsov-apache-"))
    folder.chmod(0o755)
    return folder


def _config(root: Path, run: Path, port: int) -> str:
    modules = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "alias")
    loads = "\n".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so" for name in modules)
    return f"""{loads}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {run}/httpd.pid
DefaultRuntimeDir {run}
Mutex file:{run} default
ErrorLog {run}/error.log
LogLevel warn rewrite:trace2
User nobody
Group nogroup
TypesConfig /etc/mime.types
DocumentRoot {root}
DirectoryIndex index.html
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory {root}>
  AllowOverride All
  Options FollowSymLinks
  Require all granted
</Directory>
"""


@contextmanager
def apache_server(root: Path, port: int, extra: str = "") -> Iterator[str]:
    """Apache serving `root` (readable by others: see readable_folder) on the port; yields its base URL."""
    require_service(apache_available(), APACHE_MISSING)
    run = Path(tempfile.mkdtemp(prefix="palsov-apache-run-"))
    (run / "httpd.conf").write_text(_config(root, run, port) + extra)
    process = subprocess.Popen(
        [APACHE, "-f", str(run / "httpd.conf"), "-DFOREGROUND"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "APACHE_RUN_DIR": str(run)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                said = process.stderr.read().decode(errors="replace") if process.stderr else ""
                log = (run / "error.log").read_text(errors="replace") if (run / "error.log").exists() else ""
                raise AssertionError(f"apache2 stopped at start: {said.strip()} {log.strip()}")
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise AssertionError("apache2 did not answer within 20 s") from None
                time.sleep(0.05)
        yield base
    finally:
        stop(process)
        shutil.rmtree(run, ignore_errors=True)
