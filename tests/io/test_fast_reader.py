"""The workbook reader (calamine for values and merged areas): what a form shows, where it
shows it, and legacy .xls files as budget systems export them."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from indicator_audit.read.document import build
from indicator_audit.read.readers import is_supported, read_sources
from indicator_audit.read.xlsx import read
from indicator_audit.run.audit import audit_path_full

HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值"]


def _book(
    tmp_path: Path, rows: list[list[Any]], formats: dict[str, str], merges: list[str]
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "申报表"
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                cell = ws.cell(r, c, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
    for ref, fmt in formats.items():
        ws[ref].number_format = fmt
    for rng in merges:
        ws.merge_cells(rng)
    path = tmp_path / "表.xlsx"
    wb.save(path)
    return path


def test_percentage_cells_read_as_the_form_shows_them(tmp_path: Path) -> None:
    rows = [
        ["项目名称", "基层培训"],
        HEADER,
        ["产出指标", "质量指标", "培训合格率", "≥", 0.95, None, 10],
        [None, None, "覆盖率", "≥", 0.875, None, 10],
        [None, "数量指标", "培训人次", "≥", 300, "人次", 0.1],  # 分值 0.1, not a percentage
        [None, None, "完成率", "=", 1, None, 10],
    ]
    formats = {"E3": "0%", "E4": "0.0%", "E6": '0"%"%'}
    path = _book(tmp_path, rows, formats, ["A3:A6", "B3:B4", "B5:B6"])
    (source,) = read(path)
    doc = build(source)
    targets = [i.fields.target for i in doc.indicators]
    assert targets == ["95%", "87.5%", "300", "100%"]
    assert doc.indicators[2].fields.weight == 0.1
    # merged 一级 / 二级 carried down, and every cell where the form has it
    assert [i.fields.level2 for i in doc.indicators] == [
        "质量指标",
        "质量指标",
        "数量指标",
        "数量指标",
    ]
    assert source.cell_ref is not None
    cell = doc.indicators[3].cells["target"]
    assert source.cell_ref(cell.line, cell.col) == "申报表!E6"


def test_values_of_every_type(tmp_path: Path) -> None:
    rows = [
        ["项目名称", "信息化运维"],
        HEADER,
        ["产出指标", "时效指标", "完成时间", None, dt.datetime(2024, 12, 31), None, 5],
        [None, None, "上线时间", None, dt.datetime(2024, 6, 1, 9, 30), None, 5],
        [None, "质量指标", "是否通过验收", None, True, None, 5],
        [None, None, "故障率", "≤", "=0.5%", None, 5],  # text that starts with "=": not a formula
        [None, None, "巡检", "≥", "１２次", None, 5],
    ]
    path = _book(tmp_path, rows, {}, ["A3:A7"])
    (doc,) = [build(s) for s in read_sources(path)]
    targets = [i.fields.target for i in doc.indicators]
    assert targets == ["2024年12月31日", "2024年6月1日 09:30", "是", "=0.5%", "１２次"]


def test_a_chart_sheet_and_a_hidden_sheet(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "数据"
    for r, row in enumerate([HEADER, ["产出指标", "数量指标", "人次", "≥", 3, "人", 10]], 1):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    for c, v in enumerate(HEADER, 1):
        hidden.cell(1, c, v)
    hidden.append(["产出指标", "数量指标", "场次", "≥", 2, "场", 10])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=2))
    wb.create_chartsheet("图表").add_chart(chart)
    path = tmp_path / "图表.xlsx"
    wb.save(path)
    sources = read(path)
    # a hidden sheet is not part of the form the user sees; a chart sheet has no cells
    assert [s.sheet for s in sources] == ["数据"]


def test_cell_refs_survive_pickling(tmp_path: Path) -> None:
    """Audits travel from worker processes: a table's cell names must pickle."""
    rows = [HEADER, ["产出指标", "数量指标", "培训人次", "≥", 300, None, 10]]
    path = _book(tmp_path, rows, {}, [])
    (audit,) = audit_path_full(path)
    back = pickle.loads(pickle.dumps(audit))
    assert back.source is not None and back.source.cell_ref is not None
    assert [back.source.cell_ref(f.line, f.column) for f in back.findings] == [
        audit.source.cell_ref(f.line, f.column)
        for f in audit.findings  # type: ignore[union-attr]
    ]


