"""palsov: a linked-data knowledge graph of Palestine–Soviet Union relations (1919–1991)."""


def __getattr__(name: str) -> str:
    # The version is looked up when asked for, not on import: importlib.metadata takes longer to
    # import than the rest of start-up, and until the command has set up its signals a Ctrl-C
    # would end it with a traceback.
    if name != "__version__":
        raise AttributeError(f"module 'palsov' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("palsov")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
