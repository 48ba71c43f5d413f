"""An Excel workbook to send back to the department: the input table with the flagged cells
highlighted (a comment on each) and a "审核意见" column beside the rows, plus a first sheet
listing every finding.

A project read from a workbook is shown on a copy of its own sheet (values, merged cells,
styles, widths); one read from a CSV file on its rows; one written in YAML or JSON on a table
built from the document. `render` returns the bytes of the .xlsx file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Any

from indicator_audit.core.cellsafe import sheet_title, spreadsheet_text, xml_text
from indicator_audit.core.findings import Finding
from indicator_audit.read.document import Document
from indicator_audit.read.tabular import TableSource
from indicator_audit.report import common
from indicator_audit.run.audit import Audit

_FILL = {"error": "FFF4C7C3", "warning": "FFFFE699", "info": "FFCFE2F3"}
_RANK = {"error": 3, "warning": 2, "info": 1}


def _clean(text: str) -> str:
    """User text as a cell value: never a formula (OWASP), only characters XML can hold."""
    return spreadsheet_text(text)


def _value(value: Any) -> Any:
    """A value copied from the input workbook: its text kept inert like any user text."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def _note(f: Finding) -> str:
    text = f"[{common.SEVERITY_LABEL[f.severity.value]}] {f.rule} {f.message}"
    return _clean(text + (f"；建议：{f.suggestion}" if f.suggestion else ""))


class _Book:
    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self.names: set[str] = set()
        self.sources: dict[str, Any] = {}  # file → the loaded input workbook
        self.ranks: dict[Any, int] = {}  # (sheet, row, col) → worst severity marked there

    def sheet(self, wanted: str) -> Any:
        base = sheet_title(wanted, "项目")
        name, n = base[:31], 1
        while name.lower() in self.names:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        self.names.add(name.lower())
        return self.wb.create_sheet(name)

    def input_sheet(self, source: TableSource) -> Any:
        import openpyxl

        book = self.sources.get(source.file)
        if book is None:
            book = openpyxl.load_workbook(source.file, data_only=True)
            self.sources[source.file] = book
        return book[source.sheet]


