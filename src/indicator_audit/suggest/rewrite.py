"""The rewrite of one indicator: kept, changed, split into one row per level, or removed.

What is known is kept: a number, unit or direction written in the input stays in the row (a
row is replaced by a sector-library entry only when its target has no number); an outcome
stays an outcome (a replacement comes from the same 一级 category); a row changes category
only when a rule says it is misfiled (IA403, IA404, IA405, IA408); a formula written as the
name moves to 计算公式 and the name becomes what is measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from indicator_audit.core.parsed import CellKind, Clause, DateValue
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.layout import FORMULA
from indicator_audit.packs.templates import BLANK
from indicator_audit.parse.grammar import parse_cell
from indicator_audit.suggest.context import Context, has_word
from indicator_audit.suggest.rows import Draft, RowText, Status, Suggestion
from indicator_audit.suggest.targets import (
    blank_form,
    fix_quantity,
    from_actual,
    has_number,
    merged_target,
    quantity,
)

# "指标23:", "1、", "(2)" before a name: a row number, not part of what is measured
_ENUMERATOR = re.compile(
    r"^\s*(?:指标\s*\d+\s*[:：、.．]?|\d+\s*(?:[:：、．]|\.(?!\d))|[(（]\d+[)）])\s*"
)
_NAME_MIN = 4  # a name cut shorter than this by removing its numbers says too little
_EXECUTION = re.compile(r"预算执行率|资金执行率")


def _is_formula(text: str) -> bool:
    return parse_cell(text, "sentence").kind == CellKind.FORMULA or bool(FORMULA.search(text))


def _in_place_of(d: Draft, row: Suggestion, codes: set[str]) -> Suggestion:
    """A library entry standing where the drafted indicator stood, with its weight."""
    return replace(
        row,
        status="changed",
        replaces=d.index,
        weight=d.weight,
        codes=tuple(sorted(set(d.codes) | codes)),
    )


class Rewriter:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.v = ctx.vocab

    def rewrite(self, facts: IndicatorFacts, before: Sequence[Suggestion]) -> list[Suggestion]:
        ind = facts.indicator
        f = ind.fields
        codes = self.ctx.codes.get(ind.index, set())
        level1 = self.v.level1.get(facts.category or "", "")
        d = Draft(
            ind.index,
            RowText(
                level1 or (f.level1 or "").strip(),
                (f.level2 or "").strip(),
                (f.name or "").strip(),
                merged_target(self.ctx, facts),
                f.formula,
                f.basis,
            ),
            f.weight,
        )
        if facts.category == "input" or _EXECUTION.search(facts.subject):
            return [self._removed(d, "预算执行率在自评表中单独计分，不作为绩效指标", codes)]
        if d.text.target != (f.target or "").strip():
            d.note("把指标性质、度量单位并入指标值")
        written = self.ctx.document.indicators[ind.index].fields
        if self.ctx.layout.names_in_level2 and (written.name or "").strip() != d.text.name:
            d.note(
                "二级指标栏写的是指标名称、三级指标栏写的是计算公式：分别移到三级指标和计算公式",
                "IA411",
            )
        self._formula_as_name(d, facts)
        self._categories(d, facts, codes)
        self._name(d, facts, codes)
        numbered = has_number(d.text.target)
        # a process measure is replaced or removed even with a number: the reason says why
        if "IA451" in codes or self.ctx.packs.process_re.search(facts.subject):
            replaced = self._replace_process(d, codes, before)
            if replaced is not None:
                return [replaced]
        vague_target = bool(codes & {"IA101", "IA151", "IA152"})
        if not numbered and ("IA102" in codes or vague_target):
            replaced = self._replace_vague(d, facts, codes, before)
            if replaced is not None:
                return [replaced]
            if vague_target and blank_form(self.ctx, facts, d.text.level1, d.text.level2) is None:
                return [
                    self._removed(
                        d,
                        f"“{d.text.name}”的指标值“{d.text.target}”无法衡量，名称也看不出按什么单位计量，"
                        "指标库中没有对应指标：删去，或改写成有数值、单位和方向的指标"
                        "（指南 §3.7：含糊短语不是目标）",
                        codes | {"IA101"},
                    )
                ]
        parsed = parse_cell(d.text.target, "target")
        if parsed.kind == CellKind.MULTI and sum(c.value is not None for c in parsed.clauses) > 1:
            return self._split(d, facts, parsed.clauses, codes)
        self._target(d, facts, codes)
        if not d.text.basis and f.actual and f.actual.strip():
            d.set(basis=f"历史标准：上年实际完成值 {f.actual.strip()}")
        return [self._finish(d, facts)]

    # -- the row as a whole -------------------------------------------------------------

    def _finish(self, d: Draft, facts: IndicatorFacts) -> Suggestion:
        f = self.ctx.document.indicators[facts.indicator.index].fields  # as written
        same = (
            d.text.level1 == (f.level1 or "").strip()
            and d.text.level2 == (f.level2 or "").strip()
            and d.text.name == (f.name or "").strip()
            and d.text.target == (f.target or "").strip()
            and d.text.formula == f.formula
        )
        status: Status = "kept" if same and not d.reasons else "changed"
        reason = "；".join(d.reasons) if d.reasons else "保留：指标明确、可衡量"
        return d.row(status, reason, tuple(sorted(d.codes)), d.template)

    def _removed(self, d: Draft, reason: str, codes: set[str]) -> Suggestion:
        why = sorted(codes & {"IA101", "IA151", "IA401", "IA451", "IA507", "IA508"})
        return d.row("removed", reason, tuple(why))

    def _formula_as_name(self, d: Draft, facts: IndicatorFacts) -> None:
        """A formula in the name column (故障限时内响应数÷保障数*100%) with what it measures
        in the 二级 column (故障响应及时率): the formula goes to 计算公式, the measure becomes
        the name, and the 二级 label is found again."""
        label = d.text.level2
        if not label:
            return
        fam = self.ctx.packs.family_of(label)
        if label in self.ctx.packs.level2_index and not (
            fam is not None and _is_formula(d.text.name)
        ):
            return  # a category label (质量指标), unless it names a measure (服务对象满意度)
        name_fam = facts.family
        definition = _is_formula(d.text.name) or (
            fam is not None and fam.confident and (name_fam is None or not name_fam.confident)
        )
        if not definition or (fam is None and not _is_formula(d.text.name)):
            return
        if not d.text.formula:
            d.set(formula=d.text.name)
        d.set(name=label, level2="")
        d.note(f"“{label}”是指标名称，“{d.text.formula}”是计算公式：分别写入三级指标和计算公式")

    def _categories(self, d: Draft, facts: IndicatorFacts, codes: set[str]) -> None:
        v = self.v
        raw1 = (facts.indicator.fields.level1 or "").strip()
        if facts.is_satisfaction or (
            self.ctx.packs.family_of(d.text.name) is not None
            and (
                self.ctx.packs.family_of(d.text.name).name == "satisfaction"  # type: ignore[union-attr]
            )
        ):
            if d.text.level1 != v.satisfaction:
                d.note("满意度调查属满意度指标，不属效益或产出：移到满意度指标", "IA403")
            d.set(level1=v.satisfaction)
        elif "IA404" in codes:
            d.set(level1=v.output, level2="质量指标")
            d.note("衡量的是产出质量：移到产出指标/质量指标", "IA404")
        elif "IA408" in codes:
            d.set(level1=v.output, level2="质量指标")
            d.note("衡量的不是成本：移到产出指标/质量指标", "IA408")
        elif not d.text.level1:
            d.set(level1=v.output)
            d.note("一级指标不可识别，按内容归入产出指标", *sorted(codes & {"IA401"}))
        if (
            d.text.level1 != raw1
            and "IA401" in codes
            and d.text.level1 == v.level1.get(facts.category or "")
        ):
            d.note(f"一级指标改为标准写法“{d.text.level1}”", "IA401")
        if "IA405" in codes:
            d.set(level1=v.cost)
            d.note("经济/社会/生态环境成本属一级“成本指标”", "IA405")
        key = next((k for k, label in v.level1.items() if label == d.text.level1), "output")
        allowed = v.level2.get(key, ())
        if d.text.level2 not in allowed:
            known = self.ctx.packs.level2_index.get(d.text.level2)
            label = known[1] if known is not None and known[1] in allowed else None
            new = label or self._level2_for(d.text.level1, d.text.name, facts, allowed)
            if d.text.level2 != new:
                why = "二级指标改为标准类别" if d.text.level2 else "补上二级指标"
                d.note(f"{why}“{new}”", *sorted(codes & {"IA402"}))
            d.set(level2=new)

    def _level2_for(
        self, level1: str, name: str, facts: IndicatorFacts | None, allowed: Sequence[str]
    ) -> str:
        """The standard 二级 label an indicator of this name belongs to."""
        v = self.v
        if level1 == v.satisfaction:
            return v.satisfaction_level2
        if level1 == v.cost:
            return v.cost_level2
        found = v.signal(name, tuple(allowed))
        if found is not None:
            return found
        if level1 == v.outcome:
            return "社会效益指标"
        fam = facts.family if facts is not None else None
        if fam is not None and fam.name in ("count", "people", "area", "length"):
            return "数量指标"
        return "质量指标"

    def _name(self, d: Draft, facts: IndicatorFacts, codes: set[str]) -> None:
        name = _ENUMERATOR.sub("", d.text.name)
        if name != d.text.name and name:
            d.note("删去名称前的序号")
        else:
            name = d.text.name
        if "IA202" in codes:
            cleaned = self._name_residue(name)
            if cleaned and cleaned != name:
                name = cleaned
                d.note("删去名称中的模板残留", "IA202")
        if "IA604" in codes:
            parsed = parse_cell(name, "sentence")
            numbered = [c for c in parsed.clauses if c.value is not None]
            if numbered and numbered[-1].span.end <= len(name):
                c = numbered[-1]
                stripped = (name[: c.span.start] + name[c.span.end :]).strip()
                if stripped and parsed.first is not None and parsed.first.subject:
                    stripped = parsed.first.subject
                if len(stripped) >= _NAME_MIN:
                    name = stripped
                    d.note("名称只写衡量的量，数值以指标值为准", "IA604")
        name = name.strip(" *＊★☆")
        if "IA102" in codes and has_number(d.text.target):
            # 巩固提升受益人口 ≥12600人: the intent words go, what is counted stays
            rest = self.v.opening_stripped(name)
            if rest != name and self.ctx.packs.measurable_re.search(rest):
                name = rest
                d.note("名称去掉“提升、保障”一类意图词，只写衡量的量", "IA102")
        if facts.is_satisfaction and "IA104" in codes:
            named = self.ctx.satisfaction_name(name)
            if named != name:
                name = named
                d.note(f"写明被调查群体：“{named}”", "IA104")
        if name != d.text.name and not d.reasons:
            d.note("整理名称")
        d.set(name=name)

    def _name_residue(self, name: str) -> str:
        """The name without template residue: (≥**%), ≥XX人 and the like."""
        res = self.v.residue_re.pattern
        bracketed = rf"[(（]\s*[≥≤<>=]*\s*(?:{res})+\s*[^()（）\d]{{0,4}}\s*[)）]"
        bare = rf"[≥≤<>=]*\s*(?:{res}){{1,}}\s*[%％]?"
        out = re.sub(bracketed, "", name)
        if out == name:
            out = re.sub(bare, "", name)
        return out.strip()

    # -- a row replaced by a library entry (only when it has no number) -----------------

    def _replace_process(
        self, d: Draft, codes: set[str], before: Sequence[Suggestion]
    ) -> Suggestion | None:
        ctx = self.ctx
        why = "过程或投入指标不衡量产出和效果"
        cost = ctx.is_cost(d.text.level1, d.text.level2)
        candidates = [
            t
            for t in ctx.entries()
            if not ctx.covered(t, before)
            and (
                (cost and ctx.is_cost(*ctx.place(t)))
                or (not cost and ctx.place(t) == (d.text.level1, d.text.level2))
            )
        ]
        if not candidates:
            return self._removed(d, f"{why}，删去（预算执行在自评表中单独反映）", codes | {"IA451"})
        t = candidates[0]
        row = ctx.from_entry(t, f"{why}：改为本类项目的“{t.name}”", ["IA451"], None)
        return _in_place_of(d, row, codes & {"IA451", "IA452", "IA406"})

    def _replace_vague(
        self, d: Draft, facts: IndicatorFacts, codes: set[str], before: Sequence[Suggestion]
    ) -> Suggestion | None:
        """An intent written as a name (减轻…负担, 保证…运转): the library's measurable form,
        from the same 一级 category (an outcome stays an outcome)."""
        ctx = self.ctx
        text = facts.subject + " " + (facts.indicator.fields.target or "")
        t = next(
            (
                cand
                for cand in ctx.template.indicators
                if ctx.place(cand)[0] == d.text.level1
                and has_word(cand.answers, text)
                and not ctx.covered(cand, before)
            ),
            None,
        )
        if t is None:
            return None
        row = ctx.from_entry(
            t, f"名称“{facts.subject}”只表达意图，无法衡量：改为可计量的“{t.name}”", ["IA102"], None
        )
        return _in_place_of(d, row, codes & {"IA101", "IA102", "IA151"})

    # -- one row per level --------------------------------------------------------------

    def _split(
        self, d: Draft, facts: IndicatorFacts, parts: Sequence[Clause], codes: set[str]
    ) -> list[Suggestion]:
        subject = d.text.name
        wanted = facts.wanted_direction or (
            f.direction
            if (f := self.ctx.packs.family_of(subject)) is not None and f.confident
            else None
        )
        op_default = self.v.symbol(wanted or "")
        out: list[Suggestion] = []
        for c in parts:
            qualifier = "".join(c.qualifiers)
            name = subject
            if qualifier:
                # 一级故障 + 平均故障恢复时间 → 一级故障平均恢复时间
                tail = qualifier[-2:]
                rest = subject.replace(tail, "", 1) if len(qualifier) > 2 else subject
                name = f"{qualifier}{rest}"
            op = self.v.comparator_symbol(c.comparator) if c.comparator is not None else op_default
            if c.value is not None:
                target = f"{op}{quantity(c)}"
            else:
                target = (
                    blank_form(self.ctx, facts, d.text.level1, d.text.level2) or c.placeholder or ""
                )
            reason = (
                f"一个单元格写了 {len(parts)} 个目标，拆成每级一个指标；"
                f"“{qualifier}”单独计分" + ("，并写明 ≤ 上限" if op == "≤" else "")
            )
            out.append(
                Suggestion(
                    status="changed",
                    level1=d.text.level1,
                    level2=d.text.level2,
                    name=name,
                    target=target,
                    formula=d.text.formula,
                    basis=d.text.basis or "计划标准：合同 SLA 按级别约定的时限",
                    reason="；".join([*d.reasons, reason]),
                    replaces=d.index,
                    codes=tuple(sorted(set(d.codes) | (codes & {"IA509", "IA301", "IA802"}))),
                    weight=d.weight,  # divided between the parts by suggest.weights
                )
            )
        return out

    # -- the target ---------------------------------------------------------------------

    def _target(self, d: Draft, facts: IndicatorFacts, codes: set[str]) -> None:
        ctx = self.ctx
        text = d.text.target
        parsed = parse_cell(text, "target")
        cost = ctx.is_cost(d.text.level1, d.text.level2)
        actual = facts.indicator.fields.actual
        money = any(
            c.unit is not None and c.unit.dimension in ("magnitude", "money")
            for c in parsed.clauses
        )
        numbered = has_number(text)
        if cost and not money and not numbered and ("IA452" in codes or "IA406" in codes):
            form = ctx.budget if ctx.budget and "总" in d.text.name else f"≤{BLANK}万元"
            if "IA406" in codes:
                d.set(name="项目总成本")
                form = ctx.budget or f"≤{BLANK}万元"
            d.set(target=form)
            d.note("成本指标写金额上限", *sorted(codes & {"IA452", "IA406"}))
            return
        if "IA201" in codes or parsed.kind == CellKind.PLACEHOLDER:
            residue = self.v.residue_re.sub(BLANK, text)
            if not re.match(r"^[≥≤=<>]", residue) or residue.endswith(BLANK):
                residue = blank_form(ctx, facts, d.text.level1, d.text.level2) or residue
            d.set(target=residue)
            d.note("模板占位符改为待填写的空白“__”", "IA201")
            return
        if "IA407" in codes:
            spans = [(c.date, c.date_end) for c in parsed.clauses if c.date_end is not None]
            d.set(target=_period_end(*spans[0]) if spans else "____年__月底前")
            d.note("期间不是时限：写成完成时限", "IA407")
            return
        blank_codes = codes & {"IA101", "IA151", "IA152", "IA353", "IA702"}
        if (blank_codes and not (numbered and blank_codes <= {"IA353", "IA702"})) or not text:
            self._blank(d, facts, blank_codes, actual, numbered)
            return
        clause = parsed.first if len(parsed.clauses) == 1 else None
        if clause is None or clause.value is None:
            return
        fix_quantity(ctx, d, facts, clause, codes)

    def _blank(
        self,
        d: Draft,
        facts: IndicatorFacts,
        blank_codes: set[str],
        actual: str | None,
        numbered: bool,
    ) -> None:
        """A target with nothing measurable: the blank form to fill (a number written in it
        stays: 100%满意度 becomes a question, not a loss)."""
        if numbered:
            return
        blank = blank_form(self.ctx, facts, d.text.level1, d.text.level2)
        if blank is None:
            d.note("写出可衡量的数值、单位和方向（指标库中没有可参照的单位）", *sorted(blank_codes))
            return
        filled = from_actual(blank, actual) if "IA702" not in blank_codes else None
        d.set(target=filled if filled is not None else blank)
        what = {
            "IA101": "含糊短语不是目标",
            "IA151": "没有数值",
            "IA152": "指标值为空",
            "IA353": "数值超出可能范围",
            "IA702": "满意度 100% 不可信",
        }
        shown = "、".join(what[c] for c in sorted(blank_codes)) or "指标值为空"
        extra = "（按上年实际值填入）" if filled else "（__ 按设定依据填写）"
        d.note(f"{shown}：写成“{d.text.target}”{extra}", *sorted(blank_codes))
        if facts.is_satisfaction and not d.text.basis:
            d.set(basis="行业标准：满意度目标多为 85%–95%，以 ≥90% 为常见（指南 §3.12）")


def _period_end(start: DateValue | None, end: DateValue) -> str:
    """The deadline a period ends on: "2024年3月-11月" → "2024年11月底前" (the end takes the
    start's year when it leaves it out), "2024年3月至11月30日" → "2024年11月30日前"."""
    text = end.text
    if end.year is None and start is not None and start.year is not None:
        text = f"{start.year}年{text}"
    return f"{text}前" if end.day is not None else f"{text}底前"
