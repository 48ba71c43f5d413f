"""The basis of a target value (指标值设定依据): a basis must be checkable.

财预〔2015〕88号 names three standards a target value rests on: 计划标准 (the plan: goals,
budget, contracts, quotas), 行业标准 (published sector standards) and 历史标准 (history; checked
against last year's table by IA716). A plan basis is checked against the plan the document
itself states — the numbers of its goals, budget content and budget; a sector basis must name
the standard, or nobody can check it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.lint.checks.history import words_re
from indicator_audit.lint.checks.structure import once_or_per_row
from indicator_audit.lint.registry import (
    DocumentContext,
    IndicatorContext,
    document_rule,
    indicator_rule,
)
from indicator_audit.packs.load import Packs

SRC_BASIS = (
    "财预〔2015〕88号《中央部门预算绩效目标管理办法》：绩效标准包括计划标准（预先制定的目标、计划、预算、"
    "定额等数据）、行业标准（国家公布的行业指标数据）、历史标准；指南 §3 第14条"
)
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*年)(\s*[万亿])?")


def _is_cjk(ch: str) -> bool:
    # a comparison, not a regex: re compiles a class over this range by walking every code point
    return "\u4e00" <= ch <= "\u9fff"


_SCALE = {"万": 10_000, "亿": 100_000_000}


def _numbers(text: str) -> set[float]:
    """Every number as written, and a number before 万/亿 also at its full size: a goal's
    “1.2万人” is the target's “12000人”."""
    out: set[float] = set()
    for number, scale in _NUMBER.findall(unicodedata.normalize("NFKC", text)):
        out.add(float(number))
        if scale.strip():
            out.add(round(float(number) * _SCALE[scale.strip()], 6))
    return out


def _plan_numbers(ctx: DocumentContext) -> tuple[bool, set[float]]:
    """Whether the document states a plan (goals or budget content), and every number in its
    goals, content and budget (made once per document)."""
    found = ctx.memo.get("plan-numbers")
    if isinstance(found, tuple):
        return found
    doc = ctx.document
    cells = ctx.goal_cells() + doc.value_cells("project.content")
    texts = [c.text for c in cells] + [doc.model.project.budget or ""]
    numbers: set[float] = set()
    for text in texts:
        numbers |= _numbers(text)
    made = (bool(cells), numbers)
    ctx.memo["plan-numbers"] = made
    return made


_CLAUSE_SEP = re.compile(r"[，,；;。、：:！!？?\n]")
_SCALES = "万亿千百"


def _plan_clauses(ctx: DocumentContext) -> list[str]:
    """The clauses of the goals and the budget content (made once per document)."""
    found = ctx.memo.get("plan-clauses")
    if isinstance(found, list):
        return found
    cells = ctx.goal_cells() + ctx.document.value_cells("project.content")
    made = [
        part
        for cell in cells
        for part in _CLAUSE_SEP.split(unicodedata.normalize("NFKC", cell.text))
        if part.strip()
    ]
    ctx.memo["plan-clauses"] = made
    return made


def _speaks_of(clause: str, name: str, units: list[str]) -> bool:
    """The plan clause states a number in the target's unit and shares a two-character word
    with the indicator's name (its common words blanked out): it is the plan's own figure for
    this measure."""
    if not any(ch.isdigit() for ch in clause) or not any(u in clause for u in units):
        return False
    pairs = {name[i : i + 2] for i in range(len(name) - 1)}
    return any(p in clause for p in pairs if _is_cjk(p[0]) and _is_cjk(p[1]))


def _remainder(basis: str, packs: Packs, kind: str, words: list[str]) -> str:
    """The basis without the words that name a kind of standard but no particular one. The
    regex is kept per `kind` (plan, industry): one key for both handed the second rule the
    first one's words, whichever rule ran first."""
    generic = words_re(packs, f"basis-generic-{kind}", packs.comparison.basis.generic + words)
    return generic.sub("", unicodedata.normalize("NFKC", basis))


@indicator_rule(
    code="IA531",
    name="plan-basis-not-in-goals",
    kind="alignment",
    severity=Severity.INFO,
    needs=("basis",),
    source=SRC_BASIS,
    summary="指标值依据计划标准，年度目标或预算内容写了这个量，却是另一个数，依据也没有写明计划出处",
    bad="goals:\n  annual: [完成 6 项基础设施维护，全年巡检 250 次]\nindicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥240次, basis: 计划标准}",
    good="goals:\n  annual: [完成 6 项基础设施维护，全年巡检 250 次]\nindicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥250次, basis: 计划标准}",
)
def plan_basis_not_in_goals(ctx: IndicatorContext) -> tuple[Finding, ...]:
    """依据计划标准的目标值，应能在计划中找到：年度目标或预算内容写了这个量（同一单位、与名称有共同的词）
    时，目标值应出现在年度目标、预算内容或预算中；计划没写这个量时，依据指向表外的计划，无从核对，不报。依据写明了计划的出处（实施方案、合同、任务书……）时，出处不在表中，不报；比率 100%、
    0 次这类极限值不报；按单位计的标准（25元/人·年、1.2万元/公里）不报：计划写总量，不写单价。"""
    f = ctx.facts
    basis = f.indicator.fields.basis or ""
    packs = ctx.packs
    bases = packs.comparison.basis
    if words_re(packs, "plan-basis", bases.plan).search(basis) is None:
        return ()
    if sum(map(_is_cjk, _remainder(basis, packs, "plan", bases.plan))) >= 2:
        return ()  # names its own plan: a contract, a programme, a quota
    clauses = [c for c in f.target_parsed.clauses if c.value is not None]
    values = [c.value for c in clauses if c.value is not None]
    if not values or all(v in (0.0, 100.0) for v in values):
        return ()
    if all(c.unit is not None and c.unit.per for c in clauses):
        return ()  # 25元/人·年, 1.2万元/公里: a rate per unit is a standard; plans state totals
    stated, numbers = _plan_numbers(ctx.doc)
    if not stated or any(v in numbers for v in values):
        return ()
    # “≥1.2万人” against a goal's 12000人
    scaled = [
        round(c.value * _SCALE[c.unit.text[0]], 6)
        for c in clauses
        if c.value is not None and c.unit is not None and c.unit.text[:1] in _SCALE
    ]
    if any(v in numbers for v in scaled):
        return ()
    # Only a plan that states this measure with another figure contradicts the target; a plan
    # silent about it (a per-project cap, a coverage rate the goals never mention) points to a
    # plan outside the document, and nothing here can be checked.
    units = [c.unit.text.lstrip(_SCALES) or c.unit.text for c in clauses if c.unit is not None]
    name = unicodedata.normalize("NFKC", f.subject)
    for word in bases.common:
        name = name.replace(word, " " * len(word))
    if not units or not any(_speaks_of(c, name, units) for c in _plan_clauses(ctx.doc)):
        return ()
    shown = "、".join(f"{v:g}" for v in values)
    return (
        ctx.finding(
            "basis",
            f"指标值设定依据为计划标准，但年度目标、预算内容和预算中都没有 {shown}，无法核对",
            suggestion="在年度目标中写明这个计划数，或在依据中写明计划的出处（实施方案、合同、任务书）",
        ),
    )


