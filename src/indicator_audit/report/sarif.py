"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from indicator_audit._version import __version__
from indicator_audit.core.findings import Finding
from indicator_audit.run.audit import Audit

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rules() -> list[dict[str, Any]]:
    from indicator_audit.lint.docs import all_rules

    out = []
    for rule in all_rules():
        m = rule.meta
        out.append(
            {
                "id": m.code,
                "name": m.name,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.doc or m.summary},
                "defaultConfiguration": {"level": _LEVEL[m.severity.value]},
                "properties": {"kind": m.kind, "source": m.source, "scope": m.scope},
            }
        )
    return out


def _notification(audit: Audit) -> dict[str, Any]:
    """A file that could not be checked: a tool-execution notification at its place."""
    assert audit.error is not None
    region = {"startLine": audit.error.line, "startColumn": audit.error.column}
    return {
        "level": "error",
        "message": {"text": audit.error.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": audit.path}, "region": region}}
        ],
    }


def _result(f: Finding, uri: str, ref: Callable[[int, int], str] | None) -> dict[str, Any]:
    """One finding; in a table, its message starts with the cell it stands in."""
    region = {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column,
    }
    properties: dict[str, Any] = {"kind": f.kind, "indicator": f.indicator}
    if f.suggestion:
        properties["suggestion"] = f.suggestion
    return {
        "ruleId": f.rule,
        "level": _LEVEL[f.severity.value],
        "message": {"text": f"[{ref(f.line, f.column)}] {f.message}" if ref else f.message},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region},
                "logicalLocations": [{"fullyQualifiedName": f.pointer or "/"}],
            }
        ],
        "properties": properties,
    }


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    results: list[dict[str, Any]] = []
    notifications = [_notification(a) for a in audits if a.error is not None]
    for audit in audits:
        ref = audit.source.cell_ref if audit.source is not None else None
        uri = audit.path.split("#", 1)[0] if ref is not None else audit.path
        results.extend(_result(f, uri, ref) for f in audit.findings)
    driver = {
        "name": "indicator-audit",
        "version": __version__,
        "informationUri": "https://pypi.org/project/indicator-audit/",
        "rules": _rules(),
    }
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": results}
    if notifications:
        run["invocations"] = [
            {"executionSuccessful": False, "toolExecutionNotifications": notifications}
        ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    # compact, like the JSON report: json's indenting encoder is pure Python and slow on
    # reports of tens of thousands of results
    return json.dumps(doc, ensure_ascii=False) + "\n"
