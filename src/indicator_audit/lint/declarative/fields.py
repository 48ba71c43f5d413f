"""The fields a condition may name: how each is read from an indicator's facts or from the
document, its type, and its closed set of values where there is one (docs/conditions.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from indicator_audit.core.parsed import CellKind, Direction
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import DocumentContext


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
COMPARATOR_ALIASES = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "═": "=", "==": "="}
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
