"""From the grammar's pieces to the typed model in parsed.py, plus the unit/period/qualitative
lexicon.

The grammar yields a flat run of items (text, quantity, date, separator). Two steps turn that
into clauses: `Pieces` (parse/pieces.py, a Lark Transformer applied inline while parsing)
makes small piece objects carrying offsets into the compact text; `assemble` groups them into
clauses, decides which text is a qualifier, subject or tail, and maps offsets back to the
original text.
The regex fast path in grammar.py builds the same pieces and calls the same `assemble`, which is
what keeps its results identical to the grammar's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple

from indicator_audit.core.parsed import (
    CellKind,
    Clause,
    Comparator,
    DateValue,
    Direction,
    Formula,
    ParsedCell,
    ParseError,
    Span,
    Unit,
)
from indicator_audit.core.resources import read_resource
from indicator_audit.core.text import normalise
from indicator_audit.packs.cache import cached

Mode = Literal["target", "sentence"]

# ---------------------------------------------------------------------------------------------
# The lexicon (rules/units.yaml), validated once.


@dataclass(frozen=True, slots=True)
class UnitInfo:
    canonical: str
    dimension: str
    scale: float


@dataclass(frozen=True, slots=True)
class Lexicon:
    units: dict[str, UnitInfo]
    points: frozenset[str]
    periods: tuple[str, ...]  # longest first, for prefix matching
    period_set: frozenset[str]
    qualitative: frozenset[str]
    placeholders: tuple[str, ...]
    standard_codes: tuple[str, ...] = ()
    designations: tuple[str, ...] = ()

    def code_pattern(self) -> str:
        """A standard's code (GB 3838-2002, DB11/T 1234, SL258), a document number
        ((2020)10号 once normalised) or a substance's designation (PM2.5, SO2), in compact
        text: names, not quantities."""
        prefixes = flat_pattern(self.standard_codes)
        pattern = (
            rf"(?<![A-Za-z])(?:{prefixes})(?:\d{{2}}/T)?\d+(?:\.\d+)*(?:-\d{{2,4}})?"
            r"|\(\d{4}\)\d+号"
        )
        if self.designations:
            names = flat_pattern(self.designations)
            pattern += rf"|(?<![A-Za-z])(?:{names})\d+(?:\.\d+)?(?![A-Za-z])"
        return pattern

    def unit_pattern(self) -> str:
        """Regex of every unit spelling, matching the longest first; "m" must not eat the
        start of "mm" or of a word. Shaped as a trie: the grammar repeats this pattern in many
        terminals and the lexer compiles it once per parser state, so its size is start-up
        time (a flat alternation of 200 spellings cost a third of a second)."""
        return trie_pattern(self.units, guard_ascii=True)

    def placeholder_pattern(self) -> str:
        return trie_pattern(self.placeholders)


def flat_pattern(words: Iterable[str], guard_ascii: bool = False) -> str:
    """The plain alternation, longest first: what trie_pattern must match exactly like."""
    parts = []
    for word in sorted(set(words), key=lambda s: (-len(s), s)):
        part = _escape(word)
        if guard_ascii and word[-1].isascii() and word[-1].isalpha():
            part += "(?![A-Za-z])"
        parts.append(part)
    return "|".join(parts)


def trie_pattern(words: Iterable[str], guard_ascii: bool = False) -> str:
    """An alternation of `words` as a trie. Greedy continuations are tried before a word may
    end, so at each place the longest word is tried first, then shorter ones on backtracking:
    the same order of candidates as the flat longest-first alternation."""
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any], last: str) -> str:
        branches = [_escape(ch) + emit(child, ch) for ch, child in sorted(node.items()) if ch]
        ends = "" in node
        if not branches:
            return _end(last, guard_ascii) if ends else ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if not ends:
            return body
        end = _end(last, guard_ascii)
        if end:
            return f"(?:{body}|{end})"
        return f"(?:{body})?"

    top = [_escape(ch) + emit(child, ch) for ch, child in sorted(trie.items()) if ch]
    return "|".join(top)


def _escape(text: str) -> str:
    """re.escape, and "/" too: the grammar's terminals are /…/ literals (a unit "/10万")."""
    return re.escape(text).replace("/", "\\/")


