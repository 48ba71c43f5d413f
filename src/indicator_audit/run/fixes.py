"""`check --fix`: apply the mechanical, meaning-preserving edits that findings carry, and never
lose or corrupt a byte the user wrote.

Edits are made on the source text at the exact characters of the cell, so comments, quoting,
key order and layout stay as they were. An edit is left out when its result could not stand
where it is written (a plain YAML scalar that would start with `%`, `*` or `!`, a quote inside
a quoted one). Before anything is written, the fixed text is read again with the same reader
and compared with the original, value by value: it must be the same document except the
edited values, which must read exactly as intended; otherwise nothing is written (FixRefused).
The file is replaced only if it still holds what was read, through a symlink to its target,
keeping its mode (and owner where allowed), in the encoding it was read in (a BOM stays a BOM).
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from indicator_audit.core.atomic import write_bytes_atomic
from indicator_audit.core.findings import Finding
from indicator_audit.read.readers import source_from_text
from indicator_audit.read.source import Mapping, Node, Scalar, SourceError
from indicator_audit.read.source import Sequence as SeqNode
from indicator_audit.run.audit import Audit

# What a plain (unquoted) YAML scalar may not start with, and may not contain.
_PLAIN_LEADS = tuple("-?:,[]{}#&*!|>'\"%@`")
_PLAIN_INNER = (": ", " #", "\t", "\n", "\r")
# A fix's result is checked again: edits that only show once others are made (a placeholder
# left once its neighbour is removed) are made in the same run, so a second run changes nothing.
_ROUNDS = 4
# Replacement characters that could end or change a scalar in a flow collection or a quote.
_RISKY = frozenset(",[]{}#:\"'\\\n\r\t")


class FixRefused(Exception):
    """The fixed text would not read back as the intended document: nothing was written."""


@dataclass(frozen=True)
class FixResult:
    text: str
    applied: list[Finding]
    # (start, end, replacement) in the original text, in order
    spans: list[tuple[int, int, str]]
    # the audit of `text` (fix_rounds): what is left to report once the file holds it
    audit: Audit | None = None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def _fits(text: str, begin: int, cell: str, start: int, end: int, replacement: str) -> bool:
    """Whether the edited cell can stand where the cell is written, in its quoting."""
    if _RISKY.intersection(replacement):
        return False
    quote = text[begin - 1] if begin > 0 else ""
    if quote in ("'", '"'):
        return True  # no quote, backslash or line break enters a quoted scalar (above)
    new = cell[:start] + replacement + cell[end:]
    return bool(
        new
        and new == new.strip()
        and not new.startswith(_PLAIN_LEADS)
        and not new.endswith(":")
        and not any(s in new for s in _PLAIN_INNER)
    )


def apply_edits(text: str, findings: Sequence[Finding]) -> FixResult:
    """The text with every applicable edit made; overlapping edits keep the first. Linear in
    the text and the number of edits."""
    starts = _line_starts(text)
    planned: list[tuple[int, int, str, Finding]] = []
    for f in findings:
        edit = f.edit
        if edit is None or edit.line < 1 or edit.line > len(starts) or edit.base_col < 1:
            continue
        begin = starts[edit.line - 1] + edit.base_col - 1
        # the cell must still read as it did when the rule saw it
        if text[begin : begin + len(edit.text)] != edit.text:
            continue
        if not 0 <= edit.start <= edit.end <= len(edit.text):
            continue
        if not _fits(text, begin, edit.text, edit.start, edit.end, edit.replacement):
            continue
        planned.append((begin + edit.start, begin + edit.end, edit.replacement, f))
    planned.sort(key=lambda p: (p[0], p[1]))
    chosen: list[tuple[int, int, str, Finding]] = []
    last_end = -1
    for start, end, replacement, f in planned:
        if start < last_end or (chosen and start == chosen[-1][0] and end == chosen[-1][1]):
            continue
        chosen.append((start, end, replacement, f))
        last_end = end
    pieces: list[str] = []
    at = 0
    for start, end, replacement, _ in chosen:
        pieces += (text[at:start], replacement)
        at = end
    pieces.append(text[at:])
    return FixResult("".join(pieces), [c[3] for c in chosen], [c[:3] for c in chosen])


def prove(
    original: Node, text: str, fixed: FixResult, path: str, encoding: str, again: Node | None = None
) -> None:
    """Check that `fixed.text`, read again with the same reader (`again`, when the caller has
    read it already), is `original` but for the edited values, which must read as the edits
    intend. FixRefused otherwise."""
    if again is None:
        try:
            again = source_from_text(fixed.text, path, encoding).root
        except SourceError as exc:
            raise _unreadable(exc.line, exc.message) from None
    starts = _line_starts(text)
    spans = fixed.spans  # in order, not overlapping
    span_starts = [sp[0] for sp in spans]
    used = 0

    def expected(node: Scalar) -> str | None:
        nonlocal used
        if node.value is None or node.base_col is None:
            return node.value
        a = starts[node.line - 1] + node.base_col - 1
        b = a + len(node.value)
        value, at = node.value, a
        pieces: list[str] = []
        k = bisect_left(span_starts, a)  # only the spans inside this value: linear overall
        while k < len(spans) and spans[k][0] <= b:
            start, end, replacement = spans[k]
            k += 1
            if end <= b:
                pieces += (text[at:start], replacement)
                at = end
                used += 1
        if not pieces:
            return value
        pieces.append(text[at:b])
        return "".join(pieces)

    def same(old: Node, new: Node) -> bool:
        if type(old) is not type(new):
            return False
        if isinstance(old, Scalar):
            assert isinstance(new, Scalar)
            return new.value == expected(old)
        if isinstance(old, Mapping):
            assert isinstance(new, Mapping)
            return len(old.items) == len(new.items) and all(
                same(ok, nk) and same(ov, nv)
                for (ok, ov), (nk, nv) in zip(old.items, new.items, strict=True)
            )
        assert isinstance(old, SeqNode) and isinstance(new, SeqNode)
        return len(old.items) == len(new.items) and all(
            same(o, n) for o, n in zip(old.items, new.items, strict=True)
        )

    if not same(original, again) or used != len(spans):
        raise FixRefused("修正后的文件读出来与原文件不一致（不只是要修正的值），未写入")


def _unreadable(line: int, message: str) -> FixRefused:
    return FixRefused(f"修正后的文本无法读取（第 {line} 行：{message}）")


def write_fixed(path: Path, result: FixResult, encoding: str, original_text: str) -> bool:
    """Write the fixed text back if anything changed; True when the file was written.

    FixRefused when the file changed since it was read, is read-only, or is not a regular
    file; the file is then untouched."""
    if result.text == original_text:
        return False
    target = Path(os.path.realpath(path))  # a symlink stays a symlink: its target is fixed
    try:
        st = target.stat()
        current = target.read_bytes()
    except OSError as exc:
        raise FixRefused(f"无法再次读取文件：{exc.strerror}") from None
    if not target.is_file():
        raise FixRefused("不是普通文件，未写入")
    if not os.access(target, os.W_OK) or not st.st_mode & 0o222:
        raise FixRefused("文件是只读的，未修改")
    raw = original_text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        raw = b"\xef\xbb\xbf" + raw
    if current != raw and current.replace(b"\r\n", b"\n") != raw:
        raise FixRefused("文件在检查期间被修改过，未写入；请重新运行")
    data = result.text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    write_bytes_atomic(target, data, expect=st)
    return True


def fix_rounds(audit: Audit, reaudit: Callable[[str], Audit]) -> FixResult:
    """Apply the audit's edits, check the result again (`reaudit` reads it with the same
    reader, and that reading is the proof's), and repeat until no edit is left (at most a few
    rounds): the returned text is a fixed point of `--fix`, with its audit."""
    source = audit.source
    assert source is not None
    text, root = source.text, source.root
    applied: list[Finding] = []
    findings = audit.findings
    last: Audit | None = None
    for _ in range(_ROUNDS):
        fixed = apply_edits(text, findings)
        if not fixed.applied:
            break
        again = reaudit(fixed.text)
        if again.source is None:
            error = again.error
            raise _unreadable(error.line if error else 1, error.message if error else "")
        prove(root, text, fixed, source.path, source.encoding, again.source.root)
        if again.error is not None:
            raise FixRefused("修正后的文件无法再次检查，未写入")
        applied += fixed.applied
        text, last = fixed.text, again
        root, findings = again.source.root, again.findings
    return FixResult(text, applied, [], last)
