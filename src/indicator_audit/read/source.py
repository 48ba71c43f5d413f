"""Reading a targets file into a positioned node tree.

Two loaders produce the same tree:

* a fast line-based reader for the block-style subset people (and budgeting systems) actually
  write: block mappings and sequences, plain and simple quoted scalars, flow lists of scalars,
  comments. It does one regex match per line, which keeps a 50,000-indicator file well under a
  second — PyYAML's composer needs several seconds for the same file;
* PyYAML's composer (C accelerated when available) for everything else: anchors, block
  scalars, multi-line scalars, flow mappings, tags. The fast reader hands over the moment it
  meets any of these, so YAML semantics are never approximated.

Both give every scalar its 1-based line and column, and where the scalar's characters stand in
the file one for one (plain or quoted on one line, no escapes) the column of its first
character, so that offsets inside a cell map back to the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 5_000_000


class SourceError(Exception):
    """Input that cannot be read as a targets file; carries a 1-based position."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class Scalar:
    value: str | None  # None for YAML null
    line: int
    col: int
    end_line: int
    end_col: int
    # Column of the value's first character when the text stands verbatim in the file
    # (so a character offset inside the value maps to col + offset); None otherwise.
    base_col: int | None = None


@dataclass(slots=True)
class Mapping:
    line: int
    col: int
    items: list[tuple[Scalar, Node]] = field(default_factory=list)


@dataclass(slots=True)
class Sequence:
    line: int
    col: int
    items: list[Node] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


@dataclass(slots=True)
class Source:
    path: str  # what reports call it: the file, or "book.xlsx#Sheet1" for a workbook project
    text: str  # the YAML text ("" for sources that are not text, such as a workbook)
    encoding: str  # "utf-8", "utf-8-sig" or "gb18030": fixes write back what was read
    root: Node
    loader: str  # "fast", "pyyaml", or the reader that built the tree ("xlsx", "csv" …)
    # For tabular sources: (line, column) → a cell reference such as "Sheet1!D7".
    cell_ref: Callable[[int, int], str] | None = None


# ---------------------------------------------------------------------------------------------
# Decoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _decode_error(data, exc.start + 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise _decode_error(data, first_bad) from None


def _decode_error(data: bytes, offset: int) -> SourceError:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return SourceError(
        f"无法识别文件编码：第 {line} 行含有既非 UTF-8 也非 GBK/GB18030 的字节", line, col
    )


def _os_message(exc: OSError) -> str:
    """A Chinese reason for a failed open or read."""
    import errno

    reasons = {
        errno.ENOENT: "文件不存在",
        errno.EACCES: "没有读取权限（文件或它所在的某一级目录）",
        errno.EPERM: "没有读取权限",
        errno.ELOOP: "符号链接形成了循环",
        errno.EISDIR: "这是一个目录，不是文件",
        errno.ENOTDIR: "路径中的某一级不是目录",
        errno.ENAMETOOLONG: "路径过长",
    }
    return reasons.get(exc.errno or 0, f"无法读取文件：{exc.strerror}")


