"""The JSON contract, version 1 (documented in README.md).

Built from the findings directly, with the same fields and order as the pydantic models in
results.py (a test keeps the two equal): a large file has a hundred thousand findings, and a model
per finding would double the time of a check.

Additive to v1: findings (and the error) of a table source carry "cell": "Sheet1!D7";
with `--suggest`, each file carries "suggestions" (the revised indicator table).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..api import Audit, summarize_findings


def _file(audit: Audit, suggestions: bool) -> dict[str, Any]:
    ref = audit.source.cell_ref if audit.source is not None else None
    error: dict[str, Any] | None = None
    if audit.error is not None:
        e = audit.error
        error = {"message": e.message, "line": e.line, "column": e.column}
        if ref is not None:
            error["cell"] = ref(e.line, e.column)
    findings = []
    for f in audit.findings:
        item: dict[str, Any] = {
            "rule": f.rule,
            "name": f.name,
            "kind": f.kind,
            "severity": f.severity,  # a str enum: encoded as its value, without Enum.value's cost
            "message": f.message,
            "line": f.line,
            "column": f.column,
            "end_line": f.end_line,
            "end_column": f.end_column,
            "pointer": f.pointer,
            "indicator": f.indicator,
            "suggestion": f.suggestion,
        }
        if ref is not None:
            item["cell"] = ref(f.line, f.column)
        findings.append(item)
    out: dict[str, Any] = {"path": audit.path, "error": error, "findings": findings}
    if suggestions:
        result = audit.result(suggestions=True)
        out["suggestions"] = [s.model_dump(mode="json") for s in result.suggestions]
    return out


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    summary = summarize_findings([f for a in audits for f in a.findings], len(audits))
    report = {
        "version": 1,
        "tool": {"name": "indicator-audit", "version": __version__},
        "files": [_file(a, suggestions) for a in audits],
        "summary": summary.as_dict(),
    }
    # Compact: with `indent` the json module falls back to its pure-Python encoder, several
    # times slower on a large report. Pipe through `python -m json.tool` to read it.
    return json.dumps(report, ensure_ascii=False) + "\n"
