"""The condition language's syntax: parsing a condition (grammar/condition.lark) into a
tree, with every failure a ConditionError located inside the text; string literals.

The tree is plain data (Node and Leaf below), not Lark's: the built-in packs' trees come from
the cache, and compiling them must not need Lark, which is imported only to parse a condition
not seen before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from indicator_audit.core.resources import read_resource

if TYPE_CHECKING:
    from lark import Lark, Token, Tree

MAX_CONDITION = 4000  # characters: a longer "condition" is a pasted mistake


class ConditionError(Exception):
    """A condition or template that does not compile; `offset` is inside its text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Leaf:
    """A token of a condition: its terminal (FIELD, STRING, NUMBER, COMPARE), its text and
    where it starts in the condition."""

    type: str
    text: str
    pos: int


@dataclass(frozen=True, slots=True)
class Node:
    """A rule of grammar/condition.lark (its alias: compare, and_, count …), its parts (None
    for an optional part left out) and where it starts in the condition."""

    data: str
    children: tuple[Node | Leaf | None, ...]
    pos: int


@cache
def _parser() -> Lark:
    from indicator_audit.parse.larkcache import lalr_parser

    return lalr_parser(
        "grammar-condition",  # the analysed grammar kept as data: start-up stays light
        read_resource("grammar", "condition.lark"),
        lexer="basic",  # one scanner to compile at start-up, not one per parser state
        propagate_positions=True,
        maybe_placeholders=True,
    )


# Parse trees known before parsing: the built-in packs' conditions, kept from an earlier
# start (see builtin_declarative_rules); and, while a built-in pack is first loaded, the
# trees it needed.
KNOWN_TREES: dict[str, Node] = {}
RECORDING: list[dict[str, Node]] = []


def parse_condition(text: str) -> Node:
    """The parse tree of one condition or placeholder; ConditionError on any bad input."""
    known = KNOWN_TREES.get(text)
    if known is not None:
        return known
    tree = _parse_condition(text)
    if RECORDING:
        RECORDING[-1][text] = tree
    return tree


def _parse_condition(text: str) -> Node:
    if len(text) > MAX_CONDITION:
        raise ConditionError(f"条件过长（超过 {MAX_CONDITION} 个字符）", MAX_CONDITION)
    from lark import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        at = exc.pos_in_stream or 0
        ch = text[at] if at < len(text) else ""
        hint = "；字符串请用英文引号 \"…\" 或 '…'" if ch in "“”‘’" else ""
        raise ConditionError(f"无法识别的字符“{ch}”{hint}", at) from None
    except UnexpectedEOF:
        raise ConditionError(
            "条件不完整：在末尾缺少内容（括号、引号或运算对象）", len(text)
        ) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        pos = getattr(token, "start_pos", None)
        offset = pos if isinstance(pos, int) else len(text)
        if token is None or getattr(token, "type", "") == "$END":
            raise ConditionError(
                "条件不完整：在末尾缺少内容（括号、引号或运算对象）", len(text)
            ) from None
        raise ConditionError(f"此处不应出现“{token}”", offset) from None
    return _plain(tree)


def _plain(tree: Tree[Token]) -> Node:
    """Lark's tree as Node and Leaf, without recursion (a long and/or chain nests deeply)."""
    from lark import Token

    def pos(t: Tree[Token]) -> int:
        meta = t.meta
        return 0 if meta.empty else meta.start_pos

    # post-order: a node is made once all its children are
    made: dict[int, Node] = {}
    stack: list[tuple[Tree[Token], bool]] = [(tree, False)]
    while stack:
        t, ready = stack.pop()
        if not ready:
            stack.append((t, True))
            stack.extend(
                (c, False) for c in t.children if c is not None and not isinstance(c, Token)
            )
            continue
        children: list[Node | Leaf | None] = []
        for c in t.children:
            if c is None:
                children.append(None)
            elif isinstance(c, Token):
                children.append(Leaf(c.type, str(c), c.start_pos or 0))
            else:
                children.append(made[id(c)])
        made[id(t)] = Node(str(t.data), tuple(children), pos(t))
    return made[id(tree)]


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "/": "/"}


def unquote(tok: Leaf) -> str:
    raw = tok.text[1:-1]
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    start = tok.pos
    while i < len(raw):
        ch = raw[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if nxt in _ESCAPES and nxt:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", raw[i + 2 : i + 6]):
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
        else:
            raise ConditionError(
                f"字符串中无效的转义“\\{nxt}”（可用 \\\" \\' \\\\ \\n \\t \\uXXXX；"
                "正则中的反斜杠请写两次，如 \\\\d）",
                start + 1 + i,
            )
    return "".join(out)
