"""What a goal clause says: whether it states anything measurable.

Shared by vague-goal (IA103) and goal-not-measured (IA601): a clause that says only 完善,
保障, 提升 is one finding, vague; the alignment rule does not report it again.
"""

from __future__ import annotations

import re

from indicator_audit.packs.load import Packs

_NUMBER_WORD = re.compile(r"[一二两三四五六七八九十百千万]+[个项次台套人所家条座批期场门篇份]")
# 每一个学生 / 每个 / 一个都不能少 say "all", not how many
_QUANTIFIER = re.compile(r"每一?[个位名所户]|一个(?:都|也)")


def has_number_word(text: str) -> bool:
    return _NUMBER_WORD.search(_QUANTIFIER.sub("", text)) is not None


def vague_words(clause: str, packs: Packs) -> list[re.Match[str]]:
    """The vague words of a goal clause that states no quantity; [] when it states one (a
    digit or a number word) or has no vague word."""
    if len(clause.strip()) < 4 or any(ch.isdigit() for ch in clause):
        return []
    words = list(packs.vague_word_re.finditer(clause))
    if not words or has_number_word(clause):
        return []
    return words
