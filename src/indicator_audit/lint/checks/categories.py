"""Category labels (一级/二级) and whether an indicator's content fits its category."""

from __future__ import annotations

import re
from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import CellKind
from indicator_audit.lint.registry import LABEL_FIELDS, IndicatorContext, indicator_rule
from indicator_audit.packs.load import Packs

SRC_FRAMEWORK = (
    "财预〔2020〕10号 附件 自评表指标体系（产出：数量/质量/时效/成本；"
    "效益：经济/社会/生态/可持续影响；"
    "满意度：服务对象满意度）；财预〔2021〕101号（成本指标为一级指标）"
)


@indicator_rule(
    code="IA401",
    reads=LABEL_FIELDS,
    name="nonstandard-level1",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FRAMEWORK,
    summary="一级指标不是标准名称（产出指标、效益指标、满意度指标、成本指标）",
    bad="indicators:\n  - {level1: 产出, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    packs=("taxonomy",),
)
def nonstandard_level1(ctx: IndicatorContext) -> Iterator[Finding]:
    """一级指标应使用标准名称，汇总、比较和评分都依赖它。

    “产出”“效益”“产出目标”“结果目标”等写法能看懂但不标准，可以自动改正（`check --fix`）。
    “投入目标”“预算执行”不是绩效指标的类别：预算执行率在自评表中单独计分。
    """
    f = ctx.facts
    raw = f.indicator.fields.level1
    if raw is None or not raw.strip():
        if f.indicator.fields.level2 and f.level2 is not None:
            return  # a 二级 label alone still places the indicator
        if "level1" in ctx.doc.layout.blank_columns:
            return  # the whole column is blank: category-column-blank says it once
        yield ctx.finding(
            None,
            f"指标“{f.subject}”没有一级指标",
            suggestion="填写一级指标：产出指标、效益指标、满意度指标或成本指标",
        )
        return
    known = f.level1
    if known is None:
        yield ctx.finding(
            "level1",
            f"一级指标“{raw.strip()}”不是标准类别",
            suggestion="使用产出指标、效益指标、满意度指标（2021 框架另有成本指标）",
        )
        return
    key, standard = known
    if key == "input":
        # 投入/预算执行 is no category of the framework: 预算执行率 is scored on its own line
        yield ctx.finding(
            "level1",
            f"一级指标“{raw.strip()}”不属于绩效指标框架（产出、效益、满意度、成本）",
            suggestion="预算执行率在自评表中单独填报计分；投入类内容不作为绩效指标",
        )
        return
    if standard:
        return
    label = ctx.packs.taxonomy.categories[key].label
    yield ctx.finding(
        "level1",
        f"一级指标“{raw.strip()}”不是标准写法，应为“{label}”",
        suggestion=f"改为“{label}”",
        edit=ctx.edit("level1", 0, len(raw), label) if raw == f.level1_label else None,
    )


@indicator_rule(
    code="IA402",
    reads=LABEL_FIELDS,
    name="nonstandard-level2",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FRAMEWORK,
    summary="二级指标缺失、不是标准名称，或不属于它的一级指标",
    bad="indicators:\n  - {level1: 产出指标, level2: 故障响应及时率, name: 故障响应及时率, "
    "target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 故障响应及时率, "
    "target: =100%}",
    packs=("taxonomy",),
)
def nonstandard_level2(ctx: IndicatorContext) -> Iterator[Finding]:
    """二级指标决定了指标是数量、质量、时效还是成本，是社会效益还是可持续影响。

    二级栏里写指标名、把“社会效益指标”放在产出下、或者干脆空着，都说明分类没有想清楚。
    """
    f = ctx.facts
    cat = f.category
    if cat in (None, "input"):
        return
    raw = (f.indicator.fields.level2 or "").strip()
    taxonomy = ctx.packs.taxonomy
    if not raw:
        if not taxonomy.categories[cat].level2:
            return
        layout = ctx.doc.layout
        if layout.names_in_level2 or "level2" in layout.blank_columns:
            return  # said once for the table (names-in-level2-column, category-column-blank)
        options = "、".join(taxonomy.categories[cat].level2)
        yield ctx.finding(
            None,
            f"指标“{f.subject}”没有二级指标",
            suggestion=f"在 {options} 中选择",
        )
        return
    known = f.level2
    level1_cat = f.level1[0] if f.level1 else None
    if known is None:
        options = "、".join(taxonomy.categories[cat].level2)
        yield ctx.finding(
            "level2",
            f"二级指标“{raw}”不是标准类别"
            + (
                "（二级栏填的是指标名称）" if raw == (f.indicator.fields.name or "").strip() else ""
            ),
            suggestion=f"在 {options} 中选择" if options else None,
        )
        return
    l2_cat, label, standard = known
    if level1_cat is not None and l2_cat != level1_cat:
        # 成本指标 under 产出 is the classic framework; a satisfaction label follows its
        # indicator, which satisfaction-misfiled reports
        if not (level1_cat == "output" and label == "成本指标") and l2_cat != "satisfaction":
            parent = taxonomy.categories[l2_cat].label
            yield ctx.finding(
                "level2",
                f"二级指标“{raw}”属于{parent}，"
                f"却放在“{(f.indicator.fields.level1 or '').strip()}”下",
                suggestion=f"移到“{parent}”下，或改用“{f.indicator.fields.level1}”的二级指标",
            )
        return
    if not standard and raw == f.level2_label:
        yield ctx.finding(
            "level2",
            f"二级指标“{raw}”不是标准写法，应为“{label}”",
            suggestion=f"改为“{label}”",
            edit=ctx.edit("level2", 0, len(raw), label),
        )


