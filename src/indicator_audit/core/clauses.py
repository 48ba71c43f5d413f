"""Splitting goal sentences into clauses: sentences and numbered items.

Commas stay inside a clause: "各基础设施、设备，办公网络，应用系统" lists the objects of one goal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_CLAUSE = re.compile(r"[；;。！!？?\n]|(?<![\d.])\d{1,2}[.、．）)](?!\d)")


def clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank clause of `text`."""
    start = 0
    for m in [*_CLAUSE.finditer(text), None]:
        end = m.start() if m else len(text)
        if text[start:end].strip():
            yield start, end
        start = m.end() if m else len(text)