def _mark(ws: Any, row: int, col: int, severity: str, note: str, ranks: dict[Any, int]) -> None:
    """Fill the cell in the colour of its worst finding and add the finding to its comment."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    cell = ws.cell(row, col)
    if type(cell).__name__ == "MergedCell":
        return
    key = (ws.title, row, col)
    if _RANK[severity] > ranks.get(key, 0):
        ranks[key] = _RANK[severity]
        cell.fill = PatternFill("solid", fgColor=_FILL[severity])
    previous = cell.comment.text + "\n" if cell.comment is not None else ""
    if note in previous.split("\n"):
        return
    cell.comment = Comment(xml_text(previous + note), "indicator-audit", width=320, height=120)


def _write_notes(ws: Any, col: int, notes: dict[int, list[str]]) -> None:
    from openpyxl.styles import Alignment

    for row, lines in notes.items():
        # one merged 一级 cell flagged once per indicator under it: say it once
        cell = ws.cell(row, col, "\n".join(dict.fromkeys(lines)))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _copy_sheet(src: Any, dst: Any) -> None:
    for row in src.iter_rows():
        for c in row:
            if type(c).__name__ == "MergedCell":
                continue
            d = dst.cell(c.row, c.column, _value(c.value))
            if c.has_style:
                d.font = copy(c.font)
                d.fill = copy(c.fill)
                d.border = copy(c.border)
                d.alignment = copy(c.alignment)
                d.number_format = c.number_format
    for rng in src.merged_cells.ranges:
        dst.merge_cells(str(rng))
    for key, dim in src.column_dimensions.items():
        if dim.width:
            dst.column_dimensions[key].width = dim.width
    for key, rdim in src.row_dimensions.items():
        if rdim.height:
            dst.row_dimensions[key].height = rdim.height


def _table_sheets(book: _Book, audits: list[Audit]) -> None:
    """Projects read from a table, annotated in place on a copy of their sheet."""
    from openpyxl.styles import Font

    groups: dict[tuple[str, str | None], list[Audit]] = {}
    for a in audits:
        assert isinstance(a.source, TableSource)
        groups.setdefault((a.source.file, a.source.sheet), []).append(a)
    for (file, sheet), group in groups.items():
        first = group[0].source
        assert isinstance(first, TableSource)
        title = sheet if sheet is not None else file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        ws = book.sheet(title)
        if sheet is not None:
            _copy_sheet(book.input_sheet(first), ws)
        else:
            from indicator_audit.read.csv_table import load_grid

            grid, _ = load_grid(Path(file))
            for r, line in enumerate(grid.cells, 1):
                for c, value in enumerate(line, 1):
                    if value:
                        ws.cell(r, c, _clean(value))
        col = max(a.source.last_col for a in group if isinstance(a.source, TableSource)) + 1
        ws.column_dimensions[_letter(col)].width = 60
        # the header row's cell names the column; findings about the whole table follow it
        notes: dict[int, list[str]] = {
            a.source.header_row: ["审核意见"] for a in group if isinstance(a.source, TableSource)
        }
        for a in group:
            assert isinstance(a.source, TableSource)
            for f in a.findings:
                _mark(ws, f.line, f.column, f.severity.value, _note(f), book.ranks)
                notes.setdefault(f.line, []).append(_note(f))
            if a.error is not None:
                notes.setdefault(a.error.line, []).append(_clean(f"[无法检查] {a.error.message}"))
        _write_notes(ws, col, notes)
        for row in notes:
            if notes[row][0] == "审核意见":
                ws.cell(row, col).font = Font(bold=True, color="FFB42318")
        for a in group:
            if a.document is not None and isinstance(a.source, TableSource):
                rows = {ind.index: ind.line for ind in a.document.indicators}
                _companion_columns(ws, a, a.source.header_row, col + 1, rows)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(col)
    return letter


_DOC_ROWS = (
    ("project.name", "项目名称"),
    ("project.department", "主管部门"),
    ("project.year", "年度"),
    ("project.budget", "预算"),
    ("project.type", "项目类型"),
    ("project.content", "主要内容"),
    ("goals.overall", "总体目标"),
    ("goals.annual", "年度目标"),
    ("budget_execution.planned", "预算数"),
    ("budget_execution.spent", "执行数"),
    ("budget_execution.weight", "预算执行分值"),
    ("budget_execution.score", "预算执行得分"),
)


def _document_sheet(book: _Book, audit: Audit, doc: Document) -> None:
    """A project written in YAML or JSON: lay its table out the way the forms do."""
    from openpyxl.styles import Font

    name = doc.model.project.name or audit.path.rsplit("/", 1)[-1]
    ws = book.sheet(name)
    ws.cell(1, 1, _clean(f"{name} 审核意见")).font = Font(bold=True, size=14)
    row = 2
    doc_cells: list[tuple[int, int, int, int]] = []  # (line, col, end_col, sheet row)
    for path, label in _DOC_ROWS:
        cells = doc.value_cells(path)
        if not cells:
            continue
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 2, _clean("；".join(x.text for x in cells)))
        for cell in cells:
            doc_cells.append(
                (cell.line, cell.col, cell.end_col if cell.end_line == cell.line else 10**6, row)
            )
        row += 1
    row += 1
    fields = [
        n
        for n in common.FIELD_LABEL
        if any(n in i.cells or getattr(i.fields, n) is not None for i in doc.indicators)
    ]
    header = row
    for c, n in enumerate(fields, 1):
        ws.cell(header, c, common.FIELD_LABEL[n]).font = Font(bold=True)
    notes_col = len(fields) + 1 if fields else 3
    ws.cell(header, notes_col, "审核意见").font = Font(bold=True, color="FFB42318")
    rows: dict[int, int] = {}
    for ind in doc.indicators:
        row += 1
        rows[ind.index] = row
        for c, n in enumerate(fields, 1):
            found = ind.cells.get(n)
            text = found.text if found is not None else common.field_text(getattr(ind.fields, n))
            if text:
                ws.cell(row, c, _clean(text))
    notes: dict[int, list[str]] = {}
    for f in audit.findings:
        if f.indicator is not None and f.indicator in rows:
            target_row = rows[f.indicator]
            field = common.field_of(audit, f)
            if field in fields:
                at = fields.index(field) + 1
                _mark(ws, target_row, at, f.severity.value, _note(f), book.ranks)
        else:
            target_row = next(
                (r for ln, start, end, r in doc_cells if ln == f.line and start <= f.column < end),
                1,
            )
            if target_row != 1:
                _mark(ws, target_row, 2, f.severity.value, _note(f), book.ranks)
        notes.setdefault(target_row, []).append(_note(f))
    _write_notes(ws, notes_col, notes)
    for k in range(1, notes_col):
        ws.column_dimensions[_letter(k)].width = 16
    ws.column_dimensions[_letter(notes_col)].width = 60
    _companion_columns(ws, audit, header, notes_col + 1, rows)


def _companion_columns(
    ws: Any, audit: Audit, header: int, first: int, rows: dict[int, int]
) -> None:
    """Last year's target and actual (and the declared target) beside the table, from column
    `first` on: `rows` maps an indicator to its sheet row."""
    from openpyxl.styles import Font

    for k, (label, values) in enumerate(common.companion_columns(audit)):
        ws.cell(header, first + k, label).font = Font(bold=True)
        ws.column_dimensions[_letter(first + k)].width = 16
        for index, value in values.items():
            if value and index in rows:
                ws.cell(rows[index], first + k, spreadsheet_text(value))


def _summary_sheet(book: _Book, audits: Sequence[Audit]) -> None:
    from openpyxl.styles import Font

    ws = book.wb.active
    ws.title = "审核汇总"
    book.names.add("审核汇总")
    b = common.batch_summary(audits)
    ws.cell(1, 1, "绩效目标审核汇总").font = Font(bold=True, size=14)
    ws.cell(
        2,
        1,
        f"{b.projects} 个项目，{b.clean} 个无问题，{b.unreadable} 个无法检查；"
        f"共 {b.findings} 个问题"
        f"（错误 {b.by_severity['error']}，警告 {b.by_severity['warning']}，"
        f"提示 {b.by_severity['info']}）",
    )
    heads = ("项目", "位置", "级别", "规则", "类型", "问题", "建议")
    for c, h in enumerate(heads, 1):
        ws.cell(4, c, h).font = Font(bold=True)
    row = 4
    for a in audits:
        if a.error is not None:
            row += 1
            values: tuple[str, ...] = (a.path, "", "无法检查", "", "", a.error.message, "")
            for c, v in enumerate(values, 1):
                ws.cell(row, c, _clean(v))
        for f in a.findings:
            row += 1
            values = (
                a.path,
                common.location(a, f),
                common.SEVERITY_LABEL[f.severity.value],
                f.rule,
                f.kind,
                f.message,
                f.suggestion or "",
            )
            for c, v in enumerate(values, 1):
                ws.cell(row, c, _clean(v))
    for c, w in enumerate((36, 12, 8, 8, 14, 60, 50), 1):
        ws.column_dimensions[_letter(c)].width = w
    ws.freeze_panes = "A5"


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> bytes:
    book = _Book()
    _summary_sheet(book, audits)
    tables = [
        a
        for a in audits
        if isinstance(a.source, TableSource) and a.source.loader in ("xlsx", "csv")
    ]
    _table_sheets(book, tables)
    for a in audits:
        if a in tables or a.document is None:
            continue
        _document_sheet(book, a, a.document)
    buffer = io.BytesIO()
    book.wb.save(buffer)
    return buffer.getvalue()