@indicator_rule(
    code="IA403",
    reads=LABEL_FIELDS,
    name="satisfaction-misfiled",
    kind="misclassified",
    severity=Severity.ERROR,
    source=SRC_FRAMEWORK + "；指南 §3.2（满意度调查属满意度指标，不属效益）",
    summary="满意度指标放在了效益或产出下",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 服务对象满意度, "
    "target: ≥90%}",
    good="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, "
    "name: 系统使用人员满意度, "
    "target: ≥90%}",
    packs=("families", "taxonomy"),
)
def satisfaction_misfiled(ctx: IndicatorContext) -> Iterator[Finding]:
    """满意度是单独的一级指标；放在效益下会让效益虚高、满意度缺位。"""
    f = ctx.facts
    if not f.is_satisfaction or f.category in (None, "satisfaction"):
        return
    yield ctx.finding(
        "level1" if "level1" in f.indicator.cells else None,
        f"满意度指标“{f.subject}”放在了“{(f.indicator.fields.level1 or '').strip()}”下，"
        "应归入满意度指标",
        suggestion="移到 满意度指标 / 服务对象满意度指标 下，并写明被调查的群体",
    )


@indicator_rule(
    code="IA404",
    reads=LABEL_FIELDS,
    name="quality-under-outcome",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FRAMEWORK + "；指南 §3.2（报告质量等属产出/质量，不属效益）",
    summary="质量类指标（合格率、产出物质量、验收）放在了效益下",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 运维工作产出物质量, "
    "target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 运维报告按时提交率, "
    "target: =100%}",
    packs=("families",),
)
def quality_under_outcome(ctx: IndicatorContext) -> Iterator[Finding]:
    """产出的质量是产出指标，不是效益；效益要写产出带来的变化。"""
    f = ctx.facts
    if f.category != "outcome":
        return
    m = ctx.packs.quality_re.search(f.subject)
    if m is None or ctx.packs.outcome_quality_re.search(f.subject):
        return  # 老年人生活质量: the quality of what the output changed is an effect
    yield ctx.finding(
        "level1" if "level1" in f.indicator.cells else None,
        f"“{f.subject}”衡量的是产出质量，却放在了效益指标下",
        suggestion="移到 产出指标 / 质量指标 下；效益指标应写产出带来的效果",
    )


