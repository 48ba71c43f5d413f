"""The rows of a revised table: what `suggest` returns and every later step reads."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from indicator_audit.suggest.project_type import ProjectType

Status = Literal["kept", "changed", "added", "removed"]


@dataclass(frozen=True, slots=True)
class RowText:
    """The cells a row of the revised table writes: its categories, name, target, formula and basis."""

    level1: str
    level2: str
    name: str
    target: str
    formula: str | None
    basis: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion(RowText):
    """One row of the revised table; built with keywords (its cells come from RowText)."""

    status: Status
    reason: str
    replaces: int | None  # index of the indicator this row rewrites; None for an added row
    codes: tuple[str, ...] = ()  # finding codes that motivated the row
    answers: str | None = None  # the goal clause, content item or finding it answers
    template: str | None = None  # library entry id, for rows taken from a sector library
    weight: float | None = None  # 权重 / 分值: the input's, or given by suggest.weights


@dataclass(frozen=True, slots=True)
class WeightNote:
    """How the weights of one 一级 category were kept or redistributed, for people."""

    level1: str
    total: float | None
    text: str


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    project_type: ProjectType
    rows: tuple[Suggestion, ...]
    weight_notes: tuple[WeightNote, ...] = ()
    # the goals as the revised document writes them: template residue (**) in a goal becomes
    # the marked blank __ (IA204); None when the goals stand as written
    goals: tuple[str | None, tuple[str, ...]] | None = None

    @property
    def table(self) -> list[Suggestion]:
        """The revised table: every row but the removed ones, in order."""
        return [r for r in self.rows if r.status != "removed"]


@dataclass
class Draft:
    """A mutable row while rewriting one indicator: its cells are replaced, never edited."""

    index: int
    text: RowText
    weight: float | None = None
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    template: str | None = None

    def set(self, **cells: str) -> None:
        """Write some of the row's cells (level1=…, target=…)."""
        self.text = replace(self.text, **cells)

    def row(
        self, status: Status, reason: str, codes: tuple[str, ...], template: str | None = None
    ) -> Suggestion:
        """This draft as a row of the revised table."""
        t = self.text
        return Suggestion(
            level1=t.level1,
            level2=t.level2,
            name=t.name,
            target=t.target,
            formula=t.formula,
            basis=t.basis,
            status=status,
            reason=reason,
            replaces=self.index,
            codes=codes,
            template=template,
            weight=self.weight,
        )

    def note(self, reason: str, *codes: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        for code in codes:
            if code not in self.codes:
                self.codes.append(code)
