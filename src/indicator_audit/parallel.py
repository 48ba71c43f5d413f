"""Two processes for one large file (these machines have two cores).

The split happens before the file is read: a forked child reads and validates the file on
its own, runs the document rules, then checks indicators in chunks taken from the end of the
document, while the parent checks chunks taken from the start; both claim each chunk on a
shared board first, so the work divides itself however fast each process (and its core, on a
shared machine) turns out to be. The child sends its findings back pickled. Both build their
objects after the fork, so neither pays copy-on-write for the other's memory. Anything unusual
— no fork on this platform, a child that fails or sends nothing — and the parent checks what
is left itself: the findings are always the same as in one process (a test compares them).
"""

from __future__ import annotations

import dataclasses
import operator
import os
from collections.abc import Callable, Iterator
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


# Indicators per chunk: small enough that the two processes finish within a few milliseconds
# of each other, large enough that claiming costs nothing.
CHUNK = 250
_UNCLAIMED = 2**62


class Board:
    """Two counters in memory shared across the fork: how many chunks the front process has
    claimed (it takes 0, 1, 2, …) and the lowest chunk the back process has claimed (it takes
    the last, then the one before, …). Each claims a chunk before checking it, and stops when
    the next chunk is already the other's.

    Neither can skip a chunk: a process stops only on seeing the other's claim, and every
    claim is checked by its claimer. Both may check the same chunk when they reach it at the
    same moment; `Back.start` and `Front.end` tell the parent which, and it drops the child's
    copy of that chunk's findings."""

    def __init__(self) -> None:
        import mmap  # here, not at start-up: small files never split
        import struct
        import tempfile

        self._slot = struct.Struct("q")
        size = self._slot.size
        # third counter: how many bytes of findings the child has spooled (see Back.checked)
        self._memory = mmap.mmap(-1, 3 * size)  # anonymous and shared (MAP_SHARED)
        self._slot.pack_into(self._memory, 0, 0)
        self._slot.pack_into(self._memory, size, _UNCLAIMED)
        self._slot.pack_into(self._memory, 2 * size, 0)
        # where the child writes its findings as it goes, read by the parent (same file
        # across the fork): in memory where the system allows, else a temporary file
        self._file = None
        if hasattr(os, "memfd_create"):
            self.spool = os.memfd_create("indicator-audit-spool")
        else:  # pragma: no cover - not Linux
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the board)
            self.spool = self._file.fileno()

    def close(self) -> None:
        self._memory.close()
        if self._file is not None:  # pragma: no cover - not Linux
            self._file.close()
        else:
            os.close(self.spool)

    def _get(self, slot: int) -> int:
        value: int = self._slot.unpack_from(self._memory, slot * self._slot.size)[0]
        return value

    def _set(self, slot: int, value: int) -> None:
        self._slot.pack_into(self._memory, slot * self._slot.size, value)


class Part:
    """Which indicators of a document one process checks, and whether it runs the document
    rules (see engine.run_part, which also tells it what each range found)."""

    document_rules = True

    def ranges(self, n: int) -> Iterator[tuple[int, int]]:
        yield 0, n

    def checked(self, found: list[Finding], start: int) -> None:
        """`found[start:]` are the findings of the range just checked."""

    def finished(self, on_document: list[Finding]) -> None:
        """All ranges are checked; `on_document` are the document rules' findings."""


