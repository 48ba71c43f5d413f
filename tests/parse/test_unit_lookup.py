"""The fast path and parse_unit look unit words up instead of compiling the unit list: what
they find after a number, or in a unit cell, is what the UNIT and CMP_POST patterns of
grammar/indicator.lark would match, near-misses included."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_audit.parse import grammar
from indicator_audit.parse.grammar import (
    _after_number,
    _fast,
    _grammar,
    _listed_unit,
    _outranks_text,
    _parse,
    _prepare,
    _terminal_re,
    _text_end,
)
from indicator_audit.parse.transform import lexicon, trie_pattern

UNITS = sorted(lexicon().units)
POSTS = _grammar()[1]["CMP_POST"].split("|")
# after a unit: nothing, a listed or unlisted denominator, broken slashes, ASCII letters
PERS = ["", "/人", "/年", "/万元", "/km", "/x", "/", "//人", "/人/年"]
# after that: nothing, every post word, and text that only starts or ends like one
ENDS = ["", *POSTS, "以", "上", "内容", "s", "2", "元"]


def _unit_split(unit: str | None = None) -> re.Pattern[str]:
    macros = _grammar()[1]
    unit, post = unit or macros["UNIT"], macros["CMP_POST"]
    return re.compile(rf"(?:(?P<unit>{unit})(?P<per>/(?:{unit}))?)?(?P<post>{post})?")


def test_the_split_after_a_number_is_the_patterns() -> None:
    pattern = _unit_split()
    tails = [u + per + end for u in ["", *UNITS] for per in PERS for end in ENDS]
    tails += ["m2", "kgs", "GBps", "万", "万万", "个/", "/人"]
    for tail in tails:
        m = pattern.fullmatch(tail)
        expected = None if m is None else (m["unit"], m["per"], m["post"])
        assert _after_number(tail) == expected, tail


def test_where_two_splits_fit_the_longer_unit_wins_as_in_the_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Made-up units that end like a post word or a denominator (日内 and 日 + 内, 元/人
    listed whole): only the order of the candidates decides, as in the regex."""
    units = ["日", "日内", "元", "元/人", "人", "人以", "kg", "k"]
    monkeypatch.setattr(grammar, "lexicon", lambda: SimpleNamespace(units=dict.fromkeys(units)))
    grammar._longest_unit.cache_clear()
    try:
        pattern = _unit_split(trie_pattern(units, guard_ascii=True))
        for tail in ["日内", "日以内", "元/人", "元/人以上", "人以上", "人以", "kg", "kg/日内"]:
            m = pattern.fullmatch(tail)
            assert m is not None
            assert _after_number(tail) == (m["unit"], m["per"], m["post"]), tail
    finally:
        grammar._longest_unit.cache_clear()


def test_listed_units_in_a_unit_cell_are_the_patterns() -> None:
    pattern = re.compile(rf"(?:{_grammar()[1]['UNIT']})(?:/[^/]+)*")
    suffixes = ["", "/人", "/人/年", "/", "//人", "/人/", "x", "/abc", "以上"]
    for key in [u + s for u in UNITS for s in suffixes] + ["", "/", "人次/", "X"]:
        assert _listed_unit(key) == (pattern.fullmatch(key) is not None), key


@pytest.mark.parametrize("post", ["", *POSTS])
def test_every_unit_takes_the_fast_path_and_agrees_with_the_grammar(post: str) -> None:
    for unit in UNITS:
        for text in (f"≥12{unit}{post}", f"不低于3.5{unit}/人{post}", f"30{unit}/年"):
            assert _fast(_prepare(text, "target").compact) is not None, text
            assert _parse(text, "target", fast=True) == _parse(text, "target", fast=False)


# Pieces of text around the places where the unit list decides: numbers in words and
# placeholders before units, post words, more text, brackets, and ASCII after ASCII units.
_PIECES = ["一", "三", "十", "二十五", "三点五", "两", "千", "xx", "X", "**", "…", "待定", "○○",
           "项", "个", "级", "次", "分钟", "万元", "m", "mm", "kg", "km", "以上", "内", "以内",
           "(", ")", "故障", "系统", "s", "a", "2", "12", "%", "。", "在", "不低于", "百分之"]  # fmt: skip


def _same_as_the_full_patterns(text: str) -> None:
    full = _terminal_re("TEXT")
    for pos in range(len(text)):
        for end in (len(text), max(pos, len(text) - 2)):
            m = full.match(text, pos, end)
            expected = None if m is None or m.end() == pos else m.end()
            assert _text_end(text, pos, end) == expected, (text, pos, end)
        expected_out = any(_terminal_re(n).match(text, pos) for n in ("CN_PERCENT", "CN_NUMBER"))
        assert _outranks_text(text, pos) == expected_out, (text, pos)


def test_text_and_numbers_in_words_end_where_the_full_patterns_end() -> None:
    for a in _PIECES:
        for b in _PIECES:
            for c in ("", "项", "级故障", "以上", "25分钟", "(3个)", "xx"):
                _same_as_the_full_patterns(a + b + c)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + UNITS[:40] + POSTS), min_size=1, max_size=6))
def test_text_ends_where_the_full_pattern_ends_for_any_run_of_pieces(pieces: list[str]) -> None:
    _same_as_the_full_patterns("".join(pieces))
