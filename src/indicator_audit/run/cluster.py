"""Beyond one machine: the same per-file audit as tasks on a Dask cluster (dask.distributed).

Install with `pip install 'indicator-audit[dask]'`. The workers read the files themselves, so
paths must name the same file on every worker: local paths for a cluster on this machine,
paths on shared storage (a network drive mounted at the same place) for a real one. Each
file is one task; results come back in input order and are the same as a local run's.

    from indicator_audit.cluster import audit_paths_on_cluster
    report = audit_paths_on_cluster(paths, "tcp://scheduler:8786")

A task whose worker dies is retried by Dask on another worker; one that kills workers
repeatedly becomes that file's error. There is no per-file time limit on a cluster (the local
pool has one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from indicator_audit.run.batch import BatchResult, FileOutcome, FileWork, finish, prepare
from indicator_audit.run.pool import Failure


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


class _Guarded:
    """A task that never raises: a failure is the file's result, not the run's end."""

    def __init__(self, work: Callable[[Path], Any]) -> None:
        self.work = work

    def __call__(self, path: Path) -> Any:
        try:
            return self.work(path)
        except Exception as exc:
            return Failure(f"{type(exc).__name__}: {exc}")


def map_paths(
    scheduler: Any,
    work: Callable[[Path], Any],
    paths: Sequence[Path],
    done: Callable[[int, Any], None],
) -> None:
    """Run `work` on every path as tasks of the cluster at `scheduler`; `done(index, result)`
    as each finishes (a Failure for a task that raised or whose worker died)."""
    client, own = _client(scheduler)
    try:
        _gather(client, work, paths, done)
    finally:
        if own:
            client.close()


def _gather(
    client: Any,
    work: Callable[[Path], Any],
    paths: Sequence[Path],
    done: Callable[[int, Any], None],
) -> None:
    from dask.distributed import as_completed

    futures = client.map(_Guarded(work), list(paths), pure=False)
    where = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        index = where[future.key]
        try:
            result = future.result()
        except Exception as exc:  # the worker died, repeatedly (KilledWorker), or was lost
            result = Failure(f"{type(exc).__name__}: {exc}")
        done(index, result)
        future.release()


def run_cluster(
    paths: Sequence[Path],
    work: FileWork,
    scheduler: Any,
    done: Callable[[FileOutcome], None] | None = None,
) -> BatchResult:
    """The command line's `check --scheduler ADDRESS`: like batch.run_local, on a cluster."""
    prepare(work, paths, forking=False)  # configurations are checked before any task is sent
    outcomes: list[FileOutcome | None] = [None] * len(paths)

    def one(index: int, result: Any) -> None:
        outcome = work.failed(paths[index], result) if isinstance(result, Failure) else result
        outcomes[index] = outcome
        if done is not None:
            done(outcome)

    map_paths(scheduler, work, paths, one)
    return finish(BatchResult([o for o in outcomes if o is not None]), work)
