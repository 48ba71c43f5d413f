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
from typing import TYPE_CHECKING, Any

from .batch import BatchResult, FileOutcome, FileWork, prepare
from .pool import Failure

if TYPE_CHECKING:
    from .engine import RunOptions
    from .results import FileResult, Report


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
        return Client(scheduler, timeout="20s"), True
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


def _gather(client: Any, work: Callable[[Path], Any], paths: Sequence[Path], done: Callable[[int, Any], None]) -> None:
    from dask.distributed import as_completed

    futures = client.map(_Guarded(work), list(paths), pure=False)
    where = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):
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
    prepare(work, paths)  # configurations are checked here, before any task is sent
    client, own = _client(scheduler)
    outcomes: list[FileOutcome | None] = [None] * len(paths)

    def one(index: int, result: Any) -> None:
        outcome = work.failed(paths[index], result) if isinstance(result, Failure) else result
        outcomes[index] = outcome
        if done is not None:
            done(outcome)

    try:
        _gather(client, work, paths, one)
    finally:
        if own:
            client.close()
    return BatchResult([o for o in outcomes if o is not None])


class _TypedWork:
    """The library's per-file audit (as audit_paths runs it), returning typed results."""

    def __init__(self, options: RunOptions | None) -> None:
        self.options = options

    def __call__(self, path: Path) -> list[FileResult]:
        from .api import audit_path_full

        return [a.result() for a in audit_path_full(path, options=self.options)]


def audit_paths_on_cluster(
    paths: Sequence[str | Path], scheduler: Any, options: RunOptions | None = None
) -> Report:
    """Audit files on a Dask cluster and return the whole report, as `api.audit_paths` does
    on this machine (same results, same order).

    `scheduler`: the scheduler's address ("tcp://host:8786") or a `dask.distributed.Client`.
    A file that fails on the cluster (its worker died repeatedly, say) is reported as that
    file's error; the others' results are kept."""
    from dataclasses import replace

    from .engine import RunOptions
    from .results import FileError, FileResult, make_report

    # one process per file on the workers: a worker's cores are used by running more tasks
    opts = replace(options, jobs=1) if options is not None else RunOptions(jobs=1)
    client, own = _client(scheduler)
    found: list[list[FileResult]] = [[] for _ in paths]

    def one(index: int, result: Any) -> None:
        if isinstance(result, Failure):
            error = FileError(message=f"无法检查：{result.message}", line=1, column=1)
            result = [FileResult(path=str(paths[index]), error=error, findings=[])]
        found[index] = result

    try:
        _gather(client, _TypedWork(opts), [Path(p) for p in paths], one)
    finally:
        if own:
            client.close()
    return make_report([r for results in found for r in results])
