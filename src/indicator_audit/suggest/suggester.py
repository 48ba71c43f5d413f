"""A revised indicator table for an audited document: every row kept, changed, removed or added.

`suggest(document, findings)` is pure: it reads the document and the findings of its audit and
returns rows, each with the reason for it and the finding codes that motivated it. The steps
are modules of their own: the project type (project_type.py), the rewrite of each indicator
(rewrite.py), the rows added (additions.py), the weights (weights.py); the revised table is
written in the user's format by the report layer (report/revised.py).

Numbers: a target is filled only with a number the document states (its budget, a count in a
goal, the indicator's own value or last year's actual). Anything else stays a marked blank
(`≥__次`) with the basis to fill it from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from indicator_audit.core.findings import Finding
from indicator_audit.packs.load import Packs, default_packs
from indicator_audit.packs.templates import BLANK
from indicator_audit.read.document import Document
from indicator_audit.suggest.additions import Additions
from indicator_audit.suggest.context import Context
from indicator_audit.suggest.project_type import detect_project_type
from indicator_audit.suggest.rewrite import Rewriter
from indicator_audit.suggest.rows import Suggestion, SuggestionSet
from indicator_audit.suggest.targets import numbers
from indicator_audit.suggest.weights import assign_weights

__all__ = ["Suggestion", "SuggestionSet", "suggest"]


def _without_repeats(ctx: Context, rows: list[Suggestion]) -> list[Suggestion]:
    """A rewritten row that means the same as an earlier one is removed (IA507), unless it
    states a number the earlier one does not (a number is never lost)."""
    out: list[Suggestion] = []
    for row in rows:
        same = [
            r
            for r in out
            if r.status != "removed" and ctx.meanings.same(row.name, row.target, r.name, r.target)
        ]
        if row.status != "removed" and same and numbers(row.target) <= numbers(same[0].target):
            row = replace(
                row,
                status="removed",
                reason="与前面的指标重复，删去（财预〔2015〕88号：指标不应重复）",
                codes=tuple(sorted({*row.codes, "IA507"})),
            )
        out.append(row)
    return out


def suggest(
    document: Document,
    findings: Sequence[Finding],
    packs: Packs | None = None,
    project_type: str | None = None,
    preset: str | None = None,
) -> SuggestionSet:
    """The revised indicator table for an audited document (pure: no I/O).

    `project_type` overrides the detected type (a library's type name or alias, as `--type`);
    `preset` names the weight convention of conventions.yaml (the default one otherwise).
    """
    packs = packs or default_packs()
    kind = detect_project_type(document, project_type)
    ctx = Context(document, findings, packs, kind)
    rewriter = Rewriter(ctx)
    rows: list[Suggestion] = []
    for facts in ctx.facts:
        rows.extend(rewriter.rewrite(facts, rows))
    rows = _without_repeats(ctx, rows)
    # IA508: a completion rate that only restates a quantity row is dropped
    restating = {f.indicator for f in findings if f.rule == "IA508" and f.indicator is not None}
    rows = [
        replace(
            r,
            status="removed",
            reason="只是把数量指标换成了完成率，重复计分：删去（质量改用考核合格率等）",
            codes=tuple(sorted({*r.codes, "IA508"})),
        )
        if r.replaces in restating and r.status != "removed"
        else r
        for r in rows
    ]
    added = Additions(ctx, rows).run()
    keys = {label: key for key, label in ctx.vocab.level1.items()}
    execution = document.model.budget_execution
    budget_weight = execution.weight if execution is not None else None
    weighted, notes = assign_weights(rows + added, packs.preset(preset), keys, budget_weight)
    return SuggestionSet(kind, tuple(weighted), tuple(notes), _goals(ctx, findings))


def _goals(ctx: Context, findings: Sequence[Finding]) -> tuple[str | None, tuple[str, ...]] | None:
    """The goals with template residue (IA204) made the marked blank the user fills."""
    if not any(f.rule == "IA204" for f in findings):
        return None
    goals = ctx.document.model.goals
    residue = ctx.vocab.residue_re

    def blank(text: str) -> str:
        return residue.sub(BLANK, text)

    overall = blank(goals.overall) if goals.overall else None
    return overall, tuple(blank(g) for g in goals.annual)