def _end(last: str, guard_ascii: bool) -> str:
    return "(?![A-Za-z])" if guard_ascii and last.isascii() and last.isalpha() else ""


@cache
def lexicon() -> Lexicon:
    """rules/units.yaml, validated and indexed (from the cache when it was done before)."""
    text = read_resource("rules", "units.yaml")
    schema = os.path.join(os.path.dirname(os.path.dirname(__file__)), "packs", "units.py")
    return cached("units", text, (__file__, schema), Lexicon, lambda: _build_lexicon(text))


def _add_magnitudes(
    units: dict[str, UnitInfo], magnitudes: dict[str, float], dimensions: frozenset[str]
) -> None:
    """ "万粒" is 粒 counted in tens of thousands: each unit of `dimensions` gets its prefixed
    spellings, unless the pack spells them itself (万元 is money, not 元 × 10,000 of a count)."""
    for spelling, info in list(units.items()):
        if info.dimension not in dimensions or spelling[0].isascii():
            continue
        for prefix, scale in magnitudes.items():
            key = normalise(prefix) + spelling
            if key not in units:
                units[key] = UnitInfo(info.canonical, info.dimension, info.scale * scale)


def _build_lexicon(text: str) -> Lexicon:
    from indicator_audit.packs.load import validate_pack
    from indicator_audit.packs.units import UnitsFile

    data = validate_pack(UnitsFile, "units.yaml", text)
    units: dict[str, UnitInfo] = {}
    for group in data.units:
        for spelling, scale in group.spellings.items():
            assert group.canonical is not None  # checked by the model
            units[normalise(spelling)] = UnitInfo(group.canonical, group.dimension, scale)
        for spelling in group.own:
            units[normalise(spelling)] = UnitInfo(spelling, group.dimension, 1.0)
    _add_magnitudes(units, data.magnitudes, frozenset(data.magnitude_dimensions))
    periods = tuple(sorted({normalise(p) for p in data.periods}, key=lambda s: (-len(s), s)))
    return Lexicon(
        units=units,
        points=frozenset(normalise(p) for p in data.points),
        periods=periods,
        period_set=frozenset(periods),
        qualitative=frozenset(normalise(q) for q in data.qualitative),
        placeholders=tuple(dict.fromkeys(normalise(p) for p in data.placeholders)),
        standard_codes=tuple(normalise(c) for c in data.standard_codes),
        designations=tuple(normalise(c) for c in data.designations),
    )


# ---------------------------------------------------------------------------------------------
# Comparators: spelling (after normalisation) → canonical op and direction.

_MIN = (">=", Direction.MIN)
_MAX = ("<=", Direction.MAX)
_ABOVE = (">", Direction.ABOVE)
_BELOW = ("<", Direction.BELOW)
_EXACT = ("=", Direction.EXACT)

COMPARATORS: dict[str, tuple[str, Direction]] = {
    ">=": _MIN,
    "=>": _MIN,
    "≥": _MIN,
    "≮": _MIN,
    "<=": _MAX,
    "=<": _MAX,
    "≤": _MAX,
    "≯": _MAX,
    ">": _ABOVE,
    "<": _BELOW,
    "=": _EXACT,
    "==": _EXACT,
    "不低于": _MIN,
    "不少于": _MIN,
    "不小于": _MIN,
    "大于等于": _MIN,
    "大于或等于": _MIN,
    "达到": _MIN,
    "至少": _MIN,
    "最少": _MIN,
    "不高于": _MAX,
    "不超过": _MAX,
    "不大于": _MAX,
    "不多于": _MAX,
    "不晚于": _MAX,
    "不迟于": _MAX,
    "小于等于": _MAX,
    "小于或等于": _MAX,
    "至多": _MAX,
    "最多": _MAX,
    "控制在": _MAX,
    "高于": _ABOVE,
    "大于": _ABOVE,
    "多于": _ABOVE,
    "超过": _ABOVE,
    "晚于": _ABOVE,
    "低于": _BELOW,
    "小于": _BELOW,
    "少于": _BELOW,
    "早于": _BELOW,
}
POST_COMPARATORS: dict[str, tuple[str, Direction]] = {
    "以上": _MIN,
    "及以上": _MIN,
    "或以上": _MIN,
    "以下": _MAX,
    "及以下": _MAX,
    "或以下": _MAX,
    "以内": _MAX,
    "之内": _MAX,
    "内": _MAX,
}
# Words that only frame the value ("在1s以内"): the post word decides.
_FRAMES = frozenset({"在", "控制在"})


