"""Self-evaluation (绩效自评表): targets met or missed, scores that agree, ambition.

Scoring follows the local forms' pro-rata formulas: a ≥A target with actual B earns
weight × min(B/A, 1); a ≤A target earns weight × min(A/B, 1) (B = 0 earns full marks).
"""

from __future__ import annotations

from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import Clause
from indicator_audit.lint.checks.structure import once_or_per_row
from indicator_audit.lint.completion import Completion, completion, judge, late_date, unit_conflict
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.registry import (
    DocumentContext,
    IndicatorContext,
    document_rule,
    indicator_rule,
)

SRC_SCORING = (
    "财预〔2020〕10号 附件：定量指标按完成比例计分（正向 权重×实际/目标，反向 权重×目标/实际，"
    "不超过权重）；偏差须说明原因（四川等地自评表注）；指南 §4"
)


def _clause_text(cell: str, clause: Clause) -> str:
    return cell[clause.span.start : clause.span.end].strip(" ;,、。；，")


def _missed_text(f: IndicatorFacts, judged: Completion) -> str:
    """ "完成 96%" for one clause; for several, each missed clause against its target."""
    if len(judged.clauses) == 1:
        return f"完成 {judged.share:.0%}"
    actual = f.indicator.fields.actual or ""
    parts = [
        f"“{_clause_text(actual, j.actual)}”未达到“{_clause_text(f.target, j.target)}”"
        for j in judged.missed
    ]
    return "；".join(parts)


@indicator_rule(
    code="IA801",
    needs=("score", "weight"),
    name="score-above-weight",
    kind="self-eval",
    severity=Severity.ERROR,
    source=SRC_SCORING,
    summary="得分超过了该指标的分值（权重）",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, "
    "actual: 12次, weight: 10, score: 12}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, "
    "actual: 12次, weight: 10, score: 10}",
)
def score_above_weight(ctx: IndicatorContext) -> Iterator[Finding]:
    """得分不能超过分值，超额完成也不加分。"""
    fields = ctx.facts.indicator.fields
    if fields.score is None or fields.weight is None or fields.score <= fields.weight + 1e-9:
        return
    yield ctx.finding(
        "score",
        f"得分 {fields.score:g} 超过了分值 {fields.weight:g}",
        suggestion=f"得分最多为 {fields.weight:g}",
    )


@indicator_rule(
    code="IA802",
    needs=("score", "weight", "actual"),
    name="score-inconsistent",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_SCORING,
    summary="得分与完成情况不符：达标却扣分，或未达标却得满分/高于按比例应得分",
    bad="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 资金拨付完成率, "
    "target: =100%, "
    "actual: 100%, weight: 10, score: 7}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 资金拨付完成率, "
    "target: =100%, "
    "actual: 100%, weight: 10, score: 10}",
    packs=("lexicon",),
)
def score_inconsistent(ctx: IndicatorContext) -> Iterator[Finding]:
    """得分要与实际完成值对得上：达标应得满分；未达标不能得满分，最多按完成比例得分。

    实际值没写单位时按指标值的单位理解（指标值“≥35公里”、实际“35”即达标）；分级、分项的指标值
    （一级故障30分钟；二级故障120分钟）逐项与实际值对应比较，各按自己的方向；一个实际值对多个
    分项目标时无从对应，不判断，更不把分项相加。完成日期晚于指标值的时限却得满分，同样不符。
    """
    f = ctx.facts
    fields = f.indicator.fields
    if fields.score is None or fields.weight is None or fields.weight <= 0:
        return
    full = fields.score >= fields.weight - 1e-9
    actual_text = (fields.actual or "").strip()
    late = late_date(f)
    if late is not None:
        if full:
            yield ctx.finding(
                "score",
                f"实际完成日期“{late[1].text}”晚于指标值的时限“{late[0].text}”，却得了满分"
                f"（{fields.score:g}/{fields.weight:g}）",
                suggestion="逾期完成应扣分，并在偏差原因中说明",
            )
        return
    if full and actual_text in ctx.packs.partial_actual_set:
        yield ctx.finding(
            "score",
            f"实际完成值“{actual_text}”说明目标没有全部实现，却得了满分"
            f"（{fields.score:g}/{fields.weight:g}）",
            suggestion="按分档计分：部分达成得分值的 60%–80%，未达成 0–60%，并写明偏差原因",
        )
        return
    judged = judge(f)
    if judged is None:
        return
    share = judged.share
    expected = fields.weight * share
    if judged.met and fields.score < fields.weight - 1e-9:
        yield ctx.finding(
            "score",
            f"实际完成值“{actual_text}”已达到指标值“{f.target.strip()}”，却扣了分"
            f"（{fields.score:g}/{fields.weight:g}）",
            suggestion="达标应得满分；若另有未达标的情况（如某一级别超时），应在实际完成值中如实填写",
        )
    elif not judged.met and (full or fields.score > expected + 0.05 * fields.weight):
        got = (
            f"却得了满分（{fields.score:g}/{fields.weight:g}）"
            if full
            else f"得分 {fields.score:g} 高于按比例应得的 {expected:.2f}"
        )
        yield ctx.finding(
            "score",
            f"实际完成值“{actual_text}”未达到指标值“{f.target.strip()}”"
            f"（{_missed_text(f, judged)}），{got}",
            suggestion=f"按完成比例计分：{fields.weight:g} × {share:.2f} = {expected:.2f}",
        )


