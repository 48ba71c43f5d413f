"""The library API: audit a file or a string, get typed results. No printing, no exit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from indicator_audit.lint.engine import RunOptions
from indicator_audit.results import FileResult, Report, file_result, make_report
from indicator_audit.run.audit import audit_path_full, audit_text_full


class MultipleProjectsError(ValueError):
    """audit_file() was given a file with several projects: use audit_paths()."""


def audit_text(text: str, path: str = "<text>", options: RunOptions | None = None) -> FileResult:
    """Audit the text of a targets document (YAML or JSON)."""
    return file_result(audit_text_full(text, path, options=options))


def audit_file(path: str | Path, options: RunOptions | None = None) -> FileResult:
    """Audit a file that holds one project. For workbooks with several, use audit_paths()."""
    audits = audit_path_full(path, options=options)
    if len(audits) != 1:
        raise MultipleProjectsError(f"{path} 含有 {len(audits)} 个项目，请使用 audit_paths()")
    return file_result(audits[0])


def audit_paths(paths: Sequence[str | Path], options: RunOptions | None = None) -> Report:
    """Audit files (every project in each) and return the whole report."""
    results = [file_result(a) for p in paths for a in audit_path_full(p, options=options)]
    return make_report(results)
