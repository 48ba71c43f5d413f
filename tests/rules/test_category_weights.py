"""IA512 category-weight-convention: 成本 indicators count under 成本, whether written as a 一级
(2021 framework) or as 产出/成本指标 (2020 tables); a preset with no bound for 成本 (mof-2020)
counts them inside its 产出 share, as 财预〔2020〕10号 does."""

from __future__ import annotations

import pytest

from indicator_audit.api import audit_text
from indicator_audit.lint.engine import RunOptions


def doc(output: int, cost: int, *, cost_as_level1: bool = False) -> str:
    cost_row = (
        f"  - {{level1: 成本指标, level2: 经济成本指标, name: 运维成本, target: ≤300万元, weight: {cost}}}"
        if cost_as_level1
        else f"  - {{level1: 产出指标, level2: 成本指标, name: 运维成本, target: ≤300万元, weight: {cost}}}"
    )
    return (
        "indicators:\n"
        f"  - {{level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: {output}}}\n"
        f"{cost_row}\n"
        "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, weight: 30}\n"
        "  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥90%, "
        "weight: 10}\n"
    )


def ia512(text: str, preset: str) -> list[str]:
    result = audit_text(text, "t.yaml", RunOptions(preset=preset))
    return [f.message for f in result.findings if f.rule == "IA512"]


@pytest.mark.parametrize("as_level1", [False, True])
def test_the_message_counts_cost_under_cost(as_level1: bool) -> None:
    (message,) = ia512(doc(40, 20, cost_as_level1=as_level1), "mof-2020")
    assert "产出 40" in message and "成本 20" in message


@pytest.mark.parametrize("as_level1", [False, True])
def test_framework_2021_bounds_output_and_cost_apart(as_level1: bool) -> None:
    # near miss: 产出 40 (40–50) and 成本 20 (0–20) are within the framework's ranges,
    # though 产出 with its 成本指标 would be 60
    assert ia512(doc(40, 20, cost_as_level1=as_level1), "framework-2021") == []
    (message,) = ia512(doc(40, 30, cost_as_level1=as_level1), "framework-2021")
    assert "成本 30" in message


def test_mof_2020_counts_cost_inside_output() -> None:
    # 产出 40 with 成本 10 is the 50 that 财预〔2020〕10号 gives 产出 (数量/质量/时效/成本)
    assert ia512(doc(40, 10), "mof-2020") == []
    assert ia512(doc(40, 20), "mof-2020")