def read_bytes_capped(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most `limit` of them. A FIFO, a device (/dev/zero) or a
    socket is refused without reading it (opening a FIFO does not wait for a writer), and the
    size is enforced while reading, not only from what stat said."""
    import os
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SourceError(_os_message(exc)) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise SourceError("这是一个目录，不是文件")
        if not stat.S_ISREG(st.st_mode):
            raise SourceError("不是普通文件（管道、设备或套接字），不予读取")
        if st.st_size > limit:
            raise SourceError(
                f"文件过大（{st.st_size / 1048576:.1f} MB），上限为 {limit // 1048576} MB"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # grew while being read
                raise SourceError(f"文件过大，上限为 {limit // 1048576} MB")
        return b"".join(chunks)
    except OSError as exc:
        raise SourceError(_os_message(exc)) from None
    finally:
        os.close(fd)


def check_regular(path: str | Path) -> None:
    """SourceError unless `path` is a regular file of at most MAX_FILE_BYTES (for readers
    that open the file themselves)."""
    import os
    import stat

    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourceError(_os_message(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceError("这是一个目录，不是文件")
    if not stat.S_ISREG(st.st_mode):
        raise SourceError("不是普通文件（管道、设备或套接字），不予读取")
    if st.st_size > MAX_FILE_BYTES:
        raise SourceError(
            f"文件过大（{st.st_size / 1048576:.1f} MB），上限为 {MAX_FILE_BYTES // 1048576} MB"
        )


def read_file(path: str | Path) -> Source:
    text, encoding = decode(read_bytes_capped(path))
    return load_text(text, str(path), encoding)


def load_text(text: str, path: str = "<text>", encoding: str = "utf-8") -> Source:
    if len(text) > MAX_FILE_BYTES:  # text given directly (audit_text) has the files' cap too
        raise SourceError(f"内容过大（{len(text)} 字符），上限为 {MAX_FILE_BYTES} 字符")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise SourceError("文件为空：没有任何内容")
    try:
        if _PYYAML_ONLY.search(text):
            raise _Unsupported  # PyYAML refuses it, with its location, or breaks the line there
        root = FastReader(text).read()
        loader = "fast"
    except _Unsupported:
        root = _load_with_pyyaml(text)
        loader = "pyyaml"
    return Source(path=path, text=text, encoding=encoding, root=root, loader=loader)


# ---------------------------------------------------------------------------------------------
# The fast reader


# Characters PyYAML refuses anywhere (its NON_PRINTABLE: C0 controls but tab, LF and CR; DEL and
# C1 controls but NEL; surrogates; U+FFFE, U+FFFF), and NEL, LS and PS, which it reads as line
# breaks: a text holding any is read by PyYAML alone, so the fast reader never accepts what
# PyYAML rejects nor splits lines differently.
_PYYAML_ONLY = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
# Of those, the ones PyYAML refuses (all but NEL, LS and PS).
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class _Unsupported(Exception):
    """Raised by the fast reader for anything outside its subset: PyYAML takes over."""


# One match per significant line: indent, "- " marker, plain key, and the rest. Blank and
# comment-only lines match with empty groups and are skipped by the loop below.
_LINE = re.compile(
    r"^(?P<ind> *)(?:(?P<dash>-)(?:(?P<dsp> +)|$))?"
    r"(?:(?P<key>[^\s#'\"\[\]{}&*!|>%@`,?:-][^:#\n]*?|-[^\s:#][^:#\n]*?) *:(?: +|$))?"
    r"(?P<rest>[^\n]*)$",
    re.M,
)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
# Characters a plain scalar may not start with (YAML indicators), and for the one-branch path
# also quotes, "[" and "-", which have their own handling.
_PLAIN_BAD_START = frozenset("&*!|>%@`{}]?#,:")
_FAST_BAD = _PLAIN_BAD_START | frozenset("'\"[-")
# Characters the line regex does not accept first in a plain key.
_KEY_BAD_START = frozenset("#'\"[]{}&*!|>%@`,?:-")


class _Open:
    """A container still receiving lines, with the column its entries align at."""

    __slots__ = ("col", "is_map", "node", "pending_item", "pending_key")

    def __init__(self, col: int, node: Mapping | Sequence) -> None:
        self.col = col
        self.node = node
        self.is_map = isinstance(node, Mapping)
        self.pending_key: Scalar | None = None  # "key:" waiting for a block value
        self.pending_item: tuple[int, int] | None = None  # "-" waiting: (line, col)


class FastReader:
    """Stack-based reader for block YAML; raises _Unsupported outside its subset."""

    def __init__(self, text: str) -> None:
        if "\t" in text or "\r" in text.replace("\r\n", ""):
            raise _Unsupported
        self.text = text.replace("\r\n", "\n") if "\r" in text else text
        self.root: Node | None = None
        # Keys and values repeat from indicator to indicator (labels, names, common targets):
        # what the quick checks found about each text is kept for its next line.
        self.plain_keys: dict[str, str | None] = {}  # key → the one copy kept of it, or None
        self.inline: dict[str, tuple[str | None, int, int] | None] = {}

    def read(self) -> Node:
        """The document's tree. Most lines take one of two quick paths ("key: value" in the
        open mapping, "- key: value" opening the next item of the open list); any other
        line goes through the line regex (`_line`)."""
        stack: list[_Open] = []
        count = 0
        # The mapping that takes "key: value" lines on the quick path (the top of the stack,
        # when that is a mapping with no key waiting for a block value): its column and items,
        # refreshed after every line the general path handled.
        open_col = -1
        open_items: list[tuple[Scalar, Node]] = []
        stale = False
        for line_no, line in enumerate(self.text.split("\n"), 1):
            # The common lines are split with str methods, which cost a third of the line
            # regex; anything the checks below do not vouch for goes through the regex.
            head, sep, rest = line.partition(": ")
            key = head.lstrip(" ")  # the whole line, less its indent, when there is no ": "
            if not key or key[0] == "#":
                continue  # blank or comment line
            col = len(head) - len(key)
            count += 1
            if stale:
                open_col, open_items = _open_mapping(stack)
                stale = False
            if key[0] != "-":
                # "key: value" inside the open mapping (a plain value, or a double-quoted one
                # with no escapes)
                if col == open_col and sep and rest and rest[0] != " ":
                    pair = self._pair(key, rest, line_no, col)
                    if pair is not None:
                        open_items.append(pair)
                        continue
            elif len(stack) >= 2 and key[1:2] == " " and sep:
                # the next item of the open list, "- key: value"
                mapping = self._next_item(stack, key[2:], rest, line_no, col)
                if mapping is not None:
                    open_col, open_items = col + 2, mapping.items
                    continue
            stale = True  # the general path may change the stack in any way
            if count > MAX_NODES or len(stack) > MAX_DEPTH:
                raise _Unsupported
            self._line(stack, line, line_no, col)
        while stack:
            self._close(stack.pop())
        if self.root is None:
            raise _Unsupported
        return self.root

    def _plain(self, key: str) -> str | None:
        """The one kept copy of `key` when the quick paths may take it as a plain key."""
        known = self.plain_keys
        if key in known:
            return known[key]
        return known.setdefault(key, key if _plain_key(key) else None)

    def _inline(self, rest: str) -> tuple[str | None, int, int] | None:
        """What _inline_value found for a value text, found once per distinct text."""
        known = self.inline
        if rest in known:
            return known[rest]
        return known.setdefault(rest, _inline_value(rest))

    def _pair(self, key: str, rest: str, line_no: int, col: int) -> tuple[Scalar, Scalar] | None:
        """The entry of a "key: value" line, if it is a plain key with a quick value."""
        plain = self._plain(key)
        if plain is None:
            return None
        found = self._inline(rest)
        if found is None:
            return None
        value, width, offset = found
        vcol = col + len(plain) + 3
        kcol = col + 1
        return (
            Scalar(plain, line_no, kcol, line_no, kcol + len(plain), kcol),
            Scalar(value, line_no, vcol, line_no, vcol + width, vcol + offset),
        )

    def _next_item(
        self, stack: list[_Open], key: str, rest: str, line_no: int, col: int
    ) -> Mapping | None:
        """A "- key: value" line that opens the next mapping of the open list: close the
        previous item's mapping, open this one and return it (None: not a quick line)."""
        if not rest or rest[0] == " ":
            return None
        prev, seq_open = stack[-1], stack[-2]
        if (
            seq_open.col != col
            or seq_open.is_map
            or seq_open.pending_item is not None
            or not prev.is_map
            or prev.col <= col
            or prev.pending_key is not None
        ):
            return None
        ccol = col + 2
        pair = self._pair(key, rest, line_no, ccol)
        if pair is None:
            return None
        stack.pop()
        mapping = Mapping(line_no, ccol + 1, [pair])
        seq_node = seq_open.node
        assert isinstance(seq_node, Sequence)
        seq_node.items.append(mapping)
        stack.append(_Open(ccol, mapping))
        return mapping

    def _line(self, stack: list[_Open], line: str, line_no: int, col: int) -> None:
        """Any line the quick paths did not take, split by the line regex."""
        m = _LINE.match(line)
        assert m is not None  # the pattern matches every line
        dash, dsp, key, rest = m.group("dash", "dsp", "key", "rest")
        rcol = m.start("rest")
        if not col and rest.startswith(("---", "...", "%")):
            raise _Unsupported
        if dash:
            ccol = col + 1 + (len(dsp) if dsp else 0)
            self._item_line(stack, line_no, col, ccol, key, rest, rcol)
        elif key:
            mapping_open = self._mapping_for(stack, col, line_no)
            if mapping_open is None:
                if self.root is not None:
                    raise _Unsupported
                self.root = Mapping(line_no, col + 1)
                mapping_open = _Open(col, self.root)
                stack.append(mapping_open)
            self._key(mapping_open, key, rest, line_no, col, rcol)
        else:
            raise _Unsupported  # a continuation line of a multi-line scalar, or an error

    def _item_line(
        self,
        stack: list[_Open],
        line_no: int,
        col: int,
        ccol: int,
        key: str | None,
        rest: str,
        rcol: int,
    ) -> None:
        """A "- …" line at `col`: an item of a list (opened here when none is open at that
        column); `ccol` is the column of what follows the dash."""
        seq = self._sequence_for(stack, col, line_no)
        if seq is None:
            if self.root is not None:
                raise _Unsupported
            seq = Sequence(line_no, col + 1)
            self.root = seq
            stack.append(_Open(col, seq))
        top = stack[-1]
        if key:
            mapping = Mapping(line_no, ccol + 1)
            seq.items.append(mapping)
            opened = _Open(ccol, mapping)
            stack.append(opened)
            self._key(opened, key, rest, line_no, ccol, rcol)
        elif not rest or rest[0] == "#":
            top.pending_item = (line_no, ccol + 1)
        elif rest == "-" or rest.startswith("- "):
            raise _Unsupported  # "- - x"
        else:
            seq.items.append(self._value(rest, line_no, rcol))

    @staticmethod
    def _close(opened: _Open) -> None:
        """Give a dangling "key:" or "-" its null value."""
        if opened.pending_key is not None:
            k = opened.pending_key
            assert isinstance(opened.node, Mapping)
            opened.node.items.append(
                (k, Scalar(None, k.line, k.end_col + 1, k.line, k.end_col + 1))
            )
            opened.pending_key = None
        if opened.pending_item is not None:
            line, col = opened.pending_item
            assert isinstance(opened.node, Sequence)
            opened.node.items.append(Scalar(None, line, col, line, col))
            opened.pending_item = None

    def _attach(self, stack: list[_Open], node: Mapping | Sequence, col: int) -> bool:
        """Make `node` the block value of the top's pending key or item, if it has one."""
        top = stack[-1]
        if top.pending_key is not None and col >= top.col:
            assert isinstance(top.node, Mapping)
            top.node.items.append((top.pending_key, node))
            top.pending_key = None
        elif top.pending_item is not None and col > top.col:
            assert isinstance(top.node, Sequence)
            top.node.items.append(node)
            top.pending_item = None
        else:
            return False
        stack.append(_Open(col, node))
        return True

    def _sequence_for(self, stack: list[_Open], col: int, line_no: int) -> Sequence | None:
        while stack and stack[-1].col > col:
            self._close(stack.pop())
        if not stack:
            return None
        top = stack[-1]
        if top.col == col and isinstance(top.node, Sequence):
            self._close(top)
            return top.node
        seq = Sequence(line_no, col + 1)
        if self._attach(stack, seq, col):
            return seq
        raise _Unsupported

    def _mapping_for(self, stack: list[_Open], col: int, line_no: int) -> _Open | None:
        while stack and (
            stack[-1].col > col or (stack[-1].col == col and isinstance(stack[-1].node, Sequence))
        ):
            self._close(stack.pop())
        if not stack:
            return None
        top = stack[-1]
        if top.col == col and isinstance(top.node, Mapping):
            self._close(top)
            return top
        mapping = Mapping(line_no, col + 1)
        if top.pending_key is not None and col == top.col:
            raise _Unsupported
        if self._attach(stack, mapping, col):
            return stack[-1]
        raise _Unsupported

    def _key(self, opened: _Open, key: str, rest: str, line_no: int, col: int, rcol: int) -> None:
        if key in _NULLS:
            raise _Unsupported  # a null key: let PyYAML's composer say what it is
        k = Scalar(key, line_no, col + 1, line_no, col + 1 + len(key), col + 1)
        if not rest or rest[0] == "#":
            opened.pending_key = k
            return
        assert isinstance(opened.node, Mapping)
        opened.node.items.append((k, self._value(rest, line_no, rcol)))

    def _value(self, rest: str, line_no: int, vcol: int) -> Node:
        """An inline value: plain, single/double quoted, or a one-line flow list."""
        ch = rest[0]
        if ch == '"':
            close = rest.find('"', 1)
            if close < 0 or "\\" in rest[:close]:
                raise _Unsupported
            _only_comment_after(rest, close + 1)
            return Scalar(rest[1:close], line_no, vcol + 1, line_no, vcol + close + 2, vcol + 2)
        if ch == "'":
            i = 1
            while True:
                close = rest.find("'", i)
                if close < 0:
                    raise _Unsupported
                if rest.startswith("''", close):
                    i = close + 2
                    continue
                break
            _only_comment_after(rest, close + 1)
            raw = rest[1:close]
            value = raw.replace("''", "'")
            base = vcol + 2 if value == raw else None
            return Scalar(value, line_no, vcol + 1, line_no, vcol + close + 2, base)
        if ch == "[":
            return _flow_list(rest, line_no, vcol)
        if ch == "{":
            return _flow_map(rest, line_no, vcol)
        if ch in _PLAIN_BAD_START or rest.startswith("- ") or rest == "-":
            raise _Unsupported
        hash_at = rest.find(" #")
        value = (rest if hash_at < 0 else rest[:hash_at]).rstrip(" ")
        if ": " in value or value.endswith(":"):
            raise _Unsupported  # let PyYAML report "mapping values are not allowed here"
        return Scalar(
            None if value in _NULLS else value,
            line_no,
            vcol + 1,
            line_no,
            vcol + 1 + len(value),
            vcol + 1,
        )


