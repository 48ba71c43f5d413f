"""Alignment: goals and budget content measured by indicators, names agreeing with values.

Matching works offline on Chinese text: meaning-bearing terms are character bigrams left after
stopwords (rules/concepts.yaml) are removed, with synonyms folded into concepts. Terms that
occur in the project's own name are context, not evidence: in an "运维服务项目" every
indicator mentions 运维 and 服务, so those words cannot show that 安全运维服务 is measured.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from indicator_audit.core.clauses import clauses
from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import Span, Unit
from indicator_audit.lint.goals import vague_words
from indicator_audit.lint.registry import (
    LABEL_FIELDS,
    DocumentContext,
    IndicatorContext,
    document_rule,
    indicator_rule,
)
from indicator_audit.packs.load import Packs
from indicator_audit.parse.grammar import parse_cell

SRC_ALIGN = (
    "财预〔2015〕88号 审核要点：相关性（指标与项目内容、目标相对应）；指南 §3.13（年度目标中的数量"
    "应在指标中出现，每个目标分句和预算内容都应有指标衡量）"
)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def terms(text: str, packs: Packs) -> frozenset[str]:
    """Concepts and CJK bigrams of a text, stopwords removed (memoised per text: tables repeat
    the same names)."""
    cache = packs.memo.setdefault("alignment-terms", {})
    found = cache.get(text)
    if not isinstance(found, frozenset):
        found = cache[text] = frozenset(_terms(text, packs))
    return found


def _terms(text: str, packs: Packs) -> set[str]:
    concept_re, concept_of = packs.concept_index
    out: set[str] = set()
    for m in concept_re.finditer(text):
        out.add("#" + concept_of[m.group(0)])
    stripped = packs.stopword_re.sub(" ", concept_re.sub(" ", text))
    for run in _CJK_RUN.findall(stripped):
        for i in range(len(run) - 1):
            out.add(run[i : i + 2])
    return out


def _matcher_for(ctx: DocumentContext) -> _Matcher:
    """One matcher per document, shared by the alignment rules."""
    found = ctx.memo.get("alignment-matcher")
    if not isinstance(found, _Matcher):
        found = ctx.memo["alignment-matcher"] = _Matcher(ctx)
    return found


class _Matcher:
    def __init__(self, ctx: DocumentContext) -> None:
        packs = ctx.packs
        self.packs = packs
        project = ctx.document.model.project.name or ""
        self.context = {t for t in terms(project, packs) if not t.startswith("#")}
        # A word shared by several goal clauses or content items frames them all ("系统" in
        # "信息系统" and "应用系统"): it cannot show that one particular clause is measured.
        texts = [
            cell.text[a:b]
            for cell in ctx.goal_cells() + ctx.document.value_cells("project.content")
            for a, b in clauses(cell.text)
        ]
        if len(texts) >= 3:
            counts: dict[str, int] = {}
            for text in texts:
                for t in terms(text, packs):
                    if not t.startswith("#"):
                        counts[t] = counts.get(t, 0) + 1
            self.context |= {t for t, n in counts.items() if n >= 2}
        # Indicator terms are computed lazily, in document order, and only until a clause is
        # found covered: a covered goal usually needs a handful of indicators, not all.
        fields = packs.concepts.indicator_fields
        self._texts = (
            " ".join(getattr(f.indicator.fields, name) or "" for name in fields) for f in ctx.facts
        )
        self._seen_texts: set[str] = set()
        self.indicator_terms: list[frozenset[str]] = []
        self._counts: dict[str, int] | None = None

    def _more(self) -> frozenset[str] | None:
        """The next distinct indicator's terms, or None when all have been read."""
        for text in self._texts:
            if text in self._seen_texts:
                continue
            self._seen_texts.add(text)
            found = terms(text, self.packs) - self.context
            self.indicator_terms.append(found)
            return found
        return None

    def specific(self, text: str) -> frozenset[str]:
        return terms(text, self.packs) - self.context

    def covered(self, text: str) -> bool:
        """Whether some indicator measures this text.

        A shared concept (a curated group of synonyms) is evidence. A shared character pair is
        evidence only when it is distinctive — found in one indicator's name: a word several
        indicators share ("学员" in 学员结业人数 and 学员满意度) names the table's subject,
        not the particular aim ("提高学员技能").
        """
        wanted = self.specific(text)
        if not wanted:
            return True  # nothing specific to look for: not our call
        concepts = frozenset(t for t in wanted if t.startswith("#"))
        if concepts:
            if any(concepts & have for have in self.indicator_terms):
                return True
            while (have := self._more()) is not None:
                if concepts & have:
                    return True
        words = wanted - concepts
        if not words:
            return False
        spread = self._spread()
        return any(spread.get(w, 0) == 1 for w in words)

    def _spread(self) -> dict[str, int]:
        """In how many distinct indicators each character pair occurs."""
        if self._counts is None:
            while self._more() is not None:
                pass
            counts: dict[str, int] = {}
            for have in self.indicator_terms:
                for t in have:
                    if not t.startswith("#"):
                        counts[t] = counts.get(t, 0) + 1
            self._counts = counts
        return self._counts