@indicator_rule(
    code="IA803",
    needs=("actual",),
    name="missed-without-explanation",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_SCORING,
    summary="未达到目标，却没有填写偏差原因分析",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 补贴发放人次, "
    "target: ≥180人次, "
    "actual: 164人次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 补贴发放人次, "
    "target: ≥180人次, "
    "actual: 164人次, explanation: 符合条件的申请人少于预期，已调整下年目标}",
)
def missed_without_explanation(ctx: IndicatorContext) -> Iterator[Finding]:
    """没达标要写明原因和改进措施，这是自评的用处所在。"""
    f = ctx.facts
    if (f.indicator.fields.explanation or "").strip():
        return
    late = late_date(f)
    if late is not None:
        yield ctx.finding(
            "actual",
            f"实际完成日期“{late[1].text}”晚于指标值的时限“{late[0].text}”，没有偏差原因分析",
            suggestion="在“偏差原因分析及改进措施”中说明逾期的原因和改进措施",
        )
        return
    judged = judge(f)
    if judged is None or judged.met:
        return
    yield ctx.finding(
        "actual",
        f"实际完成值“{(f.indicator.fields.actual or '').strip()}”未达到指标值"
        f"“{f.target.strip()}”（{_missed_text(f, judged)}），没有偏差原因分析",
        suggestion="在“偏差原因分析及改进措施”中说明未达标的原因和改进措施",
    )


@indicator_rule(
    code="IA804",
    needs=("actual",),
    name="actual-not-comparable",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_SCORING + "；指南 §4（实际值应可与目标比较，不能是“完成”“达成预期指标”）",
    summary="实际完成值是“完成”“达成预期”之类的描述，或单位与指标值不同（% 对 件），无法比较",
    bad="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 项目完成时间, "
    "target: 2023年12月底, "
    "actual: 实际在规定时间内完成}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 项目完成时间, "
    "target: 2023年12月底, "
    "actual: 2023年11月20日}",
    packs=("lexicon",),
)
def actual_not_comparable(ctx: IndicatorContext) -> Iterator[Finding]:
    """实际完成值要与指标值同一口径（同单位的数值或日期），否则无法计分。

    没写单位的实际值按指标值的单位理解，不报；“100%”对“1000件”量纲不同，报告。
    """
    f = ctx.facts
    actual = (f.indicator.fields.actual or "").strip()
    if not actual:
        return
    target = f.target_parsed
    if not any(c.value is not None or c.date is not None for c in target.clauses):
        return  # a vague target: its own finding says so
    conflict = unit_conflict(f)
    if conflict is not None:
        wanted, got = conflict
        yield ctx.finding(
            "actual",
            f"实际完成值“{actual}”的单位“{got.text}”与指标值的单位“{wanted.text}”不同，无法比较",
            suggestion=f"按指标值的单位（{wanted.text}）填写实际完成值",
        )
        return
    parsed = f.actual_parsed
    assert parsed is not None
    has_value = any(c.value is not None or c.date is not None for c in parsed.clauses)
    clause = parsed.first
    if has_value and clause is not None and clause.comparator is None:
        return
    reason = "带有比较符号，应填实际达到的数值" if has_value else "不是可与指标值比较的数值或日期"
    yield ctx.finding(
        "actual",
        f"实际完成值“{actual}”{reason}",
        suggestion="填写实际达到的数值（与指标值同一单位）或实际完成日期",
    )


