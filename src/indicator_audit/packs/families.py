"""The families pack (rules/families.yaml), and which family a name belongs to, read from
its head.

A Chinese noun phrase puts its head last: `服务周期内市民对空气质量改善的满意程度` is a degree of
satisfaction (周期 only qualifies it), `平均故障恢复时间` a time, `成本控制率` a rate. So the
family is the one whose word ends last in the name (the longest such word where several end).

A generic head (数量, 次数, 人数, 面积) says how something is counted, not whether more of it is
better: `投诉件数`, `安全事故发生次数` and `病虫害发生面积` count unwanted things and are better
when lower. Work done on an unwanted thing is wanted (`挽回经济损失`, `治理污染面积`): there the
direction is left unsaid rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from indicator_audit.packs.cache import StrictData


@dataclass(frozen=True, slots=True)
class Family(StrictData):
    name: str
    words: list[str]
    direction: Literal["min", "max", "exact", "none"]
    dimensions: list[str]
    confident: bool = True
    unwanted: bool = False  # measures something nobody wants more of (损失, 投诉, 误差率)
    generic: bool = False  # says how something is counted (数量, 次数, 面积), not what
    unitless: bool = False  # a pure number (系数, 指数): no unit is missing
    unit: str | None = None  # the unit of a blank target form (日期: a deadline)


@dataclass(frozen=True, slots=True)
class Heads(StrictData):
    """How a generic head takes the direction of what it counts (see HeadTable)."""

    things: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    inverters: list[str] = field(default_factory=list)
    savers: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Families(StrictData):
    families: list[Family]
    heads: Heads
    satisfaction_groups: list[str]
    satisfaction_generic: list[str]
    satisfaction_credible_max: float
    quality_words: list[str]
    direction_symbols: dict[str, str]
    default_units: dict[str, str]
    outcome_quality_words: list[str] = field(default_factory=list)
    change_verbs: list[str] = field(default_factory=list)
    achievement_rates: list[str] = field(default_factory=list)
    money_heads: list[str] = field(default_factory=list)


def _reversed_words(words: list[str]) -> re.Pattern[str]:
    """The words reversed, longest first: searching a reversed name finds the word that ends
    last in it, and the longest of those."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w[::-1]) for w in unique) or r"(?!x)x")


class HeadTable:
    """The families' words indexed for reading a name's head (a plain class: nothing compares
    or prints one, and a dataclass costs its making at every start)."""

    __slots__ = ("by_word", "derived", "inverters", "links", "savers", "things", "words")

    def __init__(self, families: Families) -> None:
        by_word: dict[str, Family] = {}
        for fam in families.families:
            for word in fam.words:
                by_word.setdefault(word, fam)  # a word listed twice belongs to the first family
        heads = families.heads
        inverters = sorted(heads.inverters, key=len, reverse=True)
        self.words = _reversed_words(list(by_word))
        self.by_word = by_word
        self.things = _reversed_words(heads.things)
        self.links = tuple(sorted(heads.links, key=len, reverse=True))
        # alternations, compiled (and kept by re's cache) only when a name's head asks for them
        self.inverters = "|".join(re.escape(w) for w in inverters) or r"(?!x)x"
        self.savers = "|".join(re.escape(w) for w in heads.savers) or r"(?!x)x"
        self.derived: dict[tuple[str, str], Family] = {}

    def family(self, name: str) -> Family | None:
        m = self.words.search(name[::-1])
        if m is None:
            return None
        fam = self.by_word[m.group(0)[::-1]]
        start = len(name) - m.end()  # where the head starts in the name
        if fam.generic:
            before = self._unlinked(name[:start])
            thing = self.things.match(before[::-1])
            if thing is not None:
                start = len(before) - thing.end()
                fam = self._derive(fam, "unwanted")
        if fam.unwanted and re.compile(self.inverters).search(name, 0, start):
            return self._derive(fam, "undecided")
        if self._capped_money(fam) and re.compile(self.savers).search(name, 0, start):
            return self._derive(fam, "undecided")  # 节约化肥成本: an amount saved, not spent
        return fam

    @staticmethod
    def _capped_money(fam: Family) -> bool:
        """A sum of money the project spends, which a cap limits (成本, 费用, 单价)."""
        return fam.direction == "max" and "money" in fam.dimensions

    def _unlinked(self, text: str) -> str:
        """`text` without the link words at its end (事故发生|次数, 投诉的|件数)."""
        cut = True
        while cut:
            cut = False
            for link in self.links:
                if text.endswith(link) and len(text) > len(link):
                    text = text[: -len(link)]
                    cut = True
        return text

    def _derive(self, fam: Family, how: str) -> Family:
        key = (fam.name, how)
        found = self.derived.get(key)
        if found is None:
            if how == "unwanted":  # 投诉件数: still counted in 件, better when fewer
                found = replace(
                    fam,
                    name=f"unwanted-{fam.name}",
                    direction="max",
                    unwanted=True,
                    generic=False,
                )
            else:  # 挽回经济损失: a unit still expected, a direction not
                found = replace(fam, confident=False)
            self.derived[key] = found
        return found
