"""Declarative rules: YAML packs whose `when` conditions are written in a small language
(grammar/condition.lark; described in docs/conditions.md).

    - code: IA901
      name: availability-required
      kind: structure
      severity: warning
      scope: document
      when: project.type == "信息化运维" and not any(name contains "可用率")
      message: 信息化运维项目“{project.name}”没有系统可用率指标
      source: 某省 2024 年信息化项目绩效指标指引

A condition is parsed once, when its pack loads, and compiled into a tree of closures: checking
50,000 indicators calls closures, never the parser. Quantifiers (count/any/all/sum) look at the
whole document, so each is computed once per document and remembered. The result is ordinary
`Rule` objects: selection, suppression, baselines, rule docs and SARIF treat them like any other.

A broken pack (YAML, an unknown key or field, a syntax error, a bad regex, a duplicate code) is
one `PackError` — a `ConfigError`, so the CLI exits 2 — located at file, line and column.
"""

from __future__ import annotations

import builtins
import difflib
import operator
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark.visitors import Interpreter

from indicator_audit.core.errors import ConfigError
from indicator_audit.core.findings import KINDS, Finding, Severity
from indicator_audit.core.parsed import CellKind, Direction
from indicator_audit.core.resources import read_resource
from indicator_audit.core.saferegex import UnsafePattern, compile_search
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import (
    INTERNAL_CODES,
    DocumentContext,
    IndicatorContext,
    Rule,
    RuleMeta,
    Scope,
)
from indicator_audit.read.source import (
    Mapping,
    Node,
    Scalar,
    Source,
    SourceError,
    load_text,
    read_file,
)
from indicator_audit.read.source import Sequence as SeqNode

# The built-in packs (rules/declarative/), always loaded.
BUILTIN_PACKS: tuple[str, ...] = ("declarative/builtin.yaml",)
MAX_CONDITION = 4000  # characters: a longer "condition" is a pasted mistake

Eval = Callable[[DocumentContext, IndicatorFacts | None], Any]


class PackError(ConfigError):
    """A broken rule pack, located in the pack file (the CLI reports it and exits 2)."""