@document_rule(
    code="IA806",
    name="score-without-evidence",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_SCORING + "；指南 §4（得分要与完成情况相符）",
    summary="没有指标值或实际完成值，却给了分（几行都如此时整表报告一次）",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 开展文艺演出场次, "
    "target: ≥20场, weight: 10, score: 10}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 开展文艺演出场次, "
    "target: ≥20场, actual: 22场, weight: 10, score: 10}",
)
def score_without_evidence(ctx: DocumentContext) -> Iterator[Finding]:
    """得分是把实际完成值与指标值比较的结果：两者缺一，得分就没有依据（常见于整列照抄满分）。

    没有给分（空或 0）的不报；指标值为空本身由 empty-target 报告，本规则只说得分没有依据。
    几行都缺同一栏却给了分，是一个问题（这一栏没有填），整表报告一次并列出各行。
    """
    groups: dict[str, list[IndicatorFacts]] = {}
    for f in ctx.facts:
        fields = f.indicator.fields
        if fields.score is None or fields.score <= 0:
            continue
        missing = "和".join(
            label
            for label, text in (("指标值", fields.target), ("实际完成值", fields.actual))
            if not (text or "").strip()
        )
        if missing:
            groups.setdefault(missing, []).append(f)
    for missing, rows in groups.items():
        if len(rows) == 1:
            fields = rows[0].indicator.fields
            of = f"/{fields.weight:g}" if fields.weight is not None else ""
            got = f"得了 {fields.score:g}{of} 分"
        else:
            got = "都给了分"
        yield from once_or_per_row(
            ctx,
            rows,
            f"没有{missing}，却{got}",
            f"{{rows}}没有{missing}，却{got}",
            "score",
            f"填写{missing}，按完成情况计分；无法核实的不应得分",
        )


@indicator_rule(
    code="IA701",
    needs=("actual",),
    name="overachievement",
    kind="ambition",
    severity=Severity.INFO,
    source=SRC_SCORING + "（实际值 ≥ 1.2 倍目标值，说明目标定得过低，需说明原因）",
    summary="实际完成值远超目标（≥1.2 倍），目标可能定得过低",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 灾备存储空间, target: ≥80TB, "
    "actual: 120TB}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 灾备存储空间, target: ≥80TB, "
    "actual: 84TB}",
    packs=("conventions",),
)
def overachievement(ctx: IndicatorContext) -> Iterator[Finding]:
    """大幅超额完成，往往说明目标是照着已知结果定的，或定得太保守。"""
    f = ctx.facts
    judged = judge(f)
    if judged is None or len(judged.clauses) != 1:
        return
    (j,) = judged.clauses
    a, b = j.wanted, j.got
    if j.direction in ("max", "range") or a <= 0:
        return  # a ceiling, or a range (8.2个月 within 6-9个月 is on target, not beyond it)
    ratio = ctx.packs.conventions.overachievement_ratio
    if b < a * ratio:
        return
    t, g = j.target.value, j.actual.value
    if t is not None and g is not None and t.is_integer() and g.is_integer() and g - t <= 1:
        return  # 2 against ≥1: one more of a small whole count says nothing about the target
    points = ctx.packs.conventions.overachievement_min_points
    if f.is_percent and t is not None and g is not None and g - t < points:
        return  # 2.6% against ≥2%: a few tenths of a point
    yield ctx.finding(
        "actual",
        f"实际完成值“{(f.indicator.fields.actual or '').strip()}”是指标值“{f.target.strip()}”的"
        f" {b / a:.1f} 倍，目标可能定得过低",
        suggestion="说明超额原因；下一年度参照本年实际值设定目标",
    )


