"""Rules over a pair of documents: this year's table against last year's (`--previous`), a
self-evaluation against its declared targets (`--declared`).

Indicators are matched by meaning first (matching.py); the pair rules then read the match
table. Findings stand in the current document; what they compare with is named in the
message (the other file, its line and its value). Like the engine, a rule that raises
becomes one IA002 finding and the others still run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from indicator_audit.core.findings import Finding
from indicator_audit.lint.engine import RunOptions, _finish, _internal_error
from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.lint.matching import Match, match_indicators
from indicator_audit.lint.registry import DocumentContext, Rule
from indicator_audit.packs.load import Packs
from indicator_audit.read.document import Document

Role = Literal["previous", "declared"]
ROLE_NAMES: dict[str, str] = {"previous": "上年", "declared": "申报表"}


class PairContext:
    """What a pair rule sees: both documents (with their facts) and the match table."""

    __slots__ = ("by_current", "by_other", "current", "matches", "other", "role")

    def __init__(
        self, current: DocumentContext, other: DocumentContext, role: Role, matches: list[Match]
    ) -> None:
        self.current = current
        self.other = other
        self.role = role
        self.matches = matches
        self.by_current = {m.current: m for m in matches}
        self.by_other = {m.other: m for m in matches}

    def pairs(self) -> list[tuple[IndicatorFacts, IndicatorFacts]]:
        """(this table's facts, the other's) of every matched indicator, in this table's order."""
        cur, oth = self.current.facts, self.other.facts
        return [(cur[m.current], oth[m.other]) for m in self.matches]

    def where(self, f: IndicatorFacts) -> str:
        """The other document's indicator as the message names it: file and line."""
        return f"{self.other.document.path} 第 {f.indicator.line} 行"

    def indicators_pointer(self) -> str:
        """The pointer of this document's indicators, as written ("/indicators", "/绩效指标")."""
        from indicator_audit.core.model import TargetsDocument, alias_table

        table = alias_table(TargetsDocument)
        for key, _ in getattr(self.current.document.source.root, "items", []):
            if key.value is not None and table.get(key.value) == "indicators":
                return f"/{key.value}"
        return "/indicators"

    def indicators_key(self) -> tuple[int, int]:
        """Where a finding about the table as a whole stands: its indicators key."""
        return self.current.top_key("indicators")


@dataclass(frozen=True, slots=True)
class PairResult:
    findings: list[Finding]
    matches: list[Match]


def run_pair_rules(
    document: Document,
    other: Document,
    role: Role,
    rules: Sequence[Rule],
    packs: Packs,
    options: RunOptions | None = None,
) -> PairResult:
    """The findings of the pair rules for `role` (rules of other scopes are skipped), and the
    match table they were made from."""
    opts = options or RunOptions()
    preset = packs.preset(opts.preset)
    current = DocumentContext(document, packs, preset)
    against = DocumentContext(other, packs, preset)
    matches = match_indicators(current.facts, against.facts, packs)
    ctx = PairContext(current, against, role, matches)
    out: list[Finding] = []
    for rule in rules:
        meta = rule.meta
        if meta.scope != "pair" or meta.against != role:
            continue
        current.rule = meta
        try:
            out.extend(rule.check(ctx))
        except Exception as exc:  # a broken rule must not stop the others
            out.append(_internal_error(meta, exc, ""))
    _finish(out, 0, opts)
    return PairResult(out, matches)