def _open_mapping(stack: list[_Open]) -> tuple[int, list[tuple[Scalar, Node]]]:
    """The column and items of the mapping that takes quick-path lines: the top of the stack
    if it is a mapping with no key waiting (else column -1, which no line has)."""
    if stack:
        top = stack[-1]
        node = top.node
        if isinstance(node, Mapping) and top.pending_key is None:
            return top.col, node.items
    return -1, []


def _plain_key(key: str) -> bool:
    """Whether `key` (split off at the first ": ") is the plain key the line regex would take:
    no YAML indicator first, no ":" or "#" inside, no space before the colon, not a null."""
    return (
        bool(key)
        and key[0] not in _KEY_BAD_START
        and not key[0].isspace()
        and ":" not in key
        and "#" not in key
        and key[-1] != " "
        and key not in _NULLS
    )


def _inline_value(rest: str) -> tuple[str | None, int, int] | None:
    """The quick path's value, as (value, width in the file, offset of its first character):
    a plain scalar, or "…" with no escape and nothing after it. None sends the line through
    the general path (which may hand the file to PyYAML)."""
    ch = rest[0]
    if ch == '"':
        close = rest.find('"', 1)
        if close < 0 or close != len(rest) - 1 or "\\" in rest:
            return None
        return rest[1:close], close + 1, 1
    if ch in _FAST_BAD or " #" in rest or ": " in rest:
        return None
    value = rest.rstrip(" ") if rest[-1] == " " else rest
    if value[-1] == ":":
        return None
    return (None if value in _NULLS else value), len(value), 0