class Front(Part):
    """The parent's part: chunks from the start; `end` is where it stopped. Between chunks it
    takes in what the child has spooled, so that little is left to read at the end."""

    document_rules = False

    def __init__(self, board: Board) -> None:
        self.board = board
        self.end = 0
        self.received: list[list[Finding]] = []  # the child's findings, a chunk at a time
        self._read = 0  # bytes of the spool taken in

    def ranges(self, n: int) -> Iterator[tuple[int, int]]:
        board = self.board
        for chunk in range(-(-n // CHUNK)):
            self.take_in(board._get(2))
            if chunk >= board._get(1):
                return  # the child has it
            board._set(0, chunk + 1)
            self.end = min(n, (chunk + 1) * CHUNK)
            yield chunk * CHUNK, self.end

    def take_in(self, spooled: int) -> None:
        """Unpickle the child's chunks spooled up to byte `spooled`."""
        if spooled <= self._read:
            return
        data = os.pread(self.board.spool, spooled - self._read, self._read)
        at = 0
        while at + 8 <= len(data):
            size = int.from_bytes(data[at : at + 8], "little")
            if at + 8 + size > len(data):
                break  # not all there yet (the counter moves after the write)
            self.received.append(_unpickled(data[at + 8 : at + 8 + size]))
            at += 8 + size
        self._read += at


class Back(Part):
    """The child's part: the document rules, then chunks from the end; `start` is where it
    stopped. The findings of each chunk are pickled and spooled as soon as it is checked."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.start: int | None = None
        self.spooled = 0  # bytes written to the board's spool
        self.document_frame = b""

    def checked(self, found: list[Finding], start: int) -> None:
        """Spool the chunk's findings (length, then pickle) and move the board's counter:
        the parent takes them in between its own chunks."""
        if len(found) <= start:
            return
        frame = _pickled(found[start:])
        data = memoryview(len(frame).to_bytes(8, "little") + frame)
        while data:
            data = data[os.write(self.board.spool, data) :]
        self.spooled += 8 + len(frame)
        self.board._set(2, self.spooled)

    def finished(self, on_document: list[Finding]) -> None:
        self.document_frame = _pickled(on_document)

    def ranges(self, n: int) -> Iterator[tuple[int, int]]:
        board = self.board
        self.start = n
        for chunk in reversed(range(-(-n // CHUNK))):
            if chunk < board._get(0):
                return  # the parent has it
            board._set(1, chunk)
            self.start = chunk * CHUNK
            yield self.start, min(n, self.start + CHUNK)


class Rest(Part):
    """What a failed child left: the indicators from `start` on, and the document rules."""

    def __init__(self, start: int) -> None:
        self.start = start

    def ranges(self, n: int) -> Iterator[tuple[int, int]]:
        if self.start < n:
            yield self.start, n


# What the child sends at the end: how many bytes it spooled, where it started, and the
# pickled findings of the document rules.
ChildResult = tuple[int, int, bytes]


def start_child(
    second_share: Callable[[], ChildResult | None],
) -> tuple[int, int] | None:
    """Fork; the child runs `second_share` and sends what it returns. Parent gets (pid, fd)."""
    import pickle

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
            sent = second_share()
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(sent, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # no cleanup of the parent's state, no flushing its buffers
    os.close(writer)
    return pid, reader


def child_findings(
    child: tuple[int, int], front: Front | None = None
) -> tuple[list[Finding], int, list[Finding]] | None:
    """What the child found (on indicators, taken in by `front`; where it started; of the
    document rules), or None when it failed (the caller then does the work)."""
    import pickle

    pid, reader = child
    found: object = None
    try:
        with os.fdopen(reader, "rb") as pipe:
            found = pickle.load(pipe)
    except (EOFError, OSError, pickle.UnpicklingError):
        found = None
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0 or not isinstance(found, tuple) or front is None:
        return None
    spooled, start, document_frame = found
    front.take_in(spooled)
    # the child took its chunks from the end: in document order, its findings are one sorted
    # run that the caller's sort merges rather than sorts
    on_indicators = [f for frame in reversed(front.received) for f in frame]
    return on_indicators, start, _unpickled(document_frame)


# A finding as a plain tuple: pickled several times faster than the dataclass.
_FIELDS = tuple(f.name for f in dataclasses.fields(Finding) if f.init)
_ROW = operator.attrgetter(*_FIELDS)


def _pickled(found: list[Finding]) -> bytes:
    """Findings as rows, and their report fragments (if made) as one text: pickling tens of
    thousands of separate long strings cost as much as checking their indicators."""
    import pickle

    rows = [_ROW(f) for f in found]
    pieces = [f.rendered for f in found]
    rendered: bytes | list[bytes | None] | None = None
    if any(p is not None for p in pieces):
        joined = b"\0".join(p or b"" for p in pieces)
        whole = None not in pieces and joined.count(b"\0") == len(pieces) - 1
        rendered = joined if whole else pieces  # a NUL inside a fragment: send them apart
    return pickle.dumps((rows, rendered), protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(frame: bytes) -> list[Finding]:
    import pickle

    rows, rendered = pickle.loads(frame)
    out = [Finding(*row) for row in rows]
    if rendered is not None:
        if isinstance(rendered, bytes):
            rendered = rendered.split(b"\0")
        for f, piece in zip(out, rendered, strict=True):
            f.rendered = piece
    return out
