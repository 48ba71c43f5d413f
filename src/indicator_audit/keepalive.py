"""Keeping a finished check's objects alive until a command-line process exits.

A check of a large file makes millions of small objects (nodes, cells, facts, findings).
Freeing them one by one as each function returns cost more than half a second on 50,000
indicators, and the command line exits right after reporting. `cli.run()` (and only it: a
library caller wants its memory back) turns holding on; `hold()` is then a list append, and
`os._exit` ends the process without freeing anything.
"""

from __future__ import annotations

_held: list[object] | None = None


def hold_until_exit() -> None:
    """From now on, keep what `hold()` is given (for processes that end with os._exit)."""
    global _held
    if _held is None:
        _held = []


def hold(obj: object) -> None:
    if _held is not None:
        _held.append(obj)
