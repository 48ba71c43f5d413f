"""The rows of a revised table: what `suggest` returns and every later step reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from indicator_audit.suggest.project_type import ProjectType

Status = Literal["kept", "changed", "added", "removed"]


@dataclass(frozen=True, slots=True)
class Suggestion:
    status: Status
    level1: str
    level2: str
    name: str
    target: str
    formula: str | None
    basis: str | None
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
    """A mutable row while rewriting one indicator."""

    index: int
    level1: str
    level2: str
    name: str
    target: str
    formula: str | None
    basis: str | None
    weight: float | None = None
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    template: str | None = None

    def row(
        self, status: Status, reason: str, codes: tuple[str, ...], template: str | None = None
    ) -> Suggestion:
        """This draft as a row of the revised table."""
        return Suggestion(
            status,
            self.level1,
            self.level2,
            self.name,
            self.target,
            self.formula,
            self.basis,
            reason,
            self.index,
            codes,
            None,
            template,
            self.weight,
        )

    def note(self, reason: str, *codes: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        for code in codes:
            if code not in self.codes:
                self.codes.append(code)
