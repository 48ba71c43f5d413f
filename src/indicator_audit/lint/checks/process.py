"""Inputs and budget-process measures passed off as outputs or outcomes."""

from __future__ import annotations

from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import Span
from indicator_audit.lint.facts import direction_of
from indicator_audit.lint.registry import LABEL_FIELDS, IndicatorContext, indicator_rule

SRC_PROCESS = (
    "财预〔2021〕101号 取值指引：财力、人力和物力等投入数量不能作为绩效目标；"
    "财预〔2020〕10号 自评表：预算执行率单独计分；指南 §3.8"
)


@indicator_rule(
    code="IA451",
    reads=LABEL_FIELDS,
    name="process-indicator",
    kind="process",
    severity=Severity.WARNING,
    source=SRC_PROCESS,
    summary="把预算执行、资金到位、合规性等过程或投入指标当作产出、效益",
    bad="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 资金到位及时率, "
    "target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 项目按期完成率, "
    "target: =100%}",
    packs=("process",),
)
def process_indicator(ctx: IndicatorContext) -> Iterator[Finding]:
    """资金到位、预算执行、制度执行、合规性说明钱花得规矩，不说明钱买到了什么、带来了什么。

    预算执行率在自评表里单独计分；其余过程性要求属于项目管理，不是绩效目标。产出指标应写交付了
    什么（数量、质量、时效、成本），效益指标应写带来的变化。
    """
    f = ctx.facts
    if f.category in ("input",):
        return
    subject = f.subject
    m = ctx.packs.process_re.search(subject)
    formula = f.indicator.fields.formula or ""
    field = "name"
    if m is None and formula:
        m = ctx.packs.process_re.search(formula)
        field = "formula"
    if m is None:
        return
    why = ctx.packs.process_pattern(m.group(0)).why
    shown = subject if field == "name" else formula
    yield ctx.finding(
        field,
        f"“{shown}”是过程或投入指标：{why}",
        span=Span(m.start(), m.end()),
        suggestion="改为衡量交付成果或效果的指标，如完成的数量、质量合格率、按期完成率或服务效果",
    )


