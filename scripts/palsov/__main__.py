"""The `palsov` command (and `python -m palsov`): the process's signals are set up before anything
slow is imported, so that Ctrl-C even during start-up is one line and exit 130."""

import sys

from .errors import EXIT_INTERRUPTED
from .runtime.signals import Interrupted, hold_back, install


def main() -> None:
    install()
    try:
        from .cli import main as run

        run()
    except Interrupted:
        sys.stderr.write("palsov: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        # The work is done (or given up): a signal now would meet Python's finalisation, which
        # restores the default handlers, and end the process without a word.
        hold_back()


if __name__ == "__main__":
    main()
