"""Vague, unquantified and placeholder cells: can the target be measured at all?"""

from __future__ import annotations

import re
from collections.abc import Iterator

from indicator_audit.core.clauses import clauses
from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import CellKind, ParsedCell, Span
from indicator_audit.lint.checks.alignment import uncovered_pieces
from indicator_audit.lint.goals import vague_words
from indicator_audit.lint.registry import (
    CELL_FIELDS,
    LABEL_FIELDS,
    DocumentContext,
    IndicatorContext,
    document_rule,
    indicator_rule,
)

SRC_QUANTIFY = "财预〔2021〕101号《项目支出核心绩效目标和指标设置及取值指引》：指标应细化、量化"
SRC_LOCAL = "地方绩效目标管理办法：绩效目标应指向明确、具体细化、合理可行，尽量定量表述"


_BLANK = re.compile(r"_{2,}")


def is_blank(placeholder: str | None) -> bool:
    """A marked blank ("__"), written on purpose where the number is to be filled in."""
    return placeholder is not None and set(placeholder) == {"_"}


def has_residue(parsed: ParsedCell) -> bool:
    """Template residue (xx, **, 待定), as opposed to a marked blank."""
    return any(c.placeholder and not is_blank(c.placeholder) for c in parsed.clauses)


def template_suggestion(ctx: IndicatorContext) -> str:
    """A blank target in the form the indicator's family needs: numbers are never invented."""
    fam = ctx.facts.family
    if fam is None:
        return "≥__（写明数值和单位）"
    dim = fam.dimensions[0]
    symbols = ctx.packs.families.direction_symbols
    op = symbols[fam.direction] if fam.direction != "none" else ""
    unit = ctx.packs.families.default_units.get(dim, "")
    if dim == "date":
        return "____年__月底前"
    return f"{op}__{unit}"


