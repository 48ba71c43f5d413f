"""Generate the example workbook and CSV files from the example targets documents.

    PYTHONPATH=src python examples/workbook/make_workbook.py

绩效目标表.xlsx is laid out like the real forms (GUIDE.md §1): a title row, a project block, a
two-row header ("年度指标值" over 指标性质 / 指标值 / 度量单位), merged 一级 / 二级 cells.
  申报表   a 绩效目标申报表 (examples/small/chinese-keys.yaml)
  自评表   a 绩效自评表 with the real Guangzhou IT operations indicators
           (examples/guangzhou-2021-it-ops.yaml): 实际完成值 / 分值 / 得分 / 偏差原因
  多项目   two projects one under the other (examples/small/vague-goals.yaml, placeholders.yaml)
培训项目-gbk.csv is the 申报表 in GBK; 干部学院-utf8-bom.csv a 自评表 in UTF-8 with a BOM.
The output is deterministic (fixed document times), so regenerating changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicator_audit.read.document import Document, build
from indicator_audit.read.source import read_file

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")

DECLARATION = ["level1", "level2", "name", "comparator", "target", "unit", "weight", "basis"]
SELF_EVAL = [
    "level1",
    "level2",
    "name",
    "formula",
    "target",
    "actual",
    "weight",
    "score",
    "explanation",
]
HEADERS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "comparator": "指标性质",
    "target": "指标值",
    "unit": "度量单位",
    "weight": "分值",
    "basis": "指标值设定依据",
    "formula": "计算公式",
    "actual": "实际完成值",
    "score": "得分",
    "explanation": "偏差原因分析及改进措施",
}


def load(name: str) -> Document:
    return build(read_file(EXAMPLES / name))


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list):
        return "".join(f"{i}.{v}" for i, v in enumerate(value, 1)) if len(value) > 1 else value[0]
    return str(value)


def rows_of(doc: Document, columns: list[str]) -> list[list[str]]:
    return [[text(getattr(i.fields, c)) for c in columns] for i in doc.indicators]


def block_rows(doc: Document, self_eval: bool) -> list[list[str]]:
    p, g = doc.model.project, doc.model.goals
    rows = [["项目名称", text(p.name), "", "主管部门", text(p.department)]]
    if p.content:
        rows.append(["主要内容", "、".join(p.content)])
    if not self_eval:
        rows.append(["预算金额（万元）", text(p.budget), "", "项目类型", text(p.type)])
        if g.overall:
            rows.append(["总体目标", g.overall])
        rows.append(["年度目标", text(g.annual)])
    return rows


def put(ws: Worksheet, row: int, col: int, value: str, bold: bool = False) -> None:
    cell = ws.cell(row, col, value if value != "" else None)
    cell.border = BOX
    cell.alignment = WRAP
    if bold:
        cell.font = Font(bold=True)


def merge_runs(
    ws: Worksheet,
    first: int,
    rows: list[list[str]],
    col: int,
    key: Callable[[list[str]], tuple[str, ...]],
) -> None:
    """Merge equal consecutive category cells, as the forms do."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or key(rows[i]) != key(rows[start]):
            if i - start > 1:
                for r in range(first + start + 1, first + i):
                    ws.cell(r, col).value = None
                ws.merge_cells(
                    start_row=first + start, end_row=first + i - 1, start_column=col, end_column=col
                )
            start = i


