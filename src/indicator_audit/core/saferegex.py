"""Regular expressions from users (rule packs), run in time linear in the text.

Python's `re` backtracks: `(a+)+$` on thirty `a`s and a `b` runs for minutes, and even
`a.*b.*c` takes longer than a minute on a 5,000-character value. Pack patterns therefore run
under RE2 (google-re2), which never backtracks. RE2 has no back-references or look-arounds; a
pattern using them is refused at load with the reason. So that `\\d`, `\\w` and `\\s` mean what
they mean in Python on Chinese text (full-width digits, the ideographic space), they are
rewritten to RE2's Unicode classes before compiling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Python's Unicode meaning of the class escapes, in RE2 syntax: (outside a class, inside one)
_CLASSES = {
    "d": (r"\p{Nd}", r"\p{Nd}"),
    "D": (r"\P{Nd}", None),
    "w": (r"[\p{L}\p{N}_]", r"\p{L}\p{N}_"),
    "W": (r"[^\p{L}\p{N}_]", None),
    "s": (r"[\s\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]",
          r"\s\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"),
    "S": (r"[^\s\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]",
          None),
}  # fmt: skip


class UnsafePattern(ValueError):
    """A pattern that cannot run in linear time (or is invalid); the message says why."""


def _translate(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _CLASSES:
                outside, inside = _CLASSES[nxt]
                if in_class and inside is None:
                    raise UnsafePattern(f"字符类中不支持 \\{nxt}")
                out.append(inside if in_class and inside is not None else outside)
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            # a "]" right after "[" or "[^" is a literal
            for lead in ("^", "]"):
                if pattern.startswith(lead, i + 1):
                    out.append(lead)
                    i += 1
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def compile_search(pattern: str) -> Callable[[str], bool]:
    """A function telling whether `pattern` occurs in a text, in linear time. UnsafePattern
    (a ValueError) with the reason when RE2 cannot run the pattern."""
    import re2  # type: ignore[import-untyped]

    options: Any = re2.Options()
    options.log_errors = False  # the reason goes into our message, not to stderr
    try:
        regex: Any = re2.compile(_translate(pattern), options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise UnsafePattern(
            f"{reason}（规则包的正则按 RE2 执行，保证线性时间：不支持反向引用与前后断言）"
        ) from None
    search = regex.search

    def found(text: str) -> bool:
        return search(text) is not None

    return found
