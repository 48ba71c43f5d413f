"""The labels, symbols and words `suggest` writes, read from the packs (rules/): one source each.

`check` reads the same packs: a label, unit or direction symbol that `suggest` writes is one
`check` accepts, and a word added to a pack changes both at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indicator_audit.core.parsed import Comparator
from indicator_audit.packs.load import Family, Packs
from indicator_audit.packs.templates import BLANK
from indicator_audit.parse.transform import lexicon

DATE_UNIT = "日期"  # a family whose blank form is a deadline (families.yaml `unit`)
DEADLINE_FORM = "____年__月底前"


def _alternation(words: list[str]) -> str:
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique) or "(?!x)x"


def _placeholder_pattern(words: tuple[str, ...]) -> str:
    """Template residue (xx, **, ……, 待定), but not the marked blank `__` suggest writes."""
    parts = []
    for w in sorted({w for w in words if w.strip("_")}, key=lambda w: (-len(w), w)):
        part = re.escape(w)
        if w.isascii() and w.isalpha():
            part = rf"(?<![A-Za-z]){part}(?![A-Za-z光射线])"  # not the x of X光
        parts.append(part)
    return "|".join(parts) or "(?!x)x"


@dataclass(frozen=True, slots=True)
class Vocab:
    output: str  # 产出指标
    outcome: str  # 效益指标
    satisfaction: str  # 满意度指标
    cost: str  # 成本指标 (一级 in the 2021 framework)
    level1: dict[str, str]  # category key → 一级 label
    level2: dict[str, tuple[str, ...]]  # category key → its standard 二级 labels
    level2_signals: tuple[tuple[str, re.Pattern[str]], ...]
    symbols: dict[str, str]  # direction → ≥ ≤ = > <
    blank_units: dict[str, str]  # dimension → unit of a blank form
    opener_re: re.Pattern[str]  # vague verbs, modifiers and goal openers at a clause's start
    residue_re: re.Pattern[str]  # template residue in a cell

    @property
    def satisfaction_level2(self) -> str:
        return self.level2["satisfaction"][0]

    @property
    def output_cost_level2(self) -> str:
        """成本指标 as a 二级 of 产出 (the 2020 framework)."""
        return next(label for label in self.level2["output"] if label == self.level1["cost"])

    @property
    def cost_level2(self) -> str:
        """The first 二级 of the 2021 一级 成本指标 (经济成本指标)."""
        return self.level2["cost"][0]

    def symbol(self, direction: str) -> str:
        return self.symbols.get(direction, "")

    def comparator_symbol(self, comparator: Comparator) -> str:
        return self.symbols.get(comparator.direction.value, comparator.op)

    def signal(self, name: str, allowed: tuple[str, ...]) -> str | None:
        """The first 二级 label among `allowed` whose signal word the name contains."""
        for label, pattern in self.level2_signals:
            if label in allowed and pattern.search(name):
                return label
        return None

    def family_unit(self, family: Family | None) -> str | None:
        """The unit of a blank target for this family (日期 for a deadline), if it says."""
        if family is None:
            return None
        return family.unit or self.blank_units.get(family.dimensions[0])

    def blank_form(self, family: Family | None) -> str | None:
        """The target form a family needs with its number left blank: ≥__次, ≤__分钟."""
        unit = self.family_unit(family)
        if family is None or unit is None:
            return None
        if unit == DATE_UNIT:
            return DEADLINE_FORM
        return f"{self.symbol(family.direction) or '≥'}{BLANK}{unit}"

    def opening_stripped(self, text: str) -> str:
        """A clause without the verbs and modifiers it opens with (完成, 进一步提高 …)."""
        rest = text.strip()
        while (m := self.opener_re.match(rest)) is not None and m.end() < len(rest):
            rest = rest[m.end() :]
        return rest


def vocab(packs: Packs) -> Vocab:
    """The vocabulary of these packs (made once per Packs: configuration may change words)."""
    memo = packs.memo.setdefault("suggest.vocab", {})
    found = memo.get("vocab")
    if isinstance(found, Vocab):
        return found
    cats = packs.taxonomy.categories
    lex = packs.lexicon
    made = Vocab(
        output=cats["output"].label,
        outcome=cats["outcome"].label,
        satisfaction=cats["satisfaction"].label,
        cost=cats["cost"].label,
        level1={key: cat.label for key, cat in cats.items()},
        level2={key: tuple(cat.level2) for key, cat in cats.items()},
        level2_signals=tuple(
            (label, re.compile(_alternation(words)))
            for label, words in packs.taxonomy.level2_signals.items()
        ),
        symbols=dict(packs.families.direction_symbols),
        blank_units=dict(packs.families.default_units),
        opener_re=re.compile(
            f"(?:{_alternation(lex.vague_modifiers + lex.vague_verbs + lex.goal_openers)})+"
        ),
        residue_re=re.compile(_placeholder_pattern(lexicon().placeholders)),
    )
    memo["vocab"] = made
    return made
