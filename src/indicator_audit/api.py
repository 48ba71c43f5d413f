"""The library API: audit a file or a string, get typed results. No printing, no exit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from indicator_audit.lint.engine import RunOptions
from indicator_audit.results import FileError, FileResult, Report, file_result, make_report
from indicator_audit.run.audit import audit_path_full, audit_text_full


def audit_text(text: str, path: str = "<text>", options: RunOptions | None = None) -> FileResult:
    """Audit the text of a targets document (YAML or JSON)."""
    return file_result(audit_text_full(text, path, options=options))


def audit_file(path: str | Path, options: RunOptions | None = None) -> FileResult:
    """Audit a file that holds one project.

    Never raises for the input: a file that cannot be checked as one project — missing,
    unreadable, not a targets document, or a workbook holding several projects — comes back
    as a FileResult whose `error` says why (and where), with no findings, as the command line
    reports it. For workbooks with several projects use audit_paths(), one result each.
    """
    audits = audit_path_full(path, options=options)
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


def audit_paths(paths: Sequence[str | Path], options: RunOptions | None = None) -> Report:
    """Audit files (every project in each) and return the whole report."""
    results = [file_result(a) for p in paths for a in audit_path_full(p, options=options)]
    return make_report(results)
