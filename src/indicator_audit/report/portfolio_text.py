"""The portfolio view in the terminal (`check --statistics`, `report -f rich`): departments,
the worst projects and the most frequent problems. User text goes into `Text` objects, never
into markup, and control characters are shown as visible escapes, not sent to the terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from indicator_audit.core.cellsafe import terminal_text
from indicator_audit.report.common import KIND_LABEL, SEVERITY_LABEL
from indicator_audit.report.portfolio import Portfolio

_GRADE_STYLE = {"优": "green", "良": "cyan", "中": "yellow", "差": "bold red", "无法检查": "dim"}


def _t(text: object, style: str = "") -> Text:
    return Text(terminal_text(str(text)), style=style)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def render(p: Portfolio, *, color: bool = False, worst: int = 15, problems: int = 10) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=120, highlight=False
    )
    head = Text("项目总览：", style="bold")
    head.append(
        f"{len(p.projects)} 个项目（{p.unreadable} 个无法检查），{len(p.departments)} 个部门，"
        f"{p.indicators} 个指标，{p.findings} 个问题；总体质量得分 {_score(p.overall)}"
    )
    console.print(head)
    grades = "，".join(f"{g} {n}" for g, n in sorted(p.grades.items(), key=lambda kv: kv[0]))
    console.print(_t(f"等级分布：{grades}（优 ≥ 90，良 ≥ 75，中 ≥ 60，差 < 60）", "dim"))

    departments = Table(title="各部门（得分低者在前）")
    for name, justify in (
        ("主管部门", "left"),
        ("项目", "right"),
        ("指标", "right"),
        ("问题", "right"),
        ("得分", "right"),
    ):
        departments.add_column(name, justify=justify)  # type: ignore[arg-type]
    for g in p.departments:
        departments.add_row(
            _t(g.name), str(g.projects), str(g.indicators), str(g.findings), _score(g.score)
        )
    console.print(departments)

    projects = Table(title=f"得分最低的项目（前 {min(worst, len(p.projects))} 个）")
    for name, justify in (
        ("项目", "left"),
        ("主管部门", "left"),
        ("实施单位", "left"),
        ("得分", "right"),
        ("等级", "left"),
    ):
        projects.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in p.projects[:worst]:
        projects.add_row(
            _t(s.title),
            _t(s.record.department or ""),
            _t(s.record.unit or ""),
            _score(s.score),
            _t(s.grade, _GRADE_STYLE.get(s.grade, "")),
        )
    console.print(projects)

    rules = Table(title=f"最常见的问题（前 {min(problems, len(p.rules))} 条规则）")
    for name, justify in (
        ("规则", "left"),
        ("类型", "left"),
        ("级别", "left"),
        ("条数", "right"),
        ("项目", "right"),
        ("示例", "left"),
    ):
        rules.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in p.rules[:problems]:
        example = f"{r.examples[0][1]} {r.examples[0][0]}" if r.examples else ""
        rules.add_row(
            _t(f"{r.key} {r.label}"),
            _t(KIND_LABEL.get(r.kind, r.kind)),
            _t(SEVERITY_LABEL.get(r.severity, r.severity)),
            str(r.count),
            str(len(r.projects)),
            _t(example),
        )
    console.print(rules)
    return buffer.getvalue()
