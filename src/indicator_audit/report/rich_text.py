"""The terminal report: findings grouped by indicator, each with its source line and a caret
under the offending text, then a summary table.

User text is never put into markup strings: everything is built as `Text` objects (through
`_user`, which shows control characters and escape sequences escaped, so a cell cannot clear
the screen or forge a verdict), and caret widths are measured in terminal cells of the text as
shown (a CJK character is two cells wide, an escaped control character four).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from indicator_audit.core.cellsafe import terminal_text
from indicator_audit.core.findings import Finding
from indicator_audit.report.common import KIND_LABEL, batch_summary, cell_texts
from indicator_audit.run.audit import Audit, summarize_findings

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}


def _user(text: str, style: str = "") -> Text:
    """User text (cells, messages quoting them, paths) as inert terminal text."""
    return Text(terminal_text(text), style=style)


def _caret(line_text: str, column: int, end_column: int, end_line: int, line: int) -> Text:
    start = max(column - 1, 0)
    stop = end_column - 1 if end_line == line else len(line_text)
    stop = max(min(stop, len(line_text)), start + 1)
    pad = cell_len(terminal_text(line_text[:start]))
    width = max(cell_len(terminal_text(line_text[start:stop])), 1)
    return Text(" " * pad + "^" * width, style="bold magenta")


def _finding(
    f: Finding, lines: list[str], audit: Audit, cells: dict[tuple[int, int], str]
) -> list[RenderableType]:
    ref = audit.source.cell_ref if audit.source is not None else None
    head = Text()
    head.append(f"  {ref(f.line, f.column) if ref else f'{f.line}:{f.column}'} ", style="dim")
    head.append(f"{_LABEL[f.severity.value]} ", style=_STYLE[f.severity.value])
    head.append(f"{f.rule} {f.name} ", style="bold")
    head.append(terminal_text(f.message))
    out: list[RenderableType] = [head]
    if ref is not None:
        # a table has no source line to quote: quote the cell instead
        text = cells.get((f.line, f.column))
        if text is not None:
            gutter = "  单元格 │ "
            out.append(Text(gutter, style="dim") + _user(text.replace("\n", " ")))
    elif 1 <= f.line <= len(lines):
        src = lines[f.line - 1]
        gutter = f"{f.line:>6} │ "
        out.append(Text(gutter, style="dim") + _user(src))
        caret = _caret(src, f.column, f.end_column, f.end_line, f.line)
        out.append(Text(" " * (len(gutter) - 2) + "│ ", style="dim") + caret)
    if f.suggestion:
        out.append(Text("    建议：", style="green") + _user(f.suggestion))
    return out


def _title(audit: Audit, index: int) -> Text:
    doc = audit.document
    if doc is None or index >= len(doc.indicators):
        return Text(f" 指标 #{index + 1}", style="bold")
    ind = doc.indicators[index]
    name = (ind.fields.name or "").strip()
    levels = " / ".join(x.strip() for x in (ind.fields.level1, ind.fields.level2) if x)
    t = Text(f" 指标 #{index + 1} ", style="bold")
    t.append(_user(name, style="bold"))
    if levels:
        t.append(_user(f"（{levels}）", style="dim"))
    return t


def _file(audit: Audit) -> list[RenderableType]:
    out: list[RenderableType] = [_user(audit.path, style="bold underline")]
    ref = audit.source.cell_ref if audit.source is not None else None
    if audit.error is not None:
        e = audit.error
        out.append(
            Text(f"  {ref(e.line, e.column) if ref else f'{e.line}:{e.column}'} ", style="dim")
            + Text("无法检查 ", style="bold red")
            + _user(e.message)
        )
    lines = audit.source.text.splitlines() if audit.source is not None else []
    cells = cell_texts(audit.source.root) if ref is not None and audit.source is not None else {}
    doc_level = [f for f in audit.findings if f.indicator is None]
    by_indicator: dict[int, list[Finding]] = {}
    for f in audit.findings:
        if f.indicator is not None:
            by_indicator.setdefault(f.indicator, []).append(f)
    if doc_level:
        out.append(Text(" 整表", style="bold"))
        for f in doc_level:
            out.extend(_finding(f, lines, audit, cells))
    for index in sorted(by_indicator):
        out.append(_title(audit, index))
        for f in by_indicator[index]:
            out.extend(_finding(f, lines, audit, cells))
    if not audit.findings and audit.error is None:
        out.append(Text("  没有发现问题", style="green"))
    out.append(Text(""))
    return out


def _summary(audits: Sequence[Audit]) -> Table:
    table = Table(title="汇总", show_lines=False)
    table.add_column("文件")
    table.add_column("错误", justify="right", style="red")
    table.add_column("警告", justify="right", style="yellow")
    table.add_column("提示", justify="right", style="cyan")
    for audit in audits:
        s = summarize_findings(audit.findings, 1)
        status = " (无法读取)" if audit.error else ""
        table.add_row(_user(audit.path + status), str(s.errors), str(s.warnings), str(s.infos))
    total = summarize_findings([f for a in audits for f in a.findings], len(audits))
    table.add_row(
        Text("合计", style="bold"), str(total.errors), str(total.warnings), str(total.infos)
    )
    return table


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=120,
        highlight=False,
        soft_wrap=True,
    )
    parts: list[RenderableType] = []
    for audit in audits:
        parts.extend(_file(audit))
    if color or not all(isinstance(p, Text) for p in parts):
        console.print(Group(*parts))
    else:
        # Without colour each line is its plain text: writing it directly is what rich would
        # print (a test compares the two) and is many times faster on a large report.
        buffer.write("".join(p.plain + "\n" for p in parts if isinstance(p, Text)))
    console.print(_summary(audits))
    if len(audits) > 1:
        for part in _batch(audits):
            console.print(part)
    return buffer.getvalue()


def _batch(audits: Sequence[Audit]) -> list[RenderableType]:
    """Many projects (a folder, a workbook): counts by kind and severity, the worst projects."""
    b = batch_summary(audits)
    head = Text("批量汇总：", style="bold")
    head.append(
        f"{b.projects} 个项目，{b.clean} 个无问题，{b.unreadable} 个无法检查；"
        f"共 {b.findings} 个问题"
        f"（错误 {b.by_severity['error']}，警告 {b.by_severity['warning']}，"
        f"提示 {b.by_severity['info']}）"
    )
    out: list[RenderableType] = [head]
    if b.by_kind:
        kinds = Table(title="按问题类型", show_lines=False)
        kinds.add_column("类型")
        for label, style in (("错误", "red"), ("警告", "yellow"), ("提示", "cyan")):
            kinds.add_column(label, justify="right", style=style)
        for kind, counts in b.by_kind.items():
            kinds.add_row(
                Text(f"{KIND_LABEL.get(kind, kind)}（{kind}）"),
                str(counts["error"]),
                str(counts["warning"]),
                str(counts["info"]),
            )
        out.append(kinds)
    if b.worst:
        worst = Table(title="问题最多的项目", show_lines=False)
        worst.add_column("项目")
        for label, style in (("错误", "red"), ("警告", "yellow"), ("提示", "cyan")):
            worst.add_column(label, justify="right", style=style)
        for pc in b.worst:
            note = "（无法检查）" if pc.unreadable else ""
            worst.add_row(_user(pc.path + note), str(pc.errors), str(pc.warnings), str(pc.infos))
        out.append(worst)
    return out
