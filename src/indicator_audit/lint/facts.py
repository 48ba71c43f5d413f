"""Facts about one indicator that several rules need, computed once and only when asked.

An indicator's target may be split over three cells (指标性质 ≧ | 指标值 735 | 度量单位 人次):
`IndicatorFacts` merges them into one effective comparator, value and unit, and knows which
cell each part came from so findings point at the right place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar, overload

from indicator_audit.core.lazy import lazy
from indicator_audit.core.parsed import CellKind, Clause, Comparator, Direction, ParsedCell, Unit
from indicator_audit.packs.load import Family, Packs
from indicator_audit.parse.grammar import parse_cell, parse_comparator, parse_unit
from indicator_audit.read.document import Cell, Indicator

T = TypeVar("T")
_SPACE = re.compile(r"[\s\u3000*]+")
# Before a name: the form's numbering and marks (指标1: / 指标1. / 指标1 run in / 1、 / （一） /
# 一、 / ① / ★) and 其中: (a part of the row above).
_NAME_LEAD = re.compile(
    r"(?:[\s★☆]+|指标\s*[0-9０-９]{1,2}\s*[:：.．、]?"
    r"|[0-9０-９]{1,2}\s*[、.．)）](?![0-9０-９])"
    r"|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、"
    r"|[①-⑳]|其中\s*[:：]?)+"
)
# After a name: one bracketed tail, a unit or a template hint.
_NAME_TAIL = re.compile(r"\s*[（(]([^（）()]{1,12})[)）]\s*$")
_TEMPLATE_HINT = re.compile(r"\*|＊|[xX]{2}|…|[≥≤<>]")
# A number after 前 that is not a deadline (年底前, 汛前, 节前) cuts a ranking: 全球前1%, 排名前10.
_RANK_CUT = re.compile(r"(?<![底末初汛节年月日旬期时])前$")
# A form's note in a category cell: "数量指标 (必填硬性指标)", "经济效益 指标 （选填）"
_NOTE = re.compile(r"[(（][^()（）]*[)）]")


def has_number(parsed: ParsedCell) -> bool:
    return any(c.value is not None or c.date is not None for c in parsed.clauses)


def has_placeholder(parsed: ParsedCell) -> bool:
    return parsed.kind == CellKind.PLACEHOLDER or any(c.placeholder for c in parsed.clauses)


def clean_label(text: str | None, packs: Packs) -> str:
    """A category label as compared with the taxonomy: no spaces, OCR stars or trailing 等."""
    if not text:
        return ""
    cache = packs.memo.setdefault("clean-label", {})
    found = cache.get(text)
    if isinstance(found, str):
        return found  # the same few labels repeat on every row
    out = _clean_label(text, packs)
    if len(cache) < 10_000:
        cache[text] = out
    return out


def _clean_label(text: str, packs: Packs) -> str:
    out = _SPACE.sub("", _NOTE.sub("", text))
    for suffix in packs.taxonomy.strip_suffixes:
        if out.endswith(suffix) and len(out) > len(suffix) + 1:
            out = out[: -len(suffix)]
    return out


# Facts computed once per distinct value of the cells they depend on, by group:
# group → (key of an indicator's cells → the group's facts by name)
SharedFacts = dict[str, dict[object, dict[str, object]]]


class _Grouped(lazy[T]):
    """A fact that depends only on the cells of its group (the category labels, the name, or
    the target and its comparator and unit columns). The first time any fact of a group is
    asked of an indicator, every fact of the group is computed, in the order the class
    declares them, and kept for the next indicator with the same cells: large tables repeat
    their labels, names and targets, and one lookup then stands for a dozen computations."""

    def __init__(self, func: Callable[[Any], T], group: str) -> None:
        super().__init__(func)
        self.group = group

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        members = owner.__dict__.get("_GROUPS")
        if members is None:
            members = {}
            type.__setattr__(owner, "_GROUPS", members)
        members.setdefault(self.group, []).append((name, self.func))

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _Grouped[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | _Grouped[T]:
        if instance is None:
            return self
        assert isinstance(instance, IndicatorFacts)
        instance._fill(self.group)
        d = instance.__dict__
        try:
            value: T = d[self.name]
        except KeyError:
            # not computed by the fill: it raised there (and raises here, for the rule that
            # asked), or the fill is under way and this fact comes before one that needs it
            value = d[self.name] = self.func(instance)
        return value


def grouped(group: str) -> Callable[[Callable[[Any], T]], _Grouped[T]]:
    """Declare a fact of `group` ("labels", "name" or "target"; see _Grouped)."""

    def wrap(func: Callable[[Any], T]) -> _Grouped[T]:
        return _Grouped(func, group)

    return wrap


class IndicatorFacts:
    _GROUPS: dict[str, list[tuple[str, Callable[[Any], Any]]]]

    def __init__(
        self, indicator: Indicator, packs: Packs, shared: SharedFacts | None = None
    ) -> None:
        self.indicator = indicator
        self.packs = packs
        f = indicator.fields
        self.name = f.name or ""
        self.target = f.target or ""
        self._shared: SharedFacts = shared if shared is not None else {}

    def _fill(self, group: str) -> None:
        f = self.indicator.fields
        if group == "labels":
            key: object = (f.level1, f.level2)
        elif group == "name":
            key = self.name
        else:
            # a unit in the name's trailing brackets stands for an empty 度量单位 column
            key = (self.target, f.comparator, f.unit, None if f.unit else self.name_unit_text)
        table = self._shared.get(group)
        if table is None:
            table = self._shared[group] = {}
        d = self.__dict__
        known = table.get(key)
        if known is not None:
            d.update(known)
            return
        known = table[key] = {}  # before computing: a fact that asks for another finds it
        for name, func in self._GROUPS[group]:
            if name not in d:
                try:
                    d[name] = func(self)
                except Exception:
                    return  # the rest stay to be computed one by one (see grouped.__get__)
            known[name] = d[name]

    # -- categories -------------------------------------------------------------------------

    @grouped("labels")
    def level1_label(self) -> str:
        return clean_label(self.indicator.fields.level1, self.packs)

    @grouped("labels")
    def level2_label(self) -> str:
        return clean_label(self.indicator.fields.level2, self.packs)

    @grouped("labels")
    def level1(self) -> tuple[str, bool] | None:
        """(category key, standard spelling) of the 一级 label; None when unknown."""
        return self.packs.level1_index.get(self.level1_label)

    @grouped("labels")
    def level2(self) -> tuple[str, str, bool] | None:
        return self.packs.level2_index.get(self.level2_label)

    @grouped("labels")
    def category(self) -> str | None:
        """output / outcome / satisfaction / cost / input, from 一级, else from 二级."""
        if self.level1 is not None:
            return self.level1[0]
        if self.level2 is not None:
            return self.level2[0]
        return None

    @grouped("labels")
    def subcategory(self) -> str | None:
        """The standard 二级 label, when the 二级 cell is recognisable."""
        return self.level2[1] if self.level2 is not None else None

    # -- parsed cells ------------------------------------------------------------------------

    @grouped("name")
    def name_span(self) -> tuple[int, int]:
        """Where the name proper stands in the name cell: without the form's numbering and
        marks before it (指标1:, 1、, （一）, ①, ★, 其中:) and a unit or a template hint in
        brackets after it (主导制修订项目数量(项), 培训人数(≥**人))."""
        name = self.name
        lead = _NAME_LEAD.match(name)
        start = lead.end() if lead else 0
        end = len(name.rstrip())
        tail = _NAME_TAIL.search(name, start)
        if tail is not None and tail.start() > start:
            inner = tail.group(1)
            if _TEMPLATE_HINT.search(inner) or parse_unit(inner) is not None:
                end = tail.start()
        return start, end

    @grouped("name")
    def name_body(self) -> str:
        start, end = self.name_span
        return self.name[start:end]

    @grouped("name")
    def name_unit_text(self) -> str | None:
        """The unit written in the name's trailing brackets: "数量(项)" → "项"."""
        _, end = self.name_span
        tail = _NAME_TAIL.match(self.name, end)
        if tail is None or _TEMPLATE_HINT.search(tail.group(1)):
            return None
        return tail.group(1).strip()

    @grouped("name")
    def is_part(self) -> bool:
        """A `其中:` row: a part of the row above, not an indicator of its own."""
        lead = _NAME_LEAD.match(self.name)
        return lead is not None and "其中" in lead.group(0)

    @grouped("name")
    def name_parsed(self) -> ParsedCell:
        return parse_cell(self.name_body, "sentence")

    @grouped("target")
    def target_parsed(self) -> ParsedCell:
        return parse_cell(self.target, "target")

    @lazy
    def actual_parsed(self) -> ParsedCell | None:
        actual = self.indicator.fields.actual
        return parse_cell(actual, "target") if actual else None

    @grouped("target")
    def comparator_column(self) -> Comparator | None:
        text = self.indicator.fields.comparator
        return parse_comparator(text) if text else None

    @grouped("target")
    def unit_column(self) -> Unit | None:
        """The 度量单位 column, or the unit in the name's trailing brackets when it is empty."""
        text = self.indicator.fields.unit or self.name_unit_text
        return parse_unit(text) if text else None

    @property
    def unit_field(self) -> str:
        """Where unit_column was written: its own column, or the name."""
        return "unit" if self.indicator.fields.unit else "name"

    @grouped("target")
    def clause(self) -> Clause | None:
        """The target's clause when it has exactly one (multi-level cells have several)."""
        parsed = self.target_parsed
        if parsed.error is not None or len(parsed.clauses) != 1:
            return None
        return parsed.clauses[0]

    @grouped("target")
    def comparator(self) -> tuple[Comparator, str] | None:
        """The effective comparator and the field it was written in."""
        clause = self.clause
        if clause is not None and clause.comparator is not None:
            return clause.comparator, "target"
        if self.comparator_column is not None:
            return self.comparator_column, "comparator"
        return None

    @grouped("target")
    def unit(self) -> tuple[Unit, str] | None:
        clause = self.clause
        if clause is not None and clause.unit is not None:
            return clause.unit, "target"
        if self.unit_column is not None:
            return self.unit_column, self.unit_field
        return None

    @property
    def value(self) -> float | None:
        clause = self.clause
        return clause.value if clause is not None else None

    @grouped("target")
    def is_quantity(self) -> bool:
        return self.target_parsed.kind in (CellKind.QUANTITY, CellKind.RANGE) and (
            self.value is not None
        )

    @grouped("target")
    def dimension(self) -> str | None:
        u = self.unit
        return u[0].dimension if u is not None else None

    @grouped("target")
    def target_quantified(self) -> bool:
        """The target has a number, a date or a placeholder for one."""
        return has_number(self.target_parsed) or has_placeholder(self.target_parsed)

    @grouped("target")
    def target_vague(self) -> re.Match[str] | None:
        """The first vague phrase (else word) of a target with no number: 明显提升, 有效."""
        if not self.target.strip() or self.target_quantified:
            return None
        packs = self.packs
        return packs.vague_phrase_re.search(self.target) or packs.vague_word_re.search(self.target)

    @grouped("target")
    def is_percent(self) -> bool:
        u = self.unit
        return u is not None and u[0].dimension == "rate" and u[0].canonical == "%"

    # -- meaning -----------------------------------------------------------------------------

    @grouped("name")
    def name_qualified(self) -> bool:
        """The number in the name qualifies what it measures rather than setting a target:
        the text after it holds the name's head, of another dimension than the number
        (产后7天访视率, 72小时响应率, 7天访视人数). Two such names differing only in the number
        are different measures, and the number is not a target the target cell must repeat."""
        clauses = self.name_parsed.clauses
        if len(clauses) != 1:
            return False
        (clause,) = clauses
        if clause.value is None or clause.comparator is not None:
            return False
        if clause.unit is None and self.packs.designation_re.search(self.name_body):
            return True  # 小（1）型水库, 3A级景区: the number names a class
        if not clause.tail:
            return False
        if _RANK_CUT.search(clause.subject or ""):
            return True  # 进入ESI全球前1%学科数, 全国前10名的企业数量: a rank cut says which ones count
        head = self.packs.family_of(clause.tail)
        if head is None:
            return False
        return clause.unit is None or clause.unit.dimension not in head.dimensions

    @grouped("name")
    def subject(self) -> str:
        """The name without embedded targets: what the indicator measures."""
        if self.name_qualified:
            return self.name_body
        first = self.name_parsed.first
        if first is not None and first.subject:
            return first.subject
        return self.name_body

    @grouped("name")
    def name_vague(self) -> re.Match[str] | None:
        """The vague verb of a name that states an intention and nothing measurable
        (保障单位正常运转), a vague target phrase written into the name (知晓率显著提升), or
        the principle a name ends in (…为采购原则); None where a measurable thing follows the
        verb (路灯维护经费)."""
        subject = self.subject
        packs = self.packs
        phrase = packs.vague_phrase_re.search(subject)
        if phrase is not None and len(phrase.group(0)) >= 4:
            return phrase  # 知晓率显著提升: a vague target written into the name
        principle = packs.principle_head_re.search(subject)
        if principle is not None:
            return principle  # 以公开透明为采购原则: a way of working, nothing to count
        verb = packs.vague_verb_re.search(subject)
        if verb is None or packs.names_measurable(subject):
            return None
        return None if has_number(self.name_parsed) else verb

    @grouped("name")
    def family(self) -> Family | None:
        fam = self.packs.family_of(self.subject)
        money = fam is not None and fam.name in ("cost", "unit-cost")
        if money and self.packs.process_re.search(self.subject):
            return None  # 资金支出进度: how the money moves, not what something cost
        return fam

    @grouped("name")
    def wanted_direction(self) -> str | None:
        """min / max / exact when the family says so confidently, else None."""
        fam = self.family
        if fam is None or not fam.confident or fam.direction == "none":
            return None
        return fam.direction

    @grouped("name")
    def is_satisfaction(self) -> bool:
        fam = self.family
        return fam is not None and fam.name == "satisfaction"

    def cell(self, field: str) -> Cell | None:
        return self.indicator.cells.get(field)


def direction_of(comparator: Comparator) -> str:
    """Fold strict comparators into the direction they ask for."""
    d = comparator.direction
    if d in (Direction.MIN, Direction.ABOVE):
        return "min"
    if d in (Direction.MAX, Direction.BELOW):
        return "max"
    return "exact"
