"""The trie-shaped unit and placeholder patterns match exactly like the flat alternations."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_audit.transform import flat_pattern, lexicon, trie_pattern

UNITS = sorted(lexicon().units)
PLACEHOLDERS = sorted(lexicon().placeholders)


@settings(max_examples=500)
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
