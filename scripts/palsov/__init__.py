"""palsov: a linked-data knowledge graph of Palestine–Soviet Union relations (1919–1991)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("palsov")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
