"""The portfolio report as an Excel workbook: overview, project scores (worst first),
departments, units and frequent problems, with native Excel charts (openpyxl's chart objects:
Excel draws them, nothing is fetched). User text is always written as text, never as a
formula, whatever it starts with."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from indicator_audit.core.cellsafe import spreadsheet_text
from indicator_audit.report.common import KIND_LABEL, SEVERITY_LABEL
from indicator_audit.report.portfolio import Portfolio, Problem

GRADE_ORDER = ("优", "良", "中", "差", "无法检查")


def put(ws: Any, row: int, col: int, value: object) -> Any:
    """Write a value; text stays text ("=1+1" or "@x" from a user never becomes a formula)."""
    return ws.cell(row, col, spreadsheet_text(value) if isinstance(value, str) else value)


def _table(ws: Any, top: int, heads: Sequence[str], rows: Sequence[Sequence[object]]) -> int:
    from openpyxl.styles import Font, PatternFill

    for c, h in enumerate(heads, 1):
        cell = put(ws, top, c, h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF1F3F5")
    for r, values in enumerate(rows, top + 1):
        for c, v in enumerate(values, 1):
            put(ws, r, c, v)
    return top + len(rows)


def _widths(ws: Any, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w


def _bar(
    ws: Any, title: str, label_col: int, value_col: int, first: int, last: int, anchor: str
) -> None:
    from openpyxl.chart import BarChart, Reference

    if last < first:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal: long Chinese labels stay readable
    chart.title = title
    chart.legend = None
    chart.height = max(7.5, 0.6 * (last - first + 1) + 2)
    chart.width = 18
    chart.add_data(
        Reference(ws, min_col=value_col, min_row=first - 1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=label_col, min_row=first, max_row=last))
    ws.add_chart(chart, anchor)


def _overview(ws: Any, p: Portfolio) -> None:
    from openpyxl.chart import PieChart, Reference
    from openpyxl.styles import Font

    ws.title = "总览"
    put(ws, 1, 1, "绩效目标审核：项目总览").font = Font(bold=True, size=14)
    overall = "—" if p.overall is None else f"{p.overall:.1f}"
    put(
        ws,
        2,
        1,
        f"{len(p.projects)} 个项目（{p.unreadable} 个无法检查），{len(p.departments)} 个部门，"
        f"{p.indicators} 个指标，{p.findings} 个问题；总体质量得分 {overall}",
    )
    put(
        ws,
        3,
        1,
        "质量得分 = 100 ÷ (1 + D)，D =（3×错误 + 1×警告 + 0.2×提示）÷ 指标数；"
        "优 ≥ 90，良 ≥ 75，中 ≥ 60，差 < 60",
    )
    last = _table(ws, 5, ("等级", "项目数"), [(g, p.grades.get(g, 0)) for g in GRADE_ORDER])
    chart = PieChart()
    chart.title = "项目等级分布"
    chart.add_data(Reference(ws, min_col=2, min_row=5, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=6, max_row=last))
    ws.add_chart(chart, "D5")
    _widths(ws, (14, 10))


def _projects(ws: Any, p: Portfolio) -> None:
    rows = [
        (
            i,
            s.record.name or "",
            s.record.department or "",
            s.record.unit or "",
            s.record.indicators,
            s.errors,
            s.warnings,
            s.infos,
            s.score if s.score is not None else "—",
            s.grade,
            s.record.path,
            s.record.error or "",
        )
        for i, s in enumerate(p.projects, 1)
    ]
    heads = (
        "#",
        "项目",
        "主管部门",
        "实施单位",
        "指标数",
        "错误",
        "警告",
        "提示",
        "得分",
        "等级",
        "文件",
        "无法检查的原因",
    )
    _table(ws, 1, heads, rows)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:L{len(rows) + 1}"
    _widths(ws, (6, 40, 22, 22, 8, 6, 6, 6, 8, 8, 50, 40))


def _groups(ws: Any, p: Portfolio) -> None:
    rows = [
        (g.name, g.projects, g.indicators, g.findings, g.score if g.score is not None else "—")
        for g in p.departments
    ]
    last = _table(ws, 1, ("主管部门", "项目数", "指标数", "问题数", "得分"), rows)
    _bar(ws, "各部门质量得分（低者在前）", 1, 5, 2, last, "H2")
    units = [
        (
            g.department,
            g.name,
            g.projects,
            g.indicators,
            g.findings,
            g.score if g.score is not None else "—",
        )
        for g in p.units
    ]
    top = last + 3
    _table(ws, top, ("主管部门", "实施单位", "项目数", "指标数", "问题数", "得分"), units)
    _widths(ws, (26, 26, 8, 8, 8, 8))


def _problems(ws: Any, problems: Sequence[Problem], by_rule: bool) -> None:
    rows = []
    for pr in problems:
        examples = "\n".join(
            f"{cell} {project}：{message}" for project, cell, message in pr.examples
        )
        if by_rule:
            rows.append(
                (
                    pr.key,
                    pr.label,
                    SEVERITY_LABEL.get(pr.severity, pr.severity),
                    pr.count,
                    len(pr.projects),
                    examples,
                )
            )
        else:
            rows.append(
                (KIND_LABEL.get(pr.key, pr.key), pr.key, "", pr.count, len(pr.projects), examples)
            )
    heads = (
        ("规则", "名称", "级别", "条数", "涉及项目", "示例单元格")
        if by_rule
        else ("问题类型", "代码", "", "条数", "涉及项目", "示例单元格")
    )
    last = _table(ws, 1, heads, rows)
    _bar(
        ws, "最常见的问题（条数）" if by_rule else "问题类型（条数）", 1, 4, 2, min(last, 11), "H2"
    )
    _widths(ws, (10, 30, 8, 8, 10, 90))


def render(p: Portfolio) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    _overview(wb.active, p)
    _projects(wb.create_sheet("项目得分"), p)
    _groups(wb.create_sheet("部门与单位"), p)
    _problems(wb.create_sheet("问题（按规则）"), p.rules, by_rule=True)
    _problems(wb.create_sheet("问题类型"), p.kinds, by_rule=False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
