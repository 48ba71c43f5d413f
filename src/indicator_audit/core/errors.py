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


# A file whose check ran out of memory: said as that file's error, and the run goes on with
# the other files (a traceback, or a run that stops, would lose their results).
OUT_OF_MEMORY = "内存不足：检查该文件所需的内存超过了可用的内存，未能检查（文件过大或内容异常）"