# Verbs that open a new aim after a comma ("…,改善学生体质"); vague_verbs from the lexicon too.
_ACTION_VERBS = ("扩大", "建设", "新建", "改造", "开展", "降低", "减少", "增加", "杜绝", "解决")
_COMMA = re.compile(r"[,，]")


def sub_goals(text: str, start: int, end: int, packs: Packs) -> Iterator[tuple[int, int]]:
    """Split a goal clause at commas that open a new aim with its own verb.

    A comma that only continues a list of objects ("各基础设施、设备，办公网络，应用系统") stays
    inside the clause: the part after it does not start with a verb. Each comma is judged at
    its position, without copying the rest of the clause (a long clause of many commas was
    quadratic).
    """
    modifier = _modifier_re(packs)
    verb = packs.vague_verb_re
    cut = start
    for m in _COMMA.finditer(text, start, end):
        space = _SPACE.match(text, m.end(), end)
        pos = space.end() if space else m.end()
        mod = modifier.match(text, pos, end)
        if mod is not None:
            pos = mod.end()
        opens = verb.match(text, pos, end) is not None or text.startswith(_ACTION_VERBS, pos, end)
        if opens and text[cut : m.start()].strip():
            yield cut, m.start()
            cut = m.end()
    if text[cut:end].strip():
        yield cut, end


_SPACE = re.compile(r"\s*")


def _modifier_re(packs: Packs) -> re.Pattern[str]:
    """One vague modifier (尽量, 进一步…), the longest that matches."""
    memo = packs.memo.setdefault("sub-goals", {})
    found = memo.get("modifier")
    if not isinstance(found, re.Pattern):
        words = sorted({w for w in packs.lexicon.vague_modifiers if w}, key=len, reverse=True)
        found = memo["modifier"] = re.compile("|".join(map(re.escape, words)) or "(?!)")
    return found


@document_rule(
    code="IA601",
    name="goal-not-measured",
    kind="alignment",
    severity=Severity.WARNING,
    source=SRC_ALIGN,
    summary="年度目标的某个分句没有任何指标衡量",
    bad="goals:\n  annual: [完成机关局域网络改造升级]\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥12次}",
    good="goals:\n  annual: [完成机关局域网络改造升级]\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 局域网络改造升级点位数, "
    "target: ≥40个}",
    packs=("concepts",),
)
def goal_not_measured(ctx: DocumentContext) -> Iterator[Finding]:
    """目标写了要做的事，指标里却找不到衡量它的一项：这个目标完成与否无从评价。

    一个句子里用逗号隔开、各有动词的几个目标（“……办学条件,扩大基础教育资源”）分别检查。
    """
    if not ctx.facts:
        return
    matcher = _matcher_for(ctx)
    for cell in ctx.goal_cells():
        text = cell.text
        for start, end in _aims_to_measure(text, ctx.packs):
            clause = cell.text[start:end].strip()
            if len(clause) < 4 or matcher.covered(clause):
                continue
            yield ctx.finding(
                f"目标“{clause}”没有对应的指标衡量",
                cell=cell,
                span=Span(start, end),
                suggestion="为这一目标增加一个可量化的产出或效益指标",
            )


def _aims_to_measure(text: str, packs: Packs) -> Iterator[tuple[int, int]]:
    """The aims of a goal text that this rule judges. One finding per aim: an aim that says
    only 完善/保障/提升 in a clause vague-goal reports is left to vague-goal, which names it
    unmeasured too."""
    for start, end in clauses(text):
        vague_clause = bool(vague_words(text[start:end], packs))
        for a, b in sub_goals(text, start, end, packs):
            if not (vague_clause and vague_words(text[a:b], packs)):
                yield a, b


def uncovered_pieces(ctx: DocumentContext, text: str, start: int, end: int) -> list[str]:
    """The vague aims of a vague goal clause (split as goal-not-measured splits it) that no
    indicator measures: vague-goal names them, goal-not-measured leaves them."""
    if not ctx.facts:
        return []
    matcher = _matcher_for(ctx)
    out = []
    for a, b in sub_goals(text, start, end, ctx.packs):
        piece = text[a:b].strip()
        if vague_words(piece, ctx.packs) and not matcher.covered(piece):
            out.append(piece)
    return out