def _xls(path: Path, rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> Path:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (the test extra) writes the .xls file")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("申报表")
    merged = {(r1, c1) for r1, _, c1, _ in merges}
    covered = {
        (r, c) for r1, r2, c1, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    }
    for r1, r2, c1, c2 in merges:
        ws.write_merge(r1, r2, c1, c2, rows[r1][c1])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in covered | merged:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def test_legacy_xls_with_merged_cells(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["2023年度项目支出绩效目标申报表", None, None, None, None, None, None],
        ["项目名称", "基层财务人员培训", None, "主管部门", "示例县财政局", None, None],
        ["一级指标", "二级指标", "三级指标", "年度指标值", None, None, "分值"],
        [None, None, None, "指标性质", "指标值", "度量单位", None],
        ["产出指标", "数量指标", "培训期数", "=", 4, "期", 15],
        [None, None, "参训人次", "≥", 300, "人次", 15],
        [None, "质量指标", "考核合格率", "≥", 95, "%", 10],
        ["效益指标", "社会效益指标", "学员业务水平", None, "明显提高", None, 30],
    ]
    merges = [
        (0, 0, 0, 6),
        (2, 3, 0, 0),
        (2, 3, 1, 1),
        (2, 3, 2, 2),
        (2, 2, 3, 5),
        (2, 3, 6, 6),
        (4, 6, 0, 0),
        (4, 5, 1, 1),
    ]
    path = _xls(tmp_path / "旧版.xls", rows, merges)
    assert is_supported(path)
    (audit,) = audit_path_full(path)
    assert audit.error is None and audit.document is not None
    doc = audit.document
    assert doc.model.project.name == "基层财务人员培训"
    assert [(i.fields.level1, i.fields.level2, i.fields.name) for i in doc.indicators] == [
        ("产出指标", "数量指标", "培训期数"),
        ("产出指标", "数量指标", "参训人次"),
        ("产出指标", "质量指标", "考核合格率"),
        ("效益指标", "社会效益指标", "学员业务水平"),
    ]
    assert doc.indicators[1].fields.target == "300"
    vague = [f for f in audit.findings if f.rule == "IA101"]
    assert vague and audit.source is not None and audit.source.cell_ref is not None
    assert audit.source.cell_ref(vague[0].line, vague[0].column) == "申报表!E8"


def test_damaged_xls_is_a_located_input_error(tmp_path: Path, capsys: Any) -> None:
    from indicator_audit.cli.main import main

    bad = tmp_path / "坏.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not really a compound file")
    assert main(["check", str(bad)]) == 2
    out = capsys.readouterr()
    assert "无法读取 Excel 文件" in out.out + out.err and "Traceback" not in out.out + out.err


def test_reading_never_loads_the_workbook_with_openpyxl(
    make_xlsx: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading with openpyxl costs more than the whole audit: the reader must not do it."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", refuse)
    rows = [HEADER, ["产出指标", "数量指标", "人次", "≥", 3, "人", 10]]
    path = make_xlsx({"申报表": (rows, [])})
    (doc,) = [build(s) for s in read(path)]
    assert doc.indicators[0].fields.target == "3"


def test_lines_left_to_pyyaml_are_exactly_those_with_refused_or_break_characters() -> None:
    """Every code point: C0 and C1 controls (tab and NEL among them), DEL, LS, PS, surrogates
    and U+FFFE/U+FFFF send the line to PyYAML; nothing else does."""
    from indicator_audit.read.source import _NOT_ONE_LINE

    def refused(c: int) -> bool:
        return (
            c < 0x20
            or 0x7F <= c <= 0x9F
            or c in (0x2028, 0x2029, 0xFFFE, 0xFFFF)
            or 0xD800 <= c <= 0xDFFF
        )

    wrong = [c for c in range(0x110000) if bool(_NOT_ONE_LINE.search(chr(c))) != refused(c)]
    assert wrong == []


_REFUSED_SAMPLES = ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x84", "\x9f", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", _REFUSED_SAMPLES, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize(
    "line",
    ["    name: 巡检{c}次数", '    name: "巡检{c}次数"', "    name: 巡检次数  # 注{c}释"],
    ids=["plain", "double-quoted", "comment"],
)
def test_characters_pyyaml_refuses_are_refused_where_they_stand(char: str, line: str) -> None:
    import yaml

    from indicator_audit.read.source import SourceError, load_text

    text = f"indicators:\n  - level1: 产出指标\n{line.format(c=char)}\n    target: ≥12次\n"
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    with pytest.raises(SourceError) as raised:
        load_text(text)
    assert f"U+{ord(char):04X}" in str(raised.value)
    assert (raised.value.line, raised.value.column) == (3, line.index("{c}") + 1)


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
@pytest.mark.parametrize("value", ["巡检{c}次数", '"巡检{c}次数"'], ids=["plain", "double-quoted"])
def test_characters_pyyaml_reads_as_line_breaks_are_read_by_pyyaml(char: str, value: str) -> None:
    """PyYAML may break the line there (an error, or a folded value) where the fast reader
    would not: the document is whatever PyYAML makes of it."""
    import yaml

    from indicator_audit.read.source import SourceError, load_text

    text = (
        f"indicators:\n  - level1: 产出指标\n    name: {value.format(c=char)}\n    target: ≥12次\n"
    )
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(SourceError):
            load_text(text)
        return
    assert expected["indicators"][0]["name"]
    assert load_text(text).loader == "pyyaml"
