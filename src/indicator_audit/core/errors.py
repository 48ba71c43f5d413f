"""An error in a file the user (or the project) wrote, with the place it stands."""

from __future__ import annotations

from collections.abc import Sequence


class LocatedError(Exception):
    def __init__(self, path: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.message = message
        self.line = line
        self.column = column

    def describe(self) -> str:
        """One line for the user: where, then what."""
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ConfigError(LocatedError):
    """A configuration file (or a rule pack it names) that cannot be used.

    One error may carry the others found with it (`problems`): a configuration is checked
    whole, so that every mistake in it is shown at once rather than one per run."""

    def __init__(
        self,
        path: str,
        message: str,
        line: int = 1,
        column: int = 1,
        more: Sequence[ConfigError] = (),
    ) -> None:
        super().__init__(path, message, line, column)
        self.more: tuple[ConfigError, ...] = tuple(more)

    @property
    def problems(self) -> tuple[ConfigError, ...]:
        return (self, *self.more)

    def __str__(self) -> str:
        return "\n".join(p.describe() for p in self.problems)


class OptionError(ConfigError):
    """A command-line option (or the library setting behind it) with a value that names
    nothing: blamed on the option, not on a file."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(option, message, 0, 0)  # no line: the command line
        self.option = option

    def describe(self) -> str:
        return f"参数 {self.option}：{self.message}"


def gather(problems: Sequence[ConfigError]) -> ConfigError:
    """One error that carries all of `problems` (each possibly carrying more), in order."""
    flat = [q for p in problems for q in p.problems]
    for q in flat:
        q.more = ()
    first = flat[0]
    first.more = tuple(flat[1:])
    return first


# A file whose check ran out of memory: said as that file's error, and the run goes on with
# the other files (a traceback, or a run that stops, would lose their results).
OUT_OF_MEMORY = "内存不足：检查该文件所需的内存超过了可用的内存，未能检查（文件过大或内容异常）"
