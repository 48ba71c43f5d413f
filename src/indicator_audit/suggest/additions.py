"""Rows added to the table: a quantity a goal states, a budget-content item nothing measures,
a core entry of the project type's sector library, a category the framework requires.

An addition never repeats a row already in the table or another addition (by meaning, see
meaning.py), never builds a name from pieces of a goal sentence, and never invents a number:
its target is the document's own number or a marked blank (≥__次) with the basis to fill it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from indicator_audit.core.clauses import clauses
from indicator_audit.parse.grammar import parse_cell
from indicator_audit.suggest.context import Context
from indicator_audit.suggest.rows import Suggestion
from indicator_audit.suggest.targets import quantity

_GOAL_QUANTITY = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|[\u3400-\u9fff]{1,3})")
_AT_MOST = re.compile(r"(不少于|不低于|达到|不超过|以内|≥|≤)\s*$")
_CONTENT_MAX = 12  # a content item longer than this is a sentence, not a thing to count


class Additions:
    def __init__(self, ctx: Context, rows: list[Suggestion]) -> None:
        self.ctx = ctx
        self.rows = rows
        self.added: list[Suggestion] = []

    def current(self) -> list[Suggestion]:
        return self.rows + self.added

    def _add(self, row: Suggestion) -> None:
        """Add the row unless a row of the table already means the same thing."""
        meanings = self.ctx.meanings
        for r in self.current():
            if r.status != "removed" and meanings.same(row.name, row.target, r.name, r.target):
                return
        self.added.append(row)

    def run(self) -> list[Suggestion]:
        self._goal_quantities()
        self._content()
        self._goals()
        self._library_core()
        self._structure()
        return self.added

    def _messages(self, code: str, pattern: str) -> list[str]:
        out: list[str] = []
        for f in self.ctx.doc_findings:
            if f.rule != code:
                continue
            m = re.search(pattern, f.message)
            if m is not None and m.group(1) not in out:
                out.append(m.group(1))
        return out

    def _goal_quantities(self) -> None:
        """A quantity a goal states (280人次, 70%) becomes a target when the goal names what
        it counts in words of its own (受益人口 12600人); otherwise the goal is left to IA601."""
        ctx = self.ctx
        v = ctx.vocab
        have: set[float] = set()
        for r in self.current():
            for c in parse_cell(r.target, "target").clauses:
                if c.value is not None:
                    have.add(round(c.value, 6))
        goals = ctx.document.model.goals
        for text in [*goals.annual, goals.overall or ""]:
            for a, b in clauses(text):
                piece = text[a:b].strip()
                for m in _GOAL_QUANTITY.finditer(piece):
                    q = parse_cell(m.group(0), "target").first
                    if q is None or q.value is None or q.unit is None or q.date is not None:
                        continue
                    if q.unit.dimension in ("unknown", "date", "money"):
                        continue
                    if round(q.value, 6) in have:
                        continue
                    before = piece[: m.start()]
                    cmp = _AT_MOST.search(before)
                    subject = before[: cmp.start()] if cmp else before
                    subject = v.opening_stripped(re.split(r"[,，、]", subject)[-1]).strip()
                    fam = ctx.packs.family_of(subject)
                    measured = ctx.packs.measurable_re.search(subject)
                    rate_done = q.unit.dimension == "rate" and "完成" in piece
                    if len(subject) < 2 or (fam is None and measured is None and not rate_done):
                        continue  # no words of its own for what is counted
                    rate = q.unit.dimension == "rate"
                    done = rate and "完成" in piece and fam is None
                    if done:
                        subject = f"{subject}完成比例"  # 完成主体工程70% → 主体工程完成比例
                    elif rate and not (fam is not None and "rate" in fam.dimensions):
                        continue
                    op = "≤" if cmp and cmp.group(1) in ("不超过", "以内", "≤") else "≥"
                    level1 = v.output
                    if fam is not None and fam.name == "satisfaction":
                        level1 = v.satisfaction
                    elif re.search("收入|增收|受益|产值", subject):
                        level1 = v.outcome
                    key = next(k for k, label in v.level1.items() if label == level1)
                    level2 = ("时效指标" if done else v.signal(subject, v.level2[key])) or (
                        v.satisfaction_level2
                        if level1 == v.satisfaction
                        else ("社会效益指标" if level1 == v.outcome else "数量指标")
                    )
                    have.add(round(q.value, 6))
                    self._add(
                        Suggestion(
                            status="added",
                            level1=level1,
                            level2=level2,
                            name=subject,
                            target=f"{op}{quantity(q)}",
                            formula=None,
                            basis="计划标准：年度目标",
                            reason=f"年度目标写明“{m.group(0).strip()}”，指标中没有：以它为指标值"
                            "（指南 §3.13：目标中的数量应有指标衡量）",
                            replaces=None,
                            codes=("IA603",),
                            answers=piece,
                        )
                    )

    def _content(self) -> None:
        ctx = self.ctx
        for item in self._messages("IA602", r"预算内容“(.+?)”"):
            t = ctx.pick(self.current(), item, ctx.vocab.output) or ctx.pick(self.current(), item)
            if t is not None:
                row = ctx.from_entry(
                    t, f"预算内容“{item}”没有指标衡量：增加“{t.name}”", ["IA602"], item
                )
                if item not in row.name:
                    row = replace(row, name=f"{row.name}（{item}）")  # say what is counted
                self._add(row)
            elif len(item) <= _CONTENT_MAX:
                self._add(self._content_generic(item))

    def _content_generic(self, item: str) -> Suggestion:
        lease = re.search("续租|租用|租赁", item) is not None
        return Suggestion(
            status="added",
            level1=self.ctx.vocab.output,
            level2="数量指标",
            name=f"{item}时长" if lease else f"{item}完成项数",
            target="=__个月" if lease else "≥__项",
            formula=None,
            basis=f"计划标准：预算明细、实施方案或合同中“{item}”的工作量",
            reason=f"预算内容“{item}”没有指标衡量：增加它的产出数量（指南 §3.13：每项预算内容应有指标）",
            replaces=None,
            codes=("IA602",),
            answers=item,
        )

    def _goals(self) -> None:
        """A goal no indicator measures: the library entries that answer it (an outcome
        first), never a name made of the goal's own words."""
        ctx = self.ctx
        for goal in self._messages("IA601", r"目标“(.+?)”没有对应"):
            if any(r.answers and (r.answers in goal or goal in r.answers) for r in self.added):
                continue  # its stated quantity is already a target
            for level in (ctx.vocab.outcome, ctx.vocab.output):
                t = ctx.pick(self.current(), goal, level)
                if t is not None:
                    self._add(
                        ctx.from_entry(
                            t, f"目标“{goal}”没有指标衡量：增加“{t.name}”", ["IA601"], goal
                        )
                    )

    def _library_core(self) -> None:
        ctx = self.ctx
        if not ctx.kind.recognised:
            return  # below the confidence threshold: nothing that depends on the type
        for t in ctx.template.indicators:
            if t.core and not ctx.covered(t, self.current()):
                self._add(
                    ctx.from_entry(
                        t,
                        f"{ctx.template.type}项目常用指标，表中没有",
                        [],
                        f"{ctx.template.type}行业指标库",
                    )
                )

    def _structure(self) -> None:
        """Each category the framework requires is present (IA501-IA504)."""
        ctx = self.ctx
        v = ctx.vocab

        def absolute(r: Suggestion) -> bool:
            if r.level1 != v.output:
                return False
            c = parse_cell(r.target.replace("__", "1"), "target").first
            return (
                c is not None
                and c.unit is not None
                and c.unit.dimension in ("count", "people", "area", "length", "mass", "volume")
            )

        checks: list[tuple[str, str, Callable[[Suggestion], bool]]] = [
            (
                "IA501",
                v.output,
                lambda r: r.level1 == v.output and not ctx.is_cost(r.level1, r.level2),
            ),
            ("IA504", "数量指标", absolute),
            ("IA501", v.outcome, lambda r: r.level1 == v.outcome),
            ("IA503", v.cost, lambda r: ctx.is_cost(r.level1, r.level2)),
            ("IA502", v.satisfaction, lambda r: r.level1 == v.satisfaction),
        ]
        pool = ctx.entries() if ctx.kind.recognised else list(ctx.general.indicators)
        for code, what, present in checks:
            if any(present(r) for r in self.current() if r.status != "removed"):
                continue
            for t in pool:
                if id(t) in ctx.used:
                    continue
                level1, level2 = ctx.place(t)
                probe = Suggestion(
                    status="added",
                    level1=level1,
                    level2=level2,
                    name=t.name,
                    target=t.target,
                    formula=None,
                    basis=None,
                    reason="",
                    replaces=None,
                )
                if present(probe) and not ctx.covered(t, self.current()):
                    label = {"IA504": "产出中没有绝对数量", "IA503": "没有成本指标"}.get(
                        code, f"没有{what}"
                    )
                    self._add(ctx.from_entry(t, f"{label}：增加“{t.name}”", [code], label))
                    break