class ConditionError(Exception):
    """A condition or template that does not compile; `offset` is inside its text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# ---------------------------------------------------------------------------------------------
# Fields


@dataclass(frozen=True, slots=True)
class FieldSpec:
    get: Callable[[Any], Any]  # IndicatorFacts → value, or DocumentContext → value
    type: str  # "str", "num", "bool", "list"
    indicator: bool  # a field of one indicator (else of the document)
    help: str  # Chinese, for docs/conditions.md and error hints
    values: frozenset[str] | None = None  # the closed set of values, when there is one


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


def _number(value: str | float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, float | int):
        return float(value)
    m = _NUMBER.match(value)
    return float(m.group(1)) if m else None


_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}
# Spellings a pack author may use for a comparator value; the field itself gives the symbol.
_COMPARATOR_ALIASES = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "═": "=", "==": "="}
_CATEGORIES = frozenset({"output", "outcome", "satisfaction", "cost", "input"})


def _comparator(f: IndicatorFacts) -> str | None:
    c = f.comparator
    return _SYMBOL.get(c[0].op) if c is not None else None


def _direction(f: IndicatorFacts) -> str | None:
    c = f.comparator
    return c[0].direction.value if c is not None else None


def _unit_attr(f: IndicatorFacts, attr: str) -> Any:
    u = f.unit
    return getattr(u[0], attr) if u is not None else None


def _deadline(f: IndicatorFacts) -> bool:
    return any(c.date is not None or c.deadline for c in f.target_parsed.clauses)


def _actual_value(f: IndicatorFacts) -> float | None:
    parsed = f.actual_parsed
    if parsed is None or parsed.error is not None or len(parsed.clauses) != 1:
        return None
    return parsed.clauses[0].value


def _upper(f: IndicatorFacts) -> float | None:
    clause = f.clause
    return clause.upper if clause is not None else None


def _family_dimensions(f: IndicatorFacts) -> tuple[str, ...] | None:
    fam = f.family
    return tuple(fam.dimensions) if fam is not None else None


def _ind(
    get: Callable[[IndicatorFacts], Any], type_: str, help_: str, values: Any = None
) -> FieldSpec:
    return FieldSpec(get, type_, True, help_, frozenset(values) if values else None)


def _doc(get: Callable[[DocumentContext], Any], type_: str, help_: str) -> FieldSpec:
    return FieldSpec(get, type_, False, help_)


@cache
def _dimensions() -> frozenset[str]:
    from indicator_audit.parse.transform import lexicon

    dims = {info.dimension for info in lexicon().units.values()}
    return frozenset(dims | {"date", "unknown"})


@cache
def _family_names() -> frozenset[str]:
    from indicator_audit.packs.load import default_packs

    return frozenset(f.name for f in default_packs().families.families)


def _preset_name(d: DocumentContext) -> str | None:
    for key, preset in d.packs.conventions.presets.items():
        if preset is d.preset:
            return key
    return None


def _preset_bound(category: str, upper: bool) -> Callable[[DocumentContext], float | None]:
    def get(d: DocumentContext) -> float | None:
        rng = d.preset.ranges.get(category)
        if rng is not None:
            return rng[1] if upper else rng[0]
        return d.preset.categories.get(category)

    return get


def _self_evaluation(d: DocumentContext) -> bool:
    return any(
        f.indicator.fields.actual is not None or f.indicator.fields.score is not None
        for f in d.facts
    )


def _execution_rate(d: DocumentContext) -> float | None:
    be = d.document.model.budget_execution
    if be is None or not be.planned or be.spent is None:
        return None
    return be.spent / be.planned * 100


def _be(attr: str) -> Callable[[DocumentContext], float | None]:
    def get(d: DocumentContext) -> float | None:
        be = d.document.model.budget_execution
        return getattr(be, attr) if be is not None else None

    return get


def _fields() -> dict[str, FieldSpec]:
    kinds = [k.value for k in CellKind]
    out: dict[str, FieldSpec] = {
        "level1": _ind(lambda f: f.level1_label or None, "str", "一级指标（去掉空格后的原文）"),
        "level2": _ind(lambda f: f.level2_label or None, "str", "二级指标（去掉空格后的原文）"),
        "category": _ind(
            lambda f: f.category, "str", "类别：output/outcome/satisfaction/cost/input", _CATEGORIES
        ),
        "subcategory": _ind(lambda f: f.subcategory, "str", "标准二级指标名，如“时效指标”"),
        "name": _ind(lambda f: _text(f.name), "str", "三级指标（指标名称）原文"),
        "subject": _ind(lambda f: _text(f.subject), "str", "指标名称去掉其中写的目标后的部分"),
        "part": _ind(lambda f: f.is_part, "bool", "“其中:”行：上一行指标的组成部分，不单独计分"),
        "target": _ind(lambda f: _text(f.target), "str", "指标值原文"),
        "target.kind": _ind(
            lambda f: f.target_parsed.kind.value, "str", "指标值的形态：" + "/".join(kinds), kinds
        ),
        "target.comparator": _ind(
            _comparator, "str", "指标性质：≥ ≤ > < =（指标值或指标性质栏）", _SYMBOL.values()
        ),
        "target.direction": _ind(
            _direction, "str", "比较方向：min/max/exact/above/below", [d.value for d in Direction]
        ),
        "target.value": _ind(lambda f: f.value, "num", "指标值中的数值（区间取下限）"),
        "target.upper": _ind(_upper, "num", "区间指标值的上限"),
        "target.unit": _ind(
            lambda f: _unit_attr(f, "text"), "str", "单位原文（指标值或度量单位栏）"
        ),
        "target.unit.canonical": _ind(
            lambda f: _unit_attr(f, "canonical"), "str", "标准单位，如 分钟、元、%"
        ),
        "target.unit.dimension": _ind(
            lambda f: _unit_attr(f, "dimension"), "str", "单位的量纲：time/count/money/rate…"
        ),
        "target.unit.per": _ind(
            lambda f: _unit_attr(f, "per"), "str", "复合单位的分母，如 次/月 的“月”"
        ),
        "target.deadline": _ind(_deadline, "bool", "指标值是日期或完成时限"),
        "target.clauses": _ind(
            lambda f: float(len(f.target_parsed.clauses)), "num", "指标值中目标的个数"
        ),
        "family": _ind(
            lambda f: f.family.name if f.family is not None else None,
            "str",
            "按名称识别的指标族（rules/families.yaml）",
        ),
        "family.dimensions": _ind(_family_dimensions, "list", "该指标族应使用的量纲"),
        "direction": _ind(lambda f: f.wanted_direction, "str", "按指标族应有的方向：min/max/exact"),
        "weight": _ind(lambda f: f.indicator.fields.weight, "num", "分值（权重）"),
        "score": _ind(lambda f: f.indicator.fields.score, "num", "得分"),
        "actual": _ind(lambda f: _text(f.indicator.fields.actual), "str", "实际完成值原文"),
        "actual.value": _ind(_actual_value, "num", "实际完成值中的数值"),
        "basis": _ind(lambda f: _text(f.indicator.fields.basis), "str", "指标值设定依据"),
        "formula": _ind(lambda f: _text(f.indicator.fields.formula), "str", "计算公式/指标解释"),
        "scoring": _ind(lambda f: _text(f.indicator.fields.scoring), "str", "评分标准"),
        "explanation": _ind(
            lambda f: _text(f.indicator.fields.explanation), "str", "偏差原因分析及改进措施"
        ),
        "value_type": _ind(lambda f: _text(f.indicator.fields.value_type), "str", "指标值类型"),
        "unit": _ind(lambda f: _text(f.indicator.fields.unit), "str", "度量单位栏原文"),
        "comparator": _ind(lambda f: _text(f.indicator.fields.comparator), "str", "指标性质栏原文"),
        "row": _ind(lambda f: float(f.indicator.index + 1), "num", "指标在表中的序号（从 1 起）"),
        # the document
        "project.name": _doc(lambda d: _text(d.document.model.project.name), "str", "项目名称"),
        "project.type": _doc(lambda d: _text(d.document.model.project.type), "str", "项目类型"),
        "project.department": _doc(
            lambda d: _text(d.document.model.project.department), "str", "主管部门/单位"
        ),
        "project.year": _doc(lambda d: _number(d.document.model.project.year), "num", "年度"),
        "project.budget": _doc(
            lambda d: _number(d.document.model.project.budget), "num", "预算金额（原单位，不换算）"
        ),
        "project.content": _doc(
            lambda d: tuple(d.document.model.project.content), "list", "主要内容（列表）"
        ),
        "goals.overall": _doc(lambda d: _text(d.document.model.goals.overall), "str", "总体目标"),
        "goals.annual": _doc(
            lambda d: tuple(d.document.model.goals.annual), "list", "年度目标（列表）"
        ),
        "budget_execution.planned": _doc(_be("planned"), "num", "预算数"),
        "budget_execution.spent": _doc(_be("spent"), "num", "执行数"),
        "budget_execution.weight": _doc(_be("weight"), "num", "预算执行率分值"),
        "budget_execution.score": _doc(_be("score"), "num", "预算执行率得分"),
        "budget_execution.rate": _doc(
            _execution_rate, "num", "预算执行率（%）= 执行数 ÷ 预算数 × 100"
        ),
        "preset": _doc(_preset_name, "str", "所用权重约定（preset）名称"),
        "preset.title": _doc(lambda d: d.preset.title, "str", "preset 的说明"),
        "preset.total": _doc(lambda d: d.preset.total, "num", "约定总分"),
        "preset.budget_execution": _doc(
            lambda d: d.preset.budget_execution, "num", "约定的预算执行率分值"
        ),
        "document.indicators": _doc(lambda d: float(len(d.facts)), "num", "指标个数"),
        "document.self_evaluation": _doc(
            _self_evaluation, "bool", "是自评表（有指标填了实际完成值或得分）"
        ),
    }
    for cat, label in (
        ("output", "产出"),
        ("outcome", "效益"),
        ("satisfaction", "满意度"),
        ("cost", "成本"),
    ):
        out[f"preset.{cat}.min"] = _doc(
            _preset_bound(cat, False), "num", f"preset 中{label}指标权重的下限（固定分值时即该值）"
        )
        out[f"preset.{cat}.max"] = _doc(
            _preset_bound(cat, True), "num", f"preset 中{label}指标权重的上限（固定分值时即该值）"
        )
    return out


@cache
def fields() -> dict[str, FieldSpec]:
    """Every field a condition may use (the table in docs/conditions.md)."""
    table = _fields()
    dims = _dimensions()
    fams = _family_names()
    table["target.unit.dimension"] = FieldSpec(
        table["target.unit.dimension"].get, "str", True, table["target.unit.dimension"].help, dims
    )
    table["family"] = FieldSpec(table["family"].get, "str", True, table["family"].help, fams)
    return table


# ---------------------------------------------------------------------------------------------
# Parsing


@cache
def _parser() -> Lark:
    from indicator_audit.parse.larkcache import lalr_parser

    return lalr_parser(
        "grammar-condition",  # the analysed grammar kept as data: start-up stays light
        read_resource("grammar", "condition.lark"),
        lexer="basic",  # one scanner to compile at start-up, not one per parser state
        propagate_positions=True,
        maybe_placeholders=True,
    )


# Parse trees known before parsing: the built-in packs' conditions, kept from an earlier
# start (see builtin_declarative_rules); and, while a built-in pack is first loaded, the
# trees it needed.
_KNOWN_TREES: dict[str, Tree[Token]] = {}
_recording: list[dict[str, Tree[Token]]] = []


def parse_condition(text: str) -> Tree[Token]:
    """The parse tree of one condition or placeholder; ConditionError on any bad input."""
    known = _KNOWN_TREES.get(text)
    if known is not None:
        return known
    tree = _parse_condition(text)
    if _recording:
        _recording[-1][text] = tree
    return tree


def _parse_condition(text: str) -> Tree[Token]:
    if len(text) > MAX_CONDITION:
        raise ConditionError(f"条件过长（超过 {MAX_CONDITION} 个字符）", MAX_CONDITION)
    try:
        return _parser().parse(text)
    except UnexpectedCharacters as exc:
        at = exc.pos_in_stream or 0
        ch = text[at] if at < len(text) else ""
        hint = "；字符串请用英文引号 \"…\" 或 '…'" if ch in "“”‘’" else ""
        raise ConditionError(f"无法识别的字符“{ch}”{hint}", at) from None
    except UnexpectedEOF:
        raise ConditionError(
            "条件不完整：在末尾缺少内容（括号、引号或运算对象）", len(text)
        ) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        pos = getattr(token, "start_pos", None)
        offset = pos if isinstance(pos, int) else len(text)
        if token is None or getattr(token, "type", "") == "$END":
            raise ConditionError(
                "条件不完整：在末尾缺少内容（括号、引号或运算对象）", len(text)
            ) from None
        raise ConditionError(f"此处不应出现“{token}”", offset) from None


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "/": "/"}


def _unquote(tok: Token) -> str:
    raw = str(tok)[1:-1]
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    start = tok.start_pos or 0
    while i < len(raw):
        ch = raw[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if nxt in _ESCAPES and nxt:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", raw[i + 2 : i + 6]):
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
        else:
            raise ConditionError(
                f"字符串中无效的转义“\\{nxt}”（可用 \\\" \\' \\\\ \\n \\t \\uXXXX；"
                "正则中的反斜杠请写两次，如 \\\\d）",
                start + 1 + i,
            )
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Compiling


def truthy(value: Any) -> bool:
    """Null, false, 0, "" and [] are false; everything else is true."""
    return value is not None and value is not False and value != 0 and value != "" and value != ()


@dataclass(slots=True)
class _C:
    """A compiled expression: its closure and what is known about it at compile time."""

    fn: Eval
    type: str  # "str" "num" "bool" "list" "null"
    const: bool = False
    value: Any = None
    field: str | None = None  # set when the expression is a bare field
    # for a bare indicator field, its getter (facts → value): comparisons with a constant
    # call it directly, one call fewer per indicator
    read: Callable[[Any], Any] | None = None


def _test(c: _C) -> Eval:
    """`c` as a condition that gives True or False: its own closure when that already does
    (comparisons and logic do; a bare field may give null), else truthy() of it."""
    if c.type == "bool" and c.field is None:
        return c.fn
    fn = c.fn
    return lambda d, f: truthy(fn(d, f))


def _const(value: Any, type_: str) -> _C:
    return _C(lambda d, f: value, type_, True, value)


def _pos(node: Tree[Token] | Token) -> int:
    if isinstance(node, Token):
        return node.start_pos or 0
    meta = node.meta
    return 0 if meta.empty else meta.start_pos


# Quantifiers already compiled, by scope and canonical tree (one table per pack): the same
# `sum(weight where …)` written in a rule's condition and again in its message, or in another
# rule of the pack, is then one closure with one memo, computed once per document instead of
# once per occurrence.
Quantifiers = dict[tuple[object, ...], "_C"]


def _canonical(node: Tree[Token] | Token | None) -> object:
    """A hashable form of a condition tree that ignores positions."""
    if node is None:
        return None
    if isinstance(node, Token):
        return (node.type, str(node))
    return (node.data, tuple(_canonical(c) for c in node.children))


def _memo_per_document(compute: Callable[[DocumentContext], Any]) -> Eval:
    """A document-wide value computed once per document, however many indicators ask."""
    state: list[tuple[weakref.ref[DocumentContext], Any] | None] = [None]

    def fn(d: DocumentContext, f: IndicatorFacts | None) -> Any:
        seen = state[0]
        if seen is not None and seen[0]() is d:
            return seen[1]
        value = compute(d)
        state[0] = (weakref.ref(d), value)
        return value

    return fn


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_OP_ALIASES = {"≥": ">=", "≤": "<=", "≠": "!="}
_TYPE_TEXT = {"str": "文字", "num": "数值", "bool": "真假值", "list": "列表", "null": "null"}


class Compiler(Interpreter[Token, _C]):
    """Turns a parse tree into closures, checking fields, types and scope as it goes: one
    method per rule of grammar/condition.lark, called by the Interpreter for its node."""

    def __init__(self, scope: Scope, quantifiers: Quantifiers | None = None) -> None:
        self.scope = scope
        self.depth = 0  # inside how many quantifiers
        self.fields = fields()
        self.quantifiers: Quantifiers = {} if quantifiers is None else quantifiers

    def compile(self, tree: Tree[Token]) -> _C:
        try:
            return self.visit(tree)
        except RecursionError:
            raise ConditionError("条件嵌套过深", _pos(tree)) from None

    def _node(self, node: Tree[Token]) -> _C:
        handler = getattr(self, f"_{node.data}", None)
        if handler is None:  # pragma: no cover - the grammar and this class move together
            raise ConditionError(f"不支持的写法：{node.data}", _pos(node))
        result: _C = handler(node)
        return result

    # -- literals ---------------------------------------------------------------------------

    def number(self, node: Tree[Token]) -> _C:
        return _const(float(str(node.children[0])), "num")

    def string(self, node: Tree[Token]) -> _C:
        tok = node.children[0]
        assert isinstance(tok, Token)
        return _const(_unquote(tok), "str")

    def true(self, node: Tree[Token]) -> _C:
        return _const(True, "bool")

    def false(self, node: Tree[Token]) -> _C:
        return _const(False, "bool")

    def null(self, node: Tree[Token]) -> _C:
        return _const(None, "null")

    def list(self, node: Tree[Token]) -> _C:
        items = [self.visit(c) for c in node.children if isinstance(c, Tree)]
        if all(i.const for i in items):
            return _const(tuple(i.value for i in items), "list")
        fns = tuple(i.fn for i in items)
        return _C(lambda d, f: tuple(g(d, f) for g in fns), "list")

    def field(self, node: Tree[Token]) -> _C:
        tok = node.children[0]
        assert isinstance(tok, Token)
        name = str(tok)
        spec = self.fields.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
            hint = f"；是否想写“{close[0]}”？" if close else "；可用字段见 docs/conditions.md"
            raise ConditionError(f"未知字段“{name}”{hint}", _pos(tok))
        get = spec.get
        if spec.indicator:
            if self.scope == "document" and self.depth == 0:
                raise ConditionError(
                    f"整表规则（scope: document）中，指标字段“{name}”只能写在 "
                    "count(…)、any(…)、all(…)、sum(…) 里",
                    _pos(tok),
                )
            return _C(lambda d, f: get(f), spec.type, field=name, read=get)
        return _C(lambda d, f: get(d), spec.type, field=name)

    # -- logic ------------------------------------------------------------------------------

    def _chain(self, node: Tree[Token]) -> tuple[_C, ...]:
        """Operands of a left-nested and/or chain, without recursing down the chain."""
        parts: builtins.list[Tree[Token]] = []  # `list` is the list-literal rule here
        current = node
        while isinstance(current, Tree) and current.data == node.data:
            left, right = current.children
            assert isinstance(right, Tree)
            parts.append(right)
            assert isinstance(left, Tree)
            current = left
        parts.append(current)
        return tuple(self.visit(p) for p in reversed(parts))

    def or_(self, node: Tree[Token]) -> _C:
        tests = tuple(_test(c) for c in self._chain(node))
        if len(tests) == 2:  # the common case, without a loop per evaluation
            a, b = tests
            return _C(lambda d, f: a(d, f) or b(d, f), "bool")

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            for test in tests:  # noqa: SIM110 (a loop: any() would make a generator each time)
                if test(d, f):
                    return True
            return False

        return _C(fn, "bool")

    def and_(self, node: Tree[Token]) -> _C:
        tests = tuple(_test(c) for c in self._chain(node))
        if len(tests) == 2:
            a, b = tests
            return _C(lambda d, f: a(d, f) and b(d, f), "bool")

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            for test in tests:  # noqa: SIM110 (a loop: all() would make a generator each time)
                if not test(d, f):
                    return False
            return True

        return _C(fn, "bool")

    def not_(self, node: Tree[Token]) -> _C:
        test = _test(self.visit(self._tree(node, 0)))
        return _C(lambda d, f: not test(d, f), "bool")

    # -- comparisons --------------------------------------------------------------------------

    @staticmethod
    def _tree(node: Tree[Token], i: int) -> Tree[Token]:
        child = node.children[i]
        assert isinstance(child, Tree)
        return child

    def _check_values(self, a: _C, b: _C, at: int) -> _C:
        """A literal compared with a closed-set field must be one of its values."""
        if a.field is None or not b.const:
            return b
        spec = self.fields[a.field]
        if spec.values is None:
            return b
        literals = b.value if isinstance(b.value, tuple) else (b.value,)
        fixed: list[Any] = []
        for v in literals:
            if a.field == "target.comparator" and isinstance(v, str):
                v = _COMPARATOR_ALIASES.get(v, v)
            if v is not None and v not in spec.values:
                choices = "、".join(sorted(spec.values))
                raise ConditionError(f"字段“{a.field}”没有取值“{v}”；可选：{choices}", at)
            fixed.append(v)
        if isinstance(b.value, tuple):
            return _const(tuple(fixed), "list")
        return _const(fixed[0], b.type)

    def compare(self, node: Tree[Token]) -> _C:
        left, op_tok, right = node.children
        assert isinstance(left, Tree) and isinstance(right, Tree) and isinstance(op_tok, Token)
        op = _OP_ALIASES.get(str(op_tok), str(op_tok))
        a, b = self.visit(left), self.visit(right)
        at = _pos(right)
        if op in ("==", "!="):
            if "null" not in (a.type, b.type) and a.type != b.type:
                raise ConditionError(
                    f"不能比较{_TYPE_TEXT[a.type]}与{_TYPE_TEXT[b.type]}", _pos(op_tok)
                )
            b = self._check_values(a, b, at)
            a = self._check_values(b, a, _pos(left))
            fa, fb = a.fn, b.fn
            if b.const:
                v = b.value
                read = a.read
                if read is not None:
                    if op == "==":
                        return _C(lambda d, f: read(f) == v, "bool")
                    return _C(lambda d, f: read(f) != v, "bool")
                if op == "==":
                    return _C(lambda d, f: fa(d, f) == v, "bool")
                return _C(lambda d, f: fa(d, f) != v, "bool")
            if op == "==":
                return _C(lambda d, f: fa(d, f) == fb(d, f), "bool")
            return _C(lambda d, f: fa(d, f) != fb(d, f), "bool")
        for side, c in ((left, a), (right, b)):
            if c.type != "num":
                raise ConditionError(f"“{op}”只比较数值，这里是{_TYPE_TEXT[c.type]}", _pos(side))
        cmp = _ORDER[op]
        fa, fb = a.fn, b.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            if x is None:
                return False
            y = fb(d, f)
            return y is not None and cmp(x, y)

        return _C(fn, "bool")

    def _membership(self, node: Tree[Token]) -> Eval:
        left, right = self._tree(node, 0), self._tree(node, 1)
        a, b = self.visit(left), self.visit(right)
        if b.type not in ("list", "str"):
            raise ConditionError(f"“in”右边应是列表或文字，这里是{_TYPE_TEXT[b.type]}", _pos(right))
        if b.type == "str" and a.type not in ("str", "null"):
            raise ConditionError("“in 文字”左边应是文字（判断是否为其中一段）", _pos(left))
        fa = a.fn
        if b.const and b.type == "list":
            b = self._check_values(a, b, _pos(right))
            values = frozenset(b.value)
            read = a.read
            if read is not None:
                return lambda d, f: read(f) in values
            return lambda d, f: fa(d, f) in values
        fb = b.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            y = fb(d, f)
            if x is None or y is None:
                return False
            return bool(x in y)

        return fn

    def in_(self, node: Tree[Token]) -> _C:
        return _C(self._membership(node), "bool")

    def not_in(self, node: Tree[Token]) -> _C:
        inner = self._membership(node)
        return _C(lambda d, f: not inner(d, f), "bool")

    def contains(self, node: Tree[Token]) -> _C:
        left, right = self._tree(node, 0), self._tree(node, 1)
        a, b = self.visit(left), self.visit(right)
        if a.type not in ("str", "list"):
            raise ConditionError(
                f"“contains”左边应是文字或列表，这里是{_TYPE_TEXT[a.type]}", _pos(left)
            )
        if b.type not in ("str", "null"):
            raise ConditionError(f"“contains”右边应是文字，这里是{_TYPE_TEXT[b.type]}", _pos(right))
        fa, fb = a.fn, b.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            y = fb(d, f)
            return x is not None and y is not None and y in x

        return _C(fn, "bool")

    def matches(self, node: Tree[Token]) -> _C:
        left = self._tree(node, 0)
        tok = node.children[1]
        assert isinstance(tok, Token)
        a = self.visit(left)
        if a.type not in ("str", "null"):
            raise ConditionError(f"“matches”左边应是文字，这里是{_TYPE_TEXT[a.type]}", _pos(left))
        pattern = _unquote(tok)
        try:
            re.compile(pattern)  # Python's message and offset for a plain mistake
        except re.error as exc:
            offset = (tok.start_pos or 0) + 1 + (exc.pos or 0)
            raise ConditionError(f"正则表达式无效：{exc.msg}", offset) from None
        try:
            search = compile_search(pattern)  # linear time, whatever the pattern
        except UnsafePattern as exc:
            raise ConditionError(f"正则表达式无法使用：{exc}", (tok.start_pos or 0) + 1) from None
        fa = a.fn

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> bool:
            x = fa(d, f)
            return x is not None and search(x)

        return _C(fn, "bool")

    # -- arithmetic ---------------------------------------------------------------------------

    def _numeric(self, node: Tree[Token], i: int) -> Eval:
        child = self._tree(node, i)
        c = self.visit(child)
        if c.type not in ("num", "null"):
            raise ConditionError(f"算术运算只用于数值，这里是{_TYPE_TEXT[c.type]}", _pos(child))
        return c.fn

    def _arith(self, node: Tree[Token], op: Callable[[float, float], float | None]) -> _C:
        fa, fb = self._numeric(node, 0), self._numeric(node, 1)

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> float | None:
            x = fa(d, f)
            if x is None:
                return None
            y = fb(d, f)
            return None if y is None else op(x, y)

        return _C(fn, "num")

    def add(self, node: Tree[Token]) -> _C:
        return self._arith(node, operator.add)

    def sub(self, node: Tree[Token]) -> _C:
        return self._arith(node, operator.sub)

    def mul(self, node: Tree[Token]) -> _C:
        return self._arith(node, operator.mul)

    def div(self, node: Tree[Token]) -> _C:
        return self._arith(node, lambda x, y: x / y if y else None)

    def neg(self, node: Tree[Token]) -> _C:
        inner = self._numeric(node, 0)

        def fn(d: DocumentContext, f: IndicatorFacts | None) -> float | None:
            x = inner(d, f)
            return None if x is None else -x

        return _C(fn, "num")

    # -- quantifiers over the document's indicators ----------------------------------------------

    def _quantifier(self, node: Tree[Token]) -> _C:
        """Compile a count/any/all/sum once per distinct expression (see Quantifiers)."""
        key = (self.scope, _canonical(node))
        found = self.quantifiers.get(key)
        if found is None:
            found = self.quantifiers[key] = self._compile_quantifier(node)
        return found

    count = any_ = all_ = sum_ = _quantifier

    def _compile_quantifier(self, node: Tree[Token]) -> _C:
        if node.data == "count":
            return self._compile_count(node)
        if node.data == "any_":
            return self._compile_any(node)
        if node.data == "all_":
            return self._compile_all(node)
        return self._compile_sum(node)

    def _inside(self, node: Tree[Token], i: int) -> _C:
        self.depth += 1
        try:
            return self.visit(self._tree(node, i))
        finally:
            self.depth -= 1

    def _compile_count(self, node: Tree[Token]) -> _C:
        test = _test(self._inside(node, 0))

        def compute(d: DocumentContext) -> float:
            n = 0
            for x in d.facts:
                if test(d, x):
                    n += 1
            return float(n)

        return _C(_memo_per_document(compute), "num")

    def _compile_any(self, node: Tree[Token]) -> _C:
        inner = self._inside(node, 0).fn
        return _C(_memo_per_document(lambda d: any(truthy(inner(d, x)) for x in d.facts)), "bool")

    def _compile_all(self, node: Tree[Token]) -> _C:
        inner = self._inside(node, 0).fn
        return _C(_memo_per_document(lambda d: all(truthy(inner(d, x)) for x in d.facts)), "bool")

    def _compile_sum(self, node: Tree[Token]) -> _C:
        value = self._inside(node, 0)
        if value.type not in ("num", "null"):
            raise ConditionError(
                f"sum(…) 只能对数值求和，这里是{_TYPE_TEXT[value.type]}",
                _pos(self._tree(node, 0)),
            )
        where = _test(self._inside(node, 1)) if node.children[1] is not None else None
        get = value.fn

        def compute(d: DocumentContext) -> float:
            total = 0.0
            for x in d.facts:
                if where is not None and not where(d, x):
                    continue
                v = get(d, x)
                if v is not None:
                    total += v
            return total

        return _C(_memo_per_document(compute), "num")


def compile_condition(
    text: str, scope: Scope = "indicator", quantifiers: Quantifiers | None = None
) -> Eval:
    """Parse and compile one condition (ConditionError, with an offset, if it is wrong)."""
    return _compile_expression(text, scope, quantifiers).fn


def compile_test(
    text: str, scope: Scope = "indicator", quantifiers: Quantifiers | None = None
) -> Eval:
    """compile_condition, giving True or False (a rule's `when`)."""
    return _test(_compile_expression(text, scope, quantifiers))


def _compile_expression(text: str, scope: Scope, quantifiers: Quantifiers | None) -> _C:
    if not text.strip():
        raise ConditionError("条件为空", 0)
    return Compiler(scope, quantifiers).compile(parse_condition(text))


# ---------------------------------------------------------------------------------------------
# Message templates: text with {expression} placeholders; {{ and }} stand for braces.

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
            compiled = Compiler(scope, quantifiers).compile(parse_condition(inner)).fn
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


# ---------------------------------------------------------------------------------------------
# Packs


_CODE = re.compile(r"^IA\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_KEYS = (
    "code",
    "name",
    "kind",
    "severity",
    "scope",
    "when",
    "message",
    "suggestion",
    "source",
    "summary",
    "doc",
    "at",
    "bad",
    "good",
)
_REQUIRED = ("code", "name", "kind", "severity", "when", "message", "source")
_AT_FIELDS = (
    "level1",
    "level2",
    "name",
    "target",
    "unit",
    "comparator",
    "value_type",
    "weight",
    "formula",
    "basis",
    "scoring",
    "actual",
    "score",
    "explanation",
)


@dataclass
class Taken:
    """Codes and names already in use, with who uses them (for the duplicate message)."""

    codes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, rule: Rule, owner: str) -> None:
        self.codes[rule.meta.code] = owner
        self.names[rule.meta.name] = owner

    def copy(self) -> Taken:
        return Taken(dict(self.codes), dict(self.names))

    def key(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(self.codes), frozenset(self.names)


class _PackLoader:
    def __init__(self, source: Source, display: str, taken: Taken) -> None:
        self.source = source
        self.display = display
        self.taken = taken
        self.lines = source.text.splitlines()
        self.quantifiers: Quantifiers = {}

    def error(self, message: str, node: Node | None = None, offset: int | None = None) -> PackError:
        if node is None:
            return PackError(self.display, message)
        if isinstance(node, Scalar) and offset is not None:
            line, col = self.locate(node, offset)
            return PackError(self.display, message, line, col)
        return PackError(self.display, message, node.line, node.col)

    def locate(self, node: Scalar, offset: int) -> tuple[int, int]:
        """File position of a character of a scalar's value."""
        value = node.value or ""
        if node.base_col is not None:
            return node.line, node.base_col + offset
        before = value[:offset]
        k = before.count("\n")
        col_in = offset - (before.rfind("\n") + 1)
        value_line = value.split("\n")[k] if value else ""
        # a block scalar (| or >): the value's k-th line stands on a line of its own
        last = min(node.end_line, len(self.lines))
        if value_line.strip():
            for i in range(node.line - 1, last):
                at = self.lines[i].find(value_line.strip())
                if at >= 0 and self.lines[i].strip() == value_line.strip():
                    lead = len(value_line) - len(value_line.lstrip())
                    return i + 1, at + max(col_in - lead, 0) + 1
        snippet = value_line[col_in : col_in + 16].strip()
        if snippet:
            for i in range(node.line - 1, last):
                at = self.lines[i].find(snippet)
                if at >= 0:
                    return i + 1, at + 1
        return node.line, node.col

    def load(self) -> list[Rule]:
        root = self.source.root
        if isinstance(root, Mapping):
            items = dict((k.value, v) for k, v in root.items)
            extra = [k for k, _ in root.items if k.value not in ("rules", "title")]
            if extra:
                raise self.error(
                    f"规则包顶层只能有 rules 和 title，不认识“{extra[0].value}”", extra[0]
                )
            rules_node = items.get("rules")
            if rules_node is None:
                raise self.error("规则包缺少 rules 列表", root)
            root = rules_node
        if not isinstance(root, SeqNode):
            raise self.error("规则包应是规则的列表（每条规则一个映射）", root)
        out: list[Rule] = []
        for item in root.items:
            rule = self.rule(item)
            out.append(rule)
            self.taken.add(rule, self.display)
        return out

    def scalar(self, value: Node, key: str) -> Scalar:
        if not isinstance(value, Scalar) or value.value is None:
            raise self.error(f"“{key}”应是一段文字", value)
        return value

    def rule(self, node: Node) -> Rule:
        if not isinstance(node, Mapping):
            raise self.error("每条规则应是一个映射（code、name、kind、when、message …）", node)
        got: dict[str, Scalar] = {}
        for key, value in node.items:
            name = key.value or ""
            if name not in _KEYS:
                close = difflib.get_close_matches(name, _KEYS, n=1)
                hint = f"；是否想写“{close[0]}”？" if close else ""
                raise self.error(f"规则中不认识的键“{name}”{hint}", key)
            if name in got:
                raise self.error(f"键“{name}”重复出现", key)
            got[name] = self.scalar(value, name)
        for required in _REQUIRED:
            if required not in got:
                raise self.error(f"规则缺少“{required}”", node)
        code_node = got["code"]
        code = (code_node.value or "").strip()
        if not _CODE.match(code):
            raise self.error(
                f"规则代码“{code}”应为 IA 加三位数字（自定义规则建议用 IA900–IA999）", code_node
            )
        if code in self.taken.codes:
            raise self.error(f"规则代码 {code} 已被使用（{self.taken.codes[code]}）", code_node)
        name_node = got["name"]
        name = (name_node.value or "").strip()
        if not _NAME.match(name):
            raise self.error(
                f"规则名称“{name}”应为小写英文短横线形式，如 availability-required", name_node
            )
        if name in self.taken.names:
            raise self.error(f"规则名称 {name} 已被使用（{self.taken.names[name]}）", name_node)
        kind = (got["kind"].value or "").strip()
        if kind not in KINDS:
            close = difflib.get_close_matches(kind, KINDS, n=1)
            hint = f"是否想写“{close[0]}”？" if close else ""
            raise self.error(
                f"未知的类型（kind）“{kind}”；{hint}可选：{'、'.join(KINDS)}", got["kind"]
            )
        sev = (got["severity"].value or "").strip()
        if sev not in {s.value for s in Severity}:
            raise self.error(
                f"未知的级别（severity）“{sev}”；可选：error、warning、info", got["severity"]
            )
        scope_text = (got["scope"].value or "").strip() if "scope" in got else "indicator"
        if scope_text not in ("indicator", "document"):
            raise self.error(
                f"范围（scope）应为 indicator 或 document，而不是“{scope_text}”", got["scope"]
            )
        scope: Scope = "indicator" if scope_text == "indicator" else "document"
        at: str | None = None
        if "at" in got:
            at = (got["at"].value or "").strip()
            if scope == "document":
                raise self.error("整表规则（scope: document）不能指定 at", got["at"])
            if at not in _AT_FIELDS:
                raise self.error(f"at 应为指标的一栏：{'、'.join(_AT_FIELDS)}", got["at"])
        when = self.compile(got["when"], scope, compile_test)
        message = self.compile(got["message"], scope, compile_template)
        suggestion = (
            self.compile(got["suggestion"], scope, compile_template)
            if "suggestion" in got
            else None
        )
        text = {k: (v.value or "").strip() for k, v in got.items()}
        meta = RuleMeta(
            code=code,
            name=name,
            kind=kind,
            severity=Severity(sev),
            scope=scope,
            source=text["source"],
            summary=text.get("summary") or text["message"].split("\n")[0],
            bad=text.get("bad", ""),
            good=text.get("good", ""),
            packs=(self.display,),
            # the condition itself is the most exact explanation of a declarative rule
            doc="\n\n".join(
                part
                for part in (
                    text.get("doc", ""),
                    "条件（when）：\n\n    " + text["when"].replace("\n", "\n    "),
                )
                if part
            ),
        )
        if scope == "indicator":
            return Rule(meta, _indicator_check(when, message, suggestion, at))
        return Rule(meta, _document_check(when, message, suggestion))

    def compile(
        self, node: Scalar, scope: Scope, how: Callable[[str, Scope, Quantifiers], Any]
    ) -> Any:
        text = node.value or ""
        try:
            return how(text, scope, self.quantifiers)
        except ConditionError as exc:
            raise self.error(exc.message, node, exc.offset) from None


_NONE: tuple[Finding, ...] = ()


def _indicator_check(
    when: Eval, message: Template, suggestion: Template | None, at: str | None
) -> Callable[[IndicatorContext], Iterable[Finding]]:
    def check(ctx: IndicatorContext) -> Iterable[Finding]:
        d, f = ctx.doc, ctx.facts
        if not when(d, f):  # True or False (compile_test)
            return _NONE
        hint = suggestion(d, f) if suggestion is not None else None
        return (ctx.finding(at, message(d, f), suggestion=hint),)

    return check


def _document_check(
    when: Eval, message: Template, suggestion: Template | None
) -> Callable[[DocumentContext], Iterable[Finding]]:
    def check(ctx: DocumentContext) -> Iterable[Finding]:
        if not when(ctx, None):
            return _NONE
        line, col = ctx.top_key("indicators")
        hint = suggestion(ctx, None) if suggestion is not None else None
        return (
            ctx.finding(
                message(ctx, None), line=line, column=col, pointer="/indicators", suggestion=hint
            ),
        )

    return check


def load_pack_text(text: str, display: str, taken: Taken | None = None) -> list[Rule]:
    """The rules of a pack given as text (`display` names it in errors)."""
    try:
        source = load_text(text, display)
    except SourceError as exc:
        raise PackError(display, exc.message, exc.line, exc.column) from None
    return _PackLoader(source, display, taken if taken is not None else builtin_taken()).load()


def load_pack_file(path: str | Path, taken: Taken | None = None) -> list[Rule]:
    display = str(path)
    try:
        source = read_file(path)
    except SourceError as exc:
        raise PackError(display, exc.message, exc.line, exc.column) from None
    return _PackLoader(source, display, taken if taken is not None else builtin_taken()).load()


def _python_taken() -> Taken:
    from indicator_audit.lint.checks import BUILTIN_RULES

    taken = Taken()
    for rule in BUILTIN_RULES:
        taken.add(rule, f"内置规则 {rule.meta.code} {rule.meta.name}")
    for code, name in INTERNAL_CODES:
        taken.codes[code] = taken.names[name] = f"内置规则 {code} {name}"
    return taken


@dataclass(frozen=True)
class _PreparedPack:
    """A built-in pack as read (PyYAML's tree: the packs use block scalars, outside the fast
    reader's subset) and the parse trees of its conditions: kept for the next start, which
    then needs neither PyYAML nor the condition parser."""

    source: Source
    trees: dict[str, Tree[Token]]


@cache
def builtin_declarative_rules() -> tuple[Rule, ...]:
    """The rules of rules/declarative/*.yaml, loaded once per process."""
    import indicator_audit.read.source as source_module
    from indicator_audit.packs.cache import cached

    taken = _python_taken()
    out: list[Rule] = []
    for name in BUILTIN_PACKS:
        display = f"rules/{name}"
        text = read_resource("rules", name)
        prepared = cached(
            "builtin-" + name.replace("/", "-"),
            text,
            (__file__, source_module.__file__),  # the tree's classes live in source.py
            _PreparedPack,
            partial(_prepare_pack, text, display, taken),
        )
        _KNOWN_TREES.update(prepared.trees)
        out += _PackLoader(prepared.source, display, taken).load()
    return tuple(out)


def _prepare_pack(text: str, display: str, taken: Taken) -> _PreparedPack:
    try:
        source = load_text(text, display)
    except SourceError as exc:
        raise PackError(display, exc.message, exc.line, exc.column) from None
    _recording.append({})
    try:
        _PackLoader(source, display, taken.copy()).load()  # a dry run that records
    finally:
        trees = _recording.pop()
    return _PreparedPack(source, trees)


def builtin_taken() -> Taken:
    """Codes and names of every built-in rule, Python or declarative."""
    taken = _python_taken()
    for rule in builtin_declarative_rules():
        taken.add(rule, f"内置规则 {rule.meta.code} {rule.meta.name}")
    return taken


# (path, mtime, size, codes and names taken) → the compiled rules: an unchanged pack is read
# and compiled once, however many files a run checks.
_PACK_CACHE: dict[
    tuple[str, int, int, tuple[frozenset[str], frozenset[str]]], tuple[Rule, ...]
] = {}


def load_packs(paths: Iterable[str], extra: Iterable[Rule] = ()) -> tuple[Rule, ...]:
    """The rules of the user packs `paths`, checked against the built-in rules and `extra`
    (plugins). Each file is read and compiled once while it is unchanged."""
    taken = builtin_taken()
    for rule in extra:
        taken.add(rule, f"插件规则 {rule.meta.code} {rule.meta.name}")
    out: list[Rule] = []
    for path in paths:
        try:
            st = Path(path).stat()
        except OSError:
            raise PackError(str(path), "规则包文件不存在或无法读取") from None
        key = (str(path), st.st_mtime_ns, st.st_size, taken.key())
        rules = _PACK_CACHE.get(key)
        if rules is None:
            rules = _PACK_CACHE[key] = tuple(load_pack_file(path, taken.copy()))
        for rule in rules:
            taken.add(rule, str(path))
        out += rules
    return tuple(out)
