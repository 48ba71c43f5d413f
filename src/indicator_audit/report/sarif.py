"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from indicator_audit._version import __version__
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


def render(audits: Sequence[Audit], *, color: bool = False, suggestions: bool = False) -> str:
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for audit in audits:
        if audit.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": audit.error.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": audit.path},
                                "region": {
                                    "startLine": audit.error.line,
                                    "startColumn": audit.error.column,
                                },
                            }
                        }
                    ],
                }
            )
        ref = audit.source.cell_ref if audit.source is not None else None
        uri = audit.path.split("#", 1)[0] if ref is not None else audit.path
        for f in audit.findings:
            result: dict[str, Any] = {
                "ruleId": f.rule,
                "level": _LEVEL[f.severity.value],
                "message": {"text": f"[{ref(f.line, f.column)}] {f.message}" if ref else f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column,
                            },
                        },
                        "logicalLocations": [{"fullyQualifiedName": f.pointer or "/"}],
                    }
                ],
                "properties": {"kind": f.kind, "indicator": f.indicator},
            }
            if f.suggestion:
                result["properties"]["suggestion"] = f.suggestion
            results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "indicator-audit",
                "version": __version__,
                "informationUri": "https://pypi.org/project/indicator-audit/",
                "rules": _rules(),
            }
        },
        "results": results,
    }
    if notifications:
        run["invocations"] = [
            {"executionSuccessful": False, "toolExecutionNotifications": notifications}
        ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    # compact, like the JSON report: json's indenting encoder is pure Python, and a report of
    # 76,000 results took ten seconds to indent
    return json.dumps(doc, ensure_ascii=False) + "\n"
