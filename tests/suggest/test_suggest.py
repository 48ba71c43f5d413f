"""Suggestions: the Guangzhou report's recommendations, no invented numbers, clean --write."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indicator_audit.cli.main import main
from indicator_audit.packs.templates import load_templates
from indicator_audit.parse.grammar import parse_cell
from indicator_audit.report.revised import revised_yaml as render_yaml
from indicator_audit.run.audit import audit_path_full, audit_text_full
from indicator_audit.suggest.project_type import detect_project_type
from indicator_audit.suggest.suggester import Suggestion, SuggestionSet, suggest

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
DEV = sorted((ROOT / "tests" / "documents" / "dev").glob("*.yaml"))


def _suggest(path: Path) -> SuggestionSet:
    (audit,) = audit_path_full(path)
    assert audit.document is not None
    return suggest(audit.document, audit.findings)


def _live(result: SuggestionSet) -> list[Suggestion]:
    return result.table


# The report's recommendations (section 四, and 三(二) on fault levels and report quality):
# each is a matcher over the revised table.
RECOMMENDATIONS = {
    "完成 6 项基础设施维护": lambda r: "基础设施维护" in r.name and r.level2 == "数量指标",
    "完成 3 项软件及信息资源维护": lambda r: "软件及信息资源维护" in r.name,
    "全年巡检次数": lambda r: "巡检次数" in r.name and r.target.endswith("次"),
    "驻场服务人员出勤率": lambda r: "出勤率" in r.name and r.target.endswith("%"),
    "故障恢复时间按级别": lambda r: r.name.startswith("一级故障") and "恢复时间" in r.name,
    "系统平均响应时间": lambda r: "响应时间" in r.name and r.target.startswith("≤"),
    "系统故障出现次数": lambda r: "故障出现次数" in r.name and r.target.startswith("≤"),
    "系统异常运行时间": lambda r: "异常运行时间" in r.name and r.target.startswith("≤"),
    "使用者满意度": lambda r: r.level1 == "满意度指标" and "使用人员" in r.name,
    "周报月报质量": lambda r: "周报" in r.name and r.level2 == "质量指标",
    "运维频率（每日/每周巡检）": lambda r: "巡检频" in r.name,
}


def test_guangzhou_covers_the_reports_recommendations() -> None:
    rows = _live(_suggest(GUANGZHOU))
    covered = [k for k, match in RECOMMENDATIONS.items() if any(match(r) for r in rows)]
    missing = sorted(set(RECOMMENDATIONS) - set(covered))
    assert len(covered) >= 9, missing
    assert any(r.level2 == "成本指标" or r.level1 == "成本指标" for r in rows)
    assert any(r.level1 == "满意度指标" for r in rows)


def test_guangzhou_concrete_rewrites() -> None:
    rows = _suggest(GUANGZHOU).rows
    by_name = {r.name: r for r in rows}
    # 25分钟 → ≤25分钟, one row per fault level, from the document's own numbers
    assert by_name["一级故障平均恢复时间"].target == "≤25分钟"
    assert by_name["二级故障平均恢复时间"].target == "≤130分钟"
    assert by_name["三级故障平均恢复时间"].target == "≤270分钟"
    assert all(by_name[n].replaces == 4 for n in ("一级故障平均恢复时间", "三级故障平均恢复时间"))
    # 满意度 under 效益 → 满意度指标 with the group named, keeping its 90%
    sat = by_name["系统使用人员满意度"]
    assert (sat.level1, sat.target, sat.replaces) == ("满意度指标", "≥90%", 5)
    assert "IA403" in sat.codes
    # 100% on a rate → =100%; the quality row moves to 产出/质量
    assert by_name["故障响应及时率"].target == "=100%"
    quality = by_name["运维工作产出物质量"]
    assert (quality.level1, quality.level2) == ("产出指标", "质量指标")
    # the budget fills the cost cap
    assert any(r.target == "≤348万元" for r in rows)


def _numbers(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", text)}


@pytest.mark.parametrize("path", [GUANGZHOU, *DEV], ids=lambda p: p.stem)
def test_no_invented_numbers_and_added_rows_say_what_they_answer(path: Path) -> None:
    source_numbers = _numbers(path.read_text(encoding="utf-8"))
    for row in _suggest(path).rows:
        if row.status != "added":
            continue
        assert row.answers, row
        assert row.reason, row
        for number in _numbers(row.target):
            assert number in source_numbers, (row.name, row.target)
        clause = parse_cell(row.target.replace("__", "1"), "target").first
        assert "__" in row.target or (clause is not None and clause.value is not None), row


@pytest.mark.parametrize("path", [GUANGZHOU, *DEV], ids=lambda p: p.stem)
def test_write_produces_a_document_without_errors(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "revised.yaml"
    assert main(["suggest", str(path), "--write", str(out), "--format", "json"]) == 0
    audit = audit_text_full(out.read_text(encoding="utf-8"), str(out))
    assert audit.error is None
    errors = [f"{f.rule} {f.message}" for f in audit.findings if f.severity.value == "error"]
    assert errors == []
    # the revised table is what suggest proposed
    assert audit.document is not None
    assert len(audit.document.indicators) == len(_suggest(path).table)


def test_rendered_yaml_round_trips_names_and_targets() -> None:
    (audit,) = audit_path_full(GUANGZHOU)
    assert audit.document is not None
    result = suggest(audit.document, audit.findings)
    revised = audit_text_full(render_yaml(audit.document, result))
    assert revised.document is not None
    got = [(i.fields.name, i.fields.target) for i in revised.document.indicators]
    assert got == [(r.name, r.target) for r in result.table]
    assert revised.document.model.project.type == "信息化运维"


def test_explicit_type_wins_and_detection_agrees_without_it() -> None:
    text = GUANGZHOU.read_text(encoding="utf-8")
    explicit = audit_text_full(text)
    assert explicit.document is not None
    kind = detect_project_type(explicit.document)
    assert kind.explicit and kind.name == "信息化运维"
    detected = audit_text_full(text.replace("  type: 信息化运维\n", ""))
    assert detected.document is not None
    kind = detect_project_type(detected.document)
    assert not kind.explicit and kind.name == "信息化运维"
    assert any(e.word == "运维" and e.where == "项目名称" for e in kind.evidence)
    other = audit_text_full(text.replace("type: 信息化运维", "type: 培训"))
    assert other.document is not None
    assert detect_project_type(other.document).name == "培训"


def test_templates_load_and_every_form_parses() -> None:
    templates = load_templates()
    assert {t.type for t in templates} >= {
        "信息化运维", "信息化建设", "购置", "培训", "会议", "文字成果/研究",
        "基建工程", "补贴/资助", "公用经费/运转", "宣传",
    }  # fmt: skip
    for t in templates:
        assert t.source and t.satisfaction_group
        assert any(i.level1 == "满意度指标" for i in t.indicators), t.type
        for ind in t.indicators:
            assert "__" in ind.target and ind.source and ind.basis
            filled = parse_cell(ind.target.replace("____", "2025").replace("__", "1"), "target")
            clause = filled.first
            assert filled.error is None and clause is not None, ind.target
            assert clause.date is not None or (clause.comparator and clause.unit), ind.target


def test_json_report_carries_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(GUANGZHOU), "--format", "json"])
    plain = json.loads(capsys.readouterr().out)
    assert "suggestions" not in plain["files"][0]  # opt-in: check stays a fast lint
    main(["check", str(GUANGZHOU), "--format", "json", "--suggest"])
    data = json.loads(capsys.readouterr().out)
    (file,) = data["files"]
    keys = {"level1", "level2", "name", "target", "formula", "basis", "reason", "replaces"}
    assert file["suggestions"] and all(keys <= set(s) for s in file["suggestions"])
    added = [s for s in file["suggestions"] if s["status"] == "added"]
    assert added and all(s["replaces"] is None for s in added)
    assert any(s["replaces"] == 4 for s in file["suggestions"])


def test_suggest_rich_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", str(GUANGZHOU), "--color", "never"]) == 0
    out = capsys.readouterr().out
    for word in ("保留", "修改", "新增", "一级故障平均恢复时间", "≤348万元", "信息化运维"):
        assert word in out


def test_write_needs_a_loadable_document(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators: 3\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert main(["suggest", str(bad), "--write", str(out)]) == 2
    assert not out.exists()


def test_marked_blanks_are_reported_as_info_only(tmp_path: Path) -> None:
    """The revised document's "__" blanks are a to-do for the author, never an error or warning."""
    out = tmp_path / "revised.yaml"
    assert main(["suggest", str(GUANGZHOU), "--write", str(out), "--format", "json"]) == 0
    (audit,) = audit_path_full(out)
    blanks = [f for f in audit.findings if "__" in f.message]
    assert blanks and {f.rule for f in blanks} == {"IA203"}
    assert all(f.severity == "info" for f in blanks)