def _only_comment_after(rest: str, i: int) -> None:
    tail = rest[i:].lstrip(" ")
    if tail and not tail.startswith("#"):
        raise _Unsupported


def _flow_inner(rest: str, closer: str) -> str:
    """What stands between a one-line flow collection's brackets, if it is plain scalars and
    commas only and nothing but a comment follows the closing bracket."""
    close = rest.find(closer)
    if close < 0:
        raise _Unsupported
    _only_comment_after(rest, close + 1)
    inner = rest[1:close]
    if any(c in inner for c in "[]{}\"'#&*!|>"):
        raise _Unsupported
    return inner


def _flow_map(rest: str, line_no: int, vcol: int) -> Mapping:
    """{key: value, …} on one line, plain or quoted keys and values ("- {level1: 产出指标, …}",
    "budget_execution: {planned: 348, …}" and the same with values written as JSON strings
    are common); anything richer goes to PyYAML."""
    if '"' in rest or "'" in rest:
        return _quoted_flow_map(rest, line_no, vcol)
    inner = _flow_inner(rest, "}")
    mapping = Mapping(line_no, vcol + 1)
    if not inner.strip():
        return mapping
    i = vcol + 1
    for part in inner.split(","):
        key_text, sep, value_text = part.partition(": ")
        lead = len(key_text) - len(key_text.lstrip(" "))
        key = key_text.strip(" ")
        value = value_text.strip(" ")
        if (
            not sep
            or not key
            or not value
            or key in _NULLS
            or ":" in key
            or ":" in value
            or key[0] in _PLAIN_BAD_START
            or value[0] in _PLAIN_BAD_START
            or key.startswith("-")
            or value == "-"
            or value.startswith("- ")
        ):
            raise _Unsupported  # anything PyYAML might read differently in a flow mapping
        kstart = i + lead
        vstart = i + len(key_text) + 2 + (len(value_text) - len(value_text.lstrip(" ")))
        mapping.items.append(
            (
                Scalar(key, line_no, kstart + 1, line_no, kstart + 1 + len(key), kstart + 1),
                Scalar(
                    None if value in _NULLS else value,
                    line_no,
                    vstart + 1,
                    line_no,
                    vstart + 1 + len(value),
                    vstart + 1,
                ),
            )
        )
        i += len(part) + 1
    return mapping


