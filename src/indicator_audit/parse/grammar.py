"""Parse one indicator cell into the typed model of parsed.py.

    parse_cell("平均故障恢复时间不超过 25 分钟", "sentence").first.unit.dimension == "time"

The Lark LALR grammar (grammar/indicator.lark) is the authority. Before it runs, the cell is
normalised 1:1 (full-width → ASCII) and whitespace is dropped, keeping a map back to the
original offsets, so every span refers to the text as the user wrote it. The simplest shape
("≥90%", "=8个", "25分钟") takes a regex fast path that builds the very same pieces and goes
through the same assembly; tests/properties/test_parse_props.py checks that it agrees with the
grammar on everything it accepts. Results are memoised: a 50,000-row file repeats its targets.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, cast

from indicator_audit.core.parsed import CellKind, Comparator, ParsedCell, ParseError, Span, Unit
from indicator_audit.core.resources import read_resource
from indicator_audit.core.text import normalise
from indicator_audit.parse.transform import (
    COMPARATORS,
    POST_COMPARATORS,
    AmountP,
    Context,
    Mode,
    Parsed,
    Piece,
    QtyP,
    SepP,
    TextP,
    Tok,
    UnitP,
    ValueP,
    assemble,
    lexicon,
    unit_from_text,
)

if TYPE_CHECKING:
    from lark import Lark, UnexpectedInput

__all__ = ["MAX_LENGTH", "clear_cache", "parse_cell", "parse_comparator", "parse_unit"]

MAX_LENGTH = 500  # longer "cells" are pasted paragraphs; parsing them only wastes time

_DEFINE = re.compile(r"^//@define (\w+) (.+)$", re.MULTILINE)
_MACRO = re.compile(r"\{\{(\w+)\}\}")


@cache
def _grammar(units: bool = True) -> tuple[str, dict[str, str]]:
    """The grammar text with its {{macros}} expanded, and the expanded macros themselves.
    With units=False the unit list is a pattern that never matches (see _text_end)."""
    source = read_resource("grammar", "indicator.lark")
    lex = lexicon()
    unit = lex.unit_pattern() if units else "(?!)"
    macros = {"UNIT": unit, "PLACEHOLDER": lex.placeholder_pattern()}
    macros.update(dict(_DEFINE.findall(source)))

    def expand(text: str, depth: int = 0) -> str:
        if depth > 10:
            raise ValueError("grammar macros nest too deep (a cycle?)")
        return _MACRO.sub(lambda m: expand(macros[m[1]], depth + 1), text)

    expanded = {name: expand(body) for name, body in macros.items()}
    body = _DEFINE.sub("", source)
    return expand(body), expanded


@cache
def _parser() -> Lark:
    # Lark is imported here, for the first cell the fast path cannot read: a check whose cells
    # all take the fast path never loads it. Inline transformer: LALR calls Pieces while
    # parsing, so no parse tree is built; the analysed grammar is kept as data
    # (parse/larkcache.py): a third of start-up otherwise.
    from indicator_audit.parse.larkcache import lalr_parser
    from indicator_audit.parse.pieces import Pieces

    return lalr_parser(
        "grammar-indicator",
        _grammar()[0],
        transformer=Pieces(),
        lexer="contextual",
        propagate_positions=True,
    )


@cache
def _fast_re() -> re.Pattern[str]:
    """The comparator and the number of a simple quantity. What follows the number is split
    by _after_number, which looks the unit words up instead of compiling the unit list (a
    large pattern: compiling it twice here cost more than checking a small file)."""
    macros = _grammar()[1]
    return re.compile(
        rf"(?P<pre>>=|<=|=>|=<|==|[<>=≥≤≮≯]|{macros['CMP_WORD']}|控制在|在)?(?P<num>\d+(?:\.\d+)?)"
    )


@cache
def _post_words() -> frozenset[str]:
    words = _grammar()[1]["CMP_POST"].split("|")
    if any(re.escape(w) != w for w in words):
        raise ValueError("CMP_POST in grammar/indicator.lark must be a list of plain words")
    return frozenset(words)


@cache
def _longest_unit() -> int:
    return max(map(len, lexicon().units), default=0)


def _unit_prefixes(text: str) -> list[str]:
    """The listed units that `text` starts with, longest first: the order in which the
    UNIT pattern (a trie, longest first) offers them."""
    units = lexicon().units
    return [text[:k] for k in range(min(len(text), _longest_unit()), 0, -1) if text[:k] in units]


def _after_number(tail: str) -> tuple[str | None, str | None, str | None] | None:
    """`tail`, the text after a number, split as `(UNIT (/UNIT)?)? CMP_POST?` fullmatches it:
    (unit, per with its "/", post), each None when absent; None when it does not match.

    Candidates are tried in the regex's order (an optional group first present, a unit
    longest first), so the first split found is the one the regex would give. The ASCII
    guard of the unit pattern (no letter after "m" or "kg") never decides: a unit is followed
    here by "/", a post word or the end. A shorter number (the regex backtracking into the
    digits) would need a unit that starts with a digit or ".": there is none, and without
    one the cell simply goes to the grammar."""
    if not tail:
        return None, None, None
    if tail in lexicon().units:  # the usual "%" or "个": the first candidate, and it fits
        return tail, None, None
    posts = _post_words()
    for unit in _unit_prefixes(tail):
        rest = tail[len(unit) :]
        if rest.startswith("/"):
            for per in _unit_prefixes(rest[1:]):
                post = rest[1 + len(per) :]
                if not post or post in posts:
                    return unit, "/" + per, post or None
        if not rest or rest in posts:
            return unit, None, rest or None
    if not tail or tail in posts:
        return None, None, tail or None
    return None


# A number the grammar would read as a date ("2021年", "2023.07"), so not for the fast path.
_YEARISH = re.compile(r"(?:19|20)\d{2}")
_DOT_DATE = re.compile(r"(?:19|20)\d{2}\.(?:1[0-2]|0?[1-9])")


@cache
def _plain_text_guard() -> re.Pattern[str]:
    """Anything that could make the grammar read more than one run of text: digits and
    numerals, comparator characters and words, placeholders, separators, brackets, units'
    punctuation. Text free of all of them lexes as a single TEXT token (a name, a phrase)."""
    macros = _grammar()[1]
    words = "|".join(
        w for w in (macros["CMP_WORD"], macros["CMP_POST"], macros["PLACEHOLDER"]) if w
    )
    return re.compile(
        r"[\d零〇一二两三四五六七八九十百千万亿<>=≥≤≮≯%‰÷×/~\-—()\[\]{}（）;；,，、。!?！？:*xX…_.·]"
        rf"|控制在|在|百分之|{words}"
    )


def _fast(compact: str) -> Parsed | None:
    if _plain_text_guard().search(compact) is None:
        # one run of plain text: what the grammar yields for it, without starting Lark
        return [TextP(compact, 0, len(compact))]
    single = _fast_quantity(compact, 0, len(compact))
    if single is not None:
        return [single]
    return _fast_clauses(compact)


def _fast_quantity(compact: str, start: int, end: int) -> QtyP | None:
    """compact[start:end] as one simple quantity: comparator, number, known unit, 以上/以内."""
    m = _fast_re().match(compact, start, end)
    if m is None:
        return None
    split = _after_number(compact[m.end() : end])
    if split is None:
        return None
    unit, per, post_word = split
    num = m["num"]
    if unit is None and _DOT_DATE.fullmatch(num):
        return None
    if unit is not None and unit.startswith("年") and _YEARISH.fullmatch(num):
        return None
    pre = Tok(m["pre"], start, m.end("pre")) if m["pre"] else None
    post = Tok(post_word, end - len(post_word), end) if post_word else None
    value = ValueP("number", Tok(num, m.start("num"), m.end()))
    unit_p = None
    if unit is not None:
        unit_end = m.end() + len(unit)
        pers = (Tok(per, unit_end, unit_end + len(per)),) if per else ()
        unit_p = UnitP(Tok(unit, m.end(), unit_end), pers, True)
    return QtyP(pre, AmountP(value, unit_p), None, post, start, end)


# Terminals that outrank TEXT where a clause starts (see grammar/indicator.lark).
_OUTRANK_TEXT = ("CMP_PRE", "DATE", "CN_PERCENT", "CN_NUMBER", "PLACEHOLDER", "NUMBER", "SEP")
# Of those, the ones that may still match where TEXT has matched: the others start with a
# character TEXT never takes (a digit, a comparator sign, a separator) or are branches of
# TEXT_STOP (comparator words, a placeholder before a value's end), so TEXT does not start
# where they match (tests/parse/test_trie_pattern.py checks it).
_OUTRANK_AFTER_TEXT = ("CN_PERCENT", "CN_NUMBER")


# A regex literal in a .lark file, as Lark's own grammar lexes it.
_REGEX_LITERAL = re.compile(r"/(?!/)((?:\\/|\\\\|[^/])*?)/[imslux]*")


@cache
def _terminal_patterns(units: bool = True) -> dict[str, str]:
    """The regexes of the terminals the clause fast path consults, read from the expanded
    grammar text: building the Lark parser only for them would cost more than the check of a
    small file (a test compares them with what Lark itself compiles)."""
    grammar = _grammar(units)[0]
    out: dict[str, str] = {}
    for name in (*_OUTRANK_TEXT, "TEXT"):
        m = re.search(rf"^{name}(?:\.\d+)?:(.*(?:\n[ \t]+\|.*)*)", grammar, re.M)
        if m is None:
            raise ValueError(f"terminal {name} not found in grammar/indicator.lark")
        parts = [p.replace("\\/", "/") for p in _REGEX_LITERAL.findall(m.group(1))]
        out[name] = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return out


@cache
def _terminal_re(name: str, units: bool = True) -> re.Pattern[str]:
    """One terminal's regex, compiled on first need (TEXT alone is a large pattern)."""
    return re.compile(_terminal_patterns(units)[name])


