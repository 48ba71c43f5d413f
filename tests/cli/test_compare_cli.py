"""`check --previous`, `check --declared` and the peer step through the command line and the
library: the match table in JSON, pairing by project name and department in a batch, the
same findings from the library, located exit-2 errors for a companion that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compare_tables import LAST, THIS
from indicator_audit.cli.main import main

OTHER_LAST = """\
project: {name: 2023年道路养护项目, department: 交通运输局, year: 2023}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 养护里程, target: ≥100公里, actual: 120公里}
"""
OTHER_THIS = """\
project: {name: 2024年道路养护项目, department: 交通运输局, year: 2024}
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 道路养护里程, target: ≥130公里}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def years(tmp_path: Path) -> Path:
    for folder, files in (
        ("2023", {"资助.yaml": LAST, "养护.yaml": OTHER_LAST}),
        ("2024", {"a.yaml": THIS, "b.yaml": OTHER_THIS}),
    ):
        (tmp_path / folder).mkdir()
        for name, text in files.items():
            (tmp_path / folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_previous_file_json_has_findings_and_match_table(
    years: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "check", str(years / "2024" / "a.yaml"), "--previous",
        str(years / "2023" / "资助.yaml"), "-f", "json", "--fail-on", "warning",
    )  # fmt: skip
    assert code == 1
    (file,) = json.loads(out)["files"]
    rules = {f["rule"] for f in file["findings"]}
    assert {"IA711", "IA713"} <= rules
    matched = [m for m in file["matches"] if m["indicator"] is not None]
    assert matched == [
        {
            "against": "previous",
            "path": str(years / "2023" / "资助.yaml"),
            "indicator": 0,
            "other": 0,
            "how": "name",
            "name": "1、学生受资助人数",
            "other_name": "学生受资助人数",
            "target": "≧735人次",
            "other_target": "≧700人次",
            "other_actual": "735人次",
        }
    ]
    dropped = [m for m in file["matches"] if m["indicator"] is None]
    assert [m["other_name"] for m in dropped] == ["学生满意度"]


def test_previous_folder_pairs_projects_by_name_and_department(
    years: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "check", str(years / "2024"), "--previous", str(years / "2023"), "-f", "json"
    )
    assert code in (0, 1)
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert {m["path"] for m in files["a.yaml"]["matches"]} == {str(years / "2023" / "资助.yaml")}
    assert {m["path"] for m in files["b.yaml"]["matches"]} == {str(years / "2023" / "养护.yaml")}
    road = [f["rule"] for f in files["b.yaml"]["findings"] if f["rule"].startswith("IA71")]
    assert road == []  # 130 公里 is above last year's 120: an honest target


def test_declared_targets_against_the_self_evaluation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declared = tmp_path / "申报.yaml"
    declared.write_text(LAST.replace(", actual: '735'", "").replace(", actual: 85%", ""), "utf-8")
    self_eval = tmp_path / "自评.yaml"
    self_eval.write_text(LAST.replace("target: ≥90%", "target: ≥85%"), "utf-8")
    code, out, _ = run(capsys, "check", str(self_eval), "--declared", str(declared), "-f", "json")
    assert code == 1  # a changed target is an error
    (file,) = json.loads(out)["files"]
    changed = [f for f in file["findings"] if f["rule"] == "IA811"]
    assert len(changed) == 1 and changed[0]["severity"] == "error"
    assert "≥85%" in changed[0]["message"] and "≥90%" in changed[0]["message"]
    assert {m["against"] for m in file["matches"]} == {"declared"}


def test_a_companion_that_cannot_be_read_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    this = tmp_path / "this.yaml"
    this.write_text(THIS, "utf-8")
    broken = tmp_path / "last.yaml"
    broken.write_text("project: {name: x\nindicators: [\n", "utf-8")
    code, out, err = run(capsys, "check", str(this), "--previous", str(broken))
    assert code == 2 and out == ""
    # at the "{" that is never closed
    assert f"{broken}:1:10:" in err and "Traceback" not in err
    code, _, err = run(capsys, "check", str(this), "--declared", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "missing.xlsx:1:1" in err
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("indicators:\n  - {name: 巡检次数, colour: red}\n", "utf-8")
    code, _, err = run(capsys, "check", str(this), "--previous", str(unknown))
    assert code == 2 and f"{unknown}:2:" in err


def test_library_matches_the_command_line(years: Path) -> None:
    from indicator_audit import audit_file, audit_paths

    result = audit_file(years / "2024" / "a.yaml", previous=years / "2023" / "资助.yaml")
    assert {f.rule for f in result.findings} >= {"IA711", "IA713"}
    assert result.matches[0].other_actual == "735人次"
    report = audit_paths(sorted((years / "2024").glob("*.yaml")), previous=years / "2023")
    assert len(report.files) == 2 and all(f.matches for f in report.files)
    from indicator_audit.api import CompanionError

    with pytest.raises(CompanionError):
        audit_file(years / "2024" / "a.yaml", previous=years / "nowhere.yaml")


def test_html_and_xlsx_show_last_years_values_beside_this_years(
    years: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    this, last = str(years / "2024" / "a.yaml"), str(years / "2023" / "资助.yaml")
    html = years / "r.html"
    run(capsys, "check", this, "--previous", last, "-f", "html", "-o", str(html))
    page = html.read_text("utf-8")
    head = page[page.index('<table class="indicators"') :]
    assert head.index("<th>指标值</th>") < head.index("上年目标") < head.index("上年实际")
    assert '<td class="companion">≧700人次</td><td class="companion">735人次</td>' in head
    book = years / "r.xlsx"
    run(capsys, "check", this, "--previous", last, "-f", "xlsx", "-o", str(book))
    ws = openpyxl.load_workbook(book).worksheets[1]
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if "上年目标" in r)
    data = rows[rows.index(header) + 1]
    assert data[header.index("上年目标")] == "≧700人次"
    assert data[header.index("上年实际")] == "735人次"


def test_xlsx_keeps_a_formula_in_last_years_cell_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    last = tmp_path / "last.yaml"
    last.write_text(
        "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, "
        "target: '=HYPERLINK(\"http://x\")', actual: 12次}\n",
        "utf-8",
    )
    this = tmp_path / "this.yaml"
    this.write_text(
        "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥14次}\n",
        "utf-8",
    )
    book = tmp_path / "r.xlsx"
    run(capsys, "check", str(this), "--previous", str(last), "-f", "xlsx", "-o", str(book))
    ws = openpyxl.load_workbook(book).worksheets[1]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith("=") for v in values)
    assert any("HYPERLINK" in v for v in values)
