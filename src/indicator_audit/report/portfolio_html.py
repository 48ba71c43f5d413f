"""The portfolio report as one self-contained HTML page: score table, departments and units,
frequent problems with example cells, and charts drawn as inline SVG (no script, no outside
resource: it opens offline). Every piece of user text goes through html.escape, and a
Content-Security-Policy forbids scripts as a second guard."""

from __future__ import annotations

import html
from collections.abc import Sequence

from indicator_audit.report.common import KIND_LABEL, SEVERITY_LABEL
from indicator_audit.report.portfolio import GRADES, GroupScore, Portfolio, Problem

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #bbb;padding:.3em .5em;
vertical-align:top;text-align:left}th{background:#f1f3f5}td.num{text-align:right}
.g-优{color:#1a7f37;font-weight:bold}.g-良{color:#0b5cad;font-weight:bold}
.g-中{color:#9a6700;font-weight:bold}.g-差{color:#b42318;font-weight:bold}
.g-无法检查{color:#666}.loc{color:#666;font-family:monospace}.muted{color:#666}
.charts{display:flex;flex-wrap:wrap;gap:2em}figure{margin:0}figcaption{font-weight:bold}
svg text{font-size:12px;fill:#222}
@media print{body{margin:0}}
"""
GRADE_COLOR = {
    "优": "#1a7f37",
    "良": "#0b5cad",
    "中": "#d4a72c",
    "差": "#b42318",
    "无法检查": "#999",
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _color(value: float | None) -> str:
    if value is None:
        return GRADE_COLOR["无法检查"]
    return GRADE_COLOR[next(name for floor, name in GRADES if value >= floor)]


def bar_chart(
    chart_id: str, title: str, bars: Sequence[tuple[str, float, str]], maximum: float
) -> str:
    """A horizontal bar chart: (label, value, colour) per bar, labels escaped."""
    row, label_w, bar_w = 22, 260, 320
    height = row * len(bars) + 30
    parts = [
        f'<figure id="{_e(chart_id)}"><figcaption>{_e(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" '
        f'height="{height}" role="img" aria-label="{_e(title)}">'
    ]
    for i, (label, value, color) in enumerate(bars):
        y = 10 + i * row
        width = 0 if maximum <= 0 else round(bar_w * value / maximum, 1)
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_e(short)}'
            f"<title>{_e(label)}</title></text>"
            f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{width}" height="{row - 6}" '
            f'fill="{color}"></rect>'
            f'<text x="{label_w + width + 4}" y="{y + 14}">{value:g}</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def _charts(p: Portfolio) -> str:
    departments = [d for d in p.departments if d.score is not None][:20]
    grades = [(name, float(p.grades.get(name, 0)), GRADE_COLOR[name]) for name in GRADE_COLOR]
    rules = p.rules[:10]
    return (
        '<section class="charts">'
        + bar_chart(
            "chart-departments",
            "各部门质量得分（0–100，低者在前）",
            [(d.name, d.score or 0.0, _color(d.score)) for d in departments],
            100.0,
        )
        + bar_chart(
            "chart-rules",
            "最常见的问题（条数）",
            [(f"{r.key} {r.label}", float(r.count), "#0b5cad") for r in rules],
            float(max((r.count for r in rules), default=0)),
        )
        + bar_chart(
            "chart-grades",
            "项目等级分布（个）",
            grades,
            max((v for _, v, _ in grades), default=0.0),
        )
        + "</section>"
    )


def _overview(p: Portfolio) -> str:
    checked = len(p.projects) - p.unreadable
    return (
        '<section id="overview"><h2>总体情况</h2>'
        f"<p>{len(p.projects)} 个项目（{p.unreadable} 个无法检查），{len(p.departments)} 个部门，"
        f"{p.indicators} 个指标，{p.findings} 个问题；已检查项目的总体质量得分 "
        f"<b>{_score(p.overall)}</b>。</p>"
        f'<p class="muted">质量得分 = 100 ÷ (1 + D)，D =（3×错误 + 1×警告 + 0.2×提示）÷ 指标数；'
        f"优 ≥ 90，良 ≥ 75，中 ≥ 60，差 &lt; 60。部门和单位按其全部指标和问题合并计算。"
        f"已检查 {checked} 个项目。</p></section>"
    )


def _groups(title: str, section: str, groups: Sequence[GroupScore], unit: bool) -> str:
    head = "<th>主管部门</th><th>实施单位</th>" if unit else "<th>主管部门</th>"
    parts = [
        f'<section id="{section}"><h2>{_e(title)}</h2><table class="groups"><tr>{head}'
        "<th>项目数</th><th>指标数</th><th>问题数</th><th>得分</th><th>等级分布</th></tr>"
    ]
    for g in groups:
        grades = "，".join(f"{k} {v}" for k, v in sorted(g.grades.items()))
        names = (
            f"<td>{_e(g.department)}</td><td>{_e(g.name)}</td>"
            if unit
            else f"<td>{_e(g.name)}</td>"
        )
        parts.append(
            f"<tr>{names}<td class=num>{g.projects}</td><td class=num>{g.indicators}</td>"
            f'<td class=num>{g.findings}</td><td class="num score">{_score(g.score)}</td>'
            f"<td>{_e(grades)}</td></tr>"
        )
    parts.append("</table></section>")
    return "".join(parts)


def _projects(p: Portfolio) -> str:
    parts = [
        '<section id="projects"><h2>项目质量得分（差者在前）</h2><table id="scores">'
        "<tr><th>#</th><th>项目</th><th>主管部门</th><th>实施单位</th><th>指标数</th>"
        "<th>错误</th><th>警告</th><th>提示</th><th>得分</th><th>等级</th><th>文件</th></tr>"
    ]
    for i, s in enumerate(p.projects, 1):
        r = s.record
        note = f'<br><span class="muted">{_e(r.error)}</span>' if r.error else ""
        parts.append(
            f'<tr class="project"><td class=num>{i}</td><td>{_e(r.name or "")}{note}</td>'
            f"<td>{_e(r.department or '')}</td><td>{_e(r.unit or '')}</td>"
            f"<td class=num>{r.indicators}</td><td class=num>{s.errors}</td>"
            f"<td class=num>{s.warnings}</td><td class=num>{s.infos}</td>"
            f'<td class="num score">{_score(s.score)}</td>'
            f'<td class="g-{_e(s.grade)}">{_e(s.grade)}</td><td class="loc">{_e(r.path)}</td></tr>'
        )
    parts.append("</table></section>")
    return "".join(parts)


def _problems(title: str, section: str, problems: Sequence[Problem], by_rule: bool) -> str:
    key_head = "<th>规则</th><th>名称</th>" if by_rule else "<th>问题类型</th>"
    parts = [
        f'<section id="{section}"><h2>{_e(title)}</h2><table class="problems"><tr>{key_head}'
        "<th>级别</th><th>条数</th><th>涉及项目</th><th>示例单元格</th></tr>"
    ]
    for pr in problems:
        key = (
            f"<td><code>{_e(pr.key)}</code></td><td>{_e(pr.label)}</td>"
            if by_rule
            else f"<td>{_e(KIND_LABEL.get(pr.key, pr.key))}（{_e(pr.key)}）</td>"
        )
        severity = SEVERITY_LABEL.get(pr.severity, pr.severity) if by_rule else ""
        examples = "".join(
            f'<li><span class="loc">{_e(cell)}</span> {_e(project)}：{_e(message)}</li>'
            for project, cell, message in pr.examples
        )
        parts.append(
            f"<tr>{key}<td>{_e(severity)}</td><td class=num>{pr.count}</td>"
            f"<td class=num>{len(pr.projects)}</td><td><ul>{examples}</ul></td></tr>"
        )
    parts.append("</table></section>")
    return "".join(parts)


def render(p: Portfolio) -> str:
    body = (
        _overview(p)
        + _charts(p)
        + _projects(p)
        + _groups("各部门", "departments", p.departments, unit=False)
        + _groups("各单位", "units", p.units, unit=True)
        + _problems("问题类型", "kinds", p.kinds, by_rule=False)
        + _problems("最常见的问题（按规则）", "rules", p.rules, by_rule=True)
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>绩效目标审核：项目总览</title><style>{_CSS}</style></head><body>"
        "<h1>绩效目标审核：项目总览</h1>" + body + "</body></html>\n"
    )
