"""The table as a whole: categories present, absolute quantities, weights, duplicates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import CellKind
from indicator_audit.lint.checks.measurability import is_blank
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import (
    DocumentContext,
    IndicatorContext,
    document_rule,
    indicator_rule,
)

SRC_COMPLETE = (
    "财预〔2015〕88号 审核要点：完整性；指南 §3.1（至少一个产出、一个效益指标；"
    "有明确受益对象的应设满意度指标）"
)
_ABSOLUTE = frozenset({"count", "people", "area", "length", "mass", "data", "volume"})


def _categories(ctx: DocumentContext) -> set[str]:
    """The categories the document has indicators in (three rules ask: made once)."""
    found = ctx.memo.get("categories")
    if isinstance(found, set):
        return found
    cats: set[str] = set()
    for f in ctx.facts:
        if f.category:
            cats.add(f.category)
        if f.subcategory == "成本指标":
            cats.add("cost")
    ctx.memo["categories"] = cats
    return cats


def _doc_anchor(ctx: DocumentContext) -> tuple[int, int]:
    return ctx.top_key("indicators")


@document_rule(
    code="IA501",
    name="missing-category",
    kind="structure",
    severity=Severity.ERROR,
    source=SRC_COMPLETE,
    summary="缺少产出指标或效益指标",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99.5%}",
    packs=("taxonomy",),
)
def missing_category(ctx: DocumentContext) -> Iterator[Finding]:
    """绩效目标要回答“花钱办了什么”（产出）和“办成了什么”（效益），缺一不可。"""
    if not ctx.facts:
        return
    cats = _categories(ctx)
    line, col = _doc_anchor(ctx)
    for key in ("output", "outcome"):
        if key not in cats:
            yield ctx.finding(
                f"没有任何{ctx.packs.taxonomy.categories[key].label}",
                line=line,
                column=col,
                pointer="/indicators",
                suggestion=f"增加{ctx.packs.taxonomy.categories[key].label}："
                + ("完成的数量、质量、时效" if key == "output" else "项目带来的可衡量效果"),
            )


@document_rule(
    code="IA502",
    name="missing-satisfaction",
    kind="structure",
    severity=Severity.WARNING,
    source=SRC_COMPLETE + "；财预〔2020〕10号 自评表（满意度指标 10 分）",
    summary="没有满意度指标（或满意度只放在了效益下）",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 服务对象满意度, "
    "target: ≥90%}",
    good="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, "
    "name: 系统使用人员满意度, "
    "target: ≥90%}",
    packs=("taxonomy",),
)
def missing_satisfaction(ctx: DocumentContext) -> Iterator[Finding]:
    """有服务对象的项目应设满意度指标，并作为单独的一级指标。"""
    if not ctx.facts or "satisfaction" not in ctx.preset.require:
        return
    if "satisfaction" in _categories(ctx):
        return
    line, col = _doc_anchor(ctx)
    misfiled = [f for f in ctx.facts if f.is_satisfaction]
    extra = f"（“{misfiled[0].subject}”放在了效益下）" if misfiled else ""
    yield ctx.finding(
        f"没有满意度指标{extra}",
        line=line,
        column=col,
        pointer="/indicators",
        suggestion="增加 满意度指标 / 服务对象满意度指标，如“系统使用人员满意度 ≥90%”",
    )


_COST_REQUIRED_FROM = 2021  # 财预〔2021〕101号: 产出、效果及相应的成本控制要求


@document_rule(
    code="IA503",
    name="missing-cost",
    kind="structure",
    severity=Severity.WARNING,
    source="财预〔2021〕101号：绩效目标包括产出、效果及相应的成本控制要求；指南 §3.9",
    summary="没有成本指标（总成本或单位成本上限）",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "  - {level1: 产出指标, level2: 成本指标, name: 运维服务总成本, target: ≤348万元}",
    packs=("taxonomy",),
)
def missing_cost(ctx: DocumentContext) -> Iterator[Finding]:
    """成本指标说明同样的钱办了多少事；2021 框架起是必设的一级指标。

    财预〔2021〕101号 之前的年度（表中写明 2020 年及以前）的表不要求成本指标：经典框架把成本列为
    产出的一个二级指标，当时许多地方的表没有这一栏，按今天的要求报告它不是审核意见。"""
    if not ctx.facts or "cost" not in ctx.preset.require:
        return
    year = ctx.document.model.project.year
    if year is not None and year < _COST_REQUIRED_FROM:
        return
    if "cost" in _categories(ctx):
        return
    line, col = _doc_anchor(ctx)
    yield ctx.finding(
        "没有成本指标",
        line=line,
        column=col,
        pointer="/indicators",
        suggestion="增加成本指标，如“项目总成本 ≤__万元”或“单位成本 ≤__元/单位”",
    )


@document_rule(
    code="IA504",
    name="no-absolute-quantity",
    kind="structure",
    severity=Severity.WARNING,
    source="指南 §3.3：产出应至少有一个绝对数量指标（台、次、项、人次、公里…），不能只有 100% 比率",
    summary="产出指标全是比率，没有一个绝对数量（台、次、项、人次…）",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 系统运维覆盖率, "
    "target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 维护信息系统数量, "
    "target: =12个}",
    packs=("units",),
)
def no_absolute_quantity(ctx: DocumentContext) -> Iterator[Finding]:
    """只有比率说不出做了多少：100% 覆盖 3 个系统和 100% 覆盖 30 个系统，花的钱不同。"""
    outputs = [f for f in ctx.facts if f.category == "output"]
    if not outputs:
        return
    for f in outputs:
        for clause in f.target_parsed.clauses:
            # a marked blank ("=__项") is a count still to be filled in: it counts
            has_value = clause.value is not None or is_blank(clause.placeholder)
            if has_value and clause.unit and clause.unit.dimension in _ABSOLUTE:
                return
        dim = f.dimension
        if f.value is not None and dim in _ABSOLUTE:
            return
    first = outputs[0].indicator
    yield ctx.finding(
        f"{len(outputs)} 个产出指标中没有一个绝对数量，全是比率或描述",
        line=first.line,
        column=first.col,
        pointer=first.pointer,
        suggestion="增加数量指标，写明完成了多少：如“维护信息系统数量 =N 个”“全年巡检次数 ≥N 次”",
    )


def _weights(ctx: DocumentContext) -> tuple[float, int]:
    total = 0.0
    count = 0
    for f in ctx.facts:
        w = f.indicator.fields.weight
        if w is not None:
            total += w
            count += 1
    return total, count


@document_rule(
    code="IA505",
    name="weight-total",
    kind="structure",
    severity=Severity.WARNING,
    source="财预〔2020〕10号 自评表：总分 100，预算执行率 10 分（各地口径见配置 preset）",
    summary="权重（分值）合计不等于约定总分",
    bad="budget_execution: {weight: 10}\nindicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: 50}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, weight: 30}",
    good="budget_execution: {weight: 10}\nindicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: 60}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, weight: 30}",
    packs=("conventions",),
)
def weight_total(ctx: DocumentContext) -> Iterator[Finding]:
    """权重合计应等于总分（默认 100，其中预算执行率 10 分）；合计不对，得分就无法比较。"""
    total, count = _weights(ctx)
    if count == 0:
        return
    preset = ctx.preset
    be = ctx.document.model.budget_execution
    be_weight = be.weight if be is not None and be.weight is not None else None
    expected = preset.total - (be_weight if be_weight is not None else preset.budget_execution)
    if abs(total - expected) < 0.05:
        return
    line, col = _doc_anchor(ctx)
    missing = len(ctx.facts) - count
    note = f"（另有 {missing} 个指标没有权重）" if missing else ""
    be_text = f"预算执行 {be_weight:g} 分" if be_weight is not None else "预算执行率"
    yield ctx.finding(
        f"指标权重合计为 {total:g}{note}，按“{preset.title}”应为 {expected:g}（{be_text}另计）",
        line=line,
        column=col,
        pointer="/indicators",
        suggestion=f"调整各指标分值，使合计为 {expected:g}",
    )


def rows_named(facts: list[IndicatorFacts]) -> str:
    """第 3、5 个指标（“巡检次数”“系统可用率”）: the rows of a table finding, by position and
    name (at most five names, then how many more)."""
    shown = facts[:5]
    places = "、".join(str(f.indicator.index + 1) for f in facts)
    names = "".join(f"“{_short(f.indicator.fields.name or f.subject)}”" for f in shown)
    more = f"等 {len(facts)} 个" if len(facts) > len(shown) else ""
    return f"第 {places} 个指标（{names}{more}）"


def _short(name: str, most: int = 16) -> str:
    name = " ".join(name.split())
    return name if len(name) <= most else name[: most - 1] + "…"


def once_or_per_row(
    ctx: DocumentContext,
    rows: list[IndicatorFacts],
    one: str,
    several: str,
    field: str,
    suggestion: str,
) -> Iterator[Finding]:
    """A problem on one row is that row's finding; the same problem on several rows is one
    table finding listing them (one problem, one finding). `one` may name {subject};
    `several` names {rows}."""
    if len(rows) == 1:
        (f,) = rows
        cell = f.cell(field)
        # a missing value: at the blank cell of the row, where it is to be written
        line, col = ctx.empty_cell(f.indicator, field) if cell is None else (None, None)
        yield ctx.finding(
            one.format(subject=f.subject or f.indicator.fields.name or ""),
            cell=cell,
            indicator=f.indicator.index,
            pointer=f"{f.indicator.pointer}/{field}" if line is not None else None,
            suggestion=suggestion,
            line=line,
            column=col,
        )
    elif rows:
        line, col = _doc_anchor(ctx)
        yield ctx.finding(
            several.format(rows=rows_named(rows)),
            line=line,
            column=col,
            pointer="/indicators",
            suggestion=suggestion,
        )


@document_rule(
    code="IA510",
    name="weight-missing",
    kind="structure",
    severity=Severity.WARNING,
    source="财预〔2020〕10号 附件 自评表：每个绩效指标都有分值，合计 100（预算执行率另计）",
    summary="其他指标都有分值（权重），有的指标没有（几个指标都没有时整表报告一次）",
    bad="indicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: 50}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%}",
    good="indicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: 50}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, weight: 40}",
)
def weight_missing(ctx: DocumentContext) -> Iterator[Finding]:
    """有分值的表中漏填分值，这个指标就不计分，权重合计也对不上。

    “其中:”行是上一行的组成部分，没有自己的分值。漏填的不止一行时整表报告一次并列出各行，
    而不是在每一行重复同一条意见。"""
    weighted = sum(1 for f in ctx.facts if f.indicator.fields.weight is not None)
    if weighted == 0:
        return
    rows = [f for f in ctx.facts if f.indicator.fields.weight is None and not f.is_part]
    yield from once_or_per_row(
        ctx,
        rows,
        f"表中 {weighted} 个指标有分值（权重），“{{subject}}”没有",
        f"表中 {weighted} 个指标有分值（权重），{{rows}}没有",
        "weight",
        "为这些指标填写分值，使全部指标分值合计符合约定总分",
    )


@document_rule(
    code="IA506",
    name="dominant-weight",
    kind="structure",
    severity=Severity.INFO,
    source="指南 §4：单个指标占大部分权重是一个信号",
    summary="一个指标占了指标总权重的大部分",
    bad="indicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: 70}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, weight: 10}\n"
    "  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 用户满意度, target: ≥90%, "
    "weight: 10}",
    good="indicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, weight: 30}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, weight: 30}\n"
    "  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 用户满意度, target: ≥90%, "
    "weight: 30}",
    packs=("conventions",),
)
def dominant_weight(ctx: DocumentContext) -> Iterator[Finding]:
    """一个指标权重过大，其余指标就无足轻重，评价结果几乎只看这一项。"""
    total, count = _weights(ctx)
    if count < 3 or total <= 0:
        return
    share = ctx.packs.conventions.dominant_share
    for f in ctx.facts:
        w = f.indicator.fields.weight
        if w is not None and w / total > share:
            yield ctx.finding(
                f"“{f.subject}”的权重 {w:g} 占指标总权重 {total:g} 的 {w / total:.0%}",
                cell=f.cell("weight"),
                indicator=f.indicator.index,
                suggestion="把权重分散到能反映主要产出和效果的几个指标上",
            )


_NAME_NOISE = re.compile(r"[\s()（）*]")


@lru_cache(maxsize=65536)
def _norm_name(text: str) -> str:
    return _NAME_NOISE.sub("", text)


@document_rule(
    code="IA507",
    name="duplicate-indicator",
    kind="structure",
    severity=Severity.WARNING,
    source="财预〔2015〕88号 审核要点：指标不应重复",
    summary="同一个指标出现了两次",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "  - {level1: 产出指标, level2: 时效指标, name: 巡检次数, target: ≥12次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "  - {level1: 产出指标, level2: 时效指标, name: 巡检及时率, target: ≥95%}",
)
def duplicate_indicator(ctx: DocumentContext) -> Iterator[Finding]:
    """重复的指标重复计分。

    每个重复项单独报告，便于逐一定位；同一名称重复超过 3 次时（多见于汇总了许多项目的大表），
    前 3 次逐一报告，其余合并为一条，写明共重复多少次，避免同一条意见刷屏。
    """
    groups: dict[str, list[IndicatorFacts]] = {}
    for f in ctx.facts:
        if f.is_part:
            continue  # 其中:…(寄宿生): a part of the row above, not a second count of it
        key = _norm_name(f.subject)
        if key:
            groups.setdefault(key, []).append(f)
    for group in groups.values():
        if len(group) < 2:
            continue
        first = group[0]
        repeats = group[1:]
        for f in repeats[:_DUPLICATES_LISTED]:
            yield ctx.finding(
                f"指标“{f.subject}”与第 {first.indicator.index + 1} 个指标重复",
                cell=f.cell("name"),
                indicator=f.indicator.index,
                suggestion="删除重复项，或改为衡量不同方面的指标",
            )
        rest = repeats[_DUPLICATES_LISTED:]
        if rest:
            f = rest[0]
            yield ctx.finding(
                f"指标“{f.subject}”在表中共出现 {len(group)} 次（第 {first.indicator.index + 1} 个起），"
                f"此处及以后的 {len(rest)} 次重复不再逐一列出",
                cell=f.cell("name"),
                indicator=f.indicator.index,
                suggestion="合并重复指标；若是多个项目汇总在一张表中，请按项目分开检查",
            )


_DUPLICATES_LISTED = 3


_RESTATE = re.compile(r"(完成率|达标率|完成比例|执行率)$")
# 达标率 restates a quantity only when what meets its target is the count itself (培训课时数量达标率)
_COUNTED = r"(数量|人次|人数|户数|次数|批次|场次|个数|面积|长度|里程)$"  # for the rare 达标率


@document_rule(
    code="IA508",
    name="rate-restates-quantity",
    kind="structure",
    severity=Severity.INFO,
    source="practice（同一产出既按数量又按“完成率”计分，等于重复计分）",
    summary="“××完成率”只是把另一个数量指标换成了比率",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 专题班培训人次, "
    "target: 280人次}\n"
    "  - {level1: 产出指标, level2: 质量指标, name: 专题班培训完成率, target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 专题班培训人次, "
    "target: 280人次}\n"
    "  - {level1: 产出指标, level2: 质量指标, name: 培训考核合格率, target: ≥95%}",
)
def rate_restates_quantity(ctx: DocumentContext) -> Iterator[Finding]:
    """数量指标已经衡量了完成多少，再设一个“完成率”是重复；质量指标应衡量做得好不好。"""
    rates = [f for f in ctx.facts if _RESTATE.search(f.subject)]
    if not rates:
        return  # no "…完成率": no need to read every target
    # a bare number (课程数量 “220”) is a quantity too: its missing unit is another finding
    quantities = [
        f
        for f in ctx.facts
        if f.is_quantity and (f.dimension in _ABSOLUTE | {"rate"} or f.unit is None)
    ]
    for f in rates:
        m = _RESTATE.search(f.subject)
        if m is None:
            continue
        if m.group(0) == "达标率" and not re.search(_COUNTED, f.subject[: m.start()]):
            continue  # 管网清淤达标率: the work meets a standard (quality), not a count its target
        stem = _norm_name(f.subject[: m.start()])
        if len(stem) < 2:
            continue
        for q in quantities:
            if q is f:
                continue
            other = _norm_name(q.subject)
            if _shares_stem(stem, other):
                yield ctx.finding(
                    f"“{f.subject}”只是把“{q.subject}”换成了完成率，重复计分",
                    cell=f.cell("name"),
                    indicator=f.indicator.index,
                    suggestion="删去完成率，或改为衡量质量的指标（如考核合格率、按时完成率）",
                )
                break


def _shares_stem(stem: str, other: str) -> bool:
    """The stem (minus a trailing 数量/人次) is, or ends, a part of the other name."""
    core = re.sub(r"(数量|人次|次数|批次|比例)$", "", stem)
    if len(core) < 2:
        return False
    return core in other or (len(core) >= 4 and core[-4:] in other)


@indicator_rule(
    code="IA509",
    name="multi-target-cell",
    kind="structure",
    severity=Severity.WARNING,
    source="practice（一个指标一个目标值，才能逐项评分）；评价报告：故障恢复时间应按故障级别分别设置",
    summary="一个指标值单元格里写了几个目标（如按故障级别）",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: 一级故障25分钟；二级故障130分钟}",
    good="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 一级故障平均恢复时间, "
    "target: ≤25分钟}\n  - {level1: 效益指标, level2: 社会效益指标, name: 二级故障平均恢复时间, "
    "target: ≤130分钟}",
)
def multi_target_cell(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """一个单元格几个目标，实际值只能填一个，评分时说不清哪一级没达标。拆成每级一个指标。"""
    f = ctx.facts
    parsed = f.target_parsed
    if parsed.kind != CellKind.MULTI or len(parsed.clauses) < 2:
        return ()
    # several targets are several values: a unit read as a second clause (元/人*月), a masked
    # amount (≤**00元) or a deadline before a rate (9月底前100%拨付) is one target
    valued = [c for c in parsed.clauses if c.value is not None and not c.placeholder]
    if len(valued) < 2:
        return ()
    fam = f.family
    exact = fam is not None and fam.direction == "exact" and f.comparator_column is None
    if exact and all(
        c.comparator is None and c.unit and c.unit.dimension == "money" for c in valued
    ):
        return ()  # 补助标准 一档500元；二档300元: one standard's schedule by tier, not targets
    parts = []
    for clause in parsed.clauses:
        label = "".join(clause.qualifiers) or "?"
        parts.append(label)
    op = "≤" if f.wanted_direction == "max" else ("≥" if f.wanted_direction == "min" else "")
    split = "；".join(
        f"{''.join(c.qualifiers)}{f.subject}{op}{c.value_text or ''}{c.unit.text if c.unit else ''}"
        for c in parsed.clauses
    )
    return (
        ctx.finding(
            "target",
            f"指标值中写了 {len(parsed.clauses)} 个目标（{'、'.join(parts)}），"
            f"应拆成 {len(parsed.clauses)} 个指标",
            suggestion=f"拆分为：{split}",
        ),
    )
