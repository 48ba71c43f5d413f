"""The revised indicator table written in the user's own form.

- The same key language: a document written with Chinese keys (项目名称, 三级指标) gets them
  back, each key as the user spelled it; English keys stay English.
- The same file format, chosen by the output's extension: `.yaml`/`.yml` a targets document,
  `.csv` a table (UTF-8 with BOM, so Excel opens it), `.xlsx` a real workbook, `.json` rows
  for systems. An xlsx input is rewritten in its own layout: its sheet, the rows above the
  indicator table and its header row(s) stay; the indicator rows are the revised ones, changed
  cells are filled yellow, added rows green, and a column 修改说明 gives each row's reason.
- User text never becomes a formula: every cell goes through core.cellsafe.

`revised_bytes(document, result, fmt)` is the library entry point (the CLI and the web
service call it); `REVISED_FORMATS` lists the formats.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indicator_audit.core.cellsafe import sheet_title, spreadsheet_text, terminal_text
from indicator_audit.core.model import IndicatorFields, Project, TargetsDocument, aliases
from indicator_audit.read.document import Document
from indicator_audit.read.tabular import TableSource
from indicator_audit.suggest.rows import Suggestion, SuggestionSet

REVISED_FORMATS = ("yaml", "csv", "xlsx", "json")
_STATUS = {"kept": "保留", "changed": "修改", "added": "新增", "removed": "删除"}
# The columns of the revised table, in order (the self-evaluation columns are not carried).
_FIELDS = ("level1", "level2", "name", "target", "formula", "basis", "weight")
_REASON = "修改说明"
_CHANGED_FILL = "FFF2CC"  # light yellow: a changed cell
_ADDED_FILL = "E2EFDA"  # light green: an added row


def format_for(path: str | Path) -> str | None:
    """The revised-table format an output path asks for, by its extension."""
    suffix = Path(path).suffix.lower()
    return {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx", ".json": "json"}.get(
        suffix
    )


def _chinese(document: Document) -> bool:
    """Did the user write Chinese keys? (the indicators' key decides)"""
    pointer = document.indicators[0].pointer if document.indicators else ""
    pointer = pointer or next(iter(document.paths.values()), "")
    return any(ord(ch) > 127 for ch in pointer)


class _Keys:
    """Each key as the user wrote it, else the first Chinese alias, else the field name."""

    def __init__(self, document: Document) -> None:
        self.chinese = _chinese(document)
        self.written: dict[str, str] = {}
        for path, pointer in document.paths.items():
            self.written[path] = pointer.rsplit("/", 1)[-1]
            section = path.split(".", 1)[0]
            self.written.setdefault(section, pointer.strip("/").split("/", 1)[0])
        for ind in document.indicators:
            for name, cell in ind.cells.items():
                self.written.setdefault(f"indicator.{name}", cell.pointer.rsplit("/", 1)[-1])
            if ind.pointer:
                self.written.setdefault("indicators", ind.pointer.strip("/").split("/", 1)[0])
        self._aliases = {
            "project": aliases(Project),
            "indicator": aliases(IndicatorFields),
            "": aliases(TargetsDocument),
        }
        self._goals = {"overall": "总体目标", "annual": "年度目标"}

    def key(self, path: str) -> str:
        if path in self.written:
            return self.written[path]
        section, _, name = path.rpartition(".")
        if not self.chinese:
            return name
        if section == "goals":
            return self._goals.get(name, name)
        names = self._aliases.get(section, self._aliases[""])
        found = names.get(name, ())
        return found[0] if found else name


def _weight(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _values(row: Suggestion) -> dict[str, str]:
    return {
        "level1": row.level1,
        "level2": row.level2,
        "name": row.name,
        "target": row.target,
        "formula": row.formula or "",
        "basis": row.basis or "",
        "weight": _weight(row.weight),
    }


def _reason(row: Suggestion) -> str:
    origin = f"（原第 {row.replaces + 1} 项）" if row.replaces is not None else ""
    codes = f" [{', '.join(row.codes)}]" if row.codes else ""
    return f"{_STATUS[row.status]}{origin}：{' '.join(row.reason.split())}{codes}"


# -- YAML -----------------------------------------------------------------------------------


def _scalar(value: str | int | float) -> str:
    """A YAML scalar: plain when it reads back as the same string, else double-quoted."""
    import yaml

    if not isinstance(value, str):
        return str(value)
    plain = value.strip() == value and "\n" not in value and ": " not in value
    if plain and value and value[0] not in "-?:,[]{}#&*!|>'\"%@`" and " #" not in value:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    # JSON escapes C0 controls; YAML wants C1 controls and its own line breaks escaped too
    return _YAML_ESCAPE.sub(_escape, json.dumps(value, ensure_ascii=False))


_YAML_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _comment(text: str) -> str:
    """User text in a comment line: control characters shown escaped (YAML forbids them
    even in comments, and a terminal showing the file would act on them)."""
    return terminal_text(" ".join(text.split()))


def revised_yaml(document: Document, result: SuggestionSet) -> str:
    """A complete targets document with the revised table (self-evaluation columns dropped).

    Marked blanks (__) are left for the user, with the basis to fill them from. Each row is
    preceded by a comment saying whether it was kept, changed or added, and why.
    """
    k = _Keys(document)
    m = document.model
    out = [
        "# 修订建议稿：由 indicator-audit suggest 根据审核结果生成。",
        f"# 原文件：{_comment(document.path)}",
        f"# 项目类型：{_comment(result.project_type.describe())}",
        "# “__”是待填写的数值：按各指标的指标值设定依据所列的计划、行业或历史标准填写。",
        "# 自评栏目（实际完成值、得分、偏差原因）不带入修订稿。",
    ]
    out += [f"# 权重：{_comment(n.text)}" for n in result.weight_notes]
    out.append(f"{k.key('project')}:")
    p = m.project
    for name, value in (
        ("name", p.name),
        ("department", p.department),
        ("year", p.year),
        ("budget", p.budget),
    ):
        if value is not None:
            out.append(f"  {k.key('project.' + name)}: {_scalar(value)}")
    kind = result.project_type
    if p.type or kind.recognised:
        out.append(f"  {k.key('project.type')}: {_scalar(p.type or kind.name)}")
    if p.content:
        out.append(f"  {k.key('project.content')}:")
        out.extend(f"    - {_scalar(item)}" for item in p.content)
    overall, annual = result.goals or (m.goals.overall, tuple(m.goals.annual))
    if result.goals is not None:
        out.insert(5, "# 目标中的模板占位符（如 **）已改为待填写的“__”。")
    if overall or annual:
        out.append(f"{k.key('goals')}:")
        if overall:
            out.append(f"  {k.key('goals.overall')}: {_scalar(overall)}")
        if annual:
            out.append(f"  {k.key('goals.annual')}:")
            out.extend(f"    - {_scalar(g)}" for g in annual)
    out.append(f"{k.key('indicators')}:")
    for row in result.table:
        out.append(f"  # {_comment(_reason(row))}")
        first = True
        for name, value in _values(row).items():
            if not value:
                continue
            lead = "  - " if first else "    "
            shown: str | float = (
                row.weight if name == "weight" and row.weight is not None else value
            )
            if isinstance(shown, float) and shown.is_integer():
                shown = int(shown)
            out.append(f"{lead}{k.key('indicator.' + name)}: {_scalar(shown)}")
            first = False
    return "\n".join(out) + "\n"


# -- tables ---------------------------------------------------------------------------------


def _header(k: _Keys) -> list[str]:
    return [k.key("indicator." + name) for name in _FIELDS] + [_REASON]


def revised_csv(document: Document, result: SuggestionSet) -> bytes:
    """The revised table as CSV, one row per indicator, every cell inert text."""
    k = _Keys(document)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(k))
    for row in result.table:
        values = _values(row)
        writer.writerow(
            [spreadsheet_text(values[name]) for name in _FIELDS] + [spreadsheet_text(_reason(row))]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _changed_fields(row: Suggestion, document: Document) -> set[str]:
    if row.status == "added":
        return set(_FIELDS)
    if row.replaces is None or row.replaces >= len(document.indicators):
        return set()
    f = document.indicators[row.replaces].fields
    before = {
        "level1": (f.level1 or "").strip(),
        "level2": (f.level2 or "").strip(),
        "name": (f.name or "").strip(),
        "target": (f.target or "").strip(),
        "formula": (f.formula or "").strip(),
        "basis": (f.basis or "").strip(),
        "weight": _weight(f.weight),
    }
    return {name for name, value in _values(row).items() if value != before[name]}


def _fill(color: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill(start_color=color, end_color=color, fill_type="solid")


def _write_rows(
    ws: Any, document: Document, result: SuggestionSet, first: int, columns: dict[str, int]
) -> int:
    """The revised rows from row `first` on, in `columns`; returns the reason column."""
    from openpyxl.styles import Alignment

    reason_col = max(columns.values()) + 1
    for offset, row in enumerate(result.table):
        r = first + offset
        values = _values(row)
        changed = _changed_fields(row, document)
        for name, col in columns.items():
            value: Any = values.get(name, "")
            if name == "weight" and row.weight is not None:
                value = int(row.weight) if float(row.weight).is_integer() else row.weight
            else:
                value = spreadsheet_text(str(value))
            cell = ws.cell(row=r, column=col, value=value if value != "" else None)
            if name in changed:
                cell.fill = _fill(_ADDED_FILL if row.status == "added" else _CHANGED_FILL)
        note = ws.cell(row=r, column=reason_col, value=spreadsheet_text(_reason(row)))
        note.alignment = Alignment(wrap_text=True, vertical="top")
    return reason_col


def _in_layout(document: Document, result: SuggestionSet, source: TableSource) -> bytes | None:
    """The input workbook with its indicator rows replaced, or None when it cannot be read."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(source.file)
    except (OSError, ValueError, KeyError):
        return None
    if source.sheet is None or source.sheet not in book.sheetnames:
        return None
    ws = book[source.sheet]
    first, last = source.header_row + 1, source.last_row
    # merged areas inside the indicator rows (一级 cells merged down) would swallow new values
    for area in list(ws.merged_cells.ranges):
        if area.max_row >= first and area.min_row <= last:
            ws.unmerge_cells(str(area))
    columns = {name: col for name, col in source.columns.items() if name in _FIELDS}
    for name in _FIELDS:
        if name not in columns and name != "weight":
            columns[name] = max(max(columns.values(), default=0), source.last_col) + 1
            ws.cell(
                row=source.header_row,
                column=columns[name],
                value=_Keys(document).key("indicator." + name),
            )
    stale = [c for f, c in source.columns.items() if f not in columns]
    rows_needed = len(result.table)
    have = last - first + 1
    if rows_needed > have:
        ws.insert_rows(last + 1, rows_needed - have)
    for r in range(first, first + max(have, rows_needed)):
        for c in [*columns.values(), *stale, max(columns.values()) + 1]:
            ws.cell(row=r, column=c).value = None
    if rows_needed < have:
        ws.delete_rows(first + rows_needed, have - rows_needed)
    reason_col = _write_rows(ws, document, result, first, columns)
    ws.cell(row=source.header_row, column=reason_col, value=_REASON)
    _inert(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _inert(book: Any) -> None:
    """Every text the input workbook brings along made inert, as the rows written here are:
    a text cell that reads like a formula, or a formula (the input is user input), is kept
    as visible text that no spreadsheet runs."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and spreadsheet_text(value) != value:
                    cell.value = spreadsheet_text(value)
                    cell.data_type = "s"


def revised_xlsx(document: Document, result: SuggestionSet) -> bytes:
    """A workbook: the input's own layout when it was a workbook, else one plain sheet."""
    source = document.source
    if isinstance(source, TableSource) and source.sheet is not None:
        data = _in_layout(document, result, source)
        if data is not None:
            return data
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet_title(document.model.project.name or "修订稿", "修订稿")
    k = _Keys(document)
    for col, text in enumerate(_header(k), 1):
        ws.cell(row=1, column=col, value=spreadsheet_text(text)).font = Font(bold=True)
    _write_rows(ws, document, result, 2, {name: i for i, name in enumerate(_FIELDS, 1)})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def revised_json(document: Document, result: SuggestionSet) -> bytes:
    """Rows for systems: every row (removed ones too) with status, reason and codes."""
    kind = result.project_type
    data = {
        "project_type": {
            "name": kind.name,
            "explicit": kind.explicit,
            "recognised": kind.recognised,
            "confidence": kind.confidence,
            "evidence": [
                {"word": e.word, "where": e.where, "points": e.points} for e in kind.evidence
            ],
        },
        "weights": [n.text for n in result.weight_notes],
        "rows": [
            {
                "status": r.status,
                "replaces": r.replaces,
                **_values(r),
                "weight": r.weight,
                "reason": r.reason,
                "codes": list(r.codes),
                "answers": r.answers,
                "template": r.template,
            }
            for r in result.rows
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_WRITERS: dict[str, Callable[[Document, SuggestionSet], bytes]] = {
    "yaml": lambda d, r: revised_yaml(d, r).encode("utf-8"),
    "csv": revised_csv,
    "xlsx": revised_xlsx,
    "json": revised_json,
}


def revised_bytes(document: Document, result: SuggestionSet, fmt: str) -> bytes:
    """The revised table in `fmt` (one of REVISED_FORMATS)."""
    return _WRITERS[fmt](document, result)
