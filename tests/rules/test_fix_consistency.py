"""`--fix` never turns one finding into another: after the fix, no rule reports something on
an indicator that it did not report before (the fix only removes findings), and a rule's edit
never goes against another rule's advice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indicator_audit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted((ROOT / "tests" / "documents").glob("dev*/*.yaml"))

# made-up cells of the class: a rate or satisfaction target written "≥100%" in its many spellings
MADE_UP = """\
indicators:
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, target: ≥100%}
  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 群众满意率, target: ≧１００％}
  - {level1: 满意度指标, level2: 社会公众或服务对象满意度指标, name: 受益群众满意度, target: 100, comparator: ≥, unit: '%'}
  - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: ≥100%}
  - {level1: 产出指标, level2: 时效指标, name: 资金到位及时率, target: '>=100%'}
"""


def _findings(path: Path, capsys: pytest.CaptureFixture[str]) -> set[tuple[str, int | None]]:
    main(["check", str(path), "-f", "json", "--fail-on", "never"])
    data = json.loads(capsys.readouterr().out)
    return {(f["rule"], f["indicator"]) for f in data["files"][0]["findings"]}


def _fix(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(path), "--fix", "-f", "json", "--fail-on", "never"])
    capsys.readouterr()


@pytest.mark.parametrize("source", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixing_a_real_table_only_removes_findings(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / source.name
    shutil.copy(source, path)
    before = _findings(path, capsys)
    _fix(path, capsys)
    after = _findings(path, capsys)
    assert after <= before, sorted(after - before)


def test_fixing_100_percent_targets_only_removes_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(MADE_UP, encoding="utf-8")
    before = _findings(path, capsys)
    _fix(path, capsys)
    after = _findings(path, capsys)
    assert after <= before, sorted(after - before)
    text = path.read_text(encoding="utf-8")
    # the rates are fixed; the satisfaction targets are left to their author
    assert "name: 验收合格率, target: =100%" in text
    assert "name: 学生满意度, target: ≥100%" in text and "≧１００％" not in text


def test_satisfaction_advice_agrees_between_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(MADE_UP, encoding="utf-8")
    main(["check", str(path), "-f", "json", "--fail-on", "never"])
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    on_first = [f for f in findings if f["indicator"] == 0]
    assert {"IA303", "IA702"} <= {f["rule"] for f in on_first}
    assert not any("=100%" in (f["suggestion"] or "") for f in on_first)
