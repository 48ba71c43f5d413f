"""Findings stand in the cell that holds the problem: budget execution at the executed amount,
rate and score cells (not at the block's label), a missing value at the blank cell of its row
(where it is to be written), not at the row's first cell."""

from __future__ import annotations

from pathlib import Path

from indicator_audit.api import audit_file

INDICATORS = (
    "一级指标,二级指标,三级指标,指标值,指标值设定依据\n"
    "产出指标,数量指标,培训期数,≥4期,计划标准\n"
    "产出指标,数量指标,培训人次,≥300人次,{basis}\n"
    "满意度指标,服务对象满意度指标,学员满意度,≥90%,历史标准\n"
)


def table(tmp_path: Path, budget: str, basis: str = "") -> list[tuple[str, str | None]]:
    path = tmp_path / "表.csv"
    path.write_text(
        "项目名称,培训项目\n" + budget + "\n" + INDICATORS.format(basis=basis), encoding="utf-8"
    )
    result = audit_file(path)
    assert result.error is None, result.error
    return [(f.rule, f.cell) for f in result.findings]


def test_budget_execution_findings_stand_at_the_rate_and_score_cells(tmp_path: Path) -> None:
    found = table(tmp_path, "年度预算数,执行数,执行率,分值,得分\n100,70,70%,10,10\n")
    assert ("IA805", "C3") in found  # the rate, 70% < 90%
    assert ("IA805", "E3") in found  # the score, 10 > 7
    assert not [c for r, c in found if r == "IA805" and c in ("A2", "B2", "C2", "D2", "E2")]


def test_without_a_rate_column_the_low_rate_stands_at_the_executed_amount(
    tmp_path: Path,
) -> None:
    found = table(tmp_path, "年度预算数,执行数,分值,得分\n100,70,10,7\n")
    assert [c for r, c in found if r == "IA805"] == ["B3"]


def test_a_good_budget_execution_has_no_finding(tmp_path: Path) -> None:
    # near miss: 95% executed, scored 9.5 of 10
    found = table(tmp_path, "年度预算数,执行数,执行率,分值,得分\n100,95,95%,10,9.5\n")
    assert not [r for r, _ in found if r == "IA805"]


def test_a_missing_basis_stands_at_its_blank_cell(tmp_path: Path) -> None:
    found = table(tmp_path, "年度预算数,执行数\n100,100\n")
    assert ("IA511", "E7") in found
    assert not [c for r, c in found if r == "IA511" and c != "E7"]


def test_a_filled_basis_has_no_finding(tmp_path: Path) -> None:
    found = table(tmp_path, "年度预算数,执行数\n100,100\n", basis="计划标准")
    assert not [r for r, _ in found if r == "IA511"]


def test_yaml_budget_execution_findings_stand_at_the_values(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "budget_execution:\n  planned: 100\n  spent: 70\n  weight: 10\n  score: 10\n"
        "indicators: [培训期数不少于4期]\n",
        encoding="utf-8",
    )
    found = [(f.rule, f.line, f.pointer) for f in audit_file(path).findings if f.rule == "IA805"]
    assert sorted(found) == [
        ("IA805", 3, "/budget_execution/spent"),
        ("IA805", 5, "/budget_execution/score"),
    ]