@document_rule(
    code="IA532",
    name="industry-basis-unnamed",
    kind="alignment",
    severity=Severity.INFO,
    source=SRC_BASIS,
    summary="指标值依据行业标准，但没有写明是哪个标准（名称、编号或文号）（几个指标都这样时整表报告一次）",
    bad="indicators:\n  - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, "
    "target: ≥90%, basis: 参照行业标准}",
    good="indicators:\n  - {level1: 效益指标, level2: 社会效益指标, name: 等级保护测评达标率, "
    "target: =100%, basis: 行业标准：《网络安全等级保护基本要求》(GB/T 22239-2019)}",
)
def industry_basis_unnamed(ctx: DocumentContext) -> Iterator[Finding]:
    """依据行业标准的目标值，要写明是哪个标准：《标准名称》、标准编号（GB/T 22239-2019）、文号（财预〔2020〕
    10号）或具体的规范、办法名称。只写“行业标准”“参照国家相关标准”，无法核对。

    依据栏按表格模板只写“计划标准 / 行业标准 / 历史标准”的表，几行都只写“行业标准”是同一个问题：
    整表报告一次并列出各行，不逐行重复。"""
    rows = [f for f in ctx.facts if _industry_unnamed(ctx.packs, f.indicator.fields.basis or "")]
    basis = (rows[0].indicator.fields.basis or "").strip() if rows else ""
    shown = basis.replace("{", "{{").replace("}", "}}")
    yield from once_or_per_row(
        ctx,
        rows,
        f"指标值设定依据“{shown}”没有写明是哪个行业标准",
        "{rows}的指标值设定依据只写了行业标准，没有写明是哪个标准",
        "basis",
        "写明标准的名称（《…》）、编号（如 GB/T 22239-2019）或文号",
    )


def _industry_unnamed(packs: Packs, basis: str) -> bool:
    """A basis that rests on a sector standard without naming one."""
    if not basis.strip():
        return False
    bases = packs.comparison.basis
    if words_re(packs, "industry-basis", bases.industry).search(basis) is None:
        return False
    rest = _remainder(basis, packs, "industry", bases.industry)
    return not any(p.search(rest) for p in _standard_names(packs))


def _standard_names(packs: Packs) -> list[re.Pattern[str]]:
    memo = packs.memo.setdefault("comparison", {})
    found = memo.get("standard-names")
    if isinstance(found, list):
        return found
    made = memo["standard-names"] = [re.compile(p) for p in packs.comparison.standard_names]
    return made


@document_rule(
    code="IA511",
    name="basis-missing",
    kind="structure",
    severity=Severity.INFO,
    source="财预〔2015〕88号、财预〔2021〕101号：指标值应有设定依据（计划标准、行业标准、历史标准）；"
    "指南 §3.14",
    summary="表中设有“指标值设定依据”，有的指标没有填写（几个指标都没有时整表报告一次）",
    bad="indicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, basis: 计划标准}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%}",
    good="indicators:\n"
    "  - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, basis: 计划标准}\n"
    "  - {level1: 效益指标, level2: 社会效益指标, name: 系统可用率, target: ≥99%, basis: 行业标准}",
)
def basis_missing(ctx: DocumentContext) -> Iterator[Finding]:
    """表中设有设定依据栏、别的指标填了，这个指标却没有，目标值就无从核实。

    只在表中有这一栏时检查：许多省份的表没有这一栏，逐行报告就是噪声。漏填的不止一行时整表报告
    一次并列出各行。"""
    given = sum(1 for f in ctx.facts if (f.indicator.fields.basis or "").strip())
    if given == 0:
        return
    rows = [f for f in ctx.facts if not (f.indicator.fields.basis or "").strip()]
    yield from once_or_per_row(
        ctx,
        rows,
        f"“{{subject}}”没有填写指标值设定依据（表中另有 {given} 个指标填写了）",
        f"{{rows}}没有填写指标值设定依据（表中另有 {given} 个指标填写了）",
        "basis",
        "写明依据：计划标准、行业标准或历史标准（如“上年实际值”“合同约定”）",
    )