@indicator_rule(
    code="IA413",
    reads=LABEL_FIELDS,
    name="not-ecological",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FRAMEWORK + "；二级指标释义（生态效益：项目实施对生态环境带来的影响）",
    summary="生态效益指标下的指标说的是成本或经济，与生态环境无关",
    bad="indicators:\n  - {level1: 效益指标, level2: 生态效益指标, name: 对控制工程造价的影响程度, "
    "target: 效果明显}",
    good="indicators:\n  - {level1: 效益指标, level2: 生态效益指标, name: 项目区水土流失治理面积, "
    "target: ≥120亩}",
    packs=("taxonomy",),
)
def not_ecological(ctx: IndicatorContext) -> Iterator[Finding]:
    """生态效益指标写项目对生态环境的影响：水、空气、土壤、植被、排放、能耗……

    模板要求每类效益都填一行，常有人在生态效益下填成本控制或经济影响。名称说的是成本、收入、产值
    等经济事项（经济效益、成本指标的信号词），名称和指标值又都不涉及任何生态环境事物的，说明放错了
    类别（或者这一类本不适用，应删去）。两样都不说的名称（“安全情况”）不足以判断，不报。"""
    f = ctx.facts
    if f.category != "outcome" or f.subcategory is None:
        return
    domain = ctx.packs.domain_re(f.subcategory)
    name = (f.indicator.fields.name or "").strip()
    if domain is None or not name or ctx.doc.layout.names_in_level2:
        return
    if domain.search(name) or domain.search(f.target):
        return
    money = ctx.packs.money_signal_re.search(name)
    if money is None:
        return  # nothing ecological, but nothing else named either: not sure enough to say
    yield ctx.finding(
        "level2" if "level2" in f.indicator.cells else "name",
        f"“{f.subject or name}”放在{f.subcategory}下，说的是“{money.group(0)}”，"
        "名称和指标值都不涉及生态环境",
        suggestion="移到经济效益、社会效益或可持续影响指标下；生态效益指标写对生态环境的可衡量影响，"
        "如“水土流失治理面积”“污水处理达标率”",
    )


@indicator_rule(
    code="IA410",
    reads=LABEL_FIELDS,
    name="output-under-outcome",
    kind="misclassified",
    severity=Severity.WARNING,
    source=SRC_FRAMEWORK + "；指南 §3.11（效益指标写产出带来的可衡量效果，而不是重述产出）",
    summary="效益指标下的名称是项目自己完成的工作（新增…面积、清扫…、完成…），实为产出",
    bad="indicators:\n  - {level1: 效益指标, level2: 生态效益指标, name: 新增高效节水灌溉面积, "
    "target: ≥500亩}",
    good="indicators:\n  - {level1: 效益指标, level2: 经济效益指标, name: 项目区亩均增产粮食, "
    "target: ≥50公斤}",
    packs=("lexicon",),
)
def output_under_outcome(ctx: IndicatorContext) -> Iterator[Finding]:
    """“新增灌溉面积”“垃圾清运覆盖率”说的是项目做了什么（产出），不是带来了什么变化（效益）。

    名称以项目自身的工作开头（新增、新建、改造、完成、清扫、发放……）而放在效益下，多半是把产出
    重复了一遍；效益应写这些产出带来的变化，如增产、节水、受益人数、环境改善的数值。
    """
    f = ctx.facts
    if f.category != "outcome":
        return
    subject = f.subject.lstrip("*（( ")
    m = ctx.packs.output_verb_re.match(subject)
    if m is None or f.name_vague is not None:
        return  # 保障机关日常运转: an intention, not an output (vague-name says so)
    if ctx.packs.result_noun_re.search(subject, m.end()) or subject.startswith("后", m.end()):
        return  # 培训成果转化应用, 培训后就业率: what the work brought about is an effect
    yield ctx.finding(
        "level1" if "level1" in f.indicator.cells else None,
        f"“{f.subject}”是项目完成的工作（“{m.group(0)}…”），属于产出，却放在了效益指标下",
        suggestion="移到 产出指标 / 数量指标 下；效益指标写它带来的变化（如增产、受益人数、节约时间）",
    )


@indicator_rule(
    code="IA405",
    reads=LABEL_FIELDS,
    name="cost-subcategory-misplaced",
    kind="misclassified",
    severity=Severity.WARNING,
    source="财预〔2021〕101号：经济成本、社会成本、生态环境成本属成本指标（一级）",
    summary="经济/社会/生态环境成本指标放在了产出或效益下",
    bad="indicators:\n  - {level1: 产出指标, level2: 经济成本指标, name: 项目总成本, "
    "target: ≤300万元}",
    good="indicators:\n  - {level1: 成本指标, level2: 经济成本指标, name: 项目总成本, "
    "target: ≤300万元}",
    packs=("taxonomy",),
)
def cost_subcategory_misplaced(ctx: IndicatorContext) -> Iterator[Finding]:
    """2021 框架的成本二级指标要放在一级“成本指标”下。"""
    f = ctx.facts
    if f.level2 is None or f.level2[0] != "cost" or f.level1 is None:
        return
    if f.level1[0] == "cost":
        return
    yield ctx.finding(
        "level2",
        f"“{f.level2[1]}”属于一级“成本指标”，却放在“{(f.indicator.fields.level1 or '').strip()}”下",
        suggestion="一级指标改为“成本指标”",
    )


