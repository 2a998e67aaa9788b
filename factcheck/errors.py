"""Typed errors. Each carries a one-line message; the CLI prints it and exits with status 2."""

from __future__ import annotations


class FactcheckError(Exception):
    """Base of every error factcheck raises on purpose (bad input, bad configuration)."""


class InputError(FactcheckError):
    """An article file that cannot be read as text: missing, a directory, empty, binary, too big."""


class DatabaseError(FactcheckError):
    """The database cannot be opened or written."""


class SourcesError(FactcheckError):
    """A mistake in sources.yaml or in a source given on the command line."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        # str(error) stays one line; `problems` keeps every mistake (one line each) for the CLI.
        super().__init__(message)
        self.problems: list[str] = list(problems) if problems else [message]


class FetchError(FactcheckError):
    """A page or a site that cannot be fetched."""
