"""argparse in Chinese: usage, section titles, help and every argument error.

argparse builds its English text with gettext at the moment it reports; rather than touch
the process-wide gettext catalogue, the parser below names its own sections and help, and
its `error` rewrites argparse's (few, stable) error sentences before printing them. An error
exits with code 2 and the usage of the command it concerns.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

EXIT_USAGE = 2

# Names argparse uses for arguments that have no option string.
_NAMES = {"command": "命令", "paths": "PATH", "texts": "TEXT", "code": "CODE_OR_NAME"}


def _names(text: str) -> str:
    """A list of argument names as argparse joins them ("--format/-f, PATH")."""
    return "、".join(_NAMES.get(n.strip(), n.strip()) for n in text.split(","))


def _choices(text: str) -> str:
    """argparse's "'rich', 'json'" (or "rich, json") as "rich、json"."""
    return "、".join(c.strip().strip("'\"") for c in text.split(","))


def _value(text: str) -> str:
    """argparse's repr of a value ('HTML') in Chinese quotes."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return f"“{text}”"


# argparse's sentences about one argument (after "argument X: "), Python 3.11–3.13. Kept as
# strings: they are read only on a bad command line, and `re.match` compiles them then.
_ABOUT_ARGUMENT: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (
        r"invalid choice: (?P<v>.+?) \(choose from (?P<c>.*)\)$",
        lambda m: f"无效的取值{_value(m['v'])}（可选：{_choices(m['c'])}）",
    ),
    (r"expected one argument$", lambda m: "需要一个值"),
    (r"expected at most one argument$", lambda m: "最多只能有一个值"),
    (r"expected at least one argument$", lambda m: "至少需要一个值"),
    (r"expected (?P<n>\d+) arguments?$", lambda m: f"需要 {m['n']} 个值"),
    (
        r"invalid (?P<t>\S+) value: (?P<v>.+)$",
        lambda m: f"无效的值{_value(m['v'])}",
    ),
    (
        r"not allowed with argument (?P<a>.+)$",
        lambda m: f"不能与参数 {m['a']} 同时使用",
    ),
    (r"ignored explicit argument (?P<v>.+)$", lambda m: f"不接受值{_value(m['v'])}"),
]

# argparse's sentences about the command line as a whole.
_ABOUT_LINE: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"unrecognized arguments: (?P<a>.+)$", lambda m: f"无法识别的参数：{m['a']}"),
    (
        r"the following arguments are required: (?P<a>.+)$",
        lambda m: f"缺少必需的参数：{_names(m['a'])}",
    ),
    (
        r"one of the arguments (?P<a>.+) is required$",
        lambda m: f"以下参数必须给出其中一个：{m['a']}",
    ),
    (
        r"ambiguous option: (?P<o>\S+) could match (?P<c>.+)$",
        lambda m: f"选项 {m['o']} 不明确，可能是：{_choices(m['c'])}",
    ),
    (
        r"unknown parser (?P<v>\S+) \(choices: (?P<c>.*)\)$",
        lambda m: f"没有命令{_value(m['v'])}（可选：{_choices(m['c'])}）",
    ),
]
_ARGUMENT = r"^argument (?P<a>.+?): (?P<rest>.+)$"


def translate(message: str) -> str:
    """argparse's English error sentence in Chinese; a sentence it has never been seen to
    say is kept, after a Chinese lead, rather than guessed at."""
    m = re.match(_ARGUMENT, message, re.S)
    if m is not None:
        name = _names(m["a"])
        for pattern, say in _ABOUT_ARGUMENT:
            found = re.match(pattern, m["rest"])
            if found is not None:
                return f"参数 {name}：{say(found)}"
        return f"参数 {name} 有误（{m['rest']}）"
    for pattern, say in _ABOUT_LINE:
        found = re.match(pattern, message)
        if found is not None:
            return say(found)
    return f"命令行有误（{message}）"


def lower(text: str) -> str:
    """Choice values are matched without regard to case: `-f HTML` is `-f html`."""
    return text.lower()


class HelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word a user reads is Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # its English help line is replaced below
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出"
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: 参数错误：{translate(message)}\n")
        sys.stderr.write(f"（运行 {self.prog} -h 查看全部选项）\n")
        raise SystemExit(EXIT_USAGE)


def choice(
    parser: argparse.ArgumentParser,
    *flags: str,
    choices: Sequence[str],
    default: str,
    help: str,
    metavar: str,
) -> None:
    """An option taking one of `choices`, any case, with its choices and default in the help."""
    parser.add_argument(
        *flags,
        type=lower,
        choices=list(choices),
        default=default,
        metavar=metavar,
        help=f"{help}（{'、'.join(choices)}；默认 {default}）",
    )