# A one-line flow mapping's entry: a key, ": ", a value, and the "," or "}" after it. Each of
# key and value is "…" without escapes, '…' ('' for a quote) or a plain scalar without the
# characters _flow_inner refuses, ":" or ","; what it cannot take goes to PyYAML. Every
# repetition stops at a character the next part needs: linear, no backtracking.
_FLOW_BAD = r"""\[\]{}"'#&*!|>,:"""
_FLOW_ENTRY = re.compile(
    r" *(?:"
    r'"(?P<kd>[^"\\]*)"'
    r"|'(?P<ks>(?:[^']|'')*)'"
    rf"|(?P<kp>[^\s{_FLOW_BAD}%@`?\-][^{_FLOW_BAD}]*)"
    r") *: +(?:"
    r'"(?P<vd>[^"\\]*)"'
    r"|'(?P<vs>(?:[^']|'')*)'"
    rf"|(?P<vp>[^\s{_FLOW_BAD}%@`?][^{_FLOW_BAD}]*)"
    r") *(?P<sep>[,}])"
)
# What PyYAML refuses (control characters) or reads as a line break (NEL, LS, PS) anywhere in
# a line: such a line is left to it. Written as the few ranges refused rather than the
# complement of those allowed, which `re` compiles by walking every code point it covers.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _quoted_flow_map(rest: str, line_no: int, vcol: int) -> Mapping:
    """A one-line flow mapping some of whose keys or values are quoted ({name: "巡检次数",
    target: '≥12次'}), read entry by entry: a quote may hold the commas, colons and braces
    that end a plain scalar, so the line cannot be split on them first. `vcol` is the
    0-based column of the "{"."""
    if _NOT_ONE_LINE.search(rest):
        raise _Unsupported
    mapping = Mapping(line_no, vcol + 1)
    items = mapping.items
    match = _FLOW_ENTRY.match
    at = 1
    while True:
        m = match(rest, at)
        if m is None:
            raise _Unsupported
        groups = m.groups()
        key = _flow_scalar(groups, m.regs, 1, rest, line_no, vcol)
        if key.value is None:
            raise _Unsupported  # a null key
        items.append((key, _flow_scalar(groups, m.regs, 4, rest, line_no, vcol)))
        at = m.end()
        if groups[6] == "}":
            _only_comment_after(rest, at)
            return mapping


