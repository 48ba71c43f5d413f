"""Comparators: present where direction matters, pointing the way the meaning requires."""

from __future__ import annotations

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import CellKind
from indicator_audit.lint.facts import direction_of
from indicator_audit.lint.registry import IndicatorContext, indicator_rule

SRC_DIRECTION = (
    "指南 §3.4（数量、覆盖率、满意度 → ≥；成本、时长、响应/恢复时间、故障次数 → ≤；"
    "固定交付物 → =；比率不能 ≥100%）"
)
_OP_TEXT = {"min": "≥", "max": "≤", "exact": "="}
_FAMILY_TEXT = {
    "response-time": "时长/时限",
    "incident-count": "故障/事件次数",
    "negative-rate": "负向比率",
    "cost": "成本",
    "unit-cost": "单位成本",
    "satisfaction": "满意度",
    "rate": "比率",
    "people": "受益人数",
    "count": "数量",
    "lifespan": "使用年限",
    "income": "收入",
    "area": "面积",
    "length": "里程",
    "subsidy-standard": "补助标准",
}


@indicator_rule(
    code="IA301",
    name="missing-comparator",
    kind="comparator",
    severity=Severity.WARNING,
    source=SRC_DIRECTION,
    summary="时长、成本、故障次数等上限类指标只写了数字，没有写“≤/不超过”",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: 25分钟}",
    good="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: ≤25分钟}",
    packs=("families",),
)
def missing_comparator(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """上限类指标（时长、成本、故障次数）只写一个数字，读者和评分人无法判断是上限还是要求。

    数量、比率、满意度写“90%”通常被理解为“至少”，本规则不报；但“25分钟”“2小时”“1600元/亩”
    必须写成“≤25分钟”，否则超时 1 分钟是否达标说不清。“0次”、补助标准“260元/辆”（定额）不报；
    单位与指标不符（成本写成“100%”）或本身是预算过程指标时，由单位、过程规则报告，本规则不重复。
    """
    f = ctx.facts
    if f.comparator is not None or not _wants_cap(ctx):
        return ()
    if ctx.packs.process_re.search(f.subject):
        return ()  # a budget figure restated (支出安排金额): the fix is to replace it, not to cap it
    parsed = f.target_parsed
    clauses = parsed.clauses
    if parsed.error is not None or not clauses:
        return ()
    if parsed.kind not in (CellKind.QUANTITY, CellKind.MULTI):
        return ()
    bare = [c for c in clauses if c.value is not None and c.comparator is None]
    if not bare or all(c.value == 0 for c in bare):
        return ()  # "0次" is exact and unambiguous
    first = bare[0]
    fam = f.family
    dims = fam.dimensions if fam is not None and fam.direction == "max" else ["money"]
    if any(c.unit is not None and c.unit.dimension not in dims for c in bare) or (
        f.unit is not None and f.unit[0].dimension not in dims
    ):
        return ()  # "100%" on a cost: the unit is wrong, and ≤ would not make it a cap
    text = f.target.strip()
    fixed = None
    # a suggestion, not a --fix edit: reading "25分钟" as a cap is a judgement the author makes
    if len(clauses) == 1 and first.value_span is not None:
        at = first.value_span.start
        fixed = f.target[:at] + "≤" + f.target[at:]
    family = _FAMILY_TEXT.get(fam.name if fam is not None else "", "成本")
    return (
        ctx.finding(
            "target",
            f"“{f.subject}”是{family}指标，指标值“{text}”缺少方向（应为 ≤ 上限）",
            span=first.value_span,
            suggestion=f"写成“{fixed.strip()}”" if fixed else "每个数值前加“≤”",
        ),
    )


def _wants_cap(ctx: IndicatorContext) -> bool:
    """An upper-bound indicator: its family says so, or it is an amount filed as a cost."""
    f = ctx.facts
    if f.wanted_direction is not None:
        return f.wanted_direction == "max"
    if f.family is not None and f.family.direction != "none":
        return False
    # 成本指标 “财政资金补助 1600元/亩”: an amount under the cost category is a cost cap
    return f.subcategory == "成本指标" or f.category == "cost"


@indicator_rule(
    code="IA302",
    name="comparator-against-meaning",
    kind="comparator",
    severity=Severity.ERROR,
    source=SRC_DIRECTION,
    summary="比较方向与指标含义相反：时长/成本/故障用了 ≥，人数/覆盖率/满意度用了 ≤",
    bad="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 故障响应时间, "
    "target: ≥30分钟}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 故障响应时间, "
    "target: ≤30分钟}",
    packs=("families",),
)
def comparator_against_meaning(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """方向写反了，完成得越差得分越高。

    “故障响应时间 ≥30分钟”意味着响应越慢越达标；“受益人数 ≤500人”意味着服务越少越达标。
    """
    f = ctx.facts
    wanted = f.wanted_direction
    found = f.comparator
    if wanted not in ("min", "max") or found is None:
        return ()
    comparator, field = found
    got = direction_of(comparator)
    if got == "exact" or got == wanted:
        return ()
    if wanted == "min" and f.value == 0:
        return ()
    family = _FAMILY_TEXT.get(f.family.name if f.family else "", "")
    want_text = _OP_TEXT[wanted]
    return (
        ctx.finding(
            field,
            f"“{f.subject}”是{family}指标，应为“{want_text}”，而指标值用了“{comparator.text}”，方向相反",
            span=comparator.span,
            suggestion=f"改为“{want_text}”，并核对数值是否仍然合理",
        ),
    )


@indicator_rule(
    code="IA303",
    name="impossible-rate",
    kind="comparator",
    severity=Severity.ERROR,
    source=SRC_DIRECTION + "；指南 §3.4（比率不能 ≥100%，应写 =100%）",
    summary="比率写成“≥100%”或“>100%”：比率不可能超过 100%",
    bad="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: ≥100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: =100%}",
    packs=("families",),
)
def impossible_rate(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """比率最多 100%，“≥100%”只能等于 100%，应直接写“=100%”。"""
    f = ctx.facts
    found = f.comparator
    if found is None or f.value is None or not f.is_percent:
        return ()
    comparator, field = found
    if direction_of(comparator) != "min" or f.value < 100:
        return ()
    if f.family is not None and f.family.name in ("income", "count", "people"):
        return ()  # a growth percentage, not a share
    text = f.target.strip()
    if field == "comparator":
        unit = f.unit[0].text if f.unit is not None and f.unit[1] == "unit" else ""
        text = f"{comparator.text}{text}{unit}"
    if f.value > 100:
        return ()  # reported by value-out-of-range
    edit = ctx.edit(field, comparator.span.start, comparator.span.end, "=")
    return (
        ctx.finding(
            field,
            f"比率不可能超过 100%，“{text}”只能是 100%",
            span=comparator.span,
            suggestion="写成“=100%”",
            edit=edit,
        ),
    )
