"""The `palsov` command (and `python -m palsov`): the process's signals are set up before anything
slow is imported, so that Ctrl-C even during start-up is one line and exit 130. `palsov --version`
alone is answered here, before click is imported (click takes twice as long to import as
pyoxigraph): the same line click's option prints (cli.py), nothing else loaded."""

import sys

from .errors import EXIT_INTERRUPTED
from .runtime.signals import Interrupted, hold_back, install, raise_swallowed
from .runtime.versions import version_line


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(version_line() + "\n")
        return
    install()
    try:
        from .cli import main as run

        try:
            run()
        except SystemExit as end:
            if not end.code:  # it ran on to success, past a Ctrl-C that Python could not raise
                raise_swallowed()
            raise
    except Interrupted:
        sys.stderr.write("palsov: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        # The work is done (or given up): a signal now would meet Python's finalisation, which
        # restores the default handlers, and end the process without a word.
        hold_back()


if __name__ == "__main__":
    main()
