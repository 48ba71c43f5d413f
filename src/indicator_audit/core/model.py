"""The targets document schema: English keys, Chinese names accepted as aliases.

This is the one place where keys, their aliases and their types are declared; the loader,
the JSON Schema and the converters all read them from here.

Plain frozen dataclasses, checked by `validate` below rather than by pydantic: every `check`
validates a document, and importing pydantic and building its models cost more than a whole
check of a small file (pre-commit users feel start-up). The rules are pydantic's lax ones
for these few types: text fields keep a number as the text written ("15.00"), number fields
take numeric text, a list of texts also takes a single text. `schema.py` hands these same
classes to pydantic for the JSON Schema.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Kind = Literal["text", "texts", "number", "integer"]


def _f(kind: Kind, *aliases: str) -> Any:
    """A field of `kind`, also written as any of `aliases`."""
    meta = {"kind": kind, "aliases": aliases}
    if kind == "texts":
        return field(default_factory=list, metadata=meta)
    return field(default=None, metadata=meta)


@dataclass(frozen=True, slots=True)
class Project:
    name: str | None = _f("text", "项目名称", "名称")
    department: str | None = _f("text", "主管部门", "部门", "主管单位", "主管部门及代码")
    # the unit that carries the project out (a school under the education bureau); the
    # portfolio view groups by department, then unit
    unit: str | None = _f("text", "实施单位", "项目单位", "预算单位", "项目实施单位", "单位")
    year: int | None = _f("integer", "年度", "预算年度", "项目年度")
    budget: str | None = _f(
        "text", "预算", "预算金额", "年度预算", "资金总额", "预算数", "年度资金总额", "项目资金总额"
    )
    type: str | None = _f("text", "项目类型", "类型", "项目类别")
    content: list[str] = _f(
        "texts", "主要内容", "项目内容", "项目主要内容", "资金用途", "建设内容", "实施内容"
    )


@dataclass(frozen=True, slots=True)
class Goals:
    overall: str | None = _f(
        "text", "总体目标", "长期目标", "总体绩效目标", "中长期目标", "项目总体目标"
    )
    annual: list[str] = _f(
        "texts", "年度目标", "年度绩效目标", "年度预期绩效目标", "年度总体目标", "项目年度绩效目标"
    )


@dataclass(frozen=True, slots=True)
class BudgetExecution:
    planned: float | None = _f("number", "预算数", "年度预算数", "全年预算数", "调整后预算数")
    spent: float | None = _f(
        "number",
        "执行数",
        "全年执行数",
        "实际支出",
        "支出数",
        "年度支出预算完成数",
        "全年预算执行数",
    )
    # the execution rate as the form writes it ("80%"); findings about the rate stand there
    rate: str | None = _f("text", "执行率", "预算执行率", "资金执行率")
    weight: float | None = _f("number", "分值", "权重")
    score: float | None = _f("number", "得分")


@dataclass(frozen=True, slots=True)
class TotalScore:
    """The form's 总分 / 合计 row: the points available and the points given in all."""

    weight: float | None = _f("number", "分值", "满分", "权重")
    score: float | None = _f("number", "得分", "自评得分", "总分")


# Not frozen, like findings.Finding: a frozen dataclass's __init__ costs four times more, and
# a large table has tens of thousands of indicators. Treat it as immutable.
@dataclass(slots=True)
class IndicatorFields:
    level1: str | None = _f("text", "一级指标", "一级")
    level2: str | None = _f("text", "二级指标", "二级")
    name: str | None = _f(
        "text",
        "三级指标",
        "指标名称",
        "三级",
        "指标内容",
        "绩效指标名称",
        "三级指标名称",
        "具体指标",
    )
    target: str | None = _f(
        "text",
        "指标值",
        "年度指标值",
        "目标值",
        "全年指标值",
        "年度目标值",
        "预期指标值",
        "预期目标值",
        "指标目标值",
        "年初目标值",
        "年初指标值",
        "年度数值",
        "预算设定指标值",
    )
    unit: str | None = _f("text", "度量单位", "计量单位", "单位")
    comparator: str | None = _f("text", "指标性质", "指标方向", "计算符号")
    value_type: str | None = _f("text", "指标值类型", "指标类型")
    weight: float | None = _f("number", "权重", "分值", "权重或分值", "指标分值", "权重(%)")
    formula: str | None = _f("text", "计算公式", "指标解释", "指标说明", "指标定义", "指标值说明")
    basis: str | None = _f(
        "text", "指标值设定依据", "绩效标准", "设定依据", "指标值确定依据", "指标标准或依据"
    )
    scoring: str | None = _f("text", "评分标准", "评(扣)分标准", "评（扣）分标准", "评分规则")
    actual: str | None = _f(
        "text",
        "实际完成值",
        "实际值",
        "全年实际值",
        "实际完成情况",
        "全年实际完成值",
        "实际完成",
        "完成值",
        "项目完成指标值",
    )
    score: float | None = _f("number", "得分", "自评得分", "自评分")
    explanation: str | None = _f(
        "text",
        "偏差原因分析",
        "偏差原因分析及改进措施",
        "偏差原因",
        "偏差原因及改进措施",
        "未完成原因分析",
        "未完成原因及改进措施",
        "未完成原因及拟采取的改进措施",
    )


