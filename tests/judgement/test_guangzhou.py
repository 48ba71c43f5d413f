"""The motivating report's conclusions, found by the tool on its own table, each located.

One assertion per point of issue 3's list: the problems the 2022 evaluation report found a year
late, which a reviewer should see before submission.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from finding_text import TextUnder, findings_of, of

from indicator_audit import FindingResult

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
located = TextUnder(GUANGZHOU)


@pytest.fixture(scope="module")
def findings() -> list[FindingResult]:
    return findings_of(GUANGZHOU)


def test_the_three_annual_goal_sentences_are_vague(findings: list[FindingResult]) -> None:
    vague = of(findings, "IA103")
    assert {f.line for f in vague} == {34, 35, 36}
    assert all(located(f) in ("保障", "提高", "提升") for f in vague)


def test_nonstandard_level2_labels(findings: list[FindingResult]) -> None:
    rows = {f.indicator for f in of(findings, "IA402")}
    assert {0, 1, 2, 3, 4, 6, 7} <= rows
    assert all(located(f) for f in of(findings, "IA402"))


def test_satisfaction_and_output_quality_filed_under_outcome(findings: list[FindingResult]) -> None:
    (sat,) = of(findings, "IA403", 5)
    (quality,) = of(findings, "IA404", 6)
    assert located(sat) == located(quality) == "效益"


def test_compliance_is_a_process_measure(findings: list[FindingResult]) -> None:
    (process,) = of(findings, "IA451", 7)
    assert "合规性" in located(process)


def test_missing_quantity_cost_and_satisfaction(findings: list[FindingResult]) -> None:
    assert of(findings, "IA504") and of(findings, "IA503") and of(findings, "IA502")


def test_multilevel_recovery_time(findings: list[FindingResult]) -> None:
    (multi,) = of(findings, "IA509", 4)
    (direction,) = of(findings, "IA301", 4)
    assert multi.pointer == "/indicators/4/target" and "3 个目标" in multi.message
    assert located(direction) == "25"


def test_content_items_and_data_goal_not_measured(findings: list[FindingResult]) -> None:
    content = {located(f) for f in of(findings, "IA602")}
    assert content == {"基础设施维护", "软件及信息资源维护", "安全运维服务", "政务云平台资源续租"}
    # one finding for the aim (issue 11): vague, and naming it as measured by no indicator
    (goal,) = [f for f in findings if f.line == 35]
    assert goal.rule == "IA103" and "没有指标衡量" in goal.message and "完整性" in goal.message


def test_score_deducted_although_the_actual_meets_the_target(findings: list[FindingResult]) -> None:
    (score,) = of(findings, "IA802", 4)
    assert located(score) == "9" and "扣了分" in score.message


def test_every_output_is_100_percent_and_met(findings: list[FindingResult]) -> None:
    assert of(findings, "IA703")
