"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from collections.abc import Sequence

from indicator_audit.core.cellsafe import terminal_text
from indicator_audit.run.audit import Audit

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    # control characters from a cell shown escaped: the log is read on a terminal too
    return terminal_text(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    lines: list[str] = []
    for audit in audits:
        ref = audit.source.cell_ref if audit.source is not None else None
        # a workbook project is "book.xlsx#Sheet": annotations attach to the file itself
        path = _escape_prop(audit.path.split("#", 1)[0] if ref is not None else audit.path)
        if audit.error is not None:
            e = audit.error
            lines.append(
                f"::error file={path},line={e.line},col={e.column},title=indicator-audit::"
                f"{_escape_data(e.message)}"
            )
        for f in audit.findings:
            message = f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "")
            if ref is not None:  # a table: line and column are row and column; name the cell
                message = f"[{ref(f.line, f.column)}] {message}"
            lines.append(
                f"::{_LEVEL[f.severity.value]} file={path},line={f.line},col={f.column},"
                f"endLine={f.end_line},endColumn={f.end_column},"
                f"title={_escape_prop(f.rule + ' ' + f.name)}::{_escape_data(message)}"
            )
    return "\n".join(lines) + ("\n" if lines else "")
