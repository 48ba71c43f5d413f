"""Comparators: present where direction matters, pointing the way the meaning requires."""

from __future__ import annotations

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import CellKind, Clause, Comparator
from indicator_audit.lint.facts import direction_of
from indicator_audit.lint.registry import IndicatorContext, indicator_rule

SRC_DIRECTION = (
    "指南 §3.4（数量、覆盖率、满意度 → ≥；成本、时长、响应/恢复时间、故障次数 → ≤；"
    "误差率、损失与受害面积、投诉、发病率、结余、预算调整次数 → ≤；"
    "固定交付物 → =；比率不能 ≥100%；名称的中心语在最后，决定指标类别）"
)
SRC_STATED = (
    "指南 §3.4（定量指标要有数值、单位和指标性质 ≥ / ≤ / = / 定性；"
    "裸写“2370人”说不清是下限还是定额）；各地申报表“指标性质”栏"
)
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
    "deviation": "误差/偏差",
    "loss": "损失/结余",
    "unwanted-count": "越少越好的数量",
    "unwanted-people": "越少越好的人数",
    "unwanted-area": "受损面积",
    "deadline": "时限",
    "duration": "时长",
}


@indicator_rule(
    code="IA301",
    name="missing-comparator",
    kind="comparator",
    severity=Severity.WARNING,
    source=SRC_DIRECTION,
    summary="时长、成本、故障次数等上限类指标，或方向不明的时长，只写了数字，没有写“≤/≥”",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: 25分钟}",
    good="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: ≤25分钟}",
    packs=("families",),
)
def missing_comparator(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """上限类指标（时长、成本、故障次数）只写一个数字，读者和评分人无法判断是上限还是要求。

    “25分钟”“2小时”“1200元/亩”必须写成“≤25分钟”，否则超时 1 分钟是否达标说不清；名称看不出
    方向的时长（巡查时长、任务完成时限）只写“2小时”同样说不清，要写明 ≤ 或 ≥。数量、比率、
    满意度只写数字由 direction-not-stated 提示。“0次”、补助标准“260元/辆”（定额）不报；
    单位与指标不符（成本写成“100%”）或本身是预算过程指标时，由单位、过程规则报告，本规则不重复。
    """
    f = ctx.facts
    bare = bare_clauses(ctx)
    if not bare:
        return ()
    want = warned_direction(ctx, bare)
    if want is None:
        return ()
    first = bare[0]
    text = f.target.strip()
    fam = f.family
    if want == "time":
        return (
            ctx.finding(
                "target",
                f"“{f.subject}”是时长指标，指标值“{text}”没有写明方向"
                "（≤ 上限还是 ≥ 下限），达标与否说不清",
                span=first.value_span,
                suggestion="按含义在数值前加“≤”（用时、时限）或“≥”（开放、服务时长）",
            ),
        )
    fixed = None
    # a suggestion, not a --fix edit: reading "25分钟" as a cap is a judgement the author makes
    if len(bare) == 1 and len(f.target_parsed.clauses) == 1 and first.value_span is not None:
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


def bare_clauses(ctx: IndicatorContext) -> list[Clause]:
    """The target's numbers that state no direction, when no comparator is written anywhere
    (neither in the cell nor in a 指标性质 column). Empty for a 0 (exact by itself), a date,
    a range (90%-95%), or a cell that does not parse."""
    f = ctx.facts
    if f.comparator is not None or (f.indicator.fields.comparator or "").strip():
        return []  # a 指标性质 column says it, even in words (正向, 定性)
    parsed = f.target_parsed
    if parsed.error is not None or parsed.kind not in (CellKind.QUANTITY, CellKind.MULTI):
        return []
    changes = ctx.packs.change_verbs
    bare = [
        c
        for c in parsed.clauses
        if c.value is not None
        and c.comparator is None
        and not _before(c)
        and not _after_change(f.target, c, changes)
    ]
    if all(c.value == 0 for c in bare):
        return []  # "0次" is exact and unambiguous
    return bare


_BEFORE = ("前", "以前", "之前")


def _before(clause: Clause) -> bool:
    """A time followed by 前 ("每月15日前", "5日以前") is a deadline: it states its direction."""
    unit = clause.unit
    tail = (clause.tail or "").lstrip()
    return unit is not None and unit.dimension in ("time", "date") and tail.startswith(_BEFORE)


def _after_change(text: str, clause: Clause, verbs: tuple[str, ...]) -> bool:
    """A number right after 减少, 提高 … ("减少50%", "同比提高5个百分点") states its direction."""
    span = clause.value_span
    return span is not None and text[: span.start].rstrip().endswith(verbs)


def _wants_cap(ctx: IndicatorContext) -> bool:
    """An upper-bound indicator: its family says so, or it is an amount filed as a cost."""
    f = ctx.facts
    if f.wanted_direction is not None:
        return f.wanted_direction == "max"
    if f.family is not None and f.family.direction != "none":
        return False
    # 成本指标 “财政资金补助 1200元/亩”: an amount under the cost category is a cost cap
    return f.subcategory == "成本指标" or f.category == "cost"


def _is_time(ctx: IndicatorContext) -> bool:
    """A time (时长, 时限, 周期) whose name does not say which way is better: “2小时” may be a
    floor (开放时长) or a ceiling (巡查用时), and only the author knows which."""
    fam = ctx.facts.family
    return fam is not None and fam.direction == "none" and "time" in fam.dimensions


def _units_fit(ctx: IndicatorContext, bare: list[Clause], dims: list[str]) -> bool:
    f = ctx.facts
    fits = (*dims, "magnitude")  # "5万" under a cost: the unit is missing, the cap too
    if any(c.unit is not None and c.unit.dimension not in fits for c in bare):
        return False
    return f.unit is None or f.unit[0].dimension in fits


def warned_direction(ctx: IndicatorContext, bare: list[Clause]) -> str | None:
    """ "max" for a cap left bare, "time" for a bare time whose direction the name does not
    say (both warnings of missing-comparator), else None."""
    f = ctx.facts
    if ctx.packs.process_re.search(f.subject):
        return (
            None  # a budget figure restated (支出安排金额): the fix is to replace it, not to cap it
        )
    if _wants_cap(ctx):
        fam = f.family
        dims = fam.dimensions if fam is not None and fam.direction == "max" else ["money"]
        # "100%" on a cost: the unit is wrong, and ≤ would not make it a cap
        return "max" if _units_fit(ctx, bare, dims) else None
    if _is_time(ctx) and _units_fit(ctx, bare, ["time"]):
        return "time"
    return None


@indicator_rule(
    code="IA305",
    name="direction-not-stated",
    kind="comparator",
    severity=Severity.INFO,
    source=SRC_STATED,
    summary="数量、比率、满意度等定量指标只写了数字，没有写明 ≥、≤ 还是 =",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 慰问困难职工人数, "
    "target: 45人}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 慰问困难职工人数, "
    "target: ≥45人}",
    packs=("families",),
)
def direction_not_stated(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """申报表的“指标性质”栏要求每个定量指标写明 ≥、≤、= 或定性：“2370人”是至少 2370 人，
    还是正好 2370 人？评分时差别很大。

    数量、比率、满意度通常被理解为“至少”，所以默认只是提示（info）；要求严格的地区可在配置中
    提升：`severity: {IA305: warning}`。时长、成本只写数字是警告，由 missing-comparator 报告；
    “0次”、日期、带时限的进度（“6月底前完成80%”）、区间（90%-95%）、补助标准（定额）和预算
    过程指标不报。
    """
    f = ctx.facts
    bare = bare_clauses(ctx)
    if not bare or warned_direction(ctx, bare) is not None:
        return ()
    fam = f.family
    if fam is not None and fam.direction == "exact":
        return ()  # a 补助标准 is an amount per head: no comparator needed
    if ctx.packs.process_re.search(f.subject):
        return ()  # a budget figure restated: process-indicator says what to do
    if any(c.date is not None for c in f.target_parsed.clauses):
        return ()  # "10月底前100%发放": a share due by a date is a milestone, not a floor
    dims = {c.unit.dimension for c in bare if c.unit is not None}
    if f.unit is not None:
        dims.add(f.unit[0].dimension)
    if dims & {"score", "date"}:
        return ()
    first = bare[0]
    text = f.target.strip()
    if f.is_percent and f.value == 100:
        advice = "比率 100% 写成“=100%”"
    elif fam is not None and fam.direction in ("min", "max") and fam.confident:
        advice = f"按含义写成“{ctx.packs.families.direction_symbols[fam.direction]}{text}”"
    else:
        advice = "在数值前写明“≥”（下限）、“≤”（上限）或“=”（定额）"
    return (
        ctx.finding(
            "target",
            f"指标值“{text}”没有写明指标性质（≥ 下限、≤ 上限还是 = 定额）",
            span=first.value_span,
            suggestion=advice + "，或填写“指标性质”栏",
        ),
    )


@indicator_rule(
    code="IA302",
    name="comparator-against-meaning",
    kind="comparator",
    severity=Severity.ERROR,
    source=SRC_DIRECTION,
    summary="比较方向与指标含义相反：时长/成本/故障/损失用了 ≥，人数/覆盖率/满意度用了 ≤，"
    "成本用了 =",
    bad="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 故障响应时间, "
    "target: ≥30分钟}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 故障响应时间, "
    "target: ≤30分钟}",
    packs=("families",),
)
def comparator_against_meaning(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """方向写反了，完成得越差得分越高。

    “故障响应时间 ≥30分钟”意味着响应越慢越达标；“受益人数 ≤500人”意味着服务越少越达标；
    “投诉件数 ≥3件”“因灾经济损失 ≥50万元”同理。方向按名称的中心语判断：“挽回经济损失”
    “治理水土流失面积”是越多越好，不报。成本写成“=350元/人”也是方向不对：成本只能设上限，
    节约了反而不达标。只说“……率”“……占比”的比率写了“≤”，只有合格率、覆盖率、完成率这类
    越高越好的比率才报；“抗菌药物使用率 ≤60%”“药品收入占比 ≤30%”的上限是作者的本意。
    """
    f = ctx.facts
    found = f.comparator
    if found is None:
        return ()
    comparator, field = found
    got = direction_of(comparator)
    if got == "exact":
        return _exact_cost(ctx, comparator, field)
    wanted = f.wanted_direction
    if wanted not in ("min", "max") or got == wanted:
        return ()
    if wanted == "min" and f.value == 0:
        return ()
    if got == "max" and not _higher_is_better(ctx):
        return ()
    family = _FAMILY_TEXT.get(f.family.name if f.family else "", "")
    want_text = ctx.packs.families.direction_symbols[wanted]
    return (
        ctx.finding(
            field,
            f"“{f.subject}”是{family}指标，应为“{want_text}”，而指标值用了“{comparator.text}”，方向相反",
            span=comparator.span,
            suggestion=f"改为“{want_text}”，并核对数值是否仍然合理",
        ),
    )


def _higher_is_better(ctx: IndicatorContext) -> bool:
    """Whether "≤" contradicts the name. A share named only by 率/比例/占比 may be a ceiling
    the author means (抗菌药物使用率 ≤60%, 药品收入占比 ≤30%): only the achievement rates
    (合格率, 覆盖率, 完成率 …) say more is better."""
    fam = ctx.facts.family
    if fam is None or fam.name != "rate":
        return True
    subject = ctx.facts.subject
    return any(w in subject for w in ctx.packs.families.achievement_rates)


def _exact_cost(ctx: IndicatorContext, comparator: Comparator, field: str) -> tuple[Finding, ...]:
    """“=350元/人” on a cost: spending less would then miss the target."""
    f = ctx.facts
    fam = f.family
    if not f.value or f.unit is None or f.unit[0].dimension != "money":
        return ()  # "=0万元" (no overrun) is exact by nature
    if fam is not None and fam.confident and fam.direction != "none":
        if fam.name not in ("cost", "unit-cost"):
            return ()
    elif not _wants_cap(ctx):
        return ()
    return (
        ctx.finding(
            field,
            f"“{f.subject}”是成本指标，成本只能设上限，指标值却用了“{comparator.text}”",
            span=comparator.span,
            suggestion="改为“≤”：成本低于目标不应算作未达标",
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
    if f.is_satisfaction and ctx.packs.families.satisfaction_credible_max < 100:
        # "=100%" would trade this finding for IA702's (a 100% satisfaction target is not
        # credible): no edit, and the advice IA702 gives
        return (
            ctx.finding(
                field,
                f"比率不可能超过 100%，“{text}”只能是 100%，而满意度目标定为 100% 也不可信",
                span=comparator.span,
                suggestion="参照上年调查结果设定，通常为 ≥85% 至 ≥95%",
            ),
        )
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
