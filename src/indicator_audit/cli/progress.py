"""The progress bar of a long run: on stderr, only when stderr is a terminal, and only when
the run has many files or has already taken a couple of seconds (a short check stays quiet).
Reports on stdout are never touched. Refreshed by the run's own loop, not by a thread, so that
worker processes can be forked safely while it shows."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO, Any

# Shown from the start for this many files; otherwise once the run takes this long.
MANY_FILES = 20
SLOW_SECONDS = 2.0
_REFRESH = 0.1


class Progress:
    def __init__(self, total: int, quiet: bool = False, stream: IO[str] | None = None) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and total > 1 and _is_terminal(self.stream)
        self.done = 0
        self.findings = 0
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._shown = 0.0

    def __enter__(self) -> Progress:
        if self.enabled and self.total >= MANY_FILES:
            self._start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    @property
    def showing(self) -> bool:
        return self._bar is not None

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        console = Console(file=self.stream, stderr=True)
        self._bar = Bar(
            TextColumn("检查"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("个文件 · 问题 {task.fields[findings]}"),
            TextColumn("· 已用"),
            TimeElapsedColumn(),
            TextColumn("· 剩余"),
            TimeRemainingColumn(),
            console=console,
            auto_refresh=False,  # no thread: see the module's docstring
            transient=True,
        )
        self._task = self._bar.add_task("check", total=self.total, findings=0)
        self._bar.start()
        self._bar.update(self._task, completed=self.done, findings=self.findings)

    def advance(self, findings: int) -> None:
        self.done += 1
        self.findings += findings
        self.tick()

    def tick(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self._bar is None:
            if now - self.started < SLOW_SECONDS or self.done >= self.total:
                return
            self._start()
        if now - self._shown >= _REFRESH or self.done >= self.total:
            self._shown = now
            self._bar.update(self._task, completed=self.done, findings=self.findings)
            self._bar.refresh()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
