"""The JSON contract, version 1 (documented in README.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..api import Audit, make_report


def render(audits: Sequence[Audit], *, color: bool = False) -> str:
    # "suggestions" (additive to v1): the revised indicator table of each file
    report = make_report([a.result(suggestions=True) for a in audits]).model_dump(mode="json")
    # Additive to v1: findings (and the error) of a table source carry "cell": "Sheet1!D7".
    for audit, result in zip(audits, report["files"], strict=True):
        ref = audit.source.cell_ref if audit.source is not None else None
        if ref is None:
            continue
        for finding in result["findings"]:
            finding["cell"] = ref(finding["line"], finding["column"])
        if result["error"] is not None:
            result["error"]["cell"] = ref(result["error"]["line"], result["error"]["column"])
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
