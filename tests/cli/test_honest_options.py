"""Options that cannot do what they say refuse with exit 2 and a reason; the rest work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indicator_audit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"
CSV = ROOT / "examples" / "workbook" / "培训项目-gbk.csv"
XLSX = ROOT / "examples" / "workbook" / "绩效目标表.xlsx"

FIXABLE = (
    "indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: ≧１００％}\n"
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("table", [CSV, XLSX])
def test_fix_refuses_tables_and_touches_nothing(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / table.name
    shutil.copy(table, copy)
    text = tmp_path / "a.yaml"
    text.write_text(FIXABLE, encoding="utf-8")
    before = copy.read_bytes()
    code, _, err = _run(capsys, "check", str(text), str(copy), "--fix")
    assert code == 2
    assert "--fix" in err and table.name in err and "没有修改任何文件" in err
    assert copy.read_bytes() == before
    assert text.read_text(encoding="utf-8") == FIXABLE  # not half done either


def test_fix_works_on_a_json_list_of_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "一级指标": "产出指标",
            "二级指标": "质量指标",
            "三级指标": "验收合格率",
            "指标值": "≧１００％",
        }
    ]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    code, _, err = _run(capsys, "check", str(path), "--fix")
    assert code in (0, 1) and "已修正" in err
    fixed = json.loads(path.read_text(encoding="utf-8"))
    assert fixed[0]["指标值"] == "=100%" and fixed[0]["三级指标"] == "验收合格率"


def test_fix_still_fixes_text_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(FIXABLE, encoding="utf-8")
    code, _, err = _run(capsys, "check", str(path), "--fix", "--fail-on", "never")
    assert code == 0 and "已修正" in err
    assert "≧" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["rich", "sarif", "github", "html", "markdown", "junit", "xlsx"])
def test_suggest_with_a_format_that_cannot_carry_it_exits_2(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "report"
    code, out, err = _run(
        capsys, "check", str(GUANGZHOU), "-f", fmt, "--suggest", "-o", str(out_file)
    )
    assert code == 2 and out == ""
    assert "--suggest" in err and "json" in err and "suggest" in err
    assert not out_file.exists()


def test_suggest_with_json_carries_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "check", str(GUANGZHOU), "-f", "JSON", "--suggest")
    assert code == 1 and json.loads(out)["files"][0]["suggestions"]


def test_binary_format_is_not_written_to_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = _run(capsys, "check", str(GUANGZHOU), "-f", "XLSX")
    assert code == 2 and out == "" and "-o" in err and "二进制" in err


# -- inline suppressions ----------------------------------------------------------------------

DOC = (
    "indicators:\n"
    "  - level1: 产出指标\n"
    "    level2: 数量指标\n"
    "    name: 巡检次数\n"
    "    target: 若干次{comment}\n"
    "    weight: 100\n"
)


def _findings_on_target_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], comment: str
) -> list[dict[str, object]]:
    path = tmp_path / "t.yaml"
    path.write_text(DOC.format(comment=comment), encoding="utf-8")
    _, out, _ = _run(capsys, "check", str(path), "-f", "json")
    return [f for f in json.loads(out)["files"][0]["findings"] if f["line"] == 5]


def test_bare_ignore_covers_every_rule_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _findings_on_target_line(tmp_path, capsys, "")
    assert plain, "the vague target must be reported without a comment"
    assert (
        _findings_on_target_line(tmp_path, capsys, "  # indicator-audit: ignore 合同未定次数") == []
    )
    assert _findings_on_target_line(tmp_path, capsys, "  # indicator-audit: ignore") == []
    assert _findings_on_target_line(tmp_path, capsys, "  #indicator-audit:ignore[]") == []


def test_codes_after_a_bare_ignore_are_read_as_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = {str(f["rule"]) for f in _findings_on_target_line(tmp_path, capsys, "")}
    code = sorted(plain)[0]
    left = _findings_on_target_line(tmp_path, capsys, f"  # indicator-audit: ignore {code} 理由")
    assert code not in {f["rule"] for f in left}
    assert {f["rule"] for f in left} == plain - {code}  # the others still show


def test_an_unused_bare_ignore_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "# indicator-audit: ignore 旧注释\nproject: {name: 运维项目}\nindicators: []\n",
        encoding="utf-8",
    )
    _, out, _ = _run(capsys, "check", str(path), "-f", "json")
    unused = [f for f in json.loads(out)["files"][0]["findings"] if f["rule"] == "IA003"]
    assert len(unused) == 1 and "全部规则" in str(unused[0]["message"])


def test_a_word_that_only_starts_with_ignore_is_not_a_suppression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _findings_on_target_line(tmp_path, capsys, "  # indicator-audit: ignored")