@dataclass(frozen=True, slots=True)
class TargetsDocument:
    """The whole document: what `targets.yaml` holds once every form is resolved."""

    project: Project = field(default_factory=Project, metadata={"aliases": ("项目",)})
    goals: Goals = field(default_factory=Goals, metadata={"aliases": ("绩效目标",)})
    budget_execution: BudgetExecution | None = field(
        default=None, metadata={"aliases": ("预算执行", "预算执行情况", "项目资金")}
    )
    indicators: list[IndicatorFields] = field(
        default_factory=list, metadata={"aliases": ("绩效指标",)}
    )
    total: TotalScore | None = field(
        default=None, metadata={"aliases": ("总分", "合计", "自评总分")}
    )


Block = (
    type[Project] | type[Goals] | type[BudgetExecution] | type[TotalScore] | type[IndicatorFields]
)
Model = Block | type[TargetsDocument]


def alias_table(model: Model) -> dict[str, str]:
    """Every accepted spelling of a key → the field name."""
    table: dict[str, str] = {}
    for f in fields(model):
        table[f.name] = f.name
        for alias in f.metadata.get("aliases", ()):
            table.setdefault(alias, f.name)
    return table


def aliases(model: Model) -> dict[str, tuple[str, ...]]:
    """field name → its other spellings, in declaration order."""
    return {f.name: tuple(f.metadata.get("aliases", ())) for f in fields(model)}


# -- validation ---------------------------------------------------------------------------

# (location, error type) of one problem; the types are pydantic's names for the same errors
Problem = tuple[tuple[str | int, ...], str]


class _Invalid(Exception):
    def __init__(self, kind: str, where: tuple[str | int, ...] = ()) -> None:
        self.kind = kind
        self.where = where


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid("string_type")
    return str(value)


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        number = _finite(value)
    elif not isinstance(value, str):
        raise _Invalid("float_type")
    else:
        text = value.strip()
        if "_" in text or len(text) > _MAX_NUMBER_CHARS:
            raise _Invalid("float_parsing")
        try:
            number = _finite(float(text))
        except ValueError:
            raise _Invalid("float_parsing") from None
    return number


# No weight, score or amount needs more; a longer "number" is a mistake (and converting a
# 100,000-digit integer is slow or refused by Python itself).
_MAX_NUMBER_CHARS = 40


def _finite(value: int | float) -> float:
    """`value` as a float; inf, nan (`inf`, `Infinity`, `.inf`) and huge integers are refused
    like any text that is not a number."""
    try:
        number = float(value)
    except OverflowError:
        raise _Invalid("float_parsing") from None
    if not math.isfinite(number):
        raise _Invalid("float_parsing")
    return number


def _integer(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        if value is not None and abs(value) >= 10**_MAX_NUMBER_CHARS:
            raise _Invalid("int_parsing")
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _MAX_NUMBER_CHARS:
            raise _Invalid("int_parsing")
        if text.lstrip("+-").isdigit():
            return int(text)
        try:
            number = float(text)
        except ValueError:
            raise _Invalid("int_parsing") from None
    elif isinstance(value, float):
        number = value
    else:
        raise _Invalid("int_type")
    if math.isfinite(number) and number.is_integer():
        return int(number)
    raise _Invalid("int_from_float")


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _Invalid("list_type")
    out: list[str] = []
    for i, item in enumerate(value):
        try:
            text = _text(item)
        except _Invalid as exc:
            raise _Invalid(exc.kind, (i,)) from None
        if text is None:
            raise _Invalid("string_type", (i,))
        out.append(text)
    return out


_COERCE = {"text": _text, "texts": _texts, "number": _number, "integer": _integer}


_Coerce = Any  # one of the functions above


def _plan(model: Block) -> dict[str, _Coerce]:
    return {f.name: _COERCE[f.metadata["kind"]] for f in fields(model)}


_PLANS: dict[Block, dict[str, _Coerce]] = {
    m: _plan(m) for m in (Project, Goals, BudgetExecution, TotalScore, IndicatorFields)
}


def _block(model: Block, data: object, loc: tuple[str | int, ...], out: list[Problem]) -> Any:
    """An instance of `model` from a mapping of field names (the loader resolved aliases and
    rejected unknown keys); a problem for every value of the wrong type."""
    if not isinstance(data, dict):
        out.append((loc, "dict_type"))
        return model()
    plan = _PLANS[model]
    values: dict[str, Any] = data.copy()
    for name, value in data.items():
        coerce = plan[name]
        if coerce is _text and value.__class__ is str:
            continue  # the common case: text where text is expected, kept as it is
        try:
            values[name] = coerce(value)
        except _Invalid as exc:
            del values[name]
            out.append(((*loc, name, *exc.where), exc.kind))
    return model(**values)


def validate(data: dict[str, Any]) -> tuple[TargetsDocument, list[Problem]]:
    """The document from loader output (plain data keyed by field name), and its problems."""
    problems: list[Problem] = []
    project = _block(Project, data.get("project", {}), ("project",), problems)
    goals = _block(Goals, data.get("goals", {}), ("goals",), problems)
    budget = data.get("budget_execution")
    execution = (
        _block(BudgetExecution, budget, ("budget_execution",), problems)
        if budget is not None
        else None
    )
    indicators = [
        _block(IndicatorFields, item, ("indicators", i), problems)
        for i, item in enumerate(data.get("indicators", []))
    ]
    given = data.get("total")
    total = _block(TotalScore, given, ("total",), problems) if given is not None else None
    return TargetsDocument(project, goals, execution, indicators, total), problems


def as_data(document: TargetsDocument | IndicatorFields) -> dict[str, Any]:
    """The document (or one indicator) as plain data, English keys, unset fields left out."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        if hasattr(value, "__dataclass_fields__"):
            return {
                f.name: plain(v) for f in fields(value) if (v := getattr(value, f.name)) is not None
            }
        return value

    out: dict[str, Any] = plain(document)
    return out
