"""Reports people read: html (checked in a real headless browser), xlsx, junit, markdown;
the batch summary; binary output never to a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest

from chromium_support import render
from indicator_audit.cli.main import main
from indicator_audit.report import get_reporter
from indicator_audit.report.markdown import _md
from indicator_audit.run.audit import audit_path_full

WORKBOOK = Path(__file__).resolve().parents[2] / "examples" / "workbook" / "绩效目标表.xlsx"
ATTACK = "<script>document.title='pwned';alert(1)</script>"


def _attack_book(make_xlsx: Callable[..., Path]) -> Path:
    rows = [
        ["2023年度项目支出绩效目标申报表"],
        ["项目名称", "<b>培训</b>项目"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", ATTACK, "明显提高"],
        [None, None, "培训班期数", "=4期"],
    ]
    return make_xlsx({"Sheet1": (rows, ["A4:A5", "B4:B5"])})


def test_html_report_renders_in_a_real_browser(
    make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    path = _attack_book(make_xlsx)
    report = tmp_path / "report.html"
    assert main(["check", str(path), str(WORKBOOK), "-f", "html", "-o", str(report)]) == 1
    shot = tmp_path / "report.png"
    dom = render(report, shot, "1280,2000")
    # it rendered: the page and its findings are in the live DOM
    assert "<title>绩效目标审核报告</title>" in dom  # the script did not rename the page
    assert 'id="summary"' in dom and "问题最多的项目" in dom
    assert dom.count('class="finding"') >= 10
    assert "明显提高" in dom and "Sheet1!D4" in dom and "自评表!" in dom
    # the attack is text, not an element
    assert "&lt;script&gt;document.title='pwned';alert(1)&lt;/script&gt;" in dom
    assert "<script" not in dom.lower()
    assert "&lt;b&gt;培训&lt;/b&gt;项目" in dom
    assert shot.exists() and shot.stat().st_size > 10_000


def test_html_escapes_every_user_text(make_xlsx: Callable[..., Path]) -> None:
    audits = audit_path_full(_attack_book(make_xlsx))
    page = get_reporter("html")(audits)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "default-src 'none'" in page  # scripts refused even if escaping were missed
    assert 'class="warning"' in page or 'class="error"' in page  # a flagged cell


def test_xlsx_report_carries_the_findings(tmp_path: Path) -> None:
    out = tmp_path / "审核意见.xlsx"
    yaml_file = WORKBOOK.parent.parent / "small" / "vague-goals.yaml"
    assert main(["check", str(WORKBOOK), str(yaml_file), "-f", "xlsx", "-o", str(out)]) == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "审核汇总"
    assert {"申报表", "自评表", "多项目"} <= set(wb.sheetnames)
    summary = wb["审核汇总"]
    rules = {row[3] for row in summary.iter_rows(min_row=5, values_only=True)}
    assert {"IA401", "IA802"} <= rules
    ws = wb["自评表"]
    (notes_col,) = {
        c.column
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("审核意见")
    }
    column = [ws.cell(r, notes_col).value or "" for r in range(1, ws.max_row + 1)]
    assert any("IA802" in v for v in column)
    flagged = ws["A9"]  # the merged 一级 cell "产出"
    assert flagged.value == "产出" and flagged.comment is not None
    assert "IA401" in flagged.comment.text
    assert flagged.fill.fgColor.rgb.endswith("FFE699")  # a warning
    assert "A9:A12" in {str(r) for r in ws.merged_cells.ranges}  # the form's layout kept
    built = wb["2022年度社区文化服务提升项目"]  # from YAML: the table is built
    texts = [c for row in built.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "三级指标" in texts and any("IA" in t for t in texts)


def test_binary_report_not_written_to_a_terminal(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["check", str(WORKBOOK), "-f", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err


def test_junit_and_markdown(make_xlsx: Callable[..., Path]) -> None:
    audits = audit_path_full(_attack_book(make_xlsx)) + audit_path_full(WORKBOOK)
    xml = get_reporter("junit")(audits)
    root = ElementTree.fromstring(xml.encode())
    assert len(root.findall("testsuite")) == 5
    assert int(root.get("failures", "0")) >= 1
    assert any("Sheet1!D4" in (f.text or "") for f in root.iter("failure"))
    md = get_reporter("markdown")(audits)
    assert "<script" not in md
    assert _md(ATTACK + "|x") == "&lt;script&gt;document.title='pwned';alert(1)&lt;/script&gt;\\|x"
    assert "Sheet1!D4" in md and "| 问题类型 |" in md


def test_batch_summary_in_the_terminal(capsys: Any) -> None:
    main(["check", str(WORKBOOK.parent), "--color", "never"])
    out = capsys.readouterr().out
    assert "批量汇总：6 个项目" in out
    assert "问题最多的项目" in out and "模板残留（placeholder）" in out


def test_json_cell_field_is_additive(capsys: Any) -> None:
    main(["check", str(WORKBOOK), str(WORKBOOK.parent.parent / "well-formed.yaml"), "-f", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1
    table, yaml_file = report["files"][0], report["files"][-1]
    assert all(f["cell"].startswith("申报表!") for f in table["findings"])
    assert all("cell" not in f for f in yaml_file["findings"])


def test_github_and_sarif_name_the_cell_of_a_workbook_finding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json as _json

    from indicator_audit.cli.main import main as _main

    book = Path(__file__).resolve().parents[2] / "examples" / "workbook" / "绩效目标表.xlsx"
    _main(["check", str(book), "-f", "github"])
    out = capsys.readouterr().out
    assert "#" not in out.split("file=", 1)[1].split(",", 1)[0]
    assert "申报表!" in out
    _main(["check", str(book), "-f", "sarif"])
    sarif = _json.loads(capsys.readouterr().out)
    results = sarif["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert all(u.endswith("绩效目标表.xlsx") for u in uris)
    assert any("!" in r["message"]["text"] for r in results)