# The unit list enters TEXT and CN_NUMBER only in lookaheads after a value written in words or
# a placeholder (TEXT_STOP, VALUE_END in grammar/indicator.lark): "三项" ends a text run where
# "三级" does not. Both terminals are first matched with that list left out, which can only
# make TEXT run longer and CN_NUMBER match less; where no listed unit can follow a run of
# such characters, the result is the terminal's own, and the full patterns (two copies of the
# unit list in TEXT) are compiled only for a cell where one can.


@cache
def _value_chars() -> frozenset[str]:
    """The characters of CN_DIGITS and of the placeholders."""
    chars = {c for c in _grammar()[1]["CN_DIGITS"] if not c.isascii()}
    chars.update(c for word in lexicon().placeholders for c in word)
    return frozenset(chars)


def _unit_may_follow(compact: str, start: int, end: int) -> bool:
    """A listed unit starts right after some run of value characters from `start`."""
    chars = _value_chars()
    j = start
    while j < end and compact[j] in chars:
        j += 1
        if _unit_prefixes(compact[j:end]):
            return True
    return False


def _text_end(compact: str, pos: int, end: int) -> int | None:
    """Where the TEXT terminal matched at `pos` (and not beyond `end`) ends; None if it does
    not match there."""
    m = _terminal_re("TEXT", units=False).match(compact, pos, end)
    if m is None or m.end() == pos:
        return None
    chars = _value_chars()
    for i in range(pos, m.end()):
        ch = compact[i]
        if (ch == "(" and _unit_may_follow(compact, i + 1, end)) or (
            ch in chars and _unit_may_follow(compact, i, end)
        ):
            full = _terminal_re("TEXT").match(compact, pos, end)
            return None if full is None or full.end() == pos else full.end()
    return m.end()


