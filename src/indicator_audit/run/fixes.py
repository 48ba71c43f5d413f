"""`check --fix`: apply the mechanical, meaning-preserving edits that findings carry.

Edits are made on the source text at the exact characters of the cell, so comments, quoting,
key order and layout stay as they were. The file is written atomically, in the encoding it was
read in (a BOM stays a BOM), and a file that failed to load is never touched. Running the fix
again changes nothing: fixed text no longer triggers the rules that proposed the edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indicator_audit.core.atomic import write_bytes_atomic
from indicator_audit.core.findings import Edit, Finding
from indicator_audit.read.document import Cell, Document


@dataclass(frozen=True)
class FixResult:
    text: str
    applied: list[Finding]


def _cells_by_pointer(document: Document) -> dict[str, Cell]:
    out = dict(document.cells)
    for ind in document.indicators:
        for cell in ind.cells.values():
            out.setdefault(cell.pointer, cell)
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def apply_edits(text: str, document: Document, findings: Sequence[Finding]) -> FixResult:
    """The text with every applicable edit made; overlapping edits keep the first."""
    cells = _cells_by_pointer(document)
    starts = _line_starts(text)
    planned: list[tuple[int, int, str, Finding]] = []
    for f in findings:
        edit: Edit | None = f.edit
        if edit is None:
            continue
        cell = cells.get(edit.pointer)
        if cell is None or cell.base_col is None or cell.line > len(starts):
            continue
        begin = starts[cell.line - 1] + cell.base_col - 1
        # the cell must still read as it did when the rule saw it
        if text[begin : begin + len(cell.text)] != cell.text:
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
    out = text
    for start, end, replacement, _ in reversed(chosen):
        out = out[:start] + replacement + out[end:]
    return FixResult(out, [c[3] for c in chosen])


def write_fixed(path: Path, result: FixResult, encoding: str, original_text: str) -> bool:
    """Write the fixed text back if anything changed; True when the file was written."""
    if result.text == original_text:
        return False
    data = result.text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    write_bytes_atomic(path, data)
    return True
