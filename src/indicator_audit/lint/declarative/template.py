"""Message templates: text with {expression} placeholders; {{ and }} stand for braces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from indicator_audit.lint.declarative import syntax
from indicator_audit.lint.declarative.compiler import Compiler, Eval, Quantifiers
from indicator_audit.lint.declarative.syntax import ConditionError
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import DocumentContext, Scope

Template = Callable[[DocumentContext, IndicatorFacts | None], str]


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, tuple):
        return "、".join(format_value(v) for v in value)
    return str(value)


def compile_template(
    text: str, scope: Scope = "indicator", quantifiers: Quantifiers | None = None
) -> Template:
    pieces: list[str | Eval] = []
    buf: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "{}" and text.startswith(ch * 2, i):
            buf.append(ch)
            i += 2
            continue
        if ch == "}":
            raise ConditionError("单独的“}”；要输出花括号请写“}}”", i)
        if ch != "{":
            buf.append(ch)
            i += 1
            continue
        end = text.find("}", i + 1)
        if end < 0:
            raise ConditionError("“{”没有对应的“}”；要输出花括号请写“{{”", i)
        inner = text[i + 1 : end]
        if not inner.strip():
            raise ConditionError("“{}”中应写字段或表达式", i)
        try:
            compiled = Compiler(scope, quantifiers).compile(syntax.parse_condition(inner)).fn
        except ConditionError as exc:
            raise ConditionError(exc.message, i + 1 + exc.offset) from None
        if buf:
            pieces.append("".join(buf))
            buf = []
        pieces.append(compiled)
        i = end + 1
    if buf:
        pieces.append("".join(buf))
    frozen = tuple(pieces)

    def render(d: DocumentContext, f: IndicatorFacts | None) -> str:
        return "".join(p if isinstance(p, str) else format_value(p(d, f)) for p in frozen)

    return render
