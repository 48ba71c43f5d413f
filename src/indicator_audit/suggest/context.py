"""What every step of `suggest` reads: the document, its findings by indicator, the packs, the
project type and its sector library, and which library entries the table already uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from indicator_audit.core.findings import Finding
from indicator_audit.lint.facts import IndicatorFacts, SharedFacts
from indicator_audit.lint.layout import read_as_meant
from indicator_audit.packs.load import Packs
from indicator_audit.packs.templates import Template, TemplateIndicator, general_template
from indicator_audit.parse.grammar import parse_cell
from indicator_audit.read.document import Document
from indicator_audit.suggest.meaning import MeaningIndex
from indicator_audit.suggest.project_type import ProjectType
from indicator_audit.suggest.rows import Suggestion
from indicator_audit.suggest.vocab import Vocab, vocab


def has_word(words: Iterable[str], text: str) -> bool:
    return any(w and w in text for w in words)


def budget_target(document: Document) -> str | None:
    """≤ the budget as the document states it (a bare number is in 万元, the forms' unit)."""
    text = (document.model.project.budget or "").strip()
    if not text:
        return None
    clause = parse_cell(text, "target").first
    if clause is None or clause.value is None or clause.value_text is None:
        return None
    if clause.unit is not None and clause.unit.dimension == "money":
        return f"≤{clause.value_text}{clause.unit.text}"
    if clause.unit is None:
        return f"≤{clause.value_text}万元"
    return None


class Context:
    def __init__(
        self,
        document: Document,
        findings: Sequence[Finding],
        packs: Packs,
        kind: ProjectType,
    ) -> None:
        self.document = document
        self.packs = packs
        self.vocab: Vocab = vocab(packs)
        shared: SharedFacts = {}
        # the table as its author meant it (merged labels filled, names in the 二级 column)
        indicators, self.layout = read_as_meant(document.indicators, packs)
        self.facts = [IndicatorFacts(ind, packs, shared) for ind in indicators]
        self.codes: dict[int, set[str]] = {}
        self.doc_findings: list[Finding] = []
        for f in findings:
            if f.indicator is None:
                self.doc_findings.append(f)
            else:
                self.codes.setdefault(f.indicator, set()).add(f.rule)
        self.kind = kind
        self.template: Template = kind.template
        self.general = general_template()
        self.budget = budget_target(document)
        self.used: set[int] = set()  # id() of library entries already in the table
        self.meanings = MeaningIndex(packs)
        # the 2021 framework (成本指标 as a 一级 label) when the document already uses it
        self.cost_level1 = any(f.category == "cost" and f.level1 is not None for f in self.facts)

    # -- library entries ----------------------------------------------------------------

    def entries(self) -> list[TemplateIndicator]:
        """The sector library's entries, then the general ones (type-independent)."""
        return [*self.template.indicators, *self.general.indicators]

    def cost_place(self) -> tuple[str, str]:
        v = self.vocab
        return (v.cost, v.cost_level2) if self.cost_level1 else (v.output, v.output_cost_level2)

    def place(self, t: TemplateIndicator) -> tuple[str, str]:
        v = self.vocab
        if t.level2 == v.output_cost_level2 or t.level1 == v.cost:
            return self.cost_place()
        return t.level1, t.level2

    def is_cost(self, level1: str, level2: str) -> bool:
        return level2 == self.vocab.output_cost_level2 or level1 == self.vocab.cost

    def covered(self, t: TemplateIndicator, rows: Sequence[Suggestion]) -> bool:
        """The entry is in the table already: taken before, or a row measures the same thing."""
        if id(t) in self.used:
            return True
        live = [r for r in rows if r.status != "removed"]
        if any(has_word(t.covers or [t.name], r.name) for r in live):
            return True
        return any(self.meanings.same(t.name, t.target, r.name, r.target) for r in live)

    def from_entry(
        self, t: TemplateIndicator, reason: str, codes: Sequence[str], answers: str | None
    ) -> Suggestion:
        """A library entry as an added row, its blank filled from the budget where it says."""
        self.used.add(id(t))
        level1, level2 = self.place(t)
        target = t.target
        basis = t.basis
        if t.fill == "budget" and self.budget is not None:
            target = self.budget
            basis += "（已按预算填入）"
        return Suggestion(
            status="added",
            level1=level1,
            level2=level2,
            name=t.name,
            target=target,
            formula=t.formula,
            basis=basis,
            reason=f"{reason}（依据：{t.source}）",
            replaces=None,
            codes=tuple(codes),
            answers=answers,
            template=t.id,
        )

    def pick(
        self, rows: Sequence[Suggestion], text: str, level1: str | None = None
    ) -> TemplateIndicator | None:
        """An unused, uncovered sector-library entry whose signal words occur in `text`."""
        for t in self.template.indicators:
            if level1 is not None and self.place(t)[0] != level1:
                continue
            if has_word(t.answers, text) and not self.covered(t, rows):
                return t
        return None

    def satisfaction_name(self, subject: str) -> str:
        group = self.template.satisfaction_group
        for generic in ("服务对象", "社会公众", "群众", "用户"):
            if generic in subject:
                return subject.replace(generic, group, 1)
        return f"{group}{subject}" if subject.startswith("满意") else f"{group}满意度"
