"""convert: tables to targets YAML, and checking the YAML finds what checking the table finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from indicator_audit.cli.main import main
from indicator_audit.run.audit import audit_path_full

WORKBOOK_DIR = Path(__file__).resolve().parents[2] / "examples" / "workbook"


def _findings(path: Path) -> list[list[tuple[str, int | None, str]]]:
    return [
        sorted((f.rule, f.indicator, f.message) for f in a.findings) for a in audit_path_full(path)
    ]


def test_workbook_round_trip(tmp_path: Path, capsys: Any) -> None:
    book = WORKBOOK_DIR / "绩效目标表.xlsx"
    out = tmp_path / "targets.yaml"
    assert main(["convert", str(book), "-o", str(out)]) == 0
    written = sorted(tmp_path.glob("targets-*.yaml"))
    assert [p.name for p in written] == [f"targets-{k}.yaml" for k in range(1, 5)]
    assert "→" in capsys.readouterr().err
    converted = [f for p in written for f in _findings(p)]
    assert converted == _findings(book)  # same findings, apart from where they stand


@pytest.mark.parametrize("name", ["培训项目-gbk.csv", "干部学院-utf8-bom.csv"])
def test_csv_round_trip_to_stdout(name: str, tmp_path: Path, capsys: Any) -> None:
    assert main(["convert", str(WORKBOOK_DIR / name)]) == 0
    out = tmp_path / "t.yaml"
    out.write_text(capsys.readouterr().out, encoding="utf-8")
    assert _findings(out) == _findings(WORKBOOK_DIR / name)


def test_convert_to_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    assert main(["convert", str(WORKBOOK_DIR / "绩效目标表.xlsx"), "-o", f"{folder}/"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [f"绩效目标表-{k}.yaml" for k in range(1, 5)]


def test_several_projects_need_an_output(capsys: Any) -> None:
    assert main(["convert", str(WORKBOOK_DIR / "绩效目标表.xlsx")]) == 2
    assert "-o" in capsys.readouterr().err


def test_convert_reports_bad_cells(tmp_path: Path, capsys: Any) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("一级指标,三级指标,指标值,分值\n产出指标,期数,4期,十分\n", encoding="utf-8")
    assert main(["convert", str(csv), "-o", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert "D2" in err and "应为数字" in err
    assert not (tmp_path / "x.yaml").exists()


def test_schema_command(capsys: Any) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    indicator = schema["$defs"]["IndicatorFields"]["properties"]
    assert {"三级指标", "指标值", "度量单位", "指标性质", "偏差原因分析"} <= set(indicator)
    assert {"项目", "绩效指标", "项目名称"} <= set(schema["properties"])