# ---------------------------------------------------------------------------------------------
# Chinese numerals.

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGIT.update({"七": 7, "八": 8, "九": 9})
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_number(text: str) -> float | None:
    """二十五 → 25, 一百二十 → 120, 两 → 2, 零点五 → 0.5; None if it is not a numeral."""
    whole, _, frac = text.partition("点")
    total = 0
    digit: int | None = None
    for ch in whole:
        if ch in _CN_DIGIT:
            if digit is not None and digit != 0:
                # "二五" (digit by digit) is not a positional numeral we accept
                return None
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    if not whole:
        return None
    if frac:
        digits = "".join(str(_CN_DIGIT[c]) for c in frac if c in _CN_DIGIT)
        if len(digits) != len(frac):
            return None
        return float(f"{total}.{digits}")
    return float(total)


# ---------------------------------------------------------------------------------------------
# Pieces: what the transformer emits; offsets are into the compact (normalised, no whitespace)
# text.


# NamedTuples, not dataclasses: several are built per cell on the hot path, and a tuple is
# several times cheaper to create than a frozen dataclass.


class Tok(NamedTuple):
    text: str
    start: int
    end: int


class TextP(NamedTuple):
    text: str
    start: int
    end: int
    phrase_only: bool = False  # a bare comparator ("不低于上年"): text, but marks a phrase


class SepP(NamedTuple):
    start: int
    end: int


class ValueP(NamedTuple):
    kind: Literal["number", "cn", "cn_percent", "placeholder"]
    tok: Tok


class UnitP(NamedTuple):
    base: Tok
    pers: tuple[Tok, ...]  # each with the leading "/"
    known: bool


class AmountP(NamedTuple):
    value: ValueP
    unit: UnitP | None


class QtyP(NamedTuple):
    pre: Tok | None
    low: AmountP
    high: AmountP | None
    post: Tok | None
    start: int
    end: int


class DateP(NamedTuple):
    pre: Tok | None
    first: Tok
    last: Tok | None
    deadline: Tok | None
    start: int
    end: int


class FormulaP(NamedTuple):
    numerator: Tok
    denominator: Tok
    factor: Tok | None
    start: int
    end: int


Piece = TextP | SepP | QtyP | DateP
Parsed = FormulaP | list[Piece]


# ---------------------------------------------------------------------------------------------
# Assembly: pieces → ParsedCell.


# The model is frozen, so equal parts can be shared between cells: fetching a cached Span, Unit
# or Comparator costs a fraction of building one, and the hot path builds several per cell.
_span = lru_cache(maxsize=1 << 16)(Span)


@lru_cache(maxsize=1 << 14)
def _comparator_obj(op: str, direction: Direction, text: str, start: int, end: int) -> Comparator:
    return Comparator(op, direction, text, _span(start, end))


@dataclass(slots=True)
class Context:
    original: str
    compact: str
    pos: list[int] | None  # compact index → original index; None when they coincide
    mode: Mode

    def span(self, start: int, end: int) -> Span:
        if self.pos is None:
            return _span(start, end)
        pos = self.pos
        if end <= start:
            at = pos[start] if start < len(pos) else len(self.original)
            return _span(at, at)
        return _span(pos[start], pos[end - 1] + 1)

    def written(self, start: int, end: int) -> str:
        """The original text of a compact range, whitespace dropped (as written, minus OCR gaps)."""
        if self.pos is None:
            return self.original[start:end]
        s = self.span(start, end)
        return "".join(self.original[s.start : s.end].split())


_EDGE = ":：·“”\"'‘’「」"


def _tidy(text: str) -> str:
    """Drop separators and quotes at the edges, and a bracket left open or closed by a value."""
    text = text.strip(_EDGE)
    if text.endswith("(") or (text.startswith(")") and "(" not in text):
        text = text.strip("()").strip(_EDGE)
    return text


