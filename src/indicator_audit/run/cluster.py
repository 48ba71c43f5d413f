"""Beyond one machine: the same per-file audit as tasks on a Dask cluster (dask.distributed).

Install with `pip install 'indicator-audit[dask]'`. The workers read the files themselves, so
paths must name the same file on every worker: local paths for a cluster on this machine,
paths on shared storage (a network drive mounted at the same place) for a real one. Each
file is one task; results come back in input order and are the same as a local run's.

    from indicator_audit.cluster import audit_paths_on_cluster
    report = audit_paths_on_cluster(paths, "tcp://scheduler:8786")

A task whose worker dies is retried by Dask on another worker; one that kills workers
repeatedly becomes that file's error. A file has the local pool's time limit too (counted the
same way, run/pool.py own_time): the task runs the file in a thread and answers "处理超时"
when the limit passes; that worker is then restarted (by its nanny), which stops the thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indicator_audit.run.batch import BatchResult, FileOutcome, FileWork, finish, prepare
from indicator_audit.run.pool import Failure, own_time


class ClusterError(RuntimeError):
    """The cluster could not be reached or used (with the reason, in Chinese)."""


def _client(scheduler: Any) -> tuple[Any, bool]:
    """A dask Client for `scheduler` (an address, or a Client given by the caller), and
    whether it is ours to close."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise ClusterError(
            "需要 Dask：pip install 'indicator-audit[dask]'（dask[distributed]）"
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(scheduler, timeout="20s"), True  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"无法连接 Dask 调度器 {scheduler}：{exc}") from None


@dataclass(frozen=True, slots=True)
class _Hung:
    """A task's answer when its file ran past the time limit: why, and the worker to restart
    (its thread still runs the file and cannot be stopped otherwise)."""

    message: str
    worker: str | None


class _Guarded:
    """A task that never raises: a failure is the file's result, not the run's end."""

    def __init__(self, work: Callable[[Path], Any], timeout: float | None = None) -> None:
        self.work = work
        self.timeout = timeout

    def __call__(self, path: Path) -> Any:
        if self.timeout is None:
            return self._run(path)
        return self._limited(path, self.timeout)

    def _run(self, path: Path) -> Any:
        try:
            return self.work(path)
        except Exception as exc:
            return Failure(f"{type(exc).__name__}: {exc}")

    def _limited(self, path: Path, limit: float) -> Any:
        got: list[Any] = []
        thread = threading.Thread(target=lambda: got.append(self._run(path)), daemon=True)
        thread.start()
        pid, tid = os.getpid(), thread.native_id
        start = own_time(pid, tid)
        while True:
            thread.join(0.2)
            if not thread.is_alive():
                return got[0] if got else Failure("没有结果")
            if own_time(pid, tid) - start > limit:
                return _Hung(f"处理超时（超过 {limit:g} 秒），已停止", _worker_address())


def _worker_address() -> str | None:
    try:
        from dask.distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return None


def map_paths(
    scheduler: Any,
    work: Callable[[Path], Any],
    paths: Sequence[Path],
    done: Callable[[int, Any], None],
    timeout: float | None = None,
) -> None:
    """Run `work` on every path as tasks of the cluster at `scheduler`; `done(index, result)`
    as each finishes (a Failure for a task that raised, whose worker died, or that ran past
    `timeout` seconds)."""
    client, own = _client(scheduler)
    try:
        _gather(client, _Guarded(work, timeout), paths, done)
    finally:
        if own:
            client.close()


def _gather(
    client: Any,
    task: _Guarded,
    paths: Sequence[Path],
    done: Callable[[int, Any], None],
) -> None:
    from dask.distributed import as_completed

    futures = client.map(task, list(paths), pure=False)
    where = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        index = where[future.key]
        try:
            result = future.result()
        except Exception as exc:  # the worker died, repeatedly (KilledWorker), or was lost
            result = Failure(f"{type(exc).__name__}: {exc}")
        if isinstance(result, _Hung):
            if result.worker is not None:
                _restart(client, result.worker)
            result = Failure(result.message)
        done(index, result)
        future.release()


def _restart(client: Any, worker: str) -> None:
    """Restart a worker whose thread still runs a file past its limit: its nanny starts a
    fresh process, and the tasks it held go to the others (a worker without a nanny cannot
    be restarted; its thread then runs on)."""
    with suppress(Exception):
        client.restart_workers([worker], raise_for_error=False)


def run_cluster(
    paths: Sequence[Path],
    work: FileWork,
    scheduler: Any,
    done: Callable[[FileOutcome], None] | None = None,
    timeout: float | None = None,
) -> BatchResult:
    """The command line's `check --scheduler ADDRESS`: like batch.run_local, on a cluster."""
    prepare(work, paths, forking=False)  # configurations are checked before any task is sent
    outcomes: list[FileOutcome | None] = [None] * len(paths)

    def one(index: int, result: Any) -> None:
        outcome = work.failed(paths[index], result) if isinstance(result, Failure) else result
        outcomes[index] = outcome
        if done is not None:
            done(outcome)

    map_paths(scheduler, work, paths, one, timeout)
    return finish(BatchResult([o for o in outcomes if o is not None]), work)
