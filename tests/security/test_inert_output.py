"""User text stays text in every output: a =HYPERLINK(…), a DDE payload and an ESC sequence in
every user field come out inert in each format, and the annotated workbook reopens with no
formula cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from indicator_audit.cli.main import main
from indicator_audit.report import reporters

HYPERLINK = '=HYPERLINK("http://example.invalid/x","点击查看")'
DDE = "=cmd|' /C calc'!A0"
ESC = "\x1b[2J\x1b[H0 个问题，审核通过"
OTHER_LEADS = ["@SUM(A1:A9)", "+1+1", "-2+3", "\t=1+1", "\r=1+1", "＝1+1"]
PAYLOADS = [HYPERLINK, DDE, ESC, *OTHER_LEADS]
TERMINAL = ("rich", "github", "markdown")


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar (the only way YAML carries an ESC)."""
    return json.dumps(text, ensure_ascii=False).replace("\\u001b", "\\e")


def _document(tmp_path: Path) -> Path:
    lines = [
        "project:",
        f"  name: {_yaml(DDE + ESC)}",
        f"  department: {_yaml(HYPERLINK)}",
        f"  unit: {_yaml(ESC + DDE)}",
        f"  budget: {_yaml(HYPERLINK)}",
        f"  type: {_yaml(DDE)}",
        "  content:",
        *[f"    - {_yaml(p)}" for p in PAYLOADS],
        "goals:",
        f"  overall: {_yaml(ESC + '完成维护')}",
        "  annual:",
        *[f"    - {_yaml(p + '，全年巡检')}" for p in PAYLOADS],
        "indicators:",
    ]
    for p in PAYLOADS:
        lines += [
            f"  - level1: {_yaml(p)}",
            f"    level2: {_yaml(p)}",
            f"    name: {_yaml(p)}",
            f"    target: {_yaml(p)}",
            f"    unit: {_yaml(p)}",
            f"    comparator: {_yaml(p)}",
            f"    value_type: {_yaml(p)}",
            f"    formula: {_yaml(p)}",
            f"    basis: {_yaml(p)}",
            f"    scoring: {_yaml(p)}",
            f"    actual: {_yaml(p)}",
            f"    explanation: {_yaml(p)}",
        ]
    path = tmp_path / (ESC + HYPERLINK.replace("/", "_")[:20] + ".yaml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _workbook(tmp_path: Path) -> Path:
    """A form-like workbook whose text cells start like formulas (stored as text)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "=cmd|' calc'!A0"[:31].replace("|", "").replace("'", "").replace("!", "")
    rows = [
        ["项目名称", DDE],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        # a worksheet cannot hold an ESC: the other payloads
        *[["产出指标", "数量指标", p, p] for p in PAYLOADS if p != ESC],
    ]
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c, value)
            cell.data_type = "s"  # text that only looks like a formula
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def _render(tmp_path: Path, capsys: pytest.CaptureFixture[str], target: Path, fmt: str) -> str:
    out = tmp_path / f"report.{fmt}"
    code = main(["check", str(target), "-f", fmt, "-o", str(out), "--color", "never"])
    capsys.readouterr()
    assert code in (0, 1)
    return out.read_bytes().decode("utf-8") if fmt != "xlsx" else ""


@pytest.mark.parametrize("fmt", sorted(set(reporters()) - {"xlsx"}))
def test_every_text_format_keeps_payloads_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    doc = _document(tmp_path)
    text = _render(tmp_path, capsys, doc, fmt)
    assert "\x1b" not in text  # no escape sequence reaches a terminal or a file
    assert not any(0x00 <= ord(c) < 0x20 and c not in "\t\n" for c in text)
    if fmt in TERMINAL:
        assert "x1b" in text  # shown, escaped (Markdown escapes the backslash again)
    if fmt == "rich":
        # coloured output: the tool's own styles, never the cell's
        main(["check", str(doc), "-f", "rich", "--color", "always"])
        coloured = capsys.readouterr().out
        assert "\x1b[2J" not in coloured and "\x1b[H" not in coloured
        assert "\x1b[" in coloured


def test_csv_and_github_lines_cannot_be_forged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _render(tmp_path, capsys, _document(tmp_path), "github")
    for line in text.splitlines():
        assert line.startswith("::"), line  # one workflow command per line, no injected ones


def _formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)  # not data_only: formulas would show as data_type "f"
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or (
                    isinstance(c.value, str)
                    and c.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                ):
                    found.append(f"{ws.title}!{c.coordinate}={c.value!r}")
    return found


@pytest.mark.parametrize("source", ["yaml", "xlsx"])
def test_annotated_workbook_has_no_formula_from_user_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    target = _document(tmp_path) if source == "yaml" else _workbook(tmp_path)
    _render(tmp_path, capsys, target, "xlsx")
    path = tmp_path / "report.xlsx"
    assert _formula_cells(path) == []
    book = load_workbook(path)
    texts = [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    ]
    # the payloads are still there to read, made inert by a leading quote
    assert any(t.startswith("'=cmd|") for t in texts)
    assert any("HYPERLINK" in t for t in texts)
    for ws in book.worksheets:
        assert not ws.title.startswith(("=", "+", "-", "@"))
        assert not any(ch in ws.title for ch in "[]:*?/\\")


def test_xml_illegal_characters_do_not_break_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "t.yaml"
    doc.write_text(
        'project:\n  name: "项目\\x01\\x0b\\uFFFE\\uFFFF名称"\nindicators:\n'
        '  - {level1: 产出指标, level2: 数量指标, name: "巡检\\x02次数", target: "≥\\x1f12次"}\n',
        encoding="utf-8",
    )
    _render(tmp_path, capsys, doc, "xlsx")
    book = load_workbook(tmp_path / "report.xlsx")  # reopens: every character is valid XML
    texts = "".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "项目名称" in texts
    assert not any(ord(ch) < 0x20 and ch not in "\t\n\r" for ch in texts)


def _csv_table(tmp_path: Path) -> Path:
    """A CSV form whose cells carry every payload (a CSV, unlike a worksheet, holds an ESC)."""
    import csv

    path = tmp_path / "table.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["项目名称", DDE + ESC, "主管部门", HYPERLINK])
        writer.writerow(["年度目标", ESC + "全年巡检不少于12次"])
        writer.writerow([])
        writer.writerow(["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "实际完成值"])
        for p in PAYLOADS:
            writer.writerow([p, p, p, p, p, p])
    return path


def _csv_cells_inert(data: bytes) -> None:
    import csv
    import io

    text = data.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("source", ["yaml", "xlsx", "csv"])
@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx", "json"])
def test_suggest_write_keeps_payloads_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, fmt: str
) -> None:
    maker = {"yaml": _document, "xlsx": _workbook, "csv": _csv_table}[source]
    out = tmp_path / f"revised.{fmt}"
    code = main(["suggest", str(maker(tmp_path)), "--write", str(out), "--format", "json"])
    capsys.readouterr()
    assert code == 0
    if fmt == "xlsx":
        assert _formula_cells(out) == []
        return
    data = out.read_bytes()
    assert b"\x1b" not in data
    if fmt == "csv":
        _csv_cells_inert(data)
    if fmt == "yaml":  # still a document: no control character even in its comments
        import yaml

        assert yaml.safe_load(data.decode("utf-8"))["indicators"]
    if fmt == "json":
        json.loads(data)


def test_convert_keeps_payloads_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    out = tmp_path / "converted.yaml"
    assert main(["convert", str(_csv_table(tmp_path)), "-o", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text  # escaped in a quoted scalar, not written raw
    data = yaml.safe_load(text)
    assert data["project"]["name"] == DDE + ESC  # the same text, still only text
    names = [i["name"] for i in data["indicators"]]
    assert names[: len(PAYLOADS)] == [p.strip() for p in PAYLOADS]  # cells are read stripped