def _flow_scalar(
    groups: tuple[str | None, ...],
    spans: tuple[tuple[int, int], ...],
    first: int,
    rest: str,
    line_no: int,
    vcol: int,
) -> Scalar:
    """The key (`first` 1) or value (4) of a _FLOW_ENTRY match: its groups `first`, +1, +2
    are "…", '…' and plain, one of them set. Placed as the PyYAML path places it."""
    dq, sq, plain = groups[first - 1 : first + 2]
    if plain is not None:
        text = plain.rstrip(" ")
        if text == "-" or text.startswith("- "):
            raise _Unsupported
        col = vcol + spans[first + 2][0] + 1
        if text in _NULLS:  # no base column for a null, as the PyYAML path reads it
            return Scalar(None, line_no, col, line_no, col + len(text))
        return Scalar(text, line_no, col, line_no, col + len(text), col)
    if dq is not None:
        col = vcol + spans[first][0]  # the quote's (1-based) column
        return Scalar(dq, line_no, col, line_no, col + len(dq) + 2, col + 1)
    assert sq is not None
    i = spans[first + 1][0]
    col = vcol + i
    value = sq.replace("''", "'")
    # a base column where the value stands at the quote, as the PyYAML path finds it
    base = col + 1 if rest.startswith(value, i) else None
    return Scalar(value, line_no, col, line_no, col + len(sq) + 2, base)