# A formula: ÷ or ×, "…*100%", or a "/" with "*100" somewhere after it. The last is found
# with str.find and one scan, not `/.*\*\s*100`, which backtracks from every "/" (quadratic).
_FORMULA_CHARS = re.compile(r"[÷×]|\*\s*100\s*[%％]")
_TIMES_100 = re.compile(r"\*\s*100")


def _is_formula(name: str) -> bool:
    if _FORMULA_CHARS.search(name):
        return True
    slash = name.find("/")
    return slash >= 0 and _TIMES_100.search(name, slash + 1) is not None


def _category_labels(packs: Packs) -> frozenset[str]:
    """Every 一级 and 二级 label of the taxonomy, made once per packs (asked of every row)."""
    memo = packs.memo.setdefault("category-labels", {})
    found = memo.get("labels")
    if isinstance(found, frozenset):
        return found
    cats = packs.taxonomy.categories.values()
    labels = frozenset({c.label for c in cats} | {l2 for c in cats for l2 in c.level2})
    memo["labels"] = labels
    return labels


@indicator_rule(
    code="IA406",
    reads=LABEL_FIELDS,
    name="name-not-an-indicator",
    kind="misclassified",
    severity=Severity.WARNING,
    source="practice（三级指标应是一个具体的量）；指南 §3.2",
    summary="三级指标名称是一个公式、一个数值，或一个类别名称",
    bad="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 社会成本指标, "
    "target: ≤10万元}",
    good="indicators:\n  - {level1: 产出指标, level2: 成本指标, name: 运维服务总成本, "
    "target: ≤10万元}",
    packs=("taxonomy",),
)
def name_not_an_indicator(ctx: IndicatorContext) -> Iterator[Finding]:
    """三级指标是具体要衡量的量；类别名（“社会成本指标”）、公式或数值不是指标。"""
    f = ctx.facts
    name = f.name.strip()
    if not name:
        return
    label = name.replace(" ", "")
    if label in _category_labels(ctx.packs):
        yield ctx.finding(
            "name",
            f"三级指标“{name}”是一个类别名称，不是具体指标",
            suggestion="写出具体衡量的量，如“……总成本”“……合格率”",
        )
        return
    if _is_formula(name):
        yield ctx.finding(
            "name",
            f"三级指标“{name}”是一个计算公式，不是指标名称",
            suggestion="把公式移到“计算公式”栏，名称写成所衡量的量",
        )
        return
    parsed = f.name_parsed
    if parsed.kind == CellKind.DEADLINE and parsed.first is not None and not parsed.first.subject:
        yield ctx.finding(
            "name",
            f"三级指标“{name}”是一个日期或期间，不是指标名称",
            suggestion="名称写所衡量的量（如“项目完成时间”），日期写在指标值中",
        )
        return
    if (
        parsed.kind == CellKind.QUANTITY
        and parsed.first is not None
        and not parsed.first.subject
        and not f.name_qualified
    ):
        yield ctx.finding(
            "name",
            f"三级指标“{name}”是一个数值，不是指标名称",
            suggestion="名称写所衡量的量，数值写在指标值中",
        )


@indicator_rule(
    code="IA407",
    name="period-not-deadline",
    kind="misclassified",
    severity=Severity.WARNING,
    source="指南 §3.10：时效指标是完成时限（2025年12月底前）或带 ≤ 的时长，不是一段期间；"
    "效益指标应写可衡量的效果",
    summary="指标值是一段起止期间（2023年3月--2023年10月），既不是完成时限，也不是效果",
    bad="indicators:\n  - {level1: 效益指标, level2: 可持续影响指标, name: 保障期限, "
    "target: 2023年3月--2023年10月}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 项目完成时间, "
    "target: 2020年11月底前}",
)
def period_not_deadline(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """“2023年3月--2023年10月”只说明钱或服务覆盖哪段时间，不说明什么时候完成什么，也不是效果。

    时效指标写完成时限（“2020年11月底前完成验收”）或时长上限（“≤30天”）；期间本身不是绩效。
    """
    f = ctx.facts
    if f.category not in ("output", "outcome", "cost"):
        return ()
    if not any(c.date is not None and c.date_end is not None for c in f.target_parsed.clauses):
        return ()
    if ctx.packs.process_re.search(f.subject):
        return ()  # 费用使用周期: process-indicator says what it is
    return (
        ctx.finding(
            "target",
            f"“{f.subject}”的指标值“{f.target.strip()}”是一段起止期间，不是完成时限或效果",
            suggestion="写成完成时限，如“____年__月底前完成……”，或改为衡量效果的指标",
        ),
    )
