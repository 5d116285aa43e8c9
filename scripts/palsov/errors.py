"""Errors the command line turns into a one-line message and an exit status (see the brief)."""

EXIT_OK = 0
EXIT_DATA = 1  # the data failed a check
EXIT_USAGE = 2  # bad usage or unreadable input


class PalsovError(Exception):
    """An error with a message meant for the user and the exit status it calls for."""

    exit_code = EXIT_USAGE


class InputError(PalsovError):
    """Unreadable or malformed input: a missing file, a syntax error, an unknown name."""

    exit_code = EXIT_USAGE


class DataError(PalsovError):
    """The input was read but failed a check."""

    exit_code = EXIT_DATA