_CONJ = ("以及", "并且", "和", "及", "与", "或", "并", "且")
_DATE_RE = re.compile(
    r"(?:(?P<y>\d{4})(?:年度?|[./]))?(?:(?P<m>\d{1,2})月?)?(?:[./]?(?P<d>\d{1,2})[日号]?)?"
)
_DEADLINE_WORDS = frozenset({"截止", "截至", "截止到", "截至到"})


def _clean_lead(text: str) -> str:
    text = _tidy(text)
    if not text.startswith(_CONJ):  # the usual lead: one C call
        return text
    for conj in _CONJ:
        if text.startswith(conj) and len(text) > len(conj):
            return _tidy(text[len(conj) :])
    return text


def _comparator(ctx: Context, pre: Tok | None, post: Tok | None) -> Comparator | None:
    if pre is None and post is None:
        return None
    meaning: tuple[str, Direction] | None
    if pre is not None and post is not None:
        if pre.text in _FRAMES:
            meaning = POST_COMPARATORS.get(post.text)
        else:
            meaning = COMPARATORS.get(pre.text)
        text = f"{ctx.written(pre.start, pre.end)}…{ctx.written(post.start, post.end)}"
        span = ctx.span(pre.start, post.end)
    elif pre is not None:
        meaning = COMPARATORS.get(pre.text)  # bare 在 has none
        text = ctx.written(pre.start, pre.end)
        span = ctx.span(pre.start, pre.end)
    else:
        assert post is not None
        meaning = POST_COMPARATORS.get(post.text)
        text = ctx.written(post.start, post.end)
        span = ctx.span(post.start, post.end)
    if meaning is None:
        return None
    return _comparator_obj(meaning[0], meaning[1], text, span.start, span.end)


_PRODUCT = re.compile("[•・*×]")


@lru_cache(maxsize=4096)
def _unit_info(text: str, known: bool) -> tuple[str, str, float, str | None]:
    base, _, per = text.partition("/")
    if not base and known and text in lexicon().units:
        base, per = text, ""  # "/10万": a rate per head of population, a unit of its own
    per = _PRODUCT.sub("·", per)  # 人*月, 人×月 and 人·月 are one denominator
    info = lexicon().units.get(base) if known else None
    if info is None:
        return base, "unknown", 1.0, per or None
    return info.canonical, info.dimension, info.scale, per or None


def unit_from_text(text: str, span: Span, *, known: bool = True) -> Unit:
    """A Unit for a normalised unit text such as "万元/公里" (shared with parse_unit)."""
    canonical, dimension, scale, per = _unit_info(text, known)
    return Unit(text, canonical, dimension, scale, per, span)


@lru_cache(maxsize=1 << 14)
def _unit_obj(text: str, known: bool, start: int, end: int) -> Unit:
    return unit_from_text(text, _span(start, end), known=known)


def _unit(ctx: Context, unit: UnitP) -> Unit:
    end = unit.pers[-1].end if unit.pers else unit.base.end
    text = unit.base.text if not unit.pers else ctx.compact[unit.base.start : end]
    span = ctx.span(unit.base.start, end)
    return _unit_obj(text, unit.known, span.start, span.end)


_PERCENT_UNIT = "百分之"


def _value(value: ValueP) -> float | None:
    text = value.tok.text
    if value.kind == "number":
        return float(text.replace(",", ""))
    if value.kind == "cn":
        return cn_to_number(text)
    if value.kind == "cn_percent":
        rest = text[len(_PERCENT_UNIT) :]
        return float(rest) if rest[:1].isdigit() else cn_to_number(rest)
    return None


def _period_of_unit(unit: Unit | None) -> str | None:
    if unit is None or unit.per is None:
        return None
    last = unit.per.rsplit("/", 1)[-1]
    return last if last in lexicon().period_set else None


def _period_prefix(text: str) -> str | None:
    # one-character periods (年, 月) only count as a whole word or a unit's denominator:
    # as a prefix they are too often the start of another word (年增粮食, 月报)
    periods = lexicon().periods
    if not text.startswith(periods):  # the usual subject starts with none: one C call
        return None
    for word in periods:
        if text.startswith(word) and (len(word) > 1 or len(text) == 1):
            return word
    return None