@indicator_rule(
    code="IA452",
    name="cost-not-capped",
    kind="unit",
    severity=Severity.WARNING,
    source="财预〔2021〕101号：成本指标写总成本 ≤X 万元、单位成本 ≤X 元/单位或分项成本控制数；"
    "指南 §3.9",
    summary="成本指标写成百分比或“控制在预算内”，没有金额上限",
    bad="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 运维服务总成本, target: 100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 单位运维成本, "
    "target: ≤12万元/系统}",
    packs=("families", "taxonomy"),
)
def cost_not_capped(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """成本指标要给出金额上限，才能说明花同样的钱是否办了更多的事。

    “总成本 100%”只是重复预算本身。没有数值的（“控制在预算内”“符合相关规定”）问题在于无法衡量，
    由 vague-target、unquantified-target 报告，这里不再重复。名称是“成本控制率”的由 process-indicator
    报告，名称根本不是成本（“补助标准达标率”）的由 not-a-cost 报告。给成本的增幅设上限
    （“门诊次均费用增幅 ≤5%”）也是成本控制，不报。
    """
    f = ctx.facts
    if not _is_cost(ctx) or not names_a_cost(ctx):
        return ()  # a rate or a standard filed under 成本指标 is reported by not-a-cost
    if ctx.packs.process_re.search(f.subject):
        return ()  # 成本控制率: process-indicator already says it is no cap
    if not f.target_quantified:
        # no number at all (符合相关规定, 控制在预算内, an empty cell): the problem is that
        # the cell cannot be measured, which vague-target / unquantified-target / empty-target
        # say; a masked amount (≤****元) is template residue, which placeholder-target says
        return ()
    if f.target_parsed.clauses and any(c.placeholder for c in f.target_parsed.clauses):
        return ()
    found = f.unit
    if found is not None and found[0].dimension == "money":
        return ()
    valued = [c for c in f.target_parsed.clauses if c.value is not None]
    if len(valued) > 1 and all(c.unit is not None and c.unit.dimension == "money" for c in valued):
        return ()  # 一档500元/人·月；二档300元/人·月: an amount for each tier
    if found is None and f.is_quantity:
        return ()  # a bare number: missing-unit says it
    if _capped_growth(ctx):
        return ()  # 次均费用增幅 ≤5%: a cap on the cost's growth is a cost control
    what = f"“{f.target.strip()}”" if f.target.strip() else "空值"
    return (
        ctx.finding(
            "target",
            f"成本指标“{f.subject}”的指标值是{what}，没有写出成本金额上限",
            suggestion="写成“≤__万元”（总成本）或“≤__元/单位”（单位成本），数值取自预算明细或合同",
        ),
    )


# 财预〔2021〕101号: 社会成本 and 生态环境成本 are the project's burdens on society and the
# environment (complaints, dust, emissions), measured in their own units, not in money.
_NON_MONEY_COSTS = frozenset({"社会成本指标", "生态环境成本指标"})


def _capped_growth(ctx: IndicatorContext) -> bool:
    """门诊次均费用增幅 ≤5%: the name's head is the cost's growth, and a ceiling caps it."""
    f = ctx.facts
    found = f.comparator
    growth = f.family is not None and f.family.name == "growth"
    return growth and found is not None and direction_of(found[0]) == "max"


def _is_cost(ctx: IndicatorContext) -> bool:
    f = ctx.facts
    return f.subcategory == "成本指标" or f.category == "cost"


def names_a_cost(ctx: IndicatorContext) -> bool:
    """The name speaks of money spent: a cost family word, or a category label (社会成本指标)."""
    f = ctx.facts
    cost_words = [
        w
        for fam in ctx.packs.families.families
        if fam.name in ("cost", "unit-cost")
        for w in fam.words
    ]
    money_heads = tuple(ctx.packs.families.money_heads)
    return (
        any(w in f.subject for w in cost_words)
        or "money" in (f.family.dimensions if f.family is not None else [])
        or bool(money_heads and f.subject.rstrip().endswith(money_heads))
    )


@indicator_rule(
    code="IA408",
    name="not-a-cost",
    kind="misclassified",
    severity=Severity.WARNING,
    source="财预〔2021〕101号：成本指标写总成本、单位成本或分项成本控制数；指南 §3.2、§3.9",
    summary="成本指标下放的不是成本：达标率、覆盖率等比率或其他非金额指标",
    bad="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 人均补贴标准达标率, "
    "target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 生均营养餐补助标准, "
    "target: =4元/生·日}",
    packs=("families", "taxonomy"),
)
def not_a_cost(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """成本指标衡量花了多少钱（总成本、单位成本）；“补助标准达标率 100%”衡量的是执行情况，不是成本。

    名称里没有成本、费用、单价、补助标准等金额含义，指标值也不是金额时，说明指标放错了类别：
    要么移到质量指标，要么改写成“生均补助 ≤__元/生·日”这样的成本上限。
    """
    f = ctx.facts
    if not _is_cost(ctx) or names_a_cost(ctx):
        return ()
    if f.level2 is not None and f.level2[1] in _NON_MONEY_COSTS:
        return ()  # 施工期间居民投诉件数 under 社会成本指标: a cost that is not money
    found = f.unit
    if found is not None and found[0].dimension in ("money", "magnitude"):
        return ()  # an amount: whatever its name, it is a cost figure
    if not f.target.strip() or (found is None and f.is_quantity):
        return ()  # empty or bare: empty-target / missing-unit say it
    if ctx.packs.process_re.search(f.subject):
        return ()  # process-indicator says it
    fields = f.indicator.fields
    shown = f"{fields.comparator or ''}{f.target.strip()}{fields.unit or ''}"
    return (
        ctx.finding(
            "name",
            f"“{f.subject}”（{shown}）放在成本指标下，但它衡量的不是成本",
            suggestion="移到合适的类别（如质量指标）；"
            "成本指标写“总成本 ≤__万元”或“单位成本 ≤__元/单位”",
        ),
    )