def _outranks_text(compact: str, pos: int) -> bool:
    """A terminal that outranks TEXT and may match where TEXT does (_OUTRANK_AFTER_TEXT)
    matches at `pos`."""
    for name in _OUTRANK_AFTER_TEXT:
        if _terminal_re(name, units=False).match(compact, pos):
            return True
        if _unit_may_follow(compact, pos, len(compact)) and _terminal_re(name).match(compact, pos):
            return True
    return False


# Characters one of the terminals that outrank TEXT must start with; text starting with none
# of them can only be lexed as TEXT at that place.
_OUTRANK_START = frozenset(
    "<>=≥≤≮≯不大小高低多少超达至最早晚控在;,、。!?百千零〇一二两三四五六七八九十0123456789xX*…_.待未○□×"
)


_SEPARATOR = re.compile(r"[;,、。!?]+")
_DECIMAL = re.compile(r"\d")  # str.isdecimal's characters (Unicode Nd)
_DIGIT_SEP_DIGIT = re.compile(r"\d[;,、。!?]+\d")


def _fast_clauses(compact: str) -> Parsed | None:
    """One or several simple clauses ("巡检次数12", "一级故障25分钟;二级故障130分钟"): each an
    optional run of text that lexes as one TEXT token, then a simple quantity; separators
    between. Anything else (or any doubt about how the lexer would split the text) goes to the
    grammar."""
    if _DIGIT_SEP_DIGIT.search(compact):
        return None  # "1,346.5": a thousands separator the grammar reads
    if not _SEPARATOR.search(compact):
        # one clause: worth it for names, which are rarely a bare quantity but often end in one
        one = _fast_clause(compact, 0, len(compact))
        return one if one is not None and len(one) == 2 else None
    pieces: list[Piece] = []
    pos = 0
    for sep in [*_SEPARATOR.finditer(compact), None]:
        end = sep.start() if sep else len(compact)
        if pos < end:
            clause = _fast_clause(compact, pos, end)
            if clause is None:
                return None
            pieces += clause
        elif sep is None:
            break
        if sep is not None:
            if sep.start() == 0 or not pieces:
                return None
            pieces.append(SepP(sep.start(), sep.end()))
            pos = sep.end()
    return pieces if len(pieces) >= 3 else None


