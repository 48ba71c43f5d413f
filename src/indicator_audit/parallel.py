"""Two processes for one large file (these machines have two cores).

The split happens before the file is read: a forked child reads and validates the file on
its own, checks the second share of the indicators and the document rules, and sends its
findings back pickled; the parent does the same for the first share. Both build their objects
after the fork, so neither pays copy-on-write for the other's memory. Anything unusual — no
fork on this platform, a child that fails or sends nothing — and the parent checks the second
share itself: the findings are always the same as in one process (a test compares them).
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from .findings import Finding

# Below this size one process is faster than forking and pickling.
MIN_BYTES = 1_500_000


def worth_splitting(path: str | Path, jobs: int | None) -> bool:
    wanted = jobs if jobs is not None else int(os.environ.get("INDICATOR_AUDIT_JOBS", "0") or 0)
    if wanted == 1 or not hasattr(os, "fork"):
        return False
    if wanted == 0 and (os.cpu_count() or 1) < 2:
        return False
    try:
        size = Path(path).stat().st_size
    except OSError:
        return False
    return size >= (1 if wanted >= 2 else MIN_BYTES)


def start_child(second_share: Callable[[], list[Finding] | None]) -> tuple[int, int] | None:
    """Fork; the child runs `second_share` and sends what it returns. Parent gets (pid, fd)."""
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: never returns into the caller
        os.close(reader)
        code = 1
        try:
            found = second_share()
            rows = None if found is None else [_row(f) for f in found]
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(rows, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # no cleanup of the parent's state, no flushing its buffers
    os.close(writer)
    return pid, reader


def child_findings(child: tuple[int, int]) -> list[Finding] | None:
    """What the child sent, or None when it failed (the caller then does the work)."""
    pid, reader = child
    found: object = None
    try:
        with os.fdopen(reader, "rb") as pipe:
            found = pickle.load(pipe)
    except (EOFError, OSError, pickle.UnpicklingError):
        found = None
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0 or not isinstance(found, list):
        return None
    return [Finding(*row) for row in found]


_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def _row(f: Finding) -> tuple[object, ...]:
    """A finding as a plain tuple: pickled several times faster than the dataclass."""
    return tuple(getattr(f, name) for name in _FIELDS)
