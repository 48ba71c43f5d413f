"""This year's targets against last year's table (`check FILE --previous LAST`): the history
standard (历史标准) of a target value.

A floor measure (≥) whose target is at or below what was already achieved, or a ceiling
measure (≤) at or above it, asks nothing new; so does a target lowered from last year's. A
stated reason (下调、由于…, in 指标值设定依据 or 偏差原因) silences both: targets may fall for
good reasons, but they must be given. Targets already at their bound (a rate of 100%, a
count of 0 incidents) cannot be raised and are never flagged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from indicator_audit.core.findings import Finding, Severity
from indicator_audit.core.parsed import Unit
from indicator_audit.lint.completion import completion
from indicator_audit.lint.facts import IndicatorFacts, direction_of
from indicator_audit.lint.pairs import PairContext
from indicator_audit.lint.registry import pair_rule
from indicator_audit.packs.load import Packs, _words_regex
from indicator_audit.parse.grammar import parse_comparator

SRC_HISTORY = (
    "财预〔2015〕88号《中央部门预算绩效目标管理办法》：绩效标准含历史标准（同类指标的历史数据）；"
    "已经达到的水平不构成目标（practice）；指南 §3 第14条"
)

_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*年)")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A single-number target or actual, in its canonical unit."""

    value: float
    dimension: str | None
    canonical: str | None
    per: str | None

    def comparable(self, other: Quantity) -> bool:
        return self.dimension == other.dimension and self.per == other.per


def target_quantity(f: IndicatorFacts) -> Quantity | None:
    try:
        clause = f.clause
        unit = f.unit
    except Exception:  # an unparsable target has nothing to compare
        return None
    if clause is None or clause.value is None or clause.upper is not None:
        return None
    return _quantity(clause.value, unit[0] if unit is not None else None)


def _quantity(value: float, u: Unit | None) -> Quantity:
    """`value` in the canonical unit of `u`; the grammar reads a product in the denominator
    (元/人·天, 元/人*天): a cost per person-day is not a cost per person."""
    if u is None:
        return Quantity(value, None, None, None)
    return Quantity(value * u.scale, u.dimension, u.canonical, u.per)


def actual_quantity(f: IndicatorFacts) -> Quantity | None:
    """The actual value; a bare number takes the unit of the unit column or the target."""
    parsed = f.actual_parsed
    if parsed is None or parsed.error is not None or len(parsed.clauses) != 1:
        return None
    clause = parsed.clauses[0]
    if clause.value is None or clause.upper is not None:
        return None
    if clause.unit is not None:
        return _quantity(clause.value, clause.unit)
    try:
        unit = f.unit
    except Exception:
        unit = None
    if unit is None:
        return _quantity(clause.value, None)
    return _quantity(clause.value, unit[0])


_ONE_NUMBER = re.compile(r"^(\D*?)(\d+(?:\.\d+)?)(\D*)$")


def template_values(
    a: IndicatorFacts, b: IndicatorFacts, field: str = "target"
) -> tuple[float, float, str | None] | None:
    """Two values written alike but for their one number (≤16.80/株 and ≤21.5/株, which the
    grammar cannot read; or a target ≥583元/人*月 and an actual 583元/人*月 when `field` is
    "actual"): both numbers and the direction of the target's text, else None."""
    ma = _ONE_NUMBER.match(_plain(shown(a)))
    mb = _ONE_NUMBER.match(_plain(shown(b, field)))
    if ma is None or mb is None or ma.group(3) != mb.group(3):
        return None
    if mb.group(1) != (ma.group(1) if field == "target" else ""):
        return None
    wanted = direction(a)
    if wanted is None and ma.group(1):
        comparator = parse_comparator(ma.group(1))
        wanted = direction_of(comparator) if comparator is not None else None
    return float(ma.group(2)), float(mb.group(2)), wanted


def direction(f: IndicatorFacts) -> str | None:
    """min / max / exact, as written (the comparator) or implied by the family."""
    try:
        written = f.comparator
    except Exception:
        written = None
    if written is not None:
        return direction_of(written[0])
    return f.wanted_direction


