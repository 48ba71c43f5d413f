"""Text normalisation shared by every layer: one spelling for full-width and look-alike
characters, strictly one character for one so that offsets survive."""

from __future__ import annotations

from collections.abc import Iterable

# Normalisation: strictly 1:1 so that every offset in the normalised text is an offset in the
# original (NFKC would turn "㎡" into two characters and "…" into three).

_PAIRS: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_PAIRS.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0x200B: " ",  # zero-width space: removed with the other whitespace
        0xFEFF: " ",
        ord("≧"): "≥",
        ord("≦"): "≤",
        ord("⩾"): "≥",
        ord("⩽"): "≤",
        ord("═"): "=",
        ord("﹪"): "%",
        ord("﹤"): "<",
        ord("﹥"): ">",
        ord("〜"): "~",
        ord("–"): "-",
        ord("‒"): "-",
        ord("−"): "-",
        ord("﹣"): "-",
        ord("―"): "—",
        ord("【"): "(",
        ord("】"): ")",
        ord("〔"): "(",
        ord("〕"): ")",
        ord("╱"): "/",
        ord("∕"): "/",
        ord("·"): "·",
    }
)
NORMALISE = str.maketrans(_PAIRS)


def normalise(text: str) -> str:
    """Map full-width and look-alike characters to one spelling, one character for one."""
    return text.translate(NORMALISE)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice a mistyped `word` most likely meant (for a "是否想写…" hint), or None."""
    import difflib  # only on the way to an error message: not at every start

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None