@document_rule(
    code="IA602",
    name="content-not-measured",
    kind="alignment",
    severity=Severity.WARNING,
    source=SRC_ALIGN + "；评价报告：产出指标需结合资金使用方向设定",
    summary="预算内容（资金用途）中的某一项没有任何指标衡量",
    bad="project: {name: 信息化运维项目, content: [政务云平台资源续租]}\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, target: ≥12次}",
    good="project: {name: 信息化运维项目, content: [政务云平台资源续租]}\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 政务云资源续租时长, "
    "target: =12个月}",
    packs=("concepts",),
)
def content_not_measured(ctx: DocumentContext) -> Iterator[Finding]:
    """钱花在了这一项上，指标里却没有它的产出：花了多少钱、买到了什么，对不上。"""
    if not ctx.facts:
        return
    matcher = _matcher_for(ctx)
    for cell in ctx.document.value_cells("project.content"):
        item = cell.text.strip()
        if len(item) < 2 or matcher.covered(item):
            continue
        yield ctx.finding(
            f"预算内容“{item}”没有对应的指标",
            cell=cell,
            suggestion=f"增加产出指标，如“完成{item}__项”或与合同约定一致的数量、质量指标",
        )


# Words before a share that say how the money is found (负担 20%, 配套 30%), not what is done.
_FINANCING = re.compile(r"(?:负担|承担|分担|配套|自筹|筹措)\s*$")
_GOAL_QUANTITY = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|[\u3400-\u9fff]{1,3})")


@document_rule(
    code="IA603",
    name="goal-quantity-missing",
    kind="alignment",
    severity=Severity.WARNING,
    source=SRC_ALIGN,
    summary="年度目标中写明的数量没有在任何指标中出现",
    bad="goals:\n  annual: [全年培训 280 人次]\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 培训班次, target: ≥6期}",
    good="goals:\n  annual: [全年培训 280 人次]\n"
    "indicators:\n  - {level1: 产出指标, level2: 数量指标, name: 培训人次, target: ≥280人次}",
    packs=("units",),
)
def goal_quantity_missing(ctx: DocumentContext) -> Iterator[Finding]:
    """目标里写了“280 人次”“70%”，指标里就应有这个数；否则目标和指标是两张皮。"""
    if not ctx.facts:
        return
    quantities = [
        (i, cell, m)
        for i, cell in enumerate(ctx.goal_cells())
        for m in _GOAL_QUANTITY.finditer(cell.text)
    ]
    if not quantities:
        return  # most goals state no number: no need to read every target
    # each value written in a target or a name, with the dimensions it was written in (None:
    # no unit)
    values: dict[float, set[str | None]] = {}
    for f in ctx.facts:
        for parsed in (f.target_parsed, f.name_parsed):
            for clause in parsed.clauses:
                if clause.value is not None:
                    unit = clause.unit or (f.unit_column if parsed is f.target_parsed else None)
                    dim = unit.dimension if unit is not None else None
                    values.setdefault(round(clause.value, 6), set()).add(dim)
                    if unit is not None:
                        values.setdefault(round(clause.value * unit.scale, 6), set()).add(dim)
    matcher = _matcher_for(ctx)
    # each goal's aims split once, each aim judged once (not again for every number in it)
    aims: dict[int, list[tuple[int, int]]] = {}
    uncovered: dict[tuple[int, int, int], bool] = {}
    reported: set[tuple[int, str]] = set()
    for i, cell, m in quantities:
        if _FINANCING.search(cell.text, max(m.start() - 4, 0), m.start()):
            continue  # 县级财政负担20%: how the project is financed, not a target
        cell_aims = aims.get(i)
        if cell_aims is None:
            cell_aims = aims[i] = list(_aims_to_measure(cell.text, ctx.packs))
        at = bisect.bisect_right(cell_aims, (m.start(), len(cell.text) + 1)) - 1
        if at >= 0 and m.start() < cell_aims[at][1]:
            a, b = cell_aims[at]
            key = (i, a, b)
            if key not in uncovered:
                uncovered[key] = not matcher.covered(cell.text[a:b])
            if uncovered[key]:
                continue  # one finding per aim: goal-not-measured reports the whole aim
        goal = parse_cell(m.group(0), "target").first
        if goal is None or goal.value is None or goal.date is not None:
            continue
        if goal.unit is None or goal.unit.dimension in ("unknown", "date"):
            continue
        scaled = round(goal.value * goal.unit.scale, 6)
        if _written(values, round(goal.value, 6), goal.unit) or _written(values, scaled, goal.unit):
            continue
        if (i, m.group(0).strip()) in reported:
            continue  # the same quantity again in the same goal: its first place says it
        reported.add((i, m.group(0).strip()))
        yield ctx.finding(
            f"目标中的“{m.group(0).strip()}”没有在任何指标中出现",
            cell=cell,
            span=Span(m.start(), m.end()),
            suggestion=f"增加一个以“{m.group(0).strip()}”为指标值的指标",
        )