def shown(f: IndicatorFacts, field: str = "target") -> str:
    """A value as the table writes it, comparator and unit columns included: ≧735人次."""
    fields = f.indicator.fields
    value = (getattr(fields, field) or "").strip()
    if not value:
        return "（空）"
    parts = [value]
    if field == "target" and fields.comparator and not value.startswith(fields.comparator):
        parts.insert(0, fields.comparator.strip())
    if fields.unit and not value.endswith(fields.unit.strip()) and _bare_number(value):
        parts.append(fields.unit.strip())
    return "".join(parts)


def _bare_number(text: str) -> bool:
    return re.fullmatch(r"[\d.\s]+", unicodedata.normalize("NFKC", text)) is not None


def words_re(packs: Packs, key: str, words: list[str]) -> re.Pattern[str]:
    """One regex of `words` (longest first), made once per Packs under `key`."""
    memo = packs.memo.setdefault("comparison", {})
    found = memo.get(key)
    if isinstance(found, re.Pattern):
        return found
    made = memo[key] = _words_regex(words)
    return made


def _reason_re(packs: Packs) -> re.Pattern[str]:
    return words_re(packs, "reason", packs.comparison.reason_words)


def has_reason(f: IndicatorFacts, packs: Packs) -> bool:
    fields = f.indicator.fields
    text = " ".join(t for t in (fields.basis, fields.explanation) if t)
    return bool(text) and _reason_re(packs).search(text) is not None


def at_bound(q: Quantity, wanted: str) -> bool:
    """A target that cannot ask for more: a rate of 100% (floor) or a count of 0 (ceiling)."""
    if wanted == "min":
        return q.dimension == "rate" and q.value >= 100 - 1e-9
    return q.value <= 1e-9


@pair_rule(
    against="previous",
    code="IA711",
    name="target-not-above-last-actual",
    kind="ambition",
    severity=Severity.WARNING,
    source=SRC_HISTORY,
    summary="目标值不高于上年实际完成值（越小越好的指标：不低于），又没有说明理由",
    bad="previous:\n  indicators:\n    - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, "
    "target: ≥240次, actual: 252次}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥250次}",
    good="previous:\n  indicators:\n    - {level1: 产出指标, level2: 数量指标, name: 全年巡检次数, "
    "target: ≥240次, actual: 252次}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥260次}",
)
def target_not_above_last_actual(ctx: PairContext) -> Iterator[Finding]:
    """历史标准：上年已经做到的，今年的目标至少要更进一步。越大越好的指标（≥），目标不高于上年实际完成值；
    越小越好的指标（≤），目标不低于上年实际值——这样的目标不需要任何努力。已在极限的目标（比率 100%、
    故障 0 次）不报；指标值设定依据或偏差原因中说明了理由（下调、由于……）也不报。"""
    packs = ctx.current.packs
    for cur, last in ctx.pairs():
        wanted = direction(cur)
        target = target_quantity(cur)
        actual = actual_quantity(last)
        if target is not None and actual is not None:
            if wanted not in ("min", "max") or not target.comparable(actual):
                continue
            if at_bound(target, wanted):
                continue
            values = target.value, actual.value
        else:
            alike = template_values(cur, last, "actual")
            if alike is None:
                continue
            values, wanted = alike[:2], alike[2]
        if wanted not in ("min", "max") or has_reason(cur, packs):
            continue
        easy = values[0] <= values[1] if wanted == "min" else values[0] >= values[1]
        if not easy:
            continue
        word = "不高于" if wanted == "min" else "不低于"
        yield ctx.current.finding(
            f"目标 {shown(cur)} {word}上年实际完成值 {shown(last, 'actual')}"
            f"（{ctx.where(last)}），又没有说明理由：这个目标不需要任何努力",
            cell=cur.cell("target"),
            indicator=cur.indicator.index,
            suggestion=f"以上年实际值 {shown(last, 'actual')} 为基础设定更高要求的目标，"
            "或在指标值设定依据中说明为何不能提高",
        )


