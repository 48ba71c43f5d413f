"""A pool of worker processes for runs over many files, from the standard library only.

Why not concurrent.futures.ProcessPoolExecutor: a worker that dies (a crash in a C library,
the system's out-of-memory killer) breaks the whole executor, and a task that hangs cannot be
stopped. Here each worker takes one file at a time over its own pipe, so the pool knows which
file each worker holds: a worker that dies, or holds a file past the time limit, is that file's
failure (the worker is killed and replaced) and the run goes on.

Results come back in input order whatever the number of workers, and `jobs=1` runs the work
in this process, so both give the same results. Workers are forked where the system has fork
(Linux): they start with what this process has already imported and built (rules, grammar),
which costs nothing; elsewhere they are spawned and import anew. No thread runs in this
process while it forks: the progress display is refreshed from the loop that waits for results.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported when workers start: a one-file run needs none
    import multiprocessing.context
    from multiprocessing.connection import Connection

from indicator_audit.core.errors import OUT_OF_MEMORY

T = TypeVar("T")
R = TypeVar("R")

# Items a worker holds at once: the one it works on and the next.
_DEPTH = 2
# No file of a real form takes more than a second or two; a minute is a hang.
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class Failure:
    """Why one item of a run has no result: the work raised, its worker died, or it hung."""

    message: str


def available_cores() -> int:
    """The cores this process may run on (its affinity mask, not the machine's count)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return int(counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _serve(work: Callable[[Any], Any], conn: Connection) -> None:
    """A worker's loop: take (index, item), send back (index, ok, result or message)."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        try:
            reply = (index, True, work(item))
        except MemoryError:
            reply = (index, False, OUT_OF_MEMORY)
        except Exception as exc:
            reply = (index, False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except Exception as exc:  # the result would not pickle: say so rather than hang
            conn.send((index, False, f"结果无法传回：{type(exc).__name__}: {exc}"))


def _queued_seconds(pid: int, thread: int | None = None) -> float | None:
    """How long process `pid` (or its thread `thread`) has waited, runnable, for a CPU that
    others held (Linux: the second field of /proc/PID/schedstat, in ns); None where unknown."""
    where = f"/proc/{pid}/task/{thread}/schedstat" if thread else f"/proc/{pid}/schedstat"
    try:
        with open(where, "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def own_time(pid: int, thread: int | None = None) -> float:
    """A clock of the time a process (or one of its threads) spends on its work, as the time
    limits count it: time passed, less the time it waited for a CPU while other work ran.
    Where the system does not say (not Linux), plain time passed."""
    now = time.monotonic()
    queued = _queued_seconds(pid, thread)
    return now - queued if queued is not None else now


class _Worker:
    def __init__(self, ctx: Any, work: Callable[[Any], Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(work, child), daemon=True)
        self.process.start()
        child.close()
        self.held: deque[tuple[int, Any]] = deque()  # items sent, oldest (in work) first
        self.started = 0.0  # its clock() when it began the oldest

    def clock(self) -> float:
        """The worker's own_time(). On a machine busy with other processes (or with this
        pool's other workers) a good file then takes no longer by this clock than on an idle
        one, while a file that hangs, spinning or blocked, still runs it out."""
        pid = self.process.pid
        return own_time(pid) if pid else time.monotonic()

    def give(self, index: int, item: Any) -> None:
        if not self.held:
            self.started = self.clock()
        self.held.append((index, item))
        # if it has just died, its sentinel says so and the item goes to another worker
        with suppress(OSError):
            self.conn.send((index, item))

    def finished(self) -> int:
        """The oldest item is done: the next one starts now."""
        index, _ = self.held.popleft()
        self.started = self.clock()
        return index

    def elapsed(self) -> float:
        """Seconds spent on the oldest item, by clock()."""
        return self.clock() - self.started

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class Pool(Generic[T, R]):
    """Run `work` on every item, with `jobs` processes (1: in this process).

    `work` must be a module-level function (or a picklable callable) and its results
    picklable. `timeout` is seconds per item (None: no limit; with jobs=1 there is no limit,
    as nothing can stop a call in this process)."""

    def __init__(
        self,
        work: Callable[[T], R],
        jobs: int | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.work = work
        self.jobs = max(1, jobs if jobs is not None else available_cores())
        self.timeout = timeout

    def forks(self, items: int) -> bool:
        """Whether a run of this many items forks workers (rather than running here or
        spawning fresh interpreters)."""
        return self.jobs > 1 and items > 1 and _context().get_start_method() == "fork"

    def run(self, items: Sequence[T], idle: Callable[[], None] | None = None) -> list[R | Failure]:
        """Every item's result, in input order."""
        out: list[R | Failure] = [Failure("没有结果")] * len(items)
        for index, result in self.results(items, idle):
            out[index] = result
        return out

    def results(
        self, items: Sequence[T], idle: Callable[[], None] | None = None
    ) -> Iterator[tuple[int, R | Failure]]:
        """(index, result) as each item is done, in completion order; `idle()` is called
        whenever 0.2 s pass with nothing done (a progress display refreshes there)."""
        if self.jobs == 1 or len(items) <= 1:
            yield from self._here(items)
        else:
            yield from self._pooled(items, idle)

    def _here(self, items: Sequence[T]) -> Iterator[tuple[int, R | Failure]]:
        for index, item in enumerate(items):
            result: R | Failure
            try:
                result = self.work(item)
            except MemoryError:
                result = Failure(OUT_OF_MEMORY)
            except Exception as exc:
                result = Failure(f"{type(exc).__name__}: {exc}")
            yield index, result

    def _pooled(
        self, items: Sequence[T], idle: Callable[[], None] | None
    ) -> Iterator[tuple[int, R | Failure]]:
        from multiprocessing.connection import wait

        ctx = _context()
        workers = [_Worker(ctx, self.work) for _ in range(min(self.jobs, len(items)))]
        pending: deque[tuple[int, Any]] = deque(enumerate(items))

        def feed(worker: _Worker) -> None:
            # two items in hand: a worker never waits for this process to send the next one
            while pending and len(worker.held) < _DEPTH:
                worker.give(*pending.popleft())

        try:
            for w in workers:
                feed(w)
            while any(w.held for w in workers):
                busy = [w for w in workers if w.held]
                ready = wait(
                    [w.conn for w in busy] + [w.process.sentinel for w in busy],
                    timeout=self._wait_time(busy),
                )
                for i, w in enumerate(workers):
                    if not w.held:
                        continue
                    index = w.held[0][0]
                    result: R | Failure | None = None
                    lost = False
                    if w.conn in ready:
                        try:
                            got, ok, value = w.conn.recv()
                            assert got == index
                            w.finished()
                            result = value if ok else Failure(value)
                        except (EOFError, OSError):
                            result, lost = Failure(self._died(w)), True
                    elif w.process.sentinel in ready:
                        result, lost = Failure(self._died(w)), True
                    elif (
                        self.timeout is not None
                        and w.elapsed() > self.timeout
                        and not w.conn.poll()  # its result came in just now: no hang
                    ):
                        result, lost = (
                            Failure(f"处理超时（超过 {self.timeout:g} 秒），已停止"),
                            True,
                        )
                    if result is None:
                        continue
                    if lost:  # the oldest item failed; the others it held go to another worker
                        w.held.popleft()
                        pending.extendleft(reversed(w.held))
                        w.held.clear()
                        w.stop(kill=True)
                        w = workers[i] = _Worker(ctx, self.work)
                    yield index, result
                    feed(w)
                if idle is not None and not ready:
                    idle()
        finally:
            for w in workers:
                w.stop(kill=bool(w.held))

    def _wait_time(self, busy: list[_Worker]) -> float:
        wait_for = 0.2  # the display's refresh
        if self.timeout is not None:
            # a worker's clock runs no faster than time: its limit is this far away at least
            for w in busy:
                wait_for = min(wait_for, max(0.0, self.timeout - w.elapsed()))
        return wait_for

    @staticmethod
    def _died(worker: _Worker) -> str:
        worker.process.join(1)
        code = worker.process.exitcode
        how = f"信号 {-code}" if code is not None and code < 0 else f"退出码 {code}"
        if code == -signal.SIGKILL:
            how += "，多半是系统因内存不足终止了它"  # the out-of-memory killer sends SIGKILL
        return f"处理该文件的工作进程意外退出（{how}）"