def _flow_list(rest: str, line_no: int, vcol: int) -> Sequence:
    """[a, b, c] on one line, plain scalars only; anything richer goes to PyYAML."""
    inner = _flow_inner(rest, "]")
    seq = Sequence(line_no, vcol + 1)
    if not inner.strip():
        return seq
    i = vcol + 1
    for part in inner.split(","):
        lead = len(part) - len(part.lstrip(" "))
        value = part.strip(" ")
        start = i + lead
        if not value or ":" in value or value[0] in _PLAIN_BAD_START or value.startswith("- "):
            raise _Unsupported  # anything PyYAML might read differently in a flow list
        seq.items.append(
            Scalar(value, line_no, start + 1, line_no, start + 1 + len(value), start + 1)
        )
        i += len(part) + 1
    return seq


# ---------------------------------------------------------------------------------------------
# The PyYAML path


def _load_with_pyyaml(text: str) -> Node:
    import yaml  # lazy: most files never need it

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    _guard_flow_depth(text)
    try:
        nodes = list(yaml.compose_all(text, Loader=loader_cls))
    except yaml.MarkedYAMLError as exc:
        from indicator_audit.read.yaml_messages import syntax_message

        def at(mark: yaml.Mark | None) -> tuple[int, int] | None:
            return (mark.line + 1, mark.column + 1) if mark is not None else None

        message, line, col = syntax_message(
            exc.context, at(exc.context_mark), exc.problem, at(exc.problem_mark)
        )
        raise SourceError(message, line, col) from None
    except yaml.reader.ReaderError:
        raise _refused_character(text) from None
    except yaml.YAMLError:
        raise SourceError("YAML 语法错误：无法解析") from None
    except RecursionError:
        raise SourceError("YAML 嵌套过深") from None
    docs = [n for n in nodes if n is not None]
    if not docs:
        raise SourceError("文件为空：没有任何内容")
    if len(docs) > 1:
        mark = docs[1].start_mark
        raise SourceError("一个文件只能包含一个 YAML 文档", mark.line + 1, mark.column + 1)
    return _Converter(text).convert(docs[0], 0)


