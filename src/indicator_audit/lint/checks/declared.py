"""A self-evaluation against the targets declared for the year (`check SELF --declared DECL`).

The self-evaluation scores each indicator against its target, so its targets must be the
declared ones: a target changed after the fact (lowered to what was achieved, most often) is
an error that names both values. Declared indicators left out of the self-evaluation, and
indicators that appear only there, are listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.checks.history import direction, shown, target_quantity
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.pairs import PairContext
from indicator_audit.lint.registry import pair_rule

SRC_DECLARED = (
    "财预〔2015〕88号：绩效目标确定后一般不予调整，确需调整的按程序报批；"
    "财预〔2020〕10号：单位自评对照年初设定的绩效目标；指南 §4"
)
_ROW = "{level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次"


def _plain(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text)).replace("≧", "≥")


def same_target(a: IndicatorFacts, b: IndicatorFacts) -> bool:
    """Whether two targets say the same: equal numbers, units and directions when both are a
    single number (≥12次 = 不少于12次 = ≧ | 12 | 次), else the same text once spacing and
    full-width forms are folded."""
    qa, qb = target_quantity(a), target_quantity(b)
    if qa is not None and qb is not None:
        return (
            abs(qa.value - qb.value) < 1e-9
            and (qa.dimension, qa.per) == (qb.dimension, qb.per)
            and direction(a) == direction(b)
        )
    return _plain(shown(a)) == _plain(shown(b))


@pair_rule(
    against="declared",
    code="IA811",
    name="target-changed-after-declaration",
    kind="self-eval",
    severity=Severity.ERROR,
    source=SRC_DECLARED,
    summary="自评表中的目标值与申报（批复）的目标值不同",
    bad=f"declared:\n  indicators:\n    - {_ROW}}}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥10次, actual: 10次}",
    good=f"declared:\n  indicators:\n    - {_ROW}}}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: 不少于12次, "
    "actual: 10次}",
)
def target_changed(ctx: PairContext) -> Iterator[Finding]:
    """自评是对照申报时确定的目标打分的；自评表里的目标与申报的不同（多半是改成了实际做到的数），自评的
    结论就不成立。写法不同而含义相同的（≧12 次与不少于 12 次）不报。"""
    for cur, declared in ctx.pairs():
        if same_target(cur, declared):
            continue
        yield ctx.current.finding(
            f"自评表的目标 {shown(cur)} 与申报的目标 {shown(declared)}（{ctx.where(declared)}）不同",
            cell=cur.cell("target"),
            indicator=cur.indicator.index,
            suggestion=f"按申报的目标 {shown(declared)} 自评；目标经批准调整的，附上调整文件",
        )


@pair_rule(
    against="declared",
    code="IA812",
    name="declared-indicator-missing",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_DECLARED,
    summary="申报的指标在自评表中没有出现",
    bad=f"declared:\n  indicators:\n    - {_ROW}}}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥90%}\n"
    f"current:\n  indicators:\n    - {_ROW}, actual: 12次}}",
    good=f"declared:\n  indicators:\n    - {_ROW}}}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥90%}\n"
    f"current:\n  indicators:\n    - {_ROW}, actual: 12次}}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意率, target: ≥90%, "
    "actual: 93%}",
)
def declared_missing(ctx: PairContext) -> Iterator[Finding]:
    """申报的每个指标都要自评；漏掉的多半是没有完成的。按名称的含义匹配（编号、同义词、词序不同也算同一
    指标）。"""
    line, column = ctx.indicators_key()
    for j, declared in enumerate(ctx.other.facts):
        if j in ctx.by_other:
            continue
        name = (declared.indicator.fields.name or "").strip() or "（无名称）"
        yield ctx.current.finding(
            f"申报的指标“{name}”（目标 {shown(declared)}，{ctx.where(declared)}）在自评表中没有出现",
            line=line,
            column=column,
            pointer=ctx.indicators_pointer(),
            suggestion=f"补上“{name}”的实际完成值和得分",
        )


@pair_rule(
    against="declared",
    code="IA813",
    name="indicator-added-after-declaration",
    kind="self-eval",
    severity=Severity.WARNING,
    source=SRC_DECLARED,
    summary="自评表中有申报时没有的指标（事后添加）",
    bad=f"declared:\n  indicators:\n    - {_ROW}}}\ncurrent:\n  indicators:\n"
    f"    - {_ROW}, actual: 12次}}\n"
    "    - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: =100%, actual: 100%}",
    good=f"declared:\n  indicators:\n    - {_ROW}}}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 1、巡检次数, target: ≥12次, actual: 12次}",
)
def added_after(ctx: PairContext) -> Iterator[Finding]:
    """自评表里申报时没有的指标是事后加上的，往往是已经完成的事项，用来抬高得分；应按申报的指标自评。"""
    for i, cur in enumerate(ctx.current.facts):
        if i in ctx.by_current:
            continue
        name = (cur.indicator.fields.name or "").strip() or "（无名称）"
        yield ctx.current.finding(
            f"指标“{name}”在申报表（{ctx.other.document.path}）中没有，是事后添加的",
            cell=cur.cell("name"),
            indicator=i,
            suggestion="按申报的指标自评；新增的指标不计入自评得分",
        )