@indicator_rule(
    code="IA702",
    name="satisfaction-target-100",
    kind="ambition",
    severity=Severity.WARNING,
    source="指南 §3.12：满意度目标实际多在 85–95%，100% 不可信",
    summary="满意度目标定为 100%（或高于可信上限）",
    bad="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, "
    "target: =100%}",
    good="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意度, "
    "target: ≥90%}",
    packs=("families",),
)
def satisfaction_target_100(ctx: IndicatorContext) -> Iterator[Finding]:
    """抽样调查几乎不可能人人满意；定 100% 的目标要么做不到，要么调查不真实。"""
    f = ctx.facts
    if not f.is_satisfaction or f.value is None or not f.is_percent:
        return
    limit = ctx.packs.families.satisfaction_credible_max
    if f.value <= limit:
        return
    yield ctx.finding(
        "target",
        f"满意度目标“{f.target.strip()}”高于可信上限 {limit:g}%",
        suggestion="参照上年调查结果设定，通常为 ≥85% 至 ≥95%",
    )


@document_rule(
    code="IA703",
    name="trivial-targets",
    kind="ambition",
    severity=Severity.WARNING,
    source="评价报告：产出指标全部为 100% 比率；指南 §3.3、§4（目标应合理可行，具有挑战性）",
    summary="产出指标全是 100% 比率，且全部“达标”：目标说明不了做得多好",
    bad="indicators:\n"
    "  - {level1: 产出指标, level2: 质量指标, name: 故障响应及时率, target: 100%, actual: 100%}\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 核心系统运维覆盖率, target: 100%, "
    "actual: 100%}",
    good="indicators:\n"
    "  - {level1: 产出指标, level2: 质量指标, name: 故障响应及时率, target: ≥98%, actual: 99%}\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 维护信息系统数量, target: =12个, actual: 12个}",
)
def trivial_targets(ctx: DocumentContext) -> Iterator[Finding]:
    """所有产出都是“100%”且全部达成，评价只能得出“全部完成”，看不出做了多少、做得多好。"""
    outputs = [f for f in ctx.facts if f.category == "output"]
    if len(outputs) < 2:
        return
    for f in outputs:
        if not (f.is_percent and f.value is not None and f.value >= 100):
            return
        share = completion(f)
        if share is None or share < 1.0:
            return
    first = outputs[0].indicator
    yield ctx.finding(
        f"全部 {len(outputs)} 个产出指标都是 100% 的比率，且全部达成",
        line=first.line,
        column=first.col,
        pointer=first.pointer,
        suggestion="增加反映工作量的数量指标和有挑战的质量、时效目标（参照合同 SLA 或上年实际值）",
    )


