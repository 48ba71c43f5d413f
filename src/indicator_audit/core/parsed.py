"""The typed result of parsing one indicator cell (a target, a name or a whole sentence).

Frozen, slotted dataclasses: they are built in the hot path (tens of thousands per run) and
shared through the parse cache, so they must be cheap and immutable. Every span is a pair of
character offsets into the *original* cell text (normalisation is 1:1, so offsets hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """What a comparator asks of the actual value."""

    MIN = "min"  # at least: ≥ 不低于 不少于 以上 达到 至少
    MAX = "max"  # at most: ≤ 不超过 不高于 以内 以下
    EXACT = "exact"  # =, ═
    ABOVE = "above"  # strictly greater: >
    BELOW = "below"  # strictly less: <


class CellKind(StrEnum):
    """The overall shape of a parsed cell."""

    QUANTITY = "quantity"  # one number with optional comparator/unit
    RANGE = "range"  # 90%-95%
    DEADLINE = "deadline"  # 2021年12月底前, a date or date range
    QUALITATIVE = "qualitative"  # 是, 否, 合格, 优良, 有效, 较好
    PLACEHOLDER = "placeholder"  # xx, **, ……, 待定, ≥**%
    FORMULA = "formula"  # A÷B×100%
    MULTI = "multi"  # several targets in one cell: 一级故障25分钟；二级故障130分钟
    PHRASE = "phrase"  # text with no number: a name, or a vague phrase such as 便于群众办事
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Comparator:
    op: str  # canonical: ">=", "<=", ">", "<", "="
    direction: Direction
    text: str  # as written: "不超过", "≧", "以内", "控制在…以内"
    span: Span


@dataclass(frozen=True, slots=True)
class Unit:
    text: str  # as written (after 1:1 normalisation): "万平方米", "元/生/年", "次/月"
    canonical: str  # the base unit from rules/units.yaml: "平方米", "元", "次", "%"
    dimension: (
        str  # time, count, money, rate, area, length, mass, people, date, data, ... or "unknown"
    )
    scale: (
        float  # multiplier to the canonical unit: 万平方米 → 10000, 小时 → 60 (if 分钟 canonical)
    )
    per: str | None  # denominator of a compound unit: "月" in 次/月, "生/年" in 元/生/年
    span: Span


@dataclass(frozen=True, slots=True)
class DateValue:
    year: int | None
    month: int | None
    day: int | None
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Clause:
    """One target statement. A plain cell has one clause; a multi-level cell has several."""

    span: Span
    subject: str | None = None  # sentence mode: "平均故障恢复时间"; target mode: None
    qualifiers: tuple[str, ...] = ()  # "一级故障", "核心业务系统"
    comparator: Comparator | None = None
    value: float | None = None  # lower bound for a range
    upper: float | None = None  # upper bound for a range
    value_text: str | None = None  # the number as written: "25", "二十五", "９０"
    value_span: Span | None = None
    unit: Unit | None = None
    period: str | None = None  # 全年, 每月, 每日, 月 (from 次/月) ...
    date: DateValue | None = None  # a deadline or the start of a date range
    date_end: DateValue | None = None
    deadline: bool = False  # 底前, 前, 之前, 截止
    qualitative: str | None = None  # 是, 合格, 有效 ...
    placeholder: str | None = None  # xx, **, ……, 待定
    percent_points: bool = False  # 个百分点
    tail: str | None = None  # text after the value: "基础设施维护" in "完成6项基础设施维护"


@dataclass(frozen=True, slots=True)
class Formula:
    numerator: str
    denominator: str
    times_100: bool
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class ParseError:
    reason: str  # classified: "unreadable", "unbalanced", "bad-number", "too-long" ...
    message: str  # Chinese, for users
    position: int  # character offset in the cell text


@dataclass(frozen=True, slots=True)
class ParsedCell:
    text: str  # the original cell text
    kind: CellKind
    clauses: tuple[Clause, ...] = ()
    formula: Formula | None = None
    error: ParseError | None = None

    @property
    def first(self) -> Clause | None:
        return self.clauses[0] if self.clauses else None

    @property
    def ok(self) -> bool:
        return self.error is None
