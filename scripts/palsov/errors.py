"""Errors the command line turns into a one-line message and an exit status (see the brief)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1  # the data failed a check
EXIT_USAGE = 2  # bad usage, unreadable input, broken shapes
EXIT_UNSUPPORTED = 3  # a feature palsov does not support, or an internal error
EXIT_INTERRUPTED = 130  # SIGINT, SIGTERM or SIGHUP


class PalsovError(Exception):
    """An error with a message meant for the user and the exit status it calls for."""

    exit_code = EXIT_USAGE


class InputError(PalsovError):
    """Unreadable or malformed input: a missing file, a syntax error, an unknown name."""

    exit_code = EXIT_USAGE


class ServiceError(InputError):
    """A service could not be reached or gave no valid answer (after the retries it deserved)."""


class ShapesError(InputError):
    """A shapes graph that is not well-formed SHACL: the shape, the cause and the spec section."""


class DataError(PalsovError):
    """The input was read but failed a check."""

    exit_code = EXIT_DATA


class UnsupportedError(PalsovError):
    """Legal input that asks for a feature palsov does not implement (rather than a wrong answer)."""

    exit_code = EXIT_UNSUPPORTED