@document_rule(
    code="IA805",
    name="budget-execution-score",
    kind="self-eval",
    severity=Severity.WARNING,
    source="财预〔2020〕10号 自评表：预算执行率得分 = 分值 × 执行率（湖北等地同）；"
    "执行率低于 90% 须说明",
    summary="预算执行得分与执行率不符，或执行率过低",
    bad="budget_execution: {planned: 100, spent: 80, weight: 10, score: 10}\nindicators: []",
    good="budget_execution: {planned: 100, spent: 98, weight: 10, score: 9.8}\nindicators: []",
    packs=("conventions",),
)
def budget_execution_score(ctx: DocumentContext) -> Iterator[Finding]:
    """预算执行得分按执行率计；执行率低于 90% 说明预算或进度安排有问题，需要说明原因。

    得分不符报在得分单元格；执行率过低报在执行率单元格（表中没有执行率时报在执行数）。
    """
    be = ctx.document.model.budget_execution
    if be is None or not be.planned or be.spent is None:
        return
    rate = be.spent / be.planned
    if be.weight is not None and be.score is not None:
        expected = be.weight * min(rate, 1.0)
        if be.score > be.weight + 1e-9 or be.score > expected + 0.05 * be.weight:
            yield _at_budget(
                ctx,
                ("score",),
                f"预算执行率 {rate:.1%}，得分 {be.score:g} 高于应得的 {expected:.2f}"
                f"（分值 {be.weight:g} × 执行率）",
                f"得分改为 {expected:.2f}",
            )
    if rate < ctx.packs.conventions.execution_floor:
        yield _at_budget(
            ctx,
            ("rate", "spent"),
            f"预算执行率 {rate:.1%} 低于 {ctx.packs.conventions.execution_floor:.0%}，需要说明原因",
            "说明执行率偏低的原因和改进措施",
        )


def _at_budget(
    ctx: DocumentContext, fields: tuple[str, ...], message: str, suggestion: str
) -> Finding:
    """A budget-execution finding at the first of `fields` the document has a value for (the
    cell that holds the problem), else at the budget-execution key."""
    for name in fields:
        cells = ctx.document.value_cells(f"budget_execution.{name}")
        if cells:
            cell = cells[0]
            return ctx.finding(message, cell=cell, suggestion=suggestion)
    line, col = ctx.top_key("budget_execution")
    return ctx.finding(
        message, line=line, column=col, pointer="/budget_execution", suggestion=suggestion
    )


@document_rule(
    code="IA807",
    name="total-score-mismatch",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_SCORING + "；自评表“总分”= 各项指标得分 + 预算执行率得分",
    summary="总分（合计）不等于各项得分之和",
    bad="total: {weight: 100, score: 98}\nbudget_execution: {weight: 10, score: 10}\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: ≥300人次, "
    "actual: 320人次, weight: 90, score: 90}",
    good="total: {weight: 100, score: 100}\nbudget_execution: {weight: 10, score: 10}\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: ≥300人次, "
    "actual: 320人次, weight: 90, score: 90}",
)
def total_score_mismatch(ctx: DocumentContext) -> Iterator[Finding]:
    """总分是各项得分（含预算执行率得分）的和；对不上，说明某项得分或总分抄错、漏算。

    只在表中写了总分、且各指标都有得分时比较（“其中:”行是上一行的组成部分，不单独计分，不计入；
    差 0.5 分以内视为四舍五入，但各项扣了分、总分却写成满分的不是四舍五入）；总分栏的分值
    （满分）与各项分值之和不符，同样报告。
    """
    total = ctx.document.model.total
    if total is None:
        return
    model = ctx.document.model
    be = model.budget_execution
    line, col = ctx.top_key("total")
    rows = [i for i, f in zip(model.indicators, ctx.facts, strict=True) if not f.is_part]
    full = total.weight if total.weight is not None else 100.0
    for label, given, parts in (
        ("得分", total.score, [i.score for i in rows]),
        ("分值", total.weight, [i.weight for i in rows]),
    ):
        if given is None or not parts or any(p is None for p in parts):
            continue
        extra = be.score if label == "得分" and be is not None else None
        if label == "分值" and be is not None:
            extra = be.weight
        added = sum(p for p in parts if p is not None) + (extra or 0.0)
        rounded = abs(added - given) <= 0.5
        if rounded and not (label == "得分" and given >= full > added):
            continue
        with_be = "（含预算执行率）" if extra is not None else ""
        yield ctx.finding(
            f"总{label} {given:g} 不等于各项{label}之和{with_be} {added:g}",
            line=line,
            column=col,
            pointer="/total",
            suggestion=f"核对各项{label}与总{label}，改正抄错或漏算的一项",
        )
