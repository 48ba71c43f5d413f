"""The targets document schema (pydantic): English keys, Chinese names accepted as aliases.

This is the one place where keys and their aliases are declared; the loader, the JSON Schema
and the converters all read them from here. Values arrive as the text written in the file and
pydantic's lax mode turns "15.00" into a number where a number is expected.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field


def _text_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value


Text = str
TextList = Annotated[list[str], BeforeValidator(_text_list)]


def _alias(*names: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(*names))


class _Strict(BaseModel):
    # Numbers in text fields are kept as the text written (coerce_numbers_to_str): validated
    # in pydantic-core, with no Python call per field.
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, coerce_numbers_to_str=True
    )


class Project(_Strict):
    name: Text | None = _alias("name", "项目名称", "名称")
    department: Text | None = _alias(
        "department", "主管部门", "部门", "单位", "实施单位", "预算单位"
    )
    year: int | None = _alias("year", "年度", "预算年度")
    budget: Text | None = _alias("budget", "预算", "预算金额", "年度预算", "资金总额", "预算数")
    type: Text | None = _alias("type", "项目类型", "类型")
    content: TextList = Field(
        default_factory=list,
        validation_alias=AliasChoices("content", "主要内容", "资金用途", "建设内容", "实施内容"),
    )


class Goals(_Strict):
    overall: Text | None = _alias("overall", "总体目标", "长期目标")
    annual: TextList = Field(
        default_factory=list,
        validation_alias=AliasChoices("annual", "年度目标", "年度绩效目标", "年度预期绩效目标"),
    )


class BudgetExecution(_Strict):
    planned: float | None = _alias("planned", "预算数", "年度预算数", "全年预算数", "调整后预算数")
    spent: float | None = _alias("spent", "执行数", "全年执行数", "实际支出", "支出数")
    weight: float | None = _alias("weight", "分值", "权重")
    score: float | None = _alias("score", "得分")


class IndicatorFields(_Strict):
    level1: Text | None = _alias("level1", "一级指标")
    level2: Text | None = _alias("level2", "二级指标")
    name: Text | None = _alias("name", "三级指标", "指标名称")
    target: Text | None = _alias("target", "指标值", "年度指标值", "目标值")
    unit: Text | None = _alias("unit", "度量单位", "计量单位", "单位")
    comparator: Text | None = _alias("comparator", "指标性质", "指标方向")
    value_type: Text | None = _alias("value_type", "指标值类型", "指标类型")
    weight: float | None = _alias("weight", "权重", "分值", "权重或分值")
    formula: Text | None = _alias("formula", "计算公式", "指标解释")
    basis: Text | None = _alias("basis", "指标值设定依据", "绩效标准", "设定依据")
    scoring: Text | None = _alias("scoring", "评分标准", "评(扣)分标准", "评（扣）分标准")
    actual: Text | None = _alias("actual", "实际完成值", "实际值", "全年实际值")
    score: float | None = _alias("score", "得分", "自评得分")
    explanation: Text | None = _alias(
        "explanation", "偏差原因分析", "偏差原因分析及改进措施", "偏差原因"
    )


class TargetsDocument(_Strict):
    """The whole document: what `targets.yaml` holds once every form is resolved."""

    project: Project = Field(
        default_factory=Project, validation_alias=AliasChoices("project", "项目")
    )
    goals: Goals = Field(default_factory=Goals, validation_alias=AliasChoices("goals", "绩效目标"))
    budget_execution: BudgetExecution | None = _alias(
        "budget_execution", "预算执行", "预算执行情况", "项目资金"
    )
    indicators: list[IndicatorFields] = Field(
        default_factory=list, validation_alias=AliasChoices("indicators", "绩效指标")
    )


def alias_table(model: type[BaseModel]) -> dict[str, str]:
    """Every accepted spelling of a key → the field name."""
    table: dict[str, str] = {}
    for name, info in model.model_fields.items():
        table[name] = name
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            for choice in alias.choices:
                if isinstance(choice, str):
                    table[choice] = name
    return table