@pair_rule(
    against="previous",
    code="IA712",
    name="target-lowered",
    kind="ambition",
    severity=Severity.WARNING,
    source=SRC_HISTORY,
    summary="目标比上年的目标降低了（越小越好的指标：放宽了），又没有说明理由",
    bad="previous:\n  indicators:\n    - {level1: 满意度指标, level2: 服务对象满意度指标, "
    "name: 学生满意度, target: ≥95%}\ncurrent:\n  indicators:\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意率, target: ≥90%}",
    good="previous:\n  indicators:\n    - {level1: 满意度指标, level2: 服务对象满意度指标, "
    "name: 学生满意度, target: ≥95%}\ncurrent:\n  indicators:\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 学生满意率, target: ≥90%, "
    "basis: 因调查范围扩大到全体家长，目标下调}",
)
def target_lowered(ctx: PairContext) -> Iterator[Finding]:
    """同一指标今年的目标比上年的目标低（越小越好的指标：比上年的上限高），又没有写明理由。目标可以因
    正当理由降低，但理由必须写在指标值设定依据中。"""
    packs = ctx.current.packs
    for cur, last in ctx.pairs():
        wanted = direction(cur)
        now, before = target_quantity(cur), target_quantity(last)
        if now is not None and before is not None:
            if not now.comparable(before) or direction(last) != wanted:
                continue
            values = now.value, before.value
        else:
            alike = template_values(cur, last)
            if alike is None:
                continue
            values, wanted = alike[:2], alike[2]
        if wanted not in ("min", "max"):
            continue
        lower = values[0] < values[1] if wanted == "min" else values[0] > values[1]
        if not lower or abs(values[0] - values[1]) < 1e-9 or has_reason(cur, packs):
            continue
        word = "降低" if wanted == "min" else "放宽"
        yield ctx.current.finding(
            f"目标 {shown(cur)} 比上年的目标 {shown(last)}（{ctx.where(last)}）{word}了，"
            "又没有说明理由",
            cell=cur.cell("target"),
            indicator=cur.indicator.index,
            suggestion="保持或提高上年的目标，或在指标值设定依据中说明调整的理由",
        )


@pair_rule(
    against="previous",
    code="IA713",
    name="missed-indicator-dropped",
    kind="ambition",
    severity=Severity.WARNING,
    source=SRC_HISTORY + "；财预〔2020〕10号：评价结果应用于改进管理",
    summary="上年没有完成的指标，今年的表里不见了",
    bad="previous:\n  indicators:\n    - {level1: 效益指标, level2: 社会效益指标, "
    "name: 故障修复率, target: ≥98%, actual: 91%}\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次, actual: 12次}\n"
    "current:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥24次}",
    good="previous:\n  indicators:\n    - {level1: 效益指标, level2: 社会效益指标, "
    "name: 故障修复率, target: ≥98%, actual: 91%}\ncurrent:\n  indicators:\n"
    "    - {level1: 效益指标, level2: 社会效益指标, name: （一）故障修复率, target: ≥98%}",
)
def missed_indicator_dropped(ctx: PairContext) -> Iterator[Finding]:
    """上年自评未完成的指标，今年应当继续考核（并说明改进措施），而不是从表中删去：删去没完成的指标，
    是让目标变容易的最简单办法。按名称的含义匹配（编号、同义词、词序不同也算同一指标）。"""
    line, column = ctx.indicators_key()
    for j, last in enumerate(ctx.other.facts):
        if j in ctx.by_other:
            continue
        share = completion(last)
        if share is None or share >= 1.0:
            continue
        name = (last.indicator.fields.name or "").strip() or "（无名称）"
        yield ctx.current.finding(
            f"上年未完成的指标“{name}”（目标 {shown(last)}，实际 {shown(last, 'actual')}，"
            f"{ctx.where(last)}）在今年的表中没有对应指标",
            line=line,
            column=column,
            pointer=ctx.indicators_pointer(),
            suggestion=f"保留“{name}”并写明改进措施，或说明删去的理由",
        )