@indicator_rule(
    code="IA101",
    name="vague-target",
    kind="vague",
    severity=Severity.WARNING,
    source=SRC_QUANTIFY + "；指南 §3.7（“有效”“效果明显”等短语不是目标）",
    summary="指标值是无法衡量的描述（有效、效果明显、稳步提高、应保尽保…）",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 群众知晓率, "
    "target: 明显提升}",
    good="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 群众知晓率, "
    "target: ≥90%}",
    packs=("lexicon", "families"),
)
def vague_target(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """指标值只是一句描述，无法据以判断是否完成。

    “有效”“效果明显”“稳步提高”“应保尽保”这类短语没有可核验的数值。请写出数值、单位和方向，
    如“≥90%”“≤30分钟”；确实无法量化的，按“不能以量化形式表述的，可以采用定性的分级分档形式表述”
    写出分级标准。
    """
    f = ctx.facts
    m = f.target_vague  # the same for every indicator with this target: computed once
    if m is None:
        return ()
    phrase = ctx.packs.vague_phrase_map.get(m.group(0))
    advice = phrase.suggestion if phrase else "写出可衡量的数值、单位和方向"
    return (
        ctx.finding(
            "target",
            f"指标值“{f.target.strip()}”无法衡量：“{m.group(0)}”不是可核验的目标",
            span=Span(m.start(), m.end()),
            suggestion=f"{advice}；例如“{template_suggestion(ctx)}”",
        ),
    )


@indicator_rule(
    code="IA102",
    reads=LABEL_FIELDS,
    name="vague-name",
    kind="vague",
    severity=Severity.WARNING,
    source=SRC_LOCAL + "；指南 §3.7（提升、促进、保障等动词须有可衡量对象）",
    summary="指标名称只是意图（促进…发展、保障…运转），没有可衡量的对象",
    bad="indicators:\n  - {level1: 效益指标, level2: 可持续影响指标, "
    "name: 促进社区文化事业繁荣发展, "
    "target: 有效}",
    good="indicators:\n  - {level1: 效益指标, level2: 可持续影响指标, name: 义务教育巩固率, "
    "target: ≥98%}",
    packs=("lexicon",),
)
def vague_name(ctx: IndicatorContext) -> Iterator[Finding]:
    """指标名称写的是意图，而不是要衡量的量。

    “促进社区文化事业繁荣发展”“保证机关高效运转”说明了方向，却没有可计量的对象。名称应是一个量：
    某某率、某某人数、某某时间、某某满意度。指标值数的正是动词的对象时（“维护保养扑火机具
    ≥300台”），名称有可计量的对象，不报。
    """
    f = ctx.facts
    subject = f.subject
    verb = f.name_vague
    if verb is None or _counts_the_object(ctx):
        return
    at = max(f.name.find(subject), 0)  # the subject stands after the form's numbering
    word = verb.group(0)
    if ctx.packs.vague_verb_re.fullmatch(word):
        message = f"指标名称“{subject}”只表达意图（“{word}”），没有可衡量的对象"
    elif word in ctx.packs.lexicon.principle_heads:
        message = f"指标名称“{subject}”写的是{word}，不是可衡量的量"
    else:
        message = f"指标名称“{subject}”中写了含糊的目标“{word}”，无法衡量"
    yield ctx.finding(
        "name",
        message,
        span=Span(at + verb.start(), at + verb.end()),
        suggestion="把名称改为一个可计量的量，如“……率”“……人数”“……时间”，并给出相应的数值目标",
    )


# Units that count or measure things (台, 人, 公里, 亩 …), not a share or a time
_ABSOLUTE = frozenset({"count", "people", "area", "length", "mass", "volume"})


def _counts_the_object(ctx: IndicatorContext) -> bool:
    """维护保养扑火机具 ≥300台, 完善监测站点 ≥6个: the target counts what the verb acts on, so
    the name names a measurable thing (a rate or a phrase after the verb still does not)."""
    f = ctx.facts
    found = f.unit
    return f.target_quantified and found is not None and found[0].dimension in _ABSOLUTE


@document_rule(
    code="IA103",
    name="vague-goal",
    kind="vague",
    severity=Severity.WARNING,
    source=SRC_LOCAL + "；指南 §3.7、§5（目标只写“完善”“保障”）",
    summary="年度目标或总体目标的分句只写完善、保障、提升，没有数量或可衡量的对象",
    bad="goals:\n  annual: [完善系统运维的手段，保障信息化工作]\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    good="goals:\n  annual: [全年完成 12 次巡检，故障恢复时间不超过 30 分钟]\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    packs=("lexicon",),
)
def vague_goal(ctx: DocumentContext) -> Iterator[Finding]:
    """目标分句只有“完善”“保障”“提升”之类的动词，说不出做多少、做到什么程度。

    目标应说明具体实施的内容和提升的程度，例如“完成 6 项基础设施维护、3 项软件维护，故障恢复时间
    不超过 30 分钟”。每个分句单独检查，报告所在的分句。
    """
    packs = ctx.packs
    for cell in ctx.goal_cells():
        text = cell.text
        for offset, end in clauses(text):
            clause = text[offset:end]
            stripped = clause.strip()
            words = vague_words(clause, packs)
            if not words:
                continue
            first = words[0]
            shown = "、".join(dict.fromkeys(w.group(0) for w in words))
            # one finding per clause: what no indicator measures is said here, not again by
            # goal-not-measured
            unmeasured = uncovered_pieces(ctx, text, offset, end)
            also = "；也没有指标衡量“" + "”“".join(unmeasured) + "”" if unmeasured else ""
            yield ctx.finding(
                f"目标“{stripped}”只有“{shown}”等笼统表述，没有说明做多少、做到什么程度{also}",
                cell=cell,
                span=Span(offset + first.start(), offset + first.end()),
                suggestion="写明具体内容、数量和要达到的程度，如“完成__项……维护，……不超过__分钟”",
            )


@indicator_rule(
    code="IA104",
    reads=LABEL_FIELDS,
    name="satisfaction-group-unnamed",
    kind="vague",
    severity=Severity.INFO,
    source="指南 §3.12：满意度指标应写明被调查群体（学生、家长、受益户、系统使用人员…）",
    summary="满意度指标没有写明调查的是谁",
    bad="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 满意度, "
    "target: ≥90%}",
    good="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, "
    "name: 系统使用人员满意度, "
    "target: ≥90%}",
    packs=("families",),
)
def satisfaction_group_unnamed(ctx: IndicatorContext) -> Iterator[Finding]:
    """满意度要有明确的调查对象，才能抽样、才能核验。

    “服务对象满意度”没有说明是谁：系统使用人员、学生家长、受益户……请把群体写进名称。
    """
    f = ctx.facts
    if not f.is_satisfaction:
        return
    subject = f.subject.strip()
    # 服务对象、社会公众 name no one in particular: take them out before looking for a group
    bare = subject
    for generic in ctx.packs.families.satisfaction_generic:
        stem = generic.removesuffix("满意度")
        if stem:
            bare = bare.replace(stem, "")
    if ctx.packs.satisfaction_group_re.search(bare):
        return
    yield ctx.finding(
        "name",
        f"满意度指标“{subject}”没有写明被调查的群体",
        suggestion="写明调查对象，如“系统使用人员满意度”“受训学员满意度”",
    )


@indicator_rule(
    code="IA151",
    name="unquantified-target",
    kind="unquantified",
    severity=Severity.WARNING,
    source=SRC_QUANTIFY + "；指南 §3.4、§3.11（是/否、合格、完成不是数值目标）",
    summary="指标值没有数字：是/否、合格、完成、优良或一段文字",
    bad="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 设备验收, target: 合格}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 设备安装调试合格率, "
    "target: =100%}",
    packs=("lexicon", "families"),
)
def unquantified_target(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """指标值没有数字，无法计算完成程度和得分。

    “是”“合格”“完成”“优良”只能判断有或无；请改为比率（合格率 =100%）、数量（≥N 台）或时限
    （2025年12月底前）。确属定性指标的，写出分级分档标准并标明“定性”：标明定性的不报（其中的
    含糊短语由 vague-target 报告），只有“是”“合格”这类单字判断仍报。写明要达到的档次
    （“达到Ⅲ类及以上”“二级以上”）就是分级分档的目标，不报。
    """
    f = ctx.facts
    text = f.target.strip()
    if not text:
        return ()
    parsed = f.target_parsed
    if parsed.error is not None and parsed.error.reason != "unreadable":
        return ()
    if _BLANK.search(text):
        return ()  # a marked blank: blank-to-fill reports it
    if f.target_quantified or parsed.kind == CellKind.FORMULA:
        return ()
    if ctx.packs.period_deadline_re.match(text):
        return ()  # 每月底前, 年底前: a deadline, dated by the period and the budget year
    if f.target_vague is not None:
        return ()  # 有效, 效果明显: one problem, one finding — vague-target names it
    if ctx.packs.grade_re.search(text):
        return ()  # 达到Ⅲ类及以上, 二级以上: a grade on a named scale (分级分档) is a target
    value_type = (f.indicator.fields.value_type or "").strip()
    if value_type == "定性" and text not in ctx.packs.qualitative_set:
        return ()  # declared qualitative (allowed when it cannot be quantified); 是/合格 still is not
    return (
        ctx.finding(
            "target",
            f"指标值“{text}”没有数值，无法衡量完成程度",
            suggestion=f"改为数值目标，如“{template_suggestion(ctx)}”",
        ),
    )


@indicator_rule(
    code="IA152",
    name="empty-target",
    kind="unquantified",
    severity=Severity.ERROR,
    source=SRC_QUANTIFY,
    summary="指标没有填写指标值",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}",
    packs=("families",),
)
def empty_target(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """每个指标都要有指标值；空着的指标无法评价。"""
    f = ctx.facts
    if f.target.strip():
        return ()
    if f.indicator.sentence and f.name_parsed.first and f.name_parsed.first.value is not None:
        return ()
    return (
        ctx.finding(
            "target" if "target" in f.indicator.cells else "name",
            f"指标“{f.subject or f.name}”没有指标值",
            suggestion=f"填写指标值，如“{template_suggestion(ctx)}”",
        ),
    )


# a lone X that starts a word (X光机, X射线) is a name, not residue
_RESIDUE = re.compile(
    r"\*{2,}|＊{2,}|(?<![A-Za-z])(?:[xX]{2,3}|[xX](?![光射线]))(?![A-Za-z])|…{1,}|\.{3,}|待定|未定"
)


@indicator_rule(
    code="IA201",
    reads=CELL_FIELDS,
    name="placeholder-target",
    kind="placeholder",
    severity=Severity.ERROR,
    source="practice（模板残留；指南 §3.6：206 行真实数据中 18 行含 **、xx、待定）",
    summary="指标值中残留模板占位符（xx、**、……、待定）",
    bad="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: ≤xx分钟}",
    good="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 平均故障恢复时间, "
    "target: ≤30分钟}",
)
def placeholder_target(ctx: IndicatorContext) -> Iterator[Finding]:
    """指标值里还留着模板的占位符，说明数值没有填。"""
    f = ctx.facts
    text = f.target
    if not text:
        return
    m = _RESIDUE.search(text)
    if m is None and not has_residue(f.target_parsed):
        return  # nothing, or only a marked blank "__" (blank-to-fill says so)
    span = Span(m.start(), m.end()) if m else None
    yield ctx.finding(
        "target",
        f"指标值“{text.strip()}”中残留模板占位符“{m.group(0) if m else text.strip()}”",
        span=span,
        suggestion="按计划标准、行业标准或历史标准填入实际数值",
    )


@indicator_rule(
    code="IA202",
    reads=LABEL_FIELDS,
    name="placeholder-name",
    kind="placeholder",
    severity=Severity.ERROR,
    source="practice（模板残留；指南 §3.6）",
    summary="指标名称中残留模板占位符（(≥**%)、xx）",
    bad="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 参训人员满意度(≥**%), "
    "target: ≥90%}",
    good="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 游客满意度, "
    "target: ≥90%}",
)
def placeholder_name(ctx: IndicatorContext) -> Iterator[Finding]:
    """指标名称里还留着模板的“(≥**%)”之类，应删去，目标写在指标值里。"""
    f = ctx.facts
    name = f.name
    m = _RESIDUE.search(name)
    if m is None:
        return
    # the whole template residue: a bracket around it, or a comparator before it
    start, end = m.start(), m.end()
    for open_, close in (("(", ")"), ("（", "）")):
        o = name.rfind(open_, 0, start)
        c = name.find(close, end)
        if o >= 0 and c >= 0 and c - o < 16:
            start, end = o, c + 1
            break
    else:
        while start > 0 and name[start - 1] in "≥≤=<>＞＜≧≦ ":
            start -= 1
        while end < len(name) and name[end] in "%％个人万元次项 ":
            end += 1
    residue = name[start:end]
    cleaned = (name[:start] + name[end:]).strip()
    yield ctx.finding(
        "name",
        f"指标名称中残留模板占位符“{residue.strip()}”",
        span=Span(start, end),
        suggestion=f"名称改为“{cleaned}”，目标只写在指标值中",
        edit=ctx.edit("name", start, end, "") if cleaned else None,
    )


@indicator_rule(
    code="IA203",
    reads=CELL_FIELDS,
    name="blank-to-fill",
    kind="placeholder",
    severity=Severity.INFO,
    source="practice（suggest 生成的修订稿用“__”标出文件中无法得知、需按依据填写的数值）",
    summary="指标值中有待填写的空白“__”（由 suggest 标出，按指标值设定依据填写）",
    bad="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥__次, "
    "basis: 合同约定的巡检频次}",
    good="indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥250次, "
    "basis: 合同约定的巡检频次}",
)
def blank_to_fill(ctx: IndicatorContext) -> Iterator[Finding]:
    """修订稿中文件无法得知的数值留作“__”，不替申报单位编造数字；提交前按依据填上。"""
    f = ctx.facts
    m = _BLANK.search(f.target)
    if m is None:
        return
    basis = (f.indicator.fields.basis or "").strip()
    yield ctx.finding(
        "target",
        f"指标值“{f.target.strip()}”还有待填写的数值",
        span=Span(m.start(), m.end()),
        suggestion=f"按“{basis}”填写" if basis else "按计划标准、行业标准或历史标准填写",
    )


@document_rule(
    code="IA204",
    name="placeholder-goal",
    kind="placeholder",
    severity=Severity.ERROR,
    source="practice（模板残留；指南 §3.6）",
    summary="年度目标或总体目标中残留模板占位符（**、xx、……）",
    bad="goals:\n  annual: 完成**日常执法及拆违的出勤任务\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 执法出勤次数, target: ≥300次}",
    good="goals:\n  annual: 完成300次日常执法及拆违的出勤任务\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 执法出勤次数, target: ≥300次}",
)
def placeholder_goal(ctx: DocumentContext) -> Iterator[Finding]:
    """目标里还留着模板的“**”“xx”，说明要做多少还没有填；一个目标单元格报告一次。"""
    for cell in ctx.goal_cells():
        m = _RESIDUE.search(cell.text)
        if m is None:
            continue
        yield ctx.finding(
            f"目标“{cell.text.strip()}”中残留模板占位符“{m.group(0)}”",
            cell=cell,
            span=Span(m.start(), m.end()),
            suggestion="填入计划完成的数量或程度",
        )