def _refused_character(text: str) -> SourceError:
    """PyYAML's reader refused a character: name the first such one, where it stands."""
    m = _REFUSED.search(text)
    if m is None:  # not expected: the reader refuses only these
        return SourceError("YAML 语法错误：文件中有 YAML 不允许的字符")
    before = text[: m.start()]
    line = before.count("\n") + 1
    col = m.start() - (before.rfind("\n") + 1) + 1
    code = f"U+{ord(m.group()):04X}"
    return SourceError(
        f"YAML 不允许的字符 {code}（控制字符或非字符）：删去它，或换成可见的字符", line, col
    )


# What the nesting guard looks at: quoted scalars and comments (skipped whole, so their
# brackets do not count) and the flow brackets themselves. A quote opens a scalar only where
# a scalar can start; the alternatives are disjoint, so the scan is linear.
_FLOW_TOKENS = re.compile(
    r"""(?:(?<![^\s\[{,:])"(?:[^"\\]|\\.)*"|(?<![^\s\[{,:])'(?:[^']|'')*')"""
    r"|(?<!\S)#[^\n]*|[\[\]{}]"
)


def _guard_flow_depth(text: str) -> None:
    """Refuse absurd flow nesting before the composer recurses into it."""
    depth = 0
    for m in _FLOW_TOKENS.finditer(text):
        ch = m.group()
        if ch in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                i = m.start()
                line = text.count("\n", 0, i) + 1
                col = i - (text.rfind("\n", 0, i) + 1) + 1
                raise SourceError(f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）", line, col)
        elif ch in ("]", "}"):
            depth = max(0, depth - 1)


class _Converter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.count = 0

    def convert(self, node: yaml.Node, depth: int) -> Node:
        import yaml

        self.count += 1
        if self.count > MAX_NODES:
            m = node.start_mark
            raise SourceError("YAML 别名展开过多（疑似“别名炸弹”）", m.line + 1, m.column + 1)
        if depth > MAX_DEPTH:
            m = node.start_mark
            raise SourceError(f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）", m.line + 1, m.column + 1)
        start, end = node.start_mark, node.end_mark
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return Sequence(
                start.line + 1,
                start.column + 1,
                [self.convert(child, depth + 1) for child in node.value],
            )
        if isinstance(node, yaml.MappingNode):
            items: list[tuple[Scalar, Node]] = []
            for k, v in node.value:
                key = self.convert(k, depth + 1)
                if not isinstance(key, Scalar) or key.value is None:
                    m = k.start_mark
                    raise SourceError("键必须是普通文字", m.line + 1, m.column + 1)
                items.append((key, self.convert(v, depth + 1)))
            return Mapping(start.line + 1, start.column + 1, items)
        raise SourceError("无法识别的 YAML 节点", end.line + 1, end.column + 1)

    def _scalar(self, node: yaml.ScalarNode) -> Scalar:
        start, end = node.start_mark, node.end_mark
        value: str | None = node.value
        if node.tag == "tag:yaml.org,2002:null":
            value = None
        base: int | None = None
        # the C loader reports a plain scalar's style as "", the Python one as None
        if value is not None and start.line == end.line and node.style in (None, "", "'", '"'):
            quote = 1 if node.style in ("'", '"') else 0
            if self.text[start.index + quote : start.index + quote + len(value)] == value:
                base = start.column + 1 + quote
        return Scalar(value, start.line + 1, start.column + 1, end.line + 1, end.column + 1, base)
