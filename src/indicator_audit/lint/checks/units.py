"""Units: present, of the dimension the indicator's name calls for, and values in range."""

from __future__ import annotations

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import CellKind, Unit
from indicator_audit.lint.registry import IndicatorContext, indicator_rule

SRC_UNITS = (
    "指南 §3.5（率 → %，时间 → 分钟/小时/天或日期，次数 → 次，金额 → 元/万元，面积 → 平方米/亩；"
    "裸数字缺单位；“万”本身不是货币单位）"
)
_DIM_TEXT = {
    "rate": "百分比",
    "time": "时长（分钟、小时、天）",
    "date": "日期",
    "money": "金额（元、万元）",
    "count": "数量单位（次、个、台、项）",
    "people": "人数单位（人、人次、户）",
    "area": "面积单位（平方米、亩）",
    "length": "长度单位（公里、米）",
    "mass": "重量单位",
    "data": "数据容量",
}


@indicator_rule(
    code="IA351",
    name="missing-unit",
    kind="unit",
    severity=Severity.WARNING,
    source=SRC_UNITS,
    summary="指标值是一个没有单位的数字",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 开设课程数量, target: '220'}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 开设课程数量, target: 220门}",
    packs=("units", "families"),
)
def missing_unit(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """“220”是 220 门、220 课时还是 220 人次？数值必须带单位（或在“度量单位”栏写明）。"""
    f = ctx.facts
    clause = f.clause
    if clause is None or clause.value is None or f.unit is not None:
        return ()
    if f.target_parsed.kind != CellKind.QUANTITY or clause.date is not None:
        return ()
    fam = f.family
    if fam is not None and fam.unitless:
        return ()  # 灌溉水有效利用系数 ≥0.58: a coefficient is a pure number
    unit = ctx.packs.families.default_units.get(fam.dimensions[0], "") if fam else ""
    hint = f"，如“{f.target.strip()}{unit}”" if unit else ""
    return (
        ctx.finding(
            "target",
            f"指标值“{f.target.strip()}”缺少单位",
            span=clause.value_span,
            suggestion=f"写明单位{hint}，或填写“度量单位”栏",
        ),
    )


@indicator_rule(
    code="IA352",
    name="unit-mismatch",
    kind="unit",
    severity=Severity.WARNING,
    source=SRC_UNITS,
    summary="单位与指标名称不符：率用了分钟、金额用了 %、指标值与“度量单位”栏矛盾",
    bad="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 故障修复及时率, "
    "target: 30分钟}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 故障修复及时率, "
    "target: ≥95%}",
    packs=("units", "families"),
)
def unit_mismatch(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """单位决定了指标衡量的是什么；与名称不符，说明名称或数值至少有一个写错了。"""
    f = ctx.facts
    clause = f.clause
    in_target = clause.unit if clause is not None else None
    # the 度量单位 column as written (a unit in the name's brackets is no column)
    column = f.unit_column if f.indicator.fields.unit else None
    parsed = f.target_parsed
    if (
        column is not None
        and f.target.strip()
        and parsed.kind in (CellKind.PHRASE, CellKind.QUALITATIVE)
        and not any(c.value is not None or c.placeholder for c in parsed.clauses)
    ):
        # 定性 “应保尽保” with 度量单位 “%”: the unit has no value to measure
        return (
            ctx.finding(
                "unit",
                f"度量单位栏写的是“{column.text}”，而指标值“{f.target.strip()}”不是数值",
                suggestion="定量指标填写数值；定性指标不填度量单位",
            ),
        )
    if in_target is not None and column is not None:
        a, b = in_target.dimension, column.dimension
        if a != b and "unknown" not in (a, b) and {a, b} != {"count", "people"}:
            return (
                ctx.finding(
                    "unit",
                    f"指标值“{f.target.strip()}”的单位是“{in_target.text}”，"
                    f"而度量单位栏写的是“{column.text}”，二者矛盾",
                    suggestion=f"统一为一个单位；“{f.subject}”应使用{_DIM_TEXT.get(a, a)}",
                ),
            )
    found = f.unit
    fam = f.family
    if found is None or not f.is_quantity:
        return ()
    if fam is None:
        return _made_in_time(ctx, *found)
    unit, field = found
    dim = unit.dimension
    if dim in fam.dimensions or dim in ("unknown", "magnitude"):
        return ()
    if dim == "count" and "people" in fam.dimensions:
        return ()
    # a rate of growth in money/count names (收入增长 10%) is legitimate
    if dim == "rate" and fam.name in ("income", "count", "people", "area", "length"):
        return ()
    # 每月 1 次 under a 时效 indicator: a frequency is a fine timeliness target
    if fam.name == "duration" and unit.per is not None:
        return ()
    want = _DIM_TEXT.get(fam.dimensions[0], fam.dimensions[0])
    return (
        ctx.finding(
            field,
            f"“{f.subject}”应使用{want}，而指标值的单位是“{unit.text}”",
            span=unit.span if field == "target" else None,
            suggestion=f"核对指标名称与数值：名称是{want}类指标，单位应一致",
        ),
    )


def _made_in_time(ctx: IndicatorContext, unit: Unit, field: str) -> tuple[Finding, ...]:
    """制作宣传横幅 (年): a name that counts things made or bought, measured in a time unit."""
    f = ctx.facts
    verb = ctx.packs.making_verb_re.search(f.subject)
    if verb is None or unit.dimension != "time" or unit.per is not None:
        return ()
    return (
        ctx.finding(
            field,
            f"“{f.subject}”数的是{verb.group(0)}的东西，单位却是时间“{unit.text}”",
            span=unit.span if field == "target" else None,
            suggestion="用计数单位（块、台、套、份……）写出数量；时间要求写在时效指标中",
        ),
    )


@indicator_rule(
    code="IA353",
    name="value-out-of-range",
    kind="unit",
    severity=Severity.ERROR,
    source=SRC_UNITS + "；practice（百分比在 0–100% 之间）",
    summary="数值超出可能的范围：比率或满意度超过 100%，或为负数",
    bad="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 设备完好率, target: ≥120%}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 设备完好率, target: ≥98%}",
    packs=("families",),
)
def value_out_of_range(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """比率和满意度在 0 到 100% 之间；负数的数量和时长没有意义。"""
    f = ctx.facts
    clause = f.clause
    if clause is None or clause.value is None:
        return ()
    values = [clause.value] + ([clause.upper] if clause.upper is not None else [])
    fam = f.family
    share = fam is not None and fam.name in ("rate", "satisfaction", "negative-rate")
    if f.is_percent and share and max(values) > 100:
        return (
            ctx.finding(
                "target",
                f"“{f.subject}”是比率，指标值“{f.target.strip()}”超过了 100%",
                span=clause.value_span,
                suggestion="比率最多为 100%，请核对数值",
            ),
        )
    elif min(values) < 0:
        return (
            ctx.finding(
                "target",
                f"指标值“{f.target.strip()}”为负数",
                span=clause.value_span,
                suggestion="核对数值的正负",
            ),
        )
    return ()


@indicator_rule(
    code="IA354",
    name="magnitude-without-unit",
    kind="unit",
    severity=Severity.WARNING,
    source=SRC_UNITS,
    summary="数值后只有“万”“亿”，没有写清是万元、万人还是万平方米",
    bad="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 人工成本, target: ≤480万/月}",
    good="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 人工成本, "
    "target: ≤620万元/月}",
    packs=("units",),
)
def magnitude_without_unit(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """“620万”可以是 620 万元，也可以是 620 万人次；“万”本身不是单位。"""
    f = ctx.facts
    for clause in f.target_parsed.clauses:
        unit = clause.unit
        if unit is None or unit.dimension != "magnitude":
            continue
        fam = f.family
        guess = {"money": "万元", "people": "万人", "area": "万平方米"}.get(
            fam.dimensions[0] if fam else "", "万元"
        )
        return (
            ctx.finding(
                "target",
                f"指标值“{f.target.strip()}”只写了“{unit.text}”，缺少计量单位",
                span=unit.span,
                suggestion=f"写明单位，如“{guess}”",
            ),
        )
    return ()