def _same_row(a: IndicatorFacts, b: IndicatorFacts) -> bool:
    """The same target, and the same basis: a table whose targets stay but whose bases say
    why was reconsidered, not copied."""
    if _plain(a.indicator.fields.basis or "") != _plain(b.indicator.fields.basis or ""):
        return False
    qa, qb = target_quantity(a), target_quantity(b)
    if qa is not None and qb is not None:
        return qa == qb and direction(a) == direction(b)
    return _plain(shown(a)) == _plain(shown(b))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pair_rule(
    against="previous",
    code="IA714",
    name="table-copied",
    kind="ambition",
    severity=Severity.WARNING,
    source=SRC_HISTORY,
    summary="指标表与上年完全相同：每个指标、每个目标值都照抄上年",
    bad="previous:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "    - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: =100%}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥90%}\n"
    "current:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "    - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: =100%}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥90%}",
    good="previous:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥12次}\n"
    "    - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: =100%}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥90%}\n"
    "current:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 巡检次数, target: ≥24次}\n"
    "    - {level1: 产出指标, level2: 质量指标, name: 验收合格率, target: =100%}\n"
    "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 使用人员满意度, target: ≥92%}",
)
def table_copied(ctx: PairContext) -> Iterator[Finding]:
    """今年的指标表与上年的一模一样（至少 3 个指标，名称、目标值和指标值设定依据逐一相同，没有增删）：
    目标应当根据上年的完成情况和今年的任务重新设定，照抄上年说明没有这样做。目标不变、但依据中写明了
    理由的表不算照抄。"""
    cur, last = ctx.current.facts, ctx.other.facts
    if len(cur) < 3 or len(cur) != len(last) or len(ctx.matches) != len(cur):
        return
    if any(m.how != "name" for m in ctx.matches):
        return
    if not all(_same_row(a, b) for a, b in ctx.pairs()):
        return
    line, column = ctx.indicators_key()
    yield ctx.current.finding(
        f"全部 {len(cur)} 个指标的名称和目标值都与上年（{ctx.other.document.path}）相同",
        line=line,
        column=column,
        pointer=ctx.indicators_pointer(),
        suggestion="根据上年的实际完成值和今年的任务重新设定目标值",
    )


@pair_rule(
    against="previous",
    code="IA715",
    name="unit-or-direction-changed",
    kind="unit",
    severity=Severity.WARNING,
    source=SRC_HISTORY,
    summary="同一指标与上年相比换了计量单位（不只是换算，如 人次→人）或方向（≥→≤）",
    bad="previous:\n  indicators:\n    - {level1: 产出指标, level2: 数量指标, name: 培训人数, "
    "target: ≥500人次}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 数量指标, name: 培训人数, target: ≥300人}",
    good="previous:\n  indicators:\n    - {level1: 产出指标, level2: 成本指标, name: 运维费用, "
    "target: ≤348万元}\ncurrent:\n  indicators:\n"
    "    - {level1: 产出指标, level2: 成本指标, name: 运维成本, target: ≤3400000元}",
)
def unit_or_direction_changed(ctx: PairContext) -> Iterator[Finding]:
    """同一指标换了计量单位（人次改成人、次改成个，或量纲不同），或者方向反了（上年 ≥，今年 ≤），两年的
    目标和完成值就无法比较。同一量纲内的换算（万元与元、小时与分钟）不报。"""
    for cur, last in ctx.pairs():
        if _unit_changed(target_quantity(cur), target_quantity(last)):
            yield ctx.current.finding(
                f"计量单位与上年不同：今年 {shown(cur)}，上年 {shown(last)}"
                f"（{ctx.where(last)}），两年的目标和完成值无法比较",
                cell=cur.cell("unit") or cur.cell("target"),
                indicator=cur.indicator.index,
                suggestion="沿用上年的计量单位，或在指标解释中说明口径的变化",
            )
            continue
        a, b = _written_direction(cur), _written_direction(last)
        if a is not None and b is not None and {a, b} == {"min", "max"}:
            yield ctx.current.finding(
                f"方向与上年相反：今年 {shown(cur)}，上年 {shown(last)}（{ctx.where(last)}）",
                cell=cur.cell("comparator") or cur.cell("target"),
                indicator=cur.indicator.index,
                suggestion="核对指标的含义：越大越好用 ≥，越小越好用 ≤",
            )


