"""Markdown: a summary table, then per project a table of findings (for issues, wikis, mail).

User text is HTML-escaped (Markdown renders raw HTML) and table pipes and line breaks are
neutralised, so a cell cannot break out of its table or inject markup; control characters are
shown escaped, as the report is often read on a terminal first."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from indicator_audit.core.cellsafe import terminal_text
from indicator_audit.report.common import KIND_LABEL, SEVERITY_LABEL, batch_summary, location
from indicator_audit.run.audit import Audit

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def _md(text: object) -> str:
    escaped = html.escape(terminal_text(str(text)), quote=False)
    return _SPECIAL.sub(r"\\\1", escaped).replace("\r", "").replace("\n", "<br>")


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    b = batch_summary(audits)
    out = [
        "# 绩效目标审核报告",
        "",
        f"{b.projects} 个项目，{b.clean} 个无问题，{b.unreadable} 个无法检查；"
        f"共 {b.findings} 个问题"
        f"（错误 {b.by_severity['error']}，警告 {b.by_severity['warning']}，"
        f"提示 {b.by_severity['info']}）。",
        "",
    ]
    if b.by_kind:
        out += ["| 问题类型 | 错误 | 警告 | 提示 |", "|---|---:|---:|---:|"]
        for kind, c in b.by_kind.items():
            label = _md(f"{KIND_LABEL.get(kind, kind)}（{kind}）")
            out.append(f"| {label} | {c['error']} | {c['warning']} | {c['info']} |")
        out.append("")
    for audit in audits:
        out += [f"## {_md(audit.path)}", ""]
        if audit.error is not None:
            out += [f"**无法检查**：{_md(audit.error.message)}", ""]
        if not audit.findings:
            if audit.error is None:
                out += ["没有发现问题。", ""]
            continue
        out += ["| 位置 | 级别 | 规则 | 问题 | 建议 |", "|---|---|---|---|---|"]
        for f in audit.findings:
            out.append(
                f"| {_md(location(audit, f))} | {SEVERITY_LABEL[f.severity.value]} "
                f"| {_md(f.rule + ' ' + f.name)} | {_md(f.message)} | {_md(f.suggestion or '')} |"
            )
        out.append("")
    return "\n".join(out)