def _date(ctx: Context, tok: Tok) -> DateValue:
    m = _DATE_RE.fullmatch(tok.text)
    year = month = day = None
    if m is not None:
        year = int(m["y"]) if m["y"] else None
        month = int(m["m"]) if m["m"] else None
        day = int(m["d"]) if m["d"] else None
    return DateValue(
        year, month, day, ctx.written(tok.start, tok.end), ctx.span(tok.start, tok.end)
    )


def _leads(
    ctx: Context, leads: list[TextP], item: QtyP | DateP
) -> tuple[str | None, tuple[str, ...], str | None, bool]:
    """Subject (sentence mode) or qualifiers (target mode), the period word, and 截止 → deadline."""
    texts = [t for t in (_clean_lead(p.text) for p in leads) if t]
    deadline = False
    if isinstance(item, DateP) and texts and texts[0] in _DEADLINE_WORDS:
        deadline = True
        texts = texts[1:]
    if ctx.mode == "sentence":
        subject = "".join(texts) or None
        return subject, (), _period_prefix(subject) if subject else None, deadline
    period: str | None = None
    quals: list[str] = []
    for text in texts:
        word = _period_prefix(text)
        if word is not None and period is None:
            period = word
            text = text[len(word) :].strip(_EDGE)
        if text:
            quals.append(text)
    return None, tuple(quals), period, deadline


def _clause(ctx: Context, item: QtyP | DateP, leads: list[TextP], tail: list[TextP]) -> Clause:
    # Hot path: one plain quantity with no text around it ("≥90%") skips the text handling.
    subject: str | None = None
    qualifiers: tuple[str, ...] = ()
    period: str | None = None
    deadline = False
    if leads:
        subject, qualifiers, period, deadline = _leads(ctx, leads, item)
        first = leads[0].start
    else:
        first = item.start
    if tail:
        tail_text = _tidy("".join(p.text for p in tail)) or None
        span = ctx.span(first, tail[-1].end)
    else:
        tail_text = None
        span = ctx.span(first, item.end)

    if isinstance(item, DateP):
        return Clause(
            span=span,
            subject=subject,
            qualifiers=qualifiers,
            comparator=_comparator(ctx, item.pre, None),
            period=period,
            date=_date(ctx, item.first),
            date_end=_date(ctx, item.last) if item.last else None,
            deadline=deadline or (item.deadline is not None and item.deadline.text != "底"),
            tail=tail_text,
        )

    low, high = item.low, item.high
    unit_p = low.unit if low.unit is not None else (high.unit if high is not None else None)
    v = low.value
    unit: Unit | None = None
    if unit_p is not None:
        unit = _unit(ctx, unit_p)
        if unit.per is not None and period is None:
            period = _period_of_unit(unit)
    elif v.kind == "cn_percent":
        start = v.tok.start
        unit = Unit(_PERCENT_UNIT, "%", "rate", 1.0, None, ctx.span(start, start + 3))
    placeholder = value_text = None
    value = upper = None
    if v.kind == "placeholder":
        placeholder = ctx.written(v.tok.start, v.tok.end)
    elif v.kind == "number":
        value = float(v.tok.text.replace(",", ""))
        value_text = ctx.written(v.tok.start, v.tok.end)
    else:
        value = _value(v)
        start = v.tok.start + (3 if v.kind == "cn_percent" else 0)
        value_text = ctx.written(start, v.tok.end)
    if high is not None:
        if high.value.kind == "placeholder":
            placeholder = placeholder or ctx.written(high.value.tok.start, high.value.tok.end)
        else:
            upper = _value(high.value)
    comparator = None
    if item.pre is not None or item.post is not None:
        comparator = _comparator(ctx, item.pre, item.post)
    return Clause(
        span=span,
        subject=subject,
        qualifiers=qualifiers,
        comparator=comparator,
        value=value,
        upper=upper,
        value_text=value_text,
        value_span=ctx.span(v.tok.start, v.tok.end),
        unit=unit,
        period=period,
        placeholder=placeholder,
        percent_points=unit is not None and unit.text in lexicon().points,
        tail=tail_text,
    )