def _fast_clause(compact: str, pos: int, end: int) -> list[Piece] | None:
    """compact[pos:end] as an optional TEXT token and a simple quantity, or None."""
    if _DECIMAL.search(compact, pos, end) is None:
        return None  # a simple quantity has a number (\d): no need to compile TEXT to see it
    pieces: list[Piece] = []
    text_end = _text_end(compact, pos, end)
    qty_start = pos
    if text_end is not None:
        if compact[pos] in _OUTRANK_START and _outranks_text(compact, pos):
            return None
        pieces.append(TextP(compact[pos:text_end], pos, text_end))
        qty_start = text_end
    qty = _fast_quantity(compact, qty_start, end)
    if qty is None:
        return None
    pieces.append(qty)
    return pieces


_SPACE = re.compile(r"\s")
_STAR_MARK = re.compile(r"[*★☆]+(?=[\u3400-\u9fff(])")


def _prepare(text: str, mode: Mode) -> Context:
    norm = normalise(text)
    pos: list[int] | None = None
    compact = norm
    if _SPACE.search(norm):
        pos = [i for i, ch in enumerate(norm) if not ch.isspace()]
        compact = "".join(norm[i] for i in pos)
    start, end = 0, len(compact)
    # "**90%**": Markdown bold from a pasted document, not a placeholder
    if (
        end > 4
        and compact.startswith("**")
        and compact.endswith("**")
        and compact[2] != "*"
        and compact[-3] != "*"
    ):
        start, end = 2, end - 2
    # "*贫困地区…": the template's star marking a core indicator, not part of the name
    if mode == "sentence" and (m := _STAR_MARK.match(compact, start)):
        start = m.end()
    if (start, end) != (0, len(compact)):
        if pos is None:
            pos = list(range(len(compact)))
        compact, pos = compact[start:end], pos[start:end]
    if any(c.isdigit() for c in compact):
        # a code's digits are masked one for one, so offsets and the written text survive
        compact = _code_re().sub(lambda m: _MASK * len(m.group(0)), compact)
        # a ratio to one (拉动比 ≥1:10, 1:1配套, 师生比 15:1) is one quantity, its other term:
        # written one for one as that number padded with zeros ("1:10" → "0010")
        compact = _RATIO_TO_ONE.sub(_ratio_value, compact)
    return Context(text, compact, pos, mode)


_RATIO_TO_ONE = re.compile(r"(?<![\d.:])(?:1:(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?):1)(?![\d.:])")


def _ratio_value(m: re.Match[str]) -> str:
    term = m.group(1) if m.group(1) is not None else m.group(2)
    return term.rjust(len(m.group(0)), "0")


_MASK = "规"  # a plain word character: a masked code reads as part of a phrase


@cache
def _code_re() -> re.Pattern[str]:
    return re.compile(lexicon().code_pattern())


def _error(ctx: Context, exc: UnexpectedInput) -> ParseError:
    from lark import UnexpectedCharacters, UnexpectedToken

    compact = ctx.compact
    at_end = isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    where = len(compact) if at_end else max(0, min(exc.pos_in_stream or 0, len(compact)))
    position = ctx.span(where, where).start if where < len(compact) else len(ctx.original)
    if compact.count("(") != compact.count(")"):
        return ParseError("unbalanced", "括号不配对，无法读出数值", position)
    if where >= len(compact):
        tail = compact[-6:]
        return ParseError("incomplete", f"“{tail}”之后缺少数值，内容不完整", position)
    ch = compact[where]
    snippet = compact[max(0, where - 3) : where + 4]
    near_digit = any(c.isdigit() for c in compact[max(0, where - 1) : where + 2])
    if ch.isdigit() or (ch in ".,%" and near_digit):
        return ParseError("bad-number", f"数字写法有误：“{snippet}”", position)
    if ch in "<>=≥≤≮≯":
        return ParseError("misplaced-comparator", f"比较符“{ch}”的位置不对：“{snippet}”", position)
    if isinstance(exc, UnexpectedCharacters | UnexpectedToken):
        return ParseError(
            "unreadable", f"无法识别“{snippet}”（第{position + 1}个字符起）", position
        )
    return ParseError("unreadable", "无法识别该内容", position)