def _unit_changed(now: Quantity | None, before: Quantity | None) -> bool:
    """Both units known and not the same base unit (万元 and 元 are one: a conversion)."""
    if now is None or before is None or not now.canonical or not before.canonical:
        return False
    return (now.canonical, now.dimension, now.per) != (
        before.canonical,
        before.dimension,
        before.per,
    )


def _written_direction(f: IndicatorFacts) -> str | None:
    try:
        written = f.comparator
    except Exception:
        return None
    return direction_of(written[0]) if written is not None else None


def _history_re(packs: Packs) -> re.Pattern[str]:
    return words_re(packs, "history-basis", packs.comparison.basis.history)


def history_numbers(text: str) -> list[float]:
    """The numbers of a basis cell that are not years (历史标准：2022年实际巡检248次 → [248])."""
    plain = unicodedata.normalize("NFKC", text)
    return [float(m.group(1)) for m in _NUMBER.finditer(plain)]


@pair_rule(
    against="previous",
    code="IA716",
    name="history-basis-unchecked",
    kind="alignment",
    severity=Severity.WARNING,
    source="财预〔2015〕88号《中央部门预算绩效目标管理办法》：历史标准指同类指标的历史数据；"
    "指南 §3 第14条",
    summary="指标值设定依据写的是历史标准，但上年表中找不到这个指标，或依据里的历史数与上年实际值不符",
    bad="previous:\n  indicators:\n    - {level1: 效益指标, level2: 社会效益指标, "
    "name: 故障修复率, target: ≥95%, actual: 95.1%}\ncurrent:\n  indicators:\n"
    "    - {level1: 效益指标, level2: 社会效益指标, name: 故障修复率, target: ≥98%, "
    "basis: 历史标准：上年故障修复率97.6%}",
    good="previous:\n  indicators:\n    - {level1: 效益指标, level2: 社会效益指标, "
    "name: 故障修复率, target: ≥95%, actual: 97.6%}\ncurrent:\n  indicators:\n"
    "    - {level1: 效益指标, level2: 社会效益指标, name: 故障修复率, target: ≥98%, "
    "basis: 历史标准：上年故障修复率97.6%}",
)
def history_basis_unchecked(ctx: PairContext) -> Iterator[Finding]:
    """依据历史标准设定的目标，要能用上年的数据核对：上年表中应当有同一指标；依据中写了历史数值的，应与
    上年的实际完成值一致（上年是申报表、没有实际值时只核对指标是否存在）。"""
    history = _history_re(ctx.current.packs)
    for i, cur in enumerate(ctx.current.facts):
        basis = cur.indicator.fields.basis
        if not basis or history.search(basis) is None:
            continue
        match = ctx.by_current.get(i)
        if match is None:
            yield ctx.current.finding(
                f"指标值设定依据为历史标准，但上年表（{ctx.other.document.path}）中没有这个指标，"
                "无法核对",
                cell=cur.cell("basis"),
                indicator=i,
                suggestion="写明历史数据的来源（年度、数值），或改用其他依据",
            )
            continue
        last = ctx.other.facts[match.other]
        actual = actual_quantity(last)
        numbers = history_numbers(basis)
        if actual is None or not numbers:
            continue
        raw = actual_raw(last)
        if any(
            abs(n - actual.value) < 1e-6 or (raw is not None and abs(n - raw) < 1e-6)
            for n in numbers
        ):
            continue
        yield ctx.current.finding(
            f"依据中的历史数值（{'、'.join(f'{n:g}' for n in numbers)}）与上年实际完成值 "
            f"{shown(last, 'actual')}（{ctx.where(last)}）不符",
            cell=cur.cell("basis"),
            indicator=i,
            suggestion=f"按上年实际完成值 {shown(last, 'actual')} 填写历史标准",
        )


def actual_raw(f: IndicatorFacts) -> float | None:
    """The actual's number as written (before unit scaling)."""
    parsed = f.actual_parsed
    if parsed is None or len(parsed.clauses) != 1:
        return None
    return parsed.clauses[0].value