def write_project(ws: Worksheet, row: int, doc: Document, self_eval: bool, two_row: bool) -> int:
    columns = SELF_EVAL if self_eval else DECLARATION
    width = len(columns)
    year = doc.model.project.year or ""
    title = f"{year}年度项目支出绩效{'自评表' if self_eval else '目标申报表'}"
    ws.cell(row, 1, title).font = Font(bold=True, size=14)
    ws.cell(row, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=row, end_row=row, start_column=1, end_column=width)
    row += 1
    for values in block_rows(doc, self_eval):
        put(ws, row, 1, values[0], bold=True)
        put(ws, row, 2, values[1])
        if len(values) > 3:
            ws.merge_cells(start_row=row, end_row=row, start_column=2, end_column=3)
            put(ws, row, 4, values[3], bold=True)
            put(ws, row, 5, values[4])
            ws.merge_cells(start_row=row, end_row=row, start_column=5, end_column=width)
        else:
            ws.merge_cells(start_row=row, end_row=row, start_column=2, end_column=width)
        row += 1
    if self_eval:
        be = doc.model.budget_execution
        assert be is not None
        heads = [
            "项目资金（万元）",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]
        rate = f"{(be.spent or 0) / (be.planned or 1):.0%}"
        values = [
            "年度资金总额",
            "350",
            text(be.planned),
            text(be.spent),
            text(be.weight),
            rate,
            text(be.score),
        ]
        for r, line in ((row, heads), (row + 1, values)):
            for c, v in enumerate(line, 1):
                put(ws, r, c, v, bold=r == row)
        row += 2
        g = doc.model.goals
        put(ws, row, 1, "年度总体目标", bold=True)
        ws.merge_cells(start_row=row, end_row=row + 1, start_column=1, end_column=1)
        put(ws, row, 2, "预期目标", bold=True)
        put(ws, row, 6, "实际完成情况", bold=True)
        put(ws, row + 1, 2, text(g.annual))
        put(ws, row + 1, 6, "全年运维服务按合同完成，系统运行稳定。")
        for r in (row, row + 1):
            ws.merge_cells(start_row=r, end_row=r, start_column=2, end_column=5)
            ws.merge_cells(start_row=r, end_row=r, start_column=6, end_column=width)
        row += 2
    header = row
    if two_row and not self_eval:
        for c, name in enumerate(columns, 1):
            if name in ("comparator", "target", "unit"):
                put(ws, header + 1, c, HEADERS[name], bold=True)
            else:
                put(
                    ws,
                    header,
                    c,
                    HEADERS[name].replace("指标", "\n指标", 1) if c == 3 else HEADERS[name],
                    bold=True,
                )
                ws.merge_cells(start_row=header, end_row=header + 1, start_column=c, end_column=c)
        put(ws, header, 4, "年度指标值", bold=True)
        ws.merge_cells(start_row=header, end_row=header, start_column=4, end_column=6)
        row += 2
    else:
        for c, name in enumerate(columns, 1):
            put(ws, header, c, HEADERS[name], bold=True)
        row += 1
    rows = rows_of(doc, columns)
    for line in rows:
        for c, v in enumerate(line, 1):
            put(ws, row, c, v)
        row += 1
    first = row - len(rows)
    merge_runs(ws, first, rows, 1, lambda r: (r[0],))
    merge_runs(ws, first, rows, 2, lambda r: (r[0], r[1]))
    return row


def sheet(ws: Worksheet, widths: list[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def write_csv(path: Path, doc: Document, columns: list[str], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, lineterminator="\r\n")
    for line in block_rows(doc, self_eval=False):
        out.writerow([v for v in line if v != ""][:2] + ([] if len(line) < 4 else line[3:5]))
    out.writerow([])
    out.writerow([HEADERS[c] for c in columns])
    out.writerows(rows_of(doc, columns))
    path.write_bytes(buffer.getvalue().encode(encoding))


def _fix_zip_times(path: Path) -> None:
    """openpyxl stamps every zip member with the current time: fix it, so output is stable."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            if info.filename == "docProps/core.xml":  # openpyxl writes the save time here
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


def main() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "申报表"
    write_project(ws, 1, load("small/chinese-keys.yaml"), self_eval=False, two_row=True)
    sheet(ws, [12, 16, 20, 10, 12, 10, 8, 30])
    ws2 = wb.create_sheet("自评表")
    write_project(ws2, 1, load("guangzhou-2021-it-ops.yaml"), self_eval=True, two_row=False)
    sheet(ws2, [12, 18, 18, 26, 14, 12, 8, 8, 36])
    ws3 = wb.create_sheet("多项目")
    row = write_project(ws3, 1, load("small/vague-goals.yaml"), self_eval=False, two_row=False)
    write_project(ws3, row + 1, load("small/placeholders.yaml"), self_eval=False, two_row=False)
    sheet(ws3, [12, 16, 24, 10, 14, 10, 8, 30])
    fixed = dt.datetime(2024, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(HERE / "绩效目标表.xlsx")
    _fix_zip_times(HERE / "绩效目标表.xlsx")
    write_csv(HERE / "培训项目-gbk.csv", load("small/chinese-keys.yaml"), DECLARATION, "gbk")
    write_csv(
        HERE / "干部学院-utf8-bom.csv", load("small/self-eval-scores.yaml"), SELF_EVAL, "utf-8-sig"
    )


if __name__ == "__main__":
    main()