def _phrase(ctx: Context, pieces: Sequence[Piece]) -> ParsedCell:
    body = [p for p in pieces if not isinstance(p, SepP)]
    if not body:
        return ParsedCell(ctx.original, CellKind.EMPTY)
    start, end = body[0].start, body[-1].end
    text = ctx.compact[start:end].strip(_EDGE)
    span = ctx.span(start, end)
    if all(isinstance(p, TextP) and p.phrase_only for p in body):
        # "≥" alone: a comparator waiting for its value
        error = ParseError("incomplete", f"“{text}”之后缺少数值，内容不完整", len(ctx.original))
        return ParsedCell(ctx.original, CellKind.PHRASE, error=error)
    if text in lexicon().qualitative:
        return ParsedCell(
            ctx.original, CellKind.QUALITATIVE, (Clause(span=span, qualitative=text),)
        )
    if ctx.mode == "sentence":
        clause = Clause(span=span, subject=text)
    else:
        clause = Clause(span=span, qualifiers=(text,))
    return ParsedCell(ctx.original, CellKind.PHRASE, (clause,))


def _formula(ctx: Context, f: FormulaP) -> ParsedCell:
    times_100 = f.factor is not None and float(f.factor.text.replace(",", "")) == 100
    formula = Formula(
        numerator=_tidy(f.numerator.text),
        denominator=_tidy(f.denominator.text),
        times_100=times_100,
        text=ctx.compact[f.start : f.end],
        span=ctx.span(f.start, f.end),
    )
    return ParsedCell(ctx.original, CellKind.FORMULA, formula=formula)


def _kind(clause: Clause) -> CellKind:
    if clause.placeholder is not None:
        return CellKind.PLACEHOLDER
    if clause.date is not None:
        return CellKind.DEADLINE
    if clause.upper is not None:
        return CellKind.RANGE
    return CellKind.QUANTITY


def assemble(ctx: Context, parsed: Parsed) -> ParsedCell:
    """Group pieces into clauses: text before a value leads it, text after the last value of a
    separator-delimited segment is its tail, text-only segments lead the next value."""
    if isinstance(parsed, FormulaP):
        return _formula(ctx, parsed)
    if len(parsed) == 1 and isinstance(parsed[0], QtyP):  # the common case: "≥90%"
        clause = _clause(ctx, parsed[0], [], [])
        return ParsedCell(ctx.original, _kind(clause), (clause,))

    drafts: list[tuple[QtyP | DateP, list[TextP], list[TextP]]] = []
    pending: list[TextP] = []  # text waiting for the value it qualifies
    segment_start = 0  # index into drafts of the first clause of the current segment
    for i, piece in enumerate(parsed):
        if isinstance(piece, TextP):
            if piece.phrase_only:  # "不低于上年": a comparator without a value
                after = parsed[i + 1] if i + 1 < len(parsed) else None
                if not (isinstance(after, TextP) and not after.phrase_only) and any(
                    isinstance(p, QtyP | DateP) for p in parsed
                ):
                    # "≥≥90%", "90%≥": a comparator beside a value, not in front of it
                    at = ctx.span(piece.start, piece.end).start
                    near = ctx.compact[piece.start : piece.end + 4]
                    message = f"比较符“{piece.text}”的位置不对：“{near}”"
                    error = ParseError("misplaced-comparator", message, at)
                    return ParsedCell(ctx.original, CellKind.PHRASE, error=error)
                return _phrase(ctx, parsed)
            pending.append(piece)
        elif isinstance(piece, SepP):
            # text left at the end of a segment belongs to that segment's last clause
            if pending and len(drafts) > segment_start:
                drafts[-1][2].extend(pending)
                pending = []
            segment_start = len(drafts)
        else:
            drafts.append((piece, pending, []))
            pending = []
    if not drafts:
        return _phrase(ctx, parsed)
    if pending:
        drafts[-1][2].extend(pending)

    clauses = tuple(_clause(ctx, *draft) for draft in drafts)
    kind = CellKind.MULTI if len(clauses) > 1 else _kind(clauses[0])
    return ParsedCell(ctx.original, kind, clauses)
