"""The portfolio view: the quality score's formula, groups pooled by department and unit,
frequent problems, and its html (in a real browser), xlsx and terminal forms, from a check or
from a JSON report."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from chromium_support import render
from indicator_audit.cli.main import main
from indicator_audit.report import portfolio, portfolio_html, portfolio_text, portfolio_xlsx
from indicator_audit.run.records import FindingRecord, ProjectRecord

ROOT = Path(__file__).resolve().parents[2]
ATTACK = "<script>document.title='pwned'</script>"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'


def _f(
    severity: str, rule: str = "IA101", kind: str = "vague", cell: str = "Sheet1!E5"
) -> FindingRecord:
    return FindingRecord(rule, "vague-target", kind, severity, f"{rule} 的说明", cell)


def _p(
    path: str,
    indicators: int,
    findings: list[FindingRecord],
    department: str | None = "市教育局",
    unit: str | None = "市第一中学",
    error: str | None = None,
) -> ProjectRecord:
    return ProjectRecord(path, f"{path} 项目", department, unit, indicators, tuple(findings), error)


def test_score_follows_the_documented_formula() -> None:
    # D = (3·1 + 1·2 + 0.2·5) / 10 = 0.6 → 100 / 1.6 = 62.5
    p = portfolio.project_score(_p("a", 10, [_f("error")] + [_f("warning")] * 2 + [_f("info")] * 5))
    assert p.score == 62.5 and p.grade == "中"
    assert portfolio.project_score(_p("clean", 12, [])).score == 100.0
    assert portfolio.project_score(_p("one-per", 8, [_f("warning")] * 8)).score == 50.0
    assert portfolio.project_score(_p("err-per", 8, [_f("error")] * 8)).score == 25.0
    # grade edges
    assert [portfolio.grade(v) for v in (90.0, 89.9, 75.0, 74.9, 60.0, 59.9)] == [
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
    ]


def test_score_is_comparable_across_table_sizes() -> None:
    small = portfolio.project_score(_p("small", 10, [_f("warning")] * 2))
    large = portfolio.project_score(_p("large", 40, [_f("warning")] * 8))
    assert small.score == large.score
    worse = portfolio.project_score(_p("large2", 40, [_f("warning")] * 9))
    assert worse.score is not None and large.score is not None and worse.score < large.score


def test_departments_are_pooled_not_averaged() -> None:
    view = portfolio.build(
        [
            _p("tiny-clean", 10, [], "市民政局", "市福利院"),
            _p("big-sloppy", 30, [_f("warning")] * 30, "市民政局", "市救助站"),
            _p("other", 20, [_f("info")] * 5, "市教育局", "市第一中学"),
            _p("broken", 0, [], None, None, error="无法读取 Excel 文件"),
        ]
    )
    civil = next(d for d in view.departments if d.name == "市民政局")
    assert civil.score == round(100 / (1 + 30 / 40), 1)  # 57.1, not the mean of 100 and 50
    assert civil.projects == 2 and civil.indicators == 40
    names = [d.name for d in view.departments]
    assert names[0] == "未注明"  # a department with nothing checked comes first
    assert names[1:] == ["市民政局", "市教育局"]  # then the worst
    assert [p.record.path for p in view.projects][:2] == ["broken", "big-sloppy"]
    assert view.unreadable == 1 and view.grades["无法检查"] == 1
    assert {u.name for u in view.units} >= {"市福利院", "市救助站", "市第一中学"}


def test_problems_counted_with_one_example_per_project() -> None:
    records = [
        _p(f"p{i}", 10, [_f("warning", "IA101", cell=f"S!E{r}") for r in range(3)])
        for i in range(5)
    ] + [_p("q", 10, [_f("error", "IA303", "unit")])]
    view = portfolio.build(records)
    top = view.rules[0]
    assert (top.key, top.count, len(top.projects)) == ("IA101", 15, 5)
    assert len(top.examples) == portfolio.EXAMPLES
    assert len({e[0] for e in top.examples}) == portfolio.EXAMPLES  # from different projects
    assert [k.key for k in view.kinds] == ["vague", "unit"]


def _hostile() -> list[ProjectRecord]:
    return [
        _p("a.xlsx#表", 10, [_f("error"), _f("warning")], ATTACK, "<img src=x onerror=alert(1)>"),
        _p("b.xlsx#表", 20, [_f("warning", "IA303", "unit")], FORMULA, "@SUM(1+1)"),
        _p("c.xlsx#表", 15, [], "市教育局", "市第一中学"),
    ]


def test_html_escapes_every_user_text() -> None:
    page = portfolio_html.render(portfolio.build(_hostile()))
    assert "<script" not in page.lower() and "<img" not in page
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    assert page.count("<svg") == 3 and 'class="bar"' in page


def test_xlsx_has_native_charts_and_no_formula(tmp_path: Path) -> None:
    out = tmp_path / "总览.xlsx"
    out.write_bytes(portfolio_xlsx.render(portfolio.build(_hostile())))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["总览", "项目得分", "部门与单位", "问题（按规则）", "问题类型"]
    assert sum(len(ws._charts) for ws in wb.worksheets) >= 4
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + FORMULA in texts and "'@SUM(1+1)" in texts
    scores = wb["项目得分"]
    assert [c.value for c in scores[1]][:3] == ["#", "项目", "主管部门"]
    assert scores.cell(2, 10).value in {"差", "中", "良", "优"}


def test_terminal_view_shows_no_control_sequence() -> None:
    records = [_p("x", 10, [_f("warning")], "\x1b[2J市教育局\x07", "单位")]
    text = portfolio_text.render(portfolio.build(records), color=False)
    assert "\x1b" not in text and "\x07" not in text and "\\x1b[2J市教育局" in text
    assert "各部门" in text and "最常见的问题" in text


def _generated(tmp_path: Path, n: int) -> Path:
    spec = importlib.util.spec_from_file_location(
        "gen_workbooks", ROOT / "bench" / "gen_workbooks.py"
    )
    assert spec is not None and spec.loader is not None
    gen: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    folder = tmp_path / "forms"
    gen.generate(n, folder, seed=3)
    return folder


def test_report_command_from_a_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _generated(tmp_path, 6)
    report = tmp_path / "report.json"
    assert main(["check", str(folder), "-f", "json", "-o", str(report), "-q"]) == 1
    html = tmp_path / "总览.html"
    assert main(["report", str(report), "-f", "html", "-o", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    data = json.loads(report.read_text(encoding="utf-8"))
    departments = {f["project"]["department"] for f in data["files"]}
    assert all(d in page for d in departments)
    assert page.count('<tr class="project">') == len(data["files"])
    xlsx = tmp_path / "总览.xlsx"
    assert main(["report", str(report), "-f", "xlsx", "-o", str(xlsx)]) == 0
    assert openpyxl.load_workbook(xlsx)["项目得分"].max_row == len(data["files"]) + 1
    capsys.readouterr()
    assert main(["report", str(report), "--color", "never"]) == 0
    assert "项目总览" in capsys.readouterr().out
    # a report written before "project" existed: grouped under 未注明, still scored
    for f in data["files"]:
        f.pop("project")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["report", str(old), "--color", "never"]) == 0
    assert "未注明" in capsys.readouterr().out


def test_report_command_bad_input_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1,\n  "files": [\n    {"path": }', encoding="utf-8")
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:14: JSON 格式错误" in err and "Traceback" not in err
    other = tmp_path / "other.json"
    other.write_text('{"runs": []}', encoding="utf-8")
    assert main(["report", str(other)]) == 2
    assert "不是 indicator-audit 的 JSON 报告" in capsys.readouterr().err


def test_check_writes_the_portfolio_for_many_files_and_statistics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from indicator_audit.cli.check import PORTFOLIO_FILES

    folder = _generated(tmp_path, PORTFOLIO_FILES)
    page = tmp_path / "many.html"
    main(["check", str(folder), "-f", "html", "-o", str(page), "-q"])
    assert 'id="scores"' in page.read_text(encoding="utf-8")
    few = tmp_path / "few.html"
    main(["check", *map(str, sorted(folder.glob("*.xlsx"))[:2]), "-f", "html", "-o", str(few)])
    assert 'id="scores"' not in few.read_text(encoding="utf-8")  # the detailed report
    capsys.readouterr()
    main(["check", str(folder), "-f", "json", "--statistics", "-q", "--color", "never"])
    out, err = capsys.readouterr()
    json.loads(out)  # stdout stays a clean JSON report
    assert "项目总览" in err and "项目总览" not in out


def test_portfolio_html_in_a_real_browser(tmp_path: Path) -> None:
    page = tmp_path / "portfolio.html"
    page.write_text(portfolio_html.render(portfolio.build(_hostile())), encoding="utf-8")
    shot = tmp_path / "portfolio.png"
    dom = render(page, shot, "1280,1600")
    assert "<title>绩效目标审核：项目总览</title>" in dom  # no script renamed the page
    assert 'id="scores"' in dom and dom.count('<tr class="project">') == 3
    assert dom.count("<svg") == 3 and dom.count('class="bar"') >= 5  # charts in the live DOM
    assert "&lt;script&gt;" in dom and "<script" not in dom.lower()
    assert "<img" not in dom and "&lt;img src=x onerror=alert(1)&gt;" in dom
    assert shot.exists() and shot.stat().st_size > 10_000
