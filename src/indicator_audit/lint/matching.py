"""Which indicator of one table is which of another: matching by meaning, not by spelling.

A year's table and the next rarely spell an indicator alike: numbering is added (`指标1:`,
`（一）`, `①`), words are swapped for synonyms (满意率/满意度) or reordered (困难学生资助人数 /
资助困难学生人数). Names are reduced to a canonical form (rules/comparison.yaml: prefixes,
synonyms, filler words; full-width folded, years and punctuation dropped) and matched one to
one, first on equal canonical names, then on the same characters in another order within the
same indicator family. Nothing looser: a false match (学生满意度 taken for 家长满意度) would
make every comparison after it wrong, and an unmatched pair only costs a comparison.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from indicator_audit.lint.facts import IndicatorFacts
from indicator_audit.packs.load import Packs
from indicator_audit.parse.grammar import parse_cell

How = Literal["name", "reordered"]

# compiled with each NameMatcher (a check that compares no names makes none)
_YEAR = r"(?:19|20)\d\d\s*(?:[-—~至]\s*(?:19|20)?\d\d\s*)?年度?"
_DROP = r"[\s\u3000*＊、，,。.：:;；!！?？\"'“”‘’()（）\[\]【】《》<>〈〉{}/\\|·•_\-—~～]+"


@dataclass(frozen=True, slots=True)
class Match:
    """Indicator `current` of one table is indicator `other` of the other table."""

    current: int
    other: int
    how: How


class NameMatcher:
    """Canonical names under one set of packs (made once per Packs, see `name_matcher`)."""

    def __init__(self, packs: Packs) -> None:
        data = packs.comparison
        self.prefix = re.compile("|".join(f"(?:{p})" for p in data.prefixes))
        heads: dict[str, str] = {}
        for group in data.synonyms:
            for word in group:
                heads.setdefault(unicodedata.normalize("NFKC", word), group[0])
        words = sorted(heads, key=lambda w: (-len(w), w))
        self.synonym = re.compile("|".join(re.escape(w) for w in words)) if words else None
        self.heads = heads
        fillers = sorted(set(data.fillers), key=lambda w: (-len(w), w))
        self.filler = re.compile("|".join(re.escape(w) for w in fillers)) if fillers else None
        self.year = re.compile(_YEAR)
        self.drop = re.compile(_DROP)
        self.memo: dict[str, str] = {}

    def strip_prefix(self, name: str) -> str:
        text = name.strip()
        while True:  # numbering can stack: "1、★（一）"
            m = self.prefix.match(text)
            if m is None or not m.group():
                return text
            text = text[m.end() :].lstrip()

    def measure(self, name: str) -> str:
        """What a name measures, as written: numbering dropped, and an embedded target too
        (巡检次数不少于12次 → 巡检次数)."""
        text = self.strip_prefix(name)
        first = parse_cell(text, "sentence").first
        if first is not None and first.subject and first.comparator is not None:
            return first.subject
        return text

    def canonical(self, name: str) -> str:
        """The name reduced to what it measures: 【指标1：】２０２４年度受益群众满意率 → 受益群众满意度."""
        found = self.memo.get(name)
        if found is not None:
            return found
        text = unicodedata.normalize("NFKC", self.measure(name))
        text = self.year.sub("", text)
        text = self.drop.sub("", text)
        if self.synonym is not None:
            heads = self.heads
            text = self.synonym.sub(lambda m: heads[m.group()], text)
        if self.filler is not None:
            stripped = self.filler.sub("", text)
            text = stripped or text  # a name made only of fillers keeps them
        if len(self.memo) < 50_000:
            self.memo[name] = text
        return text


def name_matcher(packs: Packs) -> NameMatcher:
    memo = packs.memo.setdefault("matching", {})
    found = memo.get("matcher")
    if isinstance(found, NameMatcher):
        return found
    made = memo["matcher"] = NameMatcher(packs)
    return made


def _family(canonical: str, packs: Packs) -> str | None:
    fam = packs.family_of(canonical)  # of the folded name: 知晓度 and 知晓率 are one family
    return fam.name if fam is not None else None


def _dimension(f: IndicatorFacts) -> str | None:
    try:
        return f.dimension
    except Exception:  # an unparsable target has no unit to prefer
        return None


def match_indicators(
    current: Sequence[IndicatorFacts], other: Sequence[IndicatorFacts], packs: Packs
) -> list[Match]:
    """One-to-one matches between two tables' indicators, in the current table's order.

    Stage one pairs equal canonical names, stage two the same characters reordered within
    one family. Where a name repeats, the candidate with the same unit dimension is taken
    first, then the earliest."""
    names = name_matcher(packs)
    cur_names = [names.canonical(f.name) for f in current]
    oth_names = [names.canonical(f.name) for f in other]
    taken: set[int] = set()
    found: dict[int, Match] = {}

    def stage(keys_cur: list[object], keys_oth: list[object], how: How) -> None:
        index: dict[object, list[int]] = {}
        for j, key in enumerate(keys_oth):
            if j not in taken and key:
                index.setdefault(key, []).append(j)
        for i, key in enumerate(keys_cur):
            if i in found or not key:
                continue
            candidates = [j for j in index.get(key, ()) if j not in taken]
            if not candidates:
                continue
            dim = _dimension(current[i])
            same = [j for j in candidates if dim is not None and _dimension(other[j]) == dim]
            j = (same or candidates)[0]
            taken.add(j)
            found[i] = Match(i, j, how)

    stage(list(cur_names), list(oth_names), "name")

    def reordered(n: str) -> object:
        return (_family(n, packs), "".join(sorted(n))) if len(n) > 1 else None

    stage([reordered(n) for n in cur_names], [reordered(n) for n in oth_names], "reordered")
    return [found[i] for i in sorted(found)]
