"""Generated files appear whole or not at all, readable by others, and are checksummed correctly."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from palsov.rdf.files import atomic_file, sha256_of, write_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "palsov.trig"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), atomic_file(target) as temporary:
        temporary.write_bytes(b"half of the new")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["palsov.trig"]


def test_a_written_file_replaces_the_old_and_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "dist" / "palsov.ttl"
    write_atomically(target, "first\n")
    write_atomically(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["palsov.ttl"]


def test_a_checksum_follows_the_file_when_it_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "palsov.nt"
    write_atomically(target, b"a" * 3_000_000)
    assert sha256_of(target) == hashlib.sha256(b"a" * 3_000_000).hexdigest()
    write_atomically(target, b"b" * 3_000_000)  # same size, same second: a new file all the same
    assert sha256_of(target) == hashlib.sha256(b"b" * 3_000_000).hexdigest()
