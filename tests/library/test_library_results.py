"""The library's typed results: what an integrator gets from audit_file / parse_cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicator_audit import FindingResult, audit_file, audit_paths, audit_text, parse_cell

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "examples" / "workbook" / "绩效目标表.xlsx"
CSV = ROOT / "examples" / "workbook" / "培训项目-gbk.csv"


def test_finding_results_of_a_table_carry_the_cell_like_the_json() -> None:
    result = audit_file(CSV)
    assert result.error is None and result.findings
    assert all(isinstance(f, FindingResult) and f.cell for f in result.findings)
    assert result.findings[0].cell is not None and result.findings[0].cell[0].isalpha()
    dumped = result.model_dump(mode="json")
    assert all("cell" in f for f in dumped["findings"])


def test_a_yaml_finding_has_no_cell_and_dumps_like_the_json_report() -> None:
    result = audit_text("indicators:\n  - {name: 巡检次数, target: １２次}\n")
    assert result.findings and all(f.cell is None for f in result.findings)
    assert all("cell" not in f for f in result.model_dump(mode="json")["findings"])


@pytest.mark.parametrize("bad", [25, 25.0, None, b"\xe2\x89\xa525%", ["≥25%"]])
def test_parse_cell_rejects_what_is_not_text(bad: object) -> None:
    with pytest.raises(TypeError, match="str"):
        parse_cell(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["Target", "name", "", "sentences"])
def test_parse_cell_rejects_an_unknown_mode(mode: str) -> None:
    with pytest.raises(ValueError, match="target"):
        parse_cell("≥２５％", mode)  # type: ignore[arg-type]


def test_parse_cell_still_takes_messy_text() -> None:
    cell = parse_cell("≧９５％ **", "target")
    assert cell.first is not None and cell.first.value == 95


def test_several_projects_come_back_like_a_missing_file(tmp_path: Path) -> None:
    """Neither raises: both are a FileResult with an error and no findings."""
    missing = audit_file(tmp_path / "没有这个文件.yaml")
    several = audit_file(WORKBOOK)
    for result in (missing, several):
        assert result.error is not None and result.findings == []
        assert result.error.line == 1 and result.error.column == 1
    assert several.error is not None
    assert "4 个项目" in several.error.message and "audit_paths" in several.error.message
    # the same workbook through audit_paths: one result per project, none in error
    report = audit_paths([WORKBOOK])
    assert len(report.files) == 4 and all(f.error is None for f in report.files)
    json.dumps(several.model_dump(mode="json"))
