"""Target cells: one text from the split columns, the blank form an indicator needs, and the
fixes of a single quantity (direction, unit, 100% of a rate). A number written in the input is
never dropped here: a fix changes the comparator or adds a unit around it."""

from __future__ import annotations

import re

from indicator_audit.core.parsed import CellKind, Clause
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.packs.templates import BLANK
from indicator_audit.parse.grammar import parse_cell
from indicator_audit.suggest.context import Context
from indicator_audit.suggest.rows import Draft


def quantity(clause: Clause) -> str:
    return f"{clause.value_text or ''}{clause.unit.text if clause.unit else ''}"


def has_number(text: str) -> bool:
    """Does the cell state a number (one the parser could not read counts too: ≤16.80/株)?"""
    parsed = parse_cell(text, "target")
    if any(c.value is not None for c in parsed.clauses):
        return True
    return parsed.kind != CellKind.PLACEHOLDER and re.search(r"\d", text) is not None


def numbers(text: str) -> set[str]:
    """The numbers a cell states, as written (none in template residue such as ≤**00元)."""
    if parse_cell(text, "target").kind == CellKind.PLACEHOLDER:
        return set()
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", text)}


def blank_form(ctx: Context, facts: IndicatorFacts, level1: str, level2: str) -> str | None:
    """The target form the indicator needs, its number left blank; None when nothing says
    which unit it is counted in (a unit is never guessed)."""
    if facts.is_satisfaction:
        return f"≥{BLANK}%"
    form = ctx.vocab.blank_form(facts.family)
    if form is not None:
        return form
    if ctx.is_cost(level1, level2):
        return f"≤{BLANK}万元"
    if facts.subject.endswith("率"):
        return f"≥{BLANK}%"
    return None


def _unit_dimension(form: str) -> str | None:
    clause = parse_cell(form.replace(BLANK, "1"), "target").first
    return clause.unit.dimension if clause is not None and clause.unit is not None else None


def from_actual(form: str, actual: str | None) -> str | None:
    """Fill a blank form with last year's actual value when it is a comparable quantity."""
    if not actual or BLANK not in form or form.startswith("____"):
        return None
    clause = parse_cell(actual, "target").first
    if clause is None or clause.value_text is None or clause.unit is None:
        return None
    if clause.unit.dimension != _unit_dimension(form):
        return None
    return f"{form[0]}{clause.value_text}{clause.unit.text}"


def merged_target(ctx: Context, facts: IndicatorFacts) -> str:
    """One target text from the 指标性质 | 指标值 | 度量单位 columns."""
    f = facts.indicator.fields
    text = (f.target or "").strip()
    clause = facts.clause
    if facts.comparator_column is not None and (clause is None or clause.comparator is None):
        text = ctx.vocab.comparator_symbol(facts.comparator_column) + text
    if (
        facts.unit_column is not None
        and clause is not None
        and clause.value is not None
        and clause.unit is None
    ):
        text += facts.unit_column.text
    return text


def _unit_in_name(name: str) -> str | None:
    """The unit a name carries in brackets at its end: 项目实施周期(月), 兑付率(%)."""
    m = re.search(r"[(（]\s*([^()（）\d]{1,4})\s*[)）]\s*$", name)
    if m is None:
        return None
    unit = parse_cell("1" + m.group(1), "target").first
    if unit is None or unit.unit is None or unit.unit.dimension == "unknown":
        return None
    return unit.unit.text


def _unit_from_goals(ctx: Context, clause: Clause) -> str | None:
    """The unit the goals write after the same number (goal “完成6项”, target “6”)."""
    if clause.value_text is None:
        return None
    goals = ctx.document.model.goals
    for text in [goals.overall or "", *goals.annual]:
        for m in re.finditer(re.escape(clause.value_text) + r"\s*([\u3400-\u9fff%]{1,3})", text):
            unit = parse_cell("1" + m.group(1), "target").first
            if unit is not None and unit.unit is not None and unit.unit.dimension != "unknown":
                return unit.unit.text
    return None


def fix_quantity(
    ctx: Context, d: Draft, facts: IndicatorFacts, clause: Clause, codes: set[str]
) -> None:
    """Direction, unit and 100%-of-a-rate fixes on a one-quantity target; its number stays."""
    v = ctx.vocab
    text = d.text.target
    value_start = clause.value_span.start if clause.value_span else 0
    body = text[value_start:] if clause.comparator is None else text[clause.comparator.span.end :]
    op = v.comparator_symbol(clause.comparator) if clause.comparator is not None else ""
    wanted = facts.wanted_direction
    unit = clause.unit
    fam = facts.family
    if unit is None:
        guess = _unit_in_name(d.text.name) or _unit_from_goals(ctx, clause) or v.family_unit(fam)
        if guess and guess != "日期":
            body = body.rstrip() + guess
            d.note(f"补上单位“{guess}”", *sorted(codes & {"IA351"}))
    elif unit.dimension == "magnitude":
        dim = fam.dimensions[0] if fam is not None else "money"
        full = {"money": "万元", "people": "万人", "area": "万平方米"}.get(dim, "万元")
        at = body.find(unit.text)
        if at >= 0:
            fixed = unit.text.replace(unit.text.split("/")[0], full, 1)
            body = body[:at] + fixed + body[at + len(unit.text) :]
            d.note(f"“{unit.text}”改为“{fixed}”", *sorted(codes & {"IA354"}))
    percent = unit is not None and unit.canonical == "%"
    if percent and clause.value == 100 and op in ("≥", ">", ""):
        op = v.symbol("exact")
        d.note("比率最多 100%：写成“=100%”", *sorted(codes & {"IA303"}))
    if "IA302" in codes and wanted in ("min", "max"):
        op = v.symbol(wanted)
        d.note(f"方向与含义相反：改为“{op}”，并核对数值", "IA302")
    cost = ctx.is_cost(d.text.level1, d.text.level2)
    money = unit is not None and unit.dimension in ("money", "magnitude")
    family = fam.name if fam is not None else None
    if not op and wanted is None and cost and money and family != "subsidy-standard":
        op = v.symbol("max")
        d.note("成本写明上限“≤”", *sorted(codes & {"IA301"}))
    if not op and wanted is not None and clause.value != 0:
        op = v.symbol(wanted)
        d.note(
            "写明方向“≤”（上限）" if wanted == "max" else f"写明方向“{op}”",
            *sorted(codes & {"IA301"}),
        )
    written = clause.comparator.text.strip() if clause.comparator is not None else ""
    same = clause.comparator is not None and v.comparator_symbol(clause.comparator) == op
    if written and same and op != written:
        d.note(f"比较符“{written}”统一写成“{op}”")
    d.set(target=f"{op}{body.strip()}")
