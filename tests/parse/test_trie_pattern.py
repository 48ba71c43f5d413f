"""The trie-shaped unit and placeholder patterns match exactly like the flat alternations."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_audit.parse.transform import flat_pattern, lexicon, trie_pattern

UNITS = sorted(lexicon().units)
PLACEHOLDERS = sorted(lexicon().placeholders)


# deadline=None: each example compiles two large patterns, whose time follows the machine's load
@settings(max_examples=500, deadline=None)
@given(
    word=st.sampled_from(UNITS + PLACEHOLDERS),
    tail=st.text(alphabet=st.sampled_from(list("m次人元/年月ssh以内%xX*_ ")), max_size=4),
    cut=st.integers(min_value=0, max_value=3),
    follow=st.sampled_from(["", "$", "(?![\u3400-\u9fff])", "以内", "/"]),
)
def test_trie_matches_like_the_flat_alternation(
    word: str, tail: str, cut: int, follow: str
) -> None:
    text = word[: max(1, len(word) - cut)] + tail
    for words, guard in ((UNITS, True), (PLACEHOLDERS, False)):
        flat = re.compile(f"(?:{flat_pattern(words, guard)}){follow}")
        trie = re.compile(f"(?:{trie_pattern(words, guard)}){follow}")
        a, b = flat.match(text), trie.match(text)
        assert (a and a.group(0)) == (b and b.group(0)), (text, follow)


def test_terminal_patterns_read_from_the_grammar_match_larks() -> None:
    """The clause fast path reads terminal regexes from the grammar text; Lark must agree."""
    from indicator_audit.parse.grammar import _OUTRANK_TEXT, _parser, _terminal_patterns

    lark_terms = {t.name: t.pattern.to_regexp() for t in _parser().terminals}
    samples = ["一级故障25分钟", "≥90%", "2021年12月底前", "不超过3次", "百分之九十", "xx分钟",
               "12月31日前", "2023.07", "；", "核心系统", "二十五分钟", "1,346.5万元", "**%"]  # fmt: skip
    ours = _terminal_patterns()
    for name in (*_OUTRANK_TEXT, "TEXT"):
        a, b = re.compile(ours[name]), re.compile(lark_terms[name])
        for text in samples:
            for i in range(len(text)):
                ma, mb = a.match(text, i), b.match(text, i)
                assert (ma and ma.group(0)) == (mb and mb.group(0)), (name, text, i)


def _assert_skipped_terminals_fail_where_text_matches(text: str) -> None:
    from indicator_audit.parse.grammar import _OUTRANK_AFTER_TEXT, _OUTRANK_TEXT, _terminal_re

    skipped = [n for n in _OUTRANK_TEXT if n not in _OUTRANK_AFTER_TEXT]
    for i in range(len(text)):
        m = _terminal_re("TEXT").match(text, i)
        if m is None or m.end() == i:
            continue
        for name in skipped:
            assert _terminal_re(name).match(text, i) is None, (name, text, i)


def test_terminals_not_tried_after_text_never_match_where_text_does() -> None:
    """The clause fast path tries only _OUTRANK_AFTER_TEXT once TEXT has matched: every other
    terminal that outranks TEXT must fail wherever TEXT matches something."""
    samples = ["一级故障25分钟", "不超过3次", "xx分钟", "**%", "在3日内", "控制在5%", "百分之九十",
               "三项以上", "待定", "XX系统", "≥90%", "；一级", "至少二次", "达到三级", "……个",
               "x", "最多5人", "二十五分钟", "__人次", "(8个)", "系统待定", "约xx次"]  # fmt: skip
    for text in samples:
        _assert_skipped_terminals_fail_where_text_matches(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet="一二三十百千零两xX*…_.待定未在控制以上内超过不低于至少分钟次个%年月;、(系统",
        max_size=10,
    )
)
def test_terminals_not_tried_after_text_fail_on_generated_text(text: str) -> None:
    _assert_skipped_terminals_fail_where_text_matches(text)
