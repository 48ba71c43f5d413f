"""Spelling that machines misread: look-alike comparators and full-width digits.

Both come with a mechanical, meaning-preserving fix (`check --fix`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import Span
from indicator_audit.lint.registry import CELL_FIELDS, IndicatorContext, indicator_rule

# Look-alike or two-character spellings → the one symbol forms and systems expect.
_CANONICAL = {
    "≧": "≥",
    "⩾": "≥",
    ">=": "≥",
    "=>": "≥",
    "＞＝": "≥",
    "≦": "≤",
    "⩽": "≤",
    "<=": "≤",
    "=<": "≤",
    "＜＝": "≤",
    "═": "=",
    "＝": "=",
    "==": "=",
    "＞": ">",
    "＜": "<",
}
_SPELLING = re.compile("|".join(re.escape(k) for k in sorted(_CANONICAL, key=len, reverse=True)))
# Full-width digits, letters, %, and the decimal point between full-width digits.
_FULLWIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ％]+(?:[．][０-９]+)?")
_TO_ASCII = {code: chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)}
_TO_ASCII.update({code: chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)})
_TO_ASCII.update({code: chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)})
_TO_ASCII.update({ord("％"): "%", ord("．"): "."})
_VALUE_FIELDS = ("target", "comparator", "unit", "actual")


@indicator_rule(
    code="IA304",
    reads=CELL_FIELDS,
    name="comparator-spelling",
    kind="comparator",
    severity=Severity.INFO,
    source="practice（预算系统按 ≥ ≤ = 识别指标性质；≧、═、>= 等写法常被误读）",
    summary="比较符号写成了形近字符或两个字符（≧ ≦ ═ >= <=），可自动改为 ≥ ≤ =",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 受资助学生人数, "
    "target: '>=735人'}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 受资助学生人数, "
    "target: ≥735人}",
)
def comparator_spelling(ctx: IndicatorContext) -> Iterator[Finding]:
    """“≧”“═”“>=”看起来对，导入预算系统或按指标性质统计时却不被识别。改为 ≥、≤、=。"""
    fields = ctx.facts.indicator.fields
    for field in ("target", "comparator"):
        text = getattr(fields, field) or ""
        m = _SPELLING.search(text)
        if m is None:
            continue
        if field == "target" and not _is_comparator_position(text, m.start()):
            continue
        want = _CANONICAL[m.group(0)]
        yield ctx.finding(
            field,
            f"比较符号“{m.group(0)}”应写作“{want}”",
            span=Span(m.start(), m.end()),
            suggestion=f"改为“{want}”",
            edit=ctx.edit(field, m.start(), m.end(), want),
        )


def _is_comparator_position(text: str, at: int) -> bool:
    """Before a number (or a placeholder), not inside a formula such as A/B*100%."""
    rest = text[at:].lstrip("≧≦═=<>＜＞＝⩾⩽ ")
    return bool(rest) and (rest[0].isdigit() or rest[0] in "０１２３４５６７８９xX*＊")


@indicator_rule(
    code="IA355",
    reads=CELL_FIELDS,
    name="fullwidth-digits",
    kind="schema",
    severity=Severity.INFO,
    source="practice（全角数字和“％”在导入、汇总时常被当作文字）",
    summary="数值中有全角数字或全角“％”，可自动改为半角",
    bad="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, "
    "target: ≥９５％}",
    good="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, "
    "target: ≥95%}",
)
def fullwidth_digits(ctx: IndicatorContext) -> Iterator[Finding]:
    """全角的“９５％”人能读懂，表格软件和预算系统却不把它当数字。"""
    fields = ctx.facts.indicator.fields
    for field in _VALUE_FIELDS:
        text = getattr(fields, field) or ""
        m = _FULLWIDTH.search(text)
        if m is None:
            continue
        fixed = m.group(0).translate(_TO_ASCII)
        yield ctx.finding(
            field,
            f"“{m.group(0)}”是全角字符，应写作“{fixed}”",
            span=Span(m.start(), m.end()),
            suggestion=f"改为“{fixed}”",
            edit=ctx.edit(field, m.start(), m.end(), fixed),
        )
