"""An error in a file the user (or the project) wrote, with the place it stands."""

from __future__ import annotations


class LocatedError(Exception):
    def __init__(self, path: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.message = message
        self.line = line
        self.column = column


class ConfigError(LocatedError):
    """A configuration file (or a rule pack it names) that cannot be used."""
