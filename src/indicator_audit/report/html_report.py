"""One self-contained HTML page: the batch summary, then each project's indicator table with
its findings beside the cells. No script and no outside resource; every piece of user text
goes through html.escape, and a Content-Security-Policy forbids scripts as a second guard."""

from __future__ import annotations

import html
from collections.abc import Sequence

from indicator_audit.core.cellsafe import terminal_text
from indicator_audit.core.findings import Finding
from indicator_audit.report import common
from indicator_audit.run.audit import Audit

# also served as /static/report.css by the web service, for the report shown in its page
STYLE = """
td.companion, th.companion { color: #555; background: #f6f6f6; }
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #bbb;padding:.3em .5em;
vertical-align:top;text-align:left}th{background:#f1f3f5}
td.error{background:#fde2e1}td.warning{background:#fff3cd}td.info{background:#e7f1ff}
.sev-error{color:#b42318;font-weight:bold}.sev-warning{color:#9a6700;font-weight:bold}
.sev-info{color:#0b5cad}.suggestion{color:#1a7f37}.loc{color:#666;font-family:monospace}
ul.findings{margin:0;padding-left:1.1em}.ok{color:#1a7f37}.muted{color:#666}
@media print{body{margin:0}h2{page-break-before:always}}
"""
_RANK = {"error": 3, "warning": 2, "info": 1}


def _e(text: object) -> str:
    # control characters are not HTML text either: shown escaped, as on a terminal
    return html.escape(terminal_text(str(text)), quote=True)


def _finding_item(audit: Audit, f: Finding) -> str:
    sev = f.severity.value
    out = (
        f'<li class="finding" data-rule="{_e(f.rule)}" data-severity="{_e(sev)}">'
        f'<span class="loc">{_e(common.location(audit, f))}</span> '
        f'<span class="sev-{_e(sev)}">{_e(common.SEVERITY_LABEL[sev])}</span> '
        f"<code>{_e(f.rule)}</code> {_e(f.message)}"
    )
    if f.suggestion:
        out += f'<br><span class="suggestion">建议：{_e(f.suggestion)}</span>'
    return out + "</li>"


def _summary(audits: Sequence[Audit]) -> str:
    b = common.batch_summary(audits)
    parts = [
        '<section id="summary"><h2>汇总</h2>',
        f"<p>{b.projects} 个项目，{b.clean} 个无问题，{b.unreadable} 个无法检查；"
        f"共 {b.findings} 个问题（错误 {b.by_severity['error']}，"
        f"警告 {b.by_severity['warning']}，提示 {b.by_severity['info']}）。</p>",
    ]
    if b.by_kind:
        parts.append(
            '<table class="kinds"><tr><th>问题类型</th><th>错误</th><th>警告</th><th>提示</th></tr>'
        )
        for kind, c in b.by_kind.items():
            parts.append(
                f"<tr><td>{_e(common.KIND_LABEL.get(kind, kind))}（{_e(kind)}）</td>"
                f"<td>{c['error']}</td><td>{c['warning']}</td><td>{c['info']}</td></tr>"
            )
        parts.append("</table>")
    if b.worst:
        parts.append(
            '<table class="worst"><tr><th>问题最多的项目</th><th>错误</th><th>警告</th>'
            "<th>提示</th></tr>"
        )
        for pc in b.worst:
            note = "（无法检查）" if pc.unreadable else ""
            index = next(j for j, a in enumerate(audits) if a.path == pc.path)
            parts.append(
                f'<tr><td><a href="#p{index + 1}">{_e(pc.path)}</a>{note}</td>'
                f"<td>{pc.errors}</td><td>{pc.warnings}</td><td>{pc.infos}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</section>")
    return "".join(parts)


def _project(audit: Audit, number: int) -> str:
    parts = [f'<section class="project" id="p{number}"><h2>{_e(audit.path)}</h2>']
    if audit.error is not None:
        parts.append(f'<p class="sev-error">无法检查：{_e(audit.error.message)}</p>')
    doc = audit.document
    if doc is not None:
        p, g = doc.model.project, doc.model.goals
        rows = [
            ("项目名称", p.name),
            ("主管部门", p.department),
            ("年度", p.year),
            ("预算", p.budget),
            ("主要内容", p.content),
            ("总体目标", g.overall),
            ("年度目标", g.annual),
        ]
        shown = [(k, common.field_text(v)) for k, v in rows if common.field_text(v)]
        if shown:
            parts.append('<table class="info">')
            parts.extend(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in shown)
            parts.append("</table>")
    doc_level = [f for f in audit.findings if f.indicator is None]
    if doc_level:
        parts.append('<h3>整表问题</h3><ul class="findings">')
        parts.extend(_finding_item(audit, f) for f in doc_level)
        parts.append("</ul>")
    if doc is not None and doc.indicators:
        parts.append(_table(audit))
    if not audit.findings and audit.error is None:
        parts.append('<p class="ok">没有发现问题。</p>')
    parts.append("</section>")
    return "".join(parts)


def _table(audit: Audit) -> str:
    doc = audit.document
    assert doc is not None
    fields = [
        name
        for name in common.FIELD_LABEL
        if any(name in ind.cells or getattr(ind.fields, name) is not None for ind in doc.indicators)
    ]
    by_row: dict[int, list[Finding]] = {}
    for f in audit.findings:
        if f.indicator is not None:
            by_row.setdefault(f.indicator, []).append(f)
    # last year's (or the declared) values beside this year's target
    companions = common.companion_columns(audit)
    after = "target" if "target" in fields else (fields[-1] if fields else None)
    parts = ['<table class="indicators"><tr><th>#</th>']
    for n in fields:
        parts.append(f"<th>{_e(common.FIELD_LABEL[n])}</th>")
        if n == after:
            parts.extend(f'<th class="companion">{_e(label)}</th>' for label, _ in companions)
    parts.append("<th>问题</th></tr>")
    for ind in doc.indicators:
        found = by_row.get(ind.index, [])
        marks: dict[str, str] = {}
        for f in found:
            name = common.field_of(audit, f)
            sev = f.severity.value
            if name is not None and _RANK[sev] > _RANK.get(marks.get(name, ""), 0):
                marks[name] = sev
        parts.append(f'<tr data-indicator="{ind.index}"><td>{ind.index + 1}</td>')
        for name in fields:
            cell = ind.cells.get(name)
            text = cell.text if cell is not None else common.field_text(getattr(ind.fields, name))
            cls = f' class="{marks[name]}"' if name in marks else ""
            parts.append(f"<td{cls}>{_e(text)}</td>")
            if name == after:
                parts.extend(
                    f'<td class="companion">{_e(values.get(ind.index, ""))}</td>'
                    for _, values in companions
                )
        items = "".join(_finding_item(audit, f) for f in found)
        parts.append(
            f'<td><ul class="findings">{items}</ul></td></tr>' if items else "<td></td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    body = [_summary(audits)]
    body.extend(_project(a, i) for i, a in enumerate(audits, 1))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>绩效目标审核报告</title><style>{STYLE}</style></head><body>"
        "<h1>绩效目标审核报告</h1>" + "".join(body) + "</body></html>\n"
    )
