"""When two rows measure the same thing, whatever their wording: additions must never repeat a
row already in the table or another addition (`覆盖率` and `覆盖比例`, `巡检次数` and
`全年巡检次数`).

Two names mean the same when, once spaces, brackets, the words of two characters or more that
concepts.yaml calls meaningless (全年, 完成, 项目 …) and the measure word (数量, 次数, 个数) are
gone, one is the other or contains it whole, and their targets count the same kind of quantity
(a count is not a rate). Pairs of characters are not enough: 一级故障恢复时间 and 二级故障恢复时间
share all but one and are two rows.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indicator_audit.packs.load import Packs
from indicator_audit.packs.templates import BLANK
from indicator_audit.parse.grammar import parse_cell

_NOISE = re.compile(r"[\s()（）【】\[\]*＊★☆“”\"'、，,。；;:：/]")
_MEASURE = re.compile(r"(?:数量|次数|个数|项数|份数|人数|台数|数)$")
_CONTAINED = 3  # the shorter name must keep at least this many characters to be contained


@lru_cache(maxsize=4096)
def _dimension(target: str) -> str | None:
    clause = parse_cell(target.replace(BLANK, "1"), "target").first
    if clause is None:
        return None
    if clause.date is not None or target.startswith("____"):
        return "date"
    if clause.unit is None:
        return None
    return "count" if clause.unit.dimension == "people" else clause.unit.dimension


class MeaningIndex:
    def __init__(self, packs: Packs) -> None:
        # one-character stopwords (的, 使, 率) would cut words in two: only longer ones go
        words = sorted((w for w in packs.concepts.stopwords if len(w) > 1), key=len, reverse=True)
        self._stop = re.compile("|".join(re.escape(w) for w in words) or "(?!x)x")
        self._keys: dict[str, str] = {}

    def key(self, name: str) -> str:
        """What a name measures, as comparable text."""
        found = self._keys.get(name)
        if found is None:
            text = _NOISE.sub("", name)
            stripped = self._stop.sub("", text)
            text = _MEASURE.sub("", stripped or text) or text
            found = self._keys[name] = text
        return found

    def same(self, name: str, target: str, other: str, other_target: str) -> bool:
        a, b = self.key(name), self.key(other)
        if not a or not b:
            return False
        da, db = _dimension(target), _dimension(other_target)
        if da is not None and db is not None and da != db:
            return False
        if a == b:
            return True
        short, long = sorted((a, b), key=len)
        return len(short) >= _CONTAINED and short in long