def _written(values: dict[float, set[str | None]], value: float, unit: Unit) -> bool:
    """The goal's quantity stands in some target or name, as a share where the goal writes a
    share and as an amount where it writes an amount: "3家" is not measured by "≤3%". (Only
    that: a goal's unit may be cut short, "7个工作" of 7个工作日.)"""
    share = unit.dimension == "rate"
    return any(
        dim is None or dim in ("unknown", "magnitude") or (dim == "rate") == share
        for dim in values.get(value, ())
    )


@document_rule(
    code="IA604",
    name="name-value-conflict",
    kind="alignment",
    severity=Severity.WARNING,
    source="指南 §3.13：名称不应写出与指标值不同的目标（“新建水泥路1条”而指标值为“2km”）",
    summary="指标名称里写的数值与指标值不一致",
    bad="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 建设质量达标率100%, "
    "target: ≥98%}",
    good="indicators:\n  - {level1: 产出指标, level2: 质量指标, name: 建设质量达标率, "
    "target: ≥98%}",
)
def name_value_conflict(ctx: DocumentContext) -> Iterator[Finding]:
    """名称说一个数、指标值说另一个数，评价时不知道以哪个为准。"""
    for f in ctx.facts:
        named = [c for c in f.name_parsed.clauses if c.value is not None]
        if not named or f.name_qualified:
            continue  # most names state no number; in 7天访视率 the number is no target
        target = f.clause
        if target is None or target.value is None:
            continue
        n = named[-1]
        vague_units = ("unknown", "magnitude")
        if (n.unit is not None and n.unit.dimension in vague_units) or (
            target.unit is not None and target.unit.dimension in vague_units
        ):
            continue
        # “新建水泥路1条” against “2km”: a different kind of quantity is a different target too
        other_kind = (
            n.unit is not None
            and target.unit is not None
            and n.unit.dimension != target.unit.dimension
            and {n.unit.dimension, target.unit.dimension} != {"count", "people"}
        )
        assert n.value is not None
        nv = n.value * (n.unit.scale if n.unit else 1.0)
        tv = target.value * (target.unit.scale if target.unit else 1.0)
        if not other_kind and (n.value == target.value or abs(nv - tv) < 1e-9):
            continue
        # the clause's span is in the name without its numbering (1、, 指标1:)
        lead = f.name_span[0]
        span = Span(n.span.start + lead, n.span.end + lead)
        shown = f.name[span.start : span.end] if span.end <= len(f.name) else f.name
        yield ctx.finding(
            f"名称写的是“{shown.strip()}”，指标值却是“{f.target.strip()}”",
            cell=f.cell("name"),
            span=span,
            indicator=f.indicator.index,
            suggestion="名称只写衡量的量，数值以指标值为准，二者保持一致",
        )


_TIMELY_NAME = re.compile(r"(?:及时|按时|准时)(?:率|性)$")
_TIMELY_FORMULA = re.compile(
    r"及时|限时|按时|准时|时限|规定时间|时间内|期限内|当日|当天|小时内|分钟内|日内"
)
_RATIO = re.compile(r"[÷/]")


@indicator_rule(
    code="IA605",
    reads=LABEL_FIELDS,
    name="name-formula-mismatch",
    kind="alignment",
    severity=Severity.WARNING,
    source="财预〔2015〕88号 审核要点：相关性（指标名称、计算公式与所衡量的内容一致）",
    summary="名称是“及时率”，计算公式里却没有任何时间要求（实为完成率）",
    bad="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 巡检响应及时率, "
    "formula: 实际巡检次数÷巡检计划次数*100%, target: =100%}",
    good="indicators:\n  - {level1: 产出指标, level2: 时效指标, name: 故障响应及时率, "
    "formula: 故障限时内响应数÷保障数*100%, target: ≥95%}",
)
def name_formula_mismatch(ctx: IndicatorContext) -> Iterator[Finding]:
    """“及时率”衡量按时完成的比例，公式的分子就应带着时限（限时内、规定时间内）。

    公式只是“实际次数÷计划次数”，算出来的是完成率：名称承诺了及时性，数据却不衡量它。
    """
    f = ctx.facts
    formula = (f.indicator.fields.formula or "").strip()
    if not formula or not _RATIO.search(formula) or not _TIMELY_NAME.search(f.subject):
        return
    if _TIMELY_FORMULA.search(formula):
        return
    yield ctx.finding(
        "formula",
        f"名称“{f.subject}”衡量及时性，计算公式“{formula}”却没有任何时限，算出的是完成率",
        suggestion="在分子中写明时限（如“规定时间内完成的次数÷计划次数×100%”），或把名称改为“……完成率”",
    )