def _parse(text: str, mode: Mode, *, fast: bool = True) -> ParsedCell:
    if len(text) > MAX_LENGTH:
        message = f"内容过长（{len(text)}字，上限{MAX_LENGTH}字），未解析"
        return ParsedCell(text, CellKind.PHRASE, error=ParseError("too-long", message, MAX_LENGTH))
    ctx = _prepare(text, mode)
    if not ctx.compact:
        return ParsedCell(text, CellKind.EMPTY)
    parsed: Parsed | ParseError | None = _fast(ctx.compact) if fast else None
    if parsed is None:
        parsed = _by_grammar(ctx)
    if isinstance(parsed, ParseError):
        return ParsedCell(text, CellKind.PHRASE, error=parsed)
    return assemble(ctx, parsed)


def _by_grammar(ctx: Context) -> Parsed | ParseError:
    from lark import UnexpectedInput

    try:
        return cast(Parsed, _parser().parse(ctx.compact))
    except UnexpectedInput as exc:
        return _error(ctx, exc)


@lru_cache(maxsize=1 << 17)
def _parse_cached(text: str, mode: Mode) -> ParsedCell:
    try:
        return _parse(text, mode)
    except Exception as exc:  # the contract is "never raises": report, don't crash the run
        message = f"解析器内部错误（{type(exc).__name__}），请报告此单元格"
        return ParsedCell(text, CellKind.PHRASE, error=ParseError("internal", message, 0))


def parse_cell(text: str, mode: Mode = "target") -> ParsedCell:
    """Parse one cell. Unreadable text gives a ParsedCell with `error` set.

    mode "target": text before a value is a qualifier ("一级故障25分钟").
    mode "sentence": it is the subject ("平均故障恢复时间不超过25分钟", indicator names).

    Raises TypeError when `text` is not a string (a number or None is a caller's mistake,
    not a cell: the reader hands every cell over as text) and ValueError for another mode.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_cell 的 text 应为 str，实际为 {type(text).__name__}")
    if mode not in ("target", "sentence"):
        raise ValueError(f'parse_cell 的 mode 应为 "target" 或 "sentence"，实际为 {mode!r}')
    return _parse_cached(text, mode)


def clear_cache() -> None:
    """Forget memoised results (benchmarks measure cold parses with it)."""
    _parse_cached.cache_clear()


def _trimmed(text: str) -> tuple[str, Span] | None:
    """The normalised text without whitespace, and the span of its non-blank part."""
    norm = normalise(text)
    kept = [i for i, ch in enumerate(norm) if not ch.isspace()]
    if not kept:
        return None
    return "".join(norm[i] for i in kept), Span(kept[0], kept[-1] + 1)


def parse_comparator(text: str) -> Comparator | None:
    """Read a 指标性质 cell: "≧", "═", ">=", "不低于", "以上" …; None if it is not a comparator."""
    trimmed = _trimmed(text)
    if trimmed is None:
        return None
    key, span = trimmed
    meaning = COMPARATORS.get(key) or POST_COMPARATORS.get(key)
    if meaning is None:
        return None
    written = "".join(text[span.start : span.end].split())
    return Comparator(meaning[0], meaning[1], written, span)


def _listed_unit(key: str) -> bool:
    """A listed unit, then any "/…" parts (元/人, 次/年): what (?:UNIT)(?:/[^/]+)* fullmatches."""
    for unit in _unit_prefixes(key):
        rest = key[len(unit) :]
        if not rest or (rest[0] == "/" and all(rest[1:].split("/"))):
            return True
    return False


@cache
def _unknown_unit() -> re.Pattern[str]:
    """A short word that is not a listed unit (compiled only for a cell that has one)."""
    return re.compile(r"[\u3400-\u9fffA-Za-z%‰]{1,6}(?:/[\u3400-\u9fffA-Za-z]{1,6})*")


def parse_unit(text: str) -> Unit | None:
    """Read a 度量单位 cell: "%", "人次", "元/亩"; an unlisted word gets dimension "unknown"."""
    trimmed = _trimmed(text)
    if trimmed is None:
        return None
    key, span = trimmed
    if key.startswith("1/") and key[1:] in lexicon().units:
        key = key[1:]  # a column's "1/10万" is the rate unit "/10万"
    if _listed_unit(key):
        base = key.split("/", 1)[0]
        if base in lexicon().units or key in lexicon().units:
            return unit_from_text(key, span)
    if _unknown_unit().fullmatch(key):
        return unit_from_text(key, span, known=False)
    return None


def _token_types() -> frozenset[str]:
    """Terminal names, for tests that check the grammar builds (and stays free of typos)."""
    return frozenset(t.name for t in _parser().terminals)
