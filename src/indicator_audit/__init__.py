"""indicator-audit: audit Chinese budget performance targets (绩效目标申报表 / 绩效自评表).

Public API::

    from indicator_audit import audit_file, audit_text
    result = audit_file("targets.yaml")        # a FileResult (pydantic)
    for f in result.findings: print(f.rule, f.line, f.message)

Names are imported on first use so that `import indicator_audit` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from indicator_audit._version import __version__

__all__ = [
    "FileResult",
    "FindingResult",
    "Report",
    "RunOptions",
    "__version__",
    "audit_file",
    "audit_paths",
    "audit_text",
    "parse_cell",
]

if TYPE_CHECKING:
    from indicator_audit.api import audit_file, audit_paths, audit_text
    from indicator_audit.lint.engine import RunOptions
    from indicator_audit.parse.grammar import parse_cell
    from indicator_audit.results import FileResult, FindingResult, Report

_LAZY = {
    "audit_file": "api",
    "audit_paths": "api",
    "audit_text": "api",
    "FileResult": "results",
    "FindingResult": "results",
    "Report": "results",
    "RunOptions": "lint.engine",
    "parse_cell": "parse.grammar",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'indicator_audit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
