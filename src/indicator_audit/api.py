"""The library API: audit a file or a string, get typed results. No printing, no exit."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indicator_audit.core.findings import Finding
from indicator_audit.lint.engine import RunOptions
from indicator_audit.packs.load import default_packs
from indicator_audit.results import FileError, FileResult, Report, file_result, make_report
from indicator_audit.run.audit import audit_path_full, audit_text_full
from indicator_audit.run.companions import CompanionError, Companions, load_companions
from indicator_audit.run.peers import (
    ProjectPeers,
    add_peer_findings,
    batch_peer_findings,
    placed,
    project_peers,
)

__all__ = ["CompanionError", "audit_file", "audit_paths", "audit_text"]


def _require(value: object, kinds: type | tuple[type, ...], what: str) -> None:
    if not isinstance(value, kinds):
        raise TypeError(f"{what}，这里是 {type(value).__name__}")


def _require_path(path: object, what: str = "path 应为路径（str 或 os.PathLike）") -> None:
    _require(path, (str, os.PathLike), what)


def audit_text(text: str, path: str = "<text>", options: RunOptions | None = None) -> FileResult:
    """Audit the text of a targets document (YAML or JSON). Text longer than the file size
    cap comes back as a located error, like an oversized file."""
    _require(text, str, "text 应为 str（文件内容）")
    _require(path, str, "path 应为 str（报告中的文件名）")
    return file_result(audit_text_full(text, path, options=options))


def _companions(path: str | Path | None) -> Companions | None:
    """A `previous` / `declared` argument loaded (CompanionError when it cannot be read)."""
    return load_companions(path) if path is not None else None


def audit_file(
    path: str | Path,
    options: RunOptions | None = None,
    *,
    previous: str | Path | None = None,
    declared: str | Path | None = None,
) -> FileResult:
    """Audit a file that holds one project.

    Never raises for the input: a file that cannot be checked as one project — missing,
    unreadable, not a targets document, or a workbook holding several projects — comes back
    as a FileResult whose `error` says why (and where), with no findings, as the command line
    reports it. For workbooks with several projects use audit_paths(), one result each.

    `previous`: last year's table (a file or a folder, any input format) to compare the
    targets with; `declared`: the declared targets a self-evaluation must keep. A companion
    that cannot be read raises CompanionError (its file, line and column): it is an argument
    of the call, not the input being checked.
    """
    _require_path(path)
    audits = audit_path_full(
        path, options=options, previous=_companions(previous), declared=_companions(declared)
    )
    if len(audits) == 1:
        return file_result(audits[0])
    shown = str(path)
    if not audits:  # a workbook without any indicator table
        return FileResult(
            path=shown,
            error=FileError(message="文件中没有找到指标表", line=1, column=1),
            findings=[],
        )
    message = f"文件含有 {len(audits)} 个项目，audit_file 只检查一个项目；请使用 audit_paths()"
    return FileResult(path=shown, error=FileError(message=message, line=1, column=1), findings=[])


def audit_paths(
    paths: Sequence[str | Path],
    options: RunOptions | None = None,
    *,
    previous: str | Path | None = None,
    declared: str | Path | None = None,
    peers: bool = True,
) -> Report:
    """Audit files (every project in each) and return the whole report. `previous` and
    `declared` as for audit_file (projects are paired by name and department); `peers`
    compares each target with the same targets of the other projects (run/peers.py)."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        # iterating a string would audit one-character "paths"
        raise TypeError("audit_paths 需要路径的列表，如 audit_paths([path])，而不是单个路径")
    for p in paths:
        _require_path(p, "audit_paths 的每一项应为路径（str 或 os.PathLike）")
    last, decl = _companions(previous), _companions(declared)
    audits = [
        a for p in paths for a in audit_path_full(p, options=options, previous=last, declared=decl)
    ]
    if peers:
        add_peer_findings(audits, default_packs(), options)
    return make_report([file_result(a) for a in audits])


class _FileResults:
    """The per-file work of audit_paths, picklable: a task sent to a cluster's workers. It
    sends back each project's results and what the peer step needs of it (run/peers.py)."""

    def __init__(self, options: RunOptions | None, peers: bool) -> None:
        self.options = options
        self.peers = peers

    def __call__(self, path: Path) -> list[tuple[FileResult, ProjectPeers | None]]:
        audits = audit_path_full(path, options=self.options)
        return [
            (file_result(a), project_peers(a, None, self.options) if self.peers else None)
            for a in audits
        ]


def _add_peers(projects: list[tuple[FileResult, ProjectPeers | None]]) -> None:
    """The peer step over a cluster's results, as add_peer_findings over whole audits."""
    from indicator_audit.results import to_result

    found = batch_peer_findings([peers for _, peers in projects])
    for p, pairs in found.items():
        result, data = projects[p]
        new = [
            (c.at, Finding.sort_key(f), to_result(f).model_copy(update={"cell": c.cell}))
            for c, f in pairs
        ]
        findings = list(placed(result.findings, new))
        projects[p] = (result.model_copy(update={"findings": findings}), data)


def audit_paths_on_cluster(
    paths: Sequence[str | Path],
    scheduler: Any,
    options: RunOptions | None = None,
    *,
    peers: bool = True,
    timeout: float | None = None,
) -> Report:
    """audit_paths() on a Dask cluster (`pip install 'indicator-audit[dask]'`): each file is a
    task, read by the worker that runs it, so every path must name the same file on every
    worker (shared storage mounted at the same place). Same results, same order.

    `scheduler`: the scheduler's address ("tcp://host:8786") or a dask.distributed.Client.
    A file whose task fails on the cluster (its worker died repeatedly, say) is reported as
    that file's error, and so is one that runs past `timeout` seconds (its worker is then
    restarted); the others are kept. `peers` as for audit_paths. Raises
    run.cluster.ClusterError when the cluster cannot be reached or Dask is not installed."""
    from indicator_audit.results import FileError
    from indicator_audit.run.cluster import map_paths
    from indicator_audit.run.pool import Failure

    found: list[list[tuple[FileResult, ProjectPeers | None]]] = [[] for _ in paths]

    def one(index: int, result: Any) -> None:
        if isinstance(result, Failure):
            error = FileError(message=f"无法检查：{result.message}", line=1, column=1)
            result = [(FileResult(path=str(paths[index]), error=error, findings=[]), None)]
        found[index] = result

    map_paths(scheduler, _FileResults(options, peers), [Path(p) for p in paths], one, timeout)
    projects = [r for results in found for r in results]
    if peers:
        _add_peers(projects)
    return make_report([result for result, _ in projects])
