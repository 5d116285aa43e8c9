"""The `palsov` command (and `python -m palsov`): the process's signals are set up before anything
slow is imported, so that Ctrl-C even during start-up is one line and exit 130."""

import sys

from .signals import EXIT_INTERRUPTED, Interrupted, install


def main() -> None:
    install()
    try:
        from .cli import main as run

        run()
    except Interrupted:
        sys.stderr.write("palsov: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
